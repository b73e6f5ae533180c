package metrics

import (
	"context"
	"errors"

	"github.com/openhcx/hcxonboard/onboarding"
)

// Notifier returns n counting its outcomes under the transport's name
// ("email", "webhook", "sms", "console", …): each Notify that returns nil
// adds one to hcxonboard_notify_deliveries_total, each that returns an
// error one to hcxonboard_notify_failures_total. The result is an
// onboarding.Notifier passing every message and every error through
// unchanged, so it may stand wherever n did — one transport of a
// notify/route router, or the engine's only notifier. Wrapping a nil n
// gives a Notifier whose every call fails (and counts). A transport that
// panics counts as a failure, and the panic goes on to the caller (the
// engine recovers it and makes the message a dead letter).
func (m *Metrics) Notifier(transport string, n onboarding.Notifier) onboarding.Notifier {
	transport = label(transport)
	delivered := m.deliveries.WithLabelValues(transport)
	failed := m.failures.WithLabelValues(transport)
	return onboarding.NotifierFunc(func(ctx context.Context, msg onboarding.Message) (err error) {
		if n == nil {
			failed.Inc()
			return errors.New("metrics: Notifier wraps a nil transport")
		}
		done := false
		defer func() {
			if !done {
				failed.Inc() // the transport panicked
			}
		}()
		err = n.Notify(ctx, msg)
		done = true
		if err != nil {
			failed.Inc()
			return err
		}
		delivered.Inc()
		return nil
	})
}
