package hfr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/openhcx/hcxonboard"
)

// timestampLayout is the gateway's TIMESTAMP header format: UTC with
// milliseconds and a literal Z.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// Client talks to the ABDM gateway (sessions), HFR and HPR. It is safe for
// concurrent use; make one per set of credentials and Close it when done.
type Client struct {
	rc           *resty.Client
	sessionURL   string
	registryURL  string
	cmID         string
	sessionAPI   SessionAPI
	clientID     string
	clientSecret string
	timeout      time.Duration
	tries        int
	minWait      time.Duration
	maxWait      time.Duration
	limiter      *rate.Limiter
	now          func() time.Time
	sleep        func(context.Context, time.Duration) error
	log          *slog.Logger
	otpSource    string
	otpSourceID  string

	// life is cancelled by Close; session refreshes run under it.
	life   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	token    string
	tokenExp time.Time
	inflight *refreshCall
}

// New builds a Client. The gateway URL, the registry URL and the
// credentials are required; every other option has a documented default.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		env:        Sandbox,
		sessionAPI: V3,
		timeout:    DefaultTimeout,
		tries:      DefaultTries,
		minWait:    DefaultMinWait,
		maxWait:    DefaultMaxWait,
		limit:      rate.Inf,
		now:        time.Now,
		sleep:      sleepCtx,
		logger:     slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("hfr: nil option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	var missing []string
	if cfg.gatewayURL == "" {
		missing = append(missing, "gateway URL (WithGatewayURL)")
	}
	if cfg.registryURL == "" {
		missing = append(missing, "registry URL (WithRegistryURL)")
	}
	if cfg.clientID == "" {
		missing = append(missing, "credentials (WithCredentials)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("hfr: missing %s", strings.Join(missing, ", "))
	}
	if cfg.httpClient != nil && cfg.restyClient != nil {
		return nil, errors.New("hfr: WithHTTPClient and WithRestyClient are mutually exclusive")
	}
	if cfg.env == Production {
		for name, u := range map[string]string{"gateway": cfg.gatewayURL, "registry": cfg.registryURL} {
			if plainOffLoopback(u) {
				cfg.logger.Warn("hfr: the production " + name + " URL is http, not https: the client secret, the gateway token and the registry's answers about facilities and professionals would cross the network in clear; give the https URL")
			}
		}
	}

	rc := cfg.restyClient
	switch {
	case rc != nil:
		// The caller's client is used as given, shared as it may be; one
		// that would follow a redirect is the caller's to fix (see
		// WithRestyClient), and is named in the log.
		if followsRedirects(rc.GetClient()) {
			cfg.logger.Warn("hfr: the resty client given follows redirects, which would carry the client secret and tokens elsewhere; set rc.SetRedirectPolicy(resty.NoRedirectPolicy())")
		}
	case cfg.httpClient != nil:
		// resty fills in a nil Transport; a copy keeps the caller's client
		// as it was.
		hc := *cfg.httpClient
		// Never a redirect, as with a client of our own: one would carry
		// the session's client secret, the gateway token or a
		// professional's own token to wherever it points.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		rc = resty.NewWithClient(&hc)
		rc.SetLogger(restyLogger{cfg.logger})
	default:
		// A client of our own: resty's pooled transport, no cookie jar (the
		// registries set no cookie worth keeping), and no redirects (a
		// registry API that redirects is misconfigured; its 3xx is reported).
		rc = resty.NewWithClient(&http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		})
		rc.SetLogger(restyLogger{cfg.logger})
	}

	c := &Client{
		rc:           rc,
		sessionURL:   cfg.gatewayURL + cfg.sessionAPI.path(),
		registryURL:  cfg.registryURL,
		cmID:         cfg.env.cmID(),
		sessionAPI:   cfg.sessionAPI,
		clientID:     cfg.clientID,
		clientSecret: cfg.clientSecret,
		timeout:      cfg.timeout,
		tries:        cfg.tries,
		minWait:      cfg.minWait,
		maxWait:      cfg.maxWait,
		now:          cfg.now,
		sleep:        cfg.sleep,
		log:          cfg.logger,
		otpSource:    cfg.otpSource,
		otpSourceID:  cfg.otpSourceID,
	}
	if cfg.limit != rate.Inf {
		c.limiter = rate.NewLimiter(cfg.limit, cfg.burst)
	}
	c.life, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// Close stops a session refresh in flight, waits for it, and closes idle
// connections. Calls after Close fail with ErrClosed. Close is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.token = ""
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.rc.GetClient().CloseIdleConnections()
	return nil
}

