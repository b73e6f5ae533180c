package credential_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
)

// Tokens for the reference platform's API gateway: RS256, entity
// Organisation, roles as its RBAC spells them, and sub the participant's
// owner id, which its registry records carry as osOwner.
func ExampleWithProfile() {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	key, err := jwk.FromRaw(rsaKey)
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := credential.NewTokens(key, credential.WithProfile(credential.ProfilePlatform))
	if err != nil {
		log.Fatal(err)
	}
	code := "payr_surak_000001@hcx"
	tok, err := tokens.Issue(code, []hcxonboard.Role{hcxonboard.RolePayer})
	if err != nil {
		log.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok.Value, ".")[1])
	var claims struct {
		Sub         string   `json:"sub"`
		Entity      []string `json:"entity"`
		RealmAccess struct {
			Roles     []string `json:"roles"`
			UserRoles []string `json:"user_roles"`
		} `json:"realm_access"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		log.Fatal(err)
	}
	fmt.Println("alg:", tokens.Algorithm())
	fmt.Println("entity:", claims.Entity, "roles:", claims.RealmAccess.Roles, "user_roles:", claims.RealmAccess.UserRoles)
	fmt.Println("sub is the owner id:", claims.Sub == credential.OwnerID(code))

	verified, err := tokens.Verify(context.Background(), tok.Value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verified:", verified.ParticipantCode, verified.Roles)
	// Output:
	// alg: RS256
	// entity: [Organisation] roles: [payor] user_roles: [admin]
	// sub is the owner id: true
	// verified: payr_surak_000001@hcx [payer]
}

// How each profile's registry records spell a participant's roles, and
// how they carry its certificates.
func ExampleProfile_RecordRoles() {
	roles := []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleProvider, hcxonboard.RoleHospital}
	for _, p := range credential.Profiles() {
		form := "inline PEM"
		switch {
		case p.CertificatesByURL():
			form = "by URL"
		case p.CertificatesBase64():
			form = "base64 of the PEM"
		}
		fmt.Printf("%-12s %v, certificates %s\n", p, p.RecordRoles(roles), form)
	}
	// Output:
	// hcxonboard   [payer provider provider.hospital], certificates inline PEM
	// hcx-v0.9     [payer provider provider.hospital], certificates by URL
	// hcx-platform [payor provider provider.hospital], certificates by URL
	// nhcx         [10002 10001], certificates base64 of the PEM
}
