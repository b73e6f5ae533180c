package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard"
)

// FuzzVerify feeds arbitrary tokens to Verify, with and without a trust
// list: it must never panic, and whatever it accepts must be a complete
// certificate inside its validity window.
func FuzzVerify(f *testing.F) {
	iss := newTestIssuer(f, "sbx-fuzz", "ed25519")
	valid := issue(f, iss, baseClaims(hcxonboard.RoleProvider))
	f.Add(valid)
	f.Add(tamperPayload(f, valid))
	f.Add(craft(`{"alg":"none","typ":"hcx-sandbox-cert+jwt"}`, payloadJSON(f, "sbx-fuzz", nil), nil))
	f.Add(craft(`{"alg":"EdDSA","typ":"hcx-sandbox-cert+jwt","kid":"x"}`, `{"iss":"sbx-fuzz","exp":1e300}`, nil))
	f.Add("a.b.c")
	f.Add("..")
	f.Add(`{"payload":""}`)

	trustedV := newTestVerifier(f, WithTrustList(trustListOf(f, trusted(f, iss, hcxonboard.RoleProvider))))
	offline := newTestVerifier(f)
	applied := []hcxonboard.Role{hcxonboard.RoleHospital}
	f.Fuzz(func(t *testing.T, token string) {
		for _, v := range []*Verifier{trustedV, offline} {
			cert, err := v.Verify(context.Background(), token, applied)
			if err != nil {
				if cert != nil {
					t.Fatalf("certificate returned with error %v", err)
				}
				continue
			}
			if cert.Issuer == "" || cert.ID == "" || cert.Expiry.IsZero() || !cert.Covers(hcxonboard.RoleHospital) {
				t.Fatalf("accepted an incomplete certificate: %+v", cert.Claims)
			}
			if cert.Expiry.Before(t0.Add(-DefaultSkew - time.Second)) {
				t.Fatalf("accepted an expired certificate: %v", cert.Expiry)
			}
			if v == trustedV && (!cert.Trusted || cert.Issuer != "sbx-fuzz") {
				t.Fatalf("trusted verifier accepted %q (trusted=%v)", cert.Issuer, cert.Trusted)
			}
		}
	})
}

// FuzzVerifySigned signs arbitrary header and claims bytes with the trusted
// key, so the fuzzer reaches the claim checks behind the signature.
func FuzzVerifySigned(f *testing.F) {
	iss := newTestIssuer(f, "sbx-fuzz", "ed25519")
	f.Add(headerJSON(f, "EdDSA", iss.KeyID(), nil), payloadJSON(f, "sbx-fuzz", nil))
	f.Add(`{"alg":"EdDSA","typ":"hcx-sandbox-cert+jwt","alg":"EdDSA"}`, `{"iss":"sbx-fuzz","i\u0073s":"x"}`)
	f.Add(`{"alg":"EdDSA","typ":"application/hcx-sandbox-cert+jwt"}`,
		`{"iss":"sbx-fuzz","sub":"s","jti":"j","exp":1.8e9,"nbf":1.7e9,"hcx_roles":["10001"],"solution":{"name":"}"}}`)

	v := newTestVerifier(f, WithTrustList(trustListOf(f, trusted(f, iss, hcxonboard.RoleProvider))))
	sign := ed25519Signer("ed25519")
	f.Fuzz(func(t *testing.T, header, payload string) {
		cert, err := v.Verify(context.Background(), craft(header, payload, sign), []hcxonboard.Role{hcxonboard.RoleClinic})
		if err != nil {
			if cert != nil {
				t.Fatalf("certificate returned with error %v", err)
			}
			return
		}
		if !cert.Trusted || cert.Issuer != "sbx-fuzz" || cert.Subject == "" || cert.ID == "" || !cert.Covers(hcxonboard.RoleClinic) {
			t.Fatalf("accepted an incomplete certificate: %+v", cert)
		}
		if t0.After(cert.Expiry.Add(DefaultSkew)) || (!cert.validFrom().IsZero() && t0.Add(DefaultSkew).Before(cert.validFrom())) {
			t.Fatalf("accepted a certificate outside its window: %+v", cert.Claims)
		}
	})
}
