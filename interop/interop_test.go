// Package interop_test checks that participants onboarded here work with
// existing HCX software unchanged: the npm hcx-integrator-sdk (pinned in
// package-lock.json) gets a token, searches the registry, fetches the
// recipient's encryption certificate by URL and encrypts for it: against
// an engine and handler set up here in every profile (TestIntegratorSDK),
// and against examples/operator, built and started as a newcomer runs it,
// with participants onboarded through its HTTP API alone
// (TestIntegratorSDKAgainstTheOperator, which also needs the go command).
//
// The test needs node and the installed package (npm ci in this folder);
// without them it skips, unless HCX_REQUIRE_INTEROP is set (as CI sets it),
// when it fails.
package interop_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// requireEnv makes a missing node or package a failure instead of a skip.
const requireEnv = "HCX_REQUIRE_INTEROP"

// nodeOrSkip returns the node binary, or skips (fails under requireEnv)
// when node or the installed SDK is missing.
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		msg := "interop: " + what + "; run `npm ci` in interop/ (needs node and npm) to run the SDK interop test"
		if os.Getenv(requireEnv) != "" {
			t.Fatal(msg + " (" + requireEnv + " is set)")
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "hcx-integrator-sdk", "package.json")); err != nil {
		missing("node_modules/hcx-integrator-sdk is not installed")
	}
	return node
}

// participant is one live participant: its code, e-mail, secret and the
// private key of its encryption certificate.
type participant struct {
	code, email, secret string
	key                 *rsa.PrivateKey
}

// operator is an engine and its HTTP API over a memory store.
type operator struct {
	svc    *onboarding.Service
	issuer *sandbox.Issuer
}

func newOperator(t *testing.T, tokens *credential.Tokens) *operator {
	t.Helper()
	sbxKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	issuer, err := sandbox.NewIssuer("sandbox.example", sbxKey, sandbox.WithValidity(24*time.Hour))
	require.NoError(t, err)
	trusted, err := issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	trust, err := sandbox.NewTrustList(trusted)
	require.NoError(t, err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(trust))
	require.NoError(t, err)
	rules, err := verifier.New(verifier.WithSandboxVerifier(sv))
	require.NoError(t, err)
	otpKey := make([]byte, 32)
	_, err = rand.Read(otpKey)
	require.NoError(t, err)
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(otpKey), onboarding.WithVerifier(rules),
		onboarding.WithSandbox(sv), onboarding.WithTokens(tokens),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	return &operator{svc: svc, issuer: issuer}
}

// live takes a regulator (a role settled by staff review alone) to Active.
func (o *operator) live(t *testing.T, name, email, subject string) participant {
	t.Helper()
	ctx := context.Background()
	cert, err := o.issuer.Issue(sandbox.Claims{Subject: subject, Roles: []hcxonboard.Role{hcxonboard.RoleRegulator}})
	require.NoError(t, err)
	a, err := o.svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: name, Roles: []hcxonboard.Role{hcxonboard.RoleRegulator},
		PrimaryEmail: email, PrimaryMobile: "9000010001",
		SandboxCertificate: cert, SandboxParticipantCode: subject,
	})
	require.NoError(t, err)
	for _, task := range a.OpenTasks() {
		a, err = o.svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "staff:interop"})
		require.NoError(t, err)
	}
	require.Equal(t, registry.StageDetails, a.Stage, "the review settled")
	key, certPEM := encryptionCert(t)
	a, err = o.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: certPEM})
	require.NoError(t, err)
	creds, err := o.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	a, err = o.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:interop-approver"})
	require.NoError(t, err)
	return participant{code: a.Participant.ParticipantCode, email: email, secret: creds.Secret, key: key}
}

