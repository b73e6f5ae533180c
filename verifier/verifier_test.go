package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

type want struct {
	id      verifier.RequirementID
	outcome verifier.Outcome
	task    verifier.TaskKind // checked when outcome is pending
	msg     string            // substring of the message, when set
	// findings, when set, are the fields the result must report, each
	// with whether it matched; no other field may be reported.
	findings map[string]bool
}

func assertResult(t *testing.T, r *verifier.Report, w want) {
	t.Helper()
	got, ok := r.Result(w.id)
	require.True(t, ok, "report has no %s; it has %v", w.id, ids(r))
	assert.Equal(t, w.outcome, got.Outcome, "%s: %s", w.id, got.Message)
	if w.outcome == verifier.Pending {
		assert.Equal(t, w.task, got.Task, "%s task", w.id)
	} else {
		assert.Empty(t, got.Task, "%s: task set on a %s result", w.id, got.Outcome)
	}
	if w.msg != "" {
		assert.Contains(t, got.Message, w.msg, "%s message", w.id)
	}
	if w.findings != nil {
		fields := map[string]bool{}
		for _, f := range got.Findings {
			fields[f.Field] = f.Match
			assert.NotEmpty(t, f.Source, "%s finding %s has no source", w.id, f.Field)
		}
		assert.Equal(t, w.findings, fields, "%s findings: %+v", w.id, got.Findings)
	}
	// A finding that does not match never leaves a result satisfied.
	if got.Outcome == verifier.Satisfied {
		for _, f := range got.Findings {
			assert.True(t, f.Match, "%s is satisfied with a mismatched %s", w.id, f.Field)
		}
	}
}

func ids(r *verifier.Report) []verifier.RequirementID {
	out := make([]verifier.RequirementID, len(r.Requirements))
	for i, res := range r.Requirements {
		out[i] = res.ID
	}
	return out
}

