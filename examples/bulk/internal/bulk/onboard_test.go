package bulk_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// list generates n rows and returns them with their kinds.
func list(t testing.TB, n int, seed int64) ([]bulk.Row, []bulk.Kind) {
	t.Helper()
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: n, Seed: seed})
	require.NoError(t, err)
	rows, kinds := make([]bulk.Row, n), make([]bulk.Kind, n)
	for i, g := range gen {
		rows[i], kinds[i] = g.Row, g.Kind
	}
	return rows, kinds
}

type rig struct {
	demo  *bulk.Demo
	store registry.Store
	svc   *onboarding.Service
}

func newRig(t *testing.T, rows []bulk.Row) *rig {
	t.Helper()
	demo, err := bulk.NewDemo(rows, bulk.DemoOptions{Conns: 8})
	require.NoError(t, err)
	t.Cleanup(demo.Close)
	store := registry.NewMemoryStore()
	svc, err := demo.Service(store)
	require.NoError(t, err)
	return &rig{demo: demo, store: store, svc: svc}
}

func (r *rig) onboarder(workers int) *bulk.Onboarder {
	return &bulk.Onboarder{Service: r.svc, Store: r.store, Certify: r.demo.Certify, Workers: workers}
}

// TestOnboardMatchesIntent runs a generated list through the engine and
// checks every row lands where the generator meant it to, and that the
// registry calls and messages are what the categories imply.
func TestOnboardMatchesIntent(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 200, 5)
	r := newRig(t, rows)
	results, err := r.onboarder(8).Run(context.Background(), rows)
	require.NoError(t, err)
	require.Len(t, results, len(rows))

	count := map[bulk.Kind]int{}
	refused := 0
	for i, res := range results {
		count[kinds[i]]++
		require.NoError(t, res.Err, "line %d", rows[i].Line)
		assert.False(t, res.Skipped)
		wantOutcome, wantReq := kinds[i].Expect()
		if kinds[i].Refused() {
			// Refused on its face: rejected, and nothing stored.
			refused++
			require.NotNil(t, res.Refused, "line %d (%s)", rows[i].Line, kinds[i])
			assert.Nil(t, res.App)
			_, err := r.store.ApplicationByKey(context.Background(), rows[i].Key)
			assert.ErrorIs(t, err, registry.ErrNotFound, "line %d (%s): a refused row leaves no record", rows[i].Line, kinds[i])
		} else {
			require.NotNil(t, res.App, "line %d (%s)", rows[i].Line, kinds[i])
			assert.Nil(t, res.Refused)
			assert.Equal(t, rows[i].Key, res.App.Key)
		}
		assert.Equal(t, wantOutcome, res.Outcome(), "line %d (%s): %+v", rows[i].Line, kinds[i], res)
		if wantReq != "" {
			var ids []verifier.RequirementID
			for _, d := range res.Decisive() {
				ids = append(ids, d.ID)
			}
			assert.Equal(t, []verifier.RequirementID{wantReq}, ids, "line %d (%s)", rows[i].Line, kinds[i])
		}
		switch {
		case res.App == nil:
		case wantOutcome == bulk.OutcomeRejected:
			assert.Nil(t, res.App.Participant, "a row rejected at submission registers no participant")
		default:
			require.NotNil(t, res.App.Participant, "line %d", rows[i].Line)
			assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleHospital}, res.App.Participant.Roles)
		}
	}
	require.Positive(t, refused, "the list has rows refused on their face")

	// Registry calls: an ABDM hospital costs a facility search, HFR's
	// contact and HFR's OTP — a Draft one too, since it waits for HFR
	// rather than being refused; one HFR rejects costs only the search; a
	// ROHINI hospital one look-up; a row refused on its face (a malformed
	// id, a landline as mobile, a bad GSTIN …) and empanelled hospitals
	// none. The gateway session is opened once.
	calls := r.demo.Calls()
	assert.Equal(t, 3*(count[bulk.KindHFR]+count[bulk.KindHFRDraft])+count[bulk.KindHFRUnknown], calls.HFR)
	assert.Equal(t, 1, calls.HFRSessions)
	assert.Equal(t, count[bulk.KindRohini]+count[bulk.KindRohiniUnknown]+count[bulk.KindRohiniSuspended], calls.Rohini)

	sum := bulk.Summarize(rows, results, r.demo.Notes.Counts(), 2)
	assert.Equal(t, len(rows), sum.Submitted)
	assert.Equal(t, refused, sum.Refused)
	assert.Equal(t, len(rows), sum.Ready+sum.WaitingOTP+sum.WaitingApproval+sum.WaitingReview+sum.Rejected)
	assert.Equal(t, count[bulk.KindHFR]+count[bulk.KindHFRDraft], sum.Messages[onboarding.MessageHFRIntimation])
	assert.Equal(t, count[bulk.KindEmpanelled], sum.Messages[onboarding.MessageApprovalRequest])
	assert.Equal(t, sum.Rejected-sum.Refused, sum.Messages[onboarding.MessageRejected], "a refused row is told nothing: no record, no message")
	assert.Equal(t, sum.WaitingReview-count[bulk.KindHFRDraft], sum.Messages[onboarding.MessageReviewRequest], "a Draft facility waits on HFR, not on staff")
	assert.Zero(t, sum.Messages[onboarding.MessageOTP], "hospitals with an HFR id get HFR's own OTP, the others none")
	assertParticipantsOnce(t, r.store, results)
}

