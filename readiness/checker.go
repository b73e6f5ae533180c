package readiness

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/openhcx/hcxonboard/internal/textclip"
)

// Checker runs the operator's readiness checks against participants'
// endpoints. It is safe for concurrent use; build one with New and share
// it.
type Checker struct {
	signer crypto.Signer
	kid    string
	alg    jwa.SignatureAlgorithm
	pub    jwk.Key
	issuer string

	fetch *http.Client // certificate URLs, as the caller's client does
	post  *http.Client // the challenge: redirects are not followed

	timeout   time.Duration
	retries   int
	retryWait time.Duration
	ttl       time.Duration
	keyAlg    jwa.KeyEncryptionAlgorithm
	clock     func() time.Time

	randMu sync.Mutex
	rand   io.Reader
}

// Target is what is checked: a participant's registered endpoint and
// certificates, as the registry holds them.
type Target struct {
	// ParticipantCode is the challenge's aud: the handler must be
	// configured for it.
	ParticipantCode string `json:"participant_code"`
	// EndpointURL is the registered endpoint_url; the challenge goes to
	// EndpointURL + Path.
	EndpointURL string `json:"endpoint_url"`
	// EncryptionCert is the registered encryption_cert: a PEM
	// certificate, its base64 (the NHCX form), or an https URL to one,
	// fetched through the Checker's client as counterparties would.
	EncryptionCert string `json:"encryption_cert"`
	// SigningCert is the registered signing certificate
	// (signing_cert_path), in the same forms; empty skips signing_key.
	SigningCert string `json:"signing_cert_path,omitempty"`
}

// New returns a Checker. WithSigner, WithIssuer and WithHTTPClient are
// required; the rest default as their documentation says.
func New(opts ...Option) (*Checker, error) {
	c := &Checker{
		timeout:   DefaultTimeout,
		retries:   DefaultRetries,
		retryWait: DefaultRetryWait,
		ttl:       DefaultChallengeTTL,
		keyAlg:    jwa.RSA_OAEP_256,
		clock:     time.Now,
		rand:      rand.Reader,
	}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	switch {
	case c.signer == nil:
		return nil, fmt.Errorf("%w: WithSigner is required: the operator's key that signs challenges", ErrInvalidOption)
	case c.issuer == "":
		return nil, fmt.Errorf("%w: WithIssuer is required: the operator's id, the challenges' iss", ErrInvalidOption)
	case c.post == nil:
		return nil, fmt.Errorf("%w: WithHTTPClient is required: the operator's SSRF-safe client, (*safefetch.Fetcher).Client()", ErrInvalidOption)
	}
	return c, nil
}

// Issuer returns the challenges' iss.
func (c *Checker) Issuer() string { return c.issuer }

// KeyID returns the kid of the key that signs challenges.
func (c *Checker) KeyID() string { return c.kid }

// MaxDuration bounds how long one Check can take: the two certificate
// fetches and every attempt, each within the timeout, and the waits
// between attempts. A watchdog can allow a check this long before it
// calls the caller stuck.
func (c *Checker) MaxDuration() time.Duration {
	d := time.Duration(2+c.retries+1) * c.timeout
	for n := 1; n <= c.retries; n++ {
		d += backoff(c.retryWait, n)
	}
	return d
}

// JWKS returns the public key challenges are verified with (kid, alg, use
// "sig"), for the operator to publish where participants' handlers fetch
// it. A fresh copy.
func (c *Checker) JWKS() jwk.Set {
	set := jwk.NewSet()
	if k, err := c.pub.Clone(); err == nil {
		_ = set.AddKey(k)
	}
	return set
}

// Check runs every check against t and returns the report. It never
// returns an error: every failure, the caller's context ending included,
// is a failed check with a hint. Each attempt sends a challenge with a
// new jti and new nonces, which live only for that attempt: an answer
// counts only if it names that jti and carries those nonces.
func (c *Checker) Check(ctx context.Context, t Target) Report {
	start := c.clock()
	s := &scene{target: t, issuer: c.issuer, kid: c.kid}
	rep := Report{
		ParticipantCode: t.ParticipantCode,
		EndpointURL:     t.EndpointURL,
		Issuer:          c.issuer,
		KeyID:           c.kid,
		CheckedAt:       start.UTC(),
	}
	b := book{}

	u, res := parseEndpoint(s)
	b.set(res)
	if u != nil {
		rep.URL = u.String()
	}

	// The certificates are judged whatever happens to the network, so a
	// report names every problem it can.
	encCert, encRes := c.loadCertificate(ctx, CheckEncryptionKey, t.EncryptionCert)
	sigCert, sigRes := c.loadCertificate(ctx, CheckSigningKey, t.SigningCert)
	if encRes != nil {
		b.set(*encRes)
	}
	if sigRes != nil {
		b.set(*sigRes)
	}

	if u != nil {
		var encKey *rsa.PublicKey
		if encCert != nil {
			encKey, _ = encCert.PublicKey.(*rsa.PublicKey)
		}
		var a *attempt
		for {
			rep.Attempts++
			a = c.exchange(ctx, u, s, encKey)
			if !a.retry || rep.Attempts > c.retries || ctx.Err() != nil {
				break
			}
			if !sleep(ctx, backoff(c.retryWait, rep.Attempts)) {
				break
			}
		}
		rep.ChallengeID = a.jti
		s.jti = a.jti
		for _, r := range a.results {
			b.set(r)
		}
		if a.answer != nil {
			c.judgeAnswer(b, s, a, encCert, sigCert)
		}
	}

	rep.Checks = b.list()
	rep.Ready = len(rep.Failures()) == 0
	rep.DurationMS = since(c.clock, start)
	return rep
}

