package email

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

// ErrNotEmail is returned by Notify for a message whose address is not an
// e-mail address. The error names the kind of address it is, never the
// address.
var ErrNotEmail = notify.Permanent("email: the message is not addressed to an e-mail address")

// Mailer sends onboarding messages as e-mail over SMTP. It is an
// onboarding.Notifier, safe for concurrent use; each Notify call opens
// its own connection.
type Mailer struct {
	host     string
	port     int
	from     *netmail.Address
	security Security
	tls      *tls.Config
	user     string
	pass     string
	helo     string
	idDomain string
	timeout  time.Duration
	text     *texttemplate.Template
	html     *htmltemplate.Template
	log      *slog.Logger
	now      func() time.Time
	rand     io.Reader
}

var _ onboarding.Notifier = (*Mailer)(nil)

// New returns a Mailer that submits mail to the SMTP server at host (a
// name or an IP address, without a port: see WithPort) as from, an
// address with an optional display name ("HCX Onboarding
// <onboarding@operator.example>"). By default it requires STARTTLS on
// port DefaultPort, verifies the server's certificate against the
// system's roots, and sends no AUTH.
func New(host, from string, opts ...Option) (*Mailer, error) {
	if host == "" || strings.ContainsAny(host, "/ \r\n") {
		return nil, fmt.Errorf("%w: SMTP host %q", ErrInvalidOption, host)
	}
	if _, _, err := net.SplitHostPort(host); err == nil {
		return nil, fmt.Errorf("%w: SMTP host %q carries a port; give it with WithPort", ErrInvalidOption, host)
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil || notify.Classify(addr.Address) != notify.Email {
		return nil, fmt.Errorf("%w: sender %q is not an e-mail address", ErrInvalidOption, from)
	}
	m := &Mailer{host: host, from: addr, timeout: DefaultTimeout,
		log: slog.New(slog.DiscardHandler), now: time.Now}
	m.idDomain = addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := opt(m); err != nil {
			return nil, err
		}
	}
	if m.port == 0 {
		m.port = DefaultPort
		if m.security == ImplicitTLS {
			m.port = DefaultImplicitTLSPort
		}
	}
	if m.security == Plaintext {
		if !isLoopback(host) {
			return nil, fmt.Errorf("%w: plain-text SMTP is only for a loopback host; use StartTLS or ImplicitTLS", ErrInvalidOption)
		}
		if m.user != "" {
			return nil, fmt.Errorf("%w: AUTH over plain-text SMTP would send the password in the clear", ErrInvalidOption)
		}
	}
	if m.tls == nil {
		m.tls = &tls.Config{}
	}
	if m.tls.ServerName == "" {
		m.tls.ServerName = host
	}
	m.tls.MinVersion = max(m.tls.MinVersion, tls.VersionTLS12)
	if m.text == nil {
		m.text, m.html = DefaultTextTemplate(), DefaultHTMLTemplate()
	}
	if err := m.checkTemplates(); err != nil {
		return nil, err
	}
	// Addresses the Mailer logs are masked however they got there.
	m.log = slog.New(hcxonboard.RedactingHandler(m.log.Handler()))
	return m, nil
}

// isLoopback reports whether host is "localhost" or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkTemplates executes the templates for a sample of every message
// kind, so that a template that fails does so at construction.
func (m *Mailer) checkTemplates() error {
	for _, k := range onboarding.MessageKinds() {
		d := newData(onboarding.Message{Kind: k, To: "admin@example.org", ApplicationID: "app-1", ParticipantCode: "hosp_sample_1@hcx",
			Subject: "Sample", Body: "First paragraph.\n\nSecond paragraph.", Code: "123456"}, "sample-key", "<sample@example.org>")
		if _, err := renderText(m.text, d); err != nil {
			return fmt.Errorf("%w: kind %s: %w", ErrInvalidOption, k, err)
		}
		if m.html != nil {
			if _, err := renderHTML(m.html, d); err != nil {
				return fmt.Errorf("%w: kind %s: %w", ErrInvalidOption, k, err)
			}
		}
	}
	return nil
}