// call describes one logical request.
type call struct {
	op     string // names the call in errors and logs
	method string
	url    string
	// shown is url as errors and logs show it, when url carries
	// personal data (a professional's HPR ID in its path); else url.
	shown   string
	body    []byte
	auth    bool     // send the session token
	retry   bool     // idempotent: retry on 429/502/503/504 and timeouts
	secrets []string // values sent that must never surface (OTPs, a person's token)
	// hprIDs are the HPR IDs the call is about, personal data that the
	// registry's text names masked (maskHPRID).
	hprIDs []string
	// personToken is a professional's own HPR token: it is sent as the
	// bearer and in x-hprid-auth instead of the session token, and is
	// never refreshed (the caller lists it in secrets too).
	personToken string
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
	token  string   // the gateway token the request carried: redacted from the registry's text
	hprIDs []string // the call's hprIDs: masked in the registry's text
	// tooLarge: the body was over MaxResponseSize and was not kept.
	tooLarge bool
}

// sessionFailed is the error of a call whose gateway session could not
// be opened. It is never an answer about what the call asked for: a 404
// from the session endpoint is a gateway moved or misconfigured, not an
// unknown facility or professional. It is ErrUnavailable unless the
// session was refused (ErrUnauthorized), rate limited, answered with
// something that is no session (ErrUnexpectedResponse), or the call closed
// or cancelled.
func sessionFailed(err error) error {
	for _, keep := range []error{ErrUnauthorized, ErrRateLimited, ErrUnavailable, ErrUnexpectedResponse, ErrClosed,
		context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, keep) {
			return fmt.Errorf("gateway session: %w", err)
		}
	}
	return fmt.Errorf("gateway session: %w (%v)", ErrUnavailable, err)
}

