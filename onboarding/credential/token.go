package credential

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard"
)

const (
	// DefaultTokenTTL is an access token's lifetime unless WithTTL says
	// otherwise.
	DefaultTokenTTL = time.Hour
	// MaxTokenTTL caps WithTTL; Verify also refuses any token whose exp is
	// further than this from its iat (a millisecond exp, say).
	MaxTokenTTL = 24 * time.Hour
	// DefaultIssuer is the iss of tokens unless WithIssuer says otherwise.
	DefaultIssuer = "hcx"
	// MaxLeeway caps WithLeeway.
	MaxLeeway = 5 * time.Minute
	// MaxTokenSize is the longest token Verify reads; longer input is
	// refused before any decoding.
	MaxTokenSize = 8 << 10
	// maxParticipantCode bounds the participant code a token carries.
	maxParticipantCode = 256
)

// Tokens issues and verifies the participants' access tokens: compact
// JWS-signed JWTs (RFC 7519), signed with the operator's key. A Tokens is
// immutable once built and safe for concurrent use.
//
// Tokens are built directly from the jwx signing primitives rather than
// through jwt.Sign and jwt.Parse: the header is fixed per key and encoded
// once, the claims are a fixed set, and verification picks the key by kid
// and insists that the header's alg is that key's algorithm. That keeps
// issue and verify within a small factor of the bare signature operations
// and leaves no algorithm choice to the token.
type Tokens struct {
	issuer   string
	audience []string
	ttl      time.Duration
	leeway   time.Duration
	now      func() time.Time
	rand     io.Reader
	previous []jwk.Key
	profile  Profile

	current *verifyKey
	signKey crypto.Signer
	signer  jws.Signer
	keys    map[string]*verifyKey // by kid: current and previous
	ordered []*verifyKey          // current first, for JWKS

	header       string // base64url of the fixed JOSE header, then "."
	claimsPrefix []byte // `{"iss":…,"aud":[…],` shared by every token
	jwksJSON     []byte
	jwksETag     string

	signatures verifiedSignatures
}

// verifiedSignatures remembers the tokens whose signature verified, by the
// SHA-256 of the whole token, with their decoded claims, so that a
// participant's token, sent with every API call, costs its signature check
// and its decoding once: verifying an Ed25519 or RSA signature costs more
// than the rest of a lookup by code, and decoding the header and the
// claims about as much as the lookup. The claims themselves — issuer,
// audience, subject, roles and the times — are checked on every call. A
// Tokens' keys never change, and a token's bytes name its key (kid) and
// hold its signature, so a token that verified once verifies again and
// decodes to the same claims; only a verified token is remembered.
type verifiedSignatures struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]*wireClaims // never changed once stored
}

// maxVerifiedSignatures bounds the remembered tokens (a few hundred bytes
// each); when it is reached the memory starts over.
const maxVerifiedSignatures = 1 << 14

// get returns the decoded claims of a remembered token.
func (v *verifiedSignatures) get(h [sha256.Size]byte) (*wireClaims, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	wc, ok := v.seen[h]
	return wc, ok
}

func (v *verifiedSignatures) has(h [sha256.Size]byte) bool {
	_, ok := v.get(h)
	return ok
}

// add remembers a verified token's decoded claims, which nobody may change
// afterwards.
func (v *verifiedSignatures) add(h [sha256.Size]byte, wc *wireClaims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen == nil || len(v.seen) >= maxVerifiedSignatures {
		v.seen = make(map[[sha256.Size]byte]*wireClaims)
	}
	v.seen[h] = wc
}

// Token is an issued access token.
type Token struct {
	// Value is the compact JWS to send as "Authorization: Bearer <Value>".
	Value string
	// ID is the token's jti.
	ID string
	// IssuedAt and ExpiresAt are the iat and exp claims, whole seconds.
	IssuedAt, ExpiresAt time.Time
}

// redactedToken stands for a token's value wherever a Token is printed or
// logged whole.
const redactedToken = "[REDACTED]"

// String prints the token without its value, which lets whoever holds it
// act as the participant until it expires, so that a caller who prints or
// wraps a Token whole (%v, %+v, %s) does not write it to a log. Read the
// Value field to hand it over.
func (t Token) String() string {
	return fmt.Sprintf("{Value:%s ID:%s IssuedAt:%s ExpiresAt:%s}", redactedToken, t.ID,
		t.IssuedAt.Format(time.RFC3339), t.ExpiresAt.Format(time.RFC3339))
}

