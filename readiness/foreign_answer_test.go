package readiness_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// foreignAnswer is how a participant written without package participant
// (node's jose, Java's Nimbus) may build its answer: the signed claims as
// a JSON object of its own, under protected headers of its own.
type foreignAnswer struct {
	header map[string]any              // set after typ, so they may replace it
	claims func(claims map[string]any) // edits the claims the answer signs
	// answer edits the answer's members, given the challenge and the
	// plaintext of its encrypted nonce.
	answer func(ans map[string]any, c readiness.ChallengeClaims, plaintext string)
}

// readChallenge reads the challenge's claims, unverified, as a stub
// does; it answers 400 and reports false when it cannot.
func readChallenge(w http.ResponseWriter, r *http.Request) (readiness.ChallengeClaims, bool) {
	var req readiness.Request
	var c readiness.ChallengeClaims
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return c, false
	}
	msg, err := jws.Parse([]byte(req.Challenge))
	if err == nil {
		err = json.Unmarshal(msg.Payload(), &c)
	}
	if err != nil {
		http.Error(w, "bad challenge", http.StatusBadRequest)
		return c, false
	}
	return c, true
}

// foreignParticipant answers the operator's challenge as a participant
// holding the registered keys but not this module's handler would.
func foreignParticipant(t *testing.T, op *rt.Operator, f foreignAnswer) *rt.Participant {
	t.Helper()
	var p *rt.Participant
	stub := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := readChallenge(w, r)
			if !ok {
				return
			}
			pt, err := jwe.Decrypt([]byte(c.EncryptedNonce), jwe.WithKey(jwa.RSA_OAEP_256, p.Keys.Encryption))
			if err != nil {
				http.Error(w, "cannot decrypt", http.StatusInternalServerError)
				return
			}
			var sealed readiness.SealedNonce
			if err := json.Unmarshal(pt, &sealed); err != nil {
				http.Error(w, "bad sealed nonce", http.StatusInternalServerError)
				return
			}
			// Member order differs from AnswerClaims', as a map's does.
			claims := map[string]any{"nonce": c.Nonce, "jti": c.ID, "iat": c.IssuedAt, "aud": c.Issuer, "iss": c.Audience}
			if f.claims != nil {
				f.claims(claims)
			}
			payload, err := json.Marshal(claims)
			if err != nil {
				http.Error(w, "cannot encode", http.StatusInternalServerError)
				return
			}
			h := jws.NewHeaders()
			_ = h.Set(jws.TypeKey, readiness.AnswerType)
			for k, v := range f.header {
				_ = h.Set(k, v)
			}
			sig, err := jws.Sign(payload, jws.WithKey(jwa.RS256, p.Keys.Signing, jws.WithProtectedHeaders(h)))
			if err != nil {
				http.Error(w, "cannot sign", http.StatusInternalServerError)
				return
			}
			ans := map[string]any{
				"signature": string(sig), "decrypted_nonce": sealed.Nonce, "nonce": c.Nonce, "jti": c.ID, "decrypt_error": nil,
			}
			if f.answer != nil {
				f.answer(ans, c, string(pt))
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = json.NewEncoder(w).Encode(ans)
		})
	}
	p = rt.NewParticipant(t, op, rt.WithMiddleware(stub))
	return p
}

