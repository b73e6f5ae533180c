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

// TestRegrMalformedIdentifierStillRefusedWithReport: an application whose
// HFR id holds a NUL was refused by the offline checks with a
// *RefusedError carrying the report (HTTP 422, every problem listed); it
// is now a bare ErrInvalidArgument (HTTP 400) from checkShape.
func TestRegressionMalformedIdentifierStillRefusedWithReport(t *testing.T) {
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

// TestRegrDetailsWithNULStayDetailsError: step-3 details whose endpoint
// URL holds a control character were a *DetailsError naming the field
// (HTTP 422, as the OpenAPI document now lists); they are now
// ErrInvalidArgument (HTTP 400).
func TestRegressionDetailsWithNULStayDetailsError(t *testing.T) {
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

// TestRegrDeclineReasonWithNUL: the facility manager's decline reason is
// a reason like any other, but it is not checked (checkReason): a NUL in
// it reaches the write, which Write.Validate now refuses with a plain
// store error (HTTP 500) on every store, the memory store included,
// where the decline used to go through.
func TestRegressionDeclineReasonWithNUL(t *testing.T) {
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

// TestRegrOldStateTokenCheckReadsWholeApplication: a state written by the
// previous version leads with compromised_at (null) and has no ends_at.
// VerifyToken used to stop at compromised_at, within the standing head;
// now it scans for "deboarding" to the end of the state, finds the head
// too short, and reads the whole application on every token check — for
// every participant not written since the upgrade.
func TestRegressionOldStateTokenCheckReadsWholeApplication(t *testing.T) {
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

// TestRegrRegistryPayersWithoutStandingReader: StandingReader is an
// optional capability (registry.StandingReader says so, and the engine
// falls back to two reads without it), but RegistryPayers silently skips
// the de-boarding check on a store without it, though registry.Store's
// Applications would tell: a payer whose de-boarding took effect still
// signs empanelment proofs the verifier accepts, while the engine refuses
// it on the same store.
func TestRegressionRegistryPayersWithoutStandingReader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := twoReadStore{registry.NewMemoryStore()}
	svc := w.service(store, onboarding.WithNoticePeriod(time.Second))
	a, _ := livePayer(t, w, svc)
	code := a.Participant.ParticipantCode
	dir := onboarding.RegistryPayers(store, nil)
	_, err := dir.SigningKey(ctx, code)
	require.NoError(t, err)

	_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
	require.NoError(t, err)
	w.clock.Advance(2 * time.Second)
	for time.Now().Before(w.clock.Now()) {
		time.Sleep(10 * time.Millisecond)
	}
	_, err = svc.ApprovalRequests(ctx, code)
	require.ErrorIs(t, err, onboarding.ErrNotActive, "the engine holds it off the network")
	_, err = dir.SigningKey(ctx, code)
	require.ErrorIs(t, err, verifier.ErrUnknownPayer, "the de-boarded payer's key still vouches")
}

// TestRegrRegistryPayersIgnoresServiceClock: the engine (WithClock) and
// the verifier (verifier.WithClock) judge de-boarding and certificate
// validity on the operator's clock; RegistryPayers reads time.Now. At one
// and the same instant the engine refuses the de-boarded payer and the
// directory still hands out its key.
func TestRegressionRegistryPayersIgnoresServiceClock(t *testing.T) {
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

// TestRegrHPRAPIOnlyReviewHoldsOneForm: under WithHPRAPIOnly a look-up
// that finds HPR's record differing from the application (a name the
// applicant chose) goes to review without Result.Claims, so only the
// typed form is held — unlike the HPR authentication path, which holds
// every form for a pending result too (r.st.Aliases). Two applications
// under the two forms, both steered into review, hold one professional
// twice and are never told apart.
func TestRegressionHPRAPIOnlyReviewHoldsOneForm(t *testing.T) {
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

// TestRegrStoredRecordWithNULCannotBeSuspended: the previous version let
// a NUL into the participant record (the application's address is copied
// into it unchecked) and SQLite kept it. After the upgrade Write.Validate
// walks the whole participant record on every write that touches it, so
// staff can no longer suspend (nor de-board) such a participant: the
// write fails with a plain store error (HTTP 500), for a text nobody is
// changing.
func TestRegressionStoredRecordWithNULCannotBeSuspended(t *testing.T) {
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

// TestRegrHPRAPIOnlyReportRevealsOtherForm: the findings name the HPR id
// HPR holds by its number only, but the satisfied hpr_check now carries
// HPRClaims in Result.Claims, and the report goes to the applicant whole
// (Application.Report, the API's "report"): whoever submits a
// professional's HPR number reads back her HPR address.
func TestRegressionHPRAPIOnlyReportRevealsOtherForm(t *testing.T) {
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
