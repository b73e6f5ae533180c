package readiness

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard/internal/pemtext"
)

// maxCertBytes caps a certificate fetched by URL.
const maxCertBytes = 64 << 10

// field is the registry field a check's certificate comes from.
func field(check Check) string {
	if check == CheckEncryptionKey {
		return "encryption_cert"
	}
	return "signing_cert_path"
}

// loadCertificate reads, fetches when it is a URL, and checks a
// registered certificate. A usable certificate comes back with a nil
// result (its check is judged from the answer); otherwise the result says
// why it cannot be used.
func (c *Checker) loadCertificate(ctx context.Context, check Check, value string) (*x509.Certificate, *Result) {
	value = strings.TrimSpace(value)
	name := field(check)
	fail := func(p Problem, msg, hint string) (*x509.Certificate, *Result) {
		return nil, &Result{Check: check, Outcome: Failed, Problem: p, Message: msg, Hint: hint}
	}
	if value == "" {
		if check == CheckSigningKey {
			return nil, &Result{Check: check, Outcome: Skipped, Message: "no signing certificate is registered"}
		}
		return fail(ProblemCertificate, "no encryption_cert is registered",
			"Register the X.509 certificate of the RSA key your software decrypts HCX messages with.")
	}
	data := []byte(value)
	lower := strings.ToLower(value)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		var msg string
		if data, msg = c.fetchCertificate(ctx, value); msg != "" {
			return fail(ProblemCertificate, name+" "+msg,
				"Serve the certificate at that https URL (HTTP 200, the PEM as the body) from a host reachable from the internet, or register the PEM itself.")
		}
	case strings.HasPrefix(value, "-----BEGIN"):
		// Pasted on one line, as the operator's step 3 reads it.
		data = []byte(pemtext.Repair(value))
	default:
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
		if err != nil || !bytes.Contains(dec, []byte("-----BEGIN")) {
			return fail(ProblemCertificate, name+" is neither a PEM certificate, its base64, nor an https URL to one",
				"Register the certificate in PEM form (-----BEGIN CERTIFICATE-----).")
		}
		data = dec
	}
	// As the operator's step 3 has it: the certificate comes first, and
	// after it only its chain's certificates; a private key anywhere is
	// refused, and so, in a pasted value (stored and published as given),
	// is any text outside the PEM blocks. A file fetched from a URL may
	// carry text after its blocks (openssl's own output does).
	// A value given as base64 counts as pasted too: the operator decodes
	// it and judges the PEM inside as given.
	pasted := !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://")
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return fail(ProblemCertificate, name+" does not start with a PEM CERTIFICATE block",
			"Register the certificate in PEM form (-----BEGIN CERTIFICATE-----), not a key or a request; the operator refuses anything before it.")
	}
	if i := bytes.Index(data, []byte("-----BEGIN")); pasted && len(bytes.TrimSpace(data[:i])) > 0 {
		return fail(ProblemCertificate, name+" holds text before the certificate",
			"Register the PEM certificate alone: remove what precedes -----BEGIN CERTIFICATE----- (openssl's \"Bag Attributes\", say) before encoding it.")
	}
	const alone = "Register the certificate, and its chain if you like, alone."
	for next := rest; len(bytes.TrimSpace(next)) > 0; {
		if pasted && !bytes.HasPrefix(bytes.TrimSpace(next), []byte("-----BEGIN")) {
			return fail(ProblemCertificate, name+" holds text after the certificate", alone)
		}
		b, after := pem.Decode(next)
		switch {
		case b != nil && strings.Contains(b.Type, "PRIVATE KEY"):
			return fail(ProblemCertificate, name+" holds a private key",
				"Register the certificate alone. Never send a private key, and replace this one: it has left your hands.")
		case b != nil && b.Type == "CERTIFICATE":
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return fail(ProblemCertificate, name+" has a chain certificate that is not a valid X.509 certificate", alone)
			}
		case b != nil:
			return fail(ProblemCertificate, fmt.Sprintf("%s holds a %q PEM block after the certificate", name, clip(b.Type)), alone)
		case pasted:
			return fail(ProblemCertificate, name+" holds text after the certificate", alone)
		default:
			after = nil // text after the last block of a fetched file
		}
		next = after
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fail(ProblemCertificate, name+" is not a valid X.509 certificate", "Register the certificate in PEM form, as issued.")
	}
	if msg := keyProblem(check, cert.PublicKey); msg != "" {
		return fail(ProblemCertificate, name+" "+msg, "Register a certificate for an RSA key of 2048 or 4096 bits "+
			"(RSA-OAEP-256 encrypts to it, RS256 verifies what it signs), and deploy that key's private half at your endpoint.")
	}
	if w := certWindow(cert, c.clock()); w != valid {
		msg := expiredMessage(name, cert)
		hint := fmt.Sprintf("Renew the certificate and register the new one as %s; keep the old private key until counterparties have the new certificate.", name)
		if w == notYetValid {
			// Renewing is no remedy for a certificate whose validity has
			// not begun: its start date is.
			msg = notYetValidMessage(name, cert)
			hint = fmt.Sprintf("The certificate registered as %s is not valid until %s: it was issued with a start date in the future. "+
				"Check the clock of the machine that requested it and ask the issuing CA whether its start date is right (reissue it if not), "+
				"or wait until then and check again.", name, moment(cert.NotBefore))
		}
		na := cert.NotAfter.UTC()
		_, r := fail(ProblemCertificateExpired, msg, hint)
		r.NotAfter = &na
		return nil, r
	}
	return cert, nil
}

