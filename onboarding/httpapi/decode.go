package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/openhcx/hcxonboard"
)

// readBody reads the whole request body, refusing more than the
// handler's limit (413) and a content type other than JSON (415).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !isJSONSuffix(mt)) {
			return nil, newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
				"the request body must be application/json")
		}
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBody)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload,
				message: fmt.Sprintf("the request body is over %d bytes", h.maxBody), err: err}
		}
		return nil, &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload,
			message: "the request body could not be read", err: err}
	}
	return data, nil
}

func isJSONSuffix(mt string) bool {
	return len(mt) > 5 && mt[len(mt)-5:] == "+json"
}

// decodeJSON reads the body into dst strictly: one JSON value, no unknown
// field, nothing after it.
func (h *Handler) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	data, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	return unmarshalStrict(data, dst)
}

func unmarshalStrict(data []byte, dst any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the request body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload, message: describeJSONError(err), err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "unexpected data after the JSON object")
	}
	return nil
}

func describeJSONError(err error) string {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return fmt.Sprintf("field %q: expected %s, got JSON %s", field, typeErr.Type, typeErr.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends early"
	default:
		// encoding/json's own words: `json: unknown field "x"` and the like.
		return "invalid JSON: " + err.Error()
	}
}

// decodeApplication reads an application with the contract's strict
// rules (hcxonboard.DecodeApplication) after the handler's size limit.
func (h *Handler) decodeApplication(w http.ResponseWriter, r *http.Request) (*hcxonboard.Application, error) {
	data, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, newError(http.StatusBadRequest, CodeInvalidPayload, "the request body is empty; an application is expected")
	}
	return hcxonboard.DecodeApplication(bytes.NewReader(data))
}
