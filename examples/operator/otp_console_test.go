package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
)

// Once a transport is configured (here the SMS gateway alone), a message
// carrying a code that no transport takes — an OTP to an e-mail — is
// neither printed nor written to the demo code file: it fails for good,
// naming no address, and the outbox keeps it as a dead letter. Other
// messages no transport takes are still printed; and with no transport
// at all the demo prints codes as it always did.
func TestConfiguredOperatorPrintsNoCodes(t *testing.T) {
	t.Parallel()
	otp := onboarding.Message{ID: "app-1/1/0", Kind: onboarding.MessageOTP,
		To: "admin@hospital.example", ApplicationID: "app-1", Subject: "Your HCX onboarding code", Code: "493817"}

	var out bytes.Buffer
	dir := t.TempDir()
	cfg := transportConfig{smtpSecurity: "starttls", smsURL: "https://sms.gateway.example/send?to={{.To}}&text={{.Text}}"}
	n, _, err := newNotifier(cfg, notifierDeps{console: demoNotifier{out: &out, codes: newCodeLog(dir)}, metrics: metrics.New()})
	require.NoError(t, err)
	err = n.Notify(context.Background(), otp)
	require.ErrorIs(t, err, route.ErrNoTransport)
	var p interface{ Permanent() bool }
	require.True(t, errors.As(err, &p) && p.Permanent(), "retrying finds no transport either")
	assert.NotContains(t, err.Error(), "admin@hospital.example")
	assert.NotContains(t, out.String(), "493817")
	data, _ := os.ReadFile(filepath.Join(dir, demoCodesFile))
	assert.NotContains(t, string(data), "493817")

	require.NoError(t, n.Notify(context.Background(), onboarding.Message{ID: "app-1/2/0", Kind: onboarding.MessageRejected,
		To: "admin@hospital.example", ApplicationID: "app-1", Subject: "Your HCX onboarding application was not accepted"}))
	assert.Contains(t, out.String(), "was not accepted", "a message without a code is still printed")

	var demo bytes.Buffer
	n, _, err = newNotifier(transportConfig{}, notifierDeps{console: demoNotifier{out: &demo, codes: newCodeLog(t.TempDir())}, metrics: metrics.New()})
	require.NoError(t, err)
	require.NoError(t, n.Notify(context.Background(), otp))
	assert.Contains(t, demo.String(), "493817", "with no transport the demo prints the code")
}
