package verifier_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// exampleClock is the time the extension examples check at.
func exampleClock() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) }

// verifyAndPrint checks an application given as JSON and prints the
// verdict, the categories and one line per requirement.
func verifyAndPrint(c *verifier.Checker, application string) *verifier.Report {
	app, err := hcxonboard.UnmarshalApplication([]byte(application))
	if err != nil {
		log.Fatal(err)
	}
	report, err := c.Verify(context.Background(), app)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verdict:", report.Verdict, report.Categories)
	for _, r := range report.Requirements {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-24s %-9s %s", r.ID, r.Outcome, r.Task)))
	}
	return report
}

const medilinkTPA = `{
  "participant_name": "Medilink Health TPA Private Limited",
  "roles": ["agency.tpa"],
  "primary_email": "compliance@medilinktpa.example",
  "primary_mobile": "+91 90000 44001",
  "identifiers": {"irda_registration_number": "021", "irda_user_id": "MEDILINK-TPA"},
  "system_admin": {"name": "Suresh Iyer", "email": "suresh.iyer@medilinktpa.example"},
  "documents": [{"kind": "authorized_signatory_letter",
    "uri": "https://docs.medilinktpa.example/signatory-letter.pdf",
    "sha256": "b8551f5342e0c58c8173769073a05e9ae455f7769b5e7b8c9769d273300d0be0"}],
  "sandbox_certificate": ""
}`

// An operator asks TPAs for one thing more than the guideline: a copy of
// their IRDAI certificate of registration. It extends the built-in TPA
// policy; every other category keeps the guideline's. DocumentRequirement
// names the document's kind, so that the onboarding engine holds the
// document before it relies on it; any Check will do for other needs.
func ExampleWithPolicy_addRequirement() {
	tpa := verifier.DefaultPolicies()[verifier.CategoryTPA].With(
		verifier.DocumentRequirement("irda_licence", hcxonboard.DocIRDALicence, "Copy of the IRDAI certificate of registration"))
	checker, err := verifier.New(verifier.WithPolicy(tpa), verifier.WithClock(exampleClock))
	if err != nil {
		log.Fatal(err)
	}
	report := verifyAndPrint(checker, medilinkTPA)
	res, _ := report.Result("irda_licence")
	fmt.Println(res.Message)
	// Output:
	// verdict: incomplete [tpa]
	// sandbox_certificate      missing
	// participant_name         satisfied
	// mobile                   satisfied
	// signatory_letter         satisfied
	// irda_registration_number satisfied
	// irda_user_id             satisfied
	// registered_email         satisfied
	// system_admin_otp         pending   otp
	// irda_licence             missing
	// Attach the copy of the IRDAI certificate of registration: a document of kind irda_licence with its uri and sha256
}

// An operator serving one state scheme decides rohini_verification from
// the state health agency's own list of hospitals instead of a ROHINI
// look-up. The requirement keeps its ID, so the engine and every tool
// read it as before.
func ExampleWithPolicy_replaceCheck() {
	agencyList := map[string]string{"8900080336704": "Lakeview Nursing Home"}
	onTheList := func(_ context.Context, in *verifier.Input) verifier.Result {
		id := strings.Join(strings.Fields(in.App.Identifiers.RohiniID), "")
		if name, ok := agencyList[id]; ok {
			return verifier.Result{Outcome: verifier.Satisfied, Message: "On the state health agency's list as " + name}
		}
		return verifier.Result{Outcome: verifier.Pending, Task: verifier.TaskReview,
			Message: "Not on the state health agency's list: staff ask the agency"}
	}
	rohini := verifier.DefaultPolicies()[verifier.CategoryRohiniProvider].With(verifier.Requirement{
		ID:          verifier.ReqRohiniVerification,
		Description: "The hospital is on the state health agency's list",
		Check:       onTheList,
	})
	checker, err := verifier.New(verifier.WithPolicy(rohini), verifier.WithClock(exampleClock))
	if err != nil {
		log.Fatal(err)
	}
	report := verifyAndPrint(checker, lakeview)
	res, _ := report.Result(verifier.ReqRohiniVerification)
	fmt.Println(res.Message)
	// Output:
	// verdict: invalid [rohini_provider]
	// sandbox_certificate      missing
	// participant_name         satisfied
	// mobile                   satisfied
	// facility_details         satisfied
	// gstin                    invalid
	// rohini_id                satisfied
	// rohini_verification      satisfied
	// On the state health agency's list as Lakeview Nursing Home
}