func TestOnboardResumesAfterInterruption(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 120, 11)
	r := newRig(t, rows)

	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int64
	ob := r.onboarder(4)
	ob.Done = func() {
		if done.Add(1) == 30 {
			cancel()
		}
	}
	first, err := ob.Run(ctx, rows)
	require.NoError(t, err)
	s1 := bulk.Summarize(rows, first, nil, 0)
	require.Positive(t, s1.NotReached, "the interruption left rows")
	assert.Zero(t, s1.Failed, "rows in flight when it came were let finish")
	assert.GreaterOrEqual(t, s1.Submitted, 30-4)
	assert.Equal(t, len(rows), s1.Submitted+s1.NotReached)

	second, err := r.onboarder(4).Run(context.Background(), rows)
	require.NoError(t, err)
	s2 := bulk.Summarize(rows, second, nil, 0)
	assert.Zero(t, s2.NotReached)
	assert.Zero(t, s2.Failed)
	assert.Equal(t, s1.Submitted-s1.Refused, s2.Skipped, "what the first run stored is skipped")
	assert.Equal(t, len(rows)-s2.Skipped, s2.Submitted, "the rest, refused rows included, is submitted")
	refused := 0
	for i := range first {
		if kinds[i].Refused() {
			refused++
		}
		switch {
		case first[i].App != nil:
			assert.True(t, second[i].Skipped)
			assert.Equal(t, first[i].App.ID, second[i].App.ID)
		case first[i].Refused != nil:
			assert.False(t, second[i].Skipped, "line %d: nothing was stored, so it is submitted again", rows[i].Line)
			assert.NotNil(t, second[i].Refused, "line %d: and refused again", rows[i].Line)
		default:
			assert.True(t, first[i].NotReached)
			assert.False(t, second[i].Skipped)
		}
	}
	require.Positive(t, refused)
	assert.Equal(t, refused, s2.Refused, "every refused row is refused on the run that reaches it")

	assertParticipantsOnce(t, r.store, second)
}

