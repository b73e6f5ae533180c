package webhook_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
)

// signingKey returns a private JWK with kid and its public JWKS.
func signingKey(t *testing.T, alg jwa.SignatureAlgorithm, kid string) (jwk.Key, jwk.Set) {
	t.Helper()
	var raw any
	var err error
	switch alg {
	case jwa.EdDSA:
		_, raw, err = ed25519.GenerateKey(rand.Reader)
	case jwa.ES256:
		raw, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jwa.RS256:
		raw, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.FromRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	_ = key.Set(jwk.KeyIDKey, kid)
	_ = key.Set(jwk.AlgorithmKey, alg)
	_ = key.Set(jwk.KeyUsageKey, jwk.ForSignature)
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	return key, set
}

// capture is one request a test endpoint received.
type capture struct {
	header http.Header
	body   []byte
}

// endpoint is a TLS test server answering from a script of statuses (and
// Retry-After values), then 204, and recording what it received.
type endpoint struct {
	*httptest.Server
	mu      sync.Mutex
	got     []capture
	answers []answer
}

type answer struct {
	status     int
	retryAfter string
}

func newEndpoint(t *testing.T, answers ...answer) *endpoint {
	t.Helper()
	e := &endpoint{answers: answers}
	e.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		n := len(e.got)
		e.got = append(e.got, capture{r.Header.Clone(), b})
		e.mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/hooks/hcx" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		if n < len(e.answers) {
			if a := e.answers[n]; a.retryAfter != "" {
				w.Header().Set("Retry-After", a.retryAfter)
			}
			w.WriteHeader(e.answers[n].status)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *endpoint) requests() []capture {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]capture(nil), e.got...)
}

// request rebuilds a captured request for Verify.
func (c capture) request() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://payer.example/hooks/hcx", bytes.NewReader(c.body))
	r.Header = c.header.Clone()
	return r
}