// The answer's signature is a JWT: RFC 7515 has its typ compared without
// regard to case and with "application/" understood, RFC 7519 lets aud
// be an array and iat a NumericDate with a fraction, and headers such as
// kid and x5t are a library's own business. A participant whose software
// signs so holds its keys as surely as one using package participant,
// and is ready.
func TestCheckAcceptsAnAnswerSignedAsOtherJWTLibrariesSignIt(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for name, f := range map[string]foreignAnswer{
		"typ with its application/ prefix": {header: map[string]any{jws.TypeKey: "application/" + readiness.AnswerType}},
		"typ in capitals":                  {header: map[string]any{jws.TypeKey: "Application/" + strings.ToUpper(readiness.AnswerType)}},
		"aud as an array":                  {claims: func(c map[string]any) { c["aud"] = []string{"another-hcx", c["aud"].(string)} }},
		"iat with a fraction":              {claims: func(c map[string]any) { c["iat"] = float64(c["iat"].(int64)) + 0.25 }},
		"iat left out, exp and sub added": {claims: func(c map[string]any) {
			c["exp"], c["sub"] = c["iat"].(int64)+60, c["iss"]
			delete(c, "iat")
		}},
		"kid, x5t and x5t#S256 in the header": {header: map[string]any{jws.KeyIDKey: "sig-2026", jws.X509CertThumbprintKey: "c2lnLTIwMjY", jws.X509CertThumbprintS256Key: "c2lnLTIwMjYtc2hhMjU2"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := foreignParticipant(t, op, f)
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			require.True(t, rep.Ready, "%v\n%+v", outcomes(rep), rep.Failures())
			assert.Equal(t, allPassed, outcomes(rep))
		})
	}
}

// What is not the answer's JWT stays refused, each with a message that
// says what is wrong with it.
func TestCheckRefusesAnAnswerThatIsNotTheAnswersJWT(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for name, tc := range map[string]struct {
		f       foreignAnswer
		problem readiness.Problem
		message string
	}{
		"typ JWT":              {foreignAnswer{header: map[string]any{jws.TypeKey: "JWT"}}, readiness.ProblemBadAnswer, `typ is "JWT"`},
		"typ of the challenge": {foreignAnswer{header: map[string]any{jws.TypeKey: "application/" + readiness.ChallengeType}}, readiness.ProblemBadAnswer, "typ"},
		"aud an array without the operator": {foreignAnswer{claims: func(c map[string]any) { c["aud"] = []string{"another-hcx"} }},
			readiness.ProblemBadAnswer, "not to the operator"},
		"aud a number": {foreignAnswer{claims: func(c map[string]any) { c["aud"] = 7 }}, readiness.ProblemBadAnswer, "aud"},
		"iat a string": {foreignAnswer{claims: func(c map[string]any) { c["iat"] = "yesterday" }}, readiness.ProblemBadAnswer, "iat"},
		"jti a number": {foreignAnswer{claims: func(c map[string]any) { c["jti"] = 7 }}, readiness.ProblemBadAnswer, "jti"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := foreignParticipant(t, op, tc.f)
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckSigningKey, tc.problem)
			assert.Contains(t, res.Message, tc.message)
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckEncryptionKey])
		})
	}
}

// A participant writing its own answer that returns, as decrypted_nonce,
// something other than the nonce member of the decrypted plaintext is
// not ready, and is told what decrypted_nonce must hold: the message
// says what it returned instead, the hint where the right value is.
func TestCheckTellsWhatDecryptedNonceMustHold(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for name, tc := range map[string]struct {
		answer  func(ans map[string]any, c readiness.ChallengeClaims, plaintext string)
		message string
	}{
		"the challenge's nonce": {func(ans map[string]any, c readiness.ChallengeClaims, _ string) { ans["decrypted_nonce"] = c.Nonce },
			"the challenge's own nonce"},
		"the whole plaintext": {func(ans map[string]any, _ readiness.ChallengeClaims, pt string) { ans["decrypted_nonce"] = pt },
			"whole decrypted plaintext"},
		"a guess": {func(ans map[string]any, _ readiness.ChallengeClaims, _ string) {
			ans["decrypted_nonce"] = "bm9uY2Utb2YtdGhlLWNoYWxsZW5nZS0wMTIzNDU2Nzg5"
		}, "not the one encrypted"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := foreignParticipant(t, op, foreignAnswer{answer: tc.answer})
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemWrongNonce, "decrypted_nonce", `"nonce" member`, "encryption_cert")
			assert.Contains(t, res.Message, tc.message)
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckSigningKey])
		})
	}
}

