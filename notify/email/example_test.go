package email_test

import (
	"fmt"
	texttemplate "text/template"

	"github.com/openhcx/hcxonboard/notify/email"
	"github.com/openhcx/hcxonboard/onboarding"
)

// Compose shows what Notify would send; here with an operator's own
// plain-text template for one-time codes, the default one for the rest.
func ExampleMailer_Compose() {
	text := email.DefaultTextTemplate()
	texttemplate.Must(text.New(onboarding.MessageOTP).Parse(
		"Your HCX onboarding code is {{.Code}}.\n{{.Body}}\n"))
	m, err := email.New("smtp.operator.example", "HCX Onboarding <onboarding@operator.example>",
		email.WithTemplates(text, email.DefaultHTMLTemplate()))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := m.Compose(onboarding.Message{
		ID:      "app-42/7/0", // the outbox's id: the Message-ID follows from it
		Kind:    onboarding.MessageOTP,
		To:      "admin@hospital.example",
		Subject: "Your HCX onboarding code",
		Body:    "It is valid for 10 minutes. Never share it.",
		Code:    "493817",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.MessageID == email.MessageID("app-42/7/0", "operator.example"))
	fmt.Println(c.Subject)
	fmt.Print(c.Text)
	// Output:
	// true
	// Your HCX onboarding code
	// Your HCX onboarding code is 493817.
	// It is valid for 10 minutes. Never share it.
}
