package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestNewRejectsBadWiring(t *testing.T) {
	t.Parallel()
	notify := onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil }))
	instance := onboarding.WithInstanceCode("hcx")
	key := onboarding.WithOTPKey(otpKey)
	cases := []struct {
		name string
		opts []onboarding.Option
		ok   bool
	}{
		{"minimal", []onboarding.Option{instance, notify, key}, true},
		{"no OTP key", []onboarding.Option{instance, notify}, false},
		{"no instance code", []onboarding.Option{notify, key}, false},
		{"no notifier", []onboarding.Option{instance, key}, false},
		{"nil option", []onboarding.Option{instance, notify, key, nil}, false},
		{"instance code with a space", []onboarding.Option{onboarding.WithInstanceCode("hcx 01"), notify, key}, false},
		{"instance code ending in a dot", []onboarding.Option{onboarding.WithInstanceCode("hcx."), notify, key}, false},
		{"nil notifier", []onboarding.Option{instance, key, onboarding.WithNotifier(nil)}, false},
		{"nil verifier", []onboarding.Option{instance, notify, key, onboarding.WithVerifier(nil)}, false},
		{"nil sandbox", []onboarding.Option{instance, notify, key, onboarding.WithSandbox(nil)}, false},
		{"nil clock", []onboarding.Option{instance, notify, key, onboarding.WithClock(nil)}, false},
		{"nil rand", []onboarding.Option{instance, notify, key, onboarding.WithRand(nil)}, false},
		{"nil tokens", []onboarding.Option{instance, notify, key, onboarding.WithTokens(nil)}, false},
		{"nil secrets", []onboarding.Option{instance, notify, key, onboarding.WithSecrets(nil)}, false},
		{"nil code generator", []onboarding.Option{instance, notify, key, onboarding.WithCodeGenerator(nil)}, false},
		{"nil facility OTP", []onboarding.Option{instance, notify, key, onboarding.WithFacilityOTP(nil)}, false},
		{"nil logger", []onboarding.Option{instance, notify, key, onboarding.WithLogger(nil)}, false},
		{"weak RSA floor", []onboarding.Option{instance, notify, key, onboarding.WithCertificateRules(onboarding.CertificateRules{MinRSABits: 1024})}, false},
		{"stronger RSA floor", []onboarding.Option{instance, notify, key, onboarding.WithCertificateRules(onboarding.CertificateRules{MinRSABits: 3072})}, true},
		{"huge certificate cap", []onboarding.Option{instance, notify, key, onboarding.WithCertificateRules(onboarding.CertificateRules{MaxBytes: 1 << 30})}, false},
		{"denied URL not absolute", []onboarding.Option{instance, notify, key, onboarding.WithEndpointRules(onboarding.EndpointRules{Denied: []string{"/api"}})}, false},
		{"negative OTP TTL", []onboarding.Option{instance, notify, key, onboarding.WithOTPPolicy(onboarding.OTPPolicy{TTL: -time.Minute})}, false},
		{"too many OTP attempts", []onboarding.Option{instance, notify, key, onboarding.WithOTPPolicy(onboarding.OTPPolicy{Attempts: 50})}, false},
		{"partial OTP policy", []onboarding.Option{instance, notify, key, onboarding.WithOTPPolicy(onboarding.OTPPolicy{Attempts: 5})}, true},
		{"short OTP key", []onboarding.Option{instance, notify, key, onboarding.WithOTPKey([]byte("short"))}, false},
		{"zero notice", []onboarding.Option{instance, notify, key, onboarding.WithNoticePeriod(0)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := onboarding.New(registry.NewMemoryStore(), tc.opts...)
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, svc)
				return
			}
			require.ErrorIs(t, err, onboarding.ErrInvalidOption)
			assert.Nil(t, svc)
		})
	}
	_, err := onboarding.New(nil, instance, notify)
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}

func TestDefaultsWithoutRegistries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	// No verifier, sandbox, HFR or token issuer: online checks become
	// staff reviews, and tokens are not available.
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode(instanceCode), onboarding.WithNotifier(w.notes), onboarding.WithClock(w.clock.Now),
		onboarding.WithOTPKey(otpKey))
	require.NoError(t, err)
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage)
	for _, task := range a.OpenTasks() {
		assert.Equal(t, onboarding.KindReview, task.Kind, "%s", task.Requirement)
	}
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID))
	assert.Regexp(t, `^hosp_sanjee_\d{6}@hcxtest$`, a.Participant.ParticipantCode, "the platform's code format by default")

	_, err = svc.Token(ctx, "x", "y")
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
	_, err = svc.VerifyToken(ctx, "x")
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
}
