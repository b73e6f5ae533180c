package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestSuspendAndReinstate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	a, _ := live(t, w, svc)

	_, err := svc.Suspend(ctx, a.ID, "compliance", "")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "a suspension needs a reason")
	_, err = svc.Suspend(ctx, a.ID, "", "fraud")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "and an actor")
	_, err = svc.Reinstate(ctx, a.ID, "compliance", "nothing to reinstate")
	var te *onboarding.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, onboarding.TransitionError{Action: onboarding.ActionReinstate, From: "Active", To: "Active"}, *te)

	a, err = svc.Suspend(ctx, a.ID, "compliance", "fraud investigation")
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, a.Status)
	p, err := store.Participant(ctx, a.Participant.ParticipantCode)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, p.Status)
	assert.Len(t, w.notes.of(onboarding.MessageSuspended, a.ID), 1)

	a, err = svc.Reinstate(ctx, a.ID, "compliance", "cleared")
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, a.Status)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, []string{"Blocked", "Active", "cleared"}, []string{last.From, last.To, last.Reason})
}

func TestDeboarding(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	notice := 15 * 24 * time.Hour

	t.Run("voluntary takes effect at once", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice))
		a, creds := live(t, w, svc)
		// The participant leaves on its own: a step-up code to its
		// registered admin first.
		leave := onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "participant", Reason: "moving to another HCX"}
		_, err := svc.Deboard(ctx, a.ID, leave)
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "not without a step-up code")
		_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
		require.NoError(t, err)
		leave.StepUpCode = w.notes.code(t, a.ID)
		_, err = svc.Deboard(ctx, a.ID, leave)
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "a code for another purpose does not do")
		_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
		require.NoError(t, err)
		leave.StepUpCode = w.notes.code(t, a.ID)
		assert.Equal(t, a.Submitted.SystemAdmin.Email, w.notes.of(onboarding.MessageOTP, a.ID)[len(w.notes.of(onboarding.MessageOTP, a.ID))-1].To,
			"the code goes to the registered admin")
		a, err = svc.Deboard(ctx, a.ID, leave)
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusInactive, a.Status)
		assert.Zero(t, a.Secrets.Live, "secrets die with the participation")
		_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
		require.ErrorIs(t, err, onboarding.ErrInvalidCredentials)
		require.Len(t, w.notes.of(onboarding.MessageDeboarded, a.ID), 1)
		_, err = svc.Reinstate(ctx, a.ID, "compliance", "undo")
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "Inactive is final")
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "again"})
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	})

	t.Run("involuntary waits for the notice period", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		clk := newClock()
		svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice), onboarding.WithClock(clk.Now))
		a, _ := live(t, w, svc)
		a, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusActive, a.Status, "warned, not yet de-boarded")
		require.True(t, a.Deboarding.Pending())
		assert.Equal(t, clk.Now().Add(notice), a.Deboarding.EffectiveAt)
		warnings := w.notes.of(onboarding.MessageDeboardWarning, a.ID)
		require.Len(t, warnings, 1)
		assert.Equal(t, a.Participant.PrimaryEmail, warnings[0].To)
		assert.Equal(t, []string{onboarding.WaitingDeboarding}, waiting(t, svc, a.ID))
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "noc", Reason: "rate abuse"})
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "one announcement at a time")

		clk.Advance(notice - time.Second)
		n, err := svc.ProcessDeboardings(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "not yet due")

		clk.Advance(time.Second)
		n, err = svc.ProcessDeboardings(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusInactive, a.Status)
		assert.False(t, a.Deboarding.Pending())
		assert.Empty(t, waiting(t, svc, a.ID))
		n, err = svc.ProcessDeboardings(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "each de-boarding happens once")
		require.NoError(t, svc.VerifyChain(ctx, a.ID))
	})

	t.Run("staff do not cut an announced notice short", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice), onboarding.WithStepUp(false))
		a, _ := live(t, w, svc)
		_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "staff:noc", Reason: "repeated claim fraud"})
		require.NoError(t, err)
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:noc", Reason: "no need to wait"})
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusActive, a.Status, "the notice stands")
		require.True(t, a.Deboarding.Pending())

		// The participant itself may leave sooner.
		a, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "participant:" + a.Participant.ParticipantCode, Reason: "we leave now"})
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusInactive, a.Status)
	})

	t.Run("an appeal stops it", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		clk := newClock()
		svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice), onboarding.WithClock(clk.Now))
		a, _ := live(t, w, svc)
		_, err := svc.Appeal(ctx, a.ID, "ceo", "nothing to appeal")
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
		a, err = svc.Suspend(ctx, a.ID, "noc", "hacking attempt under investigation")
		require.NoError(t, err)
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "noc", Reason: "hacking attempt"})
		require.NoError(t, err, "a suspended participant can be de-boarded")
		a, err = svc.Appeal(ctx, a.ID, "ceo", "the traffic was a misconfigured load test")
		require.NoError(t, err)
		assert.False(t, a.Deboarding.Pending())
		assert.Equal(t, "ceo", a.Deboarding.AppealedBy)
		assert.Len(t, w.notes.of(onboarding.MessageAppealReceived, a.ID), 1)
		clk.Advance(2 * notice)
		n, err := svc.ProcessDeboardings(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, hcxonboard.StatusBlocked, a.Status, "the appeal keeps the participant as it was")
	})

	t.Run("bad requests", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		svc := w.service(registry.NewMemoryStore())
		a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
		require.NoError(t, err)
		for _, req := range []onboarding.DeboardRequest{
			{Initiator: "court", Actor: "x", Reason: "y"},
			{Initiator: onboarding.InitiatorHCX, Reason: "y"},
			{Initiator: onboarding.InitiatorHCX, Actor: "x"},
		} {
			_, err := svc.Deboard(ctx, a.ID, req)
			require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "%+v", req)
		}
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "x", Reason: "y"})
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "not live yet: withdraw instead")
	})
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, creds := provisioned(t, w, svc)
	_, err := svc.Withdraw(ctx, a.ID, "", "changed our mind")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	a, err = svc.Withdraw(ctx, a.ID, "applicant", "changed our mind")
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, a.Stage)
	assert.Equal(t, hcxonboard.StatusInactive, a.Status)
	assert.Zero(t, a.Secrets.Live)
	_, err = svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, 0)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "twice")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
}

func TestSubmitIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryPayer)
	first, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	again, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, first.Participant.ParticipantCode, again.Participant.ParticipantCode)
	assert.Len(t, w.notes.of(onboarding.MessageOTP, first.ID), 1, "a retry sends no second code")

	changed := app.Clone()
	changed.PrimaryMobile = "9000099999"
	_, err = svc.Submit(ctx, changed)
	require.ErrorIs(t, err, onboarding.ErrConflict, "one application_id, one application")

	noKey := w.application(verifier.CategoryPayer)
	noKey.ApplicationID = ""
	x, err := svc.Submit(ctx, noKey)
	require.NoError(t, err)
	y, err := svc.Submit(ctx, noKey)
	require.NoError(t, err)
	assert.NotEqual(t, x.ID, y.ID, "without an application_id every submission is new")

	_, err = svc.Submit(ctx, nil)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}

func TestQueriesAndQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	reg, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	emp, err := svc.Submit(ctx, w.application(verifier.CategoryEmpanelledProvider))
	require.NoError(t, err)

	reviews, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.KindReview})
	require.NoError(t, err)
	require.Len(t, reviews, 1)
	assert.Equal(t, reg.ID, reviews[0].ID)
	approvals, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.KindApproval})
	require.NoError(t, err)
	require.Len(t, approvals, 1)
	assert.Equal(t, emp.ID, approvals[0].ID)
	_, err = svc.Queue(ctx, registry.ApplicationFilter{Limit: -1})
	require.ErrorIs(t, err, registry.ErrInvalidQuery)

	byCode, err := svc.ApplicationByParticipant(ctx, emp.Participant.ParticipantCode)
	require.NoError(t, err)
	assert.Equal(t, emp.ID, byCode.ID)
	_, err = svc.ApplicationByParticipant(ctx, "nobody@hcxtest")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, err = svc.Application(ctx, "no-such-id")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	_, err = svc.Application(ctx, "")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	ps, err := svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{
		registry.FieldRoles: registry.Eq(string(hcxonboard.RoleRegulator))}})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, reg.Participant.ParticipantCode, ps[0].ParticipantCode)
	_, err = svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{"colour": registry.Eq("blue")}})
	require.ErrorIs(t, err, registry.ErrInvalidQuery)

	// Tasks by id; the wrong kind of task, and unknown ones.
	task := onlyTask(t, emp, onboarding.KindApproval)
	_, err = svc.ConfirmOTP(ctx, emp.ID, task.ID, "123456")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "an approval is not settled by a code")
	_, err = svc.Decide(ctx, emp.ID, "otp-99", onboarding.Decision{Approve: true, Reviewer: "x"})
	require.ErrorIs(t, err, onboarding.ErrNotFound)
}

// An illegal move names where the application stands and where the
// action leads, also when the action leads to several places or to where
// the application already stands.
func TestTransitionErrorNamesFromAndTo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	pending, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // verifying: waits on its OTP
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, pending.Stage)
	check := func(name string, err error, from, to string) {
		t.Helper()
		var te *onboarding.TransitionError
		require.ErrorAs(t, err, &te, name)
		assert.Equal(t, from, te.From, name)
		assert.Equal(t, to, te.To, name)
	}
	_, err = svc.Provision(ctx, pending.ID)
	check("provision while verifying", err, "verifying", "credentials")
	_, err = svc.SubmitDetails(ctx, pending.ID, w.details("hcx.early.example"))
	check("details while verifying", err, "verifying", "credentials")
	_, err = svc.Reinstate(ctx, pending.ID, "staff:ops", "not live")
	check("reinstate before go-live", err, "verifying", "Active")
}