// GoString is String for %#v.
func (t Token) GoString() string { return "credential.Token" + t.String() }

// LogValue logs the token without its value.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("value", redactedToken),
		slog.String("id", t.ID),
		slog.Time("issued_at", t.IssuedAt),
		slog.Time("expires_at", t.ExpiresAt),
	)
}

// TokenClaims are the claims of a verified token.
type TokenClaims struct {
	Issuer, Subject, ID string
	Audience            []string
	// IssuedAt and ExpiresAt are whole seconds, as carried in the token.
	IssuedAt, ExpiresAt time.Time
	// ParticipantCode is the participant_code claim. It equals Subject,
	// except under ProfilePlatform, whose sub is OwnerID(ParticipantCode).
	ParticipantCode string
	// Roles are realm_access.participant_roles.
	Roles []hcxonboard.Role
}

// WithIssuer sets the iss claim tokens carry and Verify requires (default
// DefaultIssuer, "hcx"). Use the HCX's own participant code or URL.
func WithIssuer(iss string) TokenOption {
	return tokenOption(func(t *Tokens) error {
		if err := checkClaimString("issuer", iss); err != nil {
			return err
		}
		t.issuer = iss
		return nil
	})
}

// WithAudience sets the aud claim: tokens carry every audience given, and
// Verify accepts a token naming at least one of them. The default is the
// issuer: the HCX issues tokens for its own APIs.
func WithAudience(aud ...string) TokenOption {
	return tokenOption(func(t *Tokens) error {
		if len(aud) == 0 {
			return fmt.Errorf("%w: no audience given", ErrInvalidOption)
		}
		for _, a := range aud {
			if err := checkClaimString("audience", a); err != nil {
				return err
			}
		}
		t.audience = append([]string(nil), aud...)
		return nil
	})
}

// WithLeeway allows for clock drift between replicas when Verify checks
// exp, iat and nbf: from 0 (the default) to MaxLeeway.
func WithLeeway(d time.Duration) TokenOption {
	return tokenOption(func(t *Tokens) error {
		if d < 0 || d > MaxLeeway {
			return fmt.Errorf("%w: leeway %v must be between 0 and %v", ErrInvalidOption, d, MaxLeeway)
		}
		t.leeway = d
		return nil
	})
}

// WithPreviousKeys adds keys Verify still trusts after a key rotation
// (tokens signed with them stay valid until they expire) and JWKS still
// publishes. They never sign. Each may be a private or a public key, under
// the same rules as the signing key; every kid must be distinct. Repeated
// use adds to the list.
func WithPreviousKeys(keys ...jwk.Key) TokenOption {
	return tokenOption(func(t *Tokens) error {
		t.previous = append(t.previous, keys...)
		return nil
	})
}

func checkClaimString(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidOption, what)
	}
	if len(s) > 256 || !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		return fmt.Errorf("%w: %s %q must be up to 256 characters of printable UTF-8", ErrInvalidOption, what, printable(s))
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// NewTokens returns a Tokens that signs with key, a private JWK: Ed25519
// signs with EdDSA (the default choice), RSA of at least 2048 bits with
// RS256 (what existing HCX gateways expect). Any other key, HMAC keys above
// all, is refused with ErrUnsupportedKey. A key with an alg member must
// name that algorithm. The kid is the key's own or, without one, its RFC
// 7638 SHA-256 thumbprint. key is not modified.
func NewTokens(key jwk.Key, opts ...TokenOption) (*Tokens, error) {
	t := &Tokens{
		issuer: DefaultIssuer,
		ttl:    DefaultTokenTTL,
		now:    time.Now,
		rand:   newLockedReader(nil),
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil TokenOption", ErrInvalidOption)
		}
		if err := opt.applyTokens(t); err != nil {
			return nil, err
		}
	}
	if t.audience == nil {
		t.audience = []string{t.issuer}
	}
	if t.profile == "" {
		t.profile = ProfileOwn
	}

	cur, priv, err := loadKey(key, true)
	if err != nil {
		return nil, err
	}
	if t.profile.RS256Only() && cur.alg != jwa.RS256 {
		return nil, fmt.Errorf("%w: profile %s signs with RS256 only; give an RSA key of at least %d bits", ErrUnsupportedKey, t.profile, MinRSABits)
	}
	if t.signer, err = jws.NewSigner(cur.alg); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	t.current, t.signKey = cur, priv
	t.keys = map[string]*verifyKey{cur.kid: cur}
	t.ordered = []*verifyKey{cur}
	for i, k := range t.previous {
		vk, _, err := loadKey(k, false)
		if err != nil {
			return nil, fmt.Errorf("previous key %d: %w", i, err)
		}
		if _, dup := t.keys[vk.kid]; dup {
			return nil, fmt.Errorf("%w: previous key %d: kid %q is already in use", ErrInvalidOption, i, printable(vk.kid))
		}
		t.keys[vk.kid] = vk
		t.ordered = append(t.ordered, vk)
	}
	t.previous = nil

	hdr, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}{cur.alg.String(), cur.kid, "JWT"})
	if err != nil {
		return nil, fmt.Errorf("credential: encode header: %w", err)
	}
	t.header = b64.EncodeToString(hdr) + "."

	p := []byte(`{"iss":`)
	p = appendJSONString(p, t.issuer)
	p = append(p, `,"aud":[`...)
	for i, a := range t.audience {
		if i > 0 {
			p = append(p, ',')
		}
		p = appendJSONString(p, a)
	}
	t.claimsPrefix = append(p, "],"...)

	if err := t.buildJWKS(); err != nil {
		return nil, err
	}
	return t, nil
}