// jdkOAEP opens a JWE's content key as the JDK's
// "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" does by default: SHA-256 for
// OAEP but SHA-1 for MGF1, which is not RSA-OAEP-256.
// With sha1, it is "RSA/ECB/OAEPWithSHA-1AndMGF1Padding": RSA-OAEP.
type jdkOAEP struct {
	d    crypto.Decrypter
	sha1 bool
}

func (o jdkOAEP) DecryptKey(_ jwa.KeyEncryptionAlgorithm, key []byte, _ jwe.Recipient, _ *jwe.Message) ([]byte, error) {
	opts := &rsa.OAEPOptions{Hash: crypto.SHA256, MGFHash: crypto.SHA1}
	if o.sha1 {
		opts.Hash = crypto.SHA1
	}
	return o.d.Decrypt(rand.Reader, key, opts)
}

// A participant whose own code decrypts RSA-OAEP-256 with the JDK's
// default OAEP parameters holds the right key and still cannot decrypt:
// the report says the decryption failed, and its hint points at the
// parameters as well as the key, so the engineer does not replace a key
// that is right. With RSA-OAEP, which uses SHA-1 throughout, the hint
// does not speak of them.
func TestCheckWrongKeyHintNamesRSAOAEP256sParameters(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	var p *rt.Participant
	jdk := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := readChallenge(w, r)
			if !ok {
				return
			}
			ans := readiness.Answer{ID: c.ID, Nonce: c.Nonce}
			sealedMsg, err := jwe.Parse([]byte(c.EncryptedNonce))
			if err != nil {
				http.Error(w, "bad JWE", http.StatusBadRequest)
				return
			}
			// The JDK's SHA-1 default is right for RSA-OAEP.
			var d jwe.KeyDecrypter = jdkOAEP{d: p.Keys.Encryption}
			alg := sealedMsg.ProtectedHeaders().Algorithm()
			if alg == jwa.RSA_OAEP {
				d = jdkOAEP{d: p.Keys.Encryption, sha1: true}
			}
			pt, err := jwe.Decrypt([]byte(c.EncryptedNonce), jwe.WithKey(alg, d))
			var sealed readiness.SealedNonce
			if err != nil || json.Unmarshal(pt, &sealed) != nil {
				ans.DecryptError = readiness.CodeDecryptFailed
			} else {
				ans.DecryptedNonce = sealed.Nonce
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(ans)
		})
	}
	p = rt.NewParticipant(t, op, rt.WithMiddleware(jdk))
	target := p.Target()
	target.SigningCert = ""

	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemWrongKey, "private key", "RSA-OAEP-256", "MGF1", "SHA-256")
	assert.Contains(t, res.Message, "RSA-OAEP-256")

	rep = op.Checker(t, rt.Client(t, p.Host), readiness.WithKeyEncryption(jwa.RSA_OAEP)).Check(context.Background(), target)
	assert.True(t, rep.Ready, "RSA-OAEP is SHA-1 throughout, as the JDK's default: %v", outcomes(rep))

	wrong := rt.NewParticipant(t, op, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(2)}))
	target = wrong.Target()
	target.SigningCert = ""
	rep = op.Checker(t, rt.Client(t, wrong.Host), readiness.WithKeyEncryption(jwa.RSA_OAEP)).Check(context.Background(), target)
	res = requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemWrongKey, "private key")
	assert.NotContains(t, res.Hint, "MGF1", "RSA-OAEP has no parameters to get wrong")
}

// An answer signed in another participant's name fails signing_key as
// wrong_participant, and its hint says what the signed iss must be: the
// participant code the challenge was addressed to. It does not send the
// engineer to configure the handler for another code, which the
// handler's challenge check (wrong_audience) is about.
func TestCheckAnswerSignedInAnotherNameIsToldTheIss(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := foreignParticipant(t, op, foreignAnswer{claims: func(c map[string]any) { c["iss"] = "IN2910000123@hfr" }})
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	res := requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemWrongParticipant, "iss", fmt.Sprintf("%q", p.Code))
	assert.NotContains(t, res.Hint, "add ")
	assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge])
}