// The guideline names no checks for research bodies, so by default they
// go case by case like regulators. This operator gives research its own
// category: the shared requirements, an ethics committee's approval, and
// a review of the data asked for. A resolver rule sends the research role
// there — NHCX's code 10005 included — and hands every other role to the
// built-in rule.
func ExampleWithResolver() {
	research := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
		// DocumentRequirement names the kind, so that the onboarding
		// engine holds the document before it relies on it and
		// DocumentKinds lists the kind for uploads.
		verifier.DocumentRequirement("ethics_approval", "ethics_approval", "Approval of an institutional ethics committee"),
		verifier.Requirement{ID: "data_use_review", Description: "The data asked for and how it is anonymised",
			Check: verifier.RequireReview("the data you ask for and how you anonymise it")},
	)
	research.Category, research.Title = "research", "Research bodies (research)"

	resolver := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleResearch {
			return []verifier.Category{"research"}, nil
		}
		return verifier.ResolveRole(role, app)
	})
	checker, err := verifier.New(verifier.WithPolicy(research), verifier.WithResolver(resolver), verifier.WithClock(exampleClock))
	if err != nil {
		log.Fatal(err)
	}
	report := verifyAndPrint(checker, `{
	  "participant_name": "Institute of Health Economics",
	  "roles": [10005],
	  "primary_email": "hcx@ihe.example",
	  "primary_mobile": "9000012001",
	  "documents": [{"kind": "ethics_approval", "uri": "https://ihe.example/iec-approval.pdf",
	    "sha256": "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2"}],
	  "sandbox_certificate": ""
	}`)
	for _, p := range report.Pending() {
		fmt.Println(p.ID, "→", p.Message)
	}
	// Output:
	// verdict: incomplete [research]
	// sandbox_certificate      missing
	// participant_name         satisfied
	// mobile                   satisfied
	// ethics_approval          satisfied
	// data_use_review          pending   review
	// data_use_review → The HCX operator checks this by hand: the data you ask for and how you anonymise it
}

// An operator writes its rule for payers as code rather than policy data:
// an insurer must be on the register of insurers it keeps. The verifier
// runs for every application with the payer role, after the policies,
// and its result joins the same report under its own ID.
func ExampleWithRoleVerifier() {
	register := map[string]string{"148": "Suraksha General Insurance Company Limited"}
	onRegister := verifier.VerifierFunc(func(_ context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		res := verifier.Result{ID: "insurer_register", Outcome: verifier.Pending, Task: verifier.TaskReview,
			Message: "Not on this HCX's register of insurers: staff check with IRDAI"}
		if name, ok := register[strings.TrimSpace(app.Identifiers.IRDARegistrationNumber)]; ok {
			res.Outcome, res.Task, res.Message = verifier.Satisfied, "", "On the register of insurers as "+name
		}
		return &verifier.Report{Requirements: []verifier.Result{res}}, nil
	})
	checker, err := verifier.New(verifier.WithRoleVerifier(hcxonboard.RolePayer, onRegister), verifier.WithClock(exampleClock))
	if err != nil {
		log.Fatal(err)
	}
	report := verifyAndPrint(checker, `{
	  "participant_name": "Suraksha General Insurance Company Limited",
	  "roles": ["payer"],
	  "primary_email": "hcx.onboarding@suraksha-insurance.example",
	  "primary_mobile": "+91 90000 11001",
	  "identifiers": {"irda_registration_number": "148", "irda_user_id": "SGIC-HCX-01"},
	  "system_admin": {"name": "Anita Rao", "email": "anita.rao@suraksha-insurance.example"},
	  "documents": [{"kind": "authorized_signatory_letter", "uri": "https://docs.suraksha-insurance.example/letter.pdf",
	    "sha256": "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2"}],
	  "sandbox_certificate": ""
	}`)
	res, _ := report.Result("insurer_register")
	fmt.Println(res.Message)
	// Output:
	// verdict: incomplete [payer]
	// sandbox_certificate      missing
	// participant_name         satisfied
	// mobile                   satisfied
	// signatory_letter         satisfied
	// irda_registration_number satisfied
	// irda_user_id             satisfied
	// registered_email         satisfied
	// system_admin_otp         pending   otp
	// insurer_register         satisfied
	// On the register of insurers as Suraksha General Insurance Company Limited
}

