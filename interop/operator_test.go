package interop_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// The SDK, unchanged, against examples/operator as a newcomer runs it:
// the program is built and started, two of its sample participants are
// onboarded through its HTTP API alone (submit, staff review, step-3
// details, credentials, go-live by a second person), and the SDK of one
// gets a token with its primary e-mail and secret, searches the
// registry, fetches the other's encryption certificate by URL and
// encrypts a FHIR bundle to it; the recipient's private key (the demo
// participants' key the operator writes) opens it. In the default
// profile and in the platform's.
func TestIntegratorSDKAgainstTheOperator(t *testing.T) {
	node := nodeOrSkip(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		msg := "interop: the go command is not on PATH, so examples/operator cannot be built"
		if os.Getenv(requireEnv) != "" {
			t.Fatal(msg + " (" + requireEnv + " is set)")
		}
		t.Skip(msg)
	}
	bin := filepath.Join(t.TempDir(), "operator")
	build := exec.Command(goBin, "build", "-o", bin, "../examples/operator")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build examples/operator: %s", out)

	for _, profile := range []string{"", "platform"} {
		name := profile
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			op := startOperator(t, bin, profile)
			sender := op.onboard(t, "application-regulator.json")
			recipient := op.onboard(t, "application-rohini-hospital.json")

			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "sdk.mjs")
			cmd.Env = append(cleanEnv(),
				"HCX_PROTOCOL_BASE_PATH="+op.base+"/v0.9",
				"HCX_AUTH_BASE_PATH="+op.base+"/auth/realms/swasth-hcx-participants/protocol/openid-connect/token",
				"HCX_PARTICIPANT_CODE="+sender.code,
				"HCX_USERNAME="+sender.email,
				"HCX_PASSWORD="+sender.secret,
				"HCX_RECIPIENT_CODE="+recipient.code,
				"HCX_JWKS_URL="+op.base+"/auth/realms/swasth-hcx-participants/protocol/openid-connect/certs",
			)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Run(), "node sdk.mjs: %s", stderr.String())
			var res sdkResult
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &res), "output: %s", stdout.String())

			assert.Equal(t, "RS256", res.Alg)
			assert.Equal(t, sender.code, res.Verified["participant_code"])
			require.Len(t, res.Search.Participants, 1)
			rec := res.Search.Participants[0]
			assert.Equal(t, recipient.code, rec["participant_code"])
			assert.Equal(t, "Active", rec["status"])
			certURL, _ := rec["encryption_cert"].(string)
			assert.True(t, strings.HasPrefix(certURL, op.base+"/certificates/"), "encryption_cert is a URL on the operator: %q", certURL)
			if profile == "platform" {
				assert.Equal(t, credential.OwnerID(sender.code), res.Verified["sub"])
				assert.Equal(t, []any{"Organisation"}, res.Verified["entity"])
				assert.Equal(t, []any{"provider.hospital"}, rec["roles"])
			}

			protected := jweHeader(t, res.JWE)
			assert.Equal(t, recipient.code, protected["x-hcx-recipient_code"])
			assert.Equal(t, sender.code, protected["x-hcx-sender_code"])
			alg, _ := protected["alg"].(string)
			plain, err := jwe.Decrypt([]byte(res.JWE), jwe.WithKey(jwa.KeyEncryptionAlgorithm(alg), op.encryptionKey(t)))
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(plain, &got))
			assert.Equal(t, res.Payload, got)
		})
	}
}

// runningOperator is examples/operator started by startOperator.
type runningOperator struct {
	base, data         string
	reviewer, approver string
	http               *http.Client
}