// TestTestdata verifies every sample application, as the participant's
// pre-validation would (no registries) but with the trust list.
func TestTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		verdict    verifier.Verdict
		categories []verifier.Category
		ids        []verifier.RequirementID
		want       []want
	}{
		{file: "payer_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryPayer},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "signatory_letter", "irda_registration_number", "irda_user_id", "registered_email", "system_admin_otp"},
			want: []want{{id: "sandbox_certificate", outcome: verifier.Satisfied, msg: "signature verified"}, {id: "system_admin_otp", outcome: verifier.Pending, task: verifier.TaskOTP, msg: "Anita Rao"}}},
		{file: "state_scheme_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryStateScheme},
			ids: []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "government_approval_letter", "signatory_letter", "registered_email", "system_admin_otp"}},
		{file: "corporate_sponsor_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryCorporateSponsor},
			ids: []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "signatory_letter", "registered_email", "system_admin_otp"}},
		{file: "tpa_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryTPA},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "signatory_letter", "irda_registration_number", "irda_user_id", "registered_email", "system_admin_otp"},
			want: []want{{id: "irda_registration_number", outcome: verifier.Satisfied, msg: "021"}}},
		{file: "isnp_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryISNP},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "signatory_letter", "registered_email", "system_admin_otp", "irda_registration_number", "irda_user_id"},
			want: []want{{id: "irda_registration_number", outcome: verifier.Satisfied, msg: "Not applicable"}}},
		{file: "abdm_provider_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryABDMProvider},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "hfr_id", "hfr_lookup", "hfr_manager_otp"},
			want: []want{{id: "hfr_lookup", outcome: verifier.Pending, task: verifier.TaskReview}, {id: "hfr_manager_otp", outcome: verifier.Pending, task: verifier.TaskHFROTP}}},
		{file: "abdm_practitioner_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryABDMPractitioner},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "hpr_id", "hpr_check"},
			want: []want{{id: "hpr_id", outcome: verifier.Satisfied, msg: "71-3012-4567-8901"}, {id: "hpr_check", outcome: verifier.Pending, task: verifier.TaskReview}}},
		{file: "rohini_provider_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryRohiniProvider},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "facility_details", "gstin", "rohini_id", "rohini_verification"},
			want: []want{{id: "rohini_id", outcome: verifier.Satisfied, msg: "8900080336704"}, {id: "rohini_verification", outcome: verifier.Pending, task: verifier.TaskReview}}},
		{file: "rohini_provider_invalid.json", verdict: verifier.VerdictInvalid, categories: []verifier.Category{verifier.CategoryRohiniProvider},
			want: []want{
				{id: "gstin", outcome: verifier.Invalid, msg: "GSTIN 27AAPFU0939F1ZX: check character is X, expected V — re-check the number on the GST certificate"},
				{id: "rohini_id", outcome: verifier.Invalid, msg: "8900080123456: check digit"},
				{id: "rohini_verification", outcome: verifier.Missing, msg: "see rohini_id"},
				{id: "facility_details", outcome: verifier.Invalid, msg: "expired on 2026-03-31"}}},
		{file: "empanelled_provider_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryEmpanelledProvider},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "facility_details", "empanelment_payer", "empanelment_proof", "payer_approval"},
			want: []want{{id: "payer_approval", outcome: verifier.Pending, task: verifier.TaskApproval, msg: "signature"}}},
		{file: "empanelled_provider_incomplete.json", verdict: verifier.VerdictIncomplete, categories: []verifier.Category{verifier.CategoryEmpanelledProvider},
			want: []want{
				{id: "facility_details", outcome: verifier.Missing, msg: "facility manager"},
				{id: "empanelment_proof", outcome: verifier.Pending, task: verifier.TaskApproval, msg: "Empanelment ID SHAS-EMP-2023-0999 given without a document or a signed proof"},
				{id: "payer_approval", outcome: verifier.Pending, task: verifier.TaskApproval}}},
		{file: "regulator_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryRegulator},
			ids:  []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "case_review"},
			want: []want{{id: "case_review", outcome: verifier.Pending, task: verifier.TaskReview}}},
		{file: "bsp_ready.json", verdict: verifier.VerdictReady, categories: []verifier.Category{verifier.CategoryBSP},
			ids: []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "registered_email", "gstin", "address_proof", "stakeholders_serviced"}},
		{file: "bsp_invalid.json", verdict: verifier.VerdictInvalid, categories: []verifier.Category{verifier.CategoryBSP},
			want: []want{
				{id: "gstin", outcome: verifier.Satisfied},
				{id: "registered_email", outcome: verifier.Invalid, msg: "domain has no dot"},
				{id: "address_proof", outcome: verifier.Invalid, msg: "your own computer"},
				{id: "stakeholders_serviced", outcome: verifier.Invalid, msg: `"employer"`}}},
		{file: "abdm_provider_incomplete.json", verdict: verifier.VerdictIncomplete, categories: []verifier.Category{verifier.CategoryABDMProvider},
			want: []want{{id: "sandbox_certificate", outcome: verifier.Missing}, {id: "mobile", outcome: verifier.Missing}}},
		{file: "sponsor_kind_missing.json", verdict: verifier.VerdictIncomplete, categories: []verifier.Category{},
			want: []want{{id: "government_approval_letter", outcome: verifier.Missing, msg: "Set sponsor_kind"}, {id: "signatory_letter", outcome: verifier.Satisfied}}},
	}
	c := trustedChecker(t)
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r, err := c.Verify(context.Background(), loadApp(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.verdict, r.Verdict, "%+v", r.Requirements)
			assert.Equal(t, tt.categories, r.Categories)
			if tt.ids != nil {
				assert.Equal(t, tt.ids, ids(r))
			}
			for _, w := range tt.want {
				assertResult(t, r, w)
			}
		})
	}
	for _, f := range testdataFiles(t) {
		assert.True(t, covered[f], "testdata/%s has no expectation here", f)
	}
}

