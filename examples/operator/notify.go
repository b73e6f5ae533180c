package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// demoNotifier prints what the engine sends instead of sending it. It
// prints one-time codes in full so that a demo user can type them in:
// demo behaviour only, and marked so — a real Notifier delivers codes by
// e-mail or SMS and never logs them. It also appends them to codes, for
// examples/walkthrough.
type demoNotifier struct {
	out   io.Writer
	codes *codeLog
}

var _ onboarding.Notifier = demoNotifier{}

func (n demoNotifier) Notify(_ context.Context, m onboarding.Message) error {
	if m.Kind == onboarding.MessageOTP {
		if _, err := fmt.Fprintf(n.out, "[DEMO ONLY] one-time code for application %s, sent to %s: %s\n",
			m.ApplicationID, mask(m.To), m.Code); err != nil {
			return err
		}
		n.codes.note(n.out, demoCode{Channel: onboarding.ChannelSystemAdmin, ApplicationID: m.ApplicationID, Code: m.Code})
		return nil
	}
	if m.Kind == onboarding.MessageHFRIntimation && m.Code != "" {
		// The demo stands in for the facility manager HFR holds, who
		// may decline the onboarding with this code.
		_, err := fmt.Fprintf(n.out, "[DEMO ONLY] %s to %s: %s; decline code: %s (POST /v1/onboarding/applications/%s/decline)\n",
			m.Kind, mask(m.To), m.Subject, m.Code, m.ApplicationID)
		return err
	}
	_, err := fmt.Fprintf(n.out, "[notify] %s to %s: %s\n", m.Kind, mask(m.To), m.Subject)
	return err
}

// mask hides an e-mail address or a mobile number; other addresses
// (participant codes, "staff", "broadcast") are shown as they are.
func mask(to string) string {
	switch {
	case strings.Contains(to, "@") && !strings.HasSuffix(to, "@hfr") && strings.Contains(to[strings.LastIndex(to, "@"):], "."):
		return hcxonboard.MaskEmail(to)
	case to != "" && strings.Trim(to, "+0123456789 ") == "":
		return hcxonboard.MaskMobile(to)
	default:
		return to
	}
}
