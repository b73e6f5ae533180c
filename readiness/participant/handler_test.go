package participant_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

const (
	code   = "hosp_test01_000001@hcx"
	nonce  = "bm9uY2Utb2YtdGhlLWNoYWxsZW5nZS0wMTIzNDU2Nzg5"
	sealed = "c2VhbGVkLW5vbmNlLTAxMjM0NTY3ODlhYmNkZWZnaGlq"
)

// fixture is a handler for code, trusting operator 1, with keys 0 and 1.
type fixture struct {
	op *rt.Operator
	h  *participant.Handler
}

func newFixture(t *testing.T, opts ...participant.Option) *fixture {
	t.Helper()
	op := rt.NewOperator(1)
	base := []participant.Option{
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0), Signing: rt.RSAKey(1)}),
		participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())),
		participant.WithClock(clock),
	}
	h, err := participant.NewHandler(append(base, opts...)...)
	require.NoError(t, err)
	return &fixture{op: op, h: h}
}

// claims are a valid challenge's claims; jti is unique per call.
var jtis atomic.Int64

func claims() readiness.ChallengeClaims {
	return readiness.ChallengeClaims{
		Issuer: rt.Issuer, Audience: code,
		IssuedAt: now.Unix(), Expiry: now.Add(time.Minute).Unix(),
		ID:    fmt.Sprintf("jti-%d", jtis.Add(1)),
		Nonce: nonce,
	}
}

// signed signs c as a challenge with key and kid; hdr adds headers.
func signed(t *testing.T, key crypto.Signer, alg jwa.SignatureAlgorithm, kid string, c any, hdr ...map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(c)
	require.NoError(t, err)
	h := jws.NewHeaders()
	require.NoError(t, h.Set(jws.TypeKey, readiness.ChallengeType))
	if kid != "" {
		require.NoError(t, h.Set(jws.KeyIDKey, kid))
	}
	for _, m := range hdr {
		for k, v := range m {
			require.NoError(t, h.Set(k, v))
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(out)
}

func (f *fixture) challenge(t *testing.T, c readiness.ChallengeClaims) string {
	return signed(t, f.op.Key, jwa.EdDSA, f.op.KeyID, c)
}

// seal encrypts a SealedNonce for jti to pub.
func seal(t *testing.T, pub *rsa.PublicKey, alg jwa.KeyEncryptionAlgorithm, enc jwa.ContentEncryptionAlgorithm, cty string, pt any) string {
	t.Helper()
	data, err := json.Marshal(pt)
	require.NoError(t, err)
	h := jwe.NewHeaders()
	if cty != "" {
		require.NoError(t, h.Set(jwe.ContentTypeKey, cty))
	}
	out, err := jwe.Encrypt(data, jwe.WithKey(alg, pub), jwe.WithContentEncryption(enc), jwe.WithProtectedHeaders(h), jwe.WithCompact())
	require.NoError(t, err)
	return string(out)
}

func post(h http.Handler, body string, contentType ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, readiness.Path, strings.NewReader(body))
	ct := "application/json"
	if len(contentType) > 0 {
		ct = contentType[0]
	}
	req.Header.Set("Content-Type", ct)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func postChallenge(h http.Handler, token string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(readiness.Request{Challenge: token})
	return post(h, string(body))
}

func answerOf(t *testing.T, rec *httptest.ResponseRecorder) readiness.Answer {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	var a readiness.Answer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
	return a
}

func refusalOf(t *testing.T, rec *httptest.ResponseRecorder, status int, code readiness.ErrorCode) readiness.ErrorBody {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	var e readiness.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
	assert.Equal(t, code, e.Error)
	assert.NotEmpty(t, e.Message)
	return e
}

func TestHandlerAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, alg := range []jwa.KeyEncryptionAlgorithm{jwa.RSA_OAEP_256, jwa.RSA_OAEP} {
		t.Run(alg.String(), func(t *testing.T) {
			t.Parallel()
			c := claims()
			c.EncryptedNonce = seal(t, &rt.RSAKey(0).PublicKey, alg, jwa.A256GCM, readiness.SealedType,
				readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: c.ID, Nonce: sealed})
			a := answerOf(t, postChallenge(f.h, f.challenge(t, c)))
			assert.Equal(t, c.ID, a.ID)
			assert.Equal(t, nonce, a.Nonce)
			assert.Equal(t, sealed, a.DecryptedNonce)
			assert.Empty(t, a.DecryptError)

			// The signature is the signing key's, over the answer's claims.
			payload, err := jws.Verify([]byte(a.Signature), jws.WithKey(jwa.RS256, &rt.RSAKey(1).PublicKey))
			require.NoError(t, err)
			var ac readiness.AnswerClaims
			require.NoError(t, json.Unmarshal(payload, &ac))
			assert.Equal(t, readiness.AnswerClaims{Issuer: code, Audience: rt.Issuer, IssuedAt: now.Unix(), ID: c.ID, Nonce: nonce}, ac)
			msg, err := jws.Parse([]byte(a.Signature))
			require.NoError(t, err)
			assert.Equal(t, readiness.AnswerType, msg.Signatures()[0].ProtectedHeaders().Type())
		})
	}
}

