package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/openhcx/hcxonboard"
)

// b64 is unpadded base64url that refuses non-canonical encodings (stray
// bits in the last character), so one certificate has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// header is the protected JWS header of a sandbox certificate.
type header struct {
	Alg  string          `json:"alg"`
	Typ  *string         `json:"typ"`
	Kid  *string         `json:"kid"`
	Crit json.RawMessage `json:"crit"`
	B64  json.RawMessage `json:"b64"`
}

// wireClaims is the JSON form of Claims.
type wireClaims struct {
	Issuer          string       `json:"iss"`
	Subject         string       `json:"sub"`
	ID              string       `json:"jti"`
	IssuedAt        *numericDate `json:"iat,omitempty"`
	NotBefore       *numericDate `json:"nbf,omitempty"`
	Expiry          *numericDate `json:"exp,omitempty"`
	Roles           []string     `json:"hcx_roles"`
	ParticipantName string       `json:"participant_name,omitempty"`
	Solution        *Solution    `json:"solution,omitempty"`
	Kind            *string      `json:"hcx_cert_kind,omitempty"`
}

// numericDate is a JWT NumericDate: seconds since the epoch, a JSON number
// (fractions allowed on input, whole seconds on output).
type numericDate struct{ time.Time }

// maxNumericDate is 9999-12-31T23:59:59Z; later values are nonsense.
const maxNumericDate = 253402300799

func (d numericDate) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, d.Unix(), 10), nil
}

func (d *numericDate) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return fmt.Errorf("want a number of seconds, got %s", clip(string(b)))
	}
	if sec, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		if sec < 0 || sec > maxNumericDate {
			return fmt.Errorf("%d is out of range", sec)
		}
		d.Time = time.Unix(sec, 0).UTC()
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return fmt.Errorf("%s is not a valid date", clip(string(b)))
	}
	sec, frac := math.Modf(f)
	d.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// parsed is a compact JWS taken apart, before any signature check.
type parsed struct {
	signingInput string // header.payload, exactly as received
	signature    []byte
	header       header
	alg          jwa.SignatureAlgorithm
	family       keyFamily
	kid          string
	claims       Claims
}

// parseToken checks everything that does not need a key: compact form,
// base64url, header (alg allow-list, typ, no crit), claim types and the
// presence of the required claims.
func parseToken(token string) (*parsed, error) {
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	case len(token) > MaxCertificateSize:
		return nil, fmt.Errorf("%w: %d bytes, more than the %d accepted", ErrMalformed, len(token), MaxCertificateSize)
	case token[0] == '{':
		return nil, fmt.Errorf("%w: JWS JSON serialization is not accepted; send the compact form", ErrMalformed)
	}
	// encoding/base64 skips CR and LF even in strict mode; refuse them (and
	// anything else outside the alphabet) so a certificate has one spelling.
	for i := 0; i < len(token); i++ {
		if c := token[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			part := [...]string{"header", "payload", "signature"}[min(strings.Count(token[:i], "."), 2)]
			return nil, fmt.Errorf("%w: character %q in the %s (offset %d) is not unpadded base64url", ErrMalformed, c, part, i)
		}
	}
	dot1 := strings.IndexByte(token, '.')
	dot2 := strings.LastIndexByte(token, '.')
	if dot1 < 0 || dot1 == dot2 || strings.Count(token, ".") != 2 {
		return nil, fmt.Errorf("%w: a compact JWS has 3 dot-separated parts, this has %d", ErrMalformed, strings.Count(token, ".")+1)
	}
	p := &parsed{signingInput: token[:dot2]}

	hb, err := b64.DecodeString(token[:dot1])
	if err != nil {
		return nil, fmt.Errorf("%w: header is not unpadded base64url", ErrMalformed)
	}
	if err := decodeObject(hb, &p.header, headerMembers); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	if err := p.checkHeader(); err != nil {
		return nil, err
	}

	if p.signature, err = b64.DecodeString(token[dot2+1:]); err != nil {
		return nil, fmt.Errorf("%w: signature is not unpadded base64url", ErrMalformed)
	}
	if err := checkSignatureSize(p.alg, p.signature); err != nil {
		return nil, err
	}

	pb, err := b64.DecodeString(token[dot1+1 : dot2])
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not unpadded base64url", ErrMalformed)
	}
	var w wireClaims
	if err := decodeObject(pb, &w, claimMembers); err != nil {
		return nil, fmt.Errorf("%w: claims: %w", ErrMalformed, err)
	}
	if p.claims, err = w.toClaims(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *parsed) checkHeader() error {
	h := &p.header
	alg := jwa.SignatureAlgorithm(h.Alg)
	fam, ok := algorithms[alg]
	if !ok {
		if h.Alg == "" {
			return fmt.Errorf("%w: header has no alg (accepted: %s)", ErrAlgorithm, algorithmList())
		}
		return fmt.Errorf("%w: %q (accepted: %s)", ErrAlgorithm, clip(h.Alg), algorithmList())
	}
	p.alg, p.family = alg, fam
	if h.Typ == nil {
		return fmt.Errorf("%w: header has no typ, want %q", ErrType, MediaType)
	}
	if !typeMatches(*h.Typ) {
		return fmt.Errorf("%w: typ is %q, want %q", ErrType, clip(*h.Typ), MediaType)
	}
	// No extension is understood, so any critical one must be refused
	// (RFC 7515 §4.1.11); b64 is only meaningful through crit (RFC 7797).
	if len(h.Crit) > 0 {
		return fmt.Errorf("%w: critical header extensions %s are not supported", ErrMalformed, clip(string(h.Crit)))
	}
	if len(h.B64) > 0 {
		return fmt.Errorf("%w: the b64 header (unencoded payload) is not supported", ErrMalformed)
	}
	if h.Kid != nil {
		if *h.Kid == "" {
			return fmt.Errorf("%w: kid is empty", ErrMalformed)
		}
		p.kid = *h.Kid
	}
	return nil
}