// assertParticipantsOnce checks that the store holds exactly the
// participants the results registered: one per registered row, none
// twice.
func assertParticipantsOnce(t *testing.T, store registry.Participants, results []bulk.Result) {
	t.Helper()
	want := map[string]bool{}
	for _, res := range results {
		if res.App != nil && res.App.Participant != nil {
			want[res.App.Participant.ParticipantCode] = true
		}
	}
	ps, err := store.SearchParticipants(context.Background(), registry.Query{Limit: registry.MaxLimit})
	require.NoError(t, err)
	got := map[string]bool{}
	for _, p := range ps {
		assert.False(t, got[p.ParticipantCode], "participant %s stored twice", p.ParticipantCode)
		got[p.ParticipantCode] = true
	}
	assert.Equal(t, want, got)
	assert.NotEmpty(t, got)
}

func TestOnboardReportsFailuresAndRetriesThem(t *testing.T) {
	t.Parallel()
	rows, _ := list(t, 40, 2)
	r := newRig(t, rows)
	ob := r.onboarder(3)
	ob.Certify = func(row *bulk.Row) (string, error) {
		if strings.HasSuffix(row.Key, "7") {
			return "", errors.New("sandbox operator unreachable")
		}
		return r.demo.Certify(row)
	}
	results, err := ob.Run(context.Background(), rows)
	require.NoError(t, err)
	sum := bulk.Summarize(rows, results, nil, 3)
	assert.Equal(t, 4, sum.Failed) // hosp-000007, 17, 27, 37
	require.Len(t, sum.Failures, 4)
	assert.Equal(t, "hosp-000007", sum.Failures[0].Key)
	assert.Contains(t, sum.Failures[0].Message, "sandbox operator unreachable")

	again, err := r.onboarder(3).Run(context.Background(), rows)
	require.NoError(t, err)
	sum = bulk.Summarize(rows, again, nil, 3)
	assert.Zero(t, sum.Failed)
	assert.Equal(t, 4, sum.Submitted, "the failed rows are submitted on the re-run")
	assert.Equal(t, 36, sum.Skipped)
}