// MessageID returns the Message-ID header value (angle brackets included)
// of the message whose idempotency key is key, at domain: "<", 32 hex
// digits of the key's SHA-256, "@", domain, ">". Hashing keeps the header
// well formed whatever the key holds and tells nothing of the
// application; the same key always gives the same Message-ID.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// Composed is an e-mail as Notify would send it.
type Composed struct {
	// Key is the message's idempotency key (see notify.Key) and MessageID
	// the header made from it.
	Key       string
	MessageID string
	Subject   string
	// Text and HTML are the bodies; HTML is empty without an HTML
	// template.
	Text string
	HTML string
}

// Compose renders msg without sending it, for previews and tests of
// templates.
func (m *Mailer) Compose(msg onboarding.Message) (Composed, error) {
	key, err := notify.KeyOrRandom(msg, m.rand)
	if err != nil {
		return Composed{}, err
	}
	c := Composed{Key: key, MessageID: MessageID(key, m.idDomain), Subject: oneLine(msg.Subject)}
	d := newData(msg, key, c.MessageID)
	if c.Text, err = renderText(m.text, d); err != nil {
		return Composed{}, err
	}
	if m.html != nil {
		if c.HTML, err = renderHTML(m.html, d); err != nil {
			return Composed{}, err
		}
	}
	return c, nil
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Notify sends msg to msg.To, which must be an e-mail address, with the
// Message-ID MessageID(notify.Key(msg), domain): a message the outbox
// delivers again keeps its Message-ID. The context bounds the whole send.
// A failure is a *SendError, or wraps ErrNotEmail.
func (m *Mailer) Notify(ctx context.Context, msg onboarding.Message) error {
	if k := notify.Classify(msg.To); k != notify.Email {
		return fmt.Errorf("%w (it is a %s address)", ErrNotEmail, k)
	}
	c, err := m.Compose(msg)
	if err != nil {
		return err
	}
	out := mail.NewMsg(mail.WithNoDefaultUserAgent())
	out.FromMailAddress(m.from)
	if err := out.To(msg.To); err != nil {
		return fmt.Errorf("%w: %s", ErrNotEmail, hcxonboard.RedactText(err.Error()))
	}
	out.Subject(c.Subject)
	out.SetMessageIDWithValue(strings.Trim(c.MessageID, "<>"))
	out.SetDateWithValue(m.now())
	// RFC 3834: no auto-replies to machine mail.
	out.SetGenHeader("Auto-Submitted", "auto-generated")
	out.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	out.SetBodyString(mail.TypeTextPlain, c.Text)
	if c.HTML != "" {
		out.AddAlternativeString(mail.TypeTextHTML, c.HTML)
	}
	// go-mail's own context covers only the dial: the connection is
	// closed when ctx ends, so that ctx bounds the whole send.
	var stops []func() bool
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if m.security == ImplicitTLS {
			// A *tls.Conn as it is: go-mail tells a TLS connection by its type.
			conn, err = (&tls.Dialer{NetDialer: d, Config: m.tls.Clone()}).DialContext(dctx, network, addr)
		} else {
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		stops = append(stops, context.AfterFunc(ctx, func() { _ = conn.Close() }))
		return conn, nil
	}
	client, err := mail.NewClient(m.host, append(m.clientOptions(), mail.WithDialContextFunc(dial))...)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidOption, hcxonboard.RedactText(err.Error()))
	}
	// The key, not the Message-ID: a log redactor would take "<hex@domain>"
	// for an address and mask it.
	attrs := []any{"kind", msg.Kind, "to", hcxonboard.MaskEmail(msg.To), "message", c.Key}
	if err := client.DialAndSendWithContext(ctx, out); err != nil {
		se := sendError(ctx, err)
		if out.IsDelivered() {
			// The server accepted the message (250 after its data); what
			// failed came after, resetting or closing the connection.
			// Reporting it would have the outbox send the message again.
			m.log.DebugContext(ctx, "email: sent; ending the session failed", append(attrs, "error", se.Error())...)
			return nil
		}
		m.log.DebugContext(ctx, "email: not sent", append(attrs, "error", se.Error())...)
		return se
	}
	m.log.DebugContext(ctx, "email: sent", attrs...)
	return nil
}

