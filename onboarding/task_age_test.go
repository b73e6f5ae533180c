package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/registry"
)

// taskAge reads hcxonboard_task_oldest_age_seconds{waiting=kind} from
// svc's state collector.
func taskAge(t *testing.T, w *world, svc *onboarding.Service, kind string) time.Duration {
	t.Helper()
	sc, err := metrics.NewStateCollector(svc, metrics.WithClock(w.clock.Now))
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(sc))
	fams, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range fams {
		if f.GetName() != "hcxonboard_task_oldest_age_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() == kind {
				return time.Duration(m.GetGauge().GetValue() * float64(time.Second))
			}
		}
	}
	t.Fatalf("no task age for %s", kind)
	return 0
}

// A task's age counts from when the task opened, not from its
// application's submission: certificate_expired tasks open a year after
// their participants applied. The oldest task may belong to an
// application later in the queue (which is in submission order): here the
// first participant registered a new certificate, so its task opened
// last.
func TestTaskAgeIsTheTasksOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first, _ := live(t, w, svc)
	second, _ := live(t, w, svc)
	require.Zero(t, taskAge(t, w, svc, onboarding.WaitingCertificateExpired), "no task open")

	expiry := w.cert.validNotAfter
	w.clock.Advance(expiry.Sub(w.clock.Now()) + time.Minute) // both certificates expired
	_, err := svc.RunDue(ctx)
	require.NoError(t, err)
	w.clock.Advance(time.Hour)
	for _, id := range []string{first.ID, second.ID} {
		a, err := svc.Application(ctx, id)
		require.NoError(t, err)
		require.Len(t, a.OpenTasks(), 1)
		require.Equal(t, onboarding.KindCertificateExpired, a.OpenTasks()[0].Kind)
	}
	require.Equal(t, time.Hour, taskAge(t, w, svc, onboarding.WaitingCertificateExpired), "not a year")

	// The first participant registers a certificate valid for five
	// days, which expires in its turn.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	cert, err := selfSigned(key, &key.PublicKey, expiry, expiry.Add(5*day))
	require.NoError(t, err)
	d := w.details("hcx.first.example")
	d.EncryptionCert = cert
	_, err = svc.RequestStepUp(ctx, first.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d.StepUpCode = w.notes.code(t, first.ID)
	a, err := svc.SubmitDetails(ctx, first.ID, d)
	require.NoError(t, err)
	require.Empty(t, a.OpenTasks(), "a new certificate closes the task")
	w.clock.Advance(5*day - time.Hour) // expiry + 5 days + a minute
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	w.clock.Advance(time.Hour)
	a, err = svc.Application(ctx, first.ID)
	require.NoError(t, err)
	require.Len(t, a.OpenTasks(), 1, "the first participant's new certificate expired")
	require.Equal(t, 5*day+time.Hour, taskAge(t, w, svc, onboarding.WaitingCertificateExpired),
		"the second participant's task, opened first")
}
