package webhook_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
)

// A delivery signed for one participant verifies, signature and all, at
// any other: a participant that received a notice could replay it to
// another's endpoint as the operator's word. VerifyTo binds it to the
// receiver: a delivery addressed to another participant is refused, one
// addressed to the receiver (or a broadcast, addressed to everyone) is
// accepted.
func TestVerifyToRefusesAnotherRecipient(t *testing.T) {
	t.Parallel()
	key, jwks := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t)
	s := newSender(t, key, e)
	if err := s.Notify(context.Background(), approvalRequest()); err != nil {
		t.Fatal(err)
	}
	c := e.requests()[0]
	if _, err := webhook.Verify(c.request(), jwks); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if _, err := webhook.VerifyTo(c.request(), jwks, "hosp_other_9@hcx"); !errors.Is(err, webhook.ErrNotForYou) {
		t.Errorf("VerifyTo another participant: %v, want ErrNotForYou", err)
	}
	if _, err := webhook.VerifyTo(c.request(), jwks, ""); !errors.Is(err, webhook.ErrNotForYou) {
		t.Errorf("VerifyTo no one: %v, want ErrNotForYou", err)
	}
	d, err := webhook.VerifyTo(c.request(), jwks, "payr_starhe_7@hcx")
	if err != nil || d.To != "payr_starhe_7@hcx" {
		t.Fatalf("VerifyTo the recipient: %+v, %v", d, err)
	}

	b := newEndpoint(t)
	bs, err := webhook.New(key, func(context.Context, string) (string, error) { return b.URL + "/hooks/hcx", nil },
		webhook.WithClient(b.Client()))
	if err != nil {
		t.Fatal(err)
	}
	m := approvalRequest()
	m.Kind, m.To = onboarding.MessageOnboarded, onboarding.Broadcast
	if err := bs.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if _, err := webhook.VerifyTo(b.requests()[0].request(), jwks, "hosp_other_9@hcx"); err != nil {
		t.Errorf("VerifyTo of a broadcast: %v", err)
	}
	// A bad signature is refused before the recipient is looked at.
	bad := c.request()
	bad.Header.Set(webhook.SignatureHeader, "x..y")
	if _, err := webhook.VerifyTo(bad, jwks, "payr_starhe_7@hcx"); !errors.Is(err, webhook.ErrInvalidSignature) {
		t.Errorf("VerifyTo a bad signature: %v", err)
	}
}