// keyProblem says what is wrong with a certificate's key for its use.
func keyProblem(check Check, pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < MinRSABits {
			return fmt.Sprintf("has an RSA key of %d bits; at least %d are required", k.N.BitLen(), MinRSABits)
		}
		if k.E < 3 || k.E%2 == 0 || k.N.Bit(0) == 0 {
			// x509 parses such a key; no RSA implementation encrypts to it.
			return "has an RSA key no one can encrypt to or verify with (its public exponent or modulus is even, or the exponent is below 3): issue a certificate for a key made by standard tools (exponent 65537)"
		}
		return ""
	case *ecdsa.PublicKey, ed25519.PublicKey:
		if check == CheckSigningKey {
			// The operator registers RSA signing certificates only (RS256,
			// as HCX signs its messages).
			return fmt.Sprintf("has %s key; the operator registers RSA signing certificates only (RS256)", aKeyType(pub))
		}
	}
	if check == CheckEncryptionKey {
		return fmt.Sprintf("has %s key; HCX messages are encrypted with RSA-OAEP, which needs an RSA key", aKeyType(pub))
	}
	return fmt.Sprintf("has %s key, which signs nothing this check accepts", aKeyType(pub))
}

func keyType(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "ECDSA"
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// aKeyType is keyType with its article: "an RSA", "an ECDSA", "an
// Ed25519" (each begins with a vowel sound), "a *dsa.PublicKey".
func aKeyType(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return "an " + keyType(pub)
	}
	return "a " + keyType(pub)
}

