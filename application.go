package hcxonboard

import (
	"errors"
	"fmt"
	"io"

	"github.com/openhcx/hcxonboard/internal/strictjson"
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
// ErrInvalidApplication that names the problem; an unknown role's also
// wraps ErrUnknownRole, and an oversized document's ErrTooLarge.
func DecodeApplication(r io.Reader) (*Application, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxApplicationSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrInvalidApplication, err)
	}
	if len(data) > MaxApplicationSize {
		return nil, tooLarge
	}
	return UnmarshalApplication(data)
}

// UnmarshalApplication decodes an application from data with the same
// strict rules as DecodeApplication.
func UnmarshalApplication(data []byte) (*Application, error) {
	if len(data) > MaxApplicationSize {
		return nil, tooLarge
	}
	var app Application
	if err := strictjson.Unmarshal(data, &app, &applicationWords); err != nil {
		invalid := fmt.Errorf("%w: %s", ErrInvalidApplication, err)
		if errors.Is(err, ErrUnknownRole) {
			return nil, unknownRoleError{invalid}
		}
		return nil, invalid
	}
	return &app, nil
}

// tooLarge is an application over MaxApplicationSize: input too large,
// and so an invalid application.
var tooLarge error = tooLargeError{fmt.Errorf("%w: application is over %d bytes", ErrTooLarge, MaxApplicationSize)}

type tooLargeError struct{ error }

func (e tooLargeError) Unwrap() []error { return []error{e.error, ErrInvalidApplication} }

// unknownRoleError is an invalid application whose fault is an unknown
// role: it is ErrInvalidApplication and ErrUnknownRole, and no more of
// the decoder's errors.
type unknownRoleError struct{ error }

func (e unknownRoleError) Unwrap() []error { return []error{e.error, ErrUnknownRole} }

// applicationWords keep the messages the application has always given:
// encoding/json's "json: unknown field", "empty document".
var applicationWords = strictjson.Words{
	Noun:          "document",
	Empty:         "empty document",
	EndsEarly:     "document ends early",
	NotObject:     "expected a JSON object, got JSON %s",
	InvalidUTF8:   "the document is not valid UTF-8 (from byte %d)",
	Trailing:      "unexpected data after the application object",
	UnknownPrefix: "json: ",
}
