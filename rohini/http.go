package rohini

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-resty/resty/v2"
	"golang.org/x/net/http/httpguts"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/redirects"
	"github.com/openhcx/hcxonboard/internal/strictjson"
	"github.com/openhcx/hcxonboard/internal/urltext"
)

// Defaults of [NewHTTPLookup].
const (
	DefaultPath    = "/hospitals/{id}"
	DefaultBodyKey = "rohini_id"
	DefaultTimeout = 10 * time.Second
	// MaxBodySize caps how much of an answer is read.
	MaxBodySize = 1 << 20

	defaultRetries = 2
	defaultMinWait = 250 * time.Millisecond
	defaultMaxWait = 5 * time.Second
	snippetLen     = 200
	// minSecretLen: shorter header values (a version number, say) are not
	// secrets, and redacting them would garble error bodies.
	minSecretLen = 4
)

type httpConfig struct {
	source    sourceConfig
	path      string
	method    string
	bodyKey   string
	bodyKeyOK bool
	headers   []header
	client    *http.Client
	timeout   time.Duration
	retries   int
	minWait   time.Duration
	maxWait   time.Duration
}

type header struct{ name, value string }

type httpOption func(*httpConfig) error

func (o httpOption) applyHTTP(c *httpConfig) error { return o(c) }

// WithPath sets the path, appended to the base URL, of the look-up; "{id}"
// is replaced by the id, in the path or in a query ("/lookup?gln={id}").
// Default [DefaultPath]. A GET path must contain "{id}".
func WithPath(path string) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if !strings.HasPrefix(path, "/") {
			return fmt.Errorf("rohini: WithPath: %q must start with /", clip(path))
		}
		c.path = path
		return nil
	})
}

// WithMethod chooses GET (the default; the id goes in the path) or POST
// (the id is sent as a JSON body {"rohini_id": id}; see [WithBodyKey]).
// POST look-ups are never retried.
func WithMethod(method string) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		m := strings.ToUpper(strings.TrimSpace(method))
		if m != http.MethodGet && m != http.MethodPost {
			return fmt.Errorf("rohini: WithMethod: %q is not GET or POST", clip(method))
		}
		c.method = m
		return nil
	})
}

// WithBodyKey sets the JSON member that carries the id in a POST look-up
// (default [DefaultBodyKey]). It needs WithMethod("POST").
func WithBodyKey(key string) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if strings.TrimSpace(key) == "" {
			return fmt.Errorf("rohini: WithBodyKey: empty key")
		}
		c.bodyKey, c.bodyKeyOK = key, true
		return nil
	})
}

// WithHeader adds a header to every look-up, typically an API key. Header
// values are never logged and never appear in errors: values of four
// characters or more are redacted even from an error body that echoes them.
// Redirects to another host are not followed, so the header stays with the
// configured server.
func WithHeader(name, value string) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if !validHeaderName(name) {
			return fmt.Errorf("rohini: WithHeader: invalid header name %q", clip(name))
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			// As net/http judges it, which would refuse every look-up.
			return fmt.Errorf("rohini: WithHeader: value of %s contains a control character", name)
		}
		c.headers = append(c.headers, header{name: name, value: value})
		return nil
	})
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || r <= ' ' || strings.ContainsRune("\"(),/:;<=>?@[\\]{}\x7f", r) {
			return false
		}
	}
	return true
}

// WithHTTPClient sets the HTTP client (its transport, proxy, TLS settings).
// The look-up works on a copy, so the client given is not modified; the
// copy's Timeout is set from [WithTimeout], and redirects to another host,
// or from https to plain http, are not followed, whatever the client's own
// CheckRedirect allows (it still judges the redirects kept).
func WithHTTPClient(hc *http.Client) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if hc == nil {
			return fmt.Errorf("rohini: WithHTTPClient: nil client")
		}
		c.client = hc
		return nil
	})
}

