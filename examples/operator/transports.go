package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/notify/email"
	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/registry"
)

// The environment variables that hold the transports' secrets: never a
// flag, so that they stay out of the process list and shell history.
const (
	envSMTPPassword     = "SMTP_PASSWORD"
	envSMSPassword      = "SMS_PASSWORD"
	envSMSAuthorization = "SMS_AUTHORIZATION"
)

// transportConfig is what the flags and the environment say about
// delivering messages. Nothing set: the demo prints them to the console.
type transportConfig struct {
	smtpHost, smtpFrom, smtpSecurity string
	smtpPort                         int
	smtpUser, smtpPassword           string
	staffEmail                       string
	webhooks                         bool
	smsURL, smsUser, smsPassword     string
	smsAuthorization                 string
	smsForm                          bool
}

// transportFlags declares the delivery flags on fs.
func transportFlags(fs *flag.FlagSet, c *transportConfig) {
	fs.StringVar(&c.smtpHost, "smtp-host", "", "SMTP server for e-mail (default: e-mail is printed to the console)")
	fs.IntVar(&c.smtpPort, "smtp-port", 0, "SMTP port (default 587, or 465 with -smtp-security tls)")
	fs.StringVar(&c.smtpFrom, "smtp-from", "", "sender address of e-mail, e.g. 'HCX Onboarding <onboarding@operator.example>'")
	fs.StringVar(&c.smtpSecurity, "smtp-security", "starttls", "SMTP connection security: starttls, tls (implicit) or plain (loopback relays only)")
	fs.StringVar(&c.smtpUser, "smtp-user", "", "SMTP AUTH user name (password from "+envSMTPPassword+")")
	fs.StringVar(&c.staffEmail, "staff-email", "", "mailbox of the review staff, for messages to staff (needs -smtp-host)")
	fs.BoolVar(&c.webhooks, "webhooks", false, "deliver messages for participants as webhooks to their registered endpoints, signed with the operator's token key")
	fs.StringVar(&c.smsURL, "sms-url", "", "SMS gateway URL template (notify/sms), e.g. 'https://sms.example/send?to={{.To}}&text={{.Text}}&ref={{.Key}}'; "+
		"credentials from -sms-user with "+envSMSPassword+", or else "+envSMSAuthorization+" sent as the Authorization header")
	fs.StringVar(&c.smsUser, "sms-user", "", "SMS gateway basic-auth user name (password from "+envSMSPassword+")")
	fs.BoolVar(&c.smsForm, "sms-form", false, "POST the SMS URL's query as a form body, keeping numbers and codes out of URLs")
}

// check reads the secrets from getenv and refuses settings that cannot
// work together, naming the flag.
func (c *transportConfig) check(getenv func(string) string) error {
	switch c.smtpSecurity {
	case "starttls", "tls", "plain":
	default:
		return fmt.Errorf("-smtp-security %q: want starttls, tls or plain", c.smtpSecurity)
	}
	if c.smtpPort < 0 || c.smtpPort > 65535 {
		return fmt.Errorf("-smtp-port %d: want a port from 1 to 65535", c.smtpPort)
	}
	if c.staffEmail != "" && notify.Classify(c.staffEmail) != notify.Email {
		return fmt.Errorf("-staff-email %q: want a bare e-mail address, e.g. review@operator.example", c.staffEmail)
	}
	if c.smtpHost == "" {
		switch {
		case c.smtpFrom != "", c.smtpPort != 0, c.smtpUser != "", c.smtpSecurity != "starttls":
			return errors.New("-smtp-from, -smtp-port, -smtp-user and -smtp-security need -smtp-host")
		case c.staffEmail != "":
			return errors.New("-staff-email needs -smtp-host: staff messages go by e-mail")
		}
	} else {
		if c.smtpFrom == "" {
			return errors.New("-smtp-host needs -smtp-from, the sender address")
		}
		if a, err := mail.ParseAddress(c.smtpFrom); err != nil || notify.Classify(a.Address) != notify.Email {
			return fmt.Errorf("-smtp-from %q: want the sender's e-mail address, such as onboarding@operator.example "+
				"or 'HCX Onboarding <onboarding@operator.example>'", c.smtpFrom)
		}
		// The library's own refusals name its options (WithPort,
		// StartTLS); an operator knows the flags.
		if _, _, err := net.SplitHostPort(c.smtpHost); err == nil {
			return fmt.Errorf("-smtp-host %q carries a port: give the host alone and the port with -smtp-port", c.smtpHost)
		}
		if c.smtpSecurity == "plain" && !isLoopbackHost(c.smtpHost) {
			return fmt.Errorf("-smtp-security plain is only for a relay on this machine (localhost or a loopback address); "+
				"for %s use starttls (port 587) or tls (port 465)", c.smtpHost)
		}
	}
	if c.smtpUser != "" {
		if c.smtpPassword = getenv(envSMTPPassword); c.smtpPassword == "" {
			return fmt.Errorf("-smtp-user needs the password in %s", envSMTPPassword)
		}
	}
	if c.smsURL == "" && (c.smsUser != "" || c.smsForm) {
		return errors.New("-sms-user and -sms-form need -sms-url")
	}
	if c.smsURL != "" {
		// The gateway checks its template by expanding it; its refusal
		// names its own option, and the URL may carry a key: neither is
		// repeated.
		if _, err := sms.New(c.smsURL, sms.WithClient(http.DefaultClient)); err != nil {
			return errors.New("-sms-url: want an https URL template, such as https://sms.example/send?to={{.To}}&text={{.Text}}, " +
				"with no user name or password in it (give -sms-user with SMS_PASSWORD, or SMS_AUTHORIZATION)")
		}
		if !namesRecipient(c.smsURL) {
			return errors.New("-sms-url names no recipient: put {{.To}} (or {{.National}}) where the gateway takes the number, " +
				"such as https://sms.example/send?to={{.To}}&text={{.Text}}")
		}
		c.smsAuthorization = getenv(envSMSAuthorization)
		if c.smsUser != "" && c.smsAuthorization != "" {
			// Basic auth sets the Authorization header too: one would
			// silently replace the other.
			return fmt.Errorf("-sms-user and %s both set the Authorization header: use one", envSMSAuthorization)
		}
		if c.smsUser != "" {
			if c.smsPassword = getenv(envSMSPassword); c.smsPassword == "" {
				return fmt.Errorf("-sms-user needs the password in %s", envSMSPassword)
			}
		}
	}
	return nil
}