// TestCategories takes each category from ready to incomplete and invalid
// by changing one thing in its sample application.
func TestCategories(t *testing.T) {
	t.Parallel()
	type mutate func(a *hcxonboard.Application)
	tests := []struct {
		name    string
		file    string
		mutate  mutate
		verdict verifier.Verdict
		want    want
	}{
		// payer
		{"payer ready", "payer_ready.json", nil, verifier.VerdictReady, want{id: "irda_registration_number", outcome: verifier.Satisfied}},
		{"payer without IRDA user id", "payer_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDAUserID = " " }, verifier.VerdictIncomplete,
			want{id: "irda_user_id", outcome: verifier.Missing, msg: "irda_user_id"}},
		{"payer without signatory letter", "payer_ready.json", func(a *hcxonboard.Application) { a.Documents = a.Documents[1:] }, verifier.VerdictIncomplete,
			want{id: "signatory_letter", outcome: verifier.Missing, msg: "authorized_signatory_letter"}},
		{"payer with 4-digit IRDA number", "payer_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDARegistrationNumber = "1480" }, verifier.VerdictInvalid,
			want{id: "irda_registration_number", outcome: verifier.Invalid, msg: "1–3"}},
		{"payer with admin mobile a landline", "payer_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin.Mobile = "044 2222 3333" }, verifier.VerdictInvalid,
			want{id: "system_admin_otp", outcome: verifier.Invalid, msg: "system_admin.mobile"}},
		// state scheme
		{"state scheme ready", "state_scheme_ready.json", nil, verifier.VerdictReady, want{id: "government_approval_letter", outcome: verifier.Satisfied}},
		{"state scheme without approval letter", "state_scheme_ready.json", func(a *hcxonboard.Application) { a.Documents = a.Documents[1:] }, verifier.VerdictIncomplete,
			want{id: "government_approval_letter", outcome: verifier.Missing, msg: "government_approval_letter"}},
		{"state scheme letter with short digest", "state_scheme_ready.json", func(a *hcxonboard.Application) { a.Documents[0].SHA256 = a.Documents[0].SHA256[:63] }, verifier.VerdictInvalid,
			want{id: "government_approval_letter", outcome: verifier.Invalid, msg: "63 characters"}},
		{"sponsor kind unknown", "state_scheme_ready.json", func(a *hcxonboard.Application) { a.SponsorKind = "ngo" }, verifier.VerdictInvalid,
			want{id: "government_approval_letter", outcome: verifier.Invalid, msg: `sponsor_kind "ngo"`}},
		{"sponsor kind in capitals", "state_scheme_ready.json", func(a *hcxonboard.Application) { a.SponsorKind = " State_Scheme " }, verifier.VerdictReady,
			want{id: "government_approval_letter", outcome: verifier.Satisfied}},
		// corporate
		{"corporate ready", "corporate_sponsor_ready.json", nil, verifier.VerdictReady, want{id: "system_admin_otp", outcome: verifier.Pending, task: verifier.TaskOTP}},
		{"corporate without system admin", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.SystemAdmin = nil }, verifier.VerdictIncomplete,
			want{id: "system_admin_otp", outcome: verifier.Missing, msg: "system_admin"}},
		{"corporate with bad registered email", "corporate_sponsor_ready.json", func(a *hcxonboard.Application) { a.PrimaryEmail = "hr benefits@deccantextiles.example" }, verifier.VerdictInvalid,
			want{id: "registered_email", outcome: verifier.Invalid, msg: "h*********"}},
		// TPA
		{"tpa ready", "tpa_ready.json", nil, verifier.VerdictReady, want{id: "irda_registration_number", outcome: verifier.Satisfied}},
		{"tpa without IRDA number", "tpa_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDARegistrationNumber = "" }, verifier.VerdictIncomplete,
			want{id: "irda_registration_number", outcome: verifier.Missing}},
		{"tpa number not zero-padded", "tpa_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDARegistrationNumber = "21" }, verifier.VerdictInvalid,
			want{id: "irda_registration_number", outcome: verifier.Invalid, msg: "exactly 3"}},
		// ISNP
		{"isnp ready with IRDA fields", "isnp_ready.json", func(a *hcxonboard.Application) {
			a.Identifiers.IRDARegistrationNumber, a.Identifiers.IRDAUserID = "IRDAI/WBA23/2019", "POLICYKART"
		}, verifier.VerdictReady, want{id: "irda_registration_number", outcome: verifier.Satisfied, msg: "IRDAI/WBA23/2019"}},
		{"isnp without signatory letter", "isnp_ready.json", func(a *hcxonboard.Application) { a.Documents = nil }, verifier.VerdictIncomplete,
			want{id: "signatory_letter", outcome: verifier.Missing}},
		{"isnp with malformed IRDA number", "isnp_ready.json", func(a *hcxonboard.Application) { a.Identifiers.IRDARegistrationNumber = "WBA#23" }, verifier.VerdictInvalid,
			want{id: "irda_registration_number", outcome: verifier.Invalid, msg: `'#'`}},
		// ABDM provider
		{"abdm provider ready", "abdm_provider_ready.json", nil, verifier.VerdictReady, want{id: "hfr_id", outcome: verifier.Satisfied}},
		{"abdm provider lower-case id", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = " in2910000123 " }, verifier.VerdictReady,
			want{id: "hfr_id", outcome: verifier.Satisfied, msg: "IN2910000123"}},
		{"abdm provider without mobile", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.PrimaryMobile = "" }, verifier.VerdictIncomplete,
			want{id: "mobile", outcome: verifier.Missing, msg: "primary_mobile"}},
		{"abdm provider malformed HFR id", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN29100001" }, verifier.VerdictInvalid,
			want{id: "hfr_id", outcome: verifier.Invalid, msg: "has 10 characters"}},
		// ABDM practitioner
		{"abdm practitioner ready with address", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HPRID = "Kavita.Sharma@HPR.ABDM" }, verifier.VerdictReady,
			want{id: "hpr_id", outcome: verifier.Satisfied, msg: "kavita.sharma@hpr.abdm"}},
		{"abdm practitioner without sandbox certificate", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) { a.SandboxCertificate = "" }, verifier.VerdictIncomplete,
			want{id: "sandbox_certificate", outcome: verifier.Missing}},
		{"abdm practitioner 13-digit HPR number", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HPRID = "71-3012-4567-890" }, verifier.VerdictInvalid,
			want{id: "hpr_id", outcome: verifier.Invalid, msg: "13 digits"}},
		// ROHINI provider
		{"rohini provider ready", "rohini_provider_ready.json", nil, verifier.VerdictReady, want{id: "rohini_id", outcome: verifier.Satisfied}},
		{"rohini id with spaces", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.RohiniID = "890 0080 336704" }, verifier.VerdictReady,
			want{id: "rohini_id", outcome: verifier.Satisfied, msg: "8900080336704"}},
		{"rohini provider without licence validity", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "" }, verifier.VerdictIncomplete,
			want{id: "facility_details", outcome: verifier.Missing, msg: "valid_until"}},
		{"rohini provider without GSTIN", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.GSTIN = "" }, verifier.VerdictIncomplete,
			want{id: "gstin", outcome: verifier.Missing}},
		{"rohini id bad check digit", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.RohiniID = "8900080123456" }, verifier.VerdictInvalid,
			want{id: "rohini_id", outcome: verifier.Invalid, msg: "check digit"}},
		{"licence date not a date", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "31/03/2028" }, verifier.VerdictInvalid,
			want{id: "facility_details", outcome: verifier.Invalid, msg: "YYYY-MM-DD"}},
		{"licence valid through today", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2026-06-01" }, verifier.VerdictReady,
			want{id: "facility_details", outcome: verifier.Satisfied}},
		{"licence expired yesterday", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.FacilityLicence.ValidUntil = "2026-05-31" }, verifier.VerdictInvalid,
			want{id: "facility_details", outcome: verifier.Invalid, msg: "expired on 2026-05-31"}},
		// empanelled provider
		{"empanelled ready", "empanelled_provider_ready.json", nil, verifier.VerdictReady, want{id: "empanelment_proof", outcome: verifier.Satisfied}},
		{"empanelled with signed proof only", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Documents = nil }, verifier.VerdictReady,
			want{id: "empanelment_proof", outcome: verifier.Satisfied, msg: "Signed empanelment proof"}},
		{"empanelled without payer", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Empanelment = nil }, verifier.VerdictIncomplete,
			want{id: "empanelment_payer", outcome: verifier.Missing}},
		{"empanelled without address", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Address = nil }, verifier.VerdictIncomplete,
			want{id: "facility_details", outcome: verifier.Missing, msg: "location address"}},
		{"empanelled bad PIN code", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Address.Pincode = "05621" }, verifier.VerdictInvalid,
			want{id: "facility_details", outcome: verifier.Invalid, msg: "PIN code"}},
		{"empanelled proof for another empanelment", "empanelled_provider_ready.json", func(a *hcxonboard.Application) { a.Empanelment.EmpanelmentID = "SHAS-EMP-2024-9999" }, verifier.VerdictInvalid,
			want{id: "empanelment_proof", outcome: verifier.Invalid, msg: "SHAS-EMP-2024-0456"}},
		// regulator
		{"regulator ready", "regulator_ready.json", nil, verifier.VerdictReady, want{id: "case_review", outcome: verifier.Pending, task: verifier.TaskReview}},
		{"research goes case by case", "regulator_ready.json", func(a *hcxonboard.Application) {
			a.Roles = []hcxonboard.Role{hcxonboard.RoleResearch}
			a.SandboxCertificate, a.SandboxParticipantCode = issueCert(t, "research", hcxonboard.RoleResearch), "research"
		}, verifier.VerdictReady, want{id: "case_review", outcome: verifier.Pending, task: verifier.TaskReview, msg: "research"}},
		{"regulator without name", "regulator_ready.json", func(a *hcxonboard.Application) { a.ParticipantName = "  " }, verifier.VerdictIncomplete,
			want{id: "participant_name", outcome: verifier.Missing}},
		{"regulator with mobile too short", "regulator_ready.json", func(a *hcxonboard.Application) { a.PrimaryMobile = "900001000" }, verifier.VerdictInvalid,
			want{id: "mobile", outcome: verifier.Invalid, msg: "9 digits"}},
		// BSP
		{"bsp ready", "bsp_ready.json", nil, verifier.VerdictReady, want{id: "stakeholders_serviced", outcome: verifier.Satisfied}},
		{"bsp without stakeholders", "bsp_ready.json", func(a *hcxonboard.Application) { a.BSP = nil }, verifier.VerdictIncomplete,
			want{id: "stakeholders_serviced", outcome: verifier.Missing, msg: "policyholder"}},
		{"bsp without address proof", "bsp_ready.json", func(a *hcxonboard.Application) { a.Documents[0].Kind = "adress_proof" }, verifier.VerdictIncomplete,
			want{id: "address_proof", outcome: verifier.Missing, msg: `not recognised: "adress_proof"`}},
		{"bsp with wrong GSTIN check character", "bsp_ready.json", func(a *hcxonboard.Application) { a.Identifiers.GSTIN = "27AAPFU0939F1ZW" }, verifier.VerdictInvalid,
			want{id: "gstin", outcome: verifier.Invalid, msg: "check character is W, expected V"}},
		{"bsp certificate not covering the role", "bsp_ready.json", func(a *hcxonboard.Application) {
			a.SandboxCertificate, a.SandboxParticipantCode = issueCert(t, "bsp", hcxonboard.RolePayer), "bsp"
		}, verifier.VerdictInvalid,
			want{id: "sandbox_certificate", outcome: verifier.Invalid, msg: "apply only for the roles"}},
	}
	c := trustedChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, tt.file)
			if tt.mutate != nil {
				tt.mutate(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assert.Equal(t, tt.verdict, r.Verdict, "%+v", r.Requirements)
			assertResult(t, r, tt.want)
		})
	}
}