var errNotBuilt = fmt.Errorf("%w: Tokens not built with NewTokens", ErrInvalidOption)

// KeyID returns the kid of the signing key.
func (t *Tokens) KeyID() string {
	if t == nil || t.current == nil {
		return ""
	}
	return t.current.kid
}

// Leeway is the clock drift between replicas that Verify allows
// (WithLeeway).
func (t *Tokens) Leeway() time.Duration {
	if t == nil {
		return 0
	}
	return t.leeway
}

// Algorithm returns the signing algorithm: EdDSA or RS256.
func (t *Tokens) Algorithm() jwa.SignatureAlgorithm {
	if t == nil || t.current == nil {
		return ""
	}
	return t.current.alg
}

// Issue signs an access token for a participant: iss, sub (the participant
// code), aud, iat, exp (NumericDate, whole seconds per RFC 7519), jti (a
// random UUID), participant_code and realm_access.participant_roles. The
// header is {"alg","kid","typ":"JWT"}.
func (t *Tokens) Issue(participantCode string, roles []hcxonboard.Role) (Token, error) {
	if t == nil || t.current == nil {
		return Token{}, errNotBuilt
	}
	if participantCode == "" {
		return Token{}, fmt.Errorf("%w: empty participant code", ErrInvalidArgument)
	}
	if len(participantCode) > maxParticipantCode || !utf8.ValidString(participantCode) ||
		strings.ContainsFunc(participantCode, isControl) {
		return Token{}, fmt.Errorf("%w: participant code %q must be up to %d characters of printable UTF-8",
			ErrInvalidArgument, printable(participantCode), maxParticipantCode)
	}
	if len(roles) == 0 {
		return Token{}, fmt.Errorf("%w: no roles", ErrInvalidArgument)
	}
	for _, r := range roles {
		if !r.Valid() {
			return Token{}, fmt.Errorf("%w: role %q: %w", ErrInvalidArgument, printable(string(r)), hcxonboard.ErrUnknownRole)
		}
	}
	id, err := uuid.NewRandomFromReader(t.rand)
	if err != nil {
		return Token{}, fmt.Errorf("credential: token id: %w", err)
	}
	jti := id.String()
	iat := t.now().Unix()
	exp := iat + int64(t.ttl/time.Second)

	// The claims are small; one scratch buffer holds them, then the token.
	p := make([]byte, 0, 384)
	p = append(p, t.claimsPrefix...)
	p = append(p, `"sub":`...)
	if t.profile == ProfilePlatform {
		p = appendJSONString(p, OwnerID(participantCode))
	} else {
		p = appendJSONString(p, participantCode)
	}
	p = append(p, `,"iat":`...)
	p = strconv.AppendInt(p, iat, 10)
	p = append(p, `,"exp":`...)
	p = strconv.AppendInt(p, exp, 10)
	p = append(p, `,"jti":"`...)
	p = append(p, jti...)
	p = append(p, `","participant_code":`...)
	p = appendJSONString(p, participantCode)
	roleList := func(p []byte) []byte {
		p = append(p, '[')
		for i, r := range roles {
			if i > 0 {
				p = append(p, ',')
			}
			p = appendJSONString(p, t.profile.RoleName(r))
		}
		return append(p, ']')
	}
	switch t.profile {
	case ProfileSpec, ProfilePlatform, ProfileNHCX:
		p = append(p, `,"user_id":`...)
		p = appendJSONString(p, participantCode)
		if t.profile == ProfilePlatform {
			p = append(p, `,"entity":["`+entityOrganisation+`"],"realm_access":{"roles":`...)
			p = roleList(p)
			p = append(p, ',')
		} else {
			p = append(p, `,"realm_access":{`...)
		}
		p = append(p, `"participant_roles":`...)
		p = roleList(p)
		p = append(p, `,"user_roles":["`+adminRole+`"]}}`...)
	default:
		p = append(p, `,"realm_access":{"participant_roles":`...)
		p = roleList(p)
		p = append(p, "}}"...)
	}

	sigLen := b64.EncodedLen(512) // RSA-4096 signatures; Ed25519 needs 86
	buf := make([]byte, 0, len(t.header)+b64.EncodedLen(len(p))+1+sigLen)
	buf = append(buf, t.header...)
	buf = b64.AppendEncode(buf, p)
	sig, err := t.signer.Sign(buf, t.signKey)
	if err != nil {
		return Token{}, fmt.Errorf("credential: sign token: %w", err)
	}
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, sig)
	return Token{
		Value:     string(buf),
		ID:        jti,
		IssuedAt:  time.Unix(iat, 0).UTC(),
		ExpiresAt: time.Unix(exp, 0).UTC(),
	}, nil
}

