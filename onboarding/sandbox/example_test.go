package sandbox_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
)

// A sandbox operator issues a certificate; the HCX operator, which trusts
// that sandbox operator for provider and payer roles, verifies it.
func ExampleVerifier_Verify() {
	issuedAt := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	// A fixed seed keeps the example deterministic; a real operator loads its key.
	key, err := jwk.FromRaw(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := sandbox.NewIssuer("sbx-demo", key,
		sandbox.WithClock(func() time.Time { return issuedAt }),
		sandbox.WithValidity(365*24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	token, err := issuer.Issue(sandbox.Claims{
		Subject:  "hms-solution-7",
		Roles:    []hcxonboard.Role{hcxonboard.RoleProvider},
		Solution: &sandbox.Solution{Name: "Hospital Management Suite", Version: "4.2"},
	})
	if err != nil {
		log.Fatal(err)
	}

	entry, err := issuer.TrustedIssuer(hcxonboard.RoleProvider, hcxonboard.RolePayer)
	if err != nil {
		log.Fatal(err)
	}
	trust, err := sandbox.NewTrustList(entry)
	if err != nil {
		log.Fatal(err)
	}
	verifyAt := func(now time.Time) *sandbox.Verifier {
		v, err := sandbox.NewVerifier(sandbox.WithTrustList(trust), sandbox.WithClock(func() time.Time { return now }))
		if err != nil {
			log.Fatal(err)
		}
		return v
	}
	ctx := context.Background()

	cert, err := verifyAt(issuedAt.Add(30*24*time.Hour)).Verify(ctx, token, []hcxonboard.Role{hcxonboard.RoleHospital})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("trusted:", cert.Trusted, cert.Algorithm)
	fmt.Println("issuer:", cert.Issuer, "subject:", cert.Subject, "roles:", cert.Roles)
	fmt.Println("solution:", cert.Solution.Name, cert.Solution.Version)
	fmt.Println("valid until:", cert.Expiry.Format(time.RFC3339))

	_, err = verifyAt(issuedAt.Add(30*24*time.Hour)).Verify(ctx, token, []hcxonboard.Role{hcxonboard.RolePayer})
	fmt.Println(err)
	_, err = verifyAt(issuedAt.Add(400*24*time.Hour)).Verify(ctx, token, nil)
	fmt.Println(err)

	// Without a trust list (a participant checking its own application) the
	// signature cannot be checked: the certificate is returned untrusted.
	offline, err := sandbox.NewVerifier(sandbox.WithClock(func() time.Time { return issuedAt.Add(time.Hour) }))
	if err != nil {
		log.Fatal(err)
	}
	cert, err = offline.Verify(ctx, token, []hcxonboard.Role{hcxonboard.RoleClinic})
	fmt.Println("offline:", cert.Trusted, err)
	// Output:
	// trusted: true EdDSA
	// issuer: sbx-demo subject: hms-solution-7 roles: [provider]
	// solution: Hospital Management Suite 4.2
	// valid until: 2027-01-02T00:00:00Z
	// sandbox: role payer is not among the certified roles [provider]
	// sandbox: certificate expired at 2027-01-02T00:00:00Z
	// offline: false <nil>
}

// An HCX operator's trust list, as a file, and back.
func ExampleLoadTrustList() {
	const file = `{"issuers": [
	  {"id": "sbx-north", "jwks_url": "https://sandbox-north.example/jwks.json", "roles": ["provider", "payor"]}
	]}`
	trust, err := sandbox.LoadTrustList(strings.NewReader(file))
	if err != nil {
		log.Fatal(err)
	}
	for _, is := range trust.Issuers() {
		fmt.Println(is.ID, is.Roles, is.JWKSURL)
	}
	out, err := json.Marshal(trust)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))

	_, err = sandbox.LoadTrustList(strings.NewReader(`{"issuers": [{"id": "sbx-south", "roles": ["payer"]}]}`))
	fmt.Println(err)
	// Output:
	// sbx-north [provider payer] https://sandbox-north.example/jwks.json
	// {"issuers":[{"id":"sbx-north","jwks_url":"https://sandbox-north.example/jwks.json","roles":["provider","payer"]}]}
	// sandbox: invalid trust list: issuer "sbx-south": has neither jwks nor jwks_url; give exactly one
}
