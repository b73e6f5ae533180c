package hcxonboard_test

import (
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard"
)

func ExampleParseRole() {
	for _, s := range []string{"payor", "10003", "provider.diagnosticsFacility", "doctor"} {
		r, err := hcxonboard.ParseRole(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s, "→", r)
	}
	// Output:
	// payor → payer
	// 10003 → agency.tpa
	// provider.diagnosticsFacility → provider.diagnostics
	// hcxonboard: unknown role: "doctor" (the HCX roles are such as provider.hospital, payer, agency.tpa, bsp)
}

func ExampleDecodeApplication() {
	app, err := hcxonboard.DecodeApplication(strings.NewReader(`{
		"participant_name": "Sunrise Hospital",
		"roles": ["provider.hospital"],
		"primary_mobile": "9845012345",
		"identifiers": {"hfr_id": "IN2910000123"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(app.ParticipantName, app.Roles, app.Identifiers.HFRID)

	_, err = hcxonboard.DecodeApplication(strings.NewReader(`{"participant_nme": "typo"}`))
	fmt.Println(err)
	// Output:
	// Sunrise Hospital [provider.hospital] IN2910000123
	// hcxonboard: invalid application: json: unknown field "participant_nme"
}
