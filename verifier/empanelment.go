package verifier

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/rohini"
)

// EmpanelmentProofType is the JWS "typ" header of a signed empanelment
// proof ("application/hcx-empanelment+jwt" is accepted too).
//
// The guideline accepts "a digitally signed proof from the payer/scheme"
// but names no format, so the library defines one: a compact JWS signed by
// the empanelling payer with the key it registered with the HCX operator
// (see [PayerDirectory]). Algorithms: EdDSA, ES256, ES384, RS256 and PS256
// (RSA keys of at least 2048 bits) — never none or HMAC. A "crit" header is
// refused: this format defines no extension. Claims:
//
//   - iss: the payer's participant code (the application's
//     empanelment.payer_code); sub: the empanelment ID;
//   - jti: the proof's own ID, optional. A proof backs one participant:
//     payer_approval records its single-use key in Result.Claims as
//     "empanelment:<iss>|<jti>", or "empanelment:<iss>|<sub>" without a
//     jti, for the onboarding workflow to consume;
//   - exp and nbf: the proof's own validity (seconds since the epoch),
//     optional;
//   - the facility, which the proof must name: hfr_id, rohini_id,
//     facility_licence (its licence number), or participant_name together
//     with pincode — any of them, as long as one names the facility the
//     application does (see below);
//   - valid_until (YYYY-MM-DD, the contract's last day) and status (the
//     contract's, "active" when in force), optional: a contract that has
//     ended or is not active makes the proof invalid;
//   - scheme, optional.
//
// Binding: an HFR ID, ROHINI ID, licence number or pincode in the proof
// that the application gives differently names another facility, and the
// proof is invalid; so does an HFR or ROHINI ID the application does not
// give at all, unless another registry ID of the proof is the
// application's (a name, pincode or licence number can be copied from the
// proof; the registry ID is what the operator verifies). Otherwise one of them must be the application's (the
// pincode together with a participant_name), else the proof names no
// facility and is invalid too. A participant_name (or scheme) that then
// differs from the application's — the facility found by its identifier or
// place but written another way — goes to a person (review), since names
// are spelled many ways; it never refuses.
const EmpanelmentProofType = "hcx-empanelment+jwt"

// MaxEmpanelmentProof is the longest signed proof accepted, in bytes.
const MaxEmpanelmentProof = 16 << 10

// proofSkew is the clock skew allowed on a proof's exp and nbf.
const proofSkew = time.Minute

// ErrUnknownPayer is what a [PayerDirectory] returns (wrapped) when it has
// no payer with the code asked for; the proof is then invalid. Any other
// directory error is treated as an outage and the requirement stays
// pending.
var ErrUnknownPayer = errors.New("verifier: payer not registered")

// StaticPayerDirectory is a [PayerDirectory] held in memory: payer code to
// public key (ed25519.PublicKey, *ecdsa.PublicKey, *rsa.PublicKey or a
// public jwk.Key).
type StaticPayerDirectory map[string]crypto.PublicKey

// SigningKey returns the payer's key, or an error wrapping ErrUnknownPayer.
func (d StaticPayerDirectory) SigningKey(_ context.Context, payerCode string) (crypto.PublicKey, error) {
	if k, ok := d[payerCode]; ok && k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownPayer, shown(payerCode))
}

var proofAlgorithms = [...]jwa.SignatureAlgorithm{jwa.EdDSA, jwa.ES256, jwa.ES384, jwa.RS256, jwa.PS256}

