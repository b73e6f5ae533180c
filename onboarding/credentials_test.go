package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// provisioned takes a fresh payer application to step 4 and returns it
// with its credentials.
func provisioned(t *testing.T, w *world, svc *onboarding.Service) (*onboarding.Application, onboarding.Credentials) {
	t.Helper()
	return provisionedWith(t, w, svc, w.details("hcx.suraksha.example"))
}

// provisionedWith is provisioned with the given step-3 details.
func provisionedWith(t *testing.T, w *world, svc *onboarding.Service, d onboarding.Details) (*onboarding.Application, onboarding.Credentials) {
	t.Helper()
	ctx := context.Background()
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	creds, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	return a, creds
}

func live(t *testing.T, w *world, svc *onboarding.Service) (*onboarding.Application, onboarding.Credentials) {
	t.Helper()
	a, creds := provisioned(t, w, svc)
	a, err := svc.GoLive(context.Background(), a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
	require.NoError(t, err)
	return a, creds
}

func TestSecretIsNotRecoverableAfterProvision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	a, creds := provisioned(t, w, svc)
	require.True(t, strings.HasPrefix(creds.Secret, credential.SecretPrefix))
	assert.Equal(t, a.Participant.ParticipantCode, creds.ParticipantCode)
	assert.Equal(t, 1, a.Secrets.Live)
	assert.Equal(t, creds.ExpiresAt, a.Secrets.ExpiresAt)

	_, err := svc.Provision(ctx, a.ID)
	require.ErrorIs(t, err, onboarding.ErrAlreadyProvisioned, "shown exactly once")

	// Rotation hands out another secret, once; it must not leak either.
	rotated, err := svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, time.Hour)
	require.NoError(t, err)
	require.NotEqual(t, creds.Secret, rotated.Secret)
	_, err = svc.RotateSecret(ctx, creds.ParticipantCode, "hcxs_"+strings.Repeat("A", 49), time.Hour)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials)

	stored, err := store.Application(ctx, a.ID)
	require.NoError(t, err)
	part, err := store.Participant(ctx, creds.ParticipantCode)
	require.NoError(t, err)
	partJSON, err := json.Marshal(part)
	require.NoError(t, err)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	eventsJSON, err := json.Marshal(events)
	require.NoError(t, err)
	view, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	viewJSON, err := json.Marshal(view)
	require.NoError(t, err)

	for _, secret := range []string{creds.Secret, rotated.Secret} {
		sum := sha256.Sum256([]byte(secret))
		assert.Contains(t, string(stored.State), hex.EncodeToString(sum[:]), "the store keeps the hash")
		for name, blob := range map[string]string{
			"stored state": string(stored.State), "participant": string(partJSON),
			"audit events": string(eventsJSON), "application view": string(viewJSON), "log": w.logs.String(),
		} {
			assert.NotContains(t, blob, secret, "the secret must not be in the %s", name)
			assert.NotContains(t, blob, secret[len(credential.SecretPrefix):], "nor its body in the %s", name)
		}
	}
	assert.NotEmpty(t, w.logs.String(), "the log captured the transitions")

	// The one-time codes never reach the store, the trail or the log either.
	for _, m := range w.notes.of(onboarding.MessageOTP, a.ID) {
		for _, blob := range []string{string(eventsJSON), w.logs.String()} {
			assert.NotContains(t, blob, `"`+m.Code+`"`)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	pending, pendingCreds := provisioned(t, w, svc)
	_, err := svc.Token(ctx, pendingCreds.ParticipantCode, pendingCreds.Secret)
	require.Equal(t, onboarding.ErrInvalidCredentials, err, "no tokens before go-live")
	_ = pending

	a, creds := live(t, w, svc)
	tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)

	otherKey, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	impostor, err := credential.NewTokens(otherKey, credential.WithIssuer(instanceCode), credential.WithClock(w.clock.Now))
	require.NoError(t, err)
	forged, err := impostor.Issue(creds.ParticipantCode, []hcxonboard.Role{hcxonboard.RolePayer})
	require.NoError(t, err)

	parts := strings.Split(tok.Value, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs256 := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]

	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"issued by the service", tok.Value, true},
		{"alg none", none, false},
		{"alg HS256", hs256, false},
		{"signed with another key", forged.Value, false},
		{"payload swapped", parts[0] + "." + strings.Split(forged.Value, ".")[1] + "." + parts[2], false},
		{"garbage", "not.a.token", false},
		{"empty", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := svc.VerifyToken(ctx, tc.token)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, creds.ParticipantCode, claims.ParticipantCode)
				assert.Equal(t, []hcxonboard.Role{hcxonboard.RolePayer}, claims.Roles)
				return
			}
			require.ErrorIs(t, err, credential.ErrInvalidToken)
			assert.Nil(t, claims)
		})
	}

	for _, tc := range []struct{ name, code, secret string }{
		{"wrong secret", creds.ParticipantCode, pendingCreds.Secret},
		{"unknown participant", "nobody@hcxtest", creds.Secret},
		{"malformed secret", creds.ParticipantCode, "letmein"},
	} {
		_, err := svc.Token(ctx, tc.code, tc.secret)
		require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, tc.name)
		assert.NotContains(t, err.Error(), creds.Secret, tc.name)
	}

	// Suspension stops tokens; reinstatement brings them back.
	_, err = svc.Suspend(ctx, a.ID, "compliance", "audit")
	require.NoError(t, err)
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.ErrorIs(t, err, onboarding.ErrNotActive)
	require.ErrorIs(t, err, credential.ErrInvalidToken)
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.Equal(t, onboarding.ErrInvalidCredentials, err, "no tokens while suspended")
	_, err = svc.Reinstate(ctx, a.ID, "compliance", "audit closed")
	require.NoError(t, err)
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.NoError(t, err)

	// A compromise report kills every earlier token and every secret.
	w.clock.Advance(2 * time.Second)
	before, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)
	w.clock.Advance(2 * time.Second)
	require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, "participant-ciso", "secret pasted in a public repository"))
	for _, old := range []string{tok.Value, before.Value} {
		_, err = svc.VerifyToken(ctx, old)
		require.ErrorIs(t, err, credential.ErrInvalidToken)
		assert.ErrorContains(t, err, "compromise")
	}
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "the reported secret is revoked")
	// Every registered contact hears of it — the primary e-mail, the
	// admin and the details' contact — once, as of a new secret: the
	// report may come from whoever holds the leaked secret.
	var told []string
	for _, m := range w.notes.of(onboarding.MessageCredentialsRevoked, a.ID) {
		told = append(told, m.To)
		assert.NotContains(t, m.Body, creds.Secret)
	}
	assert.ElementsMatch(t, []string{"onboarding@payer.example", "admin@anita.example", "hcx-desk@hcx.suraksha.example"}, told)

	fresh, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err, "after a compromise the operator issues a new secret")
	w.clock.Advance(2 * time.Second)
	after, err := svc.Token(ctx, fresh.ParticipantCode, fresh.Secret)
	require.NoError(t, err)
	_, err = svc.VerifyToken(ctx, after.Value)
	require.NoError(t, err, "tokens issued after the report work")

	// An expired token is refused.
	w.clock.Advance(credential.DefaultTokenTTL + 10*time.Minute)
	_, err = svc.VerifyToken(ctx, after.Value)
	require.ErrorIs(t, err, credential.ErrTokenExpired)

	// The JWKS handler serves the verifying key.
	require.NotNil(t, svc.JWKSHandler())
}

