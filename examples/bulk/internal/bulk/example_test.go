package bulk_test

import (
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

func ExampleReadRows() {
	list := `key,hospital_name,hfr_id,gstin
hosp-1,Sanjeevani Multispeciality Hospital,IN2910000123,
hosp-2,Shanti Nursing Home,,29ABCDE1234F1ZW
`
	rows, err := bulk.ReadRows(strings.NewReader(list))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		fmt.Printf("line %d: %s %q\n", r.Line, r.Key, r.HospitalName)
	}

	_, err = bulk.ReadRows(strings.NewReader("key,hospital_name,gstn\nhosp-1,Shanti Nursing Home,29ABCDE1234F1ZW\n"))
	fmt.Println(err)
	// Output:
	// line 2: hosp-1 "Sanjeevani Multispeciality Hospital"
	// line 3: hosp-2 "Shanti Nursing Home"
	// bad CSV: line 1, column 3: unknown column "gstn" in the header; the columns are key, hospital_name, hfr_id, rohini_id, gstin, licence_number, licence_valid_until, address, district, state, pincode, email, mobile, admin_name, admin_email, admin_mobile, scheme, payer_code, payer_name, empanelment_id, proof_uri, proof_sha256, demo_registry
}

func ExampleKind_Expect() {
	for _, k := range []bulk.Kind{bulk.KindHFR, bulk.KindRohini, bulk.KindEmpanelled, bulk.KindBadGSTIN} {
		outcome, decisive := k.Expect()
		if decisive != "" {
			outcome += " by " + string(decisive)
		}
		fmt.Println(k, outcome)
	}
	// Output:
	// hfr waiting_otp
	// rohini ready
	// empanelled waiting_approval
	// bad_gstin rejected by gstin
}
