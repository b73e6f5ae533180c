package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/verifier"
)

// client speaks the operator's JSON API (package onboarding/httpapi).
type client struct {
	base string
	http *http.Client
}

// apiError is an answer in the HCX error envelope.
type apiError struct {
	status        int
	code, message string
	// problems are the requirements a refused application's report (a
	// 422 answer to a submission) does not find satisfied.
	problems []verifier.Result
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

// call sends in (JSON, or nothing when nil) with the bearer token, if
// any, and decodes a 2xx answer into out (when not nil).
func (c *client) call(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	contentType := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	return c.send(ctx, method, path, token, contentType, body, out)
}

// upload posts a document's raw bytes, as the API takes them.
func (c *client) upload(ctx context.Context, path, token, mediaType string, content []byte, out any) error {
	return c.send(ctx, http.MethodPost, path, token, mediaType, bytes.NewReader(content), out)
}

func (c *client) send(ctx context.Context, method, path, token, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		var env struct {
			httpapi.ErrorResponse
			Requirements []verifier.Result `json:"requirements"`
		}
		if json.Unmarshal(data, &env) == nil && env.Error.Code != "" {
			e := &apiError{status: res.StatusCode, code: env.Error.Code, message: env.Error.Message}
			for _, r := range env.Requirements {
				if r.Outcome != verifier.Satisfied {
					e.problems = append(e.problems, r)
				}
			}
			return e
		}
		return &apiError{status: res.StatusCode, code: http.StatusText(res.StatusCode), message: strings.TrimSpace(string(data))}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}
