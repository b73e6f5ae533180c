package hfr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/time/rate"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/urltext"
)

// Environment selects the ABDM environment. It decides the X-CM-ID header
// (sbx or abdm) and nothing else: base URLs are always the operator's.
type Environment int

const (
	// Sandbox is the ABDM sandbox (X-CM-ID: sbx). The default.
	Sandbox Environment = iota + 1
	// Production is live ABDM (X-CM-ID: abdm).
	Production
)

func (e Environment) String() string {
	switch e {
	case Sandbox:
		return "sandbox"
	case Production:
		return "production"
	}
	return fmt.Sprintf("Environment(%d)", int(e))
}

func (e Environment) cmID() string {
	if e == Production {
		return "abdm"
	}
	return "sbx"
}

// SessionAPI selects the gateway session endpoint.
type SessionAPI int

const (
	// V3 is POST {gateway}/api/hiecm/gateway/v3/sessions with clientId,
	// clientSecret and grantType. The default.
	V3 SessionAPI = iota + 1
	// V05 is the legacy POST {gateway}/gateway/v0.5/sessions with clientId
	// and clientSecret.
	V05
)

func (v SessionAPI) String() string {
	switch v {
	case V3:
		return "v3"
	case V05:
		return "v0.5"
	}
	return fmt.Sprintf("SessionAPI(%d)", int(v))
}

func (v SessionAPI) path() string {
	if v == V05 {
		return "/gateway/v0.5/sessions"
	}
	return "/api/hiecm/gateway/v3/sessions"
}

// Defaults of the options.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultTries    = 3
	DefaultMinWait  = 200 * time.Millisecond
	DefaultMaxWait  = 10 * time.Second
	MaxResponseSize = 1 << 20 // bytes of a response body read at most
)

// An Option configures a Client. Options validate their arguments; New
// reports the first invalid one.
type Option func(*config) error

type config struct {
	gatewayURL, registryURL string
	env                     Environment
	clientID, clientSecret  string
	sessionAPI              SessionAPI
	httpClient              *http.Client
	restyClient             *resty.Client
	timeout                 time.Duration
	tries                   int
	minWait, maxWait        time.Duration
	limit                   rate.Limit
	burst                   int
	now                     func() time.Time
	sleep                   func(context.Context, time.Duration) error
	logger                  *slog.Logger
	otpSource, otpSourceID  string
}

// WithGatewayURL sets the ABDM gateway base URL (scheme and host, without
// the session path). Required.
func WithGatewayURL(u string) Option {
	return func(c *config) error {
		v, err := baseURL("gateway", u)
		c.gatewayURL = v
		return err
	}
}

// WithRegistryURL sets the base URL of the HSP host that serves HFR and
// HPR, including its version prefix (the part before
// /FacilityManagement/… and /v1/search/…). Required.
func WithRegistryURL(u string) Option {
	return func(c *config) error {
		v, err := baseURL("registry", u)
		c.registryURL = v
		return err
	}
}

func baseURL(name, s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("hfr: %s URL %q: want an absolute http or https URL", name, excerpt(urltext.WithoutSecrets(strings.TrimSpace(s))))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("hfr: %s URL must not carry user info, a query or a fragment", name)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// plainOffLoopback tells whether base URL u is plain http to a host other
// than this machine's loopback (localhost, 127.0.0.0/8, ::1), where a
// registry fake in a test or a local proxy may well listen.
func plainOffLoopback(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" {
		return false
	}
	host := p.Hostname()
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err != nil || !ip.IsLoopback()
}

// WithEnvironment selects Sandbox (the default) or Production, which sets
// the X-CM-ID header. In Production, New warns in the log (WithLogger) of
// a base URL in plain http to a host other than the loopback, which would
// carry the client secret in clear.
func WithEnvironment(e Environment) Option {
	return func(c *config) error {
		if e != Sandbox && e != Production {
			return fmt.Errorf("hfr: unknown environment %v", e)
		}
		c.env = e
		return nil
	}
}

