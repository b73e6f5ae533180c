package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Hosts that are IPv4 literals to WHATWG URL parsers, curl and glibc's
// getaddrinfo (inet_aton): all connect to 127.0.0.1 / 10.0.0.1.
func TestEndpointHexIPv4Refused(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	for _, u := range []string{
		"https://0x7f.0x0.0x0.0x1/hcx", // 127.0.0.1
		"https://127.0.0.0x1/hcx",      // 127.0.0.1
		"https://10.0x1/hcx",           // 10.0.0.1
	} {
		d := w.details("x.example")
		d.EndpointURL = u
		_, err = svc.SubmitDetails(ctx, a.ID, d)
		assert.ErrorIs(t, err, onboarding.ErrInvalidDetails, "%s is an IP literal", u)
	}
	d := w.details("x.example")
	d.EndpointURL = "https://0x7f.suraksha.example/hcx" // a DNS name whose first label looks like hex
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	assert.NoError(t, err)
}

func TestReinstateAndWithdrawNeedAReason(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	_, err := svc.Suspend(ctx, a.ID, "staff:x", "breach")
	require.NoError(t, err)
	_, err = svc.Reinstate(ctx, a.ID, "staff:x", " ")
	assert.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.Reinstate(ctx, a.ID, "staff:x", "the breach is mended")
	assert.NoError(t, err)

	b, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, b.ID, "applicant", "")
	assert.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.Withdraw(ctx, b.ID, "applicant", "applied twice")
	assert.NoError(t, err)
}

// An endpoint URL with a query is refused at step 3, as the readiness
// check refuses it: HCX appends its API paths to the base URL.
func TestEndpointWithAQueryRefused(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	for _, u := range []string{"https://hcx.suraksha.example/hcx?tenant=1", "https://hcx.suraksha.example/hcx?"} {
		d := w.details("hcx.suraksha.example")
		d.EndpointURL = u
		_, err = svc.SubmitDetails(ctx, a.ID, d)
		require.ErrorIs(t, err, onboarding.ErrInvalidDetails, u)
		assert.Contains(t, err.Error(), "must not have a query", u)
	}
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	assert.NoError(t, err)
}