// do runs a call with the retry policy and the one-time token refresh, and
// returns the 2xx reply or an error. Errors carry no secrets and no "hfr:"
// prefix: the exported method that made the call names itself.
func (c *Client) do(ctx context.Context, cl *call) (*reply, error) {
	if ctx == nil {
		return nil, errors.New("nil context")
	}
	tries := 1
	if cl.retry {
		tries = c.tries
	}
	refreshed := false
	for attempt := 1; ; {
		if err := c.checkOpen(); err != nil {
			return nil, err
		}
		token := ""
		if cl.auth {
			t, err := c.accessToken(ctx)
			if err != nil {
				return nil, sessionFailed(err)
			}
			token = t
		}
		// The slot is taken last, right before sending, so that a session
		// request the call needed has had its own.
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				if cerr := ctx.Err(); cerr != nil {
					return nil, fmt.Errorf("waiting for the rate limit: %w", cerr)
				}
				// The limiter refuses at once when its next slot comes after
				// the deadline; its error wraps nothing a caller can match.
				return nil, fmt.Errorf("%w: the client's rate limit has no slot before the deadline (%w)", ErrRateLimited, context.DeadlineExceeded)
			}
		}
		start := time.Now()
		rep, err := c.send(ctx, cl, token)
		c.logAttempt(ctx, cl, attempt, rep, err, time.Since(start))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			err = fmt.Errorf("%w: %w", ErrUnavailable, err)
			if attempt < tries && isTimeout(err) {
				if werr := c.pause(ctx, cl, c.backoff(attempt)); werr != nil {
					return nil, fmt.Errorf("%w; gave up waiting to retry: %w", err, werr)
				}
				attempt++
				continue
			}
			return nil, err
		}
		rep.token, rep.hprIDs = token, cl.hprIDs
		if rep.status >= 200 && rep.status < 300 {
			if rep.tooLarge {
				// An answer too large to read says nothing about what was
				// asked; sending the same request again would get the same.
				return nil, fmt.Errorf("%w: %w", ErrUnavailable, tooLarge())
			}
			return rep, nil
		}
		apiErr := c.apiError(rep.status, rep.body, token, cl.secrets, cl.hprIDs)
		if rep.tooLarge {
			// The status still counts (a 401 refreshes the session, a 503
			// is retried); the body, unread, carries no message.
			apiErr = &APIError{StatusCode: rep.status, Message: fmt.Sprintf("response body over %d bytes, not read", MaxResponseSize), page: true}
		}
		// A call that is not idempotent (an OTP sent or checked) goes again
		// only when the refusal is the gateway's: one naming a cause of the
		// registry's own was seen and judged by the registry, and sending
		// it again would text a second code or count a wrong one twice.
		if cl.auth && apiErr.tokenRejected() && (cl.retry || !apiErr.registryCause()) {
			c.dropToken(token)
			// The gateway refused the session token before the registry
			// saw the request, so sending it again with a fresh session is
			// safe for every call, the OTP calls included: their code is
			// still sent, and checked, once. Only once, and only for this.
			if !refreshed {
				refreshed = true
				continue
			}
		}
		err = apiErr
		if cl.retry && attempt < tries && retryableStatus(rep.status) {
			if wait, ok := c.retryWait(ctx, rep, attempt); ok {
				if werr := c.pause(ctx, cl, wait); werr != nil {
					return nil, fmt.Errorf("%w; gave up waiting to retry: %w", err, werr)
				}
				attempt++
				continue
			}
		}
		return nil, err
	}
}

// send makes one HTTP attempt and reads the body under the size cap.
func (c *Client) send(ctx context.Context, cl *call, token string) (*reply, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := c.rc.R().
		SetContext(actx).
		// Never resty's debug log, which a client given (WithRestyClient)
		// may have on: it writes the headers and body of every request,
		// the client secret, the gateway token and OTPs among them.
		SetDebug(false).
		SetDoNotParseResponse(true).
		SetHeader("REQUEST-ID", uuid.NewString()).
		SetHeader("TIMESTAMP", c.now().UTC().Format(timestampLayout)).
		SetHeader("X-CM-ID", c.cmID).
		SetHeader("Accept", "application/json")
	if cl.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(cl.body)
	}
	if token != "" {
		req.SetHeader("Authorization", "Bearer "+token)
	}
	if cl.personToken != "" {
		req.SetHeader("Authorization", "Bearer "+cl.personToken).SetHeader("X-Hprid-Auth", cl.personToken)
	}
	res, err := req.Execute(cl.method, cl.url)
	if err != nil {
		// A *url.Error quotes the URL it was sent to.
		var ue *url.Error
		if cl.shown != "" && errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: cl.shown, Err: ue.Err}
		}
		return nil, err
	}
	raw := res.RawResponse
	if raw == nil || raw.Body == nil {
		return nil, errors.New("no response")
	}
	defer raw.Body.Close()
	body, err := readCapped(raw.Body, raw.ContentLength)
	if errors.Is(err, hcxonboard.ErrTooLarge) {
		// The status and headers are read; what the caller makes of an
		// answer it cannot read depends on them (see do).
		return &reply{status: raw.StatusCode, header: raw.Header, tooLarge: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &reply{status: raw.StatusCode, header: raw.Header, body: body}, nil
}

// readCapped reads a body of at most MaxResponseSize bytes; a longer body is
// an error wrapping hcxonboard.ErrTooLarge, never silently truncated.
func readCapped(r io.Reader, contentLength int64) ([]byte, error) {
	if contentLength > MaxResponseSize {
		return nil, tooLarge()
	}
	var buf bytes.Buffer
	if contentLength > 0 {
		buf.Grow(int(contentLength) + 1)
	} else {
		buf.Grow(512)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, MaxResponseSize+1))
	if n > MaxResponseSize {
		return nil, tooLarge()
	}
	if err != nil {
		return nil, fmt.Errorf("reading the response body: %w", err)
	}
	return buf.Bytes(), nil
}