// WithCredentials sets the gateway client ID and secret. Required.
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if strings.TrimSpace(clientID) == "" || strings.TrimSpace(clientSecret) == "" {
			return errors.New("hfr: client ID and client secret must both be set")
		}
		c.clientID, c.clientSecret = clientID, clientSecret
		return nil
	}
}

// WithSessionAPI selects the gateway session endpoint: V3 (default) or V05.
func WithSessionAPI(v SessionAPI) Option {
	return func(c *config) error {
		if v != V3 && v != V05 {
			return fmt.Errorf("hfr: unknown session API %v", v)
		}
		c.sessionAPI = v
		return nil
	}
}

// WithHTTPClient makes the Client send through hc (its Transport, proxy and
// TLS settings). hc is not modified; its Timeout, if any, still applies,
// and its CheckRedirect does not: the Client follows no redirect, whose
// 3xx is reported. Mutually exclusive with WithRestyClient.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("hfr: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRestyClient makes the Client send through rc. The Client only builds
// requests on it and never changes its settings. rc must not retry on its
// own (RetryCount 0): the Client owns the retry policy. Nor should it
// follow redirects, as the Client's own client and WithHTTPClient's never
// do: a redirect would carry the client secret, the gateway token or a
// professional's own token to wherever it points. Set
// rc.SetRedirectPolicy(resty.NoRedirectPolicy()); New logs a warning for a
// client that would follow one. rc's debug mode (SetDebug) does not apply to
// the Client's requests, whose headers and bodies carry the client secret,
// tokens and OTPs. Mutually exclusive with WithHTTPClient.
func WithRestyClient(rc *resty.Client) Option {
	return func(c *config) error {
		if rc == nil {
			return errors.New("hfr: nil *resty.Client")
		}
		if rc.RetryCount > 0 {
			return errors.New("hfr: the resty client retries on its own (RetryCount > 0); set it to 0 and use WithRetry")
		}

		c.restyClient = rc
		return nil
	}
}

// WithTimeout bounds each HTTP attempt, body included (default 10 s).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("hfr: timeout %v: must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets the retry policy of idempotent calls (look-ups and the
// session): at most maxTries attempts in all (default 3; 1 disables
// retries), waiting between attempts an exponential backoff from minWait
// to maxWait with jitter (defaults 200 ms and 10 s), or the server's
// Retry-After when it sends one. A Retry-After beyond maxWait ends the
// retries at once rather than waiting less than the server asked.
func WithRetry(maxTries int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if maxTries < 1 {
			return fmt.Errorf("hfr: retry tries %d: must be at least 1", maxTries)
		}
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("hfr: retry waits %v..%v: want 0 <= min <= max", minWait, maxWait)
		}
		c.tries, c.minWait, c.maxWait = maxTries, minWait, maxWait
		return nil
	}
}

// WithRateLimit caps outgoing requests (session calls and retries
// included) to limit per second with bursts of burst; callers wait for a
// slot or for their context. Default: unlimited.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(c *config) error {
		if limit <= 0 || math.IsNaN(float64(limit)) || (burst < 1 && limit != rate.Inf) {
			return fmt.Errorf("hfr: rate limit %v burst %d: want a positive limit and burst", limit, burst)
		}
		c.limit, c.burst = limit, burst
		return nil
	}
}

// WithClock sets the time source used for token expiry, the TIMESTAMP
// header and Retry-After dates (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("hfr: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger sets the logger for request and retry records (default: none).
// Records never carry credentials, tokens, OTPs or bodies.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("hfr: nil logger")
		}
		c.logger = slog.New(hcxonboard.RedactingHandler(l.Handler())) // error texts from HFR may carry contacts
		return nil
	}
}

// WithOTPSource sets the source and sourceId sent with validateOtp: the
// programme name and identifier NHA allots to the operator. Both are empty
// by default.
func WithOTPSource(source, sourceID string) Option {
	return func(c *config) error {
		c.otpSource, c.otpSourceID = source, sourceID
		return nil
	}
}

// followsRedirects reports whether hc would follow redirects: it has no
// CheckRedirect (Go's default follows ten). A policy of its own is the
// caller's, and is not called here.
func followsRedirects(hc *http.Client) bool {
	return hc == nil || hc.CheckRedirect == nil
}
