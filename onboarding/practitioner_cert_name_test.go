package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestPractitionerCertificateNamesThePerson: a practitioner's participant
// certificate names a person, and a person's name is compared as HPR's
// is — the title (Dr.) and the order of the names aside — so a sandbox
// that certified "Asha Rao" binds the application of "Dr. Asha Rao", and
// "Rao, Asha" binds "Dr Asha Rao". Another person's name is still refused,
// and an organisation's name is still compared as one.
func TestPractitionerCertificateNamesThePerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	roles := []hcxonboard.Role{hcxonboard.RolePractitioner}
	for _, tc := range []struct {
		certName, appName string
		bound             bool
	}{
		{"Asha Rao", "Dr. Asha Rao", true},
		{"Rao, Asha", "Dr Asha Rao", true},
		{"Dr. Asha Rao", "Asha Rao", true},
		{"Dr. Meera Iyer", "Dr. Asha Rao", false},
		{"Asha Rao Kumar", "Asha Rao", false},
	} {
		svc := w.service(registry.NewMemoryStore())
		app := w.application(verifier.CategoryABDMPractitioner)
		app.SandboxCertificate = w.participantCertificate("sbx-asha", tc.certName, roles...)
		app.SandboxParticipantCode = "sbx-asha"
		app.ParticipantName = tc.appName
		a, err := svc.Submit(ctx, app)
		if !tc.bound {
			var refused *onboarding.RefusedError
			require.ErrorAs(t, err, &refused, "%q vs %q", tc.certName, tc.appName)
			res, _ := refused.Report.Result(verifier.ReqSandboxCertificate)
			assert.Contains(t, res.Message, "participant_name")
			continue
		}
		require.NoError(t, err, "%q vs %q", tc.certName, tc.appName)
		assert.Equal(t, registry.StageVerifying, a.Stage, "%q vs %q: %v", tc.certName, tc.appName, a.Reasons)
	}

	// A hospital's certificate is an organisation's: the words of its
	// name keep their order.
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMProvider)
	app.SandboxCertificate = w.participantCertificate("sbx-sanjeevani", "Hospital Multispeciality Sanjeevani", app.Roles...)
	app.SandboxParticipantCode = "sbx-sanjeevani"
	_, err := svc.Submit(ctx, app)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused)
}
