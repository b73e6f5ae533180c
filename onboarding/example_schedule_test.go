package onboarding_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// An operator runs the scheduler and the outbox dispatcher in its process,
// on every replica: the store's lease lets one replica run the passes at a
// time, and each notice is sent once however many run. Here the
// certificate notices come 45, 20 and 7 days ahead, an expired
// certificate suspends the participant, and applications idle for 60 days
// expire.
func ExampleService_RunScheduler() {
	otpKey := make([]byte, 32)
	if _, err := rand.Read(otpKey); err != nil {
		panic(err)
	}
	const day = 24 * time.Hour
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })),
		onboarding.WithLogger(slog.New(slog.NewJSONHandler(os.Stderr, nil))),
		onboarding.WithSchedule(onboarding.SchedulePolicy{
			CertificateNotices:         []time.Duration{45 * day, 20 * day, 7 * day},
			SuspendAtCertificateExpiry: true,
			IdleAfter:                  60 * day,
		}),
	)
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithTimeout(context.Background(), 100*time.Millisecond) // an operator: until shutdown
	defer stop()
	go func() { _ = svc.RunOutbox(ctx, 10*time.Second) }()
	err = svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Minute, Owner: "replica-a"})
	fmt.Println("scheduler stopped:", err)
	// Output: scheduler stopped: <nil>
}