// appendJSONString appends s as a JSON string. Inputs are checked to be
// valid UTF-8 first; quotes, backslashes and control characters are escaped.
//
// So are '>', '?', '~' and every character beyond ASCII (as \uXXXX, a
// surrogate pair above U+FFFF): those are the only characters whose bytes
// put a 62 or a 63 into the base64 of a JSON text, that is '-' or '_' into
// its base64url. Without them a token's payload reads the same in the
// standard alphabet, which the reference platform's gateway decodes it
// with (Java's basic decoder, which refuses '-' and '_'), and the claims
// are the same JSON.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	escape := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == 0x7f || r == '>' || r == '?' || r == '~':
			b = escape(b, r)
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		default:
			// One \uXXXX in the Basic Multilingual Plane, a surrogate
			// pair above it. An invalid byte (never, for checked input)
			// is U+FFFD, as range reads it.
			r1, r2 := utf16.EncodeRune(r)
			if r1 == utf8.RuneError {
				b = escape(b, r)
				continue
			}
			b = escape(escape(b, r1), r2)
		}
	}
	return append(b, '"')
}

// VerifyOption adjusts one Verify call.
type VerifyOption func(*verifyConfig)

type verifyConfig struct {
	notIssuedBefore time.Time
}

// NotIssuedBefore refuses tokens issued before t: after a compromise
// report at t, every token obtained with the leaked secret must die with
// it. iat has whole seconds, so a token issued in the same second as the
// report, before or after it, is refused too: the check fails closed and
// the participant asks again a second later. Given several times, the
// latest t wins.
func NotIssuedBefore(t time.Time) VerifyOption {
	return func(c *verifyConfig) {
		if t.After(c.notIssuedBefore) {
			c.notIssuedBefore = t
		}
	}
}

// IssuedBefore reports whether c was issued before t, by the same rule as
// NotIssuedBefore: iat has whole seconds, so a token issued in the second
// of t counts as issued before t (unless t falls exactly on that second).
// Nil claims count as issued before anything.
func IssuedBefore(c *TokenClaims, t time.Time) bool {
	return c == nil || c.IssuedAt.Before(t)
}

type tokenHeader struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Typ  string          `json:"typ"`
	Crit json.RawMessage `json:"crit"`
}

