package verifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// The extension points, through the public API only: operator categories
// (WithPolicy), resolvers (WithResolver, ByRole, ResolveRole, Categorize),
// verifiers per role (WithRoleVerifier) and policy files.

const catResearch verifier.Category = "research"

// researchApp is the regulator sample applying as research, with a
// sandbox certificate for that role.
func researchApp(t *testing.T) *hcxonboard.Application {
	t.Helper()
	app := loadApp(t, "regulator_ready.json")
	app.Roles = []hcxonboard.Role{hcxonboard.RoleResearch}
	app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "research", hcxonboard.RoleResearch), "research"
	return app
}

// researchPolicy is an operator's own category for research bodies: the
// shared requirements and two that staff decide.
func researchPolicy() verifier.Policy {
	p := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
		verifier.Requirement{ID: "ethics_approval", Description: "Approval of an institutional ethics committee",
			Check: verifier.RequireReview("the approval of your institutional ethics committee")},
		verifier.Requirement{ID: "data_use_agreement", Description: "A data use agreement signed with the operator",
			Check: func(context.Context, *verifier.Input) verifier.Result {
				return verifier.Result{Outcome: verifier.Pending, Task: verifier.TaskReview, Message: "Staff countersign the data use agreement"}
			}},
	)
	p.Category, p.Title = catResearch, "Research bodies"
	return p
}

// researchRole sends the research role to the research category and every
// other role to the built-in rule.
var researchRole = verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
	if role == hcxonboard.RoleResearch {
		return []verifier.Category{catResearch}, nil
	}
	return verifier.ResolveRole(role, app)
})

func TestWithPolicyNewCategory(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t, verifier.WithPolicy(researchPolicy()))
	p, ok := c.Policy(catResearch)
	require.True(t, ok)
	assert.Equal(t, "Research bodies", p.Title)
	ps := c.Policies()
	require.Len(t, ps, len(verifier.Categories())+1)
	for i, cat := range verifier.Categories() {
		assert.Equal(t, cat, ps[i].Category, "built-in categories first, in report order")
	}
	assert.Equal(t, catResearch, ps[len(ps)-1].Category)
	assert.False(t, catResearch.Valid(), "Valid stays the test for built-in categories")

	// A policy alone places nobody: under the built-in resolver research
	// still goes case by case with the regulators.
	r, err := c.Verify(context.Background(), researchApp(t))
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{verifier.CategoryRegulator}, r.Categories)
	assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview})

	// The built-in categories stay the defaults, policy by policy.
	def := trustedChecker(t)
	for _, cat := range verifier.Categories() {
		a, _ := c.Policy(cat)
		b, _ := def.Policy(cat)
		assert.Equal(t, reqIDs(b), reqIDs(a), cat)
	}
}

func reqIDs(p verifier.Policy) []verifier.RequirementID {
	out := make([]verifier.RequirementID, len(p.Requirements))
	for i, r := range p.Requirements {
		out[i] = r.ID
	}
	return out
}

// TestNewCategoryPendingReview is the report the onboarding engine turns
// into review tasks: it refuses an application whose verdict is not ready
// and opens one task per pending result, by its task kind — review: a
// person decides. A new category's review requirements must reach it in
// that form, offline (the engine's first pass) and online.
func TestNewCategoryPendingReview(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t, verifier.WithPolicy(researchPolicy()), verifier.WithResolver(researchRole))
	for _, ctx := range []context.Context{verifier.Offline(context.Background()), context.Background()} {
		r, err := c.Verify(ctx, researchApp(t))
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{catResearch}, r.Categories)
		assert.Equal(t, verifier.VerdictReady, r.Verdict, "%+v", r.Requirements)
		assert.Equal(t, []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "ethics_approval", "data_use_agreement"}, ids(r))
		_, hasCaseReview := r.Result(verifier.ReqCaseReview)
		assert.False(t, hasCaseReview, "the regulators' case review is not the research policy's")

		pending := r.Pending()
		require.Len(t, pending, 2)
		assertResult(t, r, want{id: "ethics_approval", outcome: verifier.Pending, task: verifier.TaskReview,
			msg: "checks this by hand: the approval of your institutional ethics committee"})
		assertResult(t, r, want{id: "data_use_agreement", outcome: verifier.Pending, task: verifier.TaskReview, msg: "countersign"})

		// The report as the engine stores and serves it.
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back verifier.Report
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, *r, back)
		assert.Contains(t, string(b), `"categories":["research"]`)
		assert.Contains(t, string(b), `{"id":"ethics_approval","outcome":"pending","message":"The HCX operator checks this by hand: the approval of your institutional ethics committee","task":"review"}`)
	}

	// Something missing in the new category is the applicant's to fix:
	// not ready, so the engine refuses it before opening any task.
	app := researchApp(t)
	app.PrimaryMobile = ""
	r, err := c.Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictIncomplete, r.Verdict)
}

