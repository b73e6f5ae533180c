package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The -json verdict agrees with the exit status: an application whose
// checks pass but which the operator refuses as it is (text with a NUL)
// is not "ready", and exits 1; the ready one stays ready and exits 0.
func TestJSONVerdictAgreesWithTheExitStatus(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["address"].(map[string]any)["landmark"] = "near\u0000gate"
	doc, err := json.Marshal(m)
	require.NoError(t, err)
	for _, tc := range []struct {
		stdin, verdict string
		code           int
	}{{string(raw), "ready", 0}, {string(doc), "invalid", 1}} {
		code, stdout, _ := runArgs(t, tc.stdin, "-json", "-now", testNow, "-")
		var got struct {
			Verdict string `json:"verdict"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
		assert.Equal(t, tc.verdict, got.Verdict)
		assert.Equal(t, tc.code, code)
	}
}

// The checklist of an application the operator refuses as it is says so,
// once, and never that it is ready.
func TestChecklistOfARefusedApplicationIsNotReady(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["address"].(map[string]any)["landmark"] = "near\u0000gate"
	doc, err := json.Marshal(m)
	require.NoError(t, err)
	code, stdout, stderr := runArgs(t, string(doc), "-now", testNow, "-")
	assert.Equal(t, 1, code)
	assert.NotContains(t, stdout, "READY to apply")
	assert.Equal(t, 1, strings.Count(stdout, "NOT READY: the operator refuses this application as it is"), stdout)
	assert.Empty(t, stderr)
	_, _, stderr = runArgs(t, string(doc), "-json", "-now", testNow, "-")
	assert.Contains(t, stderr, "NOT READY: the operator refuses this application as it is")
}

// A checklist whose roles settle no category says so in its header.
func TestChecklistHeaderWithoutACategory(t *testing.T) {
	t.Parallel()
	_, stdout, _ := runArgs(t, "", "-now", testNow, "testdata/sponsor_kind_missing.json")
	first := strings.SplitN(stdout, "\n", 2)[0]
	assert.Contains(t, first, "no category yet")
	assert.False(t, strings.HasSuffix(strings.TrimSpace(first), "—"), "header %q", first)
}