// namesRecipient reports whether the SMS URL template (which sms.New has
// parsed) uses the number, as .To or .National: without it every message
// would go to the same request, with nobody's number in it.
func namesRecipient(tmpl string) bool {
	t, err := template.New("url").Parse(tmpl)
	if err != nil || t.Tree == nil {
		return false
	}
	var walk func(n parse.Node) bool
	walk = func(n parse.Node) bool {
		switch n := n.(type) {
		case *parse.FieldNode:
			return len(n.Ident) > 0 && (n.Ident[0] == "To" || n.Ident[0] == "National")
		case *parse.ListNode:
			return n != nil && slices.ContainsFunc(n.Nodes, walk)
		case *parse.ActionNode:
			return walk(n.Pipe)
		case *parse.PipeNode:
			return n != nil && slices.ContainsFunc(n.Cmds, func(c *parse.CommandNode) bool { return walk(c) })
		case *parse.CommandNode:
			return slices.ContainsFunc(n.Args, walk)
		case *parse.IfNode:
			return walk(n.Pipe) || walk(n.List) || walk(n.ElseList)
		case *parse.RangeNode:
			return walk(n.Pipe) || walk(n.List) || walk(n.ElseList)
		case *parse.WithNode:
			return walk(n.Pipe) || walk(n.List) || walk(n.ElseList)
		}
		return false
	}
	return walk(t.Tree.Root)
}

// isLoopbackHost reports whether host is "localhost" or a loopback
// address: the hosts notify/email sends plain text to.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// configured reports whether any transport is.
func (c *transportConfig) configured() bool {
	return c.smtpHost != "" || c.webhooks || c.smsURL != ""
}

// notifierDeps is what the transports are built from besides the flags.
type notifierDeps struct {
	console      onboarding.Notifier // the demo's printer
	participants registry.Participants
	signingKey   jwk.Key            // the operator's token key: its JWKS verifies webhooks
	tokens       *credential.Tokens // the access tokens signed with it, whose kid the JWKS publishes
	metrics      *metrics.Metrics
	log          *slog.Logger
	// client, when set, is the HTTP client of the webhook and SMS
	// transports instead of their SSRF-safe default (for tests).
	client *http.Client
}