func TestResolvers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("ByRole over ResolveRole keeps the built-in rule for other roles", func(t *testing.T) {
		t.Parallel()
		app := &hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleResearch, hcxonboard.RolePayer, hcxonboard.RoleRegulator, hcxonboard.RoleResearch}}
		cats, err := researchRole.Resolve(app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{verifier.CategoryPayer, verifier.CategoryRegulator, catResearch}, cats)

		cats, err = researchRole.Resolve(&hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RoleSponsor, hcxonboard.RoleResearch}})
		assert.Equal(t, []verifier.Category{catResearch}, cats)
		assert.ErrorIs(t, err, verifier.ErrSponsorKind)

		cats, err = researchRole.Resolve(&hcxonboard.Application{})
		assert.Equal(t, []verifier.Category{}, cats)
		assert.ErrorIs(t, err, verifier.ErrNoRoles)
		_, err = researchRole.Resolve(nil)
		assert.ErrorIs(t, err, verifier.ErrNilApplication)
	})

	t.Run("the built-in resolver three ways agrees", func(t *testing.T) {
		t.Parallel()
		for _, f := range testdataFiles(t) {
			app := loadApp(t, f)
			want, wantErr := verifier.Categorize(app)
			got, err := verifier.ByRole(verifier.ResolveRole).Resolve(app)
			assert.Equal(t, want, got, f)
			assert.Equal(t, wantErr, err, f)
			got, err = verifier.ResolverFunc(verifier.Categorize).Resolve(app)
			assert.Equal(t, want, got, f)
			assert.Equal(t, wantErr, err, f)
		}
		_, err := verifier.ResolveRole(hcxonboard.RolePayer, nil)
		assert.ErrorIs(t, err, verifier.ErrNilApplication)
		cats, err := verifier.ResolveRole("provider.vet", &hcxonboard.Application{})
		assert.Empty(t, cats)
		assert.ErrorIs(t, err, hcxonboard.ErrUnknownRole)
	})

	t.Run("a resolver wrapping Categorize adds a category", func(t *testing.T) {
		t.Parallel()
		// An operator for PMJAY asks ABDM hospitals that name the scheme for
		// its own empanelment check too.
		pmjay := verifier.Policy{Category: "pmjay_hospital", Title: "PMJAY empanelled hospitals", Requirements: []verifier.Requirement{
			{ID: "pmjay_empanelment", Description: "Empanelment with PMJAY", Check: verifier.RequireReview("your PMJAY empanelment")},
			{ID: verifier.ReqHFRID, Description: "HFR ID", Check: func(context.Context, *verifier.Input) verifier.Result {
				return verifier.Result{Outcome: verifier.Missing, Message: "PMJAY wants the HFR ID again"}
			}},
		}}
		resolver := verifier.ResolverFunc(func(app *hcxonboard.Application) ([]verifier.Category, error) {
			cats, err := verifier.Categorize(app)
			if app.Identifiers.SchemeCode == "PMJAY" {
				cats = append([]verifier.Category{"pmjay_hospital"}, cats...)
			}
			return cats, err
		})
		c := trustedChecker(t, verifier.WithPolicy(pmjay), verifier.WithResolver(resolver))
		app := loadApp(t, "abdm_provider_ready.json")
		app.Identifiers.SchemeCode = "PMJAY"
		r, err := c.Verify(ctx, app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{verifier.CategoryABDMProvider, "pmjay_hospital"}, r.Categories, "built-in categories first")
		assert.Equal(t, []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "hfr_id", "hfr_lookup", "hfr_manager_otp", "pmjay_empanelment"}, ids(r))
		assertResult(t, r, want{id: verifier.ReqHFRID, outcome: verifier.Missing, msg: "PMJAY"})
		assert.Equal(t, verifier.VerdictIncomplete, r.Verdict)
	})

	t.Run("a category without a policy goes to staff", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithResolver(verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
			if role == hcxonboard.RoleResearch {
				return []verifier.Category{"research_typo"}, nil
			}
			return verifier.ResolveRole(role, app)
		})))
		r, err := c.Verify(ctx, researchApp(t))
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{"research_typo"}, r.Categories)
		assert.Equal(t, []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "case_review"}, ids(r))
		assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview, msg: `no checks for category "research_typo"`})
		assert.Equal(t, verifier.VerdictReady, r.Verdict)
	})

	t.Run("an operator's resolver error goes to staff", func(t *testing.T) {
		t.Parallel()
		errNoInstitution := errors.New("a research body names its parent institution")
		c := trustedChecker(t, verifier.WithPolicy(researchPolicy()), verifier.WithResolver(verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
			if role == hcxonboard.RoleResearch {
				return nil, fmt.Errorf("research: %w", errNoInstitution)
			}
			return verifier.ResolveRole(role, app)
		})))
		r, err := c.Verify(ctx, researchApp(t))
		require.NoError(t, err)
		assert.Equal(t, []verifier.Category{}, r.Categories)
		assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview,
			msg: "could not place the application in a category (research: a research body names its parent institution)"})
		assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Satisfied})
	})

	t.Run("a wrapped resolver keeps the built-in sponsor and role reports", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithResolver(researchRole))
		app := loadApp(t, "state_scheme_ready.json")
		app.SponsorKind = "ngo"
		r, err := c.Verify(ctx, app)
		require.NoError(t, err)
		assertResult(t, r, want{id: verifier.ReqGovernmentApprovalLetter, outcome: verifier.Invalid, msg: `sponsor_kind "ngo"`})
		_, has := r.Result(verifier.ReqCaseReview)
		assert.False(t, has)

		app = loadApp(t, "regulator_ready.json")
		app.Roles = []hcxonboard.Role{"provider.vet"}
		r, err = c.Verify(ctx, app)
		require.NoError(t, err)
		assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Invalid, msg: "is not an HCX role"})
		_, has = r.Result(verifier.ReqCaseReview)
		assert.False(t, has)
	})

	t.Run("wiring", func(t *testing.T) {
		t.Parallel()
		var nilFunc verifier.ResolverFunc
		for _, opt := range []verifier.Option{verifier.WithResolver(nil), verifier.WithResolver(nilFunc), verifier.WithResolver(verifier.ByRole(nil))} {
			c, err := verifier.New(opt)
			assert.Nil(t, c)
			assert.ErrorContains(t, err, "nil resolver")
		}
	})
}

