package hfrtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// A fake with the demo data, a client wired to it, the OTP flow, and two
// injected faults.
func Example() {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()
	c, err := srv.Client(hfr.WithRetry(2, 0, 0))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	txn, err := c.SendFacilityOTP(ctx, "IN2910000123")
	if err != nil {
		log.Fatal(err)
	}
	code, _ := srv.LastOTP("IN2910000123") // the code the manager received
	fmt.Println("OTP accepted:", c.ValidateFacilityOTP(ctx, txn.FacilityID, txn.TransactionID, code) == nil)

	// The registry revokes every token: the client opens a new session.
	srv.ExpireTokens()
	_, err = c.Facility(ctx, "IN2910000123")
	fmt.Println("after token expiry:", err, "sessions:", srv.SessionRequests())

	// An outage longer than the retries.
	srv.FailNext("/facility/search", http.StatusServiceUnavailable, 2, "0")
	_, err = c.Facility(ctx, "IN2910000123")
	fmt.Println("outage:", errors.Is(err, hfr.ErrUnavailable), "searches:", srv.Requests("/facility/search"))
	// Output:
	// OTP accepted: true
	// after token expiry: <nil> sessions: 2
	// outage: true searches: 4
}

// A professional proves to be the holder of an HPR ID: HPR sends a code to
// the mobile linked with the professional's Aadhaar, and the professional
// gives it back.
func ExampleServer_LastHPROTP() {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	txn, err := c.StartHPRAuth(ctx, "71-1234-5678-9012", hfr.HPRAadhaarOTP)
	if err != nil {
		log.Fatal(err)
	}
	code, _ := srv.LastHPROTP("71-1234-5678-9012") // what the professional received
	p, err := c.ConfirmHPRAuth(ctx, txn, code)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.HPRIDNumber, p.Name, "council-verified:", p.CouncilVerified)
	// Output:
	// 71-1234-5678-9012 Asha Rao council-verified: true
}
