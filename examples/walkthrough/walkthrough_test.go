package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/verifier"
)

// The README's first hour, as two processes: examples/operator is built
// and started on a free loopback port with a fresh data directory, and the
// walkthrough, given the command line the operator's banner prints, takes
// every sample live.
func TestWalkthroughTakesEverySampleLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	banner := startOperator(t, "-data", dir, "-db", filepath.Join(dir, "registry.db"))
	args := bannerCommand(t, banner)

	// A mistyped staff token is caught before any sample is submitted, so
	// the run with the right ones still finds every sample unused.
	for _, flag := range []string{"-reviewer-token", "-approver-token"} {
		wrong := slices.Clone(args)
		i := slices.Index(wrong, flag)
		require.GreaterOrEqual(t, i, 0, "the banner's command gives %s", flag)
		wrong[i+1] = "not-the-token-it-printed"
		var out bytes.Buffer
		err := run(ctx, append(wrong, "-only", "regulator"), &out)
		require.Error(t, err, flag)
		assert.Contains(t, err.Error(), flag, "the error names the flag whose token was refused")
		assert.NotContains(t, out.String(), "submit ", "%s: nothing was submitted:\n%s", flag, &out)
	}
	// So are the two tokens given the wrong way round.
	swapped := slices.Clone(args)
	r, a := slices.Index(swapped, "-reviewer-token"), slices.Index(swapped, "-approver-token")
	swapped[r+1], swapped[a+1] = swapped[a+1], swapped[r+1]
	var swappedOut bytes.Buffer
	err := run(ctx, append(swapped, "-only", "regulator"), &swappedOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the other way round")
	assert.NotContains(t, swappedOut.String(), "submit ", "nothing was submitted:\n%s", &swappedOut)

	// A -data of another operator (one started earlier, before this one
	// was given a -data of its own) is named as such: the next step is
	// this operator's -data, not restarting the operator that runs.
	other := otherOperatorData(t, dir)
	withOther := slices.Clone(args)
	withOther[slices.Index(withOther, "-data")+1] = other
	var otherOut bytes.Buffer
	err = run(ctx, append(withOther, "-only", "regulator"), &otherOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "give the -data")
	assert.Contains(t, err.Error(), other)
	assert.NotContains(t, otherOut.String(), "submit ", "nothing was submitted:\n%s", &otherOut)

	var out bytes.Buffer
	err = run(ctx, args, &out)
	require.NoError(t, err, "walkthrough output:\n%s", &out)
	printed := out.String()
	for _, c := range verifier.Categories() {
		assert.Regexp(t, `(?m)^`+string(c)+`\s+\S+@hcx\s+Active\s`, printed, "the summary line of %s", c)
	}
	assert.Contains(t, printed, "11 of 11 categories Active")
	for _, step := range []string{
		"system_admin_otp: the system admin's code",
		"hfr_manager_otp: HFR's code to the manager of IN2910000123",
		"hpr_check: HPR's code to professional",
		"payer_approval: payer payr_", // the insurer answers for itself
		"case_review approved by the reviewer",
		"address_proof ← uploads/bsp/address_proof.pdf",
		"the approver confirmed the checklist: stage live, status Active",
	} {
		assert.Contains(t, printed, step)
	}
	assert.NotRegexp(t, `hcxs_[A-Za-z0-9_-]{8}`, printed, "no secret is printed")

	// Every sample went through the readiness checks, all passed, before
	// its credentials and go-live.
	sections := samplesOf(printed)
	require.Len(t, sections, len(verifier.Categories()))
	for c, section := range sections {
		details := strings.Index(section, "  details         endpoint https://participants.hcx-demo.localhost:")
		checked := strings.Index(section, "  readiness       ready: the operator challenged https://participants.hcx-demo.localhost:")
		creds := strings.Index(section, "  credentials     ")
		live := strings.Index(section, "  go-live         ")
		require.True(t, details >= 0 && checked > details && creds > checked && live > creds,
			"%s: details, then readiness, then credentials and go-live:\n%s", c, section)
		for _, check := range []string{"endpoint_url", "dns", "connect", "tls", "http", "challenge", "encryption_key", "signing_key"} {
			assert.Regexp(t, `(?m)^\s+passed\s+`+check+`\s+\d+ ms  \S`, section, "%s: %s passed, with its time", c, check)
		}
		assert.NotContains(t, section, "failed ")
	}

	// A sample goes live once per data directory; a second run says how
	// to start afresh.
	out.Reset()
	err = run(ctx, append(args, "-only", "regulator"), &out)
	require.Error(t, err)
	assert.Contains(t, out.String(), "delete its data directory ("+dir+")")
	assert.Contains(t, out.String(), "or it was submitted by hand", "a sample submitted by hand, as the README shows, is refused the same way")
}

// samplesOf splits the walkthrough's output into each sample's steps, by
// category.
func samplesOf(printed string) map[verifier.Category]string {
	out := map[verifier.Category]string{}
	for _, block := range strings.Split(printed, "\n\n") {
		for _, c := range verifier.Categories() {
			if strings.HasPrefix(block, string(c)+" — ") {
				out[c] = block
			}
		}
	}
	return out
}

