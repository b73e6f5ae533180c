package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

const racers = 50

// race runs f from racers goroutines released at once and returns how many
// succeeded and the errors of the rest.
func race(f func() error) (int, []error) {
	var wins atomic.Int32
	var mu sync.Mutex
	var errs []error
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			wins.Add(1)
		}()
	}
	close(start)
	wg.Wait()
	return int(wins.Load()), errs
}

func TestRacingTransitionsHaveOneWinner(t *testing.T) {
	t.Parallel()
	testOneWinner(t, memoryStore)
}

// testOneWinner races 50 calls of each of ConfirmOTP, GoLive and Suspend on
// one application over a store made by newStore: exactly one wins each
// race, each transition is audited once, and the chain still verifies.
func testOneWinner(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(newStore(t))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	code := w.notes.code(t, a.ID)

	steps := []struct {
		name   string
		action string
		run    func() error
		before func()
	}{
		{name: "ConfirmOTP", action: onboarding.ActionConfirmOTP, run: func() error {
			_, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
			return err
		}},
		{name: "GoLive", action: onboarding.ActionGoLive, before: func() {
			_, err := svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
			require.NoError(t, err)
			_, err = svc.Provision(ctx, a.ID)
			require.NoError(t, err)
		}, run: func() error {
			_, err := svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
			return err
		}},
		{name: "Suspend", action: onboarding.ActionSuspend, run: func() error {
			_, err := svc.Suspend(ctx, a.ID, "compliance", "SLA breach under investigation")
			return err
		}},
	}
	for _, step := range steps {
		if step.before != nil {
			step.before()
		}
		wins, errs := race(step.run)
		assert.Equal(t, 1, wins, "%s: exactly one winner", step.name)
		for _, err := range errs {
			require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "%s: the losers see the winner's result", step.name)
		}
		events, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		n := 0
		for _, e := range events {
			if e.Action == step.action {
				n++
			}
		}
		assert.Equal(t, 1, n, "%s: one audit event", step.name)
		require.NoError(t, svc.VerifyChain(ctx, a.ID))
	}
	final, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, final.Status)
}

func TestRacingWrongCodesCountEveryAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryCorporateSponsor))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	wrong := wrongCode(w.notes.code(t, a.ID))

	wins, errs := race(func() error {
		_, err := svc.ConfirmOTP(ctx, a.ID, task.ID, wrong)
		return err
	})
	assert.Zero(t, wins)
	counted, locked := 0, 0
	for _, err := range errs {
		switch {
		case errors.Is(err, onboarding.ErrInvalidOTP):
			counted++ // this call's wrong code was recorded
		case errors.Is(err, onboarding.ErrOTPLocked):
			locked++ // refused: already locked
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.Equal(t, onboarding.DefaultOTPAttempts, counted, "exactly the allowed attempts are counted")
	assert.Equal(t, racers-onboarding.DefaultOTPAttempts, locked)
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}

func TestRacingSubmitsRegisterOneParticipant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryBSP)
	var mu sync.Mutex
	ids := map[string]bool{}
	wins, errs := race(func() error {
		a, err := svc.Submit(ctx, app)
		if err == nil {
			mu.Lock()
			ids[a.ID] = true
			mu.Unlock()
		}
		return err
	})
	require.Empty(t, errs)
	assert.Equal(t, racers, wins)
	assert.Len(t, ids, 1, "every retry gets the same application")
	ps, err := svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldName: registry.Eq(app.ParticipantName)}})
	require.NoError(t, err)
	assert.Len(t, ps, 1, "never a second participant")
}