// WithTimeout bounds each attempt (default [DefaultTimeout]). The caller's
// context bounds the whole look-up, retries included.
func WithTimeout(d time.Duration) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if d <= 0 {
			return fmt.Errorf("rohini: WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	})
}

// WithRetry sets how a GET look-up is retried after HTTP 429, 502, 503, 504
// or a timeout: up to retries more attempts, waiting between minWait and
// maxWait with jittered exponential backoff, or as long as the answer's
// Retry-After says. A Retry-After longer than maxWait ends the look-up at
// once with [ErrUnavailable] and the wait in [StatusError.RetryAfter].
// Default: 2 retries, 250ms to 5s. WithRetry(0, 0, 0) turns retries off;
// zero waits retry at once.
func WithRetry(retries int, minWait, maxWait time.Duration) HTTPOption {
	return httpOption(func(c *httpConfig) error {
		if retries < 0 {
			return fmt.Errorf("rohini: WithRetry: %d retries is negative", retries)
		}
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("rohini: WithRetry: waits must satisfy 0 <= minWait (%v) <= maxWait (%v)", minWait, maxWait)
		}
		c.retries, c.minWait, c.maxWait = retries, minWait, maxWait
		return nil
	})
}

// HTTPLookup looks hospitals up through a JSON HTTP endpoint the operator
// has access to. IIB publishes no public ROHINI API, so the endpoint's
// address, path, method, headers and field names are all configuration.
//
// An answer is a JSON document holding one hospital; [WithFieldNames] says
// where each field is. HTTP 404 or 410 is [ErrNotFound] (unless its body is
// a web page, which a web server answers for a path it does not route), and
// so is an answer about a different id (compared after [Normalize]). Everything that stops a definite answer — timeouts,
// HTTP 429 and 5xx, other statuses, a body over [MaxBodySize], malformed
// JSON (an object naming a member twice included), an answer without an
// id (usually wrong field names) — is
// [ErrUnavailable], because it says nothing about the hospital.
//
// An HTTPLookup is safe for concurrent use.
type HTTPLookup struct {
	rc       *resty.Client
	hc       *http.Client
	endpoint string // base URL + path, "{id}" still in it
	method   string
	bodyKey  string
	paths    [numFields]jsonPath
	fieldID  string
	layouts  []string
	secrets  []string
}

// NewHTTPLookup returns a look-up against baseURL (scheme and host, and any
// path prefix). Options are checked here: bad wiring is an error now, not
// at the first look-up.
func NewHTTPLookup(baseURL string, opts ...HTTPOption) (*HTTPLookup, error) {
	base, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("rohini: base URL %q is not an absolute http(s) URL", sanitizeURL(baseURL))
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("rohini: base URL %q must not carry a query or fragment; put them in WithPath", sanitizeURL(baseURL))
	}
	cfg := httpConfig{
		path:    DefaultPath,
		method:  http.MethodGet,
		bodyKey: DefaultBodyKey,
		timeout: DefaultTimeout,
		retries: defaultRetries,
		minWait: defaultMinWait,
		maxWait: defaultMaxWait,
	}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("rohini: nil HTTPOption")
		}
		if err := o.applyHTTP(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.method == http.MethodGet && !strings.Contains(cfg.path, "{id}") {
		return nil, fmt.Errorf("rohini: path %q has no {id} placeholder, which a GET look-up needs", clip(cfg.path))
	}
	if cfg.method != http.MethodPost && cfg.bodyKeyOK {
		return nil, fmt.Errorf("rohini: WithBodyKey needs WithMethod(\"POST\")")
	}
	names, _, err := cfg.source.fields.resolve()
	if err != nil {
		return nil, err
	}
	layouts := cfg.source.layouts
	if layouts == nil {
		layouts = defaultDateLayouts
	}

	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if cfg.client != nil {
		copied := *cfg.client // never modify the caller's client
		hc = &copied
		if hc.Transport == nil {
			hc.Transport = http.DefaultTransport
		}
	}
	hc.Timeout = cfg.timeout
	hc = redirects.SameRequest(hc) // before the client's own CheckRedirect, if any

	l := &HTTPLookup{
		hc:       hc,
		endpoint: strings.TrimSuffix(base.String(), "/") + cfg.path,
		method:   cfg.method,
		bodyKey:  cfg.bodyKey,
		paths:    parsePaths(names),
		fieldID:  names[fID],
		layouts:  layouts,
	}
	rc := resty.NewWithClient(hc).
		SetLogger(discardLogger{}).
		SetResponseBodyLimit(MaxBodySize).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "hcxonboard-rohini")
	for _, h := range cfg.headers {
		rc.SetHeader(h.name, h.value)
		if len(h.value) >= minSecretLen {
			l.secrets = append(l.secrets, h.value)
		}
		// "<scheme> <credential>" (Bearer, Token, ApiKey …): a server may
		// echo the credential alone.
		if _, cred, ok := strings.Cut(strings.TrimSpace(h.value), " "); ok {
			if cred = strings.TrimSpace(cred); len(cred) >= minSecretLen {
				l.secrets = append(l.secrets, cred)
			}
		}
	}
	if cfg.method == http.MethodGet && cfg.retries > 0 {
		maxWait := cfg.maxWait
		rc.SetRetryCount(cfg.retries).
			SetRetryWaitTime(cfg.minWait).
			SetRetryMaxWaitTime(maxWait).
			AddRetryCondition(retryable).
			SetRetryAfter(func(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
				d, ok := retryAfter(resp, time.Now())
				if !ok {
					return 0, nil // jittered backoff
				}
				if d > maxWait {
					return 0, &retryAfterError{wait: d}
				}
				return d, nil
			})
	}
	l.rc = rc
	return l, nil
}

