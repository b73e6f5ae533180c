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
