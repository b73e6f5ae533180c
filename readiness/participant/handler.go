package participant

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard/internal/textclip"
	"github.com/openhcx/hcxonboard/readiness"
)

// Path is where the handler is mounted under the participant's
// endpoint_url: readiness.Path.
const Path = readiness.Path

// Handler answers the operator's readiness challenges. It is an
// http.Handler, safe for concurrent use.
type Handler struct {
	participants map[string]*served
	operators    map[string]KeySource
	leeway       time.Duration
	replay       ReplayCache
	clock        func() time.Time
	log          *slog.Logger
}

var _ http.Handler = (*Handler)(nil)

// served is one participant the handler answers for.
type served struct {
	code string
	keys Keys
	alg  jwa.SignatureAlgorithm // of keys.Signing; "" without one
}

// NewHandler returns a Handler. WithParticipant and WithOperator are
// required.
func NewHandler(opts ...Option) (*Handler, error) {
	h := &Handler{
		participants: make(map[string]*served),
		operators:    make(map[string]KeySource),
		leeway:       DefaultLeeway,
		clock:        time.Now,
		log:          slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := o(h); err != nil {
			return nil, err
		}
	}
	switch {
	case len(h.participants) == 0:
		return nil, fmt.Errorf("%w: WithParticipant is required: the participant code challenges are addressed to, and its keys", ErrInvalidOption)
	case len(h.operators) == 0:
		return nil, fmt.Errorf("%w: WithOperator is required: the operator whose challenges are answered, and its keys", ErrInvalidOption)
	}
	if h.replay == nil {
		h.replay = newMemoryCache(h.clock)
	}
	return h, nil
}

// refusal is a challenge refused, with the status and body to send.
type refusal struct {
	status int
	code   readiness.ErrorCode
	msg    string
}

func (r *refusal) Error() string { return string(r.code) + ": " + r.msg }

func refuse(status int, code readiness.ErrorCode, format string, args ...any) *refusal {
	return &refusal{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// accepted signature algorithms for the operator's challenge: never
// "none", never HMAC.
var accepted = []jwa.SignatureAlgorithm{
	jwa.EdDSA, jwa.ES256, jwa.ES384, jwa.ES512,
	jwa.RS256, jwa.RS384, jwa.RS512, jwa.PS256, jwa.PS384, jwa.PS512,
}

// ServeHTTP answers POST with a readiness.Request body: 200 and a
// readiness.Answer, or a readiness.ErrorBody with the status its code
// names.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.writeError(w, refuse(http.StatusMethodNotAllowed, readiness.CodeBadRequest, "only POST is answered"))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		h.writeError(w, refuse(http.StatusUnsupportedMediaType, readiness.CodeBadRequest, "the body must be application/json"))
		return
	}
	var req readiness.Request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, readiness.MaxBodyBytes))
	if err := dec.Decode(&req); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.writeError(w, refuse(http.StatusRequestEntityTooLarge, readiness.CodeBadRequest, "the body is larger than %d bytes", readiness.MaxBodyBytes))
			return
		}
		h.writeError(w, refuse(http.StatusBadRequest, readiness.CodeBadRequest, "the body is not a readiness request"))
		return
	}
	ans, ref := h.answer(r.Context(), req.Challenge)
	if ref != nil {
		h.writeError(w, ref)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ans)
}

// answer verifies a challenge and builds its answer.
func (h *Handler) answer(ctx context.Context, token string) (*readiness.Answer, *refusal) {
	c, issuer, kid, ref := h.verify(ctx, token)
	if ref != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "readiness: challenge refused",
			slog.String("error", string(ref.code)), slog.String("reason", ref.msg),
			slog.String("iss", clip(issuer)), slog.String("kid", clip(kid)))
		return nil, ref
	}
	p := h.participants[c.Audience]
	ans := &readiness.Answer{ID: c.ID, Nonce: c.Nonce}
	if c.EncryptedNonce != "" {
		ans.DecryptedNonce, ans.DecryptError = open(c.EncryptedNonce, p, c.ID)
	}
	if p.keys.Signing != nil {
		sig, err := h.sign(p, c)
		if err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "readiness: cannot sign the answer", slog.String("jti", c.ID), slog.String("err", err.Error()))
			return nil, refuse(http.StatusInternalServerError, readiness.CodeInternal, "the endpoint could not sign its answer")
		}
		ans.Signature = sig
	}
	h.log.LogAttrs(ctx, slog.LevelInfo, "readiness: challenge answered",
		slog.String("iss", issuer), slog.String("aud", c.Audience), slog.String("jti", c.ID),
		slog.Bool("decrypted", ans.DecryptedNonce != ""), slog.String("decrypt_error", string(ans.DecryptError)),
		slog.Bool("signed", ans.Signature != ""))
	return ans, nil
}

