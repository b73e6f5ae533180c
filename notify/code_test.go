package notify_test

import (
	"testing"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

func TestCarriesCode(t *testing.T) {
	t.Parallel()
	for _, k := range append(onboarding.MessageKinds(), "", "OTP") {
		want := k == onboarding.MessageOTP || k == onboarding.MessageHFRIntimation
		if got := notify.CarriesCode(k); got != want {
			t.Errorf("CarriesCode(%q) = %v, want %v", k, got, want)
		}
	}
}
