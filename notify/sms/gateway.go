package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/redirects"
	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/safefetch"
)

// Errors of Notify.
var (
	// ErrNotMobile: the message is not addressed to an Indian mobile
	// number.
	ErrNotMobile = notify.Permanent("sms: the message is not addressed to a mobile number")
	// ErrTooLong: the text is longer than WithMaxLength allows. It is
	// as long on every attempt, so it is permanent: the outbox takes the
	// message as a dead letter at once.
	ErrTooLong = notify.Permanent("sms: text too long")
)

// URLData is what the URL template is executed with. Every field is
// already percent-encoded (all but RFC 3986's unreserved characters), so
// it may stand in a path segment or a query value as it is.
type URLData struct {
	// To is the number in E.164 form ("%2B919876543210": +91…) and
	// National its ten digits ("9876543210").
	To       string
	National string
	// Text is the message's text (see TextData).
	Text string
	// Key is the message's idempotency key (notify.Key), for a gateway
	// that takes a client reference and drops a duplicate.
	Key string
	// Kind is the message kind.
	Kind string
}

// TextData is what the text template is executed with.
type TextData struct {
	Kind          string
	ApplicationID string
	Subject       string
	Body          string
	// Code is the one-time code of an onboarding.MessageOTP or the
	// decline code of an onboarding.MessageHFRIntimation, and empty for
	// every other kind.
	Code string
}

// DefaultTextTemplate returns the built-in text template: for a one-time
// code "<code> is your HCX onboarding code. Never share it.", for an HFR
// intimation its subject and the decline code, for any other message its
// subject.
func DefaultTextTemplate() *texttemplate.Template {
	t := texttemplate.Must(texttemplate.New("sms").Parse(`{{.Subject}}`))
	texttemplate.Must(t.New(onboarding.MessageHFRIntimation).Parse(
		`{{.Subject}}.{{if .Code}} To decline it, quote code {{.Code}} to the HCX operator.{{end}}`))
	return texttemplate.Must(t.New(onboarding.MessageOTP).Parse(`{{.Code}} is your HCX onboarding code. Never share it.`))
}

// Gateway sends onboarding messages as SMS through an HTTP gateway. It is
// an onboarding.Notifier, safe for concurrent use.
type Gateway struct {
	url       *texttemplate.Template
	method    string
	form      bool
	user      string
	pass      string
	header    http.Header
	text      *texttemplate.Template
	maxLength int
	client    *http.Client
	log       *slog.Logger
	rand      io.Reader
}

var _ onboarding.Notifier = (*Gateway)(nil)

// New returns a Gateway that sends by requesting the URL urlTemplate
// expands to: a text/template over URLData, such as
//
//	https://sms.gateway.example/send?to={{.To}}&text={{.Text}}&ref={{.Key}}
//
// The expanded URL must be https and carry no user information (give
// credentials with WithBasicAuth or WithHeader). New expands the URL and
// text templates with sample data of every message kind to check them.
func New(urlTemplate string, opts ...Option) (*Gateway, error) {
	ut, err := texttemplate.New("url").Option("missingkey=error").Parse(urlTemplate)
	if err != nil {
		return nil, fmt.Errorf("%w: URL template: %w", ErrInvalidOption, err)
	}
	g := &Gateway{url: ut, method: http.MethodGet, header: http.Header{}, text: DefaultTextTemplate(),
		maxLength: DefaultMaxLength, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := opt(g); err != nil {
			return nil, err
		}
	}
	// Every kind's text with sample data, so that a template that cannot
	// run fails here rather than at each attempt of every such message.
	for _, kind := range onboarding.MessageKinds() {
		sample := onboarding.Message{Kind: kind, To: "9876543210", ApplicationID: "app-1", ParticipantCode: "hosp_sample_1@hcx",
			Subject: "Sample", Body: "Sample.", Code: "123456"}
		if _, err := g.expand(sample, "sample-key"); err != nil && !errors.Is(err, ErrTooLong) {
			return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err) // a template error names the kind
		}
	}
	if g.client == nil {
		f, err := safefetch.New()
		if err != nil {
			return nil, fmt.Errorf("sms: default client: %w", err)
		}
		g.client = f.Client()
	}
	g.client = redirects.SameRequest(g.client)
	g.log = slog.New(hcxonboard.RedactingHandler(g.log.Handler()))
	return g, nil
}

// request is one expanded send.
type request struct {
	url  *url.URL
	form string // the form body, with WithFormBody
}