func TestOnboarderRejectsWiring(t *testing.T) {
	t.Parallel()
	rows, _ := list(t, 3, 1)
	r := newRig(t, rows)
	tests := []struct {
		name string
		ob   *bulk.Onboarder
		want string
	}{
		{"no service", &bulk.Onboarder{Store: r.store, Certify: r.demo.Certify}, "needs a Service"},
		{"no store", &bulk.Onboarder{Service: r.svc, Certify: r.demo.Certify}, "needs a Service"},
		{"no certify", &bulk.Onboarder{Service: r.svc, Store: r.store}, "needs a Service"},
		{"negative workers", &bulk.Onboarder{Service: r.svc, Store: r.store, Certify: r.demo.Certify, Workers: -1}, "outside 1..1024"},
		{"too many workers", &bulk.Onboarder{Service: r.svc, Store: r.store, Certify: r.demo.Certify, Workers: bulk.MaxWorkers + 1}, "outside 1..1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.ob.Run(context.Background(), rows)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	res, err := r.onboarder(0).Run(context.Background(), rows)
	require.NoError(t, err, "zero workers means the default")
	assert.False(t, slices.ContainsFunc(res, func(x bulk.Result) bool { return x.Outcome() == "" }), "every row has an outcome")
}

func TestNewDemoRejectsNegativeLatency(t *testing.T) {
	t.Parallel()
	_, err := bulk.NewDemo(nil, bulk.DemoOptions{Latency: -1})
	assert.ErrorContains(t, err, "negative")
}

// TestDemoRefusesForeignCertificate checks that the engine's own
// sandbox check stands: a certificate signed by another key under the
// demo operator's name is refused.
func TestDemoRefusesForeignCertificate(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 30, 8)
	r := newRig(t, rows)
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	rogue, err := sandbox.NewIssuer(bulk.DemoIssuerID, key, sandbox.WithValidity(time.Hour))
	require.NoError(t, err)
	i := slices.Index(kinds, bulk.KindRohini) // would be ready with a good certificate
	require.GreaterOrEqual(t, i, 0)
	cert, err := rogue.Issue(sandbox.Claims{Subject: rows[i].Key, Roles: []hcxonboard.Role{hcxonboard.RoleHospital}})
	require.NoError(t, err)

	_, err = r.svc.Submit(context.Background(), rows[i].Application(cert))
	require.ErrorIs(t, err, onboarding.ErrRefused)
	res := bulk.ResultOf(nil, err)
	require.NoError(t, res.Err, "a refusal is the row's outcome, not a failure")
	assert.Equal(t, bulk.OutcomeRejected, res.Outcome())
	require.Len(t, res.Decisive(), 1)
	assert.Equal(t, verifier.ReqSandboxCertificate, res.Decisive()[0].ID)
	_, err = r.store.ApplicationByKey(context.Background(), rows[i].Key)
	require.ErrorIs(t, err, registry.ErrNotFound, "nothing was stored")

	// So the same application_id can be submitted again, with the demo
	// operator's own certificate, and passes.
	good, err := r.demo.Certify(&rows[i])
	require.NoError(t, err)
	a, err := r.svc.Submit(context.Background(), rows[i].Application(good))
	require.NoError(t, err)
	assert.Equal(t, bulk.OutcomeReady, bulk.Outcome(a), "the demo operator's own certificate passes: %q", a.Reasons)
	assert.Equal(t, rows[i].Key, a.Key)
}

func TestResultOf(t *testing.T) {
	t.Parallel()
	rep := &verifier.Report{Verdict: verifier.VerdictInvalid, Requirements: []verifier.Result{
		{ID: verifier.ReqRohiniID, Outcome: verifier.Invalid, Message: "check digit is 4, expected 7"},
		{ID: verifier.ReqRohiniVerification, Outcome: verifier.Missing, Message: "no valid ROHINI id to look up"},
		{ID: verifier.ReqParticipantName, Outcome: verifier.Satisfied},
	}}
	refusal := fmt.Errorf("submit: %w", &onboarding.RefusedError{Report: rep})

	res := bulk.ResultOf(nil, refusal)
	assert.NoError(t, res.Err, "a refusal, even wrapped, is not a failure")
	assert.Same(t, rep, res.Refused)
	assert.Nil(t, res.App)
	assert.Equal(t, bulk.OutcomeRejected, res.Outcome())
	require.Len(t, res.Decisive(), 1, "invalid first: the look-up it made impossible does not count")
	assert.Equal(t, verifier.ReqRohiniID, res.Decisive()[0].ID)

	incomplete := bulk.ResultOf(nil, &onboarding.RefusedError{Report: &verifier.Report{Verdict: verifier.VerdictIncomplete, Requirements: []verifier.Result{
		{ID: verifier.ReqGSTIN, Outcome: verifier.Missing, Message: "no GSTIN"}, {ID: verifier.ReqRohiniID, Outcome: verifier.Satisfied}}}})
	require.Len(t, incomplete.Decisive(), 1, "missing when nothing is invalid")
	assert.Equal(t, verifier.ReqGSTIN, incomplete.Decisive()[0].ID)

	failed := bulk.ResultOf(nil, errors.New("store: disk full"))
	assert.EqualError(t, failed.Err, "store: disk full")
	assert.Nil(t, failed.Refused)
	assert.Empty(t, failed.Outcome())

	assert.Error(t, bulk.ResultOf(nil, nil).Err, "no application and no error is a failure")

	ok := bulk.ResultOf(&onboarding.Application{Stage: registry.StageDetails}, nil)
	assert.NoError(t, ok.Err)
	assert.Equal(t, bulk.OutcomeReady, ok.Outcome())
}

// runOn is one run of the command over rows: fakes seeded from the list
// as it is now, against store and state, which outlive the run.
func runOn(t *testing.T, store registry.Store, state *bulk.State, rows []bulk.Row) []bulk.Result {
	t.Helper()
	demo, err := bulk.NewDemo(rows, bulk.DemoOptions{Conns: 4})
	require.NoError(t, err)
	defer demo.Close()
	svc, err := demo.Service(store)
	require.NoError(t, err)
	ob := &bulk.Onboarder{Service: svc, Store: store, State: state, Certify: demo.Certify, Workers: 4}
	results, err := ob.Run(context.Background(), rows)
	require.NoError(t, err)
	for i, res := range results {
		require.NoError(t, res.Err, "line %d", rows[i].Line)
	}
	return results
}

// correctGSTIN gives the row's GSTIN its right check character.
func correctGSTIN(t *testing.T, r *bulk.Row) {
	t.Helper()
	c, err := verifier.GSTINCheckChar(r.GSTIN[:14])
	require.NoError(t, err)
	require.NotEqual(t, c, r.GSTIN[14], "the generator made it wrong")
	r.GSTIN = r.GSTIN[:14] + string(c)
}

// TestOnboardResubmitsChangedRows follows rows corrected in the list
// between runs: one whose rejection was stored, one refused on its face,
// and one whose application is under way; the rows left as they were are
// skipped, or (refused) submitted again as before.
func TestOnboardResubmitsChangedRows(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 120, 11)
	unknown, gstin, waiting := slices.Index(kinds, bulk.KindHFRUnknown), slices.Index(kinds, bulk.KindBadGSTIN), slices.Index(kinds, bulk.KindHFR)
	require.True(t, unknown >= 0 && gstin >= 0 && waiting >= 0)
	store, state := registry.NewMemoryStore(), bulk.NewMemoryState()

	first := runOn(t, store, state, rows)
	s1 := bulk.Summarize(rows, first, nil, 3)
	assert.Zero(t, s1.Resubmitted)
	require.Equal(t, bulk.OutcomeRejected, first[unknown].Outcome())
	require.NotNil(t, first[unknown].App, "HFR's answer rejected it: stored")
	require.NotNil(t, first[gstin].Refused, "refused on its face: nothing stored")
	require.Equal(t, bulk.OutcomeOTP, first[waiting].Outcome())
	assert.Equal(t, len(rows), state.Len(), "every row judged is remembered")

	// The operator corrects two rejected rows in the list — the HFR id to
	// one HFR holds (in the demo: the fake knows it once demo_registry no
	// longer says it is absent), the GSTIN's check character — and edits
	// the e-mail of a hospital whose application waits on HFR's OTP.
	fixed := slices.Clone(rows)
	fixed[unknown].DemoRegistry = ""
	correctGSTIN(t, &fixed[gstin])
	fixed[waiting].Email = "new-" + fixed[waiting].Email
	newKey := bulk.ResubmissionKey(rows[unknown].Key, fixed[unknown].Digest())

	second := runOn(t, store, state, fixed)
	s2 := bulk.Summarize(fixed, second, nil, 3)
	for i, res := range second {
		switch i {
		case unknown:
			assert.True(t, res.Resubmitted && res.Changed && !res.Skipped, "%+v", res)
			require.NotNil(t, res.App)
			assert.Equal(t, newKey, res.App.Key, "the rejected application keeps the row's key: a new one")
			assert.Equal(t, bulk.OutcomeOTP, res.Outcome(), "reasons %q", res.App.Reasons)
			assert.Equal(t, fixed[unknown].Key, res.App.Submitted.SandboxParticipantCode, "the hospital is the same")
		case gstin:
			assert.True(t, res.Resubmitted && res.Changed && !res.Skipped, "%+v", res)
			require.NotNil(t, res.App, "nothing was stored under its key: it is free")
			assert.Equal(t, fixed[gstin].Key, res.App.Key)
			assert.Equal(t, bulk.OutcomeReady, res.Outcome(), "reasons %q", res.App.Reasons)
		case waiting:
			assert.True(t, res.Skipped && res.Changed && !res.Resubmitted, "%+v", res)
			assert.Equal(t, first[waiting].App.ID, res.App.ID, "an application under way is left as it is")
			assert.Equal(t, rows[waiting].Email, res.App.Submitted.PrimaryEmail)
		default:
			assert.False(t, res.Changed || res.Resubmitted, "line %d is as it was", rows[i].Line)
			if first[i].App != nil {
				assert.True(t, res.Skipped, "line %d", rows[i].Line)
				assert.Equal(t, first[i].App.ID, res.App.ID)
			} else {
				assert.NotNil(t, res.Refused, "line %d: refused again, as before", rows[i].Line)
			}
		}
	}
	assert.Equal(t, 2, s2.Resubmitted)
	assert.Equal(t, 1, s2.ChangedNotResubmitted)
	assert.Equal(t, s1.Rejected-2, s2.Rejected)
	assert.Equal(t, s1.Refused-1, s2.Refused)
	assert.Equal(t, s2.Refused+2, s2.Submitted)
	old, err := store.ApplicationByKey(context.Background(), rows[unknown].Key)
	require.NoError(t, err)
	assert.Equal(t, registry.StageRejected, old.Stage, "the rejection stays on record")
	got, _ := state.Row(rows[unknown].Key)
	assert.Equal(t, bulk.RowState{Key: rows[unknown].Key, Digest: fixed[unknown].Digest(), ApplicationID: newKey}, got)

	// Again, unchanged: the resubmissions are skipped under their keys;
	// the edit that cannot reach its application is reported again.
	third := runOn(t, store, state, fixed)
	s3 := bulk.Summarize(fixed, third, nil, 3)
	assert.Zero(t, s3.Resubmitted)
	assert.Equal(t, 1, s3.ChangedNotResubmitted)
	assert.True(t, third[unknown].Skipped && !third[unknown].Changed)
	assert.Equal(t, second[unknown].App.ID, third[unknown].App.ID)
	assert.True(t, third[gstin].Skipped && !third[gstin].Changed)
	assert.True(t, third[waiting].Skipped && third[waiting].Changed)
	assertParticipantsOnce(t, store, third)

	// A run that stored the resubmission but lost its record finds it
	// again by its key rather than submitting it twice.
	lost := bulk.NewMemoryState()
	for i := range rows {
		r, ok := state.Row(rows[i].Key)
		require.True(t, ok)
		if i == unknown {
			r = bulk.RowState{Key: rows[i].Key, Digest: rows[i].Digest(), ApplicationID: rows[i].Key}
		}
		require.NoError(t, lost.Put(r))
	}
	fourth := runOn(t, store, lost, fixed)
	assert.True(t, fourth[unknown].Skipped && !fourth[unknown].Resubmitted, "%+v", fourth[unknown])
	assert.Equal(t, second[unknown].App.ID, fourth[unknown].App.ID)
	got, _ = lost.Row(rows[unknown].Key)
	assert.Equal(t, newKey, got.ApplicationID, "and remembers it")
}