// roleReport is a role verifier answering with fixed results.
func roleReport(results ...verifier.Result) verifier.VerifierFunc {
	return func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
		return &verifier.Report{Requirements: results}, nil
	}
}

func TestWithRoleVerifier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("results join the report by ID, the worse winning", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleTPA, roleReport(
			verifier.Result{ID: "tpa_network", Outcome: verifier.Pending, Task: verifier.TaskReview, Message: "Staff check the TPA's hospital network"},
			verifier.Result{ID: verifier.ReqIRDAUserID, Outcome: verifier.Invalid, Message: "IRDA user ID is not on IRDAI's list"},
			verifier.Result{ID: verifier.ReqSignatoryLetter, Outcome: verifier.Satisfied, Message: "looser: ignored", Task: verifier.TaskRetry},
		)))
		app := loadApp(t, "tpa_ready.json")
		app.Documents = nil
		r, err := c.Verify(ctx, app)
		require.NoError(t, err)
		assert.Equal(t, []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile", "signatory_letter", "irda_registration_number",
			"irda_user_id", "registered_email", "system_admin_otp", "tpa_network"}, ids(r))
		assertResult(t, r, want{id: "tpa_network", outcome: verifier.Pending, task: verifier.TaskReview, msg: "hospital network"})
		assertResult(t, r, want{id: verifier.ReqIRDAUserID, outcome: verifier.Invalid, msg: "IRDAI's list"})
		assertResult(t, r, want{id: verifier.ReqSignatoryLetter, outcome: verifier.Missing})
		assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
		assert.Equal(t, []verifier.Category{verifier.CategoryTPA}, r.Categories)
	})

	t.Run("runs only for its role; provider covers sub-roles", func(t *testing.T) {
		t.Parallel()
		var ran []string
		record := func(name string) verifier.VerifierFunc {
			return func(_ context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
				ran = append(ran, name)
				return &verifier.Report{Categories: []verifier.Category{"ran_" + verifier.Category(name)},
					Requirements: []verifier.Result{{ID: verifier.RequirementID(name + "_check"), Outcome: verifier.Satisfied, Message: "ok"}}}, nil
			}
		}
		c := trustedChecker(t,
			verifier.WithRoleVerifier(hcxonboard.RolePharmacy, record("pharmacy")),
			verifier.WithRoleVerifier(hcxonboard.RoleProvider, record("provider")),
			verifier.WithRoleVerifier(hcxonboard.RolePayer, record("payer")))
		r, err := c.Verify(ctx, loadApp(t, "abdm_provider_ready.json")) // provider.hospital
		require.NoError(t, err)
		assert.Equal(t, []string{"provider"}, ran)
		assert.Equal(t, []verifier.Category{verifier.CategoryABDMProvider, "ran_provider"}, r.Categories)
		assertResult(t, r, want{id: "provider_check", outcome: verifier.Satisfied})

		ran = nil
		app := loadApp(t, "abdm_provider_ready.json")
		app.Roles = []hcxonboard.Role{hcxonboard.RolePharmacy, hcxonboard.RoleHospital, hcxonboard.RolePayer}
		_, err = c.Verify(ctx, app)
		require.NoError(t, err)
		assert.Equal(t, []string{"provider", "pharmacy", "payer"}, ran, "in the order of hcxonboard.Roles, once each")
	})

	t.Run("sees the caller's context", func(t *testing.T) {
		t.Parallel()
		var offline bool
		c := offlineChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleBSP, verifier.VerifierFunc(func(ctx context.Context, _ *hcxonboard.Application) (*verifier.Report, error) {
			offline = verifier.IsOffline(ctx)
			return &verifier.Report{}, nil
		})))
		_, err := c.Verify(verifier.Offline(ctx), loadApp(t, "bsp_ready.json"))
		require.NoError(t, err)
		assert.True(t, offline)
	})

	t.Run("a broken result is made safe", func(t *testing.T) {
		t.Parallel()
		c := offlineChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleBSP, roleReport(
			verifier.Result{ID: "odd", Outcome: "fine-ish", Message: "?"},
			verifier.Result{ID: "done", Outcome: verifier.Satisfied, Message: "ok", Task: verifier.TaskReview})))
		r, err := c.Verify(ctx, loadApp(t, "bsp_ready.json"))
		require.NoError(t, err)
		assertResult(t, r, want{id: "odd", outcome: verifier.Invalid, msg: "unknown outcome"})
		assertResult(t, r, want{id: "done", outcome: verifier.Satisfied})
		assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
	})

	t.Run("failures fail the verification", func(t *testing.T) {
		t.Parallel()
		errDown := errors.New("register unreachable")
		tests := []struct {
			name string
			v    verifier.Verifier
			is   error
			msg  string
		}{
			{"error", verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) { return nil, errDown }), errDown, "verifier of role bsp"},
			{"no report", verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) { return nil, nil }), nil, "no report"},
			{"result without id", roleReport(verifier.Result{Outcome: verifier.Satisfied, Message: "whose?"}), nil, "without an ID"},
		}
		for _, tt := range tests {
			c := offlineChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleBSP, tt.v))
			r, err := c.Verify(ctx, loadApp(t, "bsp_ready.json"))
			assert.Nil(t, r, tt.name)
			require.Error(t, err, tt.name)
			assert.Contains(t, err.Error(), tt.msg, tt.name)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is, tt.name)
			}
		}

		cctx, cancel := context.WithCancel(ctx)
		c := offlineChecker(t, verifier.WithRoleVerifier(hcxonboard.RoleBSP, verifier.VerifierFunc(func(context.Context, *hcxonboard.Application) (*verifier.Report, error) {
			cancel()
			return &verifier.Report{}, nil
		})))
		_, err := c.Verify(cctx, loadApp(t, "bsp_ready.json"))
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("wiring", func(t *testing.T) {
		t.Parallel()
		ok := roleReport()
		var nilFunc verifier.VerifierFunc
		tests := []struct {
			name string
			opts []verifier.Option
			msg  string
		}{
			{"not a role", []verifier.Option{verifier.WithRoleVerifier("scientist", ok)}, "not an HCX role"},
			{"nil verifier", []verifier.Option{verifier.WithRoleVerifier(hcxonboard.RolePayer, nil)}, "nil verifier"},
			{"typed nil verifier", []verifier.Option{verifier.WithRoleVerifier(hcxonboard.RolePayer, nilFunc)}, "nil verifier"},
			{"twice", []verifier.Option{verifier.WithRoleVerifier(hcxonboard.RolePayer, ok), verifier.WithRoleVerifier(hcxonboard.RolePayer, ok)}, "already has a verifier"},
		}
		for _, tt := range tests {
			c, err := verifier.New(tt.opts...)
			assert.Nil(t, c, tt.name)
			assert.ErrorContains(t, err, tt.msg, tt.name)
		}
	})
}

