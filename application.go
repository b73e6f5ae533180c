package hcxonboard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxApplicationSize is the largest application document DecodeApplication
// reads. Documents are references, never blobs, so real applications are a
// few kilobytes.
const MaxApplicationSize = 1 << 20

// Sponsor kinds: an agency.sponsor is either a state (government) scheme or
// a corporate paying for its employees; the guideline asks each for
// different documents.
const (
	SponsorStateScheme = "state_scheme"
	SponsorCorporate   = "corporate"
)

// Document kinds an application may reference.
const (
	DocSignatoryLetter          = "authorized_signatory_letter"
	DocGovernmentApprovalLetter = "government_approval_letter"
	DocAddressProof             = "address_proof"
	DocFacilityLicence          = "facility_licence"
	DocEmpanelmentProof         = "empanelment_proof"
	DocIRDALicence              = "irda_licence"
)

// Application is what a participant submits to go live: version 1 of the
// application JSON contract, shared by every tool and client.
type Application struct {
	ApplicationID      string       `json:"application_id,omitempty"`
	ParticipantName    string       `json:"participant_name"`
	Roles              []Role       `json:"roles"`
	PrimaryEmail       string       `json:"primary_email"`
	PrimaryMobile      string       `json:"primary_mobile"`
	Address            *Address     `json:"address,omitempty"`
	SponsorKind        string       `json:"sponsor_kind,omitempty"`
	Identifiers        Identifiers  `json:"identifiers"`
	SystemAdmin        *Contact     `json:"system_admin,omitempty"`
	Documents          []Document   `json:"documents,omitempty"`
	Empanelment        *Empanelment `json:"empanelment,omitempty"`
	BSP                *BSPDetails  `json:"bsp,omitempty"`
	SandboxCertificate string       `json:"sandbox_certificate"`
	// SandboxParticipantCode is the code the sandbox knew the applicant
	// by: a participant certificate's sub must equal it. Applications
	// written before it existed still decode; the checks report it missing.
	SandboxParticipantCode string   `json:"sandbox_participant_code,omitempty"`
	Details                *Details `json:"details,omitempty"`
}

// Address is a physical address, with the registry's field names.
type Address struct {
	Plot     string `json:"plot,omitempty"`
	Street   string `json:"street,omitempty"`
	Landmark string `json:"landmark,omitempty"`
	Village  string `json:"village,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state,omitempty"`
	Pincode  string `json:"pincode,omitempty"`
}

// Identifiers are the registry and regulator identifiers an applicant offers.
type Identifiers struct {
	HFRID                  string           `json:"hfr_id,omitempty"`
	HPRID                  string           `json:"hpr_id,omitempty"`
	RohiniID               string           `json:"rohini_id,omitempty"`
	IRDARegistrationNumber string           `json:"irda_registration_number,omitempty"`
	IRDAUserID             string           `json:"irda_user_id,omitempty"`
	GSTIN                  string           `json:"gstin,omitempty"`
	SchemeCode             string           `json:"scheme_code,omitempty"`
	FacilityLicence        *FacilityLicence `json:"facility_licence,omitempty"`
}

// FacilityLicence is a facility's operating licence. ValidUntil is a date,
// YYYY-MM-DD.
type FacilityLicence struct {
	Number     string `json:"number"`
	ValidUntil string `json:"valid_until"`
}

// Contact is a person the operator can reach, such as the system admin who
// receives the onboarding OTP.
type Contact struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Mobile string `json:"mobile"`
}

// Document references a supporting document: where it is, its SHA-256
// digest (64 hex characters) and its media type. Documents are never
// embedded.
type Document struct {
	Kind      string `json:"kind"`
	URI       string `json:"uri"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type,omitempty"`
}

// Empanelment names the payer or scheme that empanelled a provider known to
// neither HFR nor ROHINI. Proof, when present, is a compact JWS signed by
// that payer.
type Empanelment struct {
	PayerCode     string `json:"payer_code,omitempty"`
	PayerName     string `json:"payer_name,omitempty"`
	Scheme        string `json:"scheme,omitempty"`
	EmpanelmentID string `json:"empanelment_id,omitempty"`
	Proof         string `json:"proof,omitempty"`
}

// BSPDetails carries what a beneficiary service platform declares.
type BSPDetails struct {
	StakeholdersServiced []string `json:"stakeholders_serviced"`
}

// Details are the technical details gathered in step 3; they may come with
// the application or later.
type Details struct {
	EndpointURL     string `json:"endpoint_url,omitempty"`
	EncryptionCert  string `json:"encryption_cert,omitempty"`
	SigningCertPath string `json:"signing_cert_path,omitempty"`
}

// Document returns the first document of the given kind, if any.
func (a *Application) Document(kind string) (Document, bool) {
	for _, d := range a.Documents {
		if d.Kind == kind {
			return d, true
		}
	}
	return Document{}, false
}

