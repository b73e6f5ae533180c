package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Retrying a dead letter that does not exist is answered 404, a status
// the OpenAPI document does not list for retryDeadLetter.
func TestRetryDeadLetterNotFoundIsDocumented(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	router := docRouter(t, f)
	f.checked(router, request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: bearer(staffToken),
		body: httpapi.RetryRequest{ID: "nothing/1/0"}})
}

// Step 3 with a certificate URL the operator will not fetch is answered
// 422 (classify: fetchFailed), a status the OpenAPI document does not
// list for submitDetails.
func TestSubmitDetailsFetchRefusalIsDocumented(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	router := docRouter(t, f)
	a, tok := f.submit(f.regulator("Fetch Refusal Regulator"))
	a = f.approveReview(a)
	f.checked(router, request{method: http.MethodPut, path: "/v1/onboarding/applications/" + a.ID + "/details", auth: bearer(tok),
		body: onboarding.Details{EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: "https://10.0.0.1/cert.pem"}})
}

// The go-live checklist's notes are a person-given reason like any other
// and land in the audit trail's event reason, but nothing bounds them:
// POST …/go-live stores a megabyte-sized pilot_notes/note whole, where
// every other reason is refused past onboarding.MaxReasonLength.
func TestGoLiveNotesAreBounded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Verbose Regulator"))
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)

	huge := strings.Repeat("N", 400<<10)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live", auth: bearer(staffToken),
		body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true, PilotNotes: huge, Note: huge}})
	require.Equal(t, http.StatusBadRequest, res.status, "a go-live note of %d bytes was taken (body size %d)", 2*len(huge), len(res.body))
}

// A console page asked for without a session is answered 303 (to the
// login), a status the OpenAPI document does not list for the page.
func TestConsolePageWithoutSessionIsDocumented(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	router := docRouter(t, f)
	f.checked(router, request{method: http.MethodGet, path: "/console/queue"})
}

// Rotating the applicant token with a token over a day old answers the
// new token in the body, and also an X-Applicant-Token "renewal" minted
// by the auth step before the rotation — of the generation the rotation
// just retired. A client that adopts X-Applicant-Token, as the renewal
// contract asks, locks itself out.
func TestRotationAnswersNoDeadRenewal(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixture(t, httpapi.WithClock(clk.now))
	a, tok := f.submit(f.regulator("Rotating Regulator"))
	path := "/v1/onboarding/applications/" + a.ID
	clk.add(48 * time.Hour)

	res := f.do(request{method: http.MethodPost, path: path + "/applicant-token", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	if renewed := res.header.Get("X-Applicant-Token"); renewed != "" {
		got := f.do(request{method: http.MethodGet, path: path, auth: bearer(renewed)})
		require.Equal(t, http.StatusOK, got.status, "the X-Applicant-Token of the rotation's answer is refused: %s", got.body)
	}
}
