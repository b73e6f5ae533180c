package participant_test

import (
	"crypto"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// FuzzHandler sends the handler arbitrary bodies, as anyone on the
// internet can: it never panics, always answers JSON of the protocol
// (an answer or a refusal with a code the protocol names), never fails
// inside (500), answers only a challenge the operator signed, once, and
// decrypts nothing but that challenge's sealed nonce.
func FuzzHandler(f *testing.F) {
	op := rt.NewOperator(1)
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0), Signing: rt.RSAKey(1)}),
		participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())),
		participant.WithClock(clock),
	)
	if err != nil {
		f.Fatal(err)
	}
	c := claims()
	sealedJSON, _ := json.Marshal(readiness.SealedNonce{Purpose: readiness.SealedPurpose, ID: c.ID, Nonce: sealed})
	jh := jwe.NewHeaders()
	if err := jh.Set(jwe.ContentTypeKey, readiness.SealedType); err != nil {
		f.Fatal(err)
	}
	enc, err := jwe.Encrypt(sealedJSON, jwe.WithKey(jwa.RSA_OAEP_256, &rt.RSAKey(0).PublicKey),
		jwe.WithContentEncryption(jwa.A256GCM), jwe.WithProtectedHeaders(jh), jwe.WithCompact())
	if err != nil {
		f.Fatal(err)
	}
	c.EncryptedNonce = string(enc)
	sign := func(key crypto.Signer, c readiness.ChallengeClaims) string {
		payload, _ := json.Marshal(c)
		hdr := jws.NewHeaders()
		_ = hdr.Set(jws.TypeKey, readiness.ChallengeType)
		_ = hdr.Set(jws.KeyIDKey, op.KeyID)
		out, err := jws.Sign(payload, jws.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(hdr)))
		if err != nil {
			f.Fatal(err)
		}
		return string(out)
	}
	genuine := sign(op.Key, c)
	forged := sign(rt.NewOperator(9).Key, claims())
	for _, tok := range []string{genuine, forged, "", "a.b.c", "a.b.c.d.e", genuine + "x"} {
		body, _ := json.Marshal(readiness.Request{Challenge: tok})
		f.Add(string(body))
	}
	f.Add(`{"challenge":1}`)
	f.Add(`[]`)
	f.Add(`{"challenge":"` + strings.Repeat("A", 70000) + `"}`)

	codes := map[readiness.ErrorCode]bool{}
	for _, c := range []readiness.ErrorCode{readiness.CodeBadRequest, readiness.CodeUnknownIssuer, readiness.CodeUnknownKey,
		readiness.CodeKeysUnavailable, readiness.CodeBadSignature, readiness.CodeWrongAudience, readiness.CodeExpired,
		readiness.CodeNotYetValid, readiness.CodeReplay} {
		codes[c] = true
	}
	answered := map[string]bool{}
	f.Fuzz(func(t *testing.T, body string) {
		rec := post(h, body)
		switch rec.Code {
		case http.StatusOK:
			var ans readiness.Answer
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
				t.Fatalf("200 with a body that is no answer: %q", rec.Body.String())
			}
			if ans.ID != c.ID || answered[ans.ID] {
				t.Fatalf("answered a challenge the operator did not sign, or twice: %q", rec.Body.String())
			}
			answered[ans.ID] = true
			// The sealed nonce, or a refusal to decrypt: with -fuzz, a
			// worker process holds other RSA keys than the one that
			// made the seed (readinesstest.RSAKey is per process).
			if ans.DecryptedNonce != sealed && ans.DecryptError != readiness.CodeDecryptFailed {
				t.Fatalf("the genuine challenge's nonce was neither decrypted nor refused: %q", rec.Body.String())
			}
		case http.StatusInternalServerError:
			t.Fatalf("500 for %q: %s", body, rec.Body.String())
		default:
			var eb readiness.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || !codes[eb.Error] {
				t.Fatalf("HTTP %d with a body that is no refusal of the protocol: %q", rec.Code, rec.Body.String())
			}
		}
	})
}