// The same TPA rule as data: an operator's policy file, which it loads
// into its Checker and publishes for applicants to check against.
func ExampleParsePolicyFile() {
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{
	  "version": 1,
	  "name": "Example HCX",
	  "policies": [{
	    "category": "tpa",
	    "requirements": [
	      {"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "mobile"},
	      {"id": "signatory_letter"},
	      {"id": "irda_registration_number", "check": "irda_registration_number.tpa"},
	      {"id": "irda_user_id"}, {"id": "registered_email"}, {"id": "system_admin_otp"},
	      {"id": "irda_licence", "check": "document:irda_licence",
	       "description": "Copy of the IRDAI certificate of registration"}
	    ]
	  }]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	checker, err := verifier.New(verifier.WithPolicyFile(f), verifier.WithClock(exampleClock))
	if err != nil {
		log.Fatal(err)
	}
	app, err := hcxonboard.UnmarshalApplication([]byte(medilinkTPA))
	if err != nil {
		log.Fatal(err)
	}
	report, err := checker.Verify(context.Background(), app)
	if err != nil {
		log.Fatal(err)
	}
	res, _ := report.Result("irda_licence")
	fmt.Println(res.Outcome, "-", res.Message)

	_, err = verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [{"category": "tpa",
	  "requirements": [{"id": "irda_licence", "check": "irda_licence"}]}]}`))
	fmt.Println(err != nil && strings.Contains(err.Error(), "the checks are sandbox_certificate, participant_name"))
	// Output:
	// missing - Attach the copy of the IRDAI certificate of registration: a document of kind irda_licence with its uri and sha256
	// true
}

// NHCX registers participants by numeric role codes; they decode to the
// HCX roles they stand for, and the built-in resolver places them.
// 10009, an end-user application such as a PHR app, is the
// beneficiary-facing role bsp.
func ExampleCategorize_nhcxRoles() {
	for _, code := range []string{"10001", "10002", "10003", "10004", "10005", "10006", "10007", "10008", "10009"} {
		app, err := hcxonboard.UnmarshalApplication([]byte(`{"roles": [` + code + `],
		  "sponsor_kind": "state_scheme", "identifiers": {"hfr_id": "IN2910000123"}}`))
		if err != nil {
			log.Fatal(err)
		}
		cats, err := verifier.Categorize(app)
		fmt.Println(code, app.Roles[0], cats, err)
	}
	// Output:
	// 10001 provider [abdm_provider] <nil>
	// 10002 payer [payer] <nil>
	// 10003 agency.tpa [tpa] <nil>
	// 10004 agency.regulator [regulator] <nil>
	// 10005 research [regulator] <nil>
	// 10006 member.isnp [isnp] <nil>
	// 10007 agency.sponsor [state_scheme] <nil>
	// 10008 HIE/HIO.HCX [regulator] <nil>
	// 10009 bsp [bsp] <nil>
}
