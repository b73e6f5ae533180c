package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/redirects"
	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/safefetch"
)

// EndpointFunc returns the https URL to deliver messages for address to:
// typically a participant code, looked up in the operator's registry.
// It may also be given onboarding.Broadcast, onboarding.Staff or
// "<facility id>@hfr" where the operator routes those to webhooks. An
// error fails the delivery; wrap ErrNoEndpoint when there is none.
type EndpointFunc func(ctx context.Context, to string) (string, error)

// ErrNoEndpoint is for EndpointFunc to wrap when an address has no
// webhook.
var ErrNoEndpoint = errors.New("webhook: no endpoint")

// Sender delivers onboarding messages as signed JSON POSTs. It is an
// onboarding.Notifier, safe for concurrent use.
type Sender struct {
	key           jwk.Key
	alg           jwa.SignatureAlgorithm
	endpoint      EndpointFunc
	client        *http.Client
	maxAttempts   int
	backoff       time.Duration
	maxBackoff    time.Duration
	maxRetryAfter time.Duration
	sleep         func(context.Context, time.Duration) error
	now           func() time.Time
	jitter        func() float64
	rand          io.Reader
	log           *slog.Logger
}

var _ onboarding.Notifier = (*Sender)(nil)

// New returns a Sender that signs with key — the operator's private key,
// Ed25519 (EdDSA), P-256 (ES256) or RSA of at least MinRSABits (RS256),
// with a "kid" that its published JWKS carries — and delivers to the URL
// endpoint returns for each message's address.
func New(key jwk.Key, endpoint EndpointFunc, opts ...Option) (*Sender, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: nil signing key", ErrInvalidOption)
	}
	if endpoint == nil {
		return nil, fmt.Errorf("%w: nil EndpointFunc", ErrInvalidOption)
	}
	if key.KeyID() == "" {
		return nil, fmt.Errorf("%w: the signing key has no kid; receivers find the key in the JWKS by it", ErrInvalidOption)
	}
	alg, err := algorithmOf(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	if !isPrivate(key) {
		return nil, fmt.Errorf("%w: a public key cannot sign; give the private key", ErrInvalidOption)
	}
	s := &Sender{key: key, alg: alg, endpoint: endpoint, maxAttempts: DefaultMaxAttempts,
		backoff: DefaultBackoff, maxBackoff: DefaultMaxBackoff, maxRetryAfter: DefaultMaxRetryAfter,
		sleep: sleepCtx, now: time.Now, jitter: rand.Float64, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	if s.client == nil {
		f, err := safefetch.New()
		if err != nil {
			return nil, fmt.Errorf("webhook: default client: %w", err)
		}
		s.client = f.Client()
	}
	s.client = redirects.SameRequest(s.client)
	s.log = slog.New(hcxonboard.RedactingHandler(s.log.Handler()))
	return s, nil
}

func isPrivate(key jwk.Key) bool {
	switch key.(type) {
	case jwk.OKPPrivateKey, jwk.ECDSAPrivateKey, jwk.RSAPrivateKey:
		return true
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// DeliveryError is a failed delivery. Its text names the status and the
// attempts, never the endpoint's URL (it may carry a token) or a body.
type DeliveryError struct {
	// Status is the last HTTP status received, 0 when none was (the
	// connection failed).
	Status int
	// Attempts is how many requests this call made.
	Attempts int
	// Final reports an answer that retrying within this call cannot
	// change: a 4xx other than 408 and 429, or a 3xx left over after
	// redirects (see Permanent for what the outbox makes of it).
	Final bool
	// RetryAfter is the wait the receiver last asked for, if any.
	RetryAfter time.Duration
	text       string
	cause      error
}

func (e *DeliveryError) Error() string { return "webhook: not delivered: " + e.text }

// Permanent reports an answer that sending again cannot change (Final),
// but for 401 and 403: they refuse the operator's signature rather than
// the message (a receiver whose JWKS cache lacks a key the operator just
// rotated in), and may pass once the receiver mends it. The engine's
// outbox takes a permanent failure as a dead letter at once instead of
// retrying it for a day.
func (e *DeliveryError) Permanent() bool {
	return e.Final && e.Status != http.StatusUnauthorized && e.Status != http.StatusForbidden
}

// RetryDelay is the wait the receiver last asked for (RetryAfter): the
// engine's outbox tries the message again no sooner.
func (e *DeliveryError) RetryDelay() time.Duration { return e.RetryAfter }

// Unwrap returns the cause: the context's error when it ended the call,
// ErrNoEndpoint and the like from EndpointFunc, or the client's error
// (a *safefetch.Error with the default client).
func (e *DeliveryError) Unwrap() error { return e.cause }

// Notify POSTs m as a Payload to the endpoint of m.To, signed, with the
// Idempotency-Key header: the same key and body on every attempt, each
// attempt signed anew (its iat is when it is sent). It retries a connection failure, 408, 429 and 5xx — after the
// receiver's Retry-After when it gives one (up to WithMaxRetryAfter),
// else after a jittered backoff — up to WithMaxAttempts, and never past
// ctx's deadline. A failure is a *DeliveryError.
func (s *Sender) Notify(ctx context.Context, m onboarding.Message) error {
	key, err := notify.KeyOrRandom(m, s.rand)
	if err != nil {
		return err
	}
	target, err := s.endpoint(ctx, m.To)
	if err != nil {
		return &DeliveryError{Final: errors.Is(err, ErrNoEndpoint), cause: err,
			text: "no endpoint for " + redact(m.To) + ": " + hcxonboard.RedactText(err.Error())}
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return &DeliveryError{Final: true, cause: ErrNoEndpoint, text: "the endpoint of " + redact(m.To) + " is not an https URL without user information"}
	}
	body, err := json.Marshal(newPayload(m, key))
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	attrs := []any{"kind", m.Kind, "to", redact(m.To), "message", key}
	e := &DeliveryError{}
	for attempt := 1; ; attempt++ {
		e.Attempts = attempt
		sig, err := sign(s.key, s.alg, body, key, s.now())
		if err != nil {
			return err
		}
		status, retryAfter, err := s.post(ctx, u.String(), body, key, sig)
		switch {
		case err == nil && status >= 200 && status < 300:
			s.log.DebugContext(ctx, "webhook: delivered", append(attrs, "attempt", attempt, "status", status)...)
			return nil
		case ctx.Err() != nil:
			e.cause, e.text = ctx.Err(), ctx.Err().Error()
			return e.finish(attempt)
		case err != nil:
			e.Status, e.cause, e.text = 0, err, clientErrorText(err)
		default:
			e.Status, e.cause, e.text = status, nil, "answered HTTP "+strconv.Itoa(status)
			e.Final = !retryable(status)
		}
		e.RetryAfter = retryAfter
		s.log.DebugContext(ctx, "webhook: attempt failed", append(attrs, "attempt", attempt, "status", status, "error", e.text)...)
		if e.Final || attempt >= s.maxAttempts {
			return e.finish(attempt)
		}
		if retryAfter > s.maxRetryAfter {
			e.text += fmt.Sprintf(" and asked to wait %s, longer than this call waits", retryAfter)
			return e.finish(attempt)
		}
		wait := s.wait(attempt, retryAfter)
		if d, ok := ctx.Deadline(); ok && s.now().Add(wait).After(d) {
			e.text += "; the next attempt would come after the call's deadline"
			return e.finish(attempt)
		}
		if err := s.sleep(ctx, wait); err != nil {
			e.cause, e.text = err, err.Error()
			return e.finish(attempt)
		}
	}
}

// finish completes the error's text with the attempt count.
func (e *DeliveryError) finish(attempts int) error {
	if attempts == 1 {
		e.text += " (1 attempt)"
	} else {
		e.text += fmt.Sprintf(" (%d attempts)", attempts)
	}
	return e
}

// post makes one attempt and returns the status and the Retry-After asked
// for, if any.
func (s *Sender) post(ctx context.Context, target string, body []byte, key, sig string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(IdempotencyKeyHeader, key)
	req.Header.Set(SignatureHeader, sig)
	req.Header.Set("User-Agent", "hcxonboard-webhook/1")
	resp, err := s.client.Do(req)
	if err != nil {
		// The *url.Error repeats the URL, which may carry a token: the
		// error kept (DeliveryError.Unwrap) is what it wraps.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, 0, err
	}
	// Drain a little so the connection can be reused; the body is not read.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, notify.ParseRetryAfter(resp.Header.Get("Retry-After"), s.now()), nil
}

// retryable reports whether an HTTP status may change by retrying.
func retryable(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

// wait is the pause before attempt+1: the receiver's Retry-After when it
// gave one, else the backoff doubled per attempt, capped, drawn from its
// upper half.
func (s *Sender) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	d := s.backoff << min(attempt-1, 20)
	if d > s.maxBackoff || d <= 0 {
		d = s.maxBackoff
	}
	return d/2 + time.Duration(s.jitter()*float64(d/2))
}

// clientErrorText says what went wrong in plain words, without the
// address a network error names (post has already taken off the
// *url.Error that names the URL).
func clientErrorText(err error) string {
	var (
		fe   *safefetch.Error
		dns  *net.DNSError
		op   *net.OpError
		ne   net.Error
		unk  x509.UnknownAuthorityError
		host x509.HostnameError
		inv  x509.CertificateInvalidError
		vErr *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &fe):
		return fe.Reason()
	case errors.As(err, &dns):
		return "the endpoint's host name did not resolve"
	case errors.As(err, &unk), errors.As(err, &host), errors.As(err, &inv), errors.As(err, &vErr):
		return "the endpoint's certificate is not trusted"
	case errors.As(err, &ne) && ne.Timeout():
		return "the endpoint did not answer in time"
	case errors.As(err, &op):
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return "network " + op.Op + " failed: " + sys.Err.Error()
		}
		return "network " + op.Op + " failed"
	}
	return hcxonboard.RedactText(err.Error())
}

// redact masks an address that is personal data; participant codes,
// facility ids and the named addresses stay as they are.
func redact(to string) string {
	switch notify.Classify(to) {
	case notify.Email:
		return hcxonboard.MaskEmail(to)
	case notify.Mobile:
		return hcxonboard.MaskMobile(to)
	case notify.Unknown:
		return hcxonboard.RedactText(to)
	}
	return to
}
