package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A participant whose encryption and signing certificates expire at the
// same time (often one certificate serves both) is told once per
// threshold, naming both, and staff once at expiry; certificates that
// expire at different times are each told of on their own.
func TestOneNoticePerThresholdForCertificatesExpiringTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, open := range map[string]func(t *testing.T) storeFactory{
		"memory":   func(*testing.T) storeFactory { return memoryStore },
		"sqlite":   func(*testing.T) storeFactory { return sqliteStore },
		"postgres": func(t *testing.T) storeFactory { return postgresStore(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := open(t)(t)
			w := newWorld(t)
			svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SecretNotices: []time.Duration{}}))
			replica := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SecretNotices: []time.Duration{}}))
			a, _ := livePayer(t, w, svc) // one certificate, both roles
			expiry := w.cert.validNotAfter
			for i, lead := range []time.Duration{30 * day, 15 * day, 5 * day} {
				w.clock.Advance(expiry.Add(-lead).Sub(w.clock.Now()))
				for _, s := range []*onboarding.Service{svc, replica} {
					_, err := s.RunDue(ctx)
					require.NoError(t, err)
				}
				got := w.notes.of(onboarding.MessageCertificateExpiring, a.ID)
				require.Len(t, got, i+1, "one notice at %v, not one per certificate", lead)
				assert.Equal(t, "Your HCX encryption and signing certificates expire on "+expiry.UTC().Format(time.DateOnly), got[i].Subject)
				assert.Contains(t, got[i].Body, "Register the new ones before then")
			}
			w.clock.Advance(expiry.Sub(w.clock.Now()))
			_, err := svc.RunDue(ctx)
			require.NoError(t, err)
			expired := w.notes.of(onboarding.MessageCertificateExpired, a.ID)
			require.Len(t, expired, 2, "the participant and staff, once each")
			assert.ElementsMatch(t, []string{a.Participant.PrimaryEmail, onboarding.Staff}, []string{expired[0].To, expired[1].To})
			for _, m := range expired {
				assert.Contains(t, m.Subject+m.Body, "encryption and signing certificates")
			}
			got, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			require.Len(t, got.OpenTasks(), 1)
			events, err := svc.Events(ctx, a.ID)
			require.NoError(t, err)
			notices := 0
			for _, e := range events {
				if e.Action == onboarding.ActionNoticeSent && strings.Contains(e.Reason, "certificate") {
					notices++
				}
			}
			assert.Equal(t, 4, notices, "one notice_sent per threshold of the certificates")
			require.NoError(t, svc.VerifyChain(ctx, a.ID))
		})
	}
}

// Certificates that expire at different times are told of each on its
// own, in the singular.
func TestCertificatesExpiringApartAreToldApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SecretNotices: []time.Duration{}}))
	a, _ := livePayer(t, w, svc)
	_, err := svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.suraksha.example")
	d.SigningCertPath = w.cert.valid
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	d.EncryptionCert, err = selfSigned(key, &key.PublicKey, w.clock.Now().Add(-time.Hour), w.cert.validNotAfter.Add(30*day)) // a month after the signing one
	require.NoError(t, err)
	d.StepUpCode = w.notes.code(t, a.ID)
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)

	w.clock.Advance(w.cert.validNotAfter.Add(-30 * day).Sub(w.clock.Now()))
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got := w.notes.of(onboarding.MessageCertificateExpiring, a.ID)
	require.Len(t, got, 1)
	assert.Equal(t, "Your HCX signing certificate expires on "+w.cert.validNotAfter.UTC().Format(time.DateOnly), got[0].Subject)
	assert.Contains(t, got[0].Body, "Register the new one before then")
	w.clock.Advance(30 * day)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got = w.notes.of(onboarding.MessageCertificateExpiring, a.ID)
	require.Len(t, got, 2)
	assert.Contains(t, got[1].Subject, "Your HCX encryption certificate expires on")
}