// TestNHCXRoleCodes: NHCX's numeric role codes, as JSON numbers or
// strings, reach the categories of the roles they stand for.
func TestNHCXRoleCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code  string
		extra string
		want  verifier.Category
	}{
		{"10001", `"identifiers": {"hfr_id": "IN2910000123"}`, verifier.CategoryABDMProvider},
		{"10001", `"identifiers": {"rohini_id": "8900080336704"}`, verifier.CategoryRohiniProvider},
		{"10001", `"identifiers": {}`, verifier.CategoryEmpanelledProvider},
		{"10002", `"identifiers": {}`, verifier.CategoryPayer},
		{"10003", `"identifiers": {}`, verifier.CategoryTPA},
		{"10004", `"identifiers": {}`, verifier.CategoryRegulator},
		{"10005", `"identifiers": {}`, verifier.CategoryRegulator},
		{"10006", `"identifiers": {}`, verifier.CategoryISNP},
		{"10007", `"sponsor_kind": "state_scheme"`, verifier.CategoryStateScheme},
		{"10007", `"sponsor_kind": "corporate"`, verifier.CategoryCorporateSponsor},
		{"10008", `"identifiers": {}`, verifier.CategoryRegulator},
		{"10009", `"identifiers": {}`, verifier.CategoryBSP}, // EUA: an end-user application (PHR app)
	}
	c := offlineChecker(t)
	for _, tt := range tests {
		for _, spelling := range []string{tt.code, `"` + tt.code + `"`} {
			app, err := hcxonboard.UnmarshalApplication([]byte(`{"roles": [` + spelling + `], ` + tt.extra + `}`))
			require.NoError(t, err, spelling)
			cats, err := verifier.Categorize(app)
			require.NoError(t, err, spelling)
			assert.Equal(t, []verifier.Category{tt.want}, cats, "%s %s", spelling, tt.extra)
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assert.Equal(t, []verifier.Category{tt.want}, r.Categories, spelling)
		}
	}
	// A policy file may name roles by their NHCX codes too.
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [{"category": "eua", "roles": [10009],
	  "requirements": [{"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "consent_flow", "check": "review", "description": "The consent flow of the app"}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleBSP}, f.Policies[0].Roles)
}

func TestPolicyFileDefaultsRoundTrip(t *testing.T) {
	t.Parallel()
	def := verifier.DefaultPolicyFile()
	b, err := json.MarshalIndent(def, "", "  ")
	require.NoError(t, err)
	f, err := verifier.ParsePolicyFile(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, def, f)
	assert.Equal(t, def, f.Complete(), "the defaults are complete")
	require.Len(t, f.Policies, len(verifier.Categories()))

	fromFile := trustedChecker(t, verifier.WithPolicyFile(f))
	builtin := trustedChecker(t)
	for i, p := range fromFile.Policies() {
		want := builtin.Policies()[i]
		assert.Equal(t, want.Category, p.Category)
		assert.Equal(t, want.Title, p.Title)
		require.Len(t, p.Requirements, len(want.Requirements), p.Category)
		for j, r := range p.Requirements {
			assert.Equal(t, want.Requirements[j].ID, r.ID)
			assert.Equal(t, want.Requirements[j].Description, r.Description)
		}
	}
	for _, name := range testdataFiles(t) {
		want, err := builtin.Verify(context.Background(), loadApp(t, name))
		require.NoError(t, err)
		got, err := fromFile.Verify(context.Background(), loadApp(t, name))
		require.NoError(t, err)
		assert.Equal(t, want, got, name)
	}
}

// operatorFile adds a requirement to TPAs and a research category.
const operatorFile = `{
  "version": 1,
  "name": "Example HCX",
  "policies": [
    {"category": "tpa", "requirements": [
      {"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "mobile"}, {"id": "signatory_letter"},
      {"id": "irda_registration_number", "check": "irda_registration_number.tpa"}, {"id": "irda_user_id"},
      {"id": "registered_email"}, {"id": "system_admin_otp"},
      {"id": "irda_licence", "check": "document:irda_licence", "description": "Copy of the IRDAI certificate of registration"}]},
    {"category": "research", "title": "Research bodies", "roles": ["research"], "requirements": [
      {"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "mobile"},
      {"id": "ethics_approval", "check": "review", "description": "Approval of an institutional ethics committee"}]}
  ]
}`

func TestPolicyFileOperator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, err := verifier.ParsePolicyFile(strings.NewReader(operatorFile))
	require.NoError(t, err)
	c := trustedChecker(t, verifier.WithPolicyFile(f))

	r, err := c.Verify(ctx, loadApp(t, "tpa_ready.json"))
	require.NoError(t, err)
	assertResult(t, r, want{id: "irda_licence", outcome: verifier.Missing, msg: "Attach the copy of the IRDAI certificate of registration: a document of kind irda_licence"})
	assert.Equal(t, verifier.VerdictIncomplete, r.Verdict)

	r, err = c.Verify(ctx, researchApp(t))
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{catResearch}, r.Categories)
	assertResult(t, r, want{id: "ethics_approval", outcome: verifier.Pending, task: verifier.TaskReview,
		msg: "checks this by hand: approval of an institutional ethics committee"})
	assert.Equal(t, verifier.VerdictReady, r.Verdict)

	// Roles the file does not name resolve as before, even beside one it does.
	app := researchApp(t)
	app.Roles = []hcxonboard.Role{hcxonboard.RoleResearch, hcxonboard.RoleRegulator}
	app.SandboxCertificate = issueCert(t, "research", app.Roles...)
	r, err = c.Verify(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{verifier.CategoryRegulator, catResearch}, r.Categories)

	// Payers keep the guideline's policy.
	r, err = c.Verify(ctx, loadApp(t, "payer_ready.json"))
	require.NoError(t, err)
	assert.Equal(t, verifier.VerdictReady, r.Verdict)

	// The published form: every category, checks and descriptions spelt out.
	full := f.Complete()
	require.Len(t, full.Policies, len(verifier.Categories())+1)
	assert.Equal(t, "Example HCX", full.Name)
	tpa := full.Policies[3]
	assert.Equal(t, verifier.CategoryTPA, tpa.Category)
	assert.Equal(t, "TPAs (agency.tpa)", tpa.Title, "a built-in category's title is filled in")
	last := tpa.Requirements[len(tpa.Requirements)-1]
	assert.Equal(t, verifier.RequirementSpec{ID: "irda_licence", Check: "document:irda_licence", Description: "Copy of the IRDAI certificate of registration"}, last)
	assert.Equal(t, verifier.RequirementSpec{ID: "mobile", Check: "mobile", Description: "Mobile number (the registry's primary_mobile)"}, tpa.Requirements[2])
	assert.Equal(t, catResearch, full.Policies[len(full.Policies)-1].Category)
	require.NoError(t, full.Validate())
	// The same verdicts from the published form.
	c2 := trustedChecker(t, verifier.WithPolicyFile(full))
	for _, name := range testdataFiles(t) {
		want, err := c.Verify(ctx, loadApp(t, name))
		require.NoError(t, err)
		got, err := c2.Verify(ctx, loadApp(t, name))
		require.NoError(t, err)
		assert.Equal(t, want, got, name)
	}
	// The file is not changed by Complete.
	again, err := verifier.ParsePolicyFile(strings.NewReader(operatorFile))
	require.NoError(t, err)
	assert.Equal(t, again, f)
}

func TestPolicyFileWrapsResolver(t *testing.T) {
	t.Parallel()
	f, err := verifier.ParsePolicyFile(strings.NewReader(operatorFile))
	require.NoError(t, err)
	var asked []hcxonboard.Role
	mine := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		asked = append(asked, role)
		return verifier.ResolveRole(role, app)
	})
	c := trustedChecker(t, verifier.WithResolver(mine), verifier.WithPolicyFile(f))
	app := researchApp(t)
	app.Roles = []hcxonboard.Role{hcxonboard.RoleResearch, hcxonboard.RoleRegulator}
	_, err = c.Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleRegulator}, asked, "the file's rule answers for research, the operator's resolver for the rest")

	// A provider rule covers the sub-roles.
	g, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [{"category": "any_provider", "roles": ["provider"],
	  "requirements": [{"id": "sandbox_certificate"}]}]}`))
	require.NoError(t, err)
	cats, err := g.Resolver(nil).Resolve(&hcxonboard.Application{Roles: []hcxonboard.Role{hcxonboard.RolePharmacy, hcxonboard.RolePayer}})
	require.NoError(t, err)
	assert.Equal(t, []verifier.Category{verifier.CategoryPayer, "any_provider"}, cats)
	_, err = g.Resolver(nil).Resolve(&hcxonboard.Application{})
	assert.ErrorIs(t, err, verifier.ErrNoRoles)
}

func TestPolicyFileErrors(t *testing.T) {
	t.Parallel()
	policy := func(p string) string { return `{"version": 1, "policies": [` + p + `]}` }
	tests := []struct {
		name, file string
		msg        string
		is         error
	}{
		{"no version", `{"policies": []}`, `no version; this library reads "version": 1`, nil},
		{"later version", `{"version": 2, "policies": []}`, "version 2; this library reads version 1", nil},
		{"unknown field", `{"version": 1, "policies": [], "resolver": {}}`, `unknown field "resolver"`, nil},
		{"unknown requirement field", policy(`{"category": "tpa", "requirements": [{"id": "mobile", "kind": "x"}]}`), `unknown field "kind"`, nil},
		{"two values", `{"version": 1, "policies": []} {}`, "more than one JSON value", nil},
		{"not JSON", `version: 1`, "expected a JSON object", nil},
		{"unknown check", policy(`{"category": "tpa", "requirements": [{"id": "irda_licence", "check": "irda_licence"}]}`),
			`policies[0]: tpa: requirement irda_licence: verifier: unknown check "irda_licence"; the checks are sandbox_certificate, participant_name, mobile,`, verifier.ErrUnknownCheck},
		{"id that is no check", policy(`{"category": "tpa", "requirements": [{"id": "irda_registration_number"}]}`),
			`irda_registration_number.payer, irda_registration_number.tpa, irda_registration_number.isnp`, verifier.ErrUnknownCheck},
		{"review without description", policy(`{"category": "research", "requirements": [{"id": "x", "check": "review"}]}`), `needs a description`, nil},
		{"document without description", policy(`{"category": "research", "requirements": [{"id": "x", "check": "document:ethics_approval"}]}`), `needs a description`, nil},
		{"document kind malformed", policy(`{"category": "research", "requirements": [{"id": "x", "check": "document:Ethics Approval", "description": "d"}]}`), `lower-case letters, digits and '_'`, nil},
		{"document kind empty", policy(`{"category": "research", "requirements": [{"id": "x", "check": "document:", "description": "d"}]}`), `1–64 characters`, nil},
		{"category twice", policy(`{"category": "tpa", "requirements": [{"id": "mobile"}]}, {"category": "tpa", "requirements": [{"id": "mobile"}]}`), "policies[1]: category tpa listed twice", nil},
		{"requirement twice", policy(`{"category": "tpa", "requirements": [{"id": "mobile"}, {"id": "mobile"}]}`), "requirement mobile listed twice", nil},
		{"bad category", policy(`{"category": "Research", "requirements": [{"id": "mobile"}]}`), "lower-case letter", nil},
		{"no requirements", policy(`{"category": "research"}`), "research: no requirements", nil},
		{"no id", policy(`{"category": "research", "requirements": [{"check": "mobile"}]}`), "a requirement has no id", nil},
		{"bad id", policy(`{"category": "research", "requirements": [{"id": "Ethics Approval", "check": "review", "description": "d"}]}`), `requirement id "Ethics Approval" contains 'E'`, nil},
		{"unknown role", policy(`{"category": "research", "roles": ["scientist"], "requirements": [{"id": "mobile"}]}`), "scientist", hcxonboard.ErrUnknownRole},
		{"too large", `{"version": 1, "name": "` + strings.Repeat("x", verifier.MaxPolicyFile) + `", "policies": []}`, "larger than", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := verifier.ParsePolicyFile(strings.NewReader(tt.file))
			assert.Nil(t, f)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "verifier: policy file: "), err.Error())
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}

	// Built in code rather than read: New reports the same problems.
	bad := &verifier.PolicyFile{Version: 1, Policies: []verifier.PolicySpec{{Category: "tpa", Roles: []hcxonboard.Role{"scientist"},
		Requirements: []verifier.RequirementSpec{{ID: "mobile"}}}}}
	_, err := verifier.New(verifier.WithPolicyFile(bad))
	assert.ErrorContains(t, err, `"scientist" is not an HCX role`)
	assert.Same(t, bad, bad.Complete(), "a file that does not validate comes back as it is")
	_, err = verifier.New(verifier.WithPolicyFile(nil))
	assert.ErrorContains(t, err, "policy file: nil")
}

func TestCheckNames(t *testing.T) {
	t.Parallel()
	names := verifier.CheckNames()
	assert.Contains(t, names, "review")
	assert.Contains(t, names, "document:<kind>")
	// Every check a policy file may name builds a requirement, and each
	// built-in requirement ID is decided by some check.
	for _, name := range names {
		spec := verifier.RequirementSpec{ID: "x", Check: name, Description: "Something"}
		if name == "document:<kind>" {
			spec.Check = "document:site_plan"
		}
		r, err := spec.Requirement()
		require.NoError(t, err, name)
		assert.NotNil(t, r.Check, name)
	}
	for _, id := range verifier.RequirementIDs() {
		found := false
		for _, n := range names {
			found = found || n == string(id) || strings.HasPrefix(n, string(id)+".")
		}
		assert.True(t, found, "no check decides %s", id)
	}
	r, err := verifier.RequirementSpec{ID: "gstin"}.Requirement()
	require.NoError(t, err)
	assert.Equal(t, "GSTN", r.Description, "the check's own description by default")
}