// sleeps records the waits a Sender asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func newSender(t *testing.T, key jwk.Key, e *endpoint, opts ...webhook.Option) *webhook.Sender {
	t.Helper()
	resolve := func(_ context.Context, to string) (string, error) {
		if to != "payr_starhe_7@hcx" {
			return "", webhook.ErrNoEndpoint
		}
		return e.URL + "/hooks/hcx", nil
	}
	s, err := webhook.New(key, resolve, append([]webhook.Option{webhook.WithClient(e.Client()),
		webhook.WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func approvalRequest() onboarding.Message {
	return onboarding.Message{
		ID:            "app-9/5/1",
		Kind:          onboarding.MessageApprovalRequest,
		To:            "payr_starhe_7@hcx",
		ApplicationID: "app-9",
		Subject:       "Please confirm an empanelment for HCX onboarding",
		Body:          "Sanjeevani Clinic applies to join the HCX as a provider empanelled with Star Health.",
	}
}

func TestSignedDeliveryVerifies(t *testing.T) {
	t.Parallel()
	for _, alg := range []jwa.SignatureAlgorithm{jwa.EdDSA, jwa.ES256, jwa.RS256} {
		t.Run(alg.String(), func(t *testing.T) {
			t.Parallel()
			key, jwks := signingKey(t, alg, "operator-"+alg.String())
			e := newEndpoint(t)
			s := newSender(t, key, e)
			if err := s.Notify(context.Background(), approvalRequest()); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := e.requests()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			c := got[0]
			if ct := c.header.Get("Content-Type"); ct != webhook.ContentType {
				t.Errorf("Content-Type = %q", ct)
			}
			if k := c.header.Get(webhook.IdempotencyKeyHeader); k != "app-9/5/1" {
				t.Errorf("Idempotency-Key = %q", k)
			}
			d, err := webhook.Verify(c.request(), jwks)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := webhook.Payload{ID: "app-9/5/1", Kind: onboarding.MessageApprovalRequest, To: "payr_starhe_7@hcx",
				ApplicationID: "app-9", Subject: approvalRequest().Subject, Body: approvalRequest().Body}
			if d.Payload != want {
				t.Errorf("payload = %+v\nwant      %+v", d.Payload, want)
			}
			if d.KeyID != "operator-"+alg.String() || !d.SignedAt.Equal(testNow) {
				t.Errorf("KeyID, SignedAt = %q, %v", d.KeyID, d.SignedAt)
			}
			// The protected header says what it signs with.
			hdr := protectedHeader(t, c.header.Get(webhook.SignatureHeader))
			if hdr["alg"] != alg.String() || hdr["kid"] != d.KeyID || hdr["typ"] != webhook.JWSType ||
				hdr[webhook.KeyHeaderParameter] != "app-9/5/1" {
				t.Errorf("protected header = %v", hdr)
			}
		})
	}
}

func protectedHeader(t *testing.T, sig string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(sig, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCodeOnlyForKindsThatCarryOne(t *testing.T) {
	t.Parallel()
	key, jwks := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t)
	s := newSender(t, key, e)
	withCode := approvalRequest()
	withCode.Code = "SHOULDNOTLEAVE"
	otp := approvalRequest()
	otp.ID, otp.Kind, otp.Code = "app-9/6/0", onboarding.MessageOTP, "493817"
	hfr := approvalRequest()
	hfr.ID, hfr.Kind, hfr.Code = "app-9/6/1", onboarding.MessageHFRIntimation, "ABCDEFGHJKMNPQRS"
	for _, m := range []onboarding.Message{withCode, otp, hfr} {
		if err := s.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := e.requests()
	wantCodes := []string{"", "493817", "ABCDEFGHJKMNPQRS"}
	for i, c := range got {
		d, err := webhook.Verify(c.request(), jwks)
		if err != nil {
			t.Fatal(err)
		}
		if d.Code != wantCodes[i] {
			t.Errorf("%s: code %q, want %q", d.Kind, d.Code, wantCodes[i])
		}
	}
	if bytes.Contains(got[0].body, []byte("SHOULDNOTLEAVE")) || bytes.Contains(got[0].body, []byte(`"code"`)) {
		t.Errorf("an approval request carried a code: %s", got[0].body)
	}
}

func TestVerifyRefusesTampering(t *testing.T) {
	t.Parallel()
	key, jwks := signingKey(t, jwa.ES256, "k1")
	e := newEndpoint(t)
	if err := newSender(t, key, e).Notify(context.Background(), approvalRequest()); err != nil {
		t.Fatal(err)
	}
	good := e.requests()[0]
	sig := good.header.Get(webhook.SignatureHeader)

	otherKey, _ := signingKey(t, jwa.ES256, "k1") // same kid, another key
	forged, err := jws.Sign(nil, jws.WithKey(jwa.ES256, otherKey, jws.WithProtectedHeaders(headers(t, "k1", "app-9/5/1"))),
		jws.WithDetachedPayload(good.body))
	if err != nil {
		t.Fatal(err)
	}
	hmacKey, _ := jwk.FromRaw([]byte("a shared secret that is long enough for HS256"))
	hmacSig, err := jws.Sign(nil, jws.WithKey(jwa.HS256, hmacKey, jws.WithProtectedHeaders(headers(t, "k1", "app-9/5/1"))),
		jws.WithDetachedPayload(good.body))
	if err != nil {
		t.Fatal(err)
	}
	attached, err := jws.Sign(good.body, jws.WithKey(jwa.ES256, key, jws.WithProtectedHeaders(headers(t, "k1", "app-9/5/1"))))
	if err != nil {
		t.Fatal(err)
	}
	k2, err := key.Clone()
	if err != nil {
		t.Fatal(err)
	}
	_ = k2.Set(jwk.KeyIDKey, "k2")
	unknownKid, err := jws.Sign(nil, jws.WithKey(jwa.ES256, k2, jws.WithProtectedHeaders(headers(t, "k2", "app-9/5/1"))),
		jws.WithDetachedPayload(good.body))
	if err != nil {
		t.Fatal(err)
	}
	// The right key signing a body whose id differs from the signed key.
	otherBody := bytes.Replace(good.body, []byte(`"id":"app-9/5/1"`), []byte(`"id":"app-9/5/2"`), 1)
	mismatch, err := jws.Sign(nil, jws.WithKey(jwa.ES256, key, jws.WithProtectedHeaders(headers(t, "k1", "app-9/5/1"))),
		jws.WithDetachedPayload(otherBody))
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		change func(c *capture)
		want   error
	}{
		{"no signature", func(c *capture) { c.header.Del(webhook.SignatureHeader) }, webhook.ErrUnsigned},
		{"body changed", func(c *capture) {
			c.body = bytes.Replace(c.body, []byte("Star Health"), []byte("Star Wealth"), 1)
		}, webhook.ErrInvalidSignature},
		{"body extended", func(c *capture) { c.body = append(c.body, ' ') }, webhook.ErrInvalidSignature},
		{"another idempotency key", func(c *capture) { c.header.Set(webhook.IdempotencyKeyHeader, "app-9/5/2") }, webhook.ErrInvalidSignature},
		{"no idempotency key", func(c *capture) { c.header.Del(webhook.IdempotencyKeyHeader) }, webhook.ErrInvalidSignature},
		{"signature bit flipped", func(c *capture) {
			b := []byte(sig)
			if b[len(b)-2] == 'A' {
				b[len(b)-2] = 'B'
			} else {
				b[len(b)-2] = 'A'
			}
			c.header.Set(webhook.SignatureHeader, string(b))
		}, webhook.ErrInvalidSignature},
		{"another key with the same kid", func(c *capture) { c.header.Set(webhook.SignatureHeader, string(forged)) }, webhook.ErrInvalidSignature},
		{"HMAC", func(c *capture) { c.header.Set(webhook.SignatureHeader, string(hmacSig)) }, webhook.ErrInvalidSignature},
		{"payload attached", func(c *capture) { c.header.Set(webhook.SignatureHeader, string(attached)) }, webhook.ErrInvalidSignature},
		{"kid not in the JWKS", func(c *capture) { c.header.Set(webhook.SignatureHeader, string(unknownKid)) }, webhook.ErrInvalidSignature},
		{"alg none", func(c *capture) {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1","typ":"hcx-webhook+jws"}`))
			c.header.Set(webhook.SignatureHeader, h+"..")
		}, webhook.ErrInvalidSignature},
		{"payload id is not the signed key", func(c *capture) {
			c.body = otherBody
			c.header.Set(webhook.SignatureHeader, string(mismatch))
		}, webhook.ErrInvalidPayload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := capture{header: good.header.Clone(), body: bytes.Clone(good.body)}
			tc.change(&c)
			d, err := webhook.Verify(c.request(), jwks)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %+v, %v; want %v", d, err, tc.want)
			}
		})
	}

	t.Run("untampered, body readable again", func(t *testing.T) {
		t.Parallel()
		r := good.request()
		if _, err := webhook.Verify(r, jwks); err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(r.Body); !bytes.Equal(b, good.body) {
			t.Error("the handler cannot read the body after Verify")
		}
	})
}

func headers(t *testing.T, kid, key string) jws.Headers {
	t.Helper()
	h := jws.NewHeaders()
	_ = h.Set(jws.KeyIDKey, kid)
	_ = h.Set(jws.TypeKey, webhook.JWSType)
	_ = h.Set(webhook.KeyHeaderParameter, key)
	return h
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	key, jwks := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t,
		answer{http.StatusServiceUnavailable, "7"},
		answer{http.StatusTooManyRequests, testNow.Add(3 * time.Second).Format(http.TimeFormat)},
		answer{http.StatusRequestTimeout, ""},
	)
	var sl sleeps
	s := newSender(t, key, e, webhook.WithSleep(sl.sleep), webhook.WithJitter(func() float64 { return 0.5 }))
	if err := s.Notify(context.Background(), approvalRequest()); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	// 7 s and 3 s as asked; then the third backoff step (4 s) drawn at
	// the middle of its upper half.
	want := []time.Duration{7 * time.Second, 3 * time.Second, 3 * time.Second}
	if len(sl.d) != len(want) {
		t.Fatalf("slept %v, want %v", sl.d, want)
	}
	for i := range want {
		if sl.d[i] != want[i] {
			t.Errorf("wait %d = %s, want %s", i+1, sl.d[i], want[i])
		}
	}
	got := e.requests()
	if len(got) != 4 {
		t.Fatalf("%d requests, want 4", len(got))
	}
	for i, c := range got {
		if k := c.header.Get(webhook.IdempotencyKeyHeader); k != "app-9/5/1" {
			t.Errorf("attempt %d: Idempotency-Key %q", i+1, k)
		}
		if !bytes.Equal(c.body, got[0].body) {
			t.Errorf("attempt %d: body differs from the first", i+1)
		}
		if _, err := webhook.Verify(c.request(), jwks); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
	}
}

func TestRetriesAreBounded(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	for _, tc := range []struct {
		name      string
		answers   []answer
		opts      []webhook.Option
		attempts  int
		status    int
		final     bool
		slept     []time.Duration
		keyRandom bool
	}{
		{"5xx until attempts run out", []answer{{500, ""}, {502, ""}, {503, ""}, {504, ""}}, nil, 4, 504, false,
			[]time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}, false},
		{"backoff capped", []answer{{500, ""}, {500, ""}, {500, ""}},
			[]webhook.Option{webhook.WithMaxAttempts(3), webhook.WithBackoff(4*time.Second, 5*time.Second)}, 3, 500, false,
			[]time.Duration{3 * time.Second, 3750 * time.Millisecond}, false},
		{"400 is final", []answer{{400, ""}}, nil, 1, 400, true, nil, false},
		{"404 is final", []answer{{404, ""}}, nil, 1, 404, true, nil, false},
		{"401 is final", []answer{{401, "1"}}, nil, 1, 401, true, nil, false},
		{"Retry-After longer than the cap", []answer{{503, "120"}}, nil, 1, 503, false, nil, false},
		{"one attempt", []answer{{503, "1"}}, []webhook.Option{webhook.WithMaxAttempts(1)}, 1, 503, false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEndpoint(t, tc.answers...)
			var sl sleeps
			s := newSender(t, key, e, append([]webhook.Option{webhook.WithSleep(sl.sleep),
				webhook.WithJitter(func() float64 { return 0.5 })}, tc.opts...)...)
			err := s.Notify(context.Background(), approvalRequest())
			var de *webhook.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DeliveryError", err)
			}
			if de.Attempts != tc.attempts || de.Status != tc.status || de.Final != tc.final {
				t.Errorf("Attempts, Status, Final = %d, %d, %v; want %d, %d, %v (%v)",
					de.Attempts, de.Status, de.Final, tc.attempts, tc.status, tc.final, err)
			}
			if len(e.requests()) != tc.attempts {
				t.Errorf("%d requests, want %d", len(e.requests()), tc.attempts)
			}
			if len(sl.d) != len(tc.slept) {
				t.Fatalf("slept %v, want %v", sl.d, tc.slept)
			}
			for i := range tc.slept {
				if sl.d[i] != tc.slept[i] {
					t.Errorf("slept %v, want %v", sl.d, tc.slept)
					break
				}
			}
		})
	}
}

