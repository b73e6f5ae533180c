package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A go-live refused because the endpoint's readiness is not checked says
// so, with the route that checks it, and does not send the approver back
// to the go-live just refused.
func TestGoLiveRefusedForReadinessNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	op := readinesstest.NewOperator(12)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0)})
	a, _ := f.provisioned("Readiness Regulator")

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live",
		auth: bearer(staffToken), body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true}})
	require.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
	msg := res.envelope(t).Error.Message
	assert.Contains(t, msg, "/readiness")
	assert.NotContains(t, msg, "go-live checklist")
}
