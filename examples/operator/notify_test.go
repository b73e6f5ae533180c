package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
)

// The demo stands in for the facility manager HFR holds: it shows the
// intimation's decline code and the route that takes it, so that the
// decline can be tried; other messages show no code.
func TestDemoShowsTheDeclineCodeOfAnHFRIntimation(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	n := demoNotifier{out: &out, codes: newCodeLog(t.TempDir())}
	m := onboarding.Message{Kind: onboarding.MessageHFRIntimation, ApplicationID: "app-1", To: "IN2910000123@hfr",
		Subject: "HCX onboarding attempt for your facility", Code: "ABCDEFGHJKMNPQRS"}
	require.NoError(t, n.Notify(context.Background(), m))
	assert.Contains(t, out.String(), "decline code: ABCDEFGHJKMNPQRS")
	assert.Contains(t, out.String(), "/v1/onboarding/applications/app-1/decline")

	out.Reset()
	require.NoError(t, n.Notify(context.Background(), onboarding.Message{Kind: onboarding.MessageRejected, ApplicationID: "app-1",
		To: "admin@hospital.example", Subject: "Rejected"}))
	assert.NotContains(t, out.String(), "admin@hospital.example", "addresses stay masked")
}