// typeMatches compares a typ header with MediaType the way RFC 7515 §4.1.9
// says media types compare: case-insensitively, with "application/"
// optional.
func typeMatches(typ string) bool {
	const prefix = "application/"
	if len(typ) > len(prefix) && strings.EqualFold(typ[:len(prefix)], prefix) {
		typ = typ[len(prefix):]
	}
	return strings.EqualFold(typ, MediaType)
}

// checkSignatureSize rejects a signature that cannot be right for alg
// before any key is looked at.
func checkSignatureSize(alg jwa.SignatureAlgorithm, sig []byte) error {
	var ok bool
	switch alg {
	case jwa.EdDSA:
		ok = len(sig) == 64
	case jwa.ES256:
		ok = len(sig) == 64
	case jwa.ES384:
		ok = len(sig) == 96
	default: // RSA: one modulus long
		ok = len(sig) >= minRSABits/8 && len(sig) <= maxRSABits/8
	}
	if !ok {
		return fmt.Errorf("%w: a %d-byte signature is impossible for %s", ErrMalformed, len(sig), alg)
	}
	return nil
}

func (w *wireClaims) toClaims() (Claims, error) {
	var missing []string
	for _, c := range []struct {
		name    string
		present bool
	}{
		{"iss", w.Issuer != ""},
		{"sub", w.Subject != ""},
		{"jti", w.ID != ""},
		{"exp", w.Expiry != nil},
		{"hcx_roles", len(w.Roles) > 0},
	} {
		if !c.present {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return Claims{}, fmt.Errorf("%w: required claims missing or empty: %s", ErrMalformed, strings.Join(missing, ", "))
	}
	c := Claims{
		Issuer:          w.Issuer,
		Subject:         w.Subject,
		ID:              w.ID,
		Expiry:          w.Expiry.Time,
		ParticipantName: w.ParticipantName,
		Solution:        w.Solution,
		Roles:           make([]hcxonboard.Role, 0, len(w.Roles)),
		Kind:            KindParticipant,
	}
	if w.Kind != nil {
		switch k := Kind(*w.Kind); k {
		case KindParticipant, KindSolution:
			c.Kind = k
		default:
			return Claims{}, fmt.Errorf("%w: hcx_cert_kind %q is neither %q nor %q", ErrMalformed, clip(*w.Kind), KindParticipant, KindSolution)
		}
	}
	if c.Kind == KindSolution && (w.Solution == nil || strings.TrimSpace(w.Solution.Name) == "") {
		return Claims{}, fmt.Errorf("%w: a solution certificate needs the solution claim with a name", ErrMalformed)
	}
	if w.IssuedAt != nil {
		c.IssuedAt = w.IssuedAt.Time
	}
	if w.NotBefore != nil {
		c.NotBefore = w.NotBefore.Time
	}
	for i, s := range w.Roles {
		r, err := hcxonboard.ParseRole(s)
		if err != nil {
			return Claims{}, fmt.Errorf("%w: hcx_roles[%d]: %w", ErrMalformed, i, err)
		}
		c.Roles = append(c.Roles, r)
	}
	if start := c.validFrom(); !start.IsZero() && !c.Expiry.After(start) {
		return Claims{}, fmt.Errorf("%w: exp %s is not after nbf/iat %s", ErrMalformed, stamp(c.Expiry), stamp(start))
	}
	return c, nil
}

func (c *Claims) toWire() *wireClaims {
	w := &wireClaims{
		Issuer:          c.Issuer,
		Subject:         c.Subject,
		ID:              c.ID,
		IssuedAt:        &numericDate{c.IssuedAt},
		NotBefore:       &numericDate{c.NotBefore},
		Expiry:          &numericDate{c.Expiry},
		Roles:           make([]string, len(c.Roles)),
		ParticipantName: c.ParticipantName,
		Solution:        c.Solution,
	}
	if c.Kind != "" {
		k := string(c.Kind)
		w.Kind = &k
	}
	for i, r := range c.Roles {
		w.Roles[i] = string(r)
	}
	return w
}

// validFrom is the start of the validity window: nbf, or iat when there is
// no nbf (a certificate cannot be valid before it was issued).
func (c *Claims) validFrom() time.Time {
	if !c.NotBefore.IsZero() {
		return c.NotBefore
	}
	return c.IssuedAt
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Member names decodeObject knows for each object, to refuse near misses.
var (
	headerMembers = []string{"alg", "typ", "kid", "crit", "b64"}
	claimMembers  = []string{"iss", "sub", "jti", "iat", "nbf", "exp", "hcx_roles", "participant_name", "solution", "hcx_cert_kind"}
)

// decodeObject decodes one JSON object into v. Unlike json.Unmarshal it
// refuses a member name used twice at the top level, and a name that
// differs from a known one only in case (encoding/json would fold "ISS"
// into iss): parsers disagree on both, and a certificate must mean one
// thing to every reader.
func decodeObject(b []byte, v any, known []string) error {
	if i := skipSpace(b, 0); i == len(b) || b[i] != '{' {
		return errors.New("not a JSON object")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fmt.Errorf("%s: want a JSON %s, got %s", te.Field, jsonKind(te.Type.Kind()), te.Value)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			if strings.HasPrefix(se.Error(), "invalid character") && strings.Contains(se.Error(), "after top-level value") {
				return errors.New("data after the JSON object")
			}
			return fmt.Errorf("not JSON: %w", err)
		}
		return err
	}
	return uniqueMembers(b, known)
}

// jsonKind names the JSON type a Go kind decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Pointer, reflect.Interface:
		return "value"
	default:
		return "number"
	}
}

