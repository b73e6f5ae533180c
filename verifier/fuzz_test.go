package verifier_test

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// pick chooses one of n answers from an id, so that fuzzed ids reach every
// branch of the online checks deterministically.
func pick(id string, n int) int {
	h := 0
	for i := 0; i < len(id); i++ {
		h = h*31 + int(id[i])
	}
	if h < 0 {
		h = -h
	}
	return h % n
}

// fuzzChecker has a trust list and registries whose answers depend on the
// id asked for: found, not found, Draft or inactive, outage.
func fuzzChecker(t testing.TB) *verifier.Checker {
	facilities := facilityFunc(func(_ context.Context, id string) (hfr.Facility, error) {
		switch pick(id, 4) {
		case 0:
			return hfr.Facility{ID: id, Name: "Facility " + id, Status: "Verified"}, nil
		case 1:
			return hfr.Facility{ID: id, Name: "Facility " + id, Status: "Draft"}, nil
		case 2:
			return hfr.Facility{}, fmt.Errorf("%w: %s", hfr.ErrNotFound, id)
		}
		return hfr.Facility{}, fmt.Errorf("%w: 503", hfr.ErrUnavailable)
	})
	professionals := professionalFunc(func(_ context.Context, id string) (hfr.Professional, error) {
		switch pick(id, 3) {
		case 0:
			return hfr.Professional{HPRID: id, Name: "Dr. " + id, CouncilVerified: true}, nil
		case 1:
			return hfr.Professional{}, hfr.ErrNotFound
		}
		return hfr.Professional{}, hfr.ErrRateLimited
	})
	hospitals := rohiniFunc(func(_ context.Context, id string) (rohini.Hospital, error) {
		switch pick(id, 4) {
		case 0:
			return rohini.Hospital{ID: id, Name: "Lakeview Nursing Home", Status: "Active"}, nil
		case 1:
			return rohini.Hospital{}, rohini.ErrNotFound
		case 2:
			return rohini.Hospital{}, rohini.ErrManualReview
		}
		return rohini.Hospital{}, rohini.ErrUnavailable
	})
	payers := payerFunc(func(ctx context.Context, code string) (crypto.PublicKey, error) {
		if pick(code, 5) == 0 {
			return nil, fmt.Errorf("directory down")
		}
		return verifier.StaticPayerDirectory{testPayerCode: payerKey().Public()}.SigningKey(ctx, code)
	})
	return trustedChecker(t,
		verifier.WithFacilityRegistry(facilities), verifier.WithProfessionalRegistry(professionals),
		verifier.WithRohiniLookup(hospitals), verifier.WithPayerDirectory(payers))
}

// FuzzVerify decodes arbitrary bytes as an application and verifies what
// decodes: no panic, and every report keeps the contract — known outcomes
// and categories, a task exactly on pending results, each requirement
// once, the verdict the rule gives, clean messages, the application
// unchanged.
func FuzzVerify(f *testing.F) {
	for _, name := range testdataFiles(f) {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`{"roles":["agency.sponsor","10002","provider.clinic"],"sponsor_kind":"ngo","identifiers":{"hpr_id":"a@b@hpr.abdm","gstin":"27aapfu0939f1zv"}}`))
	f.Add([]byte(`{"roles":[],"documents":[{"kind":"x","uri":"https://@/","sha256":"sha256:"}],"empanelment":{"proof":"a.b."}}`))
	c := fuzzChecker(f)

	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := hcxonboard.UnmarshalApplication(data)
		if err != nil {
			return
		}
		// JSON, not Clone, as the snapshot: Clone does not keep an empty
		// slice apart from a nil one, and Verify must keep even that.
		before, err := json.Marshal(app)
		require.NoError(t, err)
		r, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		require.NotNil(t, r)
		after, err := json.Marshal(app)
		require.NoError(t, err)
		require.Equal(t, string(before), string(after), "Verify changed the application")

		for _, cat := range r.Categories {
			require.True(t, cat.Valid(), "unknown category %q", cat)
		}
		require.NotNil(t, r.Categories)
		require.NotEmpty(t, r.Requirements)
		seen := map[verifier.RequirementID]bool{}
		for _, res := range r.Requirements {
			require.False(t, seen[res.ID], "%s reported twice", res.ID)
			seen[res.ID] = true
			require.True(t, res.Outcome.Valid(), "%s: outcome %q", res.ID, res.Outcome)
			require.Equal(t, res.Outcome == verifier.Pending, res.Task != "", "%s: task %q on %s", res.ID, res.Task, res.Outcome)
			require.NotEmpty(t, res.Message, res.ID)
			require.True(t, utf8.ValidString(res.Message), "%s: message is not UTF-8: %q", res.ID, res.Message)
			for _, ch := range res.Message {
				require.False(t, unicode.IsControl(ch), "%s: control character in %q", res.ID, res.Message)
			}
		}
		require.True(t, seen[verifier.ReqSandboxCertificate])
		require.Equal(t, verifier.VerdictOf(r.Requirements), r.Verdict)

		cats, _ := verifier.Categorize(app)
		require.Equal(t, cats, r.Categories)
	})
}