func encryptionCert(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "hcx.participant.example"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	require.NoError(t, err)
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// sdkResult is what sdk.mjs prints.
type sdkResult struct {
	Token string `json:"token"`
	// Verified are the token's claims as panva jose verified them against
	// the operator's JWKS; Alg its header's algorithm.
	Verified map[string]any `json:"verified"`
	Alg      string         `json:"alg"`
	Search   struct {
		Timestamp    int64            `json:"timestamp"`
		Participants []map[string]any `json:"participants"`
	} `json:"search"`
	JWE     string         `json:"jwe"`
	Payload map[string]any `json:"payload"`
}

// The SDK, unchanged, against the operator in every profile. Each
// profile's token comes from the Keycloak-style route the SDK calls and is
// verified by panva jose against the key set the profile's consumers read:
// the realm's (the platform's gateway reads it as jwt.jwkUrl) or
// /v1/onboarding/jwks. In the profiles whose records carry certificates
// by URL — the specification's (the default) and the reference
// platform's — the SDK goes on to fetch the recipient's certificate and
// encrypt for it; the others' records carry them inline (ProfileOwn) or
// as base64 (ProfileNHCX), which the SDK cannot fetch, so there it stops
// after the search.
func TestIntegratorSDK(t *testing.T) {
	node := nodeOrSkip(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaJWK, err := jwk.FromRaw(rsaKey)
	require.NoError(t, err)
	edJWK, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)

	const realm = "/auth/realms/swasth-hcx-participants/protocol/openid-connect"
	for _, tc := range []struct {
		profile credential.Profile
		signing jwk.Key
		alg     string
		jwks    string
	}{
		{credential.ProfileSpec, rsaJWK, "RS256", "/v1/onboarding/jwks"},
		{credential.ProfilePlatform, rsaJWK, "RS256", realm + "/certs"},
		{credential.ProfileNHCX, rsaJWK, "RS256", "/v1/onboarding/jwks"},
		{credential.ProfileOwn, edJWK, "EdDSA", "/v1/onboarding/jwks"},
	} {
		profile := tc.profile
		byURL := profile.CertificatesByURL()
		t.Run(string(profile), func(t *testing.T) {
			tokens, err := credential.NewTokens(tc.signing, credential.WithProfile(profile))
			require.NoError(t, err)
			op := newOperator(t, tokens)
			sender := op.live(t, "Insurance Regulatory Authority", "hcx@regulator.example", "reg-sender")
			recipient := op.live(t, "State Health Agency", "hcx@sha.example", "reg-recipient")
			h, err := httpapi.New(op.svc, httpapi.WithProfile(profile))
			require.NoError(t, err)
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "sdk.mjs")
			cmd.Env = append(cleanEnv(),
				"HCX_PROTOCOL_BASE_PATH="+srv.URL+"/v0.9",
				"HCX_AUTH_BASE_PATH="+srv.URL+realm+"/token",
				"HCX_PARTICIPANT_CODE="+sender.code,
				"HCX_USERNAME="+sender.email,
				"HCX_PASSWORD="+sender.secret,
				"HCX_RECIPIENT_CODE="+recipient.code,
				"HCX_JWKS_URL="+srv.URL+tc.jwks,
			)
			if !byURL {
				cmd.Env = append(cmd.Env, "HCX_ENCRYPT=0")
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Run(), "node sdk.mjs: %s", stderr.String())

			var res sdkResult
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &res), "output: %s", stdout.String())

			// 1. The token is the sender's, and valid.
			claims, err := op.svc.VerifyToken(ctx, res.Token)
			require.NoError(t, err)
			assert.Equal(t, sender.code, claims.ParticipantCode)
			// jose, independent of this library, verified it too.
			assert.Equal(t, tc.alg, res.Alg)
			assert.Equal(t, claims.Subject, res.Verified["sub"])
			assert.Equal(t, claims.Issuer, res.Verified["iss"])
			assert.Equal(t, sender.code, res.Verified["participant_code"])
			if profile != credential.ProfileOwn {
				assert.Equal(t, sender.code, res.Verified["user_id"])
				assert.Equal(t, map[string]any{"participant_roles": []any{"agency.regulator"}, "user_roles": []any{"admin"}},
					withoutKey(res.Verified["realm_access"], "roles"))
			}
			if profile == credential.ProfilePlatform {
				// What the platform's gateway reads, and how: entity[0]
				// and realm_access.roles from the payload decoded with
				// Java's basic (standard alphabet) Base64 decoder.
				raw, err := base64.RawStdEncoding.Strict().DecodeString(strings.Split(res.Token, ".")[1])
				require.NoError(t, err, "the gateway decodes the payload in the standard alphabet")
				var gw struct {
					Entity      []string `json:"entity"`
					RealmAccess struct {
						Roles []string `json:"roles"`
					} `json:"realm_access"`
				}
				require.NoError(t, json.Unmarshal(raw, &gw))
				assert.Equal(t, []string{"Organisation"}, gw.Entity)
				assert.Equal(t, []string{"agency.regulator"}, gw.RealmAccess.Roles)
			}

			// 2. The search answered the specification's envelope with the
			// recipient.
			assert.Positive(t, res.Search.Timestamp)
			require.Len(t, res.Search.Participants, 1)
			rec := res.Search.Participants[0]
			assert.Equal(t, recipient.code, rec["participant_code"])
			certURL, _ := rec["encryption_cert"].(string)
			if !byURL {
				assert.NotEmpty(t, certURL)
				assert.False(t, strings.HasPrefix(certURL, "http"), "this profile carries the certificate itself: %q", certURL)
				assert.Empty(t, res.JWE)
				return
			}
			// Its certificate is a URL on this operator.
			assert.True(t, strings.HasPrefix(certURL, srv.URL+"/certificates/"), "encryption_cert is a URL here: %q", certURL)
			if profile == credential.ProfilePlatform {
				assert.Equal(t, []any{credential.OwnerID(recipient.code)}, rec["osOwner"])
				assert.Equal(t, credential.OwnerID(sender.code), claims.Subject, "the gateway matches sub with the sender's osOwner")
			}

			// 3 and 4. The SDK fetched that certificate and encrypted for the
			// recipient: its private key opens the JWE.
			protected := jweHeader(t, res.JWE)
			assert.Equal(t, recipient.code, protected["x-hcx-recipient_code"])
			assert.Equal(t, sender.code, protected["x-hcx-sender_code"])
			alg, _ := protected["alg"].(string)
			require.Contains(t, []string{"RSA-OAEP", "RSA-OAEP-256"}, alg)
			plain, err := jwe.Decrypt([]byte(res.JWE), jwe.WithKey(jwa.KeyEncryptionAlgorithm(alg), recipient.key))
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(plain, &got))
			assert.Equal(t, res.Payload, got)
		})
	}
}

// withoutKey is v, a JSON object, less the member key.
func withoutKey(v any, key string) map[string]any {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(m))
	for k, x := range m {
		if k != key {
			out[k] = x
		}
	}
	return out
}

func jweHeader(t *testing.T, compact string) map[string]any {
	t.Helper()
	parts := strings.Split(compact, ".")
	require.Len(t, parts, 5, "a compact JWE")
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.Unmarshal(raw, &h))
	return h
}

// cleanEnv is the environment without proxy settings, so that the SDK's
// HTTP client talks to the test server directly.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "NO_PROXY=*", "no_proxy=*")
}