// fetchCertificate GETs a certificate URL through the caller's client. It
// returns the body, or why it could not ("could not be fetched: …").
func (c *Checker) fetchCertificate(ctx context.Context, raw string) ([]byte, string) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, "is a URL, but not an absolute https URL"
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "is a URL that cannot be requested"
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.fetch.Do(req)
	if err != nil {
		return nil, "could not be fetched: " + classify(ctx, err, trace{}, c.clock()).message
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Sprintf("could not be fetched: its URL answered HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCertBytes+1))
	switch {
	case err != nil:
		return nil, "could not be fetched: the answer was cut short"
	case len(data) > maxCertBytes:
		return nil, fmt.Sprintf("could not be fetched: it is larger than %d bytes", maxCertBytes)
	}
	return data, ""
}

// judgeAnswer judges challenge, encryption_key and signing_key from a 200
// answer. Checks already decided (an unusable certificate) stay as they
// are.
func (c *Checker) judgeAnswer(b book, s *scene, a *attempt, enc, sig *x509.Certificate) {
	ans := a.answer
	start := c.clock()
	fail := func(check Check, p Problem, msg string) {
		b.set(Result{Check: check, Outcome: Failed, Problem: p, Message: msg, Hint: hint(p, check, s), DurationMS: since(c.clock, start)})
	}
	switch {
	case ans.ID != a.jti:
		fail(CheckChallenge, ProblemReplay, fmt.Sprintf("the answer names challenge %q, not the one just sent (%s)", clip(ans.ID), a.jti))
		return
	case !same(ans.Nonce, a.nonce):
		fail(CheckChallenge, ProblemWrongNonce, "the answer names this challenge but carries another nonce")
		return
	}
	b.set(Result{Check: CheckChallenge, Outcome: Passed, DurationMS: since(c.clock, start),
		Message: fmt.Sprintf("the endpoint verified the operator's challenge and answered with its nonce (jti %s)", a.jti)})

	if enc != nil && !b.has(CheckEncryptionKey) {
		start = c.clock()
		switch {
		case ans.DecryptedNonce != "" && same(ans.DecryptedNonce, a.sealed):
			r := Result{Check: CheckEncryptionKey, Outcome: Passed, DurationMS: since(c.clock, start),
				Message: fmt.Sprintf("the endpoint decrypted the nonce encrypted to encryption_cert (%s, A256GCM)", c.keyAlg)}
			certExpiry(&r, enc, c.clock(), "encryption_cert")
			b.set(r)
		case ans.DecryptedNonce != "":
			msg := "the endpoint returned a decrypted nonce that is not the one encrypted"
			switch {
			case same(ans.DecryptedNonce, a.nonce):
				msg += ": it is the challenge's own nonce, which travels unencrypted"
			case isSealed(ans.DecryptedNonce, a.sealed):
				msg += ": it is the whole decrypted plaintext, not its nonce member"
			}
			fail(CheckEncryptionKey, ProblemWrongNonce, msg)
		case ans.DecryptError == CodeDecryptFailed:
			fail(CheckEncryptionKey, ProblemWrongKey, fmt.Sprintf("the endpoint could not decrypt the nonce encrypted to encryption_cert (%s, A256GCM): "+
				"its private key does not match the registered certificate", c.keyAlg))
			if c.keyAlg == jwa.RSA_OAEP_256 {
				// The right key read with the wrong OAEP parameters fails
				// the same way; the JDK's default ones are wrong.
				r := b[CheckEncryptionKey]
				r.Hint += " If your endpoint decrypts with code of its own rather than package readiness/participant, check as well that it reads RSA-OAEP-256 as RFC 7518 defines it, " +
					`with SHA-256 for both OAEP and MGF1: Java's "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" uses SHA-1 for MGF1 unless given an OAEPParameterSpec with MGF1ParameterSpec.SHA256.`
				b.set(r)
			}
		case ans.DecryptError == CodeUnsupported:
			fail(CheckEncryptionKey, ProblemUnsupported, fmt.Sprintf("the endpoint does not accept the JWE's algorithms (%s, A256GCM)", c.keyAlg))
		case ans.DecryptError != "":
			fail(CheckEncryptionKey, ProblemBadAnswer, fmt.Sprintf("the endpoint could not decrypt the nonce (%s)", clip(string(ans.DecryptError))))
		default:
			fail(CheckEncryptionKey, ProblemBadAnswer, "the answer carries no decrypted nonce")
		}
	}

	if sig != nil && !b.has(CheckSigningKey) {
		start = c.clock()
		if ans.Signature == "" {
			fail(CheckSigningKey, ProblemNoSignature, "the answer is not signed")
			return
		}
		if p, msg := c.verifyAnswer(sig, ans.Signature, s, a); p != "" {
			fail(CheckSigningKey, p, msg)
			return
		}
		r := Result{Check: CheckSigningKey, Outcome: Passed, DurationMS: since(c.clock, start),
			Message: "the answer's signature verifies with the registered signing certificate"}
		certExpiry(&r, sig, c.clock(), "signing_cert_path")
		b.set(r)
	}
}

// isSealed reports whether s is a SealedNonce plaintext holding nonce.
func isSealed(s, nonce string) bool {
	var sn SealedNonce
	return json.Unmarshal([]byte(s), &sn) == nil && same(sn.Nonce, nonce)
}

// certExpiry notes a registered certificate's expiry on a passed result.
func certExpiry(r *Result, cert *x509.Certificate, now time.Time, name string) {
	na := cert.NotAfter.UTC()
	r.NotAfter = &na
	if cert.NotAfter.Sub(now) < ExpiryWarning {
		r.Hint = fmt.Sprintf("The certificate registered as %s expires on %s: register its successor before then.", name, day(cert.NotAfter))
	}
}

// verifyAnswer checks the answer's signature against the signing
// certificate and its claims against the attempt. It returns the problem
// and a message, or "".
func (c *Checker) verifyAnswer(cert *x509.Certificate, token string, s *scene, a *attempt) (Problem, string) {
	msg, err := jws.Parse([]byte(token), jws.WithCompact())
	if err != nil || len(msg.Signatures()) != 1 {
		return ProblemBadAnswer, "the signature is not a compact JWS"
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	if !TypeIs(h.Type(), AnswerType) {
		return ProblemBadAnswer, fmt.Sprintf("the signature's typ is %q, not %q", clip(h.Type()), AnswerType)
	}
	if _, ok := h.Get("crit"); ok {
		return ProblemBadAnswer, "the signature has a crit header, which this check does not accept"
	}
	alg := h.Algorithm()
	if !algorithmFits(alg, cert.PublicKey) {
		return ProblemWrongKey, fmt.Sprintf("the answer is signed with %s, which the registered certificate's %s key does not make", clip(alg.String()), keyType(cert.PublicKey))
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(alg, cert.PublicKey))
	if err != nil {
		return ProblemWrongKey, "the answer's signature does not verify with the registered signing certificate: the endpoint signs with another key"
	}
	cl, why := readAnswerClaims(payload)
	if why != "" {
		return ProblemBadAnswer, why
	}
	switch {
	case cl.ID != a.jti:
		return ProblemReplay, fmt.Sprintf("the signature is for challenge %q, not the one just sent", clip(cl.ID))
	case !same(cl.Nonce, a.nonce):
		return ProblemWrongNonce, "the signature names this challenge but another nonce"
	case cl.Issuer != s.target.ParticipantCode:
		return ProblemWrongParticipant, fmt.Sprintf("the signature is issued by %q, not %q", clip(cl.Issuer), s.target.ParticipantCode)
	case !slices.Contains(cl.Audience, c.issuer):
		return ProblemBadAnswer, fmt.Sprintf("the signature is addressed to %q, not to the operator %q", clip(strings.Join(cl.Audience, ", ")), c.issuer)
	}
	return "", ""
}

// answerJWT is what the checker reads of an answer's signed claims.
type answerJWT struct {
	Issuer, ID, Nonce string
	Audience          []string
}

// readAnswerClaims reads the answer's signed claims as RFC 7519 has a
// JWT's: aud a string or an array of strings, iat (which is not
// checked) any number, members in any order and others besides. It
// returns the claims, or why they are not the answer's.
func readAnswerClaims(payload []byte) (answerJWT, string) {
	var cl answerJWT
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		return cl, "the signed claims are not a JSON object"
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"iss", &cl.Issuer}, {"jti", &cl.ID}, {"nonce", &cl.Nonce}} {
		if raw, ok := m[f.name]; ok && json.Unmarshal(raw, f.dst) != nil {
			return cl, fmt.Sprintf("the signed claims' %s is not a string", f.name)
		}
	}
	if raw, ok := m["aud"]; ok {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			cl.Audience = []string{one}
		} else if err := json.Unmarshal(raw, &cl.Audience); err != nil {
			return cl, "the signed claims' aud is neither a string nor an array of strings"
		}
	}
	if raw, ok := m["iat"]; ok {
		var n *float64
		if err := json.Unmarshal(raw, &n); err != nil {
			return cl, "the signed claims' iat is not a number of seconds"
		}
	}
	return cl, ""
}

// algorithmFits reports whether alg is a signature the key makes.
func algorithmFits(alg jwa.SignatureAlgorithm, pub any) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case jwa.RS256, jwa.RS384, jwa.RS512, jwa.PS256, jwa.PS384, jwa.PS512:
			return true
		}
	case *ecdsa.PublicKey:
		switch alg {
		case jwa.ES256:
			return k.Curve == elliptic.P256()
		case jwa.ES384:
			return k.Curve == elliptic.P384()
		case jwa.ES512:
			return k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == jwa.EdDSA
	}
	return false
}

// same compares two nonces in constant time.
func same(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
