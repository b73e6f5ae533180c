package onboarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A live participant's change of endpoint or certificates is told to its
// contacts: those registered with the details it changes (step 3's
// contacts), besides its primary e-mail and admin — not the contacts the
// change itself names, which whoever made it chose.
func TestDetailsChangeTellsTheRegisteredContacts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc) // step 3 contact: hcx-desk@hcx.suraksha.example
	contact := "hcx-desk@hcx.suraksha.example"

	_, err := svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.suraksha.example")
	d.EndpointURL = "https://hcx2.suraksha.example/hcx/v0.9"
	d.StepUpCode = w.notes.code(t, a.ID)
	d.Contacts = []hcxonboard.Contact{{Name: "New Desk", Email: "desk@elsewhere.example"}}
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)

	var to []string
	for _, m := range w.notes.of(onboarding.MessageDetailsChanged, a.ID) {
		to = append(to, m.To)
	}
	require.NotEmpty(t, to)
	assert.Contains(t, to, contact, "the registered contact is told of the endpoint change; told: %v", to)
	assert.NotContains(t, to, "desk@elsewhere.example", "the contact the change names is not the one to warn")
	assert.Contains(t, to, a.Participant.PrimaryEmail)
}
