package onboarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestManagerDeclines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	submit := func(t *testing.T, svc *onboarding.Service) (*onboarding.Application, string) {
		t.Helper()
		a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
		require.NoError(t, err)
		msgs := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
		require.Len(t, msgs, 1)
		require.Len(t, msgs[0].Code, 16, "the intimation carries a decline code")
		assert.Contains(t, msgs[0].Body, msgs[0].Code)
		return a, msgs[0].Code
	}

	t.Run("the right code rejects and tells staff", func(t *testing.T) {
		store := registry.NewMemoryStore()
		svc := w.service(store)
		a, code := submit(t, svc)
		assert.Contains(t, w.notes.of(onboarding.MessageHFRIntimation, a.ID)[0].Body, "within 7 days")
		_, err := svc.Decline(ctx, a.ID, "AAAAAAAAAAAAAAAA", "not us")
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)

		// Stored only as a keyed hash.
		row, err := store.Application(ctx, a.ID)
		require.NoError(t, err)
		assert.NotContains(t, string(row.State), code)

		spaced := strings.ToLower(code[:4] + " " + code[4:8] + "-" + code[8:])
		got, err := svc.Decline(ctx, a.ID, spaced, "we never asked to join the HCX")
		require.NoError(t, err)
		rejectedFor(t, got, "declined this onboarding: we never asked to join the HCX")
		staff := 0
		for _, m := range w.notes.of(onboarding.MessageReviewRequest, a.ID) {
			if strings.Contains(m.Subject, "declined") {
				staff++
			}
		}
		assert.Equal(t, 1, staff, "staff are told")
		events, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "facility_manager", events[len(events)-1].Actor)

		_, err = svc.Decline(ctx, a.ID, code, "again")
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "a code declines once")
	})
	t.Run("after the window the code is dead", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore(), onboarding.WithDeclineWindow(time.Hour))
		a, code := submit(t, svc)
		w.clock.Advance(time.Hour)
		_, err := svc.Decline(ctx, a.ID, code, "late")
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
		cur, err := svc.Application(ctx, a.ID)
		require.NoError(t, err)
		assert.NotEqual(t, registry.StageRejected, cur.Stage)
	})
	t.Run("another application's code does nothing", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		a, _ := submit(t, svc)
		_, err := svc.Decline(ctx, a.ID, "", "empty")
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
		_, err = svc.Decline(ctx, "no-such-application", "ABCDEFGHIJKLMNOP", "x")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
	})
	_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithDeclineWindow(0))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}

// TestManagerDeclinesAfterVerification checks that the facility manager's
// decline holds until the application is live: someone who got the
// manager's HFR code (by a trick, say) has taken the application past
// verification — to its details, even to its credentials — and the
// manager's decline within the window still rejects it, revoking what it
// was given.
func TestManagerDeclinesAfterVerification(t *testing.T) {
	t.Parallel()
	for _, stage := range []registry.Stage{registry.StageDetails, registry.StageCredentials} {
		t.Run(string(stage), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore())
			a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
			require.NoError(t, err)
			msgs := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
			require.Len(t, msgs, 1)
			code, ok := w.hfr.LastOTP(abdmFacility)
			require.True(t, ok)
			a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
			require.NoError(t, err)
			require.Equal(t, registry.StageDetails, a.Stage)
			if stage == registry.StageCredentials {
				_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.hijacked.example"))
				require.NoError(t, err)
				_, err = svc.Provision(ctx, a.ID)
				require.NoError(t, err)
			}
			got, err := svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")
			require.NoError(t, err)
			rejectedFor(t, got, "declined this onboarding")
			assert.Zero(t, got.Secrets.Live, "no live secret is left")
		})
	}
}