func TestJitterStaysInTheUpperHalf(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	for _, j := range []float64{0, 0.999999} {
		e := newEndpoint(t, answer{500, ""})
		var sl sleeps
		s := newSender(t, key, e, webhook.WithSleep(sl.sleep), webhook.WithJitter(func() float64 { return j }),
			webhook.WithMaxAttempts(2), webhook.WithBackoff(2*time.Second, 10*time.Second))
		if err := s.Notify(context.Background(), approvalRequest()); err != nil {
			t.Fatal(err)
		}
		if len(sl.d) != 1 || sl.d[0] < time.Second || sl.d[0] > 2*time.Second {
			t.Errorf("jitter %v: slept %v, want within [1s, 2s]", j, sl.d)
		}
	}
}

func TestNoAttemptPastTheDeadline(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t, answer{503, "20"})
	var sl sleeps
	s := newSender(t, key, e, webhook.WithSleep(sl.sleep), webhook.WithClock(time.Now))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Notify(ctx, approvalRequest())
	var de *webhook.DeliveryError
	if !errors.As(err, &de) || de.Attempts != 1 || de.RetryAfter != 20*time.Second {
		t.Fatalf("err = %v", err)
	}
	if len(sl.d) != 0 {
		t.Errorf("slept %v into the deadline", sl.d)
	}
}

