package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// A reason a person gives is bounded (onboarding.MaxReasonLength): an
// applicant cannot fill the audit trail, which staff read whole, with
// megabytes of text; and a compromise report with nothing left to revoke
// is answered without another event, so repeating it grows nothing.
func TestReasonsAreBoundedAndRepeatedReportsGrowNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, tok := f.submit(f.regulator("Bloating Regulator"))
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	require.Equal(t, registry.StageCredentials, a.Stage)
	report := func(reason string) response {
		return f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/compromise",
			auth: bearer(tok), body: httpapi.ReasonRequest{Reason: reason}})
	}

	res := report(strings.Repeat("A", onboarding.MaxReasonLength+1))
	assert.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
	assert.Contains(t, string(res.body), fmt.Sprint(onboarding.MaxReasonLength))

	before, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	for i := range 5 {
		res := report(strings.Repeat("A", onboarding.MaxReasonLength))
		require.Equal(t, http.StatusOK, res.status, "report %d: %s", i, res.body)
	}
	after, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, after, len(before)+1, "the first report is recorded; the repeats, with nothing to revoke, are not")

	// Staff reasons are bounded alike.
	_, err = f.svc.Withdraw(ctx, a.ID, "staff:asha", strings.Repeat("B", onboarding.MaxReasonLength+1))
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}
