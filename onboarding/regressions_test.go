package onboarding_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestMalformedIdentifierIsRefusedWithTheReport: an application whose HFR id holds a NUL is refused
// by the offline checks with a *RefusedError carrying the report (HTTP
// 422, every problem listed), not by the later check of stored text.
func TestMalformedIdentifierIsRefusedWithTheReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMProvider)
	app.Identifiers.HFRID = "IN2910000123\x00"
	_, err := svc.Submit(ctx, app)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused, "got %v", err)
}

// TestDetailsWithNULAreADetailsError: step-3 details whose endpoint URL holds a control
// character are a *DetailsError naming the field (HTTP 422), not a bare
// ErrInvalidArgument.
func TestDetailsWithNULAreADetailsError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	d := w.details("hcx.suraksha.example")
	d.EndpointURL = "https://hcx.suraksha.example/hcx\x00/v0.9"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	var de *onboarding.DetailsError
	require.ErrorAs(t, err, &de, "got %v", err)
}

// TestDeclineReasonWithNULIsInvalidInput: the facility manager's decline reason is checked
// like any reason: a NUL in it is ErrInvalidArgument, not a store failure.
func TestDeclineReasonWithNULIsInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	msgs := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
	require.Len(t, msgs, 1)
	_, err = svc.Decline(ctx, a.ID, msgs[0].Code, "not us\x00")
	if err != nil {
		require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "a store failure instead of invalid input: %v", err)
	}
}

// TestOldStateTokenCheckReadsTheHeadOnly: a state written before ends_at leads with
// compromised_at and has no ends_at. For an application that waits on no
// de-boarding, VerifyToken reads no more than the standing's head: no
// second read of the whole application on every token check.
func TestOldStateTokenCheckReadsTheHeadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &countingStore{Store: sqliteStore(t)}
	svc := w.service(store)
	a, creds := live(t, w, svc)
	tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)

	// The state as the previous version wrote it: no ends_at.
	stored, err := store.Store.Application(ctx, a.ID)
	require.NoError(t, err)
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(stored.State, &fields))
	var old bytes.Buffer
	old.WriteString(`{"compromised_at":null`)
	for k, v := range fields {
		if k != "compromised_at" && k != "ends_at" {
			old.WriteString(`,"` + k + `":` + string(v))
		}
	}
	old.WriteString("}")
	stored.State = old.Bytes()
	p, err := store.Store.Participant(ctx, creds.ParticipantCode)
	require.NoError(t, err)
	require.NoError(t, store.Store.Update(ctx, registry.Write{Application: stored, Participant: p}))

	before := store.apps.Load()
	for range 10 {
		_, err = svc.VerifyToken(ctx, tok.Value)
		require.NoError(t, err)
	}
	require.Equal(t, before, store.apps.Load(), "VerifyToken read the whole application %d times", store.apps.Load()-before)
}

// livePayer takes a payer live with a signing certificate, names it as
// the empanelling payer of a new application, and returns the payer's
// application and the approval requests it holds.
func livePayer(t *testing.T, w *world, svc *onboarding.Service) (*onboarding.Application, []onboarding.ApprovalRequest) {
	t.Helper()
	ctx := context.Background()
	a, _ := provisioned(t, w, svc)
	d := w.details("hcx.suraksha.example")
	d.SigningCertPath = w.cert.valid
	_, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	app := w.application(verifier.CategoryEmpanelledProvider)
	app.Empanelment.PayerCode = a.Participant.ParticipantCode
	_, err = svc.Submit(ctx, app)
	require.NoError(t, err)
	reqs, err := svc.ApprovalRequests(ctx, a.Participant.ParticipantCode)
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	return a, reqs
}

// TestRegistryPayersTakesTheEnginesClock: with PayersClock, RegistryPayers judges
// de-boardings on the engine's clock (WithClock): at one instant the
// engine and the directory agree that the payer is gone.
func TestRegistryPayersTakesTheEnginesClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithNoticePeriod(time.Minute))
	a, _ := livePayer(t, w, svc)
	code := a.Participant.ParticipantCode
	dir := onboarding.RegistryPayers(store, nil, onboarding.PayersClock(w.clock.Now))

	_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
	require.NoError(t, err)
	w.clock.Advance(time.Hour) // the operator's clock: in effect
	_, err = svc.ApprovalRequests(ctx, code)
	require.ErrorIs(t, err, onboarding.ErrNotActive)
	_, err = dir.SigningKey(ctx, code)
	require.ErrorIs(t, err, verifier.ErrUnknownPayer, "the directory's clock disagrees with the engine's")
}

// TestHPRAPIOnlyReviewHoldsBothForms: under WithHPRAPIOnly a look-up that finds
// HPR's record differing from the application goes to review, and still
// holds every form of the id: a second application under the other form
// is refused.
func TestHPRAPIOnlyReviewHoldsBothForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w)

	app := w.application(verifier.CategoryABDMPractitioner) // hprNumber
	app.ParticipantName = "Dr. Asha Rani"                   // differs from HPR's "Asha Rao"
	first, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	res, ok := first.Report.Result(verifier.ReqHPRCheck)
	require.True(t, ok)
	require.Equal(t, verifier.Pending, res.Outcome, res.Message)

	second := w.application(verifier.CategoryABDMPractitioner)
	second.Identifiers.HPRID = "asha.rao@hpr.abdm" // the same professional
	second.ParticipantName = "Dr. Asha Rani"
	second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
	got, err := svc.Submit(ctx, second)
	require.NoError(t, err)
	rejectedFor(t, got, "is already registered with this HCX")
}

// TestStoredRecordWithNULCanBeSuspended: an older version let a NUL into the participant
// record, and SQLite kept it. Such a participant can still be suspended:
// a write does not refuse stored text nobody is changing.
func TestStoredRecordWithNULCanBeSuspended(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	path := filepath.Join(t.TempDir(), "registry.db")
	store, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc := w.service(store)
	a, _ := live(t, w, svc)

	// The record as the previous version stored it from an address
	// holding a NUL.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	res, err := db.ExecContext(ctx, `UPDATE participants SET record = replace(record, '"MG Road"', '"MG Road\u0000"') WHERE participant_code = ?`,
		a.Participant.ParticipantCode)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	p, err := store.Participant(ctx, a.Participant.ParticipantCode)
	require.NoError(t, err)
	require.Equal(t, "MG Road\x00", p.Address.Street)

	_, err = svc.Suspend(ctx, a.ID, "staff:compliance", "fraud")
	require.NoError(t, err, "a stored participant can no longer be suspended")
}

// TestHPRAPIOnlyReportHidesTheOtherForm: the report the applicant reads does not name
// the form of the HPR id the applicant did not give (the claims are left
// out of it).
func TestHPRAPIOnlyReportHidesTheOtherForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w)
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner)) // by number
	require.NoError(t, err)
	shown, err := json.Marshal(a.Report)
	require.NoError(t, err)
	require.NotContains(t, string(shown), "asha.rao@hpr.abdm", "the applicant's view names the professional's HPR address")
}
