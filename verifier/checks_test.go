package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestOfflineChecks covers the offline checks the category table does not
// already take through every branch, each with accepting and rejecting
// values.
func TestOfflineChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		change func(a *hcxonboard.Application)
		want   want
	}{
		// participant_name
		{"name with accents", "regulator_ready.json", func(a *hcxonboard.Application) { a.ParticipantName = "Société Médicale Ltd" },
			want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied, msg: "Société Médicale Ltd"}},
		{"name in Devanagari", "regulator_ready.json", func(a *hcxonboard.Application) {
			a.ParticipantName = "राज्य स्वास्थ्य बीमा"
		},
			want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied}},
		{"name without letters", "regulator_ready.json", func(a *hcxonboard.Application) { a.ParticipantName = "12345" },
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "has no letters"}},
		{"name with a control character", "regulator_ready.json", func(a *hcxonboard.Application) { a.ParticipantName = "Insurance\u0007 Office" },
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "control character"}},
		{"name not UTF-8", "regulator_ready.json", func(a *hcxonboard.Application) { a.ParticipantName = "Office \xff" },
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "not valid text"}},
		{"name too long", "regulator_ready.json", func(a *hcxonboard.Application) {
			a.ParticipantName = strings.Repeat("a", verifier.MaxParticipantName+1)
		},
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "has 257 characters; at most 256"}},

		// mobile and e-mail through their requirements
		{"mobile with +91", "regulator_ready.json", func(a *hcxonboard.Application) { a.PrimaryMobile = "+91 90000 10001" },
			want{id: verifier.ReqMobile, outcome: verifier.Satisfied, msg: "******0001"}},
		{"mobile starting with 5", "regulator_ready.json", func(a *hcxonboard.Application) { a.PrimaryMobile = "5000010001" },
			want{id: verifier.ReqMobile, outcome: verifier.Invalid, msg: "starts with 5"}},
		{"registered e-mail", "bsp_ready.json", nil,
			want{id: verifier.ReqRegisteredEmail, outcome: verifier.Satisfied, msg: "o*********@carewallet.example"}},
		{"registered e-mail missing", "bsp_ready.json", func(a *hcxonboard.Application) { a.PrimaryEmail = "" },
			want{id: verifier.ReqRegisteredEmail, outcome: verifier.Missing, msg: "primary_email"}},

		// system_admin_otp
		{"admin with e-mail only", "corporate_sponsor_ready.json", nil,
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Pending, task: verifier.TaskOTP, msg: "Farah Khan (f*********@deccantextiles.example)"}},
		{"admin with mobile only", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Email, a.SystemAdmin.Mobile = "", "+91 90000 33002" },
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Pending, task: verifier.TaskOTP, msg: "******3002"}},
		{"admin without a channel", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Email = "" },
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Missing, msg: "system_admin.mobile or system_admin.email"}},
		{"admin without a name", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Name = " " },
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Missing, msg: "system_admin.name"}},
		{"admin with a bad e-mail", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Email = "farah.khan" },
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Invalid, msg: "system_admin.email: e-mail address **********: has no @"}},
		{"admin empty", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin = &hcxonboard.Contact{} },
			want{id: verifier.ReqSystemAdminOTP, outcome: verifier.Missing, msg: "Name the system admin"}},

		// facility licence: a validity date that is not past
		{"licence valid far ahead", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2030-12-31" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Satisfied, msg: "licence PMC/NH/2021/0457 valid until 2030-12-31"}},
		{"licence date that does not exist", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2027-02-30" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "is not a date in YYYY-MM-DD form"}},
		{"licence date with time", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2027-03-31T00:00:00Z" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "YYYY-MM-DD"}},
		{"licence long expired", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2019-01-01" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "the licence expired on 2019-01-01; renew it"}},
		{"licence without number", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.Number = "" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Missing, msg: "identifiers.facility_licence.number"}},
		{"no licence at all", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence = nil },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Missing, msg: "licence number (identifiers.facility_licence.number); licence validity date"}},
		{"expired and missing in one message", "rohini_provider_ready.json", func(a *hcxonboard.Application) {
			a.Identifiers.FacilityLicence = &hcxonboard.FacilityLicence{ValidUntil: "2020-01-01"}
		}, want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "expired on 2020-01-01; renew it and give the new licence's number and validity date; also give licence number"}},
		{"empanelled: validity optional", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Satisfied}},
		{"empanelled: validity checked when given", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2025-12-31" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "expired on 2025-12-31"}},
		{"empanelled: manager with a bad mobile", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Mobile = "12345" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Invalid, msg: "system_admin.mobile"}},
		{"empanelled: address without state", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Address.State = "" },
			want{id: verifier.ReqFacilityDetails, outcome: verifier.Missing, msg: "address.state"}},

		// stakeholders_serviced
		{"policyholder in capitals", "bsp_ready.json", func(a *hcxonboard.Application) { a.BSP.StakeholdersServiced = []string{" Policyholder "} },
			want{id: verifier.ReqStakeholdersServiced, outcome: verifier.Satisfied}},
		{"empty stakeholder list", "bsp_ready.json", func(a *hcxonboard.Application) { a.BSP.StakeholdersServiced = []string{} },
			want{id: verifier.ReqStakeholdersServiced, outcome: verifier.Missing}},
		{"unknown stakeholder", "bsp_ready.json", func(a *hcxonboard.Application) { a.BSP.StakeholdersServiced = []string{"hospital"} },
			want{id: verifier.ReqStakeholdersServiced, outcome: verifier.Invalid, msg: `Stakeholder "hospital" is not defined`}},

		// sponsor_kind splits agency.sponsor
		{"state scheme asks for the approval letter", "state_scheme_ready.json", func(a *hcxonboard.Application) { a.Documents = a.Documents[1:] },
			want{id: verifier.ReqGovernmentApprovalLetter, outcome: verifier.Missing}},
		{"corporate does not", "state_scheme_ready.json", func(a *hcxonboard.Application) {
			a.SponsorKind = hcxonboard.SponsorCorporate
			a.Documents = a.Documents[1:]
		}, want{id: verifier.ReqSignatoryLetter, outcome: verifier.Satisfied}},
		{"no sponsor_kind, letter also missing", "state_scheme_ready.json", func(a *hcxonboard.Application) {
			a.SponsorKind = ""
			a.Documents = a.Documents[1:]
		}, want{id: verifier.ReqGovernmentApprovalLetter, outcome: verifier.Missing, msg: "Set sponsor_kind"}},

		// IRDA user id
		{"IRDA user id with a space", "payer_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDAUserID = "SGIC HCX" },
			want{id: verifier.ReqIRDAUserID, outcome: verifier.Invalid, msg: "contains ' '"}},
		{"IRDA user id too long", "payer_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDAUserID = strings.Repeat("U", 65) },
			want{id: verifier.ReqIRDAUserID, outcome: verifier.Invalid, msg: "at most 64"}},
		{"ISNP without IRDA user id", "isnp_ready.json", nil,
			want{id: verifier.ReqIRDAUserID, outcome: verifier.Satisfied, msg: "Not applicable"}},
		{"ISNP with a bad IRDA user id", "isnp_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDAUserID = "POLICY\tKART" },
			want{id: verifier.ReqIRDAUserID, outcome: verifier.Invalid}},
	}
	c := trustedChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, tt.file)
			if tt.change != nil {
				tt.change(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assertResult(t, r, tt.want)
			if tt.want.outcome == verifier.Invalid {
				assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
			}
		})
	}
}

