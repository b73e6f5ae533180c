package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// TestRegrGoLiveNoteWithinBoundIsTaken: the caller's note is within
// onboarding.MaxReasonLength, but the handler appends
// " (confirmed_by: …)" to it before GoLive checks each note: a go-live
// that names who confirmed it and brings a full-length note is refused
// 400 for a length the caller never sent.
func TestRegressionGoLiveNoteWithinBoundIsTaken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Careful Regulator"))
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)

	note := strings.Repeat("n", onboarding.MaxReasonLength)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live", auth: bearer(staffToken),
		body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true, Note: note, ConfirmedBy: "Dr. Meera Iyer, CISO"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
}