// expand renders the text and the URL of m.
func (g *Gateway) expand(m onboarding.Message, key string) (request, error) {
	e164, ok := notify.ParseMobile(m.To)
	if !ok {
		return request{}, fmt.Errorf("%w (it is a %s address)", ErrNotMobile, notify.Classify(m.To))
	}
	td := TextData{Kind: m.Kind, ApplicationID: m.ApplicationID, Subject: m.Subject, Body: m.Body}
	if notify.CarriesCode(m.Kind) {
		td.Code = m.Code
	}
	t := g.text
	if k := g.text.Lookup(m.Kind); k != nil && m.Kind != "" {
		t = k
	}
	var text strings.Builder
	if err := t.Execute(&text, td); err != nil {
		return request{}, fmt.Errorf("sms: text template: %w", err)
	}
	ud := URLData{To: escape(e164), National: e164[3:], Text: escape(text.String()), Key: escape(key), Kind: escape(m.Kind)}
	var raw strings.Builder
	if err := g.url.Execute(&raw, ud); err != nil {
		return request{}, fmt.Errorf("sms: URL template: %w", err)
	}
	u, err := url.Parse(raw.String())
	if err != nil {
		// The parse error quotes the URL, which holds the number and the code.
		return request{}, errors.New("sms: the URL template does not make a URL")
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil {
		return request{}, errors.New("sms: the URL template must make an https URL without user information")
	}
	r := request{url: u}
	if g.form {
		r.form, u.RawQuery = u.RawQuery, ""
	}
	// Last, so that New's check of the templates covers the URL whatever
	// the sample's length.
	if n := utf8.RuneCountInString(text.String()); n > g.maxLength {
		return r, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, n, g.maxLength)
	}
	return r, nil
}

// escape percent-encodes all but RFC 3986's unreserved characters.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// SendError is a send the gateway did not accept. Its text names the
// status only: the URL holds the number and the code.
type SendError struct {
	// Status is the HTTP status, 0 when there was none (the request
	// failed).
	Status int
	// RetryAfter is the wait the gateway asked for (Retry-After), 0 when
	// it asked for none.
	RetryAfter time.Duration
	text       string
	cause      error
}

func (e *SendError) Error() string { return "sms: not sent: " + e.text }

// Permanent reports a refusal that sending again cannot change: a 4xx
// answer (a number or request the gateway will not take), but not 408,
// 425 or 429, which ask for a later try, nor 401, 403 or 407, which
// refuse the operator's credentials rather than the message: every
// message meets them until the operator mends the credentials, and the
// outbox keeps trying each meanwhile. The engine's outbox takes a
// permanent refusal as a dead letter at once.
func (e *SendError) Permanent() bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		return false
	}
	return e.Status >= 400 && e.Status < 500
}

// RetryDelay is the wait the gateway asked for, which the engine's outbox
// waits out at least before it tries again.
func (e *SendError) RetryDelay() time.Duration { return e.RetryAfter }

// Unwrap returns the context's error when it ended the call, or the
// client's (a *safefetch.Error with the default client), without the
// *url.Error around it, whose URL holds the number and the code.
func (e *SendError) Unwrap() error { return e.cause }

// Notify sends m to m.To, an Indian mobile number, with one request: a
// 2xx answer is success, anything else a *SendError. It does not retry:
// a code sent twice confuses its reader, and the outbox retries a failed
// message later under the same key ({{.Key}}).
func (g *Gateway) Notify(ctx context.Context, m onboarding.Message) error {
	key, err := notify.KeyOrRandom(m, g.rand)
	if err != nil {
		return err
	}
	r, err := g.expand(m, key)
	if err != nil {
		return err
	}
	var body io.Reader
	if r.form != "" {
		body = strings.NewReader(r.form)
	}
	req, err := http.NewRequestWithContext(ctx, g.method, r.url.String(), body)
	if err != nil {
		return &SendError{text: "the request could not be made"}
	}
	for name, vs := range g.header {
		req.Header[name] = append([]string(nil), vs...)
	}
	if r.form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if g.user != "" {
		req.SetBasicAuth(g.user, g.pass)
	}
	attrs := []any{"kind", m.Kind, "to", hcxonboard.MaskMobile(m.To), "message", key}
	resp, err := g.client.Do(req)
	if err != nil {
		// The client's *url.Error names the URL, which holds the number
		// and the code: the cause is what it wraps.
		cause := err
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			cause = ue.Err
		}
		se := &SendError{cause: cause, text: "the gateway did not answer"}
		if ctx.Err() != nil {
			se.cause, se.text = ctx.Err(), ctx.Err().Error()
		} else if fe := (*safefetch.Error)(nil); errors.As(err, &fe) {
			se.text = fe.Reason()
		}
		g.log.DebugContext(ctx, "sms: not sent", append(attrs, "error", se.text)...)
		return se
	}
	// The answer may echo the text: read a little to reuse the
	// connection, and show none of it.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	g.log.DebugContext(ctx, "sms: gateway answered", append(attrs, "status", resp.StatusCode)...)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &SendError{Status: resp.StatusCode, RetryAfter: notify.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			text: "the gateway answered HTTP " + strconv.Itoa(resp.StatusCode)}
	}
	return nil
}
