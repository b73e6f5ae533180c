package sms

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	texttemplate "text/template"

	"golang.org/x/net/http/httpguts"
)

// ErrInvalidOption marks a construction error.
var ErrInvalidOption = errors.New("sms: invalid option")

// DefaultMaxLength is the longest text sent, in characters: two
// concatenated GSM-7 segments.
const DefaultMaxLength = 306

// Option configures a Gateway.
type Option func(*Gateway) error

// WithMethod sets the HTTP method: GET (the default) or POST. A POST
// sends the URL as it is with no body, unless WithFormBody.
func WithMethod(method string) Option {
	return func(g *Gateway) error {
		if method != http.MethodGet && method != http.MethodPost {
			return fmt.Errorf("%w: method %q (GET or POST)", ErrInvalidOption, method)
		}
		g.method = method
		return nil
	}
}

// WithFormBody POSTs the query of the expanded URL as an
// application/x-www-form-urlencoded body instead, so that the number and
// the code stay out of the URLs that proxies and gateways log.
func WithFormBody() Option {
	return func(g *Gateway) error {
		g.method, g.form = http.MethodPost, true
		return nil
	}
}

// WithBasicAuth authenticates with HTTP basic authentication.
func WithBasicAuth(username, password string) Option {
	return func(g *Gateway) error {
		if username == "" {
			return fmt.Errorf("%w: basic authentication without a user name", ErrInvalidOption)
		}
		g.user, g.pass = username, password
		return nil
	}
}

// WithHeader adds a request header, for a gateway that takes its
// credential in one ("Authorization: Bearer …", "apikey: …"). Header
// values are never logged. A name or value HTTP does not allow (a
// control character, a separator in the name) is refused here: net/http
// would refuse to send it, and every message would fail.
func WithHeader(name, value string) Option {
	return func(g *Gateway) error {
		if !httpguts.ValidHeaderFieldName(name) {
			return fmt.Errorf("%w: header name %q", ErrInvalidOption, name)
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			// The value is a credential: it is not repeated.
			return fmt.Errorf("%w: the value of header %q holds a character HTTP does not allow", ErrInvalidOption, name)
		}
		g.header.Add(textproto.CanonicalMIMEHeaderKey(name), value)
		return nil
	}
}

// WithTextTemplate replaces the template of the text, executed with a
// TextData: the template named after the message's kind when the set
// defines one, else the set's own. Indian operators register their SMS
// templates with DLT; the text must match the registered one. Default:
// DefaultTextTemplate.
func WithTextTemplate(t *texttemplate.Template) Option {
	return func(g *Gateway) error {
		if t == nil {
			return fmt.Errorf("%w: nil text template", ErrInvalidOption)
		}
		g.text = t
		return nil
	}
}

// WithMaxLength sets the longest text sent, in characters (default
// DefaultMaxLength); Notify refuses a longer one with ErrTooLong.
func WithMaxLength(n int) Option {
	return func(g *Gateway) error {
		if n < 1 {
			return fmt.Errorf("%w: maximum length %d", ErrInvalidOption, n)
		}
		g.maxLength = n
		return nil
	}
}

// WithClient sets the HTTP client (default: a safefetch client, as for
// every URL the operator fetches).
func WithClient(c *http.Client) Option {
	return func(g *Gateway) error {
		if c == nil {
			return fmt.Errorf("%w: nil HTTP client", ErrInvalidOption)
		}
		g.client = c
		return nil
	}
}

// WithLogger sets where the Gateway logs each send, at debug level: the
// kind, the masked number, the key and the status — never the text, the
// code, the URL or a credential. Default: no logging.
func WithLogger(l *slog.Logger) Option {
	return func(g *Gateway) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		g.log = l
		return nil
	}
}

// WithRandom sets the source of the random keys of messages that have
// none of their own (see notify.Key; default crypto/rand).
func WithRandom(r io.Reader) Option {
	return func(g *Gateway) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidOption)
		}
		g.rand = r
		return nil
	}
}
