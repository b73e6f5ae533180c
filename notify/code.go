package notify

import "github.com/openhcx/hcxonboard/onboarding"

// CarriesCode reports whether messages of kind carry Message.Code: the
// one-time code of an onboarding.MessageOTP and the decline code of an
// onboarding.MessageHFRIntimation. Transports pass the code on with these
// kinds only, whatever a message of another kind holds.
func CarriesCode(kind string) bool {
	return kind == onboarding.MessageOTP || kind == onboarding.MessageHFRIntimation
}
