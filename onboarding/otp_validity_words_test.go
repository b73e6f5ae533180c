package onboarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A one-time code's message says how long the code lives in the right
// number, for whatever lifetime the operator gives codes: "1 minute",
// "90 seconds", "2 hours", never "1 minutes" or "0 minutes".
func TestOTPMessageSaysCodeLifetimeInWords(t *testing.T) {
	t.Parallel()
	for ttl, want := range map[time.Duration]string{
		time.Minute:      "valid for 1 minute.",
		90 * time.Second: "valid for 90 seconds.",
		30 * time.Second: "valid for 30 seconds.",
		10 * time.Minute: "valid for 10 minutes.",
		2 * time.Hour:    "valid for 2 hours.",
	} {
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore(), onboarding.WithOTPPolicy(onboarding.OTPPolicy{TTL: ttl}))
		ctx := context.Background()
		app, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
		require.NoError(t, err)
		var task string
		for _, tk := range app.OpenTasks() {
			if tk.Kind == onboarding.KindOTP {
				task = tk.ID
			}
		}
		require.NotEmpty(t, task)
		_, err = svc.ResendOTP(ctx, app.ID, task)
		require.NoError(t, err)
		otps := w.notes.of(onboarding.MessageOTP, app.ID)
		require.Len(t, otps, 2)
		for _, m := range otps {
			assert.True(t, strings.Contains(m.Body, want), "TTL %v: %q does not say %q", ttl, m.Body, want)
		}
	}
}
