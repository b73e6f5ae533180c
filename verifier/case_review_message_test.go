package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's category may use the case_review check for roles other
// than the regulators': its message must then speak of the application,
// not of regulators; the guideline's regulator and research rows keep
// their words.
func TestCaseReviewInOperatorCategory(t *testing.T) {
	t.Parallel()
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [
	  {"category": "csr", "roles": ["agency.sponsor"], "requirements": [{"id": "participant_name"}, {"id": "case_review"}]}]}`))
	require.NoError(t, err)
	c, err := verifier.New(verifier.WithPolicyFile(f))
	require.NoError(t, err)
	tests := []struct {
		name  string
		roles []hcxonboard.Role
		want  string
		not   string
	}{
		{"operator category", []hcxonboard.Role{hcxonboard.RoleSponsor}, "reviews this application case by case", "Regulators"},
		{"regulator", []hcxonboard.Role{hcxonboard.RoleRegulator}, "Regulators are onboarded case by case", ""},
		{"research", []hcxonboard.Role{hcxonboard.RoleResearch}, "The guideline lists no checks for research", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.Verify(context.Background(), &hcxonboard.Application{ParticipantName: "A", Roles: tt.roles})
			require.NoError(t, err)
			res, ok := r.Result(verifier.ReqCaseReview)
			require.True(t, ok)
			assert.Equal(t, verifier.Pending, res.Outcome)
			assert.Equal(t, verifier.TaskReview, res.Task)
			assert.Contains(t, res.Message, tt.want)
			if tt.not != "" {
				assert.NotContains(t, res.Message, tt.not)
			}
		})
	}
}