func TestKeyWithoutIDIsStableAcrossRetries(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t, answer{503, "1"})
	var sl sleeps
	s := newSender(t, key, e, webhook.WithSleep(sl.sleep))
	m := approvalRequest()
	m.ID = ""
	m.Kind, m.Code = onboarding.MessageHFRIntimation, "ABCDEFGHJKMNPQRS" // a code: a random key
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := e.requests()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	k1, k2 := got[0].header.Get(webhook.IdempotencyKeyHeader), got[1].header.Get(webhook.IdempotencyKeyHeader)
	if k1 == "" || k1 != k2 || !strings.HasPrefix(k1, "rand:") {
		t.Errorf("keys %q, %q", k1, k2)
	}
}

func TestFailuresSayNoSecrets(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// An endpoint that is gone, with a token in its URL.
	gone := httptest.NewTLSServer(http.NotFoundHandler())
	url, client := gone.URL, gone.Client()
	gone.Close()
	s, err := webhook.New(key, func(context.Context, string) (string, error) { return url + "/hook?token=tok-SECRET", nil },
		webhook.WithClient(client), webhook.WithLogger(log), webhook.WithSleep((&sleeps{}).sleep))
	if err != nil {
		t.Fatal(err)
	}
	m := approvalRequest()
	m.Kind, m.Code = onboarding.MessageOTP, "493817"
	m.To = "admin@hospital.example"
	err = s.Notify(context.Background(), m)
	var de *webhook.DeliveryError
	if !errors.As(err, &de) || de.Status != 0 || de.Attempts != webhook.DefaultMaxAttempts {
		t.Fatalf("err = %v", err)
	}
	// The cause too: a caller that logs the chain (errors.Unwrap, %+v of
	// a wrapper) must not find the URL that *url.Error repeats.
	cause := errors.Unwrap(err)
	if cause == nil {
		t.Fatal("no cause")
	}
	for _, secret := range []string{"tok-SECRET", "493817", "Sanjeevani", "admin@hospital.example", strings.TrimPrefix(url, "https://")} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error carries %q: %v", secret, err)
		}
		if secret != strings.TrimPrefix(url, "https://") && strings.Contains(cause.Error(), secret) {
			t.Errorf("cause carries %q: %v", secret, cause)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log carries %q:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "webhook: attempt failed") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestEndpointRefusals(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	for _, tc := range []struct {
		name    string
		resolve webhook.EndpointFunc
	}{
		{"none", func(context.Context, string) (string, error) {
			return "", errors.Join(webhook.ErrNoEndpoint, errors.New("not in the registry"))
		}},
		{"http", func(context.Context, string) (string, error) { return "http://payer.example/hook", nil }},
		{"user information", func(context.Context, string) (string, error) { return "https://u:p@payer.example/hook", nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := webhook.New(key, tc.resolve)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Notify(context.Background(), approvalRequest())
			var de *webhook.DeliveryError
			if !errors.As(err, &de) || !de.Final || !errors.Is(err, webhook.ErrNoEndpoint) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// Without WithClient the Sender fetches through safefetch: an endpoint on
// loopback (or a private network) is never contacted.
func TestDefaultClientRefusesInternalEndpoints(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	e := newEndpoint(t)
	s, err := webhook.New(key, func(context.Context, string) (string, error) { return e.URL + "/hooks/hcx", nil },
		webhook.WithSleep((&sleeps{}).sleep))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(context.Background(), approvalRequest()); err == nil {
		t.Fatal("delivered to a loopback endpoint")
	}
	if n := len(e.requests()); n != 0 {
		t.Fatalf("the loopback endpoint received %d requests", n)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	resolve := func(context.Context, string) (string, error) { return "https://payer.example/hook", nil }
	noKid, _ := signingKey(t, jwa.EdDSA, "")
	_ = noKid.Remove(jwk.KeyIDKey)
	_, pub := signingKey(t, jwa.EdDSA, "k1")
	pubKey, _ := pub.Key(0)
	hmacKey, _ := jwk.FromRaw([]byte("a shared secret that is long enough for HS256"))
	_ = hmacKey.Set(jwk.KeyIDKey, "h")
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallKey, _ := jwk.FromRaw(small)
	_ = smallKey.Set(jwk.KeyIDKey, "r")
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384Key, _ := jwk.FromRaw(p384)
	_ = p384Key.Set(jwk.KeyIDKey, "p")
	wrongAlg, _ := signingKey(t, jwa.EdDSA, "w")
	_ = wrongAlg.Set(jwk.AlgorithmKey, jwa.RS256)
	for name, key := range map[string]jwk.Key{"no kid": noKid, "public key": pubKey, "HMAC": hmacKey,
		"RSA 1024": smallKey, "P-384": p384Key, "alg not the key's": wrongAlg} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := webhook.New(key, resolve); !errors.Is(err, webhook.ErrInvalidOption) {
				t.Errorf("err = %v", err)
			}
		})
	}
	good, _ := signingKey(t, jwa.EdDSA, "k1")
	if _, err := webhook.New(good, nil); !errors.Is(err, webhook.ErrInvalidOption) {
		t.Errorf("nil EndpointFunc: %v", err)
	}
	if _, err := webhook.New(good, resolve, webhook.WithMaxAttempts(0)); !errors.Is(err, webhook.ErrInvalidOption) {
		t.Errorf("0 attempts: %v", err)
	}
}