// book collects results by check; list puts them in report order.
type book map[Check]Result

func (b book) set(r Result) {
	if r.Check != "" {
		b[r.Check] = r
	}
}

func (b book) has(c Check) bool { _, ok := b[c]; return ok }

func (b book) list() []Result {
	out := make([]Result, 0, len(Checks))
	for _, c := range Checks {
		r, ok := b[c]
		if !ok {
			r = Result{Check: c, Outcome: Skipped, Message: "not run: a check it depends on did not pass"}
		}
		out = append(out, r)
	}
	return out
}

// parseEndpoint checks the target's code and URL and returns the URL to
// challenge.
func parseEndpoint(s *scene) (*url.URL, Result) {
	fail := func(msg, hint string) (*url.URL, Result) {
		return nil, Result{Check: CheckEndpointURL, Outcome: Failed, Problem: ProblemInvalidTarget, Message: msg, Hint: hint}
	}
	if s.target.ParticipantCode == "" {
		return fail("no participant code to challenge", "")
	}
	raw := strings.TrimSpace(s.target.EndpointURL)
	if raw == "" {
		return fail("no endpoint_url is registered", "Register the https URL at which your software takes the HCX's calls.")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fail("endpoint_url is not a URL", "Register an absolute https URL, such as https://hcx.hospital.example/api.")
	case u.Scheme == "":
		return fail("endpoint_url has no scheme (https://)", "Register an absolute https URL, such as https://hcx.hospital.example/api.")
	case u.Scheme != "https":
		return fail(fmt.Sprintf("endpoint_url uses %q, not https", clip(u.Scheme)), "The HCX calls participants over https only: serve TLS and register the https URL.")
	case u.Host == "" || u.Hostname() == "":
		return fail("endpoint_url has no host", "Register an absolute https URL, such as https://hcx.hospital.example/api.")
	case ambiguousHost(u):
		return fail(fmt.Sprintf("endpoint_url names its host by an address written in a form that software reads differently (%s); a DNS host name is needed", clip(u.Hostname())),
			"Register the endpoint_url under a DNS name, such as https://hcx.hospital.example/api, that resolves to your endpoint and that its TLS certificate names: "+
				"a host such as 2130706433, 127.1, 0x7f.1 or [::ffff:203.0.113.7] is one address to some software and another name, or another address, to the rest.")
	case u.User != nil:
		return fail("endpoint_url carries user information", "Register the URL without a user name or password.")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return fail("endpoint_url has a query or a fragment", "Register the base URL only; the HCX appends API paths to it.")
	}
	s.host, s.port = u.Hostname(), u.Port()
	if s.port == "" {
		s.port = "443"
	}
	// The path as registered, escapes kept: the HCX appends its API paths
	// to the endpoint_url as it is written, so /tenants%2Fhosp stays that
	// and does not become /tenants/hosp.
	challenge := &url.URL{Scheme: "https", Host: u.Host, Path: strings.TrimSuffix(u.Path, "/") + Path}
	if u.RawPath != "" {
		challenge.RawPath = strings.TrimSuffix(u.RawPath, "/") + Path
	}
	s.url = challenge.String()
	msg := "endpoint_url is an https URL with a DNS host name"
	if _, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		msg = "endpoint_url is an https URL naming its host by IP address; the onboarding engine registers DNS host names only (step 3)"
	}
	return challenge, Result{Check: CheckEndpointURL, Outcome: Passed, Message: msg}
}

// idnaDots are the full stops IDNA reads as label separators.
var idnaDots = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".")

