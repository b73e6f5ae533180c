package onboarding_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A live participant changing its certificates is authorised only by a
// step-up code; without one (or with a wrong one) the operator must not
// fetch the certificate URL it gives.
func TestNoFetchBeforeStepUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(w.cert.valid))
	}))
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, _ := live(t, w, svc)

	d := w.details("hcx.suraksha.example")
	d.EncryptionCert = srv.URL + "/cert.pem"
	_, err := svc.SubmitDetails(ctx, a.ID, d) // no step-up code asked for at all
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	require.Zero(t, srv.hits.Load(), "fetched a certificate URL for a caller that was not authorised to change details (no step-up code)")

	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d.StepUpCode = "000000"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	require.Zero(t, srv.hits.Load(), "fetched a certificate URL with a wrong step-up code")

	// With its code, the participant's certificate is fetched and taken.
	d.StepUpCode = w.notes.code(t, a.ID)
	got, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	require.Equal(t, int32(1), srv.hits.Load())
	require.Equal(t, d.EncryptionCert, got.Participant.EncryptionCert)
}
