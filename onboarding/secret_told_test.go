package onboarding_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// requireToldOfSecret checks that every registered contact of the live
// participant a — its primary e-mail, its admin and the contacts of its
// details — was told once of the new secret, with neither the secret nor
// anything of it in the message, and that the notices were written to
// the outbox in the same write as the change (their ids carry the
// sequence number of its audit event, action).
func requireToldOfSecret(t *testing.T, w *world, svc *onboarding.Service, store *registry.MemoryStore, a *onboarding.Application, action, secret string, before int) {
	t.Helper()
	ctx := context.Background()
	told := w.notes.of(onboarding.MessageCredentialsIssued, a.ID)[before:]
	var to []string
	for _, m := range told {
		to = append(to, m.To)
		require.NotContains(t, m.Subject+m.Body, secret, "the secret is never in a message")
		require.NotContains(t, m.Subject+m.Body, secret[len(secret)-12:], "nor a piece of it")
		require.Empty(t, m.Code)
	}
	slices.Sort(to)
	want := []string{a.Participant.PrimaryEmail, "hcx-desk@hcx.suraksha.example"}
	if adm := a.Submitted.SystemAdmin; adm != nil && !strings.EqualFold(adm.Email, a.Participant.PrimaryEmail) {
		want = append(want, adm.Email)
	}
	slices.Sort(want)
	require.Equal(t, want, to, "each registered contact is told once")

	es, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := es[len(es)-1]
	require.Equal(t, action, last.Action)
	require.NotContains(t, last.Reason, secret)
	ms, err := store.ListOutbox(ctx, registry.OutboxFilter{ApplicationID: a.ID, Limit: registry.MaxLimit})
	require.NoError(t, err)
	inWrite := 0
	for _, m := range ms {
		if m.Kind == onboarding.MessageCredentialsIssued && strings.HasPrefix(m.ID, a.ID+"/"+strconv.FormatInt(last.Seq, 10)+"/") {
			inWrite++
			require.NotContains(t, string(m.Payload), secret, "the outbox keeps no secret")
		}
	}
	require.Equal(t, len(want), inWrite, "the notices are written with the change, through the outbox")
}

// A live participant's contacts hear of every new production secret,
// whoever asked for it: the operator's Provision after a compromise
// report, the applicant's provisioning once its secrets expired, and a
// rotation — any of which may be someone holding what they should not.
// Before go-live the applicant's own step 4 and rotations tell no one.
func TestLiveParticipantToldOfEveryNewSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	for name, provision := range map[string]func(*onboarding.Service, string) (onboarding.Credentials, error){
		"the operator provisions after a compromise report": func(svc *onboarding.Service, id string) (onboarding.Credentials, error) {
			return svc.Provision(ctx, id)
		},
		"staff issue a secret after a compromise report": func(svc *onboarding.Service, id string) (onboarding.Credentials, error) {
			return svc.ProvisionBy(ctx, id, "staff:asha")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			store := registry.NewMemoryStore()
			svc := w.service(store)
			a, creds := live(t, w, svc)
			require.Empty(t, w.notes.of(onboarding.MessageCredentialsIssued, a.ID), "step 4 before go-live tells no one")
			require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "leaked"))
			fresh, err := provision(svc, a.ID)
			require.NoError(t, err)
			a, err = svc.Application(ctx, a.ID)
			require.NoError(t, err)
			requireToldOfSecret(t, w, svc, store, a, onboarding.ActionProvision, fresh.Secret, 0)
		})
	}

	t.Run("the applicant provisions once its secrets expired", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		store := registry.NewMemoryStore()
		svc := w.service(store)
		a, _ := live(t, w, svc)
		_, err := svc.ProvisionBy(ctx, a.ID, "applicant")
		require.ErrorIs(t, err, onboarding.ErrAlreadyProvisioned, "a live secret is rotated, not provisioned again")
		require.Empty(t, w.notes.of(onboarding.MessageCredentialsIssued, a.ID), "a refused provisioning tells no one")
		w.clock.Advance(credential.DefaultSecretTTL + time.Hour)
		fresh, err := svc.ProvisionBy(ctx, a.ID, "applicant")
		require.NoError(t, err)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		requireToldOfSecret(t, w, svc, store, a, onboarding.ActionProvision, fresh.Secret, 0)
	})

	t.Run("a rotation", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		store := registry.NewMemoryStore()
		svc := w.service(store)
		pre, preCreds := provisioned(t, w, svc)
		_, err := svc.RotateSecret(ctx, preCreds.ParticipantCode, preCreds.Secret, time.Hour)
		require.NoError(t, err)
		require.Empty(t, w.notes.of(onboarding.MessageCredentialsIssued, pre.ID), "a rotation before go-live tells no one")

		a, creds := live(t, w, svc)
		next, err := svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, time.Hour)
		require.NoError(t, err)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		requireToldOfSecret(t, w, svc, store, a, onboarding.ActionRotateSecret, next.Secret, 0)

		_, err = svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, time.Hour)
		require.ErrorIs(t, err, onboarding.ErrInvalidCredentials)
		require.Len(t, w.notes.of(onboarding.MessageCredentialsIssued, a.ID), 3, "a refused rotation tells no one")
	})
}