func TestHandlerWithoutEncryptedNonceOrSigningKey(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0)}),
		participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())),
		participant.WithClock(clock),
	)
	require.NoError(t, err)
	c := claims()
	a := answerOf(t, postChallenge(h, signed(t, op.Key, jwa.EdDSA, op.KeyID, c)))
	assert.Equal(t, readiness.Answer{ID: c.ID, Nonce: nonce}, a)
}

func TestHandlerRefusesMalformedRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, readiness.Path, nil)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	refusalOf(t, rec, http.StatusMethodNotAllowed, readiness.CodeBadRequest)
	assert.Equal(t, http.MethodPost, rec.Header().Get("Allow"))

	refusalOf(t, post(f.h, `{"challenge":"a.b.c"}`, "text/plain"), http.StatusUnsupportedMediaType, readiness.CodeBadRequest)
	refusalOf(t, post(f.h, `{"challenge":"`+strings.Repeat("a", readiness.MaxBodyBytes)+`"}`), http.StatusRequestEntityTooLarge, readiness.CodeBadRequest)
	refusalOf(t, post(f.h, `not json`), http.StatusBadRequest, readiness.CodeBadRequest)
	refusalOf(t, post(f.h, `{"challenge":""}`), http.StatusBadRequest, readiness.CodeBadRequest)
	refusalOf(t, postChallenge(f.h, "a.b.c"), http.StatusBadRequest, readiness.CodeBadRequest)
	refusalOf(t, postChallenge(f.h, "a.b.c.d.e"), http.StatusBadRequest, readiness.CodeBadRequest)
}

func TestHandlerRefusesChallengesNotSignedByTheOperator(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	impostor := rt.NewOperator(2)
	c := claims()
	tests := []struct {
		name   string
		token  string
		status int
		code   readiness.ErrorCode
	}{
		{"another key under the operator's kid", signed(t, impostor.Key, jwa.EdDSA, f.op.KeyID, c), http.StatusUnauthorized, readiness.CodeBadSignature},
		{"an unknown kid", signed(t, impostor.Key, jwa.EdDSA, impostor.KeyID, c), http.StatusUnauthorized, readiness.CodeUnknownKey},
		{"no kid", signed(t, f.op.Key, jwa.EdDSA, "", c), http.StatusBadRequest, readiness.CodeBadRequest},
		{"an unknown issuer", signed(t, f.op.Key, jwa.EdDSA, f.op.KeyID, func() readiness.ChallengeClaims { d := c; d.Issuer = "someone"; return d }()),
			http.StatusUnauthorized, readiness.CodeUnknownIssuer},
		{"HMAC with the public key as secret", hmacToken(t, f.op, c), http.StatusBadRequest, readiness.CodeBadRequest},
		{"alg none", noneToken(t, c), http.StatusBadRequest, readiness.CodeBadRequest},
		{"wrong typ", retyped(t, f.op, c, "JWT"), http.StatusBadRequest, readiness.CodeBadRequest},
		{"crit header", signed(t, f.op.Key, jwa.EdDSA, f.op.KeyID, c, map[string]any{"crit": []string{"exp"}}), http.StatusBadRequest, readiness.CodeBadRequest},
		{"tampered payload", tampered(t, f.challenge(t, c)), http.StatusUnauthorized, readiness.CodeBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refusalOf(t, postChallenge(f.h, tc.token), tc.status, tc.code)
		})
	}
}