// An endpoint whose key is not the registered certificate's fails the
// readiness checks, with the problem and what to fix, and the sample does
// not go live.
func TestWalkthroughStopsWhenNotReady(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	banner := startOperator(t, "-data", dir)
	// The participant deployed another key than its certificate's.
	der, err := x509.MarshalPKCS8PrivateKey(readinesstest.RSAKey(0))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "demo-participant-encryption-key.pem"),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))

	var out bytes.Buffer
	err = run(context.Background(), append(bannerCommand(t, banner), "-only", "regulator"), &out)
	require.Error(t, err)
	printed := out.String()
	assert.Contains(t, printed, "readiness       NOT READY: the operator challenged https://participants.hcx-demo.localhost:")
	assert.Regexp(t, `(?m)^\s+failed\s+encryption_key\s+\d+ ms  `, printed)
	assert.Contains(t, printed, "fix (wrong_key): ")
	assert.Regexp(t, `(?m)^\s+passed\s+signing_key\s`, printed, "the signing key is still right")
	assert.NotContains(t, printed, "  go-live  ")
	assert.Contains(t, printed, "0 of 1 category Active")
}

// With the operator's -readiness off the walkthrough says so, and the
// sample goes live without the checks.
func TestWalkthroughWithoutReadiness(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	banner := startOperator(t, "-data", dir, "-readiness", "off")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), append(bannerCommand(t, banner), "-only", "regulator"), &out), "output:\n%s", &out)
	printed := out.String()
	assert.Contains(t, printed, "readiness       not checked: the operator runs with -readiness off")
	assert.Contains(t, printed, "endpoint https://hcx.participant.example/v0.9")
	assert.Contains(t, printed, "1 of 1 category Active")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no tokens", nil, "give -reviewer-token and -approver-token"},
		{"unknown category", []string{"-reviewer-token", "r", "-approver-token", "a", "-only", "payer,doctor"}, `unknown category "doctor"`},
		{"stray argument", []string{"-reviewer-token", "r", "-approver-token", "a", "go"}, "unexpected arguments"},
		{"bad wait", []string{"-reviewer-token", "r", "-approver-token", "a", "-wait", "0s"}, "not positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := run(context.Background(), tc.args, io.Discard)
			var usage usageError
			require.ErrorAs(t, err, &usage)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	err := run(context.Background(), []string{"-url", "http://127.0.0.1:1", "-reviewer-token", "r", "-approver-token", "a"}, io.Discard)
	require.ErrorContains(t, err, "start one with go run ./examples/operator")
	// An operator started on another port (-addr 127.0.0.1:0, as its own
	// error for a taken port advises) is running: the next step is -url.
	require.ErrorContains(t, err, "-url")
}

// -h prints the usage, never a token taken from the environment.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	t.Setenv("HCX_REVIEWER_TOKEN", "secret-reviewer-token")
	require.ErrorIs(t, run(context.Background(), []string{"-h"}, &out), flag.ErrHelp)
	assert.Contains(t, out.String(), "Usage: go run ./examples/walkthrough")
	assert.NotContains(t, out.String(), "secret-reviewer-token", "-h shows no token")
}

// startOperator builds examples/operator, starts it on a free loopback
// port and returns its banner; the test's cleanup stops it as Ctrl-C
// would.
func startOperator(t *testing.T, args ...string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("HCX_REQUIRE_SERVICES") != "" {
			t.Fatalf("the go command is needed to build examples/operator: %v", err)
		}
		t.Skipf("the go command is needed to build examples/operator: %v", err)
	}
	bin := buildOperator(t, goTool)

	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	var mu sync.Mutex
	var banner strings.Builder
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			banner.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.HasPrefix(sc.Text(), "listening on ") {
				once.Do(func() { close(listening) })
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			assert.NoError(t, err, "the operator stops cleanly on Ctrl-C; stderr:\n%s", &stderr)
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("the operator did not stop within 20 s of Ctrl-C")
		}
	})
	select {
	case <-listening:
	case err := <-exited:
		t.Fatalf("the operator exited early: %v\n%s", err, &stderr)
	case <-time.After(60 * time.Second):
		t.Fatal("the operator did not listen within 60 s")
	}
	mu.Lock()
	defer mu.Unlock()
	return banner.String()
}

// buildOperator builds examples/operator into the test's temporary
// directory and returns the binary's path.
func buildOperator(t *testing.T, goTool string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "operator")
	buildArgs := []string{"build", "-o", bin}
	if raceEnabled {
		buildArgs = append(buildArgs, "-race")
	}
	build := exec.Command(goTool, append(buildArgs, "github.com/openhcx/hcxonboard/examples/operator")...)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build examples/operator: %v\n%s", err, b)
	}
	return bin
}

var bannerRun = regexp.MustCompile(`go run ./examples/walkthrough (.*?) \\\n\s+(.*)\n`)

// bannerCommand is the walkthrough's command line as the banner prints it.
func bannerCommand(t *testing.T, banner string) []string {
	t.Helper()
	m := bannerRun.FindStringSubmatch(banner)
	require.NotNil(t, m, "the banner prints the walkthrough's command:\n%s", banner)
	return strings.Fields(m[1] + " " + m[2])
}

// otherOperatorData copies the operator's data directory dir as the data
// of another operator would look: the same files, with a readiness key
// this operator does not publish.
func otherOperatorData(t *testing.T, dir string) string {
	t.Helper()
	other := t.TempDir()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		if e.Name() == readinessFile {
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			m["kid"] = "another-operators-key"
			b, err = json.Marshal(m)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(other, e.Name()), b, 0o600))
	}
	return other
}