// TestRohiniIDThroughVerifier is the must-show pair, through the rohini_id
// requirement.
func TestRohiniIDThroughVerifier(t *testing.T) {
	t.Parallel()
	c := offlineChecker(t)
	for id, outcome := range map[string]verifier.Outcome{"8900080336704": verifier.Satisfied, "8900080123456": verifier.Invalid} {
		app := loadApp(t, "rohini_provider_ready.json")
		app.Identifiers.RohiniID = id
		r, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		assertResult(t, r, want{id: verifier.ReqRohiniID, outcome: outcome, msg: id})
	}
}

func TestMultipleCategories(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)

	t.Run("hospital and practitioner", func(t *testing.T) {
		t.Parallel()
		app := loadApp(t, "abdm_provider_ready.json")
		app.Roles = []hcxonboard.Role{hcxonboard.RoleHospital, hcxonboard.RolePractitioner}
		app.Identifiers.HPRID = "71-3012-4567-8901"
		app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "multi", hcxonboard.RoleProvider), "multi"
		r, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{verifier.CategoryABDMProvider, verifier.CategoryABDMPractitioner}, r.Categories)
		assert.Equal(t, []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "hfr_id", "hfr_lookup", "hfr_manager_otp", "hpr_id", "hpr_check"}, ids(r))
		assert.Equal(t, verifier.VerdictReady, r.Verdict)
	})

	t.Run("payer and tpa: the stricter IRDA rule wins", func(t *testing.T) {
		t.Parallel()
		app := loadApp(t, "payer_ready.json")
		app.Roles = []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleTPA}
		app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "multi", hcxonboard.RolePayer, hcxonboard.RoleTPA), "multi"
		r, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{verifier.CategoryPayer, verifier.CategoryTPA}, r.Categories)
		assertResult(t, r, want{id: "irda_registration_number", outcome: verifier.Satisfied, msg: "148"})
		// 58 is a valid insurer number, but a TPA's has exactly 3 digits.
		app.Identifiers.IRDARegistrationNumber = "58"
		r, err = c.Verify(context.Background(), app)
		require.NoError(t, err)
		assertResult(t, r, want{id: "irda_registration_number", outcome: verifier.Invalid, msg: "TPA"})
		assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
		seen := map[verifier.RequirementID]int{}
		for _, res := range r.Requirements {
			seen[res.ID]++
		}
		for id, n := range seen {
			assert.Equal(t, 1, n, "%s listed %d times", id, n)
		}
	})

	t.Run("practitioner without HPR id is a facility", func(t *testing.T) {
		t.Parallel()
		app := loadApp(t, "abdm_practitioner_ready.json")
		app.Identifiers.HPRID = ""
		app.Identifiers.RohiniID = "8900080336704"
		got, err := verifier.Categorize(app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{verifier.CategoryRohiniProvider}, got)
	})
}