// TestOnboardAdoptsRowsStoredWithoutState: rows an earlier run stored
// without a state (an older bulk, or a state removed) are skipped and
// taken as they stand in the list; a later change to one counts from
// there.
func TestOnboardAdoptsRowsStoredWithoutState(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 100, 3)
	unknown := slices.Index(kinds, bulk.KindRohiniUnknown)
	require.GreaterOrEqual(t, unknown, 0)
	store := registry.NewMemoryStore()
	first := runOn(t, store, nil, rows)
	require.Equal(t, bulk.OutcomeRejected, first[unknown].Outcome())

	state := bulk.NewMemoryState()
	second := runOn(t, store, state, rows)
	stored := 0
	for i, res := range second {
		assert.False(t, res.Changed || res.Resubmitted)
		if first[i].App != nil {
			stored++
			assert.True(t, res.Skipped)
		}
	}
	assert.Equal(t, len(rows), state.Len())

	fixed := slices.Clone(rows)
	fixed[unknown].DemoRegistry = "" // in the demo, the ROHINI id corrected to one ROHINI holds
	third := runOn(t, store, state, fixed)
	assert.True(t, third[unknown].Resubmitted)
	assert.Equal(t, bulk.OutcomeReady, third[unknown].Outcome())
	s := bulk.Summarize(fixed, third, nil, 3)
	assert.Equal(t, 1, s.Resubmitted)
	assert.Equal(t, stored-1, s.Skipped)
}

