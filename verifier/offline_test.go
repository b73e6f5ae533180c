package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestOfflineLeavesRegistriesAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.False(t, verifier.IsOffline(ctx))
	assert.True(t, verifier.IsOffline(verifier.Offline(ctx)))

	calls := 0
	v, err := verifier.New(verifier.WithFacilityRegistry(facilityFunc(func(context.Context, string) (hfr.Facility, error) {
		calls++
		return hfr.Facility{ID: "IN2910000123", Name: "Sanjeevani Multispeciality Hospital", Status: "Verified", FacilityType: "Hospital"}, nil
	})))
	require.NoError(t, err)
	app := &hcxonboard.Application{ParticipantName: "Sanjeevani Multispeciality Hospital",
		Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, PrimaryEmail: "it@sanjeevani.example", PrimaryMobile: "9000001905",
		Identifiers: hcxonboard.Identifiers{HFRID: "IN2910000123"}}
	rep, err := v.Verify(verifier.Offline(ctx), app)
	require.NoError(t, err)
	assert.Zero(t, calls, "offline: HFR is not asked")
	res, ok := rep.Result(verifier.ReqHFRLookup)
	require.True(t, ok)
	assert.Equal(t, verifier.Pending, res.Outcome)

	_, err = v.Verify(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, 1, calls, "online: it is")
}
