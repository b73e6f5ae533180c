package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow lies inside the testdata certificates' validity.
const testNow = "2026-11-25T10:00:00+05:30"

func runArgs(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func testdataApplications(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	var apps []string
	for _, f := range files {
		if filepath.Base(f) != "trust.json" {
			apps = append(apps, f)
		}
	}
	require.NotEmpty(t, apps)
	return apps
}

// Every testdata file says in its name whether it is ready; the exit
// status and the JSON verdict must agree with it, with and without the
// trust list.
func TestTestdataVerdicts(t *testing.T) {
	t.Parallel()
	readyCategories := map[string]bool{}
	for _, f := range testdataApplications(t) {
		ready := strings.HasSuffix(f, "_ready.json")
		for _, trust := range []bool{false, true} {
			args := []string{"-json", "-now", testNow}
			if trust {
				args = append(args, "-trust", "testdata/trust.json")
			}
			code, stdout, stderr := runArgs(t, "", append(args, f)...)
			require.Empty(t, stderr, f)
			var got struct {
				Verdict      string   `json:"verdict"`
				Categories   []string `json:"categories"`
				Requirements []struct {
					ID, Outcome, Message string
				} `json:"requirements"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &got), f)
			if ready {
				assert.Equal(t, 0, code, f)
				assert.Equal(t, "ready", got.Verdict, f)
				for _, c := range got.Categories {
					readyCategories[c] = true
				}
			} else {
				assert.Equal(t, 1, code, f)
				assert.Contains(t, []string{"incomplete", "invalid"}, got.Verdict, f)
			}
			require.NotEmpty(t, got.Requirements, f)
			for _, r := range got.Requirements {
				assert.NotEmpty(t, r.ID, f)
				assert.Contains(t, []string{"satisfied", "missing", "invalid", "pending"}, r.Outcome, f)
				assert.NotEmpty(t, r.Message, f)
			}
		}
	}
	for _, c := range []string{"payer", "state_scheme", "corporate_sponsor", "tpa", "isnp", "abdm_provider",
		"abdm_practitioner", "rohini_provider", "empanelled_provider", "regulator", "bsp"} {
		assert.True(t, readyCategories[c], "no ready testdata application for category %s", c)
	}
}

func TestChecklist(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runArgs(t, "", "-now", testNow, "-trust", "testdata/trust.json", "testdata/bsp_invalid.json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "QuickClaim Apps LLP — bsp")
	assert.Contains(t, stdout, "[INVALID] stakeholders_serviced")
	assert.Contains(t, stdout, "NOT READY")
	assert.Contains(t, stdout, "founders@quickclaim", "the applicant sees its own address: prevalidate runs on its machine")
	assert.Contains(t, stdout, "Primary mobile 9000020101")
	assert.NotContains(t, stdout, "*****")

	code, stdout, _ = runArgs(t, "", "-now", testNow, "testdata/payer_ready.json")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "READY to apply")
	assert.Contains(t, stdout, "[later]")
	assert.NotContains(t, stdout, "check(s)", "plurals right")
}

func TestTrustListChangesTheCertificateOutcome(t *testing.T) {
	t.Parallel()
	outcome := func(args ...string) string {
		_, stdout, _ := runArgs(t, "", append([]string{"-json", "-now", testNow}, args...)...)
		var got struct {
			Requirements []struct{ ID, Outcome string } `json:"requirements"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &got))
		for _, r := range got.Requirements {
			if r.ID == "sandbox_certificate" {
				return r.Outcome
			}
		}
		t.Fatal("no sandbox_certificate requirement")
		return ""
	}
	assert.Equal(t, "pending", outcome("testdata/payer_ready.json"))
	assert.Equal(t, "satisfied", outcome("-trust", "testdata/trust.json", "testdata/payer_ready.json"))
	// Long after the certificates expired.
	_, stdout, _ := runArgs(t, "", "-json", "-now", "2031-01-01T00:00:00Z", "testdata/payer_ready.json")
	assert.Contains(t, stdout, `"verdict": "invalid"`)
}

func TestStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/tpa_ready.json")
	require.NoError(t, err)
	code, stdout, _ := runArgs(t, string(data), "-json", "-now", testNow, "-")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"tpa"`)
}

// goPackagePrefix is a Go package's name heading an error: "hcxonboard: ".
var goPackagePrefix = regexp.MustCompile(`\b(hcxonboard|sandbox|verifier|onboarding|credential|document): `)

func TestUnreadableInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badTrust := filepath.Join(dir, "trust.json")
	require.NoError(t, os.WriteFile(badTrust, []byte(`{"issuers":[{"id":"x"}]}`), 0o600))
	tests := []struct {
		name, stdin string
		args        []string
		want        string
		usage       bool // the answer is the usage text, not a one-line message
	}{
		{"no file", "", []string{filepath.Join(dir, "absent.json")}, "cannot open", false},
		{"not JSON", "hello", []string{"-"}, "standard input", false},
		{"unknown field", `{"participant_nam": "x"}`, []string{"-"}, `unknown field "participant_nam"`, false},
		{"unknown role", `{"roles": ["doctor"]}`, []string{"-"}, `"doctor"`, false},
		{"bad -now", "", []string{"-now", "yesterday", "testdata/payer_ready.json"}, "RFC 3339", false},
		{"bad trust list", "", []string{"-trust", badTrust, "testdata/payer_ready.json"}, "trust list", false},
		{"no arguments", "", nil, "usage", true},
		{"two files", "", []string{"a.json", "b.json"}, "usage", true},
		{"unknown flag", "", []string{"-x", "a.json"}, "-x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runArgs(t, tt.stdin, tt.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			if !tt.usage {
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line, never a dump: %q", stderr)
				assert.NotRegexp(t, goPackagePrefix, stderr, "the applicant is not told Go package names")
			}
		})
	}
}

// A sandbox certificate certifies one participant: without the code the
// sandbox knew the applicant by, the application is incomplete, and the
// sandbox_certificate line names the field, with and without the trust
// list. Nothing else changes.
func TestSandboxParticipantCode(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var app map[string]any
	require.NoError(t, json.Unmarshal(data, &app))
	tests := []struct {
		name    string
		code    any // nil: left out
		verdict string
		outcome string
		msg     string
	}{
		{"left out", nil, "incomplete", "missing", `Give sandbox_participant_code: the code your sandbox knew you by, which the sandbox certificate names as its subject ("app-payer-0001")`},
		{"another participant's", "app-payer-0999", "invalid", "invalid", `issued to sandbox participant "app-payer-0001", not to "app-payer-0999" (sandbox_participant_code)`},
		{"given", "app-payer-0001", "ready", "", ""},
	}
	for _, tt := range tests {
		for _, trust := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, trust list %v", tt.name, trust), func(t *testing.T) {
				t.Parallel()
				changed := maps.Clone(app)
				delete(changed, "sandbox_participant_code")
				if tt.code != nil {
					changed["sandbox_participant_code"] = tt.code
				}
				in, err := json.Marshal(changed)
				require.NoError(t, err)
				args := []string{"-json", "-now", testNow}
				if trust {
					args = append(args, "-trust", "testdata/trust.json")
				}
				_, stdout, stderr := runArgs(t, string(in), append(args, "-")...)
				require.Empty(t, stderr)
				var got struct {
					Verdict      string `json:"verdict"`
					Requirements []struct {
						ID, Outcome, Message string
					} `json:"requirements"`
				}
				require.NoError(t, json.Unmarshal([]byte(stdout), &got))
				assert.Equal(t, tt.verdict, got.Verdict)
				for _, r := range got.Requirements {
					if r.ID == "sandbox_certificate" {
						if tt.outcome != "" {
							assert.Equal(t, tt.outcome, r.Outcome)
							assert.Contains(t, r.Message, tt.msg)
						} else {
							assert.Contains(t, []string{"pending", "satisfied"}, r.Outcome)
						}
					} else {
						assert.Contains(t, []string{"pending", "satisfied"}, r.Outcome, "%s: %s", r.ID, r.Message)
					}
				}
			})
		}
	}
}
