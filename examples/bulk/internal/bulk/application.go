package bulk

import (
	"github.com/openhcx/hcxonboard"
)

// Application turns a row into the application a hospital would submit:
// role provider.hospital, the row's key as application_id, and
// certificate as its sandbox certificate. Every hospital on a scheme's
// list is empanelled with the scheme, so the empanelment goes in whenever
// the row names it; the verifier only asks for it (and the payer's
// approval) of hospitals with neither an HFR nor a ROHINI id.
func (r *Row) Application(certificate string) *hcxonboard.Application {
	app := &hcxonboard.Application{
		ApplicationID:      r.Key,
		ParticipantName:    r.HospitalName,
		Roles:              []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:       r.Email,
		PrimaryMobile:      r.Mobile,
		SandboxCertificate: certificate,
		// Certify issues each hospital a participant certificate whose
		// sub is the row's key.
		SandboxParticipantCode: r.Key,
		Identifiers: hcxonboard.Identifiers{
			HFRID:    r.HFRID,
			RohiniID: r.RohiniID,
			GSTIN:    r.GSTIN,
		},
	}
	if r.Address != "" || r.District != "" || r.State != "" || r.Pincode != "" {
		app.Address = &hcxonboard.Address{Street: r.Address, District: r.District, State: r.State, Pincode: r.Pincode}
	}
	if r.LicenceNumber != "" || r.LicenceValidUntil != "" {
		app.Identifiers.FacilityLicence = &hcxonboard.FacilityLicence{Number: r.LicenceNumber, ValidUntil: r.LicenceValidUntil}
	}
	if r.AdminName != "" || r.AdminEmail != "" || r.AdminMobile != "" {
		app.SystemAdmin = &hcxonboard.Contact{Name: r.AdminName, Email: r.AdminEmail, Mobile: r.AdminMobile}
	}
	if r.Scheme != "" || r.PayerCode != "" || r.PayerName != "" || r.EmpanelmentID != "" {
		app.Empanelment = &hcxonboard.Empanelment{
			PayerCode:     r.PayerCode,
			PayerName:     r.PayerName,
			Scheme:        r.Scheme,
			EmpanelmentID: r.EmpanelmentID,
		}
	}
	if r.ProofURI != "" || r.ProofSHA256 != "" {
		app.Documents = []hcxonboard.Document{{
			Kind:      hcxonboard.DocEmpanelmentProof,
			URI:       r.ProofURI,
			SHA256:    r.ProofSHA256,
			MediaType: "application/pdf",
		}}
	}
	return app
}
