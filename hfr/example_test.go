package hfr_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// The example runs against the in-process fake; a real operator passes its
// own gateway and registry URLs and credentials to hfr.New instead.
func Example() {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()

	c, err := hfr.New(
		hfr.WithGatewayURL(srv.URL),
		hfr.WithRegistryURL(srv.RegistryURL()),
		hfr.WithEnvironment(hfr.Sandbox),
		hfr.WithCredentials(hfrtest.DefaultClientID, hfrtest.DefaultClientSecret),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	for _, id := range []string{"IN2910000123", "IN2710000456", "IN2910000999", "IN29"} {
		f, err := c.Facility(ctx, id)
		switch {
		case errors.Is(err, hfr.ErrInvalidID):
			fmt.Printf("%s: malformed, not looked up\n", id)
		case errors.Is(err, hfr.ErrNotFound):
			fmt.Printf("%s: not in HFR\n", id)
		case err != nil:
			fmt.Printf("%s: try later: %v\n", id, err)
		case f.IsDraft():
			fmt.Printf("%s: %s is only a draft\n", id, f.Name)
		default:
			fmt.Printf("%s: %s, %s (%s)\n", id, f.Name, f.StateName, f.Status)
		}
	}

	contact, err := c.FacilityContact(ctx, "IN2910000123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("manager:", contact.ManagerName, contact.MaskedMobile, contact.ManagerHPRID)

	p, err := c.Professional(ctx, contact.ManagerHPRID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("council verified:", p.CouncilVerified, p.Registrations[0].CouncilName)
	// Output:
	// IN2910000123: Sanjeevani Multispeciality Hospital, KARNATAKA (Verified)
	// IN2710000456: Shree Ganesh Clinic is only a draft
	// IN2910000999: not in HFR
	// IN29: malformed, not looked up
	// manager: Dr. Asha Rao ******1905 71-1234-5678-9012
	// council verified: true Karnataka Medical Council
}

// The manager HFR holds receives the OTP; the applicant proves control of
// the facility by repeating it.
func ExampleClient_ValidateFacilityOTP() {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()
	c, err := srv.Client(hfr.WithOTPSource("HCX", "hcx-operator"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	txn, err := c.SendFacilityOTP(ctx, "IN2910000123")
	if err != nil {
		log.Fatal(err)
	}
	code, _ := srv.LastOTP("IN2910000123") // what the manager read on the phone

	err = c.ValidateFacilityOTP(ctx, txn.FacilityID, txn.TransactionID, code)
	fmt.Println("first use:", err)
	err = c.ValidateFacilityOTP(ctx, txn.FacilityID, txn.TransactionID, code)
	fmt.Println("second use rejected:", errors.Is(err, hfr.ErrOTPRejected))
	// Output:
	// first use: <nil>
	// second use rejected: true
}
