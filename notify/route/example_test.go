package route_test

import (
	"context"
	"fmt"

	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/onboarding"
)

func Example() {
	// Stand-ins for email.Mailer, sms.Gateway and webhook.Sender.
	transport := func(name string) onboarding.Notifier {
		return onboarding.NotifierFunc(func(_ context.Context, m onboarding.Message) error {
			fmt.Printf("%-8s %s\n", name, m.To)
			return nil
		})
	}
	mail := transport("email")
	r, err := route.New(
		route.WithEmail(mail),
		route.WithMobile(transport("sms")),
		route.WithParticipant(transport("webhook")),
		route.WithStaff(route.Redirect("review@operator.example", mail)),
		route.WithFallback(transport("fallback")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, to := range []string{"admin@hospital.example", "+91 98765 43210", "payr_starhe_7@hcx",
		onboarding.Staff, onboarding.Broadcast, "IN2910000123@hfr", "not an address"} {
		if err := r.Notify(context.Background(), onboarding.Message{Kind: onboarding.MessageOnboarded, To: to}); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// email    admin@hospital.example
	// sms      +91 98765 43210
	// webhook  payr_starhe_7@hcx
	// email    review@operator.example
	// fallback broadcast
	// fallback IN2910000123@hfr
	// route: unknown kind of address (message kind "onboarded")
}