// TestMixedRoles: an application whose roles span categories gets every
// category's policy, each requirement once.
func TestMixedRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		roles  []hcxonboard.Role
		change func(a *hcxonboard.Application)
		cats   []verifier.Category
		extra  []verifier.RequirementID // requirements the second policy brings
	}{
		{"payer and bsp", "payer_ready.json", []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleBSP},
			func(a *hcxonboard.Application) {
				a.BSP = &hcxonboard.BSPDetails{StakeholdersServiced: []string{"policyholder"}}
				a.Documents = append(a.Documents, doc(hcxonboard.DocAddressProof, "https://docs.example.org/lease.pdf", goodSHA))
			},
			[]verifier.Category{verifier.CategoryPayer, verifier.CategoryBSP},
			[]verifier.RequirementID{verifier.ReqGSTIN, verifier.ReqAddressProof, verifier.ReqStakeholdersServiced}},
		{"practitioner with HPR and hospital without HFR", "rohini_provider_ready.json", []hcxonboard.Role{hcxonboard.RoleHospital, hcxonboard.RolePractitioner},
			func(a *hcxonboard.Application) { a.Identifiers.HPRID = "71-3012-4567-8901" },
			[]verifier.Category{verifier.CategoryABDMPractitioner, verifier.CategoryRohiniProvider},
			[]verifier.RequirementID{verifier.ReqHPRID, verifier.ReqHPRCheck}},
		{"state scheme that is also a payer", "state_scheme_ready.json", []hcxonboard.Role{hcxonboard.RoleSponsor, hcxonboard.RolePayer},
			func(a *hcxonboard.Application) {
				a.Identifiers.IRDARegistrationNumber, a.Identifiers.IRDAUserID = "190", "SHAS-01"
			},
			[]verifier.Category{verifier.CategoryPayer, verifier.CategoryStateScheme},
			[]verifier.RequirementID{verifier.ReqIRDARegistrationNumber, verifier.ReqIRDAUserID, verifier.ReqGovernmentApprovalLetter}},
	}
	c := trustedChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, tt.file)
			app.Roles = tt.roles
			app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "mixed", tt.roles...), "mixed"
			tt.change(app)
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assert.Equal(t, tt.cats, r.Categories)
			assert.Equal(t, verifier.VerdictReady, r.Verdict, "%+v", r.Requirements)
			seen := map[verifier.RequirementID]int{}
			for _, res := range r.Requirements {
				seen[res.ID]++
			}
			for id, n := range seen {
				assert.Equal(t, 1, n, "%s listed %d times", id, n)
			}
			for _, id := range tt.extra {
				assert.Contains(t, seen, id)
			}
			// Every requirement of every category's default policy is reported.
			for _, cat := range tt.cats {
				for _, req := range verifier.DefaultPolicies()[cat].Requirements {
					assert.Contains(t, seen, req.ID, "%s/%s", cat, req.ID)
				}
			}
		})
	}
}
