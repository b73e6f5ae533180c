package verifier_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/verifier"
)

// tamper changes one claim of a compact JWS without re-signing it.
func tamper(t *testing.T, token, from, to string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	changed := strings.Replace(string(payload), from, to, 1)
	require.NotEqual(t, string(payload), changed, "claim %q not found", from)
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(changed))
	return strings.Join(parts, ".")
}

func TestSandboxCertificate(t *testing.T) {
	t.Parallel()
	bsp := []hcxonboard.Role{hcxonboard.RoleBSP}
	good := issueCert(t, "app-bsp-0001", hcxonboard.RoleBSP)

	otherKey, err := jwk.FromRaw(seedKey("another sandbox"))
	require.NoError(t, err)
	stranger, err := sandbox.NewIssuer("sandbox.elsewhere", otherKey,
		sandbox.WithClock(func() time.Time { return certIssuedAt }), sandbox.WithValidity(365*24*time.Hour))
	require.NoError(t, err)
	strangerCert, err := stranger.Issue(sandbox.Claims{Subject: "app-bsp-0001", ID: "x-1", Roles: bsp})
	require.NoError(t, err)
	impostorCert, err := testIssuer(t, "not the sandbox issuer's key").Issue(sandbox.Claims{Subject: "app-bsp-0001", ID: "x-2", Roles: bsp})
	require.NoError(t, err)

	payerOnly := func(t *testing.T) *sandbox.Verifier {
		ti, err := testIssuer(t, "sandbox issuer").TrustedIssuer(hcxonboard.RolePayer)
		require.NoError(t, err)
		tl, err := sandbox.NewTrustList(ti)
		require.NoError(t, err)
		v, err := sandbox.NewVerifier(sandbox.WithTrustList(tl), sandbox.WithClock(clock))
		require.NoError(t, err)
		return v
	}
	revoked := sandbox.RevocationFunc(func(_ context.Context, iss, jti string) (bool, error) {
		return iss == sandboxIssuerID && jti == "sbx-app-bsp-0001", nil
	})
	revocationDown := sandbox.RevocationFunc(func(context.Context, string, string) (bool, error) {
		return false, errors.New("revocation list service: 503")
	})
	at := func(ts time.Time) func() time.Time { return func() time.Time { return ts } }
	issue := func(c sandbox.Claims) string {
		c.ID, c.Roles = "sbx-"+c.Subject, bsp
		tok, err := testIssuer(t, "sandbox issuer").Issue(c)
		require.NoError(t, err)
		return tok
	}
	code := func(v string) func(*hcxonboard.Application) {
		return func(a *hcxonboard.Application) { a.SandboxParticipantCode = v }
	}
	trusted := func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }

	tests := []struct {
		name    string
		sandbox func(t *testing.T) *sandbox.Verifier // nil: the Checker's default, without a trust list
		clock   func() time.Time
		roles   []hcxonboard.Role
		cert    string
		change  func(a *hcxonboard.Application)
		want    want
	}{
		{name: "trusted", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }, cert: good,
			want: want{outcome: verifier.Satisfied, msg: `from "sandbox.example-hcx" for role bsp, valid until 2028-01-15, signature verified`}},
		{name: "parent role covers sub-role", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) },
			roles: []hcxonboard.Role{hcxonboard.RoleHospital, hcxonboard.RoleClinic}, cert: issueCert(t, "p", hcxonboard.RoleProvider), change: code("p"),
			want: want{outcome: verifier.Satisfied}},
		{name: "no trust list: pending", cert: good,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "signature is not checked without a trust list"}},
		{name: "no trust list: expired", clock: at(time.Date(2028, 1, 16, 0, 0, 0, 0, time.UTC)), cert: good,
			want: want{outcome: verifier.Invalid, msg: "ask your sandbox operator for a new certificate"}},
		{name: "no trust list: not yet valid", clock: at(certIssuedAt.Add(-time.Hour)), cert: good,
			want: want{outcome: verifier.Invalid, msg: "wait until it is valid"}},
		{name: "no trust list: role not covered", roles: []hcxonboard.Role{hcxonboard.RolePayer}, cert: good,
			want: want{outcome: verifier.Invalid, msg: "apply only for the roles your certificate lists"}},
		{name: "no trust list: garbage", cert: "not-a-certificate",
			want: want{outcome: verifier.Invalid, msg: "paste the certificate exactly"}},
		{name: "no trust list: tampered payload still pending", cert: tamper(t, good, "sbx-app-bsp-0001", "sbx-app-bsp-0009"),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview}},
		{name: "tampered payload", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }, cert: tamper(t, good, "app-bsp-0001", "app-bsp-0002"),
			want: want{outcome: verifier.Invalid, msg: "Sandbox certificate rejected"}},
		{name: "expired", sandbox: func(t *testing.T) *sandbox.Verifier {
			return trustedSandbox(t, sandbox.WithClock(at(time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC))))
		}, cert: good, want: want{outcome: verifier.Invalid, msg: "expired"}},
		{name: "a sandbox verifier keeps its own clock", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) },
			clock: at(time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC)), cert: good, want: want{outcome: verifier.Satisfied}},
		{name: "unknown issuer", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }, cert: strangerCert,
			want: want{outcome: verifier.Invalid, msg: "does not accept certificates from that sandbox operator"}},
		{name: "trusted name, other key", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }, cert: impostorCert,
			want: want{outcome: verifier.Invalid, msg: "paste the certificate exactly"}},
		{name: "issuer not allowed for the role", sandbox: payerOnly, cert: good,
			want: want{outcome: verifier.Invalid, msg: "does not accept that sandbox operator's certification for the role"}},
		{name: "revoked", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t, sandbox.WithRevocation(revoked)) }, cert: good,
			want: want{outcome: verifier.Invalid, msg: "withdrew it"}},
		{name: "revocation service down", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t, sandbox.WithRevocation(revocationDown)) }, cert: good,
			want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "could not be fully checked"}},
		{name: "missing", sandbox: func(t *testing.T) *sandbox.Verifier { return trustedSandbox(t) }, cert: "  ",
			want: want{outcome: verifier.Missing, msg: "sandbox_certificate"}},

		// A participant certificate is bound to the applicant.
		{name: "no sandbox_participant_code", sandbox: trusted, cert: good, change: code(""),
			want: want{outcome: verifier.Missing, msg: `Give sandbox_participant_code: the code your sandbox knew you by, which the sandbox certificate names as its subject ("app-bsp-0001")`}},
		{name: "no sandbox_participant_code, no trust list", cert: good, change: code(" "),
			want: want{outcome: verifier.Missing, msg: "sandbox_participant_code"}},
		{name: "another participant's certificate", sandbox: trusted, cert: good, change: code("app-bsp-0777"),
			want: want{outcome: verifier.Invalid, msg: `issued to sandbox participant "app-bsp-0001", not to "app-bsp-0777" (sandbox_participant_code)`}},
		{name: "certificate names the applicant", sandbox: trusted,
			cert: issue(sandbox.Claims{Subject: "app-bsp-0001", ParticipantName: "CareWallet Technologies Pvt. Ltd."}),
			want: want{outcome: verifier.Satisfied}},
		{name: "certificate names another participant", sandbox: trusted,
			cert: issue(sandbox.Claims{Subject: "app-bsp-0001", ParticipantName: "QuickClaim Apps LLP"}),
			want: want{outcome: verifier.Invalid, msg: `issued to "QuickClaim Apps LLP", not to "CareWallet Technologies Private Limited" (participant_name)`}},
		{name: "solution certificate is not bound", sandbox: trusted, change: code(""),
			cert: issue(sandbox.Claims{Subject: "hospital-suite-4.2", Kind: sandbox.KindSolution, Solution: &sandbox.Solution{Name: "Hospital Suite", Version: "4.2"}}),
			want: want{outcome: verifier.Satisfied}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []verifier.Option
			if tt.clock != nil {
				opts = append(opts, verifier.WithClock(tt.clock))
			}
			if tt.sandbox != nil {
				opts = append(opts, verifier.WithSandboxVerifier(tt.sandbox(t)))
			}
			c := offlineChecker(t, opts...)
			app := loadApp(t, "bsp_ready.json")
			app.SandboxCertificate = tt.cert
			if tt.roles != nil {
				app.Roles = tt.roles
			}
			if tt.change != nil {
				tt.change(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqSandboxCertificate
			assertResult(t, r, tt.want)
		})
	}
}

// TestSandboxCertificateOncePerVerification: the certificate is shared by
// every category of a mixed application but checked once.
func TestSandboxCertificateOncePerVerification(t *testing.T) {
	t.Parallel()
	calls := 0
	counting := sandbox.RevocationFunc(func(context.Context, string, string) (bool, error) {
		calls++
		return false, nil
	})
	c := offlineChecker(t, verifier.WithSandboxVerifier(trustedSandbox(t, sandbox.WithRevocation(counting))))
	app := loadApp(t, "payer_ready.json")
	app.Roles = []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleTPA, hcxonboard.RoleBSP}
	app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "multi", app.Roles...), "multi"
	r, err := c.Verify(context.Background(), app)
	require.NoError(t, err)
	assert.Len(t, r.Categories, 3)
	assertResult(t, r, want{id: verifier.ReqSandboxCertificate, outcome: verifier.Satisfied})
	assert.Equal(t, 1, calls)
}
