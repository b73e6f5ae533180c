package verifier_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/verifier"
)

// panickyRegistry is an operator's HFR client with a bug.
type panickyRegistry struct{}

func (panickyRegistry) Facility(context.Context, string) (hfr.Facility, error) {
	var m map[string]int
	m["boom"]++ // a bug in the operator's client
	return hfr.Facility{}, nil
}

// A check that panics — an operator's own check, or a built-in one
// calling the operator's registry client — does not take the caller
// down: its requirement is pending staff review, saying it could not be
// checked, and every other requirement is still decided. The panic's
// value (which may hold what the check was reading) is in no message.
func TestPanickingCheckNeedsReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("operator's check", func(t *testing.T) {
		t.Parallel()
		p := verifier.DefaultPolicies()[verifier.CategoryPayer].With(
			verifier.Requirement{ID: "solvency", Description: "Solvency ratio on IRDAI's list",
				Check: func(_ context.Context, in *verifier.Input) verifier.Result {
					panic("solvency lookup failed for " + in.App.PrimaryEmail)
				}},
			verifier.Requirement{ID: "board_resolution", Description: "A board resolution",
				Check: verifier.RequireReview("the board resolution")},
		)
		c := trustedChecker(t, verifier.WithPolicy(p))
		app := loadApp(t, "payer_ready.json")
		var r *verifier.Report
		require.NotPanics(t, func() {
			var err error
			r, err = c.Verify(ctx, app)
			require.NoError(t, err)
		})
		assertResult(t, r, want{id: "solvency", outcome: verifier.Pending, task: verifier.TaskReview, msg: "could not be checked"})
		res, _ := r.Result("solvency")
		assert.NotContains(t, res.Message, app.PrimaryEmail)
		assertResult(t, r, want{id: "board_resolution", outcome: verifier.Pending, task: verifier.TaskReview})
		assertResult(t, r, want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied})

		// The same policy without the bug decides the requirement.
		fixed := verifier.DefaultPolicies()[verifier.CategoryPayer].With(verifier.Requirement{ID: "solvency",
			Check: func(context.Context, *verifier.Input) verifier.Result {
				return verifier.Result{Outcome: verifier.Invalid, Message: "not on IRDAI's list"}
			}})
		r, err := trustedChecker(t, verifier.WithPolicy(fixed)).Verify(ctx, app)
		require.NoError(t, err)
		assertResult(t, r, want{id: "solvency", outcome: verifier.Invalid})
	})

	t.Run("operator's registry client in a built-in check", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithFacilityRegistry(panickyRegistry{}))
		var r *verifier.Report
		require.NotPanics(t, func() {
			var err error
			r, err = c.Verify(ctx, loadApp(t, "abdm_provider_ready.json"))
			require.NoError(t, err)
		})
		assertResult(t, r, want{id: verifier.ReqHFRLookup, outcome: verifier.Pending, task: verifier.TaskReview, msg: "could not be checked"})
		assertResult(t, r, want{id: verifier.ReqHFRID, outcome: verifier.Satisfied})
	})

	t.Run("operator's resolver", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithResolver(verifier.ResolverFunc(func(app *hcxonboard.Application) ([]verifier.Category, error) {
			panic("no category for " + app.PrimaryMobile)
		})))
		app := loadApp(t, "payer_ready.json")
		var r *verifier.Report
		require.NotPanics(t, func() {
			var err error
			r, err = c.Verify(ctx, app)
			require.NoError(t, err)
		})
		assertResult(t, r, want{id: verifier.ReqCaseReview, outcome: verifier.Pending, task: verifier.TaskReview})
		res, _ := r.Result(verifier.ReqCaseReview)
		assert.NotContains(t, res.Message, app.PrimaryMobile)
	})

	t.Run("operator's role verifier", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithRoleVerifier(hcxonboard.RolePayer, verifier.VerifierFunc(
			func(_ context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
				panic("payer check failed for " + app.PrimaryEmail)
			})))
		app := loadApp(t, "payer_ready.json")
		require.NotPanics(t, func() {
			_, err := c.Verify(ctx, app)
			require.ErrorContains(t, err, "panicked")
			require.NotContains(t, err.Error(), app.PrimaryEmail)
		})
	})
}

// The panic is logged for the operator — which check, the panic's type and
// the stack — but not its value, which here holds the applicant's e-mail
// address.
func TestPanickingCheckLogged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := verifier.DefaultPolicies()[verifier.CategoryPayer].With(verifier.Requirement{ID: "solvency",
		Check: func(_ context.Context, in *verifier.Input) verifier.Result {
			panic(errors.New("solvency lookup failed for " + in.App.PrimaryEmail))
		}})
	c := trustedChecker(t, verifier.WithPolicy(p), verifier.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	app := loadApp(t, "payer_ready.json")
	_, err := c.Verify(context.Background(), app)
	require.NoError(t, err)
	logged := buf.String()
	assert.Contains(t, logged, "requirement solvency panicked")
	assert.Contains(t, logged, "stack=")
	assert.NotContains(t, logged, app.PrimaryEmail)
	assert.NotContains(t, logged, "solvency lookup failed")

	_, err = verifier.New(verifier.WithLogger(nil))
	require.ErrorContains(t, err, "nil logger")
}