func hmacToken(t *testing.T, op *rt.Operator, c readiness.ChallengeClaims) string {
	t.Helper()
	payload, _ := json.Marshal(c)
	h := jws.NewHeaders()
	_ = h.Set(jws.TypeKey, readiness.ChallengeType)
	_ = h.Set(jws.KeyIDKey, op.KeyID)
	out, err := jws.Sign(payload, jws.WithKey(jwa.HS256, []byte(op.Key.Public().(ed25519.PublicKey)), jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(out)
}

func noneToken(t *testing.T, c readiness.ChallengeClaims) string {
	t.Helper()
	payload, _ := json.Marshal(c)
	h := jws.NewHeaders()
	_ = h.Set(jws.TypeKey, readiness.ChallengeType)
	_ = h.Set(jws.KeyIDKey, "test-operator-1")
	out, err := jws.Sign(payload, jws.WithInsecureNoSignature(jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(out)
}

func retyped(t *testing.T, op *rt.Operator, c readiness.ChallengeClaims, typ string) string {
	t.Helper()
	payload, _ := json.Marshal(c)
	h := jws.NewHeaders()
	_ = h.Set(jws.TypeKey, typ)
	_ = h.Set(jws.KeyIDKey, op.KeyID)
	out, err := jws.Sign(payload, jws.WithKey(jwa.EdDSA, op.Key, jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(out)
}

// tampered swaps the payload for one naming another nonce.
func tampered(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	msg, err := jws.Parse([]byte(token))
	require.NoError(t, err)
	var c readiness.ChallengeClaims
	require.NoError(t, json.Unmarshal(msg.Payload(), &c))
	c.Nonce = strings.Repeat("A", 43)
	data, _ := json.Marshal(c)
	var buf bytes.Buffer
	enc := jwsB64(data)
	buf.WriteString(parts[0] + "." + enc + "." + parts[2])
	return buf.String()
}

func TestHandlerRefusesBadClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	with := func(edit func(*readiness.ChallengeClaims)) readiness.ChallengeClaims {
		c := claims()
		edit(&c)
		return c
	}
	tests := []struct {
		name   string
		c      readiness.ChallengeClaims
		status int
		code   readiness.ErrorCode
	}{
		{"another participant", with(func(c *readiness.ChallengeClaims) { c.Audience = "other@hcx" }), http.StatusForbidden, readiness.CodeWrongAudience},
		{"expired", with(func(c *readiness.ChallengeClaims) {
			c.IssuedAt, c.Expiry = now.Add(-5*time.Minute).Unix(), now.Add(-2*time.Minute).Unix()
		}), http.StatusUnauthorized, readiness.CodeExpired},
		{"issued in the future", with(func(c *readiness.ChallengeClaims) {
			c.IssuedAt, c.Expiry = now.Add(3*time.Minute).Unix(), now.Add(4*time.Minute).Unix()
		}), http.StatusUnauthorized, readiness.CodeNotYetValid},
		{"lives too long", with(func(c *readiness.ChallengeClaims) { c.Expiry = now.Add(time.Hour).Unix() }), http.StatusBadRequest, readiness.CodeBadRequest},
		// 18,446,744,074 s is 2^64 ns and a little more: as a Duration the
		// lifetime wraps round to 0.29 s.
		{"lives for centuries", with(func(c *readiness.ChallengeClaims) { c.Expiry = c.IssuedAt + 18_446_744_074 }), http.StatusBadRequest, readiness.CodeBadRequest},
		{"lives for ever", with(func(c *readiness.ChallengeClaims) { c.Expiry = math.MaxInt64 }), http.StatusBadRequest, readiness.CodeBadRequest},
		{"exp before iat", with(func(c *readiness.ChallengeClaims) { c.Expiry = c.IssuedAt - 1 }), http.StatusBadRequest, readiness.CodeBadRequest},
		{"no jti", with(func(c *readiness.ChallengeClaims) { c.ID = "" }), http.StatusBadRequest, readiness.CodeBadRequest},
		{"short nonce", with(func(c *readiness.ChallengeClaims) { c.Nonce = "abc" }), http.StatusBadRequest, readiness.CodeBadRequest},
		{"nonce not base64url", with(func(c *readiness.ChallengeClaims) { c.Nonce = strings.Repeat("<", 30) }), http.StatusBadRequest, readiness.CodeBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := refusalOf(t, postChallenge(f.h, f.challenge(t, tc.c)), tc.status, tc.code)
			if tc.code == readiness.CodeWrongAudience {
				assert.Contains(t, e.Message, code, "the operator learns which codes the endpoint serves")
			}
		})
	}
	// Within the leeway, a little skew is fine.
	c := with(func(c *readiness.ChallengeClaims) {
		c.IssuedAt, c.Expiry = now.Add(30*time.Second).Unix(), now.Add(90*time.Second).Unix()
	})
	answerOf(t, postChallenge(f.h, f.challenge(t, c)))
}

func TestHandlerRefusesReplays(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.challenge(t, claims())
	answerOf(t, postChallenge(f.h, token))
	e := refusalOf(t, postChallenge(f.h, token), http.StatusConflict, readiness.CodeReplay)
	assert.Contains(t, e.Message, "answered before")
}

func TestHandlerSharedReplayCache(t *testing.T) {
	t.Parallel()
	seen := map[string]time.Time{}
	cache := participant.ReplayCacheFunc(func(_ context.Context, key string, until time.Time) (bool, error) {
		if _, ok := seen[key]; ok {
			return false, nil
		}
		seen[key] = until
		return true, nil
	})
	a := newFixture(t, participant.WithReplayCache(cache))
	b := newFixture(t, participant.WithReplayCache(cache))
	c := claims()
	token := a.challenge(t, c)
	answerOf(t, postChallenge(a.h, token))
	refusalOf(t, postChallenge(b.h, token), http.StatusConflict, readiness.CodeReplay)
	require.Len(t, seen, 1)
	for _, until := range seen {
		assert.Equal(t, time.Unix(c.Expiry, 0).Add(participant.DefaultLeeway), until, "kept until exp plus the leeway")
	}

	broken := newFixture(t, participant.WithReplayCache(participant.ReplayCacheFunc(func(context.Context, string, time.Time) (bool, error) {
		return false, assert.AnError
	})))
	refusalOf(t, postChallenge(broken.h, broken.challenge(t, claims())), http.StatusInternalServerError, readiness.CodeInternal)
}

// The handler is no decryption oracle: it opens only this protocol's
// JWEs and returns a nonce only from the challenge's own SealedNonce.
func TestHandlerDecryptsOnlyItsOwnNonces(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pub := &rt.RSAKey(0).PublicKey
	hcxMessage := map[string]any{"resourceType": "Bundle", "id": "claim-1"}
	tests := []struct {
		name string
		jwe  func(jti string) string
		want readiness.ErrorCode
	}{
		{"an HCX message", func(string) string { return seal(t, pub, jwa.RSA_OAEP_256, jwa.A256GCM, "", hcxMessage) }, readiness.CodeBadRequest},
		{"an HCX message relabelled", func(string) string {
			return seal(t, pub, jwa.RSA_OAEP_256, jwa.A256GCM, readiness.SealedType, hcxMessage)
		}, readiness.CodeBadRequest},
		{"another challenge's nonce", func(string) string {
			return seal(t, pub, jwa.RSA_OAEP_256, jwa.A256GCM, readiness.SealedType,
				readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: "another", Nonce: sealed})
		}, readiness.CodeBadRequest},
		{"A128GCM", func(jti string) string {
			return seal(t, pub, jwa.RSA_OAEP_256, jwa.A128GCM, readiness.SealedType,
				readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: jti, Nonce: sealed})
		}, readiness.CodeUnsupported},
		{"RSA1_5", func(jti string) string {
			return seal(t, pub, jwa.RSA1_5, jwa.A256GCM, readiness.SealedType,
				readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: jti, Nonce: sealed})
		}, readiness.CodeUnsupported},
		{"to another key", func(jti string) string {
			return seal(t, &rt.RSAKey(2).PublicKey, jwa.RSA_OAEP_256, jwa.A256GCM, readiness.SealedType,
				readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: jti, Nonce: sealed})
		}, readiness.CodeDecryptFailed},
		{"not a JWE", func(string) string { return "a.b.c.d.e" }, readiness.CodeBadRequest},
		{"JSON serialization", func(string) string { return `{"ciphertext":"x"}` }, readiness.CodeBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := claims()
			c.EncryptedNonce = tc.jwe(c.ID)
			a := answerOf(t, postChallenge(f.h, f.challenge(t, c)))
			assert.Empty(t, a.DecryptedNonce)
			assert.Equal(t, tc.want, a.DecryptError)
			assert.Equal(t, nonce, a.Nonce, "the endpoint proof stands on its own")
			assert.NotContains(t, a.DecryptedNonce+string(a.DecryptError), "Bundle")
		})
	}
}

