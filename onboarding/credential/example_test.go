package credential_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
)

func ExamplePlatformCodes() {
	gen, err := credential.PlatformCodes("hcx01", nil)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, req := range []credential.CodeRequest{
		{Name: "Rakshith Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, ApplicantCode: "012345"},
		// The first provider sub-role names the code, wherever it is.
		{Name: "St. John's Clinic", Roles: []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleClinic}, ApplicantCode: "PMJAY-42"},
		{Name: "Star Health", Roles: []hcxonboard.Role{hcxonboard.RolePayer}, ApplicantCode: "7"},
	} {
		code, err := gen.Code(ctx, req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(code)
	}
	// Output:
	// hosp_rakshi_012345@hcx01
	// clin_stjohn_pmjay-42@hcx01
	// payr_starhe_7@hcx01
}

func ExampleSecrets() {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	secrets, err := credential.NewSecrets(credential.WithClock(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}

	// Provisioning: show plain to the participant once, store only rec.
	plain, rec, err := secrets.New()
	if err != nil {
		log.Fatal(err)
	}
	recs := []credential.SecretRecord{rec}
	fmt.Println(strings.HasPrefix(plain, credential.SecretPrefix), len(plain), rec.ExpiresAt.Format(time.DateOnly))

	_, err = secrets.Check(plain, recs)
	fmt.Println("check:", err)
	typo := "x"
	if plain[20] == 'x' {
		typo = "y" // a typo changes the character
	}
	_, err = secrets.Check(plain[:20]+typo+plain[21:], recs)
	fmt.Println("typo:", errors.Is(err, credential.ErrMalformedSecret))

	// Rotation: the old secret keeps working for a day.
	newPlain, recs, err := secrets.Rotate(recs, 24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	now = now.Add(25 * time.Hour)
	_, err = secrets.Check(plain, recs)
	fmt.Println("old after overlap:", errors.Is(err, credential.ErrSecretExpired))
	_, err = secrets.Check(newPlain, recs)
	fmt.Println("new:", err)

	// Compromise report: everything goes.
	recs = secrets.RevokeAll(recs)
	_, err = secrets.Check(newPlain, recs)
	fmt.Println("after compromise:", errors.Is(err, credential.ErrInvalidSecret))
	// Output:
	// true 54 2026-05-30
	// check: <nil>
	// typo: true
	// old after overlap: true
	// new: <nil>
	// after compromise: true
}

func ExampleTokens() {
	// A fixed seed keeps the example's output stable; use nil (crypto/rand)
	// for a real key.
	key, err := credential.GenerateEd25519Key(strings.NewReader(strings.Repeat("seed", 8)))
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tokens, err := credential.NewTokens(key, credential.WithIssuer("hcxgateway@hcx"), credential.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}

	tok, err := tokens.Issue("hosp_rakshi_012345@hcx", []hcxonboard.Role{hcxonboard.RoleHospital})
	if err != nil {
		log.Fatal(err)
	}
	claims, err := tokens.Verify(context.Background(), tok.Value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tokens.Algorithm(), claims.Subject, claims.Roles, claims.ExpiresAt.Sub(claims.IssuedAt))

	// After a compromise report, tokens issued before it are refused.
	_, err = tokens.Verify(context.Background(), tok.Value, credential.NotIssuedBefore(now.Add(time.Minute)))
	fmt.Println(errors.Is(err, credential.ErrInvalidToken))

	now = now.Add(2 * time.Hour)
	_, err = tokens.Verify(context.Background(), tok.Value)
	fmt.Println(errors.Is(err, credential.ErrTokenExpired))
	// Output:
	// EdDSA hosp_rakshi_012345@hcx [provider.hospital] 1h0m0s
	// true
	// true
}
