package readiness_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/cert"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A participant that holds neither private key can still read the
// challenge (it is signed, not encrypted) and answer with its jti and
// nonce: that proves the endpoint, and nothing more. Whatever it puts
// in the decrypted nonce and the signature — a guess, a signature with
// no algorithm, an HMAC keyed with the registered certificate's public
// key, its own key named in the header — encryption_key and signing_key
// fail and the participant is not ready.
func TestCheckAnswerWithoutTheKeysIsNotReady(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	stranger := rt.RSAKey(5) // a key of the stub's own, not a registered one
	now := time.Now()
	strangerCert := rt.CertificatePEM(stranger, "stub", now.Add(-time.Hour), now.Add(time.Hour))

	// The signing certificate registered for rt.RSAKey(1), as the stub
	// can read it from the registry.
	sigCert := func(t *testing.T, p *rt.Participant) *x509.Certificate {
		block, _ := pem.Decode([]byte(p.SigningCert))
		require.NotNil(t, block)
		c, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		return c
	}
	claimsOf := func(c readiness.ChallengeClaims) []byte {
		data, err := json.Marshal(readiness.AnswerClaims{Issuer: rt.Code, Audience: c.Issuer, IssuedAt: time.Now().Unix(), ID: c.ID, Nonce: c.Nonce})
		require.NoError(t, err)
		return data
	}
	sign := func(t *testing.T, payload []byte, alg jwa.SignatureAlgorithm, key any, hdr map[string]any) string {
		h := jws.NewHeaders()
		require.NoError(t, h.Set(jws.TypeKey, readiness.AnswerType))
		for k, v := range hdr {
			require.NoError(t, h.Set(k, v))
		}
		var out []byte
		var err error
		if alg == jwa.NoSignature {
			out, err = jws.Sign(payload, jws.WithInsecureNoSignature(jws.WithProtectedHeaders(h)))
		} else {
			out, err = jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
		}
		require.NoError(t, err)
		return string(out)
	}
	strangerJWK, err := jwk.FromRaw(stranger.Public())
	require.NoError(t, err)
	strangerDER, _ := pem.Decode([]byte(strangerCert))
	var chain cert.Chain
	require.NoError(t, chain.AddString(b64(string(strangerDER.Bytes))))

	tests := []struct {
		name      string
		signature func(t *testing.T, p *rt.Participant, c readiness.ChallengeClaims) string
		// decrypted is what the stub claims to have decrypted.
		decrypted func(c readiness.ChallengeClaims) string
		encrypt   readiness.Problem
	}{
		{"no algorithm", func(t *testing.T, _ *rt.Participant, c readiness.ChallengeClaims) string {
			return sign(t, claimsOf(c), jwa.NoSignature, nil, nil)
		}, func(c readiness.ChallengeClaims) string { return c.Nonce }, readiness.ProblemWrongNonce},
		{"HMAC keyed with the certificate's public key", func(t *testing.T, p *rt.Participant, c readiness.ChallengeClaims) string {
			return sign(t, claimsOf(c), jwa.HS256, sigCert(t, p).RawSubjectPublicKeyInfo, nil)
		}, func(c readiness.ChallengeClaims) string { return c.ID }, readiness.ProblemWrongNonce},
		{"HMAC keyed with the certificate's PEM", func(t *testing.T, p *rt.Participant, c readiness.ChallengeClaims) string {
			return sign(t, claimsOf(c), jwa.HS256, []byte(p.SigningCert), nil)
		}, func(readiness.ChallengeClaims) string { return "" }, readiness.ProblemBadAnswer},
		{"its own key in a jwk header", func(t *testing.T, _ *rt.Participant, c readiness.ChallengeClaims) string {
			return sign(t, claimsOf(c), jwa.RS256, stranger, map[string]any{jws.JWKKey: strangerJWK})
		}, func(c readiness.ChallengeClaims) string { return c.EncryptedNonce }, readiness.ProblemWrongNonce},
		{"its own certificate in an x5c header", func(t *testing.T, _ *rt.Participant, c readiness.ChallengeClaims) string {
			return sign(t, claimsOf(c), jwa.PS256, stranger, map[string]any{jws.X509CertChainKey: &chain})
		}, func(readiness.ChallengeClaims) string { return "bm9uY2Utb2YtdGhlLWNoYWxsZW5nZS0wMTIzNDU2Nzg5" }, readiness.ProblemWrongNonce},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var p *rt.Participant
			stub := func(http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					var req readiness.Request
					if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
						http.Error(w, "bad", http.StatusBadRequest)
						return
					}
					msg, err := jws.Parse([]byte(req.Challenge))
					if err != nil {
						http.Error(w, "bad", http.StatusBadRequest)
						return
					}
					var c readiness.ChallengeClaims
					if err := json.Unmarshal(msg.Payload(), &c); err != nil {
						http.Error(w, "bad", http.StatusBadRequest)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					_ = json.NewEncoder(w).Encode(readiness.Answer{ID: c.ID, Nonce: c.Nonce,
						DecryptedNonce: tc.decrypted(c), Signature: tc.signature(t, p, c)})
				})
			}
			p = rt.NewParticipant(t, op, rt.WithMiddleware(stub))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())

			require.False(t, rep.Ready, "%v", outcomes(rep))
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge], "the endpoint answered from the challenge")
			requireFailure(t, rep, readiness.CheckEncryptionKey, tc.encrypt)
			requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemWrongKey, "signing certificate")
			assert.Equal(t, 1, rep.Attempts, "a forged answer is not retried")
		})
	}
}
