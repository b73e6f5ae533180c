package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// guessStorm sends 50 wrong codes at once through the Handler, each built
// by req, and checks the answers: none is accepted, every refusal is the
// one answer (status, code and words), and at least the code's attempts
// were refused. A write that lost every race to the others (409) decided
// nothing and counted nothing.
func guessStorm(t *testing.T, f *fixture, right string, req func(guess string) request) {
	t.Helper()
	type answer struct {
		status      int
		code, words string
	}
	answers := make([]answer, 50)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			guess := fmt.Sprintf("%06d", 100000+i)
			if guess == right {
				guess = "999999"
			}
			res := f.do(req(guess))
			var e httpapi.ErrorResponse
			_ = json.Unmarshal(res.body, &e)
			answers[i] = answer{res.status, e.Error.Code, e.Error.Message}
		})
	}
	wg.Wait()
	refused := 0
	var first answer
	for i, a := range answers {
		if a.status == http.StatusConflict {
			continue
		}
		require.Equal(t, http.StatusBadRequest, a.status, "guess %d: %+v", i, a)
		if refused == 0 {
			first = a
		}
		assert.Equal(t, first, a, "guess %d is refused in other words than the first", i)
		refused++
	}
	assert.GreaterOrEqual(t, refused, onboarding.DefaultOTPAttempts)
	assert.Equal(t, httpapi.CodeInvalidOTP, first.code)
}

// Fifty concurrent guesses at an applicant's one-time code over HTTP: the
// code takes exactly its attempts, so that afterwards even the right code
// is refused, in the same words, and the task shows none left.
func TestConcurrentOTPGuessesOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.payer())
	var otp onboarding.Task
	for _, task := range a.OpenTasks() {
		if task.Kind == onboarding.KindOTP {
			otp = task
		}
	}
	require.NotEmpty(t, otp.ID)
	path := "/v1/onboarding/applications/" + a.ID + "/tasks/" + otp.ID + "/otp"
	right := f.out.lastCode(a.ID)
	guess := func(code string) request {
		return request{method: http.MethodPost, path: path, auth: bearer(tok), body: httpapi.OTPRequest{OTP: code}}
	}
	guessStorm(t, f, right, guess)

	res := f.do(guess(right))
	require.Equal(t, http.StatusBadRequest, res.status, "the right code after the storm: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOTP, res.envelope(t).Error.Code)
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	for _, task := range got.Tasks {
		if task.ID == otp.ID {
			assert.Zero(t, task.AttemptsLeft)
			assert.NotEqual(t, onboarding.TaskDone, task.State)
		}
	}
}

// Fifty concurrent guesses at a live participant's step-up code, with its
// own access token: none changes the endpoint, and afterwards the right
// code is refused too.
func TestConcurrentStepUpGuessesOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Step-up Storm Regulator")
	at, err := f.svc.Token(ctx, a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	mine := "/v1/onboarding/applications/" + a.ID
	res := f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: bearer(at.Value),
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	right := f.out.lastCode(a.ID)
	change := func(code string) request {
		d := validDetails(t)
		d.EndpointURL = "https://hcx2.participant.example/v0.9"
		d.StepUpCode = code
		return request{method: http.MethodPut, path: mine + "/details", auth: bearer(at.Value), body: d}
	}
	guessStorm(t, f, right, change)

	res = f.do(change(right))
	require.Equal(t, http.StatusBadRequest, res.status, "the right code after the storm: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOTP, res.envelope(t).Error.Code)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://hcx.participant.example/v0.9", got.Participant.EndpointURL, "no guess changed the endpoint")
}

// Whatever is wrong with an applicant token — an unknown application, a
// made-up token, another application's good token — the answer is the
// same, so that a caller learns neither which application ids exist nor
// whether a token it holds is good elsewhere.
func TestApplicantTokenRefusalsAnswerAlike(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.submit(f.regulator("Refusal Regulator A"))
	_, otherTok := f.submit(f.regulator("Refusal Regulator B"))
	const unknown = "01a24d4a-0000-7000-8000-000000000000"
	for _, rt := range []struct{ method, suffix string }{
		{http.MethodGet, ""},
		{http.MethodGet, "/documents"},
		{http.MethodPost, "/applicant-token"},
		{http.MethodPost, "/tasks/review-1/otp"},
	} {
		var first *httpapi.ErrorResponse
		for _, tc := range []struct{ name, id, tok string }{
			{"unknown application, made-up token", unknown, httpapi.ApplicantTokenPrefix + "bm90LWEtdG9rZW4.AAAA"},
			{"unknown application, another's good token", unknown, otherTok},
			{"known application, made-up token", a.ID, httpapi.ApplicantTokenPrefix + "bm90LWEtdG9rZW4.AAAA"},
			{"known application, another's good token", a.ID, otherTok},
		} {
			var body any
			if rt.method == http.MethodPost && rt.suffix != "/applicant-token" {
				body = httpapi.OTPRequest{OTP: "123456"}
			}
			res := f.do(request{method: rt.method, path: "/v1/onboarding/applications/" + tc.id + rt.suffix, auth: bearer(tc.tok), body: body})
			require.Equal(t, http.StatusForbidden, res.status, "%s %s, %s: %s", rt.method, rt.suffix, tc.name, res.body)
			e := res.envelope(t)
			if first == nil {
				first = &e
				continue
			}
			assert.Equal(t, first.Error, e.Error, "%s %s, %s", rt.method, rt.suffix, tc.name)
		}
	}
}