// errScan reports JSON uniqueMembers could not walk; it only happens if b
// was not valid JSON, which decodeObject has ruled out.
var errScan = errors.New("not JSON")

// uniqueMembers checks that the top-level member names of b, a JSON object
// already known to be valid, are distinct and spelt exactly as the known
// ones. It walks the bytes rather than using json.Decoder.Token, which
// would cost more than the rest of Verify together.
func uniqueMembers(b []byte, known []string) error {
	var seen [16]string
	names := seen[:0]
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return errScan
	}
	i++
	for {
		i = skipSpace(b, i)
		if i == len(b) {
			return errScan
		}
		switch b[i] {
		case '}':
			return nil
		case ',':
			i = skipSpace(b, i+1)
		}
		if i == len(b) || b[i] != '"' {
			return errScan
		}
		end, escaped := stringEnd(b, i)
		if end < 0 {
			return errScan
		}
		var name string
		if escaped {
			// "i\u0073s" is "iss": compare names as decoded.
			if err := json.Unmarshal(b[i:end], &name); err != nil {
				return errScan
			}
		} else {
			name = string(b[i+1 : end-1])
		}
		for _, n := range names {
			if n == name {
				return fmt.Errorf("member %q appears twice", clip(name))
			}
		}
		for _, k := range known {
			if name != k && strings.EqualFold(name, k) {
				return fmt.Errorf("member %q must be spelt %q", clip(name), k)
			}
		}
		names = append(names, name)
		i = skipSpace(b, end)
		if i == len(b) || b[i] != ':' {
			return errScan
		}
		if i = skipJSONValue(b, skipSpace(b, i+1)); i < 0 {
			return errScan
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string starting at b[i]
// (a quote), and whether it holds escapes; -1 if it does not end.
func stringEnd(b []byte, i int) (end int, escaped bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// skipJSONValue returns the index just past the JSON value at b[i], or -1.
func skipJSONValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, _ := stringEnd(b, i)
				if end < 0 {
					return -1
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default: // number, true, false, null
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		return i
	}
}
