package route_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/onboarding"
)

func TestClassifyAddresses(t *testing.T) {
	t.Parallel()
	for to, want := range map[string]notify.AddressKind{
		"admin@example.org":               notify.Email,
		"Admin.Name+tag@hosp.co.in":       notify.Email,
		"9876543210":                      notify.Mobile,
		"+91 98765 43210":                 notify.Mobile,
		"+91-98765-43210":                 notify.Mobile,
		"09876543210":                     notify.Mobile,
		"hosp_rakshi_012345@hcx01":        notify.Participant,
		"481516234200@hcx":                notify.Participant,
		"payr_starhe_7@hcx":               notify.Participant,
		onboarding.Broadcast:              notify.Broadcast,
		onboarding.Staff:                  notify.Staff,
		"IN2710000123@hfr":                notify.HFR,
		"":                                notify.Unknown,
		"1234567890":                      notify.Unknown,
		"Admin <admin@example.org>":       notify.Unknown,
		"+1 415 555 0100":                 notify.Unknown,
		"admin@example.org\r\nBcc: x@y.z": notify.Unknown,
	} {
		if got := notify.Classify(to); got != want {
			t.Errorf("Classify(%q) = %s, want %s", to, got, want)
		}
	}
}

// An address nobody can reach and a kind without transport can never be
// sent: the outbox should dead-letter them at once, not retry for a day.
func TestRouterErrorsArePermanent(t *testing.T) {
	t.Parallel()
	r, err := route.New(route.WithEmail(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"not an address", "9876543210"} {
		err := r.Notify(context.Background(), onboarding.Message{ID: "a/1/0", Kind: "x", To: to})
		var p interface{ Permanent() bool }
		if err == nil || !(errors.As(err, &p) && p.Permanent()) {
			t.Errorf("%q: %v is not Permanent", to, err)
		}
	}
}
