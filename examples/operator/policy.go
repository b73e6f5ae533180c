package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/openhcx/hcxonboard/verifier"
)

// policyPath is where the operator publishes its policy file, for
// applicants to check their application against before they apply
// (examples/prevalidate -policy).
const policyPath = "/policy.json"

// policy is the onboarding policy this operator applies and publishes.
type policy struct {
	file *verifier.PolicyFile
	body []byte // the published form: every category, checks spelt out
	etag string
}

// loadPolicy reads the operator's policy file, or takes the guideline's
// policies when name is empty.
func loadPolicy(name string) (*policy, error) {
	f := verifier.DefaultPolicyFile()
	if name != "" {
		r, err := os.Open(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("-policy %s: no such file: give the operator's policy file, or leave -policy out for the guideline's policies", name)
		case err != nil:
			return nil, fmt.Errorf("-policy %s: %w", name, err)
		}
		defer r.Close()
		if fi, err := r.Stat(); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("-policy %s: a directory, not a policy file", name)
		}
		if f, err = verifier.ParsePolicyFile(r); err != nil {
			return nil, fmt.Errorf("-policy %s: %w", name, err)
		}
	}
	// The complete form, so that an applicant's tool checks against this
	// operator's policy whatever defaults its own version carries.
	body, err := json.MarshalIndent(f.Complete(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	body = append(body, '\n')
	sum := sha256.Sum256(body)
	return &policy{file: f, body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// serve answers GET and HEAD of policyPath with the published policy and
// hands every other request to next, which must list policyPath among its
// documented routes (httpapi.WithDocumentedRoutes) to refuse a wrong method. The file is public: it says what
// each kind of applicant must show, nothing about anyone.
func (p *policy) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != policyPath || r.Method != http.MethodGet && r.Method != http.MethodHead {
			// next refuses another method on policyPath with 405 in the
			// error envelope, the path being in its document.
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("ETag", p.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(p.body))
	})
}
