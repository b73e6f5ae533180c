package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operatorPolicy adds a requirement to TPAs and a category for research.
const operatorPolicy = "testdata/policy/operator.json"

// jsonContract decodes -json output strictly: exactly verdict, categories
// and requirements, each requirement exactly id, outcome and message.
func jsonContract(t *testing.T, stdout string) (verdict string, categories []string, reqs map[string][2]string) {
	t.Helper()
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &top))
	assert.ElementsMatch(t, []string{"verdict", "categories", "requirements"}, mapKeys(top))
	require.NoError(t, json.Unmarshal(top["verdict"], &verdict))
	require.NoError(t, json.Unmarshal(top["categories"], &categories))
	var list []map[string]string
	require.NoError(t, json.Unmarshal(top["requirements"], &list))
	reqs = map[string][2]string{}
	for _, r := range list {
		assert.ElementsMatch(t, []string{"id", "outcome", "message"}, mapKeys(r))
		assert.NotEmpty(t, r["message"], r["id"])
		reqs[r["id"]] = [2]string{r["outcome"], r["message"]}
	}
	return verdict, categories, reqs
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A participant checks its application against the operator it applies
// to: a requirement the operator added is reported, and the JSON keeps
// its contract.
func TestOperatorPolicy(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runArgs(t, "", "-json", "-now", testNow, "-trust", "testdata/trust.json", "testdata/tpa_ready.json")
	require.Empty(t, stderr)
	assert.Equal(t, 0, code, "ready under the guideline's policies")
	_, _, reqs := jsonContract(t, stdout)
	assert.NotContains(t, reqs, "irda_licence")

	code, stdout, stderr = runArgs(t, "", "-json", "-policy", operatorPolicy, "-now", testNow, "-trust", "testdata/trust.json", "testdata/tpa_ready.json")
	require.Empty(t, stderr)
	assert.Equal(t, 1, code)
	verdict, cats, reqs := jsonContract(t, stdout)
	assert.Equal(t, "incomplete", verdict)
	assert.Equal(t, []string{"tpa"}, cats)
	require.Contains(t, reqs, "irda_licence")
	assert.Equal(t, "missing", reqs["irda_licence"][0])
	assert.Contains(t, reqs["irda_licence"][1], "Attach the copy of the IRDAI certificate of registration: a document of kind irda_licence")
	assert.Equal(t, "satisfied", reqs["sandbox_certificate"][0])

	// The checklist says whose policy it checked against.
	code, stdout, _ = runArgs(t, "", "-policy", operatorPolicy, "-now", testNow, "testdata/tpa_ready.json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "checked against the policy of Example HCX")
	assert.Contains(t, stdout, "[MISSING] irda_licence")
	assert.Contains(t, stdout, "INCOMPLETE")

	// Categories the operator does not change keep the guideline's.
	code, _, _ = runArgs(t, "", "-json", "-policy", operatorPolicy, "-now", testNow, "testdata/payer_ready.json")
	assert.Equal(t, 0, code)
}

// An operator's own category, with its own roles.
func TestOperatorCategory(t *testing.T) {
	t.Parallel()
	app := `{
	  "participant_name": "Institute of Health Economics",
	  "roles": [10005],
	  "primary_email": "hcx@ihe.example",
	  "primary_mobile": "9000012001",
	  "documents": [{"kind": "ethics_approval", "uri": "https://ihe.example/iec-approval.pdf",
	    "sha256": "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2"}],
	  "sandbox_certificate": ""
	}`
	_, stdout, stderr := runArgs(t, app, "-json", "-now", testNow, "-")
	require.Empty(t, stderr)
	_, cats, reqs := jsonContract(t, stdout)
	assert.Equal(t, []string{"regulator"}, cats)
	assert.Equal(t, "pending", reqs["case_review"][0])

	code, stdout, stderr := runArgs(t, app, "-json", "-policy", operatorPolicy, "-now", testNow, "-")
	require.Empty(t, stderr)
	assert.Equal(t, 1, code, "the sandbox certificate is missing")
	verdict, cats, reqs := jsonContract(t, stdout)
	assert.Equal(t, "incomplete", verdict)
	assert.Equal(t, []string{"research"}, cats)
	assert.NotContains(t, reqs, "case_review")
	assert.Equal(t, [2]string{"satisfied", "Approval of an institutional ethics committee attached"}, reqs["ethics_approval"])
	assert.Equal(t, "pending", reqs["data_use_review"][0])
	assert.Equal(t, "missing", reqs["sandbox_certificate"][0])
}

func TestBadPolicyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	tests := []struct {
		name, file string
		want       []string
	}{
		{"unknown check", write("check.json", `{"version": 1, "policies": [{"category": "tpa",
		  "requirements": [{"id": "irda_licence", "check": "irda_certificate"}]}]}`),
			[]string{`unknown check "irda_certificate"`, "the checks are sandbox_certificate, participant_name", "review, document:<kind>"}},
		{"later version", write("v2.json", `{"version": 2, "policies": []}`), []string{"version 2; this library reads version 1"}},
		{"a trust list by mistake", "testdata/trust.json", []string{`unknown field "issuers"`}},
		{"absent", filepath.Join(dir, "absent.json"), []string{"policy: cannot open"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runArgs(t, "", "-policy", tt.file, "-now", testNow, "testdata/tpa_ready.json")
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line, never a dump: %q", stderr)
		})
	}
}
