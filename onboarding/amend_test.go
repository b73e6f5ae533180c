package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A reviewer sends an application back naming what to fix; the applicant
// amends it and the engine verifies it again; every round is audited.
func TestSendBackAndAmend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryRegulator)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	review := onlyTask(t, a, onboarding.KindReview)

	_, err = svc.Amend(ctx, a.ID, app)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "only an application sent back is amended")

	a, err = svc.SendBack(ctx, a.ID, "staff:asha", "participant_name: give the name on the gazette notification")
	require.NoError(t, err)
	amend := taskOf(t, a, onboarding.KindAmend)
	assert.Contains(t, amend.Message, "gazette")
	require.Len(t, w.notes.of(onboarding.MessageSentBack, a.ID), 1, "the applicant is told")
	_, err = svc.SendBack(ctx, a.ID, "staff:asha", "again")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "one round at a time")

	bad := app.Clone()
	bad.ParticipantName = ""
	_, err = svc.Amend(ctx, a.ID, bad)
	require.ErrorIs(t, err, onboarding.ErrRefused, "an amendment refused on its face changes nothing")
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version, cur.Version)

	moved := app.Clone()
	moved.ApplicationID = "another-key"
	_, err = svc.Amend(ctx, a.ID, moved)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	fixed := app.Clone()
	fixed.ParticipantName = "Insurance Information Bureau of India"
	a, err = svc.Amend(ctx, a.ID, fixed)
	require.NoError(t, err)
	assert.Equal(t, "Insurance Information Bureau of India", a.Participant.ParticipantName)
	assert.Equal(t, "Insurance Information Bureau of India", a.Submitted.ParticipantName)
	old, _ := a.Task(review.ID)
	assert.Equal(t, onboarding.TaskSuperseded, old.State, "the earlier review is superseded")
	again := onlyTask(t, a, onboarding.KindReview)
	assert.NotEqual(t, review.ID, again.ID, "a fresh review of the amended application")

	a, err = svc.Decide(ctx, a.ID, again.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "gazette checked"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Subset(t, actions(events), []string{onboarding.ActionSendBack, onboarding.ActionAmend, onboarding.ActionApprove})
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}

// An application or an amendment naming no roles is refused on its face,
// as is an amendment asking for a role its certificate was not issued
// for: the earlier certificate check does not carry over to new roles.
func TestRolesAreRequiredAndChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	none := w.application(verifier.CategoryRegulator)
	none.Roles = nil
	_, err := svc.Submit(ctx, none)
	require.ErrorIs(t, err, onboarding.ErrRefused, "no roles: refused, not a server error")
	var re *onboarding.RefusedError
	require.ErrorAs(t, err, &re)
	res, ok := re.Report.Result(verifier.ReqSandboxCertificate)
	require.True(t, ok)
	assert.Equal(t, verifier.Invalid, res.Outcome)
	assert.Contains(t, res.Message, "names no roles")

	app := w.application(verifier.CategoryRegulator)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	_, err = svc.SendBack(ctx, a.ID, "staff:asha", "roles: check them")
	require.NoError(t, err)
	cleared := app.Clone()
	cleared.Roles = nil
	_, err = svc.Amend(ctx, a.ID, cleared)
	require.ErrorIs(t, err, onboarding.ErrRefused, "an amendment may not drop every role")

	widened := app.Clone()
	widened.Roles = append(widened.Roles, hcxonboard.RolePayer)
	_, err = svc.Amend(ctx, a.ID, widened)
	require.ErrorIs(t, err, onboarding.ErrRefused, "the certificate was not issued for payer")
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, app.Roles, cur.Submitted.Roles, "nothing changed")
}
