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

// TestGoLiveNoteWithinBoundIsTaken: a note within onboarding.MaxReasonLength is
// taken though the handler appends who confirmed it.
func TestGoLiveNoteWithinBoundIsTaken(t *testing.T) {
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
