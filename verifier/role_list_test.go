package verifier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// rolesJSON is an application applying for roles, each listed n times:
// decoding keeps the list as given.
func rolesJSON(t *testing.T, n int, roles ...string) *hcxonboard.Application {
	t.Helper()
	var list []string
	for range n {
		for _, r := range roles {
			list = append(list, `"`+r+`"`)
		}
	}
	app, err := hcxonboard.UnmarshalApplication([]byte(`{"participant_name":"Health Research Trust","roles":[` + strings.Join(list, ",") + `]}`))
	require.NoError(t, err)
	return app
}

// A role an application lists twice is one role: the messages that name
// the roles name it once, so that a list repeated thousands of times
// (within the size limit) does not make a message as long as the
// application.
func TestMessagesNameEachRoleOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("case review of research and HIE/HIO.HCX", func(t *testing.T) {
		t.Parallel()
		for _, n := range []int{2, 20000} {
			rep, err := offlineChecker(t).Verify(ctx, rolesJSON(t, n, "research", "HIE/HIO.HCX"))
			require.NoError(t, err)
			res, ok := rep.Result(verifier.ReqCaseReview)
			require.True(t, ok)
			assert.Equal(t, verifier.Pending, res.Outcome)
			assert.Contains(t, res.Message, "The guideline lists no checks for research and HIE/HIO.HCX;")
			assert.Equal(t, 1, strings.Count(res.Message, "research"), res.Message[:min(len(res.Message), 300)])
		}
	})
	t.Run("no category takes the roles", func(t *testing.T) {
		t.Parallel()
		nowhere := verifier.ResolverFunc(func(*hcxonboard.Application) ([]verifier.Category, error) { return nil, nil })
		rep, err := offlineChecker(t, verifier.WithResolver(nowhere)).Verify(ctx, rolesJSON(t, 20000, "payer", "agency.tpa"))
		require.NoError(t, err)
		res, ok := rep.Result(verifier.ReqCaseReview)
		require.True(t, ok)
		assert.Contains(t, res.Message, "(no category takes roles payer, agency.tpa)")
		assert.Less(t, len(res.Message), 1000, res.Message[:min(len(res.Message), 300)])
	})
	t.Run("many values no HCX role has", func(t *testing.T) {
		t.Parallel()
		nowhere := verifier.ResolverFunc(func(*hcxonboard.Application) ([]verifier.Category, error) { return nil, nil })
		app := &hcxonboard.Application{ParticipantName: "Health Research Trust"}
		for i := range 30 {
			app.Roles = append(app.Roles, hcxonboard.Role(fmt.Sprintf("custom.%02d", i)), "custom.00")
		}
		rep, err := offlineChecker(t, verifier.WithResolver(nowhere)).Verify(ctx, app)
		require.NoError(t, err)
		res, ok := rep.Result(verifier.ReqCaseReview)
		require.True(t, ok)
		assert.Contains(t, res.Message, "no category takes roles custom.00, custom.01, ")
		assert.Contains(t, res.Message, ", custom.13 and 16 more)")
		assert.NotContains(t, res.Message, "custom.14")
	})
}
