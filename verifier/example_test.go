package verifier_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

const lakeview = `{
  "participant_name": "Lakeview Nursing Home",
  "roles": ["provider.hospital"],
  "primary_email": "office@lakeviewnursing.example",
  "primary_mobile": "+91 90000 88001",
  "address": {"street": "Karve Road", "district": "Pune", "state": "Maharashtra", "pincode": "411001"},
  "identifiers": {
    "rohini_id": "8900080336704",
    "gstin": "27AAPFU0939F1ZX",
    "facility_licence": {"number": "PMC/NH/2021/0457", "valid_until": "2028-03-31"}
  },
  "sandbox_certificate": ""
}`

// A hospital checks its application before applying: no registries, no
// trust list. The GSTIN has a typo and the sandbox certificate is not
// attached yet; the ROHINI look-up is left to the operator.
func Example() {
	app, err := hcxonboard.UnmarshalApplication([]byte(lakeview))
	if err != nil {
		log.Fatal(err)
	}
	checker, err := verifier.New(verifier.WithClock(func() time.Time {
		return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	report, err := checker.Verify(context.Background(), app)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verdict:", report.Verdict, report.Categories)
	for _, r := range report.Requirements {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-21s %s %s", r.ID, r.Outcome, r.Task)))
	}
	gstin, _ := report.Result(verifier.ReqGSTIN)
	fmt.Println(gstin.Message)
	// Output:
	// verdict: invalid [rohini_provider]
	// sandbox_certificate   missing
	// participant_name      satisfied
	// mobile                satisfied
	// facility_details      satisfied
	// gstin                 invalid
	// rohini_id             satisfied
	// rohini_verification   pending review
	// GSTIN 27AAPFU0939F1ZX: check character is X, expected V — re-check the number on the GST certificate
}

// The operator wires a ROHINI look-up, here a directory loaded from an IIB
// extract, so rohini_verification is settled when the application is
// checked.
func ExampleWithRohiniLookup() {
	extract := "rohini_id,hospital_name,pincode,status,valid_until\n" +
		"8900080336704,Lakeview Nursing Home Pvt Ltd,411001,Active,2027-03-31\n"
	dir, err := rohini.LoadCSV(strings.NewReader(extract))
	if err != nil {
		log.Fatal(err)
	}
	checker, err := verifier.New(verifier.WithRohiniLookup(dir), verifier.WithClock(func() time.Time {
		return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	app, err := hcxonboard.UnmarshalApplication([]byte(lakeview))
	if err != nil {
		log.Fatal(err)
	}
	report, err := checker.Verify(context.Background(), app)
	if err != nil {
		log.Fatal(err)
	}
	res, _ := report.Result(verifier.ReqRohiniVerification)
	fmt.Println(res.Outcome, "-", res.Message)
	for _, f := range res.Findings {
		fmt.Printf("  %s: %q / %q match=%v\n", f.Field, f.Applicant, f.Registry, f.Match)
	}
	// Output:
	// satisfied - ROHINI: 8900080336704 is Lakeview Nursing Home Pvt Ltd; name and pincode match the application
	//   name: "Lakeview Nursing Home" / "Lakeview Nursing Home Pvt Ltd" match=true
	//   pincode: "411001" / "411001" match=true
	//   status: "" / "Active" match=true
	//   valid_until: "" / "2027-03-31" match=true
}

func ExampleNormalizeGSTIN() {
	for _, s := range []string{"27aapfu0939f1zv", "27AAPFU0939F1ZW", "27AAPFU0939F1DV"} {
		g, err := verifier.NormalizeGSTIN(s)
		fmt.Printf("%q %v\n", g, err)
	}
	// Output:
	// "27AAPFU0939F1ZV" <nil>
	// "" GSTIN 27AAPFU0939F1ZW: check character is W, expected V
	// "" GSTIN 27AAPFU0939F1DV: character 14 is D, expected Z (a regular taxpayer's GSTIN; give that one, not a TDS/TCS registration)
}

func ExampleNormalizeMobile() {
	for _, s := range []string{"+91 98765 43210", "098765-43210", "044 2222 3333"} {
		m, err := verifier.NormalizeMobile(s)
		fmt.Printf("%q %v\n", m, err)
	}
	// Output:
	// "9876543210" <nil>
	// "9876543210" <nil>
	// "" mobile number *** **** 3333: starts with 4; an Indian mobile number starts with 6, 7, 8 or 9 (a landline is not accepted)
}
