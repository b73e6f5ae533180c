package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/verifier"
)

// buffer is a bytes.Buffer safe to read while run writes to it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs the operator on a free port and returns its base URL, its
// output and a stop function that returns run's error.
func start(t *testing.T, args ...string) (string, *buffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), out) }()
	var base string
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			require.NoError(t, err, "run ended early; output:\n%s", out.String())
		default:
		}
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			return true
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "output:\n%s", out)
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			return context.DeadlineExceeded
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, out, stop
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}

func TestRunServesAndStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, out, stop := start(t, "-data", dir, "-db", filepath.Join(dir, "registry.db"))

	status, body := get(t, base+"/openapi.json")
	require.Equal(t, http.StatusOK, status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, "3.0.3", doc["openapi"])

	status, body = get(t, base+"/console/login", "X-Request-Id", "operator-test-1")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Staff login")
	// The log is JSON, one record a line, each request's under its id.
	var logged map[string]any
	require.Eventually(t, func() bool {
		for line := range strings.Lines(out.String()) {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["request_id"] == "operator-test-1" {
				logged = rec
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond, "output:\n%s", out)
	assert.Equal(t, "http request", logged["msg"])
	assert.Equal(t, "INFO", logged["level"])
	assert.Equal(t, "GET /console/login", logged["route"])
	assert.EqualValues(t, http.StatusOK, logged["status"])

	banner := out.String()
	for _, want := range []string{base + "/console/", base + "/openapi.json", "registry.db (SQLite)",
		"in-process fake", `"id": "demo-sandbox"`, "application-regulator.json", "Staff token"} {
		assert.Contains(t, banner, want)
	}
	for _, name := range []string{"trust-list.json", "sandbox-certificate.jwt", "application-regulator.json",
		"application-payer.json", "application-hospital.json", "details.json", "operator.seed",
		demoCAFile, demoEndpointTLSFile, demoEncryptionKeyFile, demoSigningKeyFile, demoReadinessFile} {
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}

	require.NoError(t, stop(), "a cancelled run shuts down cleanly")
	assert.Contains(t, out.String(), "shutting down")
	_, err := http.Get(base + "/openapi.json")
	assert.Error(t, err, "the server is gone")
}

// The SQLite file and the key seed outlive a restart: an applicant keeps
// access to its application, and the staff token is new each time.
func TestRunRestartKeepsApplications(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"-data", dir, "-db", filepath.Join(dir, "registry.db")}
	base, out, stop := start(t, args...)

	app, err := os.ReadFile(filepath.Join(dir, "application-regulator.json"))
	require.NoError(t, err)
	res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(app))
	require.NoError(t, err)
	var applied struct {
		ApplicantToken string `json:"applicant_token"`
		Application    struct {
			ID    string `json:"id"`
			Stage string `json:"stage"`
		} `json:"application"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&applied))
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	assert.Equal(t, "verifying", applied.Application.Stage, "the demo trust list accepts the sample certificate")
	firstToken := staffToken(t, out.String())
	require.NoError(t, stop())

	base, out, _ = start(t, args...)
	status, body := get(t, base+"/v1/onboarding/applications/"+applied.Application.ID, "Authorization", "Bearer "+applied.ApplicantToken)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, applied.Application.ID)
	second := staffToken(t, out.String())
	assert.NotEqual(t, firstToken, second)
	status, _ = get(t, base+"/v1/onboarding/staff/applications?waiting=review", "Authorization", "Bearer "+second)
	assert.Equal(t, http.StatusOK, status)
	status, _ = get(t, base+"/v1/onboarding/staff/applications", "Authorization", "Bearer "+firstToken)
	assert.Equal(t, http.StatusForbidden, status, "the old staff token died with its process")
}

func staffToken(t *testing.T, banner string) string {
	t.Helper()
	_, after, ok := strings.Cut(banner, "Staff token for the console")
	require.True(t, ok)
	lines := strings.Split(after, "\n")
	require.Greater(t, len(lines), 1)
	return strings.TrimSpace(lines[1])
}

func TestRunRefusesBadConfiguration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-colour", "blue"}, "flag provided but not defined"},
		{"stray argument", []string{"serve"}, "unexpected arguments"},
		{"half an HFR configuration", []string{"-hfr-gateway", "https://gateway.example"}, "real HFR needs"},
		{"HFR without its secret", []string{"-hfr-gateway", "https://g.example", "-hfr-registry", "https://r.example", "-hfr-client-id", "x"}, "HFR_CLIENT_SECRET"},
		{"bad address", []string{"-addr", "256.0.0.1:1"}, "listen"},
		{"corrupt key seed", []string{"-data", filepath.Join(dir, "corrupt")}, "not 64 hex digits"},
		{"unknown profile", []string{"-profile", "keycloak"}, `-profile "keycloak": want own, spec, platform or nhcx`},
		{"unknown readiness mode", []string{"-readiness", "sometimes"}, `-readiness "sometimes": want required, optional or off`},
		{"scheduler too eager", []string{"-schedule-interval", "10ms"}, "-schedule-interval 10ms: want a second to 8 hours"},
		{"scheduler too lazy", []string{"-schedule-interval", "9h"}, "-schedule-interval 9h0m0s: want a second to 8 hours"},
		{"no scheduler workers", []string{"-schedule-workers", "0"}, "-schedule-workers 0: want 1 to 64"},
		{"too many scheduler workers", []string{"-schedule-workers", "65"}, "-schedule-workers 65: want 1 to 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "corrupt key seed" {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "corrupt"), 0o700))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "corrupt", "operator.seed"), []byte("zz"), 0o600))
			}
			args := append([]string{"-db", filepath.Join(t.TempDir(), "r.db"), "-data", t.TempDir()}, tc.args...)
			err := run(context.Background(), args, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestRealRegistriesConfiguration(t *testing.T) {
	t.Parallel()
	real := config{hfrGateway: "https://gateway.example", hfrRegistry: "https://registry.example/v4/int",
		hfrClientID: "client", hfrSecret: "secret", hfrEnv: "production", rohiniURL: "https://rohini.example"}
	regs, err := openRegistries(real, io.Discard, metrics.New())
	require.NoError(t, err)
	defer regs.close()
	assert.Nil(t, regs.fakeHFR, "no fake when HFR is configured")
	assert.Nil(t, regs.fakeRohini, "no fake when ROHINI is configured")
	assert.Contains(t, regs.hfrSource, "https://registry.example/v4/int")
	assert.NotContains(t, regs.hfrSource, "secret")

	bad := real
	bad.hfrEnv = "staging"
	_, err = openRegistries(bad, io.Discard, metrics.New())
	require.ErrorContains(t, err, `-hfr-env "staging"`)
}

// The demo's HFR, which prints the manager's code, still looks facilities
// up, so that the engine reads HFR's record after the manager's consent
// as it does with the real HFR.
func TestDemoHFRLooksFacilitiesUp(t *testing.T) {
	t.Parallel()
	regs, err := openRegistries(config{}, io.Discard, metrics.New())
	require.NoError(t, err)
	defer regs.close()
	fr, ok := regs.facilityOTP.(verifier.FacilityRegistry)
	require.True(t, ok, "the demo's HFR looks facilities up")
	f, err := fr.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, "Sanjeevani Multispeciality Hospital", f.Name)
}

func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"anita.rao@insurer.example": "a********@insurer.example",
		"9000011002":                "******1002",
		"payr_demoge_562733@hcx":    "payr_demoge_562733@hcx",
		"IN2910000123@hfr":          "IN2910000123@hfr",
		"staff":                     "staff",
	} {
		assert.Equal(t, want, mask(in), in)
	}
}

// A second start on the port of a running operator fails without touching
// the demo files the running one trusts: its readiness checks go on.
func TestSecondStartLeavesTheRunningOperatorsFiles(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	base, _, _ := start(t, "-data", data)
	ca := filepath.Join(data, "demo-ca.pem")
	before, err := os.ReadFile(ca)
	require.NoError(t, err)
	err = run(context.Background(), []string{"-addr", strings.TrimPrefix(base, "http://"), "-data", data}, io.Discard)
	require.ErrorContains(t, err, "listen")
	after, err := os.ReadFile(ca)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the running operator's demo CA is as it was")
}

// A second operator on the same data directory, on another port, is
// refused before it writes a file: the running one's demo CA and samples
// stay as they are. Once the first stops, the directory is free again.
func TestSecondOperatorOnAnotherPortIsRefused(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	_, _, stop := start(t, "-data", data)
	ca := filepath.Join(data, "demo-ca.pem")
	before, err := os.ReadFile(ca)
	require.NoError(t, err)
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", data}, io.Discard)
	require.ErrorContains(t, err, "another operator runs on the data directory")
	after, err := os.ReadFile(ca)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the running operator's demo CA is as it was")

	require.NoError(t, stop())
	_, _, _ = start(t, "-data", data)
}
