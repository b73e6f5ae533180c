package sms_test

import (
	"errors"
	"testing"
	texttemplate "text/template"

	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/onboarding"
)

// New executes the text template of every message kind with sample data,
// as the e-mail transport does: a kind's template that cannot run fails
// at construction, not at each attempt of every such message until it is
// a dead letter. Templates that run are taken.
func TestNewChecksEveryKindsTextTemplate(t *testing.T) {
	t.Parallel()
	const url = "https://sms.gateway.example/send?to={{.To}}&text={{.Text}}"
	good := texttemplate.Must(texttemplate.New("sms").Parse(`{{.Subject}}`))
	texttemplate.Must(good.New(onboarding.MessageDeboarded).Parse(`{{.Subject}} ({{.ApplicationID}})`))
	if _, err := sms.New(url, sms.WithTextTemplate(good)); err != nil {
		t.Fatalf("a template every kind runs: %v", err)
	}
	for _, kind := range []string{onboarding.MessageDeboarded, onboarding.MessageCertificateExpired, onboarding.MessageOTP} {
		bad := texttemplate.Must(texttemplate.New("sms").Parse(`{{.Subject}}`))
		texttemplate.Must(bad.New(kind).Parse(`{{.Subject}} {{.NoSuchField}}`))
		_, err := sms.New(url, sms.WithTextTemplate(bad))
		if !errors.Is(err, sms.ErrInvalidOption) {
			t.Errorf("a %s template that cannot run: err = %v, want ErrInvalidOption", kind, err)
		}
	}
}
