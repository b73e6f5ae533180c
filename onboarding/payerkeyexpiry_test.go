package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// oneParticipant is a registry.Participants holding one participant.
type oneParticipant struct{ p hcxonboard.Participant }

func (o oneParticipant) Participant(_ context.Context, code string) (*hcxonboard.Participant, error) {
	if code != o.p.ParticipantCode {
		return nil, registry.ErrNotFound
	}
	p := o.p
	return &p, nil
}

func (o oneParticipant) SearchParticipants(context.Context, registry.Query) ([]hcxonboard.Participant, error) {
	return []hcxonboard.Participant{o.p}, nil
}

// A payer whose registered signing certificate has expired still has its
// key handed out for checking signed empanelment proofs: payer_approval is
// then settled by a signature from a key whose certificate is no longer
// valid.
func TestRegistryPayersRefusesAnExpiredCertificate(t *testing.T) {
	t.Parallel()
	certs := testCert(t)
	dir := onboarding.RegistryPayers(oneParticipant{hcxonboard.Participant{
		ParticipantCode: "1000009999@hcx",
		Roles:           []hcxonboard.Role{hcxonboard.RolePayer},
		Status:          hcxonboard.StatusActive,
		SigningCertPath: certs.expired, // NotAfter a day ago
	}}, nil)
	key, err := dir.SigningKey(context.Background(), "1000009999@hcx")
	require.ErrorIs(t, err, verifier.ErrUnknownPayer, "an expired certificate's key was returned: %T", key)
}
