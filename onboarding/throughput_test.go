package onboarding_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// throughputWorkers is how many applications are onboarded at once.
const throughputWorkers = 8

// BenchmarkSubmitToGoLiveThroughput onboards b.N payer applications, 8 at
// a time, from Submit to GoLive through the engine's public API — the
// system admin's one-time code read from a recording Notifier, the details
// with one RSA-2048 certificate made once for the test binary — over each
// store, and reports applications per second. postgres runs where
// HCX_TEST_POSTGRES_DSN names a server.
func BenchmarkSubmitToGoLiveThroughput(b *testing.B) {
	for _, backend := range []struct {
		name  string
		store func(b *testing.B) registry.Store
	}{
		{"memory", func(*testing.B) registry.Store { return registry.NewMemoryStore() }},
		{"sqlite", func(b *testing.B) registry.Store { return sqliteStore(b) }},
		{"postgres", func(b *testing.B) registry.Store { return postgresStore(b)(b) }},
	} {
		b.Run(backend.name, func(b *testing.B) {
			ctx := context.Background()
			w := newWorld(b)
			codes := &otpCodes{byApp: map[string]string{}}
			svc := w.service(backend.store(b), onboarding.WithNotifier(codes), onboarding.WithLogger(slog.New(slog.DiscardHandler)))
			template := w.application(verifier.CategoryPayer)
			details := w.details("hcx.throughput.example")
			ready := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"}
			onboard := func(i int64) error {
				app := template.Clone()
				app.ApplicationID = fmt.Sprintf("throughput-%s-%d", backend.name, i)
				a, err := svc.Submit(ctx, app)
				if err != nil {
					return err
				}
				open := a.OpenTasks()
				if len(open) != 1 || open[0].Kind != onboarding.KindOTP {
					return fmt.Errorf("application %s: open tasks %+v, want one OTP task", a.ID, open)
				}
				if _, err := svc.ConfirmOTP(ctx, a.ID, open[0].ID, codes.code(a.ID)); err != nil {
					return err
				}
				if _, err := svc.SubmitDetails(ctx, a.ID, details); err != nil {
					return err
				}
				if _, err := svc.Provision(ctx, a.ID); err != nil {
					return err
				}
				a, err = svc.GoLive(ctx, a.ID, ready)
				if err != nil {
					return err
				}
				if a.Stage != registry.StageLive {
					return fmt.Errorf("application %s: stage %s after GoLive", a.ID, a.Stage)
				}
				return nil
			}

			var next atomic.Int64
			errs := make([]error, throughputWorkers)
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for worker := range throughputWorkers {
				wg.Go(func() {
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						if err := onboard(i); err != nil {
							errs[worker] = fmt.Errorf("worker %d, application %d: %w", worker, i, err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if err := errors.Join(errs...); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "applications/s")
		})
	}
}

// otpCodes is a Notifier that records the latest one-time code of each
// application, and drops every other message.
type otpCodes struct {
	mu    sync.Mutex
	byApp map[string]string
}

func (o *otpCodes) Notify(_ context.Context, m onboarding.Message) error {
	if m.Kind == onboarding.MessageOTP {
		o.mu.Lock()
		o.byApp[m.ApplicationID] = m.Code
		o.mu.Unlock()
	}
	return nil
}

func (o *otpCodes) code(appID string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byApp[appID]
}
