package verifier_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/verifier"
)

var update = flag.Bool("update", false, "regenerate the signed tokens and the trust list in testdata")

// testNow is the clock of every test: inside the testdata certificates'
// validity (2026-01-15 to 2028-01-15).
var testNow = time.Date(2026, 6, 1, 10, 0, 0, 0, time.FixedZone("IST", 5*3600+1800))

func clock() time.Time { return testNow }

// certIssuedAt is when the testdata sandbox certificates were issued.
var certIssuedAt = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

const (
	sandboxIssuerID = "sandbox.example-hcx"
	testPayerCode   = "1000001234@hcx"
)

// seedKey derives a fixed Ed25519 key from a label, so that testdata
// tokens are reproducible (Ed25519 signatures are deterministic).
func seedKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("hcxonboard verifier testdata: " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func payerKey() ed25519.PrivateKey { return seedKey("payer " + testPayerCode) }

func testIssuer(t testing.TB, label string) *sandbox.Issuer {
	t.Helper()
	key, err := jwk.FromRaw(seedKey(label))
	require.NoError(t, err)
	iss, err := sandbox.NewIssuer(sandboxIssuerID, key,
		sandbox.WithClock(func() time.Time { return certIssuedAt }),
		sandbox.WithValidity(2*365*24*time.Hour))
	require.NoError(t, err)
	return iss
}

// issueCert returns the testdata sandbox certificate for subject.
func issueCert(t testing.TB, subject string, roles ...hcxonboard.Role) string {
	t.Helper()
	tok, err := testIssuer(t, "sandbox issuer").Issue(sandbox.Claims{Subject: subject, ID: "sbx-" + subject, Roles: roles})
	require.NoError(t, err)
	return tok
}

func testTrustList(t testing.TB) *sandbox.TrustList {
	t.Helper()
	ti, err := testIssuer(t, "sandbox issuer").TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	tl, err := sandbox.NewTrustList(ti)
	require.NoError(t, err)
	return tl
}

func trustedSandbox(t testing.TB, opts ...sandbox.VerifierOption) *sandbox.Verifier {
	t.Helper()
	all := append([]sandbox.VerifierOption{sandbox.WithTrustList(testTrustList(t)), sandbox.WithClock(clock)}, opts...)
	v, err := sandbox.NewVerifier(all...)
	require.NoError(t, err)
	return v
}

// offlineChecker has no registries and no trust list: what a participant
// runs before applying.
func offlineChecker(t testing.TB, opts ...verifier.Option) *verifier.Checker {
	t.Helper()
	c, err := verifier.New(append([]verifier.Option{verifier.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	return c
}

// trustedChecker checks sandbox certificates against the testdata trust
// list, so sandbox_certificate can be satisfied.
func trustedChecker(t testing.TB, opts ...verifier.Option) *verifier.Checker {
	t.Helper()
	return offlineChecker(t, append([]verifier.Option{verifier.WithSandboxVerifier(trustedSandbox(t))}, opts...)...)
}

// signProof signs claims as an empanelment proof.
func signProof(t testing.TB, key any, alg jwa.SignatureAlgorithm, typ string, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	hdr := jws.NewHeaders()
	require.NoError(t, hdr.Set(jws.TypeKey, typ))
	tok, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	require.NoError(t, err)
	return string(tok)
}

// proofClaims are the claims of the testdata proof for app: the payer
// names the facility by its licence number and by name and pincode, and
// states an active contract.
func proofClaims(app *hcxonboard.Application) map[string]any {
	c := map[string]any{
		"iss":              app.Empanelment.PayerCode,
		"sub":              app.Empanelment.EmpanelmentID,
		"jti":              "proof-" + app.Empanelment.EmpanelmentID,
		"exp":              time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC).Unix(),
		"scheme":           app.Empanelment.Scheme,
		"participant_name": app.ParticipantName,
		"valid_until":      "2028-03-31",
		"status":           "active",
	}
	if app.Address != nil {
		c["pincode"] = app.Address.Pincode
	}
	if l := app.Identifiers.FacilityLicence; l != nil {
		c["facility_licence"] = l.Number
	}
	return c
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func loadApp(t testing.TB, name string) *hcxonboard.Application {
	t.Helper()
	app, err := hcxonboard.UnmarshalApplication(readTestdata(t, name))
	require.NoError(t, err)
	return app
}

func testdataFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if base := filepath.Base(f); base != "trust.json" {
			out = append(out, base)
		}
	}
	require.NotEmpty(t, out)
	return out
}

// TestTestdataTokens keeps the signed tokens in testdata in step with the
// keys and claims above; `go test -run TestTestdataTokens -update`
// regenerates them (and testdata/trust.json) after a change.
func TestTestdataTokens(t *testing.T) {
	t.Parallel()
	for _, name := range testdataFiles(t) {
		data := readTestdata(t, name)
		app, err := hcxonboard.UnmarshalApplication(data)
		require.NoError(t, err, name)
		fixed := data
		if old := app.SandboxCertificate; old != "" {
			fixed = bytes.Replace(fixed, []byte(`"`+old+`"`), []byte(`"`+issueCert(t, app.ApplicationID, app.Roles...)+`"`), 1)
		}
		if e := app.Empanelment; e != nil && e.Proof != "" {
			tok := signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, proofClaims(app))
			fixed = bytes.Replace(fixed, []byte(`"`+e.Proof+`"`), []byte(`"`+tok+`"`), 1)
		}
		if *update {
			require.NoError(t, os.WriteFile(filepath.Join("testdata", name), fixed, 0o644))
			continue
		}
		require.Equal(t, string(fixed), string(data), "%s is out of date: run go test -run TestTestdataTokens -update", name)
	}
	trust, err := json.MarshalIndent(testTrustList(t), "", "  ")
	require.NoError(t, err)
	trust = append(trust, '\n')
	if *update {
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "trust.json"), trust, 0o644))
		return
	}
	got := readTestdata(t, "trust.json")
	require.Equal(t, strings.TrimSpace(string(trust)), strings.TrimSpace(string(got)))
	loaded, err := sandbox.LoadTrustList(bytes.NewReader(got))
	require.NoError(t, err)
	require.Len(t, loaded.Issuers(), 1)
}