// Hospital validates id and asks the endpoint about it.
func (l *HTTPLookup) Hospital(ctx context.Context, id string) (Hospital, error) {
	if err := Validate(id); err != nil {
		return Hospital{}, err
	}
	if l == nil || l.rc == nil {
		return Hospital{}, fmt.Errorf("%w: HTTPLookup not created with NewHTTPLookup", ErrUnavailable)
	}
	target := strings.ReplaceAll(l.endpoint, "{id}", id) // a valid id is digits only: nothing to escape
	shown := sanitizeURL(target)
	if err := ctx.Err(); err != nil {
		return Hospital{}, fmt.Errorf("%w: %s %s: %w", ErrUnavailable, l.method, shown, err)
	}
	req := l.rc.R().SetContext(ctx)
	if l.method == http.MethodPost {
		req.SetHeader("Content-Type", "application/json").SetBody(map[string]string{l.bodyKey: id})
	}
	resp, err := req.Execute(l.method, target)
	if err != nil {
		return Hospital{}, l.transportError(ctx, shown, resp, err)
	}
	status := resp.StatusCode()
	switch {
	case status >= 200 && status < 300:
		return l.decode(resp.Body(), id, shown)
	case (status == http.StatusNotFound || status == http.StatusGone) && !isPage(resp.Body()):
		return Hospital{}, l.statusError(ErrNotFound, shown, resp, 0)
	default:
		wait, _ := retryAfter(resp, time.Now())
		return Hospital{}, l.statusError(ErrUnavailable, shown, resp, wait)
	}
}

// CloseIdleConnections closes the connections kept for reuse. The look-up
// remains usable; call this when done with it so no connection (and its
// goroutines) outlives it.
func (l *HTTPLookup) CloseIdleConnections() {
	if l != nil && l.hc != nil {
		l.hc.CloseIdleConnections()
	}
}

func (l *HTTPLookup) decode(body []byte, id, shown string) (Hospital, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if tail := dec.Decode(new(any)); tail != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	// encoding/json keeps the last of two members of one name, other
	// parsers the first: such an answer says nothing for sure.
	if err == nil && strictjson.NamesAMemberTwice(body) {
		err = errors.New("an object names a member twice")
	}
	if err != nil {
		return Hospital{}, fmt.Errorf("%w: %s %s: malformed JSON answer: %v", ErrUnavailable, l.method, shown, err)
	}
	h, idFound, err := hospitalFromJSON(v, l.paths, l.layouts)
	if err != nil {
		return Hospital{}, fmt.Errorf("%w: %s %s: malformed answer: %v", ErrUnavailable, l.method, shown, err)
	}
	if !idFound {
		return Hospital{}, fmt.Errorf("%w: %s %s: answer has no id at %q (check WithFieldNames)", ErrUnavailable, l.method, shown, l.fieldID)
	}
	if got := Normalize(h.ID); got != id {
		return Hospital{}, fmt.Errorf("%w: %s %s: answer is about hospital %q, not %s", ErrNotFound, l.method, shown, clip(got), id)
	}
	h.ID = id
	return h, nil
}