// verify checks the challenge's form, issuer, signature, audience, times
// and novelty, in that order: nothing is said about the claims before the
// signature holds.
func (h *Handler) verify(ctx context.Context, token string) (c readiness.ChallengeClaims, issuer, kid string, _ *refusal) {
	bad := func(format string, args ...any) (readiness.ChallengeClaims, string, string, *refusal) {
		return c, issuer, kid, refuse(http.StatusBadRequest, readiness.CodeBadRequest, format, args...)
	}
	if token == "" || strings.Count(token, ".") != 2 {
		return bad("the challenge is not a compact JWS")
	}
	msg, err := jws.Parse([]byte(token), jws.WithCompact())
	if err != nil || len(msg.Signatures()) != 1 {
		return bad("the challenge is not a compact JWS")
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	kid = hdr.KeyID()
	alg := hdr.Algorithm()
	switch {
	case !readiness.TypeIs(hdr.Type(), readiness.ChallengeType):
		return bad("the challenge's typ is not %q", readiness.ChallengeType)
	case !slices.Contains(accepted, alg):
		return bad("the challenge's alg %q is not accepted", clip(alg.String()))
	case kid == "":
		return bad("the challenge's header has no kid")
	}
	for _, name := range []string{"crit", "b64"} {
		if _, ok := hdr.Get(name); ok {
			return bad("the challenge's header has %s, which is not accepted", name)
		}
	}
	// The issuer picks the key set; it is read before the signature is
	// checked, and trusted only once it is.
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(msg.Payload(), &unverified); err != nil {
		return bad("the challenge's claims are not JSON")
	}
	issuer = unverified.Issuer
	keys, ok := h.operators[issuer]
	if !ok {
		return c, issuer, kid, refuse(http.StatusUnauthorized, readiness.CodeUnknownIssuer, "the issuer %q is not an operator this endpoint trusts", clip(issuer))
	}
	key, err := keys.LookupKey(ctx, kid)
	switch {
	case errors.Is(err, ErrUnknownKey):
		return c, issuer, kid, refuse(http.StatusUnauthorized, readiness.CodeUnknownKey, "the operator %q has no key %q", clip(issuer), clip(kid))
	case err != nil:
		return c, issuer, kid, refuse(http.StatusServiceUnavailable, readiness.CodeKeysUnavailable, "the keys of operator %q could not be loaded", clip(issuer))
	}
	if ref := keyFits(key, alg); ref != nil {
		return c, issuer, kid, ref
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(alg, key))
	if err != nil {
		return c, issuer, kid, refuse(http.StatusUnauthorized, readiness.CodeBadSignature, "the signature does not verify with the key %q of operator %q", clip(kid), clip(issuer))
	}

	dec := json.NewDecoder(strings.NewReader(string(payload)))
	if err := dec.Decode(&c); err != nil {
		return bad("the challenge's claims do not parse")
	}
	switch {
	case c.Issuer != issuer:
		return bad("the challenge's iss changed")
	case c.ID == "" || len(c.ID) > readiness.MaxNonceLength:
		return bad("the challenge's jti is missing or too long")
	case !nonceOK(c.Nonce):
		return bad("the challenge's nonce is missing or malformed")
	case c.IssuedAt <= 0 || c.Expiry <= c.IssuedAt:
		return bad("the challenge's iat and exp are missing or out of order")
	case c.Expiry-c.IssuedAt > int64(readiness.MaxChallengeLifetime/time.Second):
		// In seconds: as a Duration, a lifetime of centuries wraps round
		// to a short one.
		return bad("the challenge lives longer than %v", readiness.MaxChallengeLifetime)
	}
	if _, ok := h.participants[c.Audience]; !ok {
		return c, issuer, kid, refuse(http.StatusForbidden, readiness.CodeWrongAudience,
			"the challenge is for %q; this endpoint answers for %s", clip(c.Audience), h.codes())
	}
	now := h.clock()
	exp := time.Unix(c.Expiry, 0)
	if !now.Before(exp.Add(h.leeway)) { // at the instant itself too: the replay cache forgets it then
		return c, issuer, kid, refuse(http.StatusUnauthorized, readiness.CodeExpired,
			"the challenge expired at %s; this endpoint's clock says %s", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if iat := time.Unix(c.IssuedAt, 0); now.Add(h.leeway).Before(iat) {
		return c, issuer, kid, refuse(http.StatusUnauthorized, readiness.CodeNotYetValid,
			"the challenge is issued at %s, in the future; this endpoint's clock says %s", iat.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	fresh, err := h.replay.Claim(ctx, issuer+"\x00"+c.ID, exp.Add(h.leeway))
	switch {
	case err != nil:
		return c, issuer, kid, refuse(http.StatusInternalServerError, readiness.CodeInternal, "the endpoint's replay cache failed")
	case !fresh:
		return c, issuer, kid, refuse(http.StatusConflict, readiness.CodeReplay, "the challenge %q was answered before", clip(c.ID))
	}
	return c, issuer, kid, nil
}

// keyFits checks a key from the operator's set before use: a public key
// of the header's algorithm, for signatures.
func keyFits(key jwk.Key, alg jwa.SignatureAlgorithm) *refusal {
	unfit := func(why string) *refusal {
		return refuse(http.StatusUnauthorized, readiness.CodeBadSignature, "the operator's key %q %s", clip(key.KeyID()), why)
	}
	if a := key.Algorithm().String(); a != "" && a != alg.String() {
		return unfit(fmt.Sprintf("is for %s, the challenge says %s", clip(a), alg))
	}
	if u := key.KeyUsage(); u != "" && u != string(jwk.ForSignature) {
		return unfit("is not for signatures")
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return unfit("cannot be used")
	}
	if k, ok := raw.(*rsa.PublicKey); ok && k.N.BitLen() < readiness.MinRSABits {
		return unfit(fmt.Sprintf("is an RSA key shorter than %d bits", readiness.MinRSABits))
	}
	return nil
}

// nonceOK reports whether s is a nonce of the protocol's form.
func nonceOK(s string) bool {
	if len(s) < readiness.MinNonceLength || len(s) > readiness.MaxNonceLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// open decrypts the challenge's encrypted nonce. It decrypts only a
// compact JWE of the readiness content type with accepted algorithms,
// and returns the nonce only when the plaintext is this challenge's
// SealedNonce: the handler decrypts nothing else for anyone.
func open(token string, p *served, jti string) (string, readiness.ErrorCode) {
	if strings.Count(token, ".") != 4 {
		return "", readiness.CodeBadRequest
	}
	msg, err := jwe.Parse([]byte(token))
	if err != nil {
		return "", readiness.CodeBadRequest
	}
	ph := msg.ProtectedHeaders()
	alg := ph.Algorithm()
	switch {
	case alg != jwa.RSA_OAEP_256 && alg != jwa.RSA_OAEP,
		ph.ContentEncryption() != jwa.A256GCM,
		ph.Compression() != jwa.NoCompress:
		return "", readiness.CodeUnsupported
	case ph.ContentType() != readiness.SealedType:
		return "", readiness.CodeBadRequest
	}
	pt, err := jwe.Decrypt([]byte(token), jwe.WithKey(alg, oaep{p.keys.Encryption}))
	if err != nil {
		return "", readiness.CodeDecryptFailed
	}
	var sn readiness.SealedNonce
	if err := json.Unmarshal(pt, &sn); err != nil || sn.Purpose != readiness.SealedPurpose || sn.ID != jti || !nonceOK(sn.Nonce) {
		return "", readiness.CodeBadRequest
	}
	return sn.Nonce, ""
}

// sign signs the answer's claims with the participant's signing key.
func (h *Handler) sign(p *served, c readiness.ChallengeClaims) (string, error) {
	payload, err := json.Marshal(readiness.AnswerClaims{
		Issuer:   p.code,
		Audience: c.Issuer,
		IssuedAt: h.clock().Unix(),
		ID:       c.ID,
		Nonce:    c.Nonce,
	})
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.TypeKey, readiness.AnswerType); err != nil {
		return "", err
	}
	out, err := jws.Sign(payload, jws.WithKey(p.alg, p.keys.Signing, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// codes lists the participant codes served, for a wrong_audience
// message (only ever sent to a verified operator).
func (h *Handler) codes() string {
	codes := make([]string, 0, len(h.participants))
	for c := range h.participants {
		codes = append(codes, fmt.Sprintf("%q", c))
	}
	slices.Sort(codes)
	if len(codes) > 5 {
		codes = append(codes[:5], "…")
	}
	return strings.Join(codes, ", ")
}

func (h *Handler) writeError(w http.ResponseWriter, r *refusal) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.status)
	_ = json.NewEncoder(w).Encode(readiness.ErrorBody{Error: r.code, Message: r.msg})
}

// clip keeps text from the challenge short, on one line and safe to
// log (textclip.Clip).
func clip(s string) string { return textclip.Clip(s, 128) }
