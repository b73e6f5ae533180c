package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// regulatorPolicy is an operator's policy file: regulators also attach a
// letter of authority.
const regulatorPolicy = `{
  "version": 1,
  "name": "Demo HCX",
  "policies": [{"category": "regulator", "requirements": [
    {"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "mobile"},
    {"id": "authority_letter", "check": "document:authority_letter",
     "description": "Letter of authority from the regulator's head office"},
    {"id": "case_review"}]}]
}`

func TestPolicyHandler(t *testing.T) {
	t.Parallel()
	p, err := loadPolicy("")
	require.NoError(t, err)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := httptest.NewServer(p.serve(next))
	defer srv.Close()

	res, err := http.Get(srv.URL + policyPath)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
	f, err := verifier.ParsePolicyFile(bytes.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, verifier.DefaultPolicyFile(), f, "without -policy the guideline's policies, complete")

	req, err := http.NewRequest(http.MethodGet, srv.URL+policyPath, nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotModified, res.StatusCode)

	res, err = http.Head(srv.URL + policyPath)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	// Another method is next's to refuse, in the error envelope
	// (TestRoutesBesideTheAPIRefuseAWrongMethod).
	res, err = http.Post(srv.URL+policyPath, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusTeapot, res.StatusCode)

	for _, path := range []string{"/", "/policy.json/x", "/v1/policy.json"} {
		res, err = http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusTeapot, res.StatusCode, path)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version": 1, "policies": [{"category": "tpa", "requirements": [{"id": "x", "check": "nope"}]}]}`), 0o600))
	_, err = loadPolicy(bad)
	assert.ErrorContains(t, err, `unknown check "nope"`)
	_, err = loadPolicy(filepath.Join(dir, "absent.json"))
	assert.Error(t, err)
}

// The operator applies the policy it publishes: a regulator that lacks
// what the file adds is refused, and the published file says what it is.
func TestRunWithPolicy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "operator-policy.json")
	require.NoError(t, os.WriteFile(file, []byte(regulatorPolicy), 0o600))
	base, out, _ := start(t, "-data", dir, "-db", filepath.Join(dir, "registry.db"), "-policy", file)
	assert.Contains(t, out.String(), "onboarding policy for applicants: "+base+policyPath)

	status, body := get(t, base+policyPath)
	require.Equal(t, http.StatusOK, status)
	f, err := verifier.ParsePolicyFile(strings.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, "Demo HCX", f.Name)
	require.Len(t, f.Policies, len(verifier.Categories()))
	reg := f.Policies[9]
	require.Equal(t, verifier.CategoryRegulator, reg.Category)
	assert.Equal(t, verifier.RequirementSpec{ID: "authority_letter", Check: "document:authority_letter",
		Description: "Letter of authority from the regulator's head office"}, reg.Requirements[3])

	app, err := os.ReadFile(filepath.Join(dir, "application-regulator.json"))
	require.NoError(t, err)
	res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(app))
	require.NoError(t, err)
	defer res.Body.Close()
	var refused struct {
		Verdict      string `json:"verdict"`
		Requirements []struct {
			ID, Outcome, Message string
		} `json:"requirements"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&refused))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	assert.Equal(t, "incomplete", refused.Verdict)
	var found bool
	for _, r := range refused.Requirements {
		if r.ID == "authority_letter" {
			found = true
			assert.Equal(t, "missing", r.Outcome)
			assert.Contains(t, r.Message, "Attach the letter of authority from the regulator's head office")
		}
	}
	assert.True(t, found, "%+v", refused.Requirements)
}