type proofHeader struct {
	Alg  string          `json:"alg"`
	Typ  string          `json:"typ"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

type proofClaims struct {
	Issuer          string    `json:"iss"`
	Subject         string    `json:"sub"`
	ID              claimText `json:"jti"`
	Expiry          *float64  `json:"exp"`
	NotBefore       *float64  `json:"nbf"`
	Scheme          string    `json:"scheme"`
	ParticipantName string    `json:"participant_name"`
	HFRID           claimText `json:"hfr_id"`
	RohiniID        claimText `json:"rohini_id"`
	Licence         claimText `json:"facility_licence"`
	Pincode         claimText `json:"pincode"`
	ValidUntil      claimText `json:"valid_until"`
	Status          claimText `json:"status"`
}

// claimText decodes a JSON string or number as text: a payer may write a
// pincode or an ID as a number.
type claimText string

func (c *claimText) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*c = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = claimText(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*c = claimText(b)
	default:
		return errors.New("want a string or a number")
	}
	return nil
}

func (c claimText) String() string { return strings.TrimSpace(string(c)) }

// empanelmentProof is a parsed signed proof.
type empanelmentProof struct {
	token  string
	alg    jwa.SignatureAlgorithm
	claims proofClaims
}

// parseProof reads the structure of a signed proof. It checks everything
// but the signature; the problem it returns is for the applicant.
func parseProof(token string) (*empanelmentProof, string) {
	if len(token) > MaxEmpanelmentProof {
		return nil, fmt.Sprintf("is %d bytes; a signed proof is at most %d", len(token), MaxEmpanelmentProof)
	}
	h, rest, ok1 := strings.Cut(token, ".")
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.IndexByte(sig, '.') >= 0 || h == "" || p == "" {
		return nil, "is not a compact JWS (three base64url parts joined by dots); paste it exactly as the payer issued it"
	}
	// Go's decoder skips line breaks; refuse them (and anything else outside
	// base64url) so the parts read here are byte for byte the ones signed.
	for _, part := range [...]string{h, p, sig} {
		if !isBase64URL(part) {
			return nil, "contains characters outside base64url (a line break or space inside?); paste it exactly as the payer issued it"
		}
	}
	hb, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, "has a header that is not base64url; paste it exactly as the payer issued it"
	}
	var hdr proofHeader
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return nil, "has a header that is not a JSON object"
	}
	if len(hdr.Crit) > 0 && !bytes.Equal(hdr.Crit, []byte("null")) {
		return nil, `carries a "crit" header this format does not define`
	}
	typ := strings.TrimPrefix(strings.ToLower(hdr.Typ), "application/")
	if typ != EmpanelmentProofType {
		return nil, fmt.Sprintf("has typ %q; a signed empanelment proof has typ %q", shown(hdr.Typ), EmpanelmentProofType)
	}
	proof := &empanelmentProof{token: token}
	for _, a := range proofAlgorithms {
		if hdr.Alg == a.String() {
			proof.alg = a
		}
	}
	if proof.alg == "" {
		return nil, fmt.Sprintf("is signed with %q; accepted algorithms are EdDSA, ES256, ES384, RS256 and PS256", shown(hdr.Alg))
	}
	pb, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, "has a payload that is not base64url; paste it exactly as the payer issued it"
	}
	if err := json.Unmarshal(pb, &proof.claims); err != nil {
		return nil, "has a payload that is not a JSON object of the expected claims"
	}
	// The signature is checked for shape only after the algorithm, so that
	// an unsigned token is reported for its "none", not as a broken JWS.
	if sig == "" {
		return nil, "has no signature; ask the payer for a signed proof"
	}
	if _, err := base64.RawURLEncoding.DecodeString(sig); err != nil {
		return nil, "has a signature that is not base64url"
	}
	if strings.TrimSpace(proof.claims.Issuer) == "" {
		return nil, "names no issuer (iss): the payer's participant code"
	}
	if strings.TrimSpace(proof.claims.Subject) == "" {
		return nil, "names no empanelment ID (sub)"
	}
	for _, v := range [...]string{proof.claims.Issuer, proof.claims.Subject, string(proof.claims.ID)} {
		if p := textProblem(v); p != "" {
			return nil, "has an iss, sub or jti that " + p
		}
	}
	return proof, ""
}

// against checks the proof's claims against the application and the
// clock; the problem it returns, for the applicant, makes the proof
// invalid.
func (p *empanelmentProof) against(app *hcxonboard.Application, now time.Time) string {
	_, problem, _ := p.compare(app, now)
	return problem
}

// compare checks the proof's claims against the application and the
// clock. It returns the findings (source "payer"), the first problem that
// makes the proof invalid, and a difference for a person to review.
func (p *empanelmentProof) compare(app *hcxonboard.Application, now time.Time) (fs []Finding, problem, review string) {
	c := &p.claims
	e := app.Empanelment
	payer := strings.TrimSpace(e.PayerCode)
	switch {
	case payer == "":
		return nil, fmt.Sprintf("is signed by payer %q but the application names no payer code: set empanelment.payer_code to %q", shown(c.Issuer), shown(c.Issuer)), ""
	case c.Issuer != payer:
		return nil, fmt.Sprintf("was issued by %q, not by the payer named in empanelment.payer_code (%q)", shown(c.Issuer), shown(payer)), ""
	}
	fs = append(fs, found("payer", payer, c.Issuer, sourcePayer, true, ""))
	if id := strings.TrimSpace(e.EmpanelmentID); id != "" {
		if c.Subject != id {
			return nil, fmt.Sprintf("is for empanelment ID %q, but empanelment.empanelment_id is %q", shown(c.Subject), shown(id)), ""
		}
		fs = append(fs, found("empanelment_id", id, c.Subject, sourcePayer, true, ""))
	}
	if c.Expiry != nil {
		if exp := numericDate(*c.Expiry); !now.Before(exp.Add(proofSkew)) {
			return nil, "expired on " + exp.In(ist).Format(time.DateOnly) + "; ask the payer for a current one", ""
		}
	}
	if c.NotBefore != nil {
		if nbf := numericDate(*c.NotBefore); now.Add(proofSkew).Before(nbf) {
			return nil, "is not valid before " + nbf.In(ist).Format(time.DateOnly), ""
		}
	}
	if until := c.ValidUntil.String(); until != "" {
		end, ok := parseDate(until)
		switch {
		case !ok:
			return nil, fmt.Sprintf("gives the contract's end (valid_until) as %q, not a date in YYYY-MM-DD form; ask the payer to issue it again", shown(until)), ""
		case !now.Before(end):
			fs = append(fs, found("valid_until", "", until, sourcePayer, false, "the contract has ended"))
			return fs, "shows that the contract with the payer ended on " + until + "; renew the empanelment and ask the payer for a current proof", ""
		}
		fs = append(fs, found("valid_until", "", until, sourcePayer, true, ""))
	}
	if st := c.Status.String(); st != "" {
		if !strings.EqualFold(st, "active") {
			fs = append(fs, found("status", "", st, sourcePayer, false, "the contract is not active"))
			return fs, fmt.Sprintf("says the contract with the payer is %q, not active; a facility onboards on an active empanelment", shown(st)), ""
		}
		fs = append(fs, found("status", "", st, sourcePayer, true, ""))
	}
	b := p.bind(app)
	fs = append(fs, b.findings...)
	switch {
	case len(b.other) > 0:
		return fs, "names another facility — " + differences(b.other) + "; a proof backs only the facility it names", ""
	case !b.bound:
		return fs, "does not name this facility: the payer names it by the HFR ID, ROHINI ID or licence number the application gives " +
			"(claims hfr_id, rohini_id, facility_licence), or by its name and pincode (participant_name and pincode); ask the payer to issue it again", ""
	}
	if b.name != nil {
		review = fmt.Sprintf("the payer's proof names the facility %q, the application %q", b.name.Registry, b.name.Applicant)
	}
	if s := strings.TrimSpace(e.Scheme); c.Scheme != "" && s != "" {
		same := SameName(c.Scheme, s)
		fs = append(fs, found("scheme", s, c.Scheme, sourcePayer, same, ""))
		if !same && review == "" {
			review = fmt.Sprintf("the payer's proof names the scheme %q, the application %q", shown(c.Scheme), shown(s))
		}
	}
	return fs, "", review
}

// binding is how a proof names its facility.
type binding struct {
	findings []Finding
	other    []Finding // identifiers or pincode of another facility
	name     *Finding  // a participant_name that differs
	bound    bool      // an identifier, or name and pincode, is the application's
}

func (p *empanelmentProof) bind(app *hcxonboard.Application) binding {
	c := &p.claims
	ids := &app.Identifiers
	var b binding
	key := func(field, applicant, proof string) {
		if applicant == "" || proof == "" {
			return // named on one side only: nothing to compare
		}
		f := found(field, applicant, proof, sourcePayer, applicant == proof, "")
		b.findings = append(b.findings, f)
		if f.Match {
			b.bound = true
		} else {
			b.other = append(b.other, f)
		}
	}
	key("hfr_id", normalizeHFRID(ids.HFRID), normalizeHFRID(c.HFRID.String()))
	key("rohini_id", rohini.Normalize(ids.RohiniID), rohini.Normalize(c.RohiniID.String()))
	if !b.bound {
		// A proof naming its facility by a registry id belongs to that
		// facility: the id is what the operator verifies, while a name,
		// pincode or licence number can be copied from the proof. One the
		// application does not give names another facility, unless
		// another registry id of the proof binds it.
		oneSided := func(field, applicant, proof string) {
			if applicant == "" && proof != "" {
				f := found(field, "", proof, sourcePayer, false, "the application gives no "+field)
				b.findings = append(b.findings, f)
				b.other = append(b.other, f)
			}
		}
		oneSided("hfr_id", normalizeHFRID(ids.HFRID), normalizeHFRID(c.HFRID.String()))
		oneSided("rohini_id", rohini.Normalize(ids.RohiniID), rohini.Normalize(c.RohiniID.String()))
	}
	var licence string
	if ids.FacilityLicence != nil {
		licence = licenceKey(ids.FacilityLicence.Number)
	}
	key("facility_licence", licence, licenceKey(c.Licence.String()))

	pinMatch := false
	if pin := c.Pincode.String(); pin != "" {
		if f := pincodeFinding(app, pin, sourcePayer); pincodeOf(pin) != "" && f.Applicant != "" && pincodeOf(f.Applicant) != "" {
			b.findings = append(b.findings, f)
			if pinMatch = f.Match; !f.Match {
				b.other = append(b.other, f)
			}
		}
	}
	if name := strings.TrimSpace(c.ParticipantName); name != "" {
		f := nameFinding(app.ParticipantName, name, sourcePayer)
		b.findings = append(b.findings, f)
		if !f.Match {
			b.name = &f
		}
		b.bound = b.bound || pinMatch
	}
	return b
}

// licenceKey is a licence number as compared: upper case, its parts
// joined by '/' whatever separated them (slashes, hyphens, dots, spaces),
// so KPME-BR-2020-0311 and KPME BR 2020 0311 are KPME/BR/2020/0311; the
// parts themselves are kept as written.
func licenceKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool {
		return r == '/' || r == '.' || unicode.Is(unicode.Pd, r) || unicode.IsSpace(r)
	}), "/")
}

// EmpanelmentProofClaim is the single-use key of the signed empanelment
// proof app carries (see EmpanelmentProofType): "empanelment:<iss>|<jti>",
// or "empanelment:<iss>|<sub>" without a jti; "" when it carries none that
// reads as one. It checks no signature: a workflow consumes the key of a
// proof whose signature it could not check only once the payer (or staff
// for it) has approved the empanelment.
func EmpanelmentProofClaim(app *hcxonboard.Application) string {
	if app == nil || app.Empanelment == nil {
		return ""
	}
	token := strings.TrimSpace(app.Empanelment.Proof)
	if token == "" {
		return ""
	}
	proof, problem := parseProof(token)
	if problem != "" {
		return ""
	}
	return proof.claimKey()
}

// claimKey is the proof's single-use key (see EmpanelmentProofType).
func (p *empanelmentProof) claimKey() string {
	id := p.claims.ID.String()
	if id == "" {
		id = p.claims.Subject
	}
	return "empanelment:" + p.claims.Issuer + "|" + id
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; alnumValue(c) < 0 && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func numericDate(f float64) time.Time {
	const maxSeconds = 1 << 40 // far beyond any real date; keeps the conversion defined
	switch {
	case f != f || f < -maxSeconds:
		return time.Unix(-maxSeconds, 0)
	case f > maxSeconds:
		return time.Unix(maxSeconds, 0)
	}
	return time.Unix(int64(f), 0)
}

// verify checks the signature with the payer's registered key.
func (p *empanelmentProof) verify(key crypto.PublicKey) string {
	if jk, ok := key.(jwk.Key); ok {
		var raw any
		if err := jk.Raw(&raw); err != nil {
			return "cannot be checked: the payer's registered key is not usable"
		}
		key = raw
	}
	if problem := keyFits(p.alg, key); problem != "" {
		return problem
	}
	if _, err := jws.Verify([]byte(p.token), jws.WithKey(p.alg, key)); err != nil {
		return "has a signature that does not match the payer's registered key; ask the payer to issue it again"
	}
	return ""
}

// keyFits says why key cannot verify alg, or "".
func keyFits(alg jwa.SignatureAlgorithm, key crypto.PublicKey) string {
	var family string
	ok := false
	switch k := key.(type) {
	case ed25519.PublicKey:
		family, ok = "Ed25519", alg == jwa.EdDSA && len(k) == ed25519.PublicKeySize
	case *ecdsa.PublicKey:
		family = "ECDSA"
		if k != nil && k.Curve != nil {
			family = "ECDSA " + k.Curve.Params().Name
			ok = (alg == jwa.ES256 && k.Curve == elliptic.P256()) || (alg == jwa.ES384 && k.Curve == elliptic.P384())
		}
	case *rsa.PublicKey:
		family = "RSA"
		if k == nil || k.N == nil || k.N.BitLen() < 2048 {
			return "cannot be checked: the payer's registered RSA key is shorter than 2048 bits"
		}
		ok = alg == jwa.RS256 || alg == jwa.PS256
	default:
		return "cannot be checked: the payer's registered key is of an unsupported type"
	}
	if !ok {
		return fmt.Sprintf("is signed with %s but the payer's registered key is %s; ask the payer to sign with its registered key", alg, family)
	}
	return ""
}

// payerLabel names the empanelling payer for messages.
func payerLabel(e *hcxonboard.Empanelment) string {
	name, code, scheme := strings.TrimSpace(e.PayerName), strings.TrimSpace(e.PayerCode), strings.TrimSpace(e.Scheme)
	var s string
	switch {
	case name != "" && code != "":
		s = shownName(name) + " (" + shown(code) + ")"
	case name != "":
		s = shownName(name)
	case code != "":
		s = shown(code)
	}
	if scheme != "" {
		if s == "" {
			return "the scheme " + shown(scheme)
		}
		s += " for " + shown(scheme)
	}
	return s
}

func hasPayer(e *hcxonboard.Empanelment) bool {
	return e != nil && (present(e.PayerCode) || present(e.PayerName) || present(e.Scheme))
}

func checkEmpanelmentPayer(_ context.Context, in *Input) Result {
	e := in.App.Empanelment
	if !hasPayer(e) {
		return missing("Name the payer or scheme that empanelled this facility: empanelment.payer_code (its HCX participant code), payer_name or scheme")
	}
	for _, f := range [...]string{e.PayerCode, e.PayerName, e.Scheme, e.EmpanelmentID} {
		if p := textProblem(strings.TrimSpace(f)); p != "" {
			return invalid("Correct the empanelment details: a field " + p)
		}
	}
	return satisfied("Empanelled by " + payerLabel(e))
}

// checkEmpanelmentProof wants a physical proof (a document of kind
// empanelment_proof) or a signed proof from the payer. Either one given
// must be well formed, and a signed proof must name this facility and an
// active contract; the signature itself is checked under payer_approval,
// against the payer's registered key. An empanelment ID alone, which the
// guideline lists among the proofs, leaves it pending the payer's
// confirmation (task approval), like payer_approval.
func checkEmpanelmentProof(_ context.Context, in *Input) Result {
	app := in.App
	docFound, docProblem := validDocument(app, hcxonboard.DocEmpanelmentProof)
	if docProblem != "" {
		return invalid("Empanelment proof (document " + hcxonboard.DocEmpanelmentProof + "): " + docProblem)
	}
	var token string
	if app.Empanelment != nil {
		token = strings.TrimSpace(app.Empanelment.Proof)
	}
	if token != "" {
		proof, problem := parseProof(token)
		if problem == "" {
			problem = proof.against(app, in.Now)
		}
		if problem != "" {
			return invalid("The signed empanelment proof " + problem)
		}
		if !docFound {
			return satisfied("Signed empanelment proof from " + shown(proof.claims.Issuer) + " for empanelment ID " + shown(proof.claims.Subject))
		}
	}
	if docFound {
		return satisfied("Empanelment proof attached")
	}
	if e := app.Empanelment; e != nil && present(e.EmpanelmentID) {
		if p := textProblem(strings.TrimSpace(e.EmpanelmentID)); p != "" {
			return invalid("empanelment.empanelment_id " + p)
		}
		return pending(TaskApproval, "Empanelment ID "+shown(strings.TrimSpace(e.EmpanelmentID))+" given without a document or a signed proof: "+
			"the payer confirms it (see payer_approval); attaching the empanelment letter or contract, or a proof signed by the payer, may speed this up")
	}
	return missing("Attach proof of empanelment: a copy of the empanelment letter, the signed contract or the latest transaction with the payer (document kind " +
		hcxonboard.DocEmpanelmentProof + " with uri and sha256), a proof signed by the payer (empanelment.proof), or at least the empanelment ID (empanelment.empanelment_id) for the payer to confirm")
}

// checkPayerApproval settles the empanelling payer's confirmation: a valid
// signed proof, checked against the key the payer registered, that names
// this facility and an active contract settles it; without one the payer
// is asked (pending approval). The findings say what the proof was
// compared with; a verified proof's single-use key is in Claims.
func checkPayerApproval(ctx context.Context, in *Input) Result {
	e := in.App.Empanelment
	if !hasPayer(e) {
		return missing("Needs the empanelling payer or scheme first (see empanelment_payer)")
	}
	who := payerLabel(e)
	token := strings.TrimSpace(e.Proof)
	if token == "" {
		return pending(TaskApproval, "The operator will ask "+who+" to confirm that this facility is empanelled with it")
	}
	proof, problem := parseProof(token)
	if problem != "" {
		return invalid("The signed empanelment proof " + problem)
	}
	findings, problem, review := proof.compare(in.App, in.Now)
	if problem != "" {
		return withFindings(invalid("The signed empanelment proof "+problem), findings)
	}
	if in.Payers == nil {
		return withFindings(pending(TaskApproval, "The proof signed by "+who+" looks right; the operator checks its signature against the payer's registered key"), findings)
	}
	code := strings.TrimSpace(e.PayerCode)
	lctx, cancel := in.lookupContext(ctx)
	key, err := in.Payers.SigningKey(lctx, code)
	cancel()
	switch {
	case errors.Is(err, ErrUnknownPayer):
		return invalid("Payer " + shown(code) + " is not registered on this HCX, so its proof cannot be checked: correct empanelment.payer_code")
	case err != nil:
		return pending(TaskRetry, "The payer directory could not be reached to check the proof from "+who+" ("+cause(err)+"); the check runs again later")
	case key == nil:
		return withFindings(pending(TaskApproval, "Payer "+shown(code)+" has no registered signing key; the operator will ask "+who+" to confirm the empanelment"), findings)
	}
	if problem := proof.verify(key); problem != "" {
		return invalid("The signed empanelment proof " + problem)
	}
	var r Result
	if review != "" {
		r = pending(TaskReview, "Signature valid, but "+review+"; the operator confirms they are the same")
	} else {
		r = satisfied("Empanelment " + shown(proof.claims.Subject) + " confirmed by a proof signed by " + who)
	}
	r.Findings = findings
	r.Claims = []string{proof.claimKey()}
	return r
}