// TestOnboardResubmissionKeyTaken: a row whose resubmission key is
// another row's own key fails rather than passing that row's application
// off as its own.
func TestOnboardResubmissionKeyTaken(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 100, 3)
	unknown, other := slices.Index(kinds, bulk.KindRohiniUnknown), slices.Index(kinds, bulk.KindRohini)
	require.True(t, unknown >= 0 && other >= 0)
	fixed := slices.Clone(rows)
	fixed[unknown].DemoRegistry = ""
	rows[other].Key = bulk.ResubmissionKey(rows[unknown].Key, fixed[unknown].Digest())
	fixed[other].Key = rows[other].Key
	store, state := registry.NewMemoryStore(), bulk.NewMemoryState()
	runOn(t, store, state, rows)

	demo, err := bulk.NewDemo(fixed, bulk.DemoOptions{Conns: 2})
	require.NoError(t, err)
	t.Cleanup(demo.Close)
	svc, err := demo.Service(store)
	require.NoError(t, err)
	results, err := (&bulk.Onboarder{Service: svc, Store: store, State: state, Certify: demo.Certify, Workers: 2}).Run(context.Background(), fixed)
	require.NoError(t, err)
	assert.ErrorContains(t, results[unknown].Err, "is another hospital's application")
	assert.True(t, results[other].Skipped, "the other row is its own")
}

