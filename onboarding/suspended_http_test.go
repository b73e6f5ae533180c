package onboarding_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// A participant suspended by the scheduler because its certificate
// expired gets no access token; over HTTP it asks for a step-up code and
// registers new certificates with its participant code and secret, and
// is reinstated.
func TestSuspendedAtExpiryComesBackWithNewCertificatesOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true}))
	h, err := httpapi.New(svc, httpapi.WithClock(w.clock.Now))
	require.NoError(t, err)
	a, creds := live(t, w, svc)
	// The participant rotates its secret as it should, every 80 days.
	for w.cert.validNotAfter.Sub(w.clock.Now()) > 80*24*time.Hour {
		w.clock.Advance(80 * 24 * time.Hour)
		creds, err = svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, 0)
		require.NoError(t, err)
	}
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) + time.Minute)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status)
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials)
	told := w.notes.of(onboarding.MessageSuspended, a.ID)
	require.Len(t, told, 1)
	assert.Contains(t, told[0].Body, "HTTP Basic", "the notice says how to come back")

	do := func(method, path string, body any) *httptest.ResponseRecorder {
		t.Helper()
		b, err := json.Marshal(body)
		require.NoError(t, err)
		req := httptest.NewRequest(method, path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(creds.ParticipantCode, creds.Secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	mine := "/v1/onboarding/applications/" + a.ID
	res := do(http.MethodPost, mine+"/step-up", httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails})
	require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	now := w.clock.Now()
	fresh, err := selfSigned(key, &key.PublicKey, now.Add(-time.Hour), now.Add(365*24*time.Hour))
	require.NoError(t, err)
	d := w.details("hcx.suraksha.example")
	d.EncryptionCert = fresh
	d.StepUpCode = w.notes.code(t, a.ID)
	res = do(http.MethodPut, mine+"/details", d)
	require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)

	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status, "new certificates end a suspension for an expired one")
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReinstated, a.ID))
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err, "reinstated, it gets access tokens again")
}