// newNotifier builds what the engine sends through, each transport
// counted by the metrics: the console alone when no transport is
// configured (the demo as it always was), else a router sending e-mail
// by SMTP, mobile numbers by SMS and participants by webhook, and every
// other kind of address (or one whose transport is not configured) to
// the console. It also says what it built, for the banner.
func newNotifier(c transportConfig, d notifierDeps) (onboarding.Notifier, string, error) {
	console := d.metrics.Notifier("console", d.console)
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if !c.configured() {
		return console, "printed to this console (no transport configured)", nil
	}
	var (
		opts []route.Option
		used []string
	)
	if c.smtpHost != "" {
		mailOpts := []email.Option{email.WithLogger(d.log)}
		switch c.smtpSecurity {
		case "tls":
			mailOpts = append(mailOpts, email.WithSecurity(email.ImplicitTLS))
		case "plain":
			mailOpts = append(mailOpts, email.WithSecurity(email.Plaintext))
		}
		if c.smtpPort != 0 {
			mailOpts = append(mailOpts, email.WithPort(c.smtpPort))
		}
		if c.smtpUser != "" {
			mailOpts = append(mailOpts, email.WithAuth(c.smtpUser, c.smtpPassword))
		}
		mailer, err := email.New(c.smtpHost, c.smtpFrom, mailOpts...)
		if err != nil {
			return nil, "", fmt.Errorf("e-mail (-smtp-*): %w", err)
		}
		mail := d.metrics.Notifier("email", mailer)
		opts = append(opts, route.WithEmail(mail))
		used = append(used, "e-mail by SMTP ("+c.smtpHost+")")
		if c.staffEmail != "" {
			opts = append(opts, route.WithStaff(route.Redirect(c.staffEmail, mail)))
			used = append(used, "staff messages to "+c.staffEmail)
		}
	}
	if c.smsURL != "" {
		smsOpts := []sms.Option{sms.WithLogger(d.log)}
		if c.smsUser != "" {
			smsOpts = append(smsOpts, sms.WithBasicAuth(c.smsUser, c.smsPassword))
		}
		if c.smsAuthorization != "" {
			smsOpts = append(smsOpts, sms.WithHeader("Authorization", c.smsAuthorization))
		}
		if c.smsForm {
			smsOpts = append(smsOpts, sms.WithFormBody())
		}
		if d.client != nil {
			smsOpts = append(smsOpts, sms.WithClient(d.client))
		}
		gw, err := sms.New(c.smsURL, smsOpts...)
		if err != nil {
			return nil, "", fmt.Errorf("SMS (-sms-url): %w", err)
		}
		opts = append(opts, route.WithMobile(d.metrics.Notifier("sms", gw)))
		used = append(used, "SMS through the gateway")
	}
	if c.webhooks {
		key, err := webhookKey(d.signingKey, d.tokens)
		if err != nil {
			return nil, "", fmt.Errorf("webhooks: %w", err)
		}
		hookOpts := []webhook.Option{webhook.WithLogger(d.log)}
		if d.client != nil {
			hookOpts = append(hookOpts, webhook.WithClient(d.client))
		}
		sender, err := webhook.New(key, participantEndpoint(d.participants), hookOpts...)
		if err != nil {
			return nil, "", fmt.Errorf("webhooks: %w", err)
		}
		opts = append(opts, route.WithParticipant(d.metrics.Notifier("webhook", sender)))
		used = append(used, "participants by signed webhook (key "+key.KeyID()+")")
	}
	opts = append(opts, route.WithFallback(d.metrics.Notifier("console", codeless{d.console})))
	r, err := route.New(opts...)
	if err != nil {
		return nil, "", err
	}
	return r, strings.Join(used, ", ") + "; the rest printed to this console, except one-time and decline codes, which no transport takes and none is printed", nil
}

// codeless is the console once a transport is configured: it prints what
// no transport takes, but a message carrying a code (a one-time code, a
// decline code) fails for good instead, so that a code meant for a person
// never lands in the operator's log or demo code file. The outbox keeps
// it as a dead letter, which staff see.
type codeless struct{ console onboarding.Notifier }

func (c codeless) Notify(ctx context.Context, m onboarding.Message) error {
	if m.Code != "" {
		return noTransportError{kind: notify.Classify(m.To), message: m.Kind}
	}
	return c.console.Notify(ctx, m)
}

// noTransportError is route.ErrNoTransport for a message carrying a code:
// permanent, since retrying finds no transport either. It names the kind
// of address, never the address.
type noTransportError struct {
	kind    notify.AddressKind
	message string
}

func (e noTransportError) Error() string {
	return fmt.Sprintf("%v: %s (message kind %q carries a code and is never printed)", route.ErrNoTransport, e.kind, e.message)
}
func (e noTransportError) Unwrap() error   { return route.ErrNoTransport }
func (e noTransportError) Permanent() bool { return true }

// webhookKey is the operator's token key with the kid the published JWKS
// (/v1/onboarding/jwks) gives it, tokens.KeyID(): the key's own, or its
// RFC 7638 thumbprint. A receiver verifies a delivery with that JWKS.
func webhookKey(key jwk.Key, tokens *credential.Tokens) (jwk.Key, error) {
	if key == nil || tokens.KeyID() == "" {
		return nil, errors.New("no signing key")
	}
	k, err := key.Clone()
	if err != nil {
		return nil, err
	}
	if err := k.Set(jwk.KeyIDKey, tokens.KeyID()); err != nil {
		return nil, err
	}
	return k, nil
}

// participantEndpoint finds a participant's webhook: the endpoint_url of
// its registry record.
func participantEndpoint(ps registry.Participants) webhook.EndpointFunc {
	return func(ctx context.Context, code string) (string, error) {
		p, err := ps.Participant(ctx, code)
		switch {
		case errors.Is(err, registry.ErrNotFound):
			return "", fmt.Errorf("%w: no participant %q in the registry", webhook.ErrNoEndpoint, code)
		case err != nil:
			return "", err
		case p.EndpointURL == "":
			return "", fmt.Errorf("%w: participant %q has no endpoint_url yet", webhook.ErrNoEndpoint, code)
		}
		return p.EndpointURL, nil
	}
}