var (
	bannerAPI      = regexp.MustCompile(`(?m)^\s+API:\s+(http://\S+)/v1/onboarding/`)
	bannerReviewer = regexp.MustCompile(`Staff token for the console[^\n]*\n\s+(\S+)`)
	bannerApprover = regexp.MustCompile(`the approver token:\n\s+(\S+)`)
)

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startOperator runs the built operator on a free loopback port with a
// fresh data directory, readiness checks off (the samples' endpoint is
// not served here), and stops it when the test ends.
func startOperator(t *testing.T, bin, profile string) *runningOperator {
	t.Helper()
	data := t.TempDir()
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-readiness", "off"}
	if profile != "" {
		args = append(args, "-profile", profile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	op := &runningOperator{data: data, http: &http.Client{Timeout: 30 * time.Second}}
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the operator stopped (%v); output:\n%s", err, out)
		default:
		}
		s := out.String()
		api, rev, appr := bannerAPI.FindStringSubmatch(s), bannerReviewer.FindStringSubmatch(s), bannerApprover.FindStringSubmatch(s)
		if api == nil || rev == nil || appr == nil {
			return false
		}
		op.base, op.reviewer, op.approver = api[1], rev[1], appr[1]
		return true
	}, 60*time.Second, 50*time.Millisecond, "the operator's banner; output so far:\n%s", out)
	require.Eventually(t, func() bool {
		res, err := op.http.Get(op.base + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "the operator answers /healthz")
	return op
}

// call sends in (raw JSON bytes, or a value to encode; nothing when nil)
// and decodes a 2xx answer into out.
func (op *runningOperator) call(t *testing.T, method, path, token string, in, out any) {
	t.Helper()
	var body io.Reader
	switch v := in.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(v)
	default:
		b, err := json.Marshal(v)
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, op.base+path, body)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := op.http.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.True(t, res.StatusCode/100 == 2, "%s %s: %d %s", method, path, res.StatusCode, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), "%s %s: %s", method, path, b)
	}
}

// onboard takes the operator's sample application in file live through
// the HTTP API alone, as its applicant and two members of staff would.
func (op *runningOperator) onboard(t *testing.T, file string) participant {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(op.data, file))
	require.NoError(t, err)
	var sample struct {
		PrimaryEmail string `json:"primary_email"`
	}
	require.NoError(t, json.Unmarshal(raw, &sample))

	var applied httpapi.ApplyResponse
	op.call(t, http.MethodPost, "/v1/onboarding/applications", "", raw, &applied)
	a, token := applied.Application, applied.ApplicantToken
	deadline := time.Now().Add(30 * time.Second)
	for a.Stage == registry.StageVerifying {
		var review *httpapi.Task
		for i := range a.Tasks {
			tk := &a.Tasks[i]
			if tk.State != onboarding.TaskOpen {
				continue
			}
			switch tk.Kind {
			case onboarding.KindReview:
				review = tk
			case onboarding.KindAwait, onboarding.KindRetry:
				// A registry's answer: look again shortly.
			default:
				t.Fatalf("%s: task %s (%s, %s) needs more than staff review: %s", file, tk.ID, tk.Kind, tk.Requirement, tk.Message)
			}
		}
		if review != nil {
			op.call(t, http.MethodPost, "/v1/onboarding/staff/applications/"+a.ID+"/tasks/"+review.ID+"/decision", op.reviewer,
				httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "interop: checked"}, nil)
		} else {
			require.True(t, time.Now().Before(deadline), "%s: still verifying after 30 s", file)
			time.Sleep(200 * time.Millisecond)
		}
		op.call(t, http.MethodGet, "/v1/onboarding/applications/"+a.ID, token, nil, &a)
	}
	require.Equal(t, registry.StageDetails, a.Stage, "%s: %s", file, strings.Join(a.Reasons, "; "))

	details, err := os.ReadFile(filepath.Join(op.data, "details.json"))
	require.NoError(t, err)
	op.call(t, http.MethodPut, "/v1/onboarding/applications/"+a.ID+"/details", token, details, &a)
	require.Equal(t, registry.StageCredentials, a.Stage, file)
	var creds httpapi.CredentialsResponse
	op.call(t, http.MethodPost, "/v1/onboarding/applications/"+a.ID+"/credentials", token, nil, &creds)
	op.call(t, http.MethodPost, "/v1/onboarding/staff/applications/"+a.ID+"/go-live", op.approver,
		httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true, Note: "interop: pilot and training confirmed"}, &a)
	require.Equal(t, registry.StageLive, a.Stage, file)
	return participant{code: creds.ParticipantCode, email: sample.PrimaryEmail, secret: creds.Secret}
}

// encryptionKey is the private key of the encryption certificate in the
// operator's details.json, which it writes for its demo participants.
func (op *runningOperator) encryptionKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(op.data, "demo-participant-encryption-key.pem"))
	require.NoError(t, err)
	for rest := raw; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		require.NotNil(t, b, "no private key in demo-participant-encryption-key.pem")
		var key any
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		default:
			continue
		}
		require.NoError(t, err)
		rk, ok := key.(*rsa.PrivateKey)
		require.True(t, ok, fmt.Sprintf("the demo encryption key is a %T", key))
		return rk
	}
}