func TestCategorize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		app     hcxonboard.Application
		want    []verifier.Category
		wantErr error
	}{
		{"hfr wins over rohini", hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleClinic},
			Identifiers: hcxonboard.Identifiers{HFRID: "IN2910000123", RohiniID: "8900080336704"}}, []verifier.Category{verifier.CategoryABDMProvider}, nil},
		{"rohini", hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RolePharmacy},
			Identifiers: hcxonboard.Identifiers{RohiniID: "8900080336704"}}, []verifier.Category{verifier.CategoryRohiniProvider}, nil},
		{"blank ids mean empanelled", hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleProvider},
			Identifiers: hcxonboard.Identifiers{HFRID: "  ", HPRID: "71301245678901"}}, []verifier.Category{verifier.CategoryEmpanelledProvider}, nil},
		{"all the rest", hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleBSP, hcxonboard.RoleHCX, hcxonboard.RoleRegulator, hcxonboard.RoleISNP, hcxonboard.RoleTPA, hcxonboard.RolePayer}},
			[]verifier.Category{verifier.CategoryPayer, verifier.CategoryTPA, verifier.CategoryISNP, verifier.CategoryRegulator, verifier.CategoryBSP}, nil},
		{"no roles", hcxonboard.Application{}, []verifier.Category{}, verifier.ErrNoRoles},
		{"sponsor without kind", hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleSponsor, hcxonboard.RolePayer}}, []verifier.Category{verifier.CategoryPayer}, verifier.ErrSponsorKind},
		{"unknown role", hcxonboard.Application{Roles: []hcxonboard.Role{"provider.vet"}}, []verifier.Category{}, hcxonboard.ErrUnknownRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verifier.Categorize(&tt.app)
			assert.Equal(t, tt.want, got)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
	_, err := verifier.Categorize(nil)
	assert.ErrorIs(t, err, verifier.ErrNilApplication)
}