func (l *HTTPLookup) transportError(ctx context.Context, shown string, resp *resty.Response, err error) error {
	var ra *retryAfterError
	switch {
	case errors.As(err, &ra) && resp != nil && resp.RawResponse != nil:
		return l.statusError(ErrUnavailable, shown, resp, ra.wait)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %s %s: %w", ErrUnavailable, l.method, shown, ctx.Err())
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%w: %s %s: answer is larger than %d bytes", ErrUnavailable, l.method, shown, MaxBodySize)
	case isTimeout(err):
		return fmt.Errorf("%w: %s %s: timed out after %v", ErrUnavailable, l.method, shown, l.hc.Timeout)
	}
	// A *url.Error repeats the full URL, query included; keep only its cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%w: %s %s: %w", ErrUnavailable, l.method, shown, redactedError{err: err, secrets: l.secrets})
}

func (l *HTTPLookup) statusError(sentinel error, shown string, resp *resty.Response, wait time.Duration) *StatusError {
	return &StatusError{
		Method:     l.method,
		URL:        shown,
		StatusCode: resp.StatusCode(),
		RetryAfter: wait,
		Body:       snippet(resp.Body(), l.secrets),
		sentinel:   sentinel,
	}
}

// StatusError is an HTTP answer that was not a hospital. It wraps
// [ErrNotFound] (404, 410) or [ErrUnavailable] (anything else).
type StatusError struct {
	Method string
	// URL is the look-up URL without query or credentials.
	URL        string
	StatusCode int
	// RetryAfter is what the answer's Retry-After asked for; zero if absent.
	RetryAfter time.Duration
	// Body is the start of the answer, one line, header values redacted.
	Body string

	sentinel error
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s %s: HTTP %d", e.sentinel, e.Method, e.URL, e.StatusCode)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %v)", e.RetryAfter)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	return b.String()
}

// Unwrap returns ErrNotFound or ErrUnavailable.
func (e *StatusError) Unwrap() error { return e.sentinel }

// isPage reports whether a body is markup (an HTML page): a web server's or
// proxy's answer for a path it does not route — a wrong base URL or
// WithPath — rather than the look-up's own "no such hospital".
func isPage(body []byte) bool {
	body = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\ufeff")))
	return len(body) > 0 && body[0] == '<'
}

// retryable says which failures are worth another GET attempt.
func retryable(resp *resty.Response, err error) bool {
	if err != nil {
		return isTimeout(err)
	}
	switch resp.StatusCode() {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded)
}

// retryAfter reads Retry-After as delay-seconds or an HTTP date.
func retryAfter(resp *resty.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || resp.RawResponse == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header().Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

type retryAfterError struct{ wait time.Duration }

func (e *retryAfterError) Error() string {
	return fmt.Sprintf("server asks to retry after %v", e.wait)
}

// sanitizeURL drops credentials, query and fragment from a URL for
// errors (urltext.WithoutSecrets); one that does not parse is clipped too.
func sanitizeURL(raw string) string {
	shown := urltext.WithoutSecrets(raw)
	if u, err := url.Parse(raw); err != nil || u.Opaque != "" {
		return clip(shown)
	}
	return shown
}

// snippet returns the start of a body as one printable line, with secrets
// replaced and e-mail addresses and mobile numbers masked.
func snippet(body []byte, secrets []string) string {
	s := hcxonboard.RedactText(redact(string(body), secrets))
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return -1
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > snippetLen {
		cut := snippetLen
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func redact(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	return s
}

// redactedError keeps an error's chain but scrubs secrets from its text.
type redactedError struct {
	err     error
	secrets []string
}

func (e redactedError) Error() string { return redact(e.err.Error(), e.secrets) }
func (e redactedError) Unwrap() error { return e.err }

type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