func tooLarge() error {
	return fmt.Errorf("%w: response body over %d bytes", hcxonboard.ErrTooLarge, MaxResponseSize)
}

// apiError decodes an error answer and redacts anything secret the client
// sent (the client secret, and the token and OTP passed in secrets) that the
// registry echoed.
func (c *Client) apiError(status int, body []byte, token string, secrets, hprIDs []string) *APIError {
	e := decodeError(status, body, c.scrubber(token, secrets, hprIDs...))
	c.redact(e, token, secrets)
	return e
}

// scrubber replaces the client secret, token and secrets in registry text,
// and masks the HPR IDs in it, before the text is cut to length (see
// scrubber).
func (c *Client) scrubber(token string, secrets []string, hprIDs ...string) scrubber {
	all := append([]string{c.clientSecret, token}, secrets...)
	return func(t string) string {
		for _, s := range all {
			if len(s) >= 4 {
				t = strings.ReplaceAll(t, s, "[redacted]")
			}
		}
		return maskHPRIDsIn(t, hprIDs)
	}
}

func (c *Client) redact(e *APIError, token string, secrets []string) {
	for _, s := range append([]string{c.clientSecret, token}, secrets...) {
		if len(s) < 4 {
			continue
		}
		e.Message = strings.ReplaceAll(e.Message, s, "[redacted]")
		e.Code = strings.ReplaceAll(e.Code, s, "[redacted]")
	}
}

func retryableStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryWait decides the wait before the next attempt: the server's
// Retry-After (delta seconds or an HTTP date) when present, else backoff.
// It declines to retry when the server asks for longer than maxWait or
// than the caller's deadline leaves.
func (c *Client) retryWait(ctx context.Context, rep *reply, attempt int) (time.Duration, bool) {
	wait := c.backoff(attempt)
	if ra, ok := parseRetryAfter(rep.header.Get("Retry-After"), c.now()); ok {
		if ra > c.maxWait {
			return 0, false
		}
		wait = ra
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, false
	}
	return wait, true
}

// parseRetryAfter reads a Retry-After value: delta seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// backoff is exponential from minWait, capped at maxWait, with jitter in
// [d/2, d] so that callers do not retry in step.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minWait
	for i := 1; i < attempt && d < c.maxWait; i++ {
		d *= 2
	}
	d = min(d, c.maxWait)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

func (c *Client) pause(ctx context.Context, cl *call, d time.Duration) error {
	if c.log.Enabled(ctx, slog.LevelInfo) {
		c.log.LogAttrs(ctx, slog.LevelInfo, "hfr: retrying", slog.String("op", cl.op), slog.Duration("wait", d))
	}
	return c.sleep(ctx, d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) checkOpen() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	return nil
}

func (c *Client) logAttempt(ctx context.Context, cl *call, attempt int, rep *reply, err error, took time.Duration) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	if !c.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", cl.op),
		slog.String("method", cl.method),
		slog.Int("attempt", attempt),
		slog.Duration("took", took),
	}
	if rep != nil {
		attrs = append(attrs, slog.Int("status", rep.status))
	}
	if err != nil {
		// Transport errors name the URL, which holds no secrets, and
		// personal data only as the call shows it (call.shown).
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, level, "hfr: request", attrs...)
}

// restyLogger routes resty's own warnings into slog.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Error("resty: " + fmt.Sprintf(format, v...))
}

func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Warn("resty: " + fmt.Sprintf(format, v...))
}

func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
