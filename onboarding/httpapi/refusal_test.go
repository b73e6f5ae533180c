package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// refusal is what a refused request is answered, all of it that a caller
// sees.
type refusal struct {
	status  int
	headers string
	body    string
}

func refusalOf(res response) refusal {
	var h []string
	for _, k := range []string{"Content-Type", "Cache-Control", "WWW-Authenticate", "Retry-After", "X-Content-Type-Options"} {
		h = append(h, k+": "+res.header.Get(k))
	}
	return refusal{status: res.status, headers: strings.Join(h, "\n"), body: string(res.body)}
}

// provisioned takes a regulator to step 4 without going live.
func (f *fixture) provisioned(name string) (*onboarding.Application, string) {
	f.t.Helper()
	ctx := context.Background()
	a, _ := f.submit(f.regulator(name))
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(f.t))
	require.NoError(f.t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(f.t, err)
	return a, creds.Secret
}

// Every way a participant code and secret can fail is answered byte for
// byte alike — status, headers and body — on the token route and on the
// rotation route, and the log (not the answer) says why.
func TestCredentialRefusalsAreAlike(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var logs syncBuffer
	f := newFixtureWith(t, []onboarding.Option{
		onboarding.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
	}, httpapi.WithClock(func() time.Time { return fixed }))
	ctx := context.Background()

	active, activeSecret := f.live("Active Regulator")
	activeCode := active.Participant.ParticipantCode
	pending, pendingSecret := f.provisioned("Pending Regulator")
	suspended, suspendedSecret := f.live("Suspended Regulator")
	_, err := f.svc.Suspend(ctx, suspended.ID, "staff:test", "audit")
	require.NoError(t, err)
	revoked, revokedSecret := f.live("Revoked Regulator")
	require.NoError(t, f.svc.ReportCompromise(ctx, revoked.Participant.ParticipantCode, "applicant", "leaked"))
	expired, expiredSecret := f.live("Expired Regulator")
	_, err = f.svc.RotateSecret(ctx, expired.Participant.ParticipantCode, expiredSecret, 0)
	require.NoError(t, err, "overlap 0 retires the old secret at once")
	gone, goneSecret := f.live("Departed Regulator")
	_, err = f.svc.Deboard(ctx, gone.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:test", Reason: "leaving, by letter"})
	require.NoError(t, err)

	minter, err := credential.NewSecrets()
	require.NoError(t, err)
	wellFormed, _, err := minter.New()
	require.NoError(t, err)
	badSum := activeSecret[:len(activeSecret)-1] + "A"
	if badSum == activeSecret {
		badSum = activeSecret[:len(activeSecret)-1] + "E"
	}

	kinds := []struct {
		name         string
		code, secret string
		rotateWorks  bool // the failure does not stop a rotation
	}{
		{"unknown code", "nobody_000000@hcx", wellFormed, false},
		{"unknown code, malformed secret", "nobody_000000@hcx", "letmein", false},
		{"no code", "", activeSecret, false},
		{"code differing by case", strings.ToUpper(activeCode), activeSecret, false},
		{"code with a NUL byte", activeCode + "\x00", activeSecret, false},
		{"over-long code", strings.Repeat("c", 10000), activeSecret, false},
		{"malformed secret", activeCode, "letmein", false},
		{"no secret", activeCode, "", false},
		{"secret with a bad checksum", activeCode, badSum, false},
		{"wrong secret", activeCode, wellFormed, false},
		{"another participant's secret", activeCode, pendingSecret, false},
		{"revoked secret", revoked.Participant.ParticipantCode, revokedSecret, false},
		{"expired secret", expired.Participant.ParticipantCode, expiredSecret, false},
		{"participant not yet live", pending.Participant.ParticipantCode, pendingSecret, true},
		{"suspended participant", suspended.Participant.ParticipantCode, suspendedSecret, false},
		{"de-boarded participant", gone.Participant.ParticipantCode, goneSecret, false},
	}
	for _, route := range []struct {
		path string
		body func(code, secret string) any
	}{
		{"/v1/onboarding/token", func(code, secret string) any {
			return httpapi.TokenRequest{ParticipantCode: code, Secret: secret}
		}},
		{"/v1/onboarding/credentials/rotate", func(code, secret string) any {
			return httpapi.RotateRequest{ParticipantCode: code, Secret: secret, OverlapSeconds: 60}
		}},
	} {
		var first *refusal
		for _, k := range kinds {
			if k.rotateWorks && strings.HasSuffix(route.path, "/rotate") {
				continue
			}
			before := logs.Len()
			res := f.do(request{method: http.MethodPost, path: route.path, body: route.body(k.code, k.secret)})
			got := refusalOf(res)
			require.Equal(t, http.StatusUnauthorized, got.status, "%s %s: %s", route.path, k.name, got.body)
			if first == nil {
				first = &got
				assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code)
			} else {
				assert.Equal(t, *first, got, "%s: %s is answered differently", route.path, k.name)
			}
			assert.Contains(t, logs.String()[before:], "credentials refused", "%s %s: the log says why", route.path, k.name)
		}
	}
	for _, secret := range []string{activeSecret, pendingSecret, suspendedSecret, revokedSecret, expiredSecret, goneSecret, wellFormed} {
		assert.NotContains(t, logs.String(), secret[len(credential.SecretPrefix):], "no secret in the log")
	}

	// The holder of a live secret of an Active participant still gets in.
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/token",
		body: httpapi.TokenRequest{ParticipantCode: activeCode, Secret: activeSecret}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
}

