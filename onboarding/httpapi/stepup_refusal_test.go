package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A refused step-up code gets one answer — status, code and words —
// whatever was wrong: no code asked for, a wrong one, the last wrong one
// that spends it, on every route that takes one. So a caller holding a
// participant's credential but not its admin's mailbox learns neither
// whether a code is outstanding nor how many guesses it has left.
func TestStepUpRefusalsAnswerAlike(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Step-up Regulator")
	code := a.Participant.ParticipantCode
	at, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	own := bearer(at.Value)
	mine := "/v1/onboarding/applications/" + a.ID

	details := func(stepUp string) request {
		d := validDetails(t)
		d.EndpointURL = "https://hcx2.participant.example/v0.9"
		d.StepUpCode = stepUp
		return request{method: http.MethodPut, path: mine + "/details", auth: own, body: d}
	}
	leave := func(stepUp string) request {
		return request{method: http.MethodPost, path: mine + "/deboard", auth: own,
			body: httpapi.DeboardVoluntaryRequest{Reason: "closing down", StepUpCode: stepUp}}
	}
	update := func(stepUp string) request {
		return request{method: http.MethodPost, path: "/v0.9/participant/update", auth: own,
			body: httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx2.participant.example/v0.9", StepUpCode: stepUp}}
	}

	type answer struct {
		status      int
		code, words string
	}
	var answers []answer
	refused := func(name string, req request) {
		t.Helper()
		res := f.do(req)
		e := res.envelope(t)
		answers = append(answers, answer{res.status, e.Error.Code, e.Error.Message})
	}

	refused("details, no code asked for", details("123456"))
	refused("leaving, no code asked for", leave("123456"))
	refused("update, no code asked for", update("123456"))

	res := f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: own,
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	wrong := "000000"
	if wrong == f.out.lastCode(a.ID) {
		wrong = "111111"
	}
	refused("details, a wrong code", details(wrong))
	refused("update, a wrong code", update(wrong))
	refused("details, the last wrong code, which spends it", details(wrong))
	refused("details, after the code was spent", details(wrong))
	refused("leaving, a code asked for another purpose", leave(wrong))

	require.Equal(t, http.StatusBadRequest, answers[0].status)
	assert.Equal(t, httpapi.CodeInvalidOTP, answers[0].code)
	for i, got := range answers[1:] {
		assert.Equal(t, answers[0], got, "answer %d differs from the first", i+1)
	}
	for _, got := range answers {
		assert.NotContains(t, got.words, "spent")
		assert.NotContains(t, got.words, "no code was asked")
	}
}