func TestHandlerServesSeveralParticipantsAndOperators(t *testing.T) {
	t.Parallel()
	op1, op2 := rt.NewOperator(1), rt.NewOperator(2)
	op2.Issuer = "nhcx"
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0)}),
		participant.WithParticipant("clinic@hcx", participant.Keys{Encryption: rt.RSAKey(2)}),
		participant.WithOperator(op1.Issuer, participant.StaticKeys(op1.JWKS())),
		participant.WithOperator(op2.Issuer, participant.StaticKeys(op2.JWKS())),
		participant.WithClock(clock),
	)
	require.NoError(t, err)
	c := claims()
	c.Issuer, c.Audience = "nhcx", "clinic@hcx"
	c.EncryptedNonce = seal(t, &rt.RSAKey(2).PublicKey, jwa.RSA_OAEP_256, jwa.A256GCM, readiness.SealedType,
		readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: c.ID, Nonce: sealed})
	a := answerOf(t, postChallenge(h, signed(t, op2.Key, jwa.EdDSA, op2.KeyID, c)))
	assert.Equal(t, sealed, a.DecryptedNonce, "each participant decrypts with its own key")

	// op1's key does not speak for op2.
	c2 := claims()
	c2.Issuer = "nhcx"
	refusalOf(t, postChallenge(h, signed(t, op1.Key, jwa.EdDSA, op2.KeyID, c2)), http.StatusUnauthorized, readiness.CodeBadSignature)
}