func TestVerifyRoleProblems(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	tests := []struct {
		name  string
		roles []hcxonboard.Role
		msg   string
	}{
		{"no roles", nil, "names no role"},
		{"not an HCX role", []hcxonboard.Role{"provider.vet"}, `"provider.vet" is not an HCX role`},
		{"one bad among good", []hcxonboard.Role{hcxonboard.RoleBSP, "bsp.vendor"}, `"bsp.vendor" is not an HCX role`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, "regulator_ready.json")
			app.Roles = tt.roles
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
			assertResult(t, r, want{id: "sandbox_certificate", outcome: verifier.Invalid, msg: tt.msg})
			assertResult(t, r, want{id: "participant_name", outcome: verifier.Satisfied})
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	c := offlineChecker(t)
	_, err := c.Verify(context.Background(), nil)
	assert.ErrorIs(t, err, verifier.ErrNilApplication)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Verify(ctx, loadApp(t, "bsp_ready.json"))
	assert.ErrorIs(t, err, context.Canceled)

	//lint:ignore SA1012 a nil context is what is being tested
	_, err = c.Verify(nil, loadApp(t, "bsp_ready.json")) //nolint:staticcheck
	assert.Error(t, err)

	// A context cancelled while an online check runs ends Verify with the
	// context's error rather than a report built on a half-done look-up.
	ctx, cancel = context.WithCancel(context.Background())
	slow := facilityFunc(func(ctx context.Context, _ string) (hfrFacility, error) {
		cancel()
		<-ctx.Done()
		return hfrFacility{}, ctx.Err()
	})
	c = offlineChecker(t, verifier.WithFacilityRegistry(slow))
	_, err = c.Verify(ctx, loadApp(t, "abdm_provider_ready.json"))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestVerifyDoesNotMutate(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t, verifier.WithFacilityRegistry(facilityFunc(func(context.Context, string) (hfrFacility, error) {
		return hfrFacility{ID: "IN2910000123", Name: "Sunrise", Status: "Verified"}, nil
	})))
	for _, f := range testdataFiles(t) {
		app := loadApp(t, f)
		before := app.Clone()
		_, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		assert.Equal(t, before, app, f)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	files := testdataFiles(t)
	apps := make([]*hcxonboard.Application, len(files))
	first := make([]*verifier.Report, len(files))
	for i, f := range files {
		apps[i] = loadApp(t, f)
		var err error
		first[i], err = c.Verify(context.Background(), apps[i])
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(apps))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, app := range apps {
				r, err := c.Verify(context.Background(), app)
				if err != nil {
					errs <- err
					continue
				}
				if r.Verdict != first[i].Verdict || len(r.Requirements) != len(first[i].Requirements) {
					errs <- errors.New(files[i] + ": a concurrent verification differs")
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	r, err := offlineChecker(t).Verify(context.Background(), loadApp(t, "corporate_sponsor_ready.json"))
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var generic map[string]any
	require.NoError(t, json.Unmarshal(b, &generic))
	assert.ElementsMatch(t, []string{"verdict", "categories", "requirements"}, keys(generic))
	reqs := generic["requirements"].([]any)
	for _, x := range reqs {
		m := x.(map[string]any)
		if m["outcome"] == "pending" {
			assert.ElementsMatch(t, []string{"id", "outcome", "message", "task"}, keys(m))
		} else {
			assert.ElementsMatch(t, []string{"id", "outcome", "message"}, keys(m))
		}
	}
	var back verifier.Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, *r, back)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReportHelpers(t *testing.T) {
	t.Parallel()
	r, err := offlineChecker(t).Verify(context.Background(), loadApp(t, "payer_ready.json"))
	require.NoError(t, err)
	_, ok := r.Result(verifier.ReqHFRID)
	assert.False(t, ok)
	p := r.Pending()
	require.Len(t, p, 2)
	assert.Equal(t, verifier.ReqSandboxCertificate, p[0].ID)
	assert.Equal(t, verifier.ReqSystemAdminOTP, p[1].ID)
	assert.True(t, r.HasCategory(verifier.CategoryPayer))
	assert.False(t, r.HasCategory(verifier.CategoryTPA))

	var nilReport *verifier.Report
	_, ok = nilReport.Result(verifier.ReqMobile)
	assert.False(t, ok)
	assert.Nil(t, nilReport.Pending())
}

func TestVerdictOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		outcomes []verifier.Outcome
		want     verifier.Verdict
	}{
		{"empty", nil, verifier.VerdictReady},
		{"pending is ready", []verifier.Outcome{verifier.Satisfied, verifier.Pending}, verifier.VerdictReady},
		{"missing", []verifier.Outcome{verifier.Pending, verifier.Missing, verifier.Satisfied}, verifier.VerdictIncomplete},
		{"invalid beats missing", []verifier.Outcome{verifier.Missing, verifier.Invalid}, verifier.VerdictInvalid},
		{"unknown outcome is invalid", []verifier.Outcome{"maybe"}, verifier.VerdictInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := make([]verifier.Result, len(tt.outcomes))
			for i, o := range tt.outcomes {
				rs[i] = verifier.Result{Outcome: o}
			}
			assert.Equal(t, tt.want, verifier.VerdictOf(rs))
		})
	}
}

func TestVerifierFunc(t *testing.T) {
	t.Parallel()
	var v verifier.Verifier = verifier.VerifierFunc(func(_ context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{Verdict: verifier.VerdictReady, Categories: []verifier.Category{}}, nil
	})
	r, err := v.Verify(context.Background(), &hcxonboard.Application{})
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictReady, r.Verdict)
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	var nilClient *nilFacilities
	tests := []struct {
		name string
		opt  verifier.Option
		err  string
	}{
		{"nil option", nil, "nil option"},
		{"nil facility registry", verifier.WithFacilityRegistry(nil), "nil registry"},
		{"typed nil facility registry", verifier.WithFacilityRegistry(nilClient), "nil registry"},
		{"nil professional registry", verifier.WithProfessionalRegistry(nil), "nil registry"},
		{"nil rohini look-up", verifier.WithRohiniLookup(nil), "nil look-up"},
		{"nil payer directory", verifier.WithPayerDirectory(nil), "nil directory"},
		{"nil payer map", verifier.WithPayerDirectory(verifier.StaticPayerDirectory(nil)), "nil directory"},
		{"nil clock", verifier.WithClock(nil), "nil clock"},
		{"zero timeout", verifier.WithLookupTimeout(0), "not positive"},
		// An operator may add categories (see extend_test.go), but their
		// names go into reports, URLs and files.
		{"category not a word", verifier.WithPolicy(verifier.Policy{Category: "Hospital Beds", Requirements: []verifier.Requirement{{ID: "x", Check: okCheck}}}), "lower-case letter"},
		{"category with a space", verifier.WithPolicy(verifier.Policy{Category: "hospital beds", Requirements: []verifier.Requirement{{ID: "x", Check: okCheck}}}), "contains ' '"},
		{"category without a name", verifier.WithPolicy(verifier.Policy{Requirements: []verifier.Requirement{{ID: "x", Check: okCheck}}}), "needs a name"},
		{"empty policy", verifier.WithPolicy(verifier.Policy{Category: verifier.CategoryBSP}), "no requirements"},
		{"requirement without id", verifier.WithPolicy(verifier.Policy{Category: verifier.CategoryBSP, Requirements: []verifier.Requirement{{Check: okCheck}}}), "no ID"},
		{"requirement without check", verifier.WithPolicy(verifier.Policy{Category: verifier.CategoryBSP, Requirements: []verifier.Requirement{{ID: "x"}}}), "no Check"},
		{"duplicate requirement", verifier.WithPolicy(verifier.Policy{Category: verifier.CategoryBSP, Requirements: []verifier.Requirement{{ID: "x", Check: okCheck}, {ID: "x", Check: okCheck}}}), "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := verifier.New(tt.opt)
			assert.Nil(t, c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
	c, err := verifier.New(verifier.WithSandboxVerifier(nil), verifier.WithLookupTimeout(time.Second))
	require.NoError(t, err)
	p, ok := c.Policy(verifier.CategoryBSP)
	require.True(t, ok)
	assert.Equal(t, verifier.CategoryBSP, p.Category)
}

type nilFacilities struct{}

func (*nilFacilities) Facility(context.Context, string) (hfrFacility, error) {
	return hfrFacility{}, nil
}

func okCheck(context.Context, *verifier.Input) verifier.Result {
	return verifier.Result{Outcome: verifier.Satisfied, Message: "ok"}
}

func TestWithPolicyExtends(t *testing.T) {
	t.Parallel()
	payer := verifier.DefaultPolicies()[verifier.CategoryPayer]
	extra := verifier.Requirement{ID: "irda_licence", Description: "Copy of the IRDAI certificate of registration",
		Check: verifier.RequireDocument(hcxonboard.DocIRDALicence, "copy of your IRDAI certificate of registration")}
	c := trustedChecker(t, verifier.WithPolicy(payer.With(extra).Without(verifier.ReqIRDAUserID)))

	app := loadApp(t, "payer_ready.json")
	app.Identifiers.IRDAUserID = ""
	r, err := c.Verify(context.Background(), app)
	require.NoError(t, err)
	assertResult(t, r, want{id: "irda_licence", outcome: verifier.Satisfied})
	_, has := r.Result(verifier.ReqIRDAUserID)
	assert.False(t, has)
	assert.Equal(t, verifier.VerdictReady, r.Verdict)

	app.Documents = app.Documents[:1]
	r, err = c.Verify(context.Background(), app)
	require.NoError(t, err)
	assertResult(t, r, want{id: "irda_licence", outcome: verifier.Missing, msg: "irda_licence"})

	// The default map is the caller's own copy.
	assert.Len(t, verifier.DefaultPolicies()[verifier.CategoryPayer].Requirements, len(payer.Requirements))
	_, has = payer.Requirement("irda_licence")
	assert.False(t, has)
}

func TestCustomCheckOutcomes(t *testing.T) {
	t.Parallel()
	bad := verifier.Requirement{ID: "custom", Check: func(context.Context, *verifier.Input) verifier.Result {
		return verifier.Result{Outcome: "okay-ish", Message: "hm", Task: verifier.TaskRetry}
	}}
	sat := verifier.Requirement{ID: "custom2", Check: func(_ context.Context, in *verifier.Input) verifier.Result {
		require.Equal(t, testNow, in.Now)
		require.Equal(t, []verifier.Category{verifier.CategoryRegulator}, in.Categories)
		return verifier.Result{ID: "ignored", Outcome: verifier.Satisfied, Message: "fine", Task: verifier.TaskRetry}
	}}
	reg := verifier.DefaultPolicies()[verifier.CategoryRegulator].With(bad, sat)
	r, err := trustedChecker(t, verifier.WithPolicy(reg)).Verify(context.Background(), loadApp(t, "regulator_ready.json"))
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
	assertResult(t, r, want{id: "custom", outcome: verifier.Invalid, msg: "unknown outcome"})
	assertResult(t, r, want{id: "custom2", outcome: verifier.Satisfied, msg: "fine"})
}

func TestDefaultPoliciesCoverTheTable(t *testing.T) {
	t.Parallel()
	ps := verifier.DefaultPolicies()
	require.Len(t, ps, len(verifier.Categories()))
	used := map[verifier.RequirementID]bool{}
	for _, c := range verifier.Categories() {
		p, ok := ps[c]
		require.True(t, ok, c)
		assert.Equal(t, c, p.Category)
		assert.NotEmpty(t, p.Title)
		for _, id := range []verifier.RequirementID{verifier.ReqSandboxCertificate, verifier.ReqParticipantName, verifier.ReqMobile} {
			_, ok := p.Requirement(id)
			assert.True(t, ok, "%s lacks %s", c, id)
		}
		for _, r := range p.Requirements {
			assert.NotEmpty(t, r.Description, "%s/%s", c, r.ID)
			assert.NotNil(t, r.Check, "%s/%s", c, r.ID)
			used[r.ID] = true
		}
	}
	for _, id := range verifier.RequirementIDs() {
		assert.True(t, used[id], "%s is in no policy", id)
	}
	assert.Len(t, verifier.RequirementIDs(), 24)
	assert.Len(t, used, 24)
}

func TestMessagesMaskPersonalData(t *testing.T) {
	t.Parallel()
	app := loadApp(t, "payer_ready.json")
	app.PrimaryMobile = "+91 98450 12345"
	app.SystemAdmin.Mobile = "98450-1234" // 9 digits: invalid, and still masked
	r, err := offlineChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	for _, secret := range []string{"98450", "anita.rao", "hcx.onboarding"} {
		assert.NotContains(t, string(b), secret)
	}
	assert.True(t, strings.Contains(string(b), "2345"), "last digits stay visible")
}

func TestOutcomeWorse(t *testing.T) {
	t.Parallel()
	order := []verifier.Outcome{verifier.Satisfied, verifier.Pending, verifier.Missing, verifier.Invalid, "maybe"}
	for i, a := range order {
		assert.Equal(t, i < 4, a.Valid(), "%q", a)
		for j, b := range order {
			assert.Equal(t, i > j, a.Worse(b), "%q worse than %q", a, b)
		}
	}
	// The short names are the same outcomes.
	assert.Equal(t, []verifier.Outcome{verifier.Satisfied, verifier.Pending, verifier.Missing, verifier.Invalid}, order[:4])
}