type wireClaims struct {
	Iss             string   `json:"iss"`
	Sub             string   `json:"sub"`
	Aud             audience `json:"aud"`
	Iat             *int64   `json:"iat"`
	Exp             *int64   `json:"exp"`
	Nbf             *int64   `json:"nbf"`
	Jti             string   `json:"jti"`
	ParticipantCode string   `json:"participant_code"`
	UserID          string   `json:"user_id"`
	Entity          []string `json:"entity"`
	RealmAccess     struct {
		ParticipantRoles []hcxonboard.Role `json:"participant_roles"`
		Roles            []hcxonboard.Role `json:"roles"`
		UserRoles        []string          `json:"user_roles"`
	} `json:"realm_access"`
}

// audience decodes aud in either RFC 7519 form: one string or an array.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = audience{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*a = l
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidToken}, args...)...)
}

// Verify checks an access token and returns its claims. It accepts only
// tokens whose kid names one of this Tokens' keys (current or previous)
// and whose alg is that key's algorithm, so alg "none", HMAC (whatever it
// is keyed with) and a key the token brings along are all refused. Then
// the signature, iss, aud (at least one configured audience), iat, exp
// (with the WithLeeway allowance), nbf when present, a lifetime of at most
// MaxTokenTTL, and the presence of sub, jti, participant_code (equal to
// sub) and valid participant roles.
//
// Every refusal wraps ErrInvalidToken with the reason; an expired token
// also wraps ErrTokenExpired. Errors never quote the token.
func (t *Tokens) Verify(ctx context.Context, token string, opts ...VerifyOption) (*TokenClaims, error) {
	if t == nil || t.current == nil {
		return nil, errNotBuilt
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var cfg verifyConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if token == "" {
		return nil, invalid("empty token")
	}
	if len(token) > MaxTokenSize {
		return nil, invalid("token is over %d bytes", MaxTokenSize)
	}
	dot1 := strings.IndexByte(token, '.')
	dot2 := strings.LastIndexByte(token, '.')
	if dot1 < 0 || dot1 == dot2 || strings.IndexByte(token[dot1+1:dot2], '.') >= 0 {
		return nil, invalid("not a compact JWS of three parts")
	}
	if dot2 == len(token)-1 {
		return nil, invalid("no signature")
	}
	h := sha256.Sum256([]byte(token))
	if wc, ok := t.signatures.get(h); ok {
		return t.checkClaims(wc, &cfg)
	}

	var hdr tokenHeader
	if err := decodePart(token[:dot1], &hdr); err != nil {
		return nil, invalid("header: %v", err)
	}
	switch {
	case strings.EqualFold(hdr.Alg, "none"):
		return nil, invalid(`alg "none" is never accepted`)
	case strings.HasPrefix(strings.ToUpper(hdr.Alg), "HS"):
		return nil, invalid("HMAC algorithms are never accepted")
	case hdr.Kid == "":
		return nil, invalid("header has no kid")
	}
	key, ok := t.keys[hdr.Kid]
	if !ok {
		return nil, invalid("unknown kid %q", printable(hdr.Kid))
	}
	if hdr.Alg != key.alg.String() {
		return nil, invalid("alg %q does not match key %q (%s)", printable(hdr.Alg), key.kid, key.alg)
	}
	if !strings.EqualFold(hdr.Typ, "JWT") {
		return nil, invalid("typ %q, want JWT", printable(hdr.Typ))
	}
	if hdr.Crit != nil {
		return nil, invalid("crit header extensions are not supported")
	}
	sig, err := b64.DecodeString(token[dot2+1:])
	if err != nil {
		return nil, invalid("signature is not base64url")
	}
	if err := key.verifier.Verify([]byte(token[:dot2]), sig, key.pub); err != nil {
		return nil, invalid("signature does not verify with key %q", key.kid)
	}

	wc := new(wireClaims)
	if err := decodePart(token[dot1+1:dot2], wc); err != nil {
		return nil, invalid("claims: %v", err)
	}
	t.signatures.add(h, wc)
	return t.checkClaims(wc, &cfg)
}

func (t *Tokens) checkClaims(wc *wireClaims, cfg *verifyConfig) (*TokenClaims, error) {
	switch {
	case wc.Iss != t.issuer:
		return nil, invalid("issuer %q, want %q", printable(wc.Iss), t.issuer)
	case !t.audienceMatches(wc.Aud):
		return nil, invalid("audience %q names none of %q", []string(wc.Aud), t.audience)
	case wc.Sub == "":
		return nil, invalid("no sub")
	case wc.ParticipantCode == "":
		return nil, invalid("no participant_code")
	case t.profile != ProfilePlatform && wc.ParticipantCode != wc.Sub:
		return nil, invalid("participant_code differs from sub")
	case t.profile == ProfilePlatform && wc.Sub != OwnerID(wc.ParticipantCode):
		return nil, invalid("sub is not the owner id of participant_code")
	case wc.Jti == "":
		return nil, invalid("no jti")
	case wc.Iat == nil:
		return nil, invalid("no iat")
	case wc.Exp == nil:
		return nil, invalid("no exp")
	case len(wc.RealmAccess.ParticipantRoles) == 0:
		return nil, invalid("no realm_access.participant_roles")
	}
	if err := t.checkProfileClaims(wc); err != nil {
		return nil, err
	}
	iat, exp := *wc.Iat, *wc.Exp
	if iat <= 0 || exp <= iat || exp-iat > int64(MaxTokenTTL/time.Second) {
		return nil, invalid("iat %d and exp %d do not make a lifetime of at most %v in seconds", iat, exp, MaxTokenTTL)
	}
	now := t.now()
	issuedAt, expiresAt := time.Unix(iat, 0).UTC(), time.Unix(exp, 0).UTC()
	if !now.Before(expiresAt.Add(t.leeway)) {
		return nil, fmt.Errorf("%w: %w: at %s", ErrInvalidToken, ErrTokenExpired, expiresAt.Format(time.RFC3339))
	}
	if issuedAt.After(now.Add(t.leeway)) {
		return nil, invalid("issued in the future (%s)", issuedAt.Format(time.RFC3339))
	}
	if wc.Nbf != nil && time.Unix(*wc.Nbf, 0).After(now.Add(t.leeway)) {
		return nil, invalid("not valid before %s", time.Unix(*wc.Nbf, 0).UTC().Format(time.RFC3339))
	}
	if !cfg.notIssuedBefore.IsZero() && issuedAt.Before(cfg.notIssuedBefore) {
		return nil, invalid("issued at %s, before %s", issuedAt.Format(time.RFC3339),
			cfg.notIssuedBefore.UTC().Format(time.RFC3339Nano))
	}
	return &TokenClaims{
		Issuer:          wc.Iss,
		Subject:         wc.Sub,
		ID:              wc.Jti,
		Audience:        slices.Clone([]string(wc.Aud)), // wc may be remembered: the caller gets copies
		IssuedAt:        issuedAt,
		ExpiresAt:       expiresAt,
		ParticipantCode: wc.ParticipantCode,
		Roles:           slices.Clone(wc.RealmAccess.ParticipantRoles),
	}, nil
}

// checkProfileClaims requires the claims the profile's tokens carry, so
// that a token of another shape, signed by the same key, is refused.
func (t *Tokens) checkProfileClaims(wc *wireClaims) error {
	if t.profile == ProfileOwn {
		// The other profiles' claims mark their tokens: one issued under
		// another profile, with the same key, issuer and audience, is
		// not this profile's.
		if wc.UserID != "" || len(wc.Entity) > 0 || wc.RealmAccess.UserRoles != nil || wc.RealmAccess.Roles != nil {
			return invalid("the token has another profile's claims (user_id, entity, realm_access.roles or user_roles)")
		}
		return nil
	}
	switch {
	case wc.UserID != wc.ParticipantCode:
		return invalid("user_id is not the participant")
	case !slices.Contains(wc.RealmAccess.UserRoles, adminRole):
		return invalid("realm_access.user_roles lacks %q", adminRole)
	}
	if t.profile == ProfilePlatform {
		switch {
		case len(wc.Entity) == 0 || wc.Entity[0] != entityOrganisation:
			return invalid("entity is not [%q]", entityOrganisation)
		case !slices.Equal(wc.RealmAccess.Roles, wc.RealmAccess.ParticipantRoles):
			return invalid("realm_access.roles differ from realm_access.participant_roles")
		}
	}
	return nil
}

func (t *Tokens) audienceMatches(aud []string) bool {
	for _, a := range aud {
		for _, want := range t.audience {
			if a == want {
				return true
			}
		}
	}
	return false
}

// decodePart decodes one base64url JSON part of a compact JWS into v.
func decodePart(part string, v any) error {
	raw, err := b64.DecodeString(part)
	if err != nil {
		return fmt.Errorf("not base64url")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("not a JSON object of the expected shape: %v", err)
	}
	return nil
}