func TestRotationOverlap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	_, creds := live(t, w, svc)
	next, err := svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, time.Hour)
	require.NoError(t, err)
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err, "the old secret works during the overlap")
	w.clock.Advance(time.Hour)
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "and not after it")
	_, err = svc.Token(ctx, next.ParticipantCode, next.Secret)
	require.NoError(t, err)
	_, err = svc.RotateSecret(ctx, creds.ParticipantCode, next.Secret, -time.Second)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}

// Every way a code and secret can fail gets the same error — the bare
// sentinel, so the same words — and the reason goes to the log only, with
// unknown codes fingerprinted and no secret anywhere.
func TestCredentialRefusalsAreAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	_, active := live(t, w, svc)
	_, pending := provisioned(t, w, svc)
	suspendedApp, suspended := live(t, w, svc)
	_, err := svc.Suspend(ctx, suspendedApp.ID, "compliance", "audit")
	require.NoError(t, err)
	_, revoked := live(t, w, svc)
	require.NoError(t, svc.ReportCompromise(ctx, revoked.ParticipantCode, "participant-ciso", "leaked"))
	_, expired := live(t, w, svc)
	next, err := svc.RotateSecret(ctx, expired.ParticipantCode, expired.Secret, 0)
	require.NoError(t, err, "overlap 0 retires the old secret at once")

	minter, err := credential.NewSecrets()
	require.NoError(t, err)
	wellFormed, _, err := minter.New()
	require.NoError(t, err)
	badSum := active.Secret[:len(active.Secret)-1] + "A"
	if badSum == active.Secret {
		badSum = active.Secret[:len(active.Secret)-1] + "E"
	}
	kinds := []struct{ name, code, secret, reason string }{
		{"unknown code, well-formed secret", "nobody@hcx", active.Secret, "unknown participant code"},
		{"unknown code, malformed secret", "nobody@hcx", "letmein", "unknown participant code"},
		{"empty code", "", active.Secret, "empty participant code"},
		{"code differing by case", strings.ToUpper(active.ParticipantCode), active.Secret, "unknown participant code"},
		{"code with a NUL byte", active.ParticipantCode + "\x00", active.Secret, "not a participant code"},
		{"code of invalid UTF-8", "\xff\xfe", active.Secret, "not a participant code"},
		{"over-long code", strings.Repeat("c", 4096), active.Secret, "not a participant code"},
		{"malformed secret", active.ParticipantCode, "letmein", "malformed secret"},
		{"empty secret", active.ParticipantCode, "", "malformed secret"},
		{"secret with a bad checksum", active.ParticipantCode, badSum, "malformed secret"},
		{"wrong secret", active.ParticipantCode, wellFormed, "wrong or revoked"},
		{"another participant's secret", active.ParticipantCode, pending.Secret, "wrong or revoked"},
		{"revoked secret", revoked.ParticipantCode, revoked.Secret, "wrong or revoked"},
		{"expired secret", expired.ParticipantCode, expired.Secret, "expired secret"},
		{"participant not yet live", pending.ParticipantCode, pending.Secret, "is Created, not Active"},
		{"suspended participant", suspended.ParticipantCode, suspended.Secret, "is Blocked, not Active"},
	}
	for _, k := range kinds {
		before := len(w.logs.String())
		_, err := svc.Token(ctx, k.code, k.secret)
		require.Equal(t, onboarding.ErrInvalidCredentials, err, "token: %s", k.name)
		logged := w.logs.String()[before:]
		assert.Contains(t, logged, k.reason, "token: %s: the log says why", k.name)

		_, err = svc.RotateSecret(ctx, k.code, k.secret, time.Hour)
		if k.name == "participant not yet live" {
			require.NoError(t, err, "a provisioned participant may rotate")
			continue
		}
		require.Equal(t, onboarding.ErrInvalidCredentials, err, "rotate: %s", k.name)
	}
	logs := w.logs.String()
	for _, secret := range []string{active.Secret, pending.Secret, suspended.Secret, revoked.Secret, expired.Secret, next.Secret, wellFormed} {
		assert.NotContains(t, logs, secret[len(credential.SecretPrefix):], "no secret in the log")
	}
	assert.NotContains(t, logs, "nobody@hcx", "unknown codes are fingerprinted")
	assert.NotContains(t, logs, strings.ToUpper(active.ParticipantCode))
	assert.Contains(t, logs, `"participant":"unknown:`)

	// What the participant can do is unchanged.
	_, err = svc.Token(ctx, active.ParticipantCode, active.Secret)
	require.NoError(t, err)
	_, err = svc.Token(ctx, expired.ParticipantCode, next.Secret)
	require.NoError(t, err)
}

// Staff issue a secret only to a live participant: before go-live the
// applicant provisions its own, so the first secret is never in staff's
// hands, and ProvisionBy leaves step 4 to the applicant.
func TestStaffDoNotTakeStepFour(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)

	_, err = svc.ProvisionBy(ctx, a.ID, "staff:asha")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	creds, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err, "the applicant provisions its own")
	require.NotEmpty(t, creds.Secret)
	assert.Empty(t, w.notes.of(onboarding.MessageCredentialsIssued, a.ID))
}
