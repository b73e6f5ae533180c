package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"log/slog"
	"strings"
	texttemplate "text/template"
	"time"
)

// ErrInvalidOption marks a construction error: an option's value, or a
// combination of options, New refuses.
var ErrInvalidOption = errors.New("email: invalid option")

// Security is how the connection to the SMTP server is protected.
type Security int

const (
	// StartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is sent; a server that does not offer it is refused.
	// The default, on port DefaultPort.
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte ("SMTPS"), on port
	// DefaultImplicitTLSPort unless WithPort says otherwise.
	ImplicitTLS
	// Plaintext sends without TLS. New accepts it only for a loopback host
	// (a relay on the operator's own machine, a test server) and never
	// with AUTH, so that neither mail nor a password crosses a network in
	// the clear.
	Plaintext
)

// Defaults.
const (
	// DefaultPort is the submission port (RFC 6409), used with StartTLS
	// and Plaintext.
	DefaultPort = 587
	// DefaultImplicitTLSPort is the submissions port (RFC 8314).
	DefaultImplicitTLSPort = 465
	// DefaultTimeout bounds connecting and each SMTP command.
	DefaultTimeout = 30 * time.Second
)

// Option configures a Mailer.
type Option func(*Mailer) error

// WithPort sets the server's port (default DefaultPort, or
// DefaultImplicitTLSPort with ImplicitTLS).
func WithPort(port int) Option {
	return func(m *Mailer) error {
		if port < 1 || port > 65535 {
			return fmt.Errorf("%w: port %d", ErrInvalidOption, port)
		}
		m.port = port
		return nil
	}
}

// WithSecurity sets how the connection is protected (default StartTLS).
func WithSecurity(s Security) Option {
	return func(m *Mailer) error {
		if s < StartTLS || s > Plaintext {
			return fmt.Errorf("%w: security %d", ErrInvalidOption, s)
		}
		m.security = s
		return nil
	}
}

// WithTLSConfig sets the TLS configuration, for a private CA (RootCAs) or a
// client certificate. The Mailer keeps a clone; ServerName defaults to the
// host, and MinVersion is at least TLS 1.2.
func WithTLSConfig(c *tls.Config) Option {
	return func(m *Mailer) error {
		if c == nil {
			return fmt.Errorf("%w: nil TLS config", ErrInvalidOption)
		}
		if c.InsecureSkipVerify {
			return fmt.Errorf("%w: a TLS config that skips verification", ErrInvalidOption)
		}
		m.tls = c.Clone()
		return nil
	}
}

// WithAuth authenticates as username with password (SMTP AUTH). The
// mechanism is the strongest the server offers of SCRAM-SHA-256,
// SCRAM-SHA-1, CRAM-MD5, PLAIN and LOGIN — always over TLS.
func WithAuth(username, password string) Option {
	return func(m *Mailer) error {
		if username == "" || password == "" {
			return fmt.Errorf("%w: AUTH needs a user name and a password", ErrInvalidOption)
		}
		m.user, m.pass = username, password
		return nil
	}
}

// WithHELO sets the name the Mailer greets the server with (default the
// machine's host name).
func WithHELO(name string) Option {
	return func(m *Mailer) error {
		if name == "" || strings.ContainsAny(name, " \r\n") {
			return fmt.Errorf("%w: HELO name %q", ErrInvalidOption, name)
		}
		m.helo = name
		return nil
	}
}

// WithMessageIDDomain sets the domain of the Message-IDs the Mailer makes
// (default the sender address's domain).
func WithMessageIDDomain(domain string) Option {
	return func(m *Mailer) error {
		if !validDomain(domain) {
			return fmt.Errorf("%w: Message-ID domain %q", ErrInvalidOption, domain)
		}
		m.idDomain = domain
		return nil
	}
}

// WithTimeout bounds connecting and each SMTP command (default
// DefaultTimeout). The context given to Notify bounds the whole send.
func WithTimeout(d time.Duration) Option {
	return func(m *Mailer) error {
		if d <= 0 {
			return fmt.Errorf("%w: timeout %s", ErrInvalidOption, d)
		}
		m.timeout = d
		return nil
	}
}

// WithTemplates replaces the body templates. Each is executed with a Data:
// the template named after the message's kind when the set defines one
// ({{define "otp"}}…{{end}}), else the set's own. html may be nil for
// plain-text-only mail. New executes both for a sample of each message
// kind, so a template that fails is an error at construction. The
// defaults are DefaultTextTemplate and DefaultHTMLTemplate.
func WithTemplates(text *texttemplate.Template, html *htmltemplate.Template) Option {
	return func(m *Mailer) error {
		if text == nil {
			return fmt.Errorf("%w: nil text template", ErrInvalidOption)
		}
		m.text, m.html = text, html
		return nil
	}
}

// WithLogger sets where the Mailer logs each send, at debug level: the
// kind, the masked address and the idempotency key (see notify.Key) —
// never a body or a code.
// Default: no logging.
func WithLogger(l *slog.Logger) Option {
	return func(m *Mailer) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		m.log = l
		return nil
	}
}

// WithClock sets the clock of the Date header (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(m *Mailer) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		m.now = now
		return nil
	}
}

// WithRandom sets the source of the random keys of messages that have
// none of their own (see notify.Key; default crypto/rand).
func WithRandom(r io.Reader) Option {
	return func(m *Mailer) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidOption)
		}
		m.rand = r
		return nil
	}
}

// validDomain reports whether s is a plausible DNS name.
func validDomain(s string) bool {
	if s == "" || len(s) > 253 || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