// Every way a one-time code can fail is answered byte for byte alike.
func TestOTPRefusalsAreAlike(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clk := &testClock{t: time.Now().UTC()}
	var logs syncBuffer
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.Now)},
		httpapi.WithClock(func() time.Time { return fixed }),
		httpapi.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))

	// Each payer needs its own IRDA registration: identities are held once.
	n := 0
	payer := func() (*onboarding.Application, string, string) {
		t.Helper()
		n++
		app := f.payer()
		app.ParticipantName = fmt.Sprintf("Payer %d General Insurance", n)
		app.Identifiers.IRDARegistrationNumber = fmt.Sprint(150 + n)
		app.Identifiers.IRDAUserID = fmt.Sprintf("P%d-HCX-01", n)
		a, tok := f.submit(app)
		require.Equal(t, registry.StageVerifying, a.Stage)
		for _, task := range a.OpenTasks() {
			if task.Kind == onboarding.KindOTP {
				return a, tok, task.ID
			}
		}
		t.Fatal("no otp task")
		return nil, "", ""
	}
	confirm := func(a *onboarding.Application, tok, task, code string) response {
		return f.do(request{method: http.MethodPost, auth: bearer(tok),
			path: "/v1/onboarding/applications/" + a.ID + "/tasks/" + task + "/otp", body: httpapi.OTPRequest{OTP: code}})
	}
	wrongOf := func(code string) string {
		if code == "000000" {
			return "111111"
		}
		return "000000"
	}

	type attempt struct {
		name string
		try  func() response
	}
	var attempts []attempt

	a1, tok1, task1 := payer()
	code1 := f.out.lastCode(a1.ID)
	attempts = append(attempts,
		attempt{"wrong code", func() response { return confirm(a1, tok1, task1, wrongOf(code1)) }},
		attempt{"malformed code", func() response { return confirm(a1, tok1, task1, "12ab") }},
		attempt{"over-long code", func() response { return confirm(a1, tok1, task1, strings.Repeat("1", 4096)) }},
		attempt{"empty code", func() response { return confirm(a1, tok1, task1, "") }},
		attempt{"blank code", func() response { return confirm(a1, tok1, task1, "   ") }},
		attempt{"unknown task", func() response { return confirm(a1, tok1, "otp-99", code1) }},
		attempt{"task id differing by case", func() response { return confirm(a1, tok1, strings.ToUpper(task1), code1) }},
	)

	// A task of another kind: the regulator's review.
	reg, regTok := f.submit(f.regulator("Reviewed Regulator"))
	attempts = append(attempts, attempt{"a review task", func() response {
		return confirm(reg, regTok, reg.OpenTasks()[0].ID, "123456")
	}})

	// A settled task, with its right code.
	a2, tok2, task2 := payer()
	code2 := f.out.lastCode(a2.ID)
	require.Equal(t, http.StatusOK, confirm(a2, tok2, task2, code2).status)
	attempts = append(attempts, attempt{"settled task", func() response { return confirm(a2, tok2, task2, code2) }})

	// A locked task, with its right code.
	a3, tok3, task3 := payer()
	code3 := f.out.lastCode(a3.ID)
	for range onboarding.DefaultOTPAttempts {
		require.Equal(t, http.StatusBadRequest, confirm(a3, tok3, task3, wrongOf(code3)).status)
	}
	attempts = append(attempts, attempt{"locked task, right code", func() response { return confirm(a3, tok3, task3, code3) }})

	// An expired code, the right one.
	a4, tok4, task4 := payer()
	code4 := f.out.lastCode(a4.ID)
	attempts = append(attempts, attempt{"expired code, right code", func() response {
		clk.Advance(onboarding.DefaultOTPTTL + time.Minute)
		return confirm(a4, tok4, task4, code4)
	}})

	var first *refusal
	for _, at := range attempts {
		before := logs.Len()
		res := at.try()
		got := refusalOf(res)
		require.Equal(t, http.StatusBadRequest, got.status, "%s: %s", at.name, got.body)
		if first == nil {
			first = &got
			assert.Equal(t, httpapi.CodeInvalidOTP, res.envelope(t).Error.Code)
		} else {
			assert.Equal(t, *first, got, "%s is answered differently", at.name)
		}
		assert.Contains(t, logs.String()[before:], "one-time code refused", "%s: the log says why", at.name)
	}
	for _, code := range []string{code1, code2, code3, code4} {
		assert.NotContains(t, logs.String(), `"`+code+`"`, "no code in the log")
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}