// TestOnboardFindsARefusedRowStoredAfterACrash: a row refused on its face,
// corrected and then stored, by a run that crashed before its state
// recorded it, is found as what it is — this content's application —
// rather than reported as changed (or, once rejected, submitted again).
func TestOnboardFindsARefusedRowStoredAfterACrash(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 120, 11)
	gstin := slices.Index(kinds, bulk.KindBadGSTIN)
	require.GreaterOrEqual(t, gstin, 0)
	store, state := registry.NewMemoryStore(), bulk.NewMemoryState()
	first := runOn(t, store, state, rows)
	require.NotNil(t, first[gstin].Refused)
	// What the state file held when the next run crashed.
	snapshot := func() *bulk.State {
		s := bulk.NewMemoryState()
		for i := range rows {
			r, ok := state.Row(rows[i].Key)
			require.True(t, ok)
			require.NoError(t, s.Put(r))
		}
		return s
	}
	crashed := snapshot()

	fixed := slices.Clone(rows)
	correctGSTIN(t, &fixed[gstin])
	second := runOn(t, store, state, fixed)
	require.True(t, second[gstin].Resubmitted, "%+v", second[gstin])
	require.NotNil(t, second[gstin].App)

	third := runOn(t, store, crashed, fixed)
	res := third[gstin]
	assert.True(t, res.Skipped && !res.Changed && !res.Resubmitted, "%+v", res)
	require.NotNil(t, res.App)
	assert.Equal(t, second[gstin].App.ID, res.App.ID)
	got, _ := crashed.Row(rows[gstin].Key)
	assert.Equal(t, fixed[gstin].Digest(), got.Digest, "and remembers it as it is now")

	// Changed once more since: that change is reported, as ever.
	again := slices.Clone(fixed)
	again[gstin].Email = "other-" + again[gstin].Email
	fourth := runOn(t, store, snapshot(), again)
	assert.True(t, fourth[gstin].Skipped && fourth[gstin].Changed, "%+v", fourth[gstin])
}
