package email

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

//go:embed templates/*.tmpl
var defaultTemplates embed.FS

// Data is what the body templates are executed with. Every field is plain
// text; html/template escapes it for the HTML body.
type Data struct {
	// Kind is the message kind (onboarding.MessageOTP, …).
	Kind string
	// To is the recipient's e-mail address.
	To string
	// ApplicationID and ParticipantCode say what the message is about;
	// either may be empty.
	ApplicationID   string
	ParticipantCode string
	// Subject is the e-mail's subject, as the engine wrote it.
	Subject string
	// Body is the engine's text; Paragraphs is Body split at blank lines,
	// trimmed, for templates that lay paragraphs out.
	Body       string
	Paragraphs []string
	// Code is the one-time code of an onboarding.MessageOTP or the decline
	// code of an onboarding.MessageHFRIntimation, and empty for every
	// other kind: templates cannot show a code a message was not meant to
	// carry.
	Code string
	// Key is the message's idempotency key and MessageID the Message-ID
	// header made from it (with its angle brackets).
	Key       string
	MessageID string
}

// newData makes the template data of m.
func newData(m onboarding.Message, key, messageID string) Data {
	d := Data{Kind: m.Kind, To: m.To, ApplicationID: m.ApplicationID, ParticipantCode: m.ParticipantCode,
		Subject: m.Subject, Body: m.Body, Key: key, MessageID: messageID}
	if notify.CarriesCode(m.Kind) {
		d.Code = m.Code
	}
	for _, p := range strings.Split(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.Paragraphs = append(d.Paragraphs, p)
		}
	}
	return d
}

// DefaultTextTemplate returns a fresh copy of the built-in plain-text
// template, for operators who want to start from it (Clone it, or add
// templates named after message kinds with New(kind).Parse).
func DefaultTextTemplate() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("default.txt.tmpl").Option("missingkey=error").
		ParseFS(defaultTemplates, "templates/default.txt.tmpl"))
}

// DefaultHTMLTemplate returns a fresh copy of the built-in HTML template.
func DefaultHTMLTemplate() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("default.html.tmpl").Option("missingkey=error").
		ParseFS(defaultTemplates, "templates/default.html.tmpl"))
}

// renderText executes the template of d.Kind — the one named after the
// kind when t defines it, else t itself; renderHTML likewise.
func renderText(t *texttemplate.Template, d Data) (string, error) {
	var b bytes.Buffer
	x := t
	if k := t.Lookup(d.Kind); k != nil && d.Kind != "" {
		x = k
	}
	if err := x.Execute(&b, d); err != nil {
		return "", fmt.Errorf("email: text template: %w", err)
	}
	return b.String(), nil
}

func renderHTML(t *htmltemplate.Template, d Data) (string, error) {
	var b bytes.Buffer
	x := t
	if k := t.Lookup(d.Kind); k != nil && d.Kind != "" {
		x = k
	}
	if err := x.Execute(&b, d); err != nil {
		return "", fmt.Errorf("email: HTML template: %w", err)
	}
	return b.String(), nil
}
