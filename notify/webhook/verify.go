package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard/onboarding"
)

// MaxBodyBytes caps the body Verify reads.
const MaxBodyBytes = 1 << 20

// Errors of Verify.
var (
	// ErrUnsigned: the request carries no SignatureHeader.
	ErrUnsigned = errors.New("webhook: unsigned request")
	// ErrInvalidSignature: the signature is malformed, made with a key
	// the JWKS does not hold or with an algorithm not accepted, does not
	// match the body, or does not sign the request's Idempotency-Key.
	ErrInvalidSignature = errors.New("webhook: invalid signature")
	// ErrInvalidPayload: the signed body is not a Payload for the signed
	// key.
	ErrInvalidPayload = errors.New("webhook: invalid payload")
	// ErrNotForYou: VerifyTo was given a delivery the operator signed
	// for another recipient.
	ErrNotForYou = errors.New("webhook: the delivery is addressed to another recipient")
)

// Delivery is a verified request.
type Delivery struct {
	Payload
	// KeyID is the kid of the key that signed it.
	KeyID string
	// SignedAt is when the operator signed it (the "iat" header). Each
	// attempt of one message is signed anew; receivers that keep no
	// record of keys seen may refuse old deliveries by it.
	SignedAt time.Time
}

// Verify checks a delivery a Sender made, for receivers: the detached JWS
// in SignatureHeader must be made by a key of keys (the operator's
// published JWKS, found by kid) with EdDSA, ES256 or RS256 and the
// algorithm that key allows, must sign the request body exactly, and
// must sign the request's Idempotency-Key; the body must be a Payload
// with that key as its id. It reads the body (at most MaxBodyBytes) and
// puts it back, so the handler may read it again.
//
// Verify does not check to whom the delivery is addressed
// (Delivery.To): a receiver that knows its participant code calls
// VerifyTo instead. Verify does not remember keys: a receiver drops a duplicate by
// Delivery.ID (equal to the Idempotency-Key), and may refuse a replay
// older than it keeps keys for by Delivery.SignedAt.
func Verify(r *http.Request, keys jwk.Set) (*Delivery, error) {
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return nil, ErrUnsigned
	}
	if keys == nil {
		return nil, fmt.Errorf("%w: no keys to verify with", ErrInvalidSignature)
	}
	if r.Body == nil {
		return nil, fmt.Errorf("%w: no body", ErrInvalidPayload)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %w", ErrInvalidPayload, err)
	}
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrInvalidPayload, MaxBodyBytes)
	}
	if parts := strings.Split(sig, "."); len(parts) != 3 || parts[1] != "" {
		return nil, fmt.Errorf("%w: not a detached compact JWS", ErrInvalidSignature)
	}
	msg, err := jws.Parse([]byte(sig))
	if err != nil || len(msg.Signatures()) != 1 {
		return nil, fmt.Errorf("%w: malformed", ErrInvalidSignature)
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	alg := h.Algorithm()
	if alg != jwa.EdDSA && alg != jwa.ES256 && alg != jwa.RS256 {
		return nil, fmt.Errorf("%w: algorithm %q is not accepted", ErrInvalidSignature, alg)
	}
	if h.Type() != JWSType {
		return nil, fmt.Errorf("%w: typ %q, want %q", ErrInvalidSignature, h.Type(), JWSType)
	}
	kid := h.KeyID()
	if kid == "" {
		return nil, fmt.Errorf("%w: no kid", ErrInvalidSignature)
	}
	key, ok := keys.LookupKeyID(kid)
	if !ok {
		return nil, fmt.Errorf("%w: kid %q is not in the JWKS", ErrInvalidSignature, kid)
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: %w", ErrInvalidSignature, kid, err)
	}
	if u := pub.KeyUsage(); u != "" && u != string(jwk.ForSignature) {
		return nil, fmt.Errorf("%w: key %q is not for signatures (use %q)", ErrInvalidSignature, kid, u)
	}
	keyAlg, err := algorithmOf(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: %w", ErrInvalidSignature, kid, err)
	}
	if keyAlg != alg {
		return nil, fmt.Errorf("%w: key %q signs with %s, the header says %s", ErrInvalidSignature, kid, keyAlg, alg)
	}
	if _, err := jws.Verify([]byte(sig), jws.WithKey(alg, pub), jws.WithDetachedPayload(body)); err != nil {
		return nil, fmt.Errorf("%w: does not match the body", ErrInvalidSignature)
	}
	// Only now is the header the operator's.
	signedKey, _ := h.Get(KeyHeaderParameter)
	idem := r.Header.Get(IdempotencyKeyHeader)
	if s, ok := signedKey.(string); !ok || s == "" || s != idem {
		return nil, fmt.Errorf("%w: the %s header is not the signed key", ErrInvalidSignature, IdempotencyKeyHeader)
	}
	d := &Delivery{KeyID: kid}
	if v, ok := h.Get(SignedAtHeaderParameter); ok {
		if f, ok := v.(float64); ok {
			d.SignedAt = time.Unix(int64(f), 0).UTC()
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&d.Payload); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	if d.ID != idem || d.Kind == "" {
		return nil, fmt.Errorf("%w: its id is not the signed key, or it has no kind", ErrInvalidPayload)
	}
	return d, nil
}

// VerifyTo is Verify for the receiver to: it also refuses, with
// ErrNotForYou, a delivery the operator addressed to anyone else than to
// (a participant code, as the operator's EndpointFunc resolved it) or to
// everyone (onboarding.Broadcast). A signature proves that the operator
// sent the body, not to whom: without this check a participant that
// received a notice could replay it, signature and all, to another
// participant's endpoint as the operator's word about that participant.
func VerifyTo(r *http.Request, keys jwk.Set, to string) (*Delivery, error) {
	d, err := Verify(r, keys)
	if err != nil {
		return nil, err
	}
	if to == "" || (d.To != to && d.To != onboarding.Broadcast) {
		return nil, ErrNotForYou
	}
	return d, nil
}