func TestRemoteKeys(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	var fetches atomic.Int32
	var status atomic.Int32
	status.Store(http.StatusOK)
	h, jwksURL := remoteKeysHandler(t, op, func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		if s := int(status.Load()); s != http.StatusOK {
			w.WriteHeader(s)
			return
		}
		_ = json.NewEncoder(w).Encode(op.JWKS())
	})
	f := &fixture{op: op, h: h}
	answerOf(t, postChallenge(h, f.challenge(t, claims())))
	answerOf(t, postChallenge(h, f.challenge(t, claims())))
	assert.EqualValues(t, 1, fetches.Load(), "the set is kept")

	// An unknown kid does not make it fetch again within the minimum interval.
	other := rt.NewOperator(9)
	refusalOf(t, postChallenge(h, signed(t, other.Key, jwa.EdDSA, other.KeyID, claims())), http.StatusUnauthorized, readiness.CodeUnknownKey)
	assert.EqualValues(t, 1, fetches.Load())

	// Never fetched, and the JWKS fails: keys_unavailable.
	status.Store(http.StatusInternalServerError)
	ks2, err := participant.RemoteKeys(jwksURL, rt.Client(t, "keys.example.com"))
	require.NoError(t, err)
	h2, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0)}),
		participant.WithOperator(op.Issuer, ks2),
	)
	require.NoError(t, err)
	c := claims()
	c.IssuedAt, c.Expiry = time.Now().Unix(), time.Now().Add(time.Minute).Unix()
	refusalOf(t, postChallenge(h2, f.challenge(t, c)), http.StatusServiceUnavailable, readiness.CodeKeysUnavailable)

	_, err = participant.RemoteKeys("http://keys.example.com/jwks", rt.Client(t))
	assert.ErrorIs(t, err, participant.ErrInvalidOption)
	_, err = participant.RemoteKeys("https://keys.example.com/jwks", nil)
	assert.ErrorIs(t, err, participant.ErrInvalidOption)
}

func TestFileKeysAppearLater(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	path := filepath.Join(t.TempDir(), "operator.jwks")
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0)}),
		participant.WithOperator(op.Issuer, participant.FileKeys(path)),
		participant.WithClock(clock),
	)
	require.NoError(t, err)
	f := &fixture{op: op, h: h}
	refusalOf(t, postChallenge(h, f.challenge(t, claims())), http.StatusServiceUnavailable, readiness.CodeKeysUnavailable)

	data, err := json.Marshal(op.JWKS())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	answerOf(t, postChallenge(h, f.challenge(t, claims())))

	// A new key written to the file is picked up on its unknown kid.
	next := rt.NewOperator(4)
	set := op.JWKS()
	k, _ := next.JWKS().Key(0)
	require.NoError(t, set.AddKey(k))
	data, err = json.Marshal(set)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	answerOf(t, postChallenge(h, signed(t, next.Key, jwa.EdDSA, next.KeyID, claims())))
}