func (m *Mailer) clientOptions() []mail.Option {
	opts := []mail.Option{mail.WithPort(m.port), mail.WithTimeout(m.timeout), mail.WithTLSConfig(m.tls.Clone())}
	switch m.security {
	case StartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, mail.WithSSL())
	case Plaintext:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if m.user != "" {
		// The strongest mechanism the server offers. Never a -NOENC one:
		// New allows AUTH only with TLS, and PLAIN and LOGIN refuse a
		// connection without it.
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthSCRAMSHA256, mail.SMTPAuthSCRAMSHA1,
			mail.SMTPAuthCramMD5, mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(m.user), mail.WithPassword(m.pass))
	}
	if m.helo != "" {
		opts = append(opts, mail.WithHELO(m.helo))
	}
	return opts
}

// SendError is a failed send. Its text is the server's or the network's
// own words with every address taken out, so it may be logged.
type SendError struct {
	// Temporary reports a failure that may pass: a 4xx reply, or no
	// answer at all (the connection failed or timed out).
	Temporary bool
	// Code is the server's SMTP reply code (550, 421, …), or 0 when it
	// gave none.
	Code int
	// EnhancedCode is the server's RFC 3463 status ("5.1.1"), when it
	// gave one.
	EnhancedCode string
	text         string
	ctxErr       error
	// ofSession: the refusal answered the operator's session (greeting,
	// STARTTLS, AUTH, MAIL FROM), which every message would meet, not
	// this message's recipient or content (RCPT TO, DATA).
	ofSession bool
}

func (e *SendError) Error() string { return "email: not sent: " + e.text }

// Permanent reports a refusal that sending again cannot change: a 5xx
// reply (550 5.1.1: no such mailbox). The engine's outbox takes the message
// as a dead letter at once instead of retrying it for a day. A full
// mailbox (552, or X.2.2), a full mail system (X.3.1) and a network or
// routing trouble (X.4.x) may pass, as RFC 5321 and RFC 3463 say, and so
// may a reply whose enhanced code is of class 4: none is permanent. Nor
// is a refusal of the operator's session rather than of the message — its
// credentials (535 at AUTH), its sender address (MAIL FROM): it goes once
// the operator mends the setting, and meanwhile the outbox retries every
// message rather than making each, one-time codes among them, a dead
// letter at once.
func (e *SendError) Permanent() bool {
	if e.Temporary || e.ofSession || e.Code < 500 || e.Code == 552 {
		return false
	}
	if ec := e.EnhancedCode; ec != "" {
		class, rest, _ := strings.Cut(ec, ".")
		if class != "5" || rest == "2.2" || rest == "3.1" || strings.HasPrefix(rest, "4.") {
			return false
		}
	}
	return true
}

// Unwrap returns the context's error when the context ended the send, so
// that errors.Is(err, context.DeadlineExceeded) works; the underlying
// SMTP error is not kept, since its text names recipients.
func (e *SendError) Unwrap() error { return e.ctxErr }

// sendError turns a go-mail failure into a *SendError.
func sendError(ctx context.Context, err error) *SendError {
	e := &SendError{Temporary: true, ctxErr: ctx.Err()}
	text := err.Error()
	// go-mail lists the recipients it failed: drop the list outright.
	if i := strings.Index(text, ", affected recipient(s):"); i >= 0 {
		rest := text[i+len(", affected recipient(s):"):]
		text = text[:i]
		if j := strings.Index(rest, ", affected message ID:"); j >= 0 {
			text += rest[j:]
		}
	}
	e.text = hcxonboard.RedactText(text)
	var se *mail.SendError
	if !errors.As(err, &se) {
		// No SendError: the session failed before any message was sent
		// (the greeting, HELO, STARTTLS, AUTH).
		e.ofSession = true
	} else {
		e.Temporary = se.IsTemp()
		e.Code = se.ErrorCode()
		e.EnhancedCode = se.EnhancedStatusCode()
		e.ofSession = se.Reason != mail.ErrSMTPRcptTo && se.Reason != mail.ErrSMTPData && se.Reason != mail.ErrSMTPDataClose
	}
	var tp *textproto.Error
	if e.Code == 0 && errors.As(err, &tp) {
		e.Code = tp.Code
		e.Temporary = tp.Code >= 400 && tp.Code < 500
	}
	return e
}