// HasRole reports whether the application applies for r.
func (a *Application) HasRole(r Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of a, so that callers may keep or change it
// without touching the original.
func (a *Application) Clone() *Application {
	if a == nil {
		return nil
	}
	c := *a
	c.Roles = append([]Role(nil), a.Roles...)
	c.Documents = append([]Document(nil), a.Documents...)
	if a.Address != nil {
		v := *a.Address
		c.Address = &v
	}
	if a.Identifiers.FacilityLicence != nil {
		v := *a.Identifiers.FacilityLicence
		c.Identifiers.FacilityLicence = &v
	}
	if a.SystemAdmin != nil {
		v := *a.SystemAdmin
		c.SystemAdmin = &v
	}
	if a.Empanelment != nil {
		v := *a.Empanelment
		c.Empanelment = &v
	}
	if a.BSP != nil {
		v := BSPDetails{StakeholdersServiced: append([]string(nil), a.BSP.StakeholdersServiced...)}
		c.BSP = &v
	}
	if a.Details != nil {
		v := *a.Details
		c.Details = &v
	}
	return &c
}

// DecodeApplication reads one application document from r. Decoding is
// strict: the document must be one JSON object in valid UTF-8, and an
// unknown field (names match the contract exactly, case included), a field
// given twice, a field of the wrong type, an unknown role, trailing data or
// a document over MaxApplicationSize is an error wrapping
// ErrInvalidApplication (or ErrTooLarge) that names the problem.
func DecodeApplication(r io.Reader) (*Application, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxApplicationSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrInvalidApplication, err)
	}
	if len(data) > MaxApplicationSize {
		return nil, fmt.Errorf("%w: application is over %d bytes", ErrTooLarge, MaxApplicationSize)
	}
	return UnmarshalApplication(data)
}

// UnmarshalApplication decodes an application from data with the same
// strict rules as DecodeApplication.
func UnmarshalApplication(data []byte) (*Application, error) {
	if len(data) > MaxApplicationSize {
		return nil, fmt.Errorf("%w: application is over %d bytes", ErrTooLarge, MaxApplicationSize)
	}
	// The whole document, names included, must be UTF-8: a name or value
	// that is not would be stored and echoed as it came.
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the document is not valid UTF-8 (from byte %d)", ErrInvalidApplication, invalidUTF8At(data))
	}
	// go-json-experiment/json refuses duplicate names and invalid UTF-8
	// on its own and matches names exactly; encoding/json did neither, so
	// {"roles":["payer"],"Roles":["bsp"]} meant whatever its last member said.
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	switch k := dec.PeekKind(); k {
	case '{', 0: // an object, or nothing at all: UnmarshalDecode says which
	default:
		return nil, fmt.Errorf("%w: expected a JSON object, got JSON %s", ErrInvalidApplication, kindName(k))
	}
	var app Application
	if err := json.UnmarshalDecode(dec, &app, json.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidApplication, describeJSONError(err))
	}
	if _, err := dec.ReadToken(); err != io.EOF { //nolint:errorlint // ReadToken returns io.EOF itself
		return nil, fmt.Errorf("%w: unexpected data after the application object", ErrInvalidApplication)
	}
	return &app, nil
}

// describeJSONError says what is wrong with a document in the contract's
// words, naming the field by its path ("identifiers.facility_licence.number",
// "roles[0]"). It never quotes a value: values may be personal data.
func describeJSONError(err error) string {
	var semErr *json.SemanticError
	var synErr *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.EOF):
		return "empty document"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "document ends early"
	case errors.As(err, &synErr) && synErr.Err == jsontext.ErrDuplicateName: //nolint:errorlint // the package's own sentinel, compared as it does
		return fmt.Sprintf("field %q: given more than once", jsonPath(synErr.JSONPointer))
	case errors.As(err, &semErr) && semErr.Err == json.ErrUnknownName: //nolint:errorlint // as above
		return unknownField(semErr)
	case errors.As(err, &synErr):
		return fmt.Sprintf("malformed JSON at byte %d: %v", synErr.ByteOffset, synErr.Err)
	case errors.As(err, &semErr):
		field := jsonPath(semErr.JSONPointer)
		if field == "" {
			field = "document"
		}
		// Role.UnmarshalJSON's errors name the role already.
		if semErr.Err != nil && !errors.Is(semErr.Err, strconv.ErrSyntax) && !errors.Is(semErr.Err, strconv.ErrRange) {
			return fmt.Sprintf("field %q: %v", field, semErr.Err)
		}
		got := kindName(semErr.JSONKind)
		if errors.Is(semErr.Err, strconv.ErrRange) {
			got += " out of range"
		}
		return fmt.Sprintf("field %q: expected %s, got JSON %s", field, goTypeName(semErr.GoType), got)
	}
	return err.Error()
}

// unknownField describes a member the contract does not have, with a hint
// when it differs from a known one only by case.
func unknownField(e *json.SemanticError) string {
	name := e.JSONPointer.LastToken()
	msg := fmt.Sprintf("json: unknown field %q", name) // encoding/json's words, as before
	if parent := jsonPath(e.JSONPointer.Parent()); parent != "" {
		msg += fmt.Sprintf(" in %q", parent)
	}
	if known := foldedField(e.GoType, name); known != "" {
		msg += fmt.Sprintf(" (field names are case-sensitive: %q)", known)
	}
	return msg
}

// foldedField returns the JSON name of a field of struct type t that
// equals name but for case, or "".
func foldedField(t reflect.Type, name string) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag != "" && tag != "-" && tag != name && strings.EqualFold(tag, name) {
			return tag
		}
	}
	return ""
}

// jsonPath turns a JSON pointer into the dotted path the messages use:
// "/documents/0/kind" is "documents[0].kind".
func jsonPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '[', ']':
		return "array"
	case '{', '}':
		return "object"
	}
	return "value"
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	return t.String()
}

// invalidUTF8At returns the offset of the first byte of data that is not
// part of valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}