// ambiguousHost reports whether u names its host by an address written in
// a form other software reads differently: an IP address in any form but
// the canonical one (a dotted quad, or an IPv6 address in brackets with
// no zone that is not an IPv4 address in IPv6 dress), or a host that
// other URL parsers and resolvers read as an address — a number with no
// dots (2130706433), hexadecimal or shortened forms (0x7f.1, 127.1),
// full-width digits that IDNA maps to ASCII ones, characters such as "⒈"
// that non-strict IDNA maps to a digit and a dot, trailing dots. Those all
// end in a label that starts with a digit, which no top-level domain
// does; a DNS name may hold digits, and address-like labels, anywhere
// before its last label (203.0.113.7.hospital.example).
//
// A canonical address passes: the check reaches it, and its TLS
// certificate must name that address. Registering one is the engine's
// affair (its step 3 takes DNS names only).
func ambiguousHost(u *url.URL) bool {
	host := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		a, err := netip.ParseAddr(host)
		return err != nil || a.Zone() != "" || !a.Is6() || a.Is4In6() || !strings.EqualFold(a.String(), host)
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() && a.String() == host {
		return false
	}
	// Browsers' and WHATWG URL parsers' IDNA does not apply the STD3
	// rules, so it maps characters whose compatibility form holds a dot or
	// a digit (U+2488 "⒈" to "1.", U+FE52 "﹒" to "."), which strict IDNA
	// refuses; NFKC maps them as they do.
	hosts := []string{host, norm.NFKC.String(host)}
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		hosts = append(hosts, a)
	}
	for _, h := range hosts {
		h = idnaDots.Replace(h)
		h = strings.TrimRight(h, ".")
		if _, err := netip.ParseAddr(h); err == nil {
			return true
		}
		last := h[strings.LastIndexByte(h, '.')+1:]
		if r, _ := utf8.DecodeRuneInString(last); last != "" && unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// token returns n random bytes, base64url.
func (c *Checker) token(n int) (string, error) {
	buf := make([]byte, n)
	c.randMu.Lock()
	_, err := io.ReadFull(c.rand, buf)
	c.randMu.Unlock()
	if err != nil {
		return "", fmt.Errorf("readiness: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// challenge builds one attempt's challenge: fresh jti and nonces, the
// encrypted nonce when there is a key to encrypt to, signed.
func (c *Checker) challenge(a *attempt, code string, enc *rsa.PublicKey) (string, error) {
	var err error
	if a.jti, err = c.token(16); err != nil {
		return "", err
	}
	if a.nonce, err = c.token(32); err != nil {
		return "", err
	}
	now := c.clock()
	claims := ChallengeClaims{
		Issuer:   c.issuer,
		Audience: code,
		IssuedAt: now.Unix(),
		Expiry:   now.Add(c.ttl).Unix(),
		ID:       a.jti,
		Nonce:    a.nonce,
	}
	if enc != nil {
		if a.sealed, err = c.token(32); err != nil {
			return "", err
		}
		if claims.EncryptedNonce, err = c.seal(enc, code, a.jti, a.sealed); err != nil {
			return "", err
		}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("readiness: encode challenge: %w", err)
	}
	h := jws.NewHeaders()
	for k, v := range map[string]any{jws.TypeKey: ChallengeType, jws.KeyIDKey: c.kid} {
		if err := h.Set(k, v); err != nil {
			return "", fmt.Errorf("readiness: challenge header %s: %w", k, err)
		}
	}
	signed, err := jws.Sign(payload, jws.WithKey(c.alg, c.signer, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("readiness: sign challenge: %w", err)
	}
	return string(signed), nil
}

// seal encrypts a SealedNonce to the participant's encryption key as HCX
// messages are encrypted: a compact JWE, RSA-OAEP-256 (or RSA-OAEP) with
// A256GCM, the sender and recipient codes in the protected header.
func (c *Checker) seal(pub *rsa.PublicKey, code, jti, nonce string) (string, error) {
	pt, err := json.Marshal(SealedNonce{Purpose: SealedPurpose, ID: jti, Nonce: nonce})
	if err != nil {
		return "", fmt.Errorf("readiness: encode sealed nonce: %w", err)
	}
	h := jwe.NewHeaders()
	for k, v := range map[string]any{jwe.ContentTypeKey: SealedType, "x-hcx-sender_code": c.issuer, "x-hcx-recipient_code": code} {
		if err := h.Set(k, v); err != nil {
			return "", fmt.Errorf("readiness: JWE header %s: %w", k, err)
		}
	}
	out, err := jwe.Encrypt(pt, jwe.WithKey(c.keyAlg, pub), jwe.WithContentEncryption(jwa.A256GCM),
		jwe.WithProtectedHeaders(h), jwe.WithCompact())
	if err != nil {
		return "", fmt.Errorf("readiness: encrypt nonce: %w", err)
	}
	return string(out), nil
}

// backoff is the wait before retry n (1-based): base, doubled for each
// further retry, capped.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxRetryWait; i++ {
		d *= 2
	}
	return min(d, maxRetryWait)
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// since is the time from start in whole milliseconds.
func since(clock func() time.Time, start time.Time) int64 {
	return max(clock().Sub(start).Milliseconds(), 0)
}

// clip keeps text from outside short, on one line and safe to show
// (textclip.Clip).
func clip(s string) string { return textclip.Clip(s, 200) }
