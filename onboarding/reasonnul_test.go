package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestReasonWithNULIsRefusedOnEveryStore: a NUL is valid UTF-8 but no
// PostgreSQL text can hold it. A reason holding one is refused up front
// (ErrInvalidArgument) on every store, rather than stored by some and
// failing with a driver error on PostgreSQL.
func TestReasonWithNULIsRefusedOnEveryStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "changed\x00our mind")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "changed our mind\nafter all")
	require.NoError(t, err, "other text, a new line included, is a reason")
}

// TestTextNoStoreKeepsIsInvalidInput: an application or step-3 details
// holding a NUL (valid JSON: \u0000) anywhere is refused as invalid input,
// not left to fail in the store (a 500 on PostgreSQL, kept elsewhere).
func TestTextNoStoreKeepsIsInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryPayer)
	addr := *app.Address // the fixture's, shared
	addr.District = "Pune\x00"
	app.Address = &addr
	_, err := svc.Submit(ctx, app)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	require.ErrorContains(t, err, "address.district")

	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	d := w.details("hcx.suraksha.example")
	d.CompanyRegistration = "U66010\x00MH2006PLC"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	var de *onboarding.DetailsError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "company_registration", de.Field)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)
}

// TestActorWithNULIsInvalidInput: an actor is the caller's text too.
func TestActorWithNULIsInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	_, err := svc.Suspend(ctx, a.ID, "staff:ops\x00", "fraud")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.Suspend(ctx, a.ID, "staff:ops", "fraud")
	require.NoError(t, err)
}

// TestGoLiveNotesAreBoundedInTheEngine: the library's callers, not only
// the HTTP handler, are held to MaxNoteLength per note.
func TestGoLiveNotesAreBoundedInTheEngine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := provisioned(t, w, svc)
	long := strings.Repeat("n", onboarding.MaxNoteLength+1)
	_, err := svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi", PilotNotes: long})
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi",
		PilotNotes: long[:onboarding.MaxNoteLength]})
	require.NoError(t, err)
}
