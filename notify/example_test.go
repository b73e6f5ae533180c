package notify_test

import (
	"fmt"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

func ExampleKey() {
	// The outbox's messages carry an ID: it is the key.
	k, _ := notify.Key(onboarding.Message{ID: "app-42/7/0", Kind: onboarding.MessageOnboarded})
	fmt.Println(k)

	// A message without one gets a digest of its content...
	m := onboarding.Message{Kind: onboarding.MessageRejected, To: "admin@hospital.example", Subject: "Not accepted"}
	k1, _ := notify.Key(m)
	k2, _ := notify.Key(m)
	fmt.Println(k1 == k2)

	// ...except one with a code, which transports give a random key.
	_, ok := notify.Key(onboarding.Message{Kind: onboarding.MessageOTP, To: "9876543210", Code: "493817"})
	fmt.Println(ok)
	// Output:
	// app-42/7/0
	// true
	// false
}

func ExampleClassify() {
	for _, to := range []string{"admin@hospital.example", "+91 98765 43210", "hosp_rakshi_012345@hcx01",
		onboarding.Broadcast, onboarding.Staff, "IN2910000123@hfr", "Admin <admin@hospital.example>"} {
		fmt.Println(notify.Classify(to))
	}
	// Output:
	// email
	// mobile
	// participant
	// broadcast
	// staff
	// hfr
	// unknown
}