func TestStaticKeysUsesPublicKeysOnly(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	priv, err := jwk.FromRaw(op.Key)
	require.NoError(t, err)
	require.NoError(t, priv.Set(jwk.KeyIDKey, op.KeyID))
	set := jwk.NewSet()
	require.NoError(t, set.AddKey(priv))
	k, err := participant.StaticKeys(set).LookupKey(context.Background(), op.KeyID)
	require.NoError(t, err)
	var raw any
	require.NoError(t, k.Raw(&raw))
	assert.IsType(t, ed25519.PublicKey{}, raw)
	_, err = participant.StaticKeys(set).LookupKey(context.Background(), "nope")
	assert.ErrorIs(t, err, participant.ErrUnknownKey)
}

func TestNewHandlerRequiresItsOptions(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	keys := participant.Keys{Encryption: rt.RSAKey(0)}
	trust := participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS()))
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = participant.NewHandler(trust)
	assert.ErrorContains(t, err, "WithParticipant")
	_, err = participant.NewHandler(participant.WithParticipant(code, keys))
	assert.ErrorContains(t, err, "WithOperator")
	for _, o := range []participant.Option{
		participant.WithParticipant("", keys),
		participant.WithParticipant(code, keys), // twice
		participant.WithParticipant("x", participant.Keys{}),
		participant.WithParticipant("x", participant.Keys{Encryption: small}),
		participant.WithParticipant("x", participant.Keys{Encryption: rt.RSAKey(0), Signing: small}),
		participant.WithOperator("", participant.StaticKeys(op.JWKS())),
		participant.WithOperator("y", nil),
		participant.WithLeeway(time.Hour),
		participant.WithReplayCache(nil),
		participant.WithClock(nil),
		participant.WithLogger(nil),
		nil,
	} {
		_, err := participant.NewHandler(participant.WithParticipant(code, keys), trust, o)
		assert.ErrorIs(t, err, participant.ErrInvalidOption)
	}
}

func TestKeysFromPEM(t *testing.T) {
	t.Parallel()
	enc := rt.RSAKey(0)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(enc)})
	der, err := x509.MarshalPKCS8PrivateKey(rt.RSAKey(1))
	require.NoError(t, err)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	sec1 := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})

	k, err := participant.KeysFromPEM(pkcs1, pkcs8)
	require.NoError(t, err)
	assert.True(t, enc.Equal(k.Encryption))
	assert.True(t, rt.RSAKey(1).Equal(k.Signing))
	// A certificate before the key, as in a combined PEM file, is skipped.
	cert := []byte(rt.CertificatePEM(enc, "x", now, now.Add(time.Hour)))
	_, err = participant.KeysFromPEM(append(cert, pkcs1...), sec1)
	require.NoError(t, err)

	for name, tc := range map[string][2][]byte{
		"EC encryption key":  {sec1, nil},
		"no key":             {cert, nil},
		"encrypted":          {pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), nil},
		"garbage signing":    {pkcs1, []byte("nope")},
		"broken PKCS1 block": {pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1, 2}}), nil},
	} {
		_, err := participant.KeysFromPEM(tc[0], tc[1])
		assert.Error(t, err, name)
	}
}

// remoteKeysHandler is a participant handler that reads op's keys from
// jwks, served at keys.example.com, and the key set's URL.
func remoteKeysHandler(t *testing.T, op *rt.Operator, jwks http.HandlerFunc) (*participant.Handler, string) {
	t.Helper()
	jwksURL := rt.Serve(t, "keys.example.com", jwks) + "/jwks.json"
	ks, err := participant.RemoteKeys(jwksURL, rt.Client(t, "keys.example.com"))
	require.NoError(t, err)
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0)}),
		participant.WithOperator(op.Issuer, ks),
		participant.WithClock(clock),
	)
	require.NoError(t, err)
	return h, jwksURL
}
