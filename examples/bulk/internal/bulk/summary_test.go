package bulk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func app(stage registry.Stage, tasks ...onboarding.Task) *onboarding.Application {
	return &onboarding.Application{Stage: stage, Tasks: tasks}
}

func task(kind, state string) onboarding.Task { return onboarding.Task{Kind: kind, State: state} }

func TestOutcome(t *testing.T) {
	t.Parallel()
	open := onboarding.TaskOpen
	tests := []struct {
		name string
		app  *onboarding.Application
		want string
	}{
		{"details", app(registry.StageDetails), bulk.OutcomeReady},
		{"credentials", app(registry.StageCredentials), bulk.OutcomeReady},
		{"live", app(registry.StageLive), bulk.OutcomeReady},
		{"rejected", app(registry.StageRejected, task(onboarding.KindOTP, open)), bulk.OutcomeRejected},
		{"otp", app(registry.StageVerifying, task(onboarding.KindOTP, open)), bulk.OutcomeOTP},
		{"locked otp still waits", app(registry.StageVerifying, task(onboarding.KindOTP, onboarding.TaskLocked)), bulk.OutcomeOTP},
		{"approval", app(registry.StageVerifying, task(onboarding.KindApproval, open)), bulk.OutcomeApproval},
		{"approval outranks otp", app(registry.StageVerifying, task(onboarding.KindOTP, open), task(onboarding.KindApproval, open)), bulk.OutcomeApproval},
		{"review outranks approval", app(registry.StageVerifying, task(onboarding.KindApproval, open), task(onboarding.KindReview, open)), bulk.OutcomeReview},
		{"retry", app(registry.StageVerifying, task(onboarding.KindRetry, open)), bulk.OutcomeReview},
		{"done tasks do not wait", app(registry.StageVerifying, task(onboarding.KindReview, onboarding.TaskDone), task(onboarding.KindOTP, open)), bulk.OutcomeOTP},
		{"verifying with nothing open", app(registry.StageVerifying), bulk.OutcomeOther},
		{"withdrawn", app(registry.StageWithdrawn), bulk.OutcomeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, bulk.Outcome(tt.app))
		})
	}
}

func TestDecisive(t *testing.T) {
	t.Parallel()
	res := func(id verifier.RequirementID, o verifier.Outcome) verifier.Result {
		return verifier.Result{ID: id, Outcome: o, Message: string(id) + " " + string(o)}
	}
	tests := []struct {
		name string
		app  *onboarding.Application
		want []verifier.RequirementID
	}{
		{"invalid wins over what it made missing", &onboarding.Application{Report: &verifier.Report{Requirements: []verifier.Result{
			res(verifier.ReqParticipantName, verifier.Satisfied), res(verifier.ReqHFRID, verifier.Invalid),
			res(verifier.ReqHFRLookup, verifier.Missing), res(verifier.ReqHFRManagerOTP, verifier.Missing)}}},
			[]verifier.RequirementID{verifier.ReqHFRID}},
		{"several invalid", &onboarding.Application{Report: &verifier.Report{Requirements: []verifier.Result{
			res(verifier.ReqMobile, verifier.Invalid), res(verifier.ReqGSTIN, verifier.Invalid), res(verifier.ReqRohiniVerification, verifier.Pending)}}},
			[]verifier.RequirementID{verifier.ReqMobile, verifier.ReqGSTIN}},
		{"missing when nothing is invalid", &onboarding.Application{Report: &verifier.Report{Requirements: []verifier.Result{
			res(verifier.ReqGSTIN, verifier.Missing), res(verifier.ReqRohiniID, verifier.Satisfied)}}},
			[]verifier.RequirementID{verifier.ReqGSTIN}},
		{"no report: the reasons say", &onboarding.Application{Reasons: []string{"sandbox_certificate: expired", "no colon here"}},
			[]verifier.RequirementID{verifier.ReqSandboxCertificate, "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ids []verifier.RequirementID
			for _, r := range bulk.Decisive(tt.app) {
				ids = append(ids, r.ID)
				assert.NotEmpty(t, r.Message)
			}
			assert.Equal(t, tt.want, ids)
		})
	}
}

// summaryFixture is nine rows with every kind of result.
func summaryFixture() ([]bulk.Row, []bulk.Result) {
	rows := make([]bulk.Row, 9)
	for i := range rows {
		rows[i] = bulk.Row{Line: i + 2, Key: fmt.Sprintf("k%d", i), HospitalName: fmt.Sprintf("Hospital %d", i)}
	}
	gstin := func(msg string) *onboarding.Application {
		a := app(registry.StageRejected)
		a.Report = &verifier.Report{Requirements: []verifier.Result{{ID: verifier.ReqGSTIN, Outcome: verifier.Invalid, Message: msg}}}
		return a
	}
	results := []bulk.Result{
		{App: app(registry.StageDetails)},
		{App: app(registry.StageVerifying, task(onboarding.KindOTP, onboarding.TaskOpen)), Skipped: true},
		{App: app(registry.StageVerifying, task(onboarding.KindApproval, onboarding.TaskOpen))},
		{App: app(registry.StageVerifying, task(onboarding.KindReview, onboarding.TaskOpen))},
		{App: gstin("check character is 7, expected O")},
		{App: gstin("check character is A, expected J")},
		{Err: errors.New("store: disk full")},
		{NotReached: true},
		{Refused: &verifier.Report{Verdict: verifier.VerdictInvalid, Requirements: []verifier.Result{
			{ID: verifier.ReqRohiniID, Outcome: verifier.Invalid, Message: "check digit is 4, expected 7"},
			{ID: verifier.ReqRohiniVerification, Outcome: verifier.Missing, Message: "no valid ROHINI id to look up"}}}},
	}
	return rows, results
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	rows, results := summaryFixture()
	s := bulk.Summarize(rows, results, map[string]int{"otp": 2}, 1)
	assert.Equal(t, 9, s.Rows)
	assert.Equal(t, 6, s.Submitted, "a refused row was submitted by this run")
	assert.Equal(t, 1, s.Refused)
	assert.Equal(t, 1, s.Skipped)
	assert.Equal(t, 1, s.Failed)
	assert.Equal(t, 1, s.NotReached)
	assert.Equal(t, []int{1, 1, 1, 1, 3, 0}, []int{s.Ready, s.WaitingOTP, s.WaitingApproval, s.WaitingReview, s.Rejected, s.Other})
	assert.Equal(t, s.Rows, s.Ready+s.WaitingOTP+s.WaitingApproval+s.WaitingReview+s.Rejected+s.Other+s.Failed+s.NotReached)
	require.Len(t, s.Rejections, 2)
	g := s.Rejections[0]
	assert.Equal(t, verifier.ReqGSTIN, g.Requirement)
	assert.Equal(t, 2, g.Rows)
	require.Len(t, g.Examples, 1, "examples are capped")
	assert.Equal(t, bulk.Example{Line: 6, Key: "k4", Name: "Hospital 4", Message: "check character is 7, expected O"}, g.Examples[0])
	assert.Equal(t, bulk.Group{Requirement: verifier.ReqRohiniID, Outcome: verifier.Invalid, Rows: 1,
		Examples: []bulk.Example{{Line: 10, Key: "k8", Name: "Hospital 8", Message: "check digit is 4, expected 7"}}},
		s.Rejections[1], "a refused row counts under what its report found invalid, not what that made missing")
	require.Len(t, s.Failures, 1)
	assert.Equal(t, "k6", s.Failures[0].Key)
}

func TestSummaryWriteTable(t *testing.T) {
	t.Parallel()
	rows, results := summaryFixture()
	s := bulk.Summarize(rows, results, map[string]int{"rejected": 2, "approval_request": 1}, 3)
	s.Load = bulk.NewLoad(5, 4, 20*time.Millisecond, bulk.Calls{HFR: 6, HFRSessions: 1, Rohini: 3}, 80*time.Millisecond)
	var buf bytes.Buffer
	require.NoError(t, s.WriteTable(&buf))
	out := buf.String()
	for _, want := range []string{
		"rows in the list                         9",
		"submitted by this run                    6",
		"  refused, nothing stored                1",
		"waiting on approval                      1",
		"rejected                                 3",
		"gstin                  invalid       2",
		"rohini_id              invalid       1",
		"line 10     k8           Hospital 8: check digit is 4, expected 7",
		"refused rows (1): rejected on their face, nothing was stored",
		"fix them in the list and run again (a re-run submits them again)",
		"line 6      k4           Hospital 4: check character is 7, expected O",
		"failed rows (1; a re-run tries them again)",
		"store: disk full",
		"messages sent: approval_request 1, rejected 2",
		"registry calls  10 (HFR 6 + 1 gateway session, ROHINI 3) = 2.00 per hospital",
		"ideal           50ms (calls × latency ÷ workers)",
		"ratio           1.60× (goal ≤ 1.3×)",
	} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, 1, strings.Count(out, "line 8 "), "the failure is listed once, under failures")

	// Without a refused row, the table does not speak of refusals.
	s = bulk.Summarize(rows[:8], results[:8], nil, 3)
	buf.Reset()
	require.NoError(t, s.WriteTable(&buf))
	assert.NotContains(t, buf.String(), "refused")
}

func TestSummaryWriteJSON(t *testing.T) {
	t.Parallel()
	rows, results := summaryFixture()
	s := bulk.Summarize(rows, results, nil, 3)
	s.Load = bulk.NewLoad(5, 4, 20*time.Millisecond, bulk.Calls{HFR: 6, HFRSessions: 1, Rohini: 3}, 80*time.Millisecond)
	var buf bytes.Buffer
	require.NoError(t, s.WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.EqualValues(t, 3, got["rejected"])
	assert.EqualValues(t, 1, got["refused"])
	assert.EqualValues(t, 6, got["submitted"])
	assert.EqualValues(t, 1, got["waiting_review_or_retry"])
	load := got["load"].(map[string]any)
	assert.EqualValues(t, 20, load["latency_ms"])
	assert.EqualValues(t, 10, load["calls_total"])
	assert.EqualValues(t, 0.05, load["ideal_seconds"])
	assert.EqualValues(t, 1.6, load["ratio"])
	assert.Equal(t, map[string]any{"hfr": 6.0, "hfr_sessions": 1.0, "rohini": 3.0}, load["calls"])
}

func TestNewLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		load  *bulk.Load
		ideal time.Duration
		ratio float64
	}{
		{"as the README computes it", bulk.NewLoad(10000, 64, 20*time.Millisecond, bulk.Calls{HFR: 13207, HFRSessions: 1, Rohini: 3036}, 6*time.Second),
			16244 * 20 * time.Millisecond / 64, 6 / (16244 * 0.020 / 64)},
		{"no calls", bulk.NewLoad(10, 8, 20*time.Millisecond, bulk.Calls{}, time.Second), 0, 0},
		{"no latency", bulk.NewLoad(10, 8, 0, bulk.Calls{HFR: 5}, time.Second), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.ideal, tt.load.Ideal)
			assert.InDelta(t, tt.ratio, tt.load.Ratio, 1e-9)
		})
	}
}

// TestSummaryWrapsWholeAdvice: the table shows every message whole,
// wrapped at spaces under the hospital's name, never cut.
func TestSummaryWrapsWholeAdvice(t *testing.T) {
	t.Parallel()
	advice := "HFR has no facility IN1913126596: check the ID on the facility's HFR page, or register the facility in HFR first; " +
		"once it is registered, correct the row in the list and run again — the\nrow is then submitted again under a new application_id, " +
		"see https://example.org/a/very/long/address/that/is/wider/than/any/line/of/the/table/and/cannot/be/broken/anywhere/at/all/index.html"
	name := "Government General Hospital and Post-Graduate Institute of Medical Education and Research, Krishna District"
	rows := []bulk.Row{{Line: 2, Key: "k0", HospitalName: name}, {Line: 3, Key: "k1", HospitalName: "B"}}
	rejected := app(registry.StageRejected)
	rejected.Report = &verifier.Report{Requirements: []verifier.Result{{ID: verifier.ReqHFRLookup, Outcome: verifier.Invalid, Message: advice}}}
	results := []bulk.Result{{App: rejected}, {Err: errors.New("store: " + advice)}}
	s := bulk.Summarize(rows, results, nil, 3)
	whole := strings.Join(strings.Fields(advice), " ")
	assert.Equal(t, whole, s.Rejections[0].Examples[0].Message, "kept whole, on one line")
	assert.Equal(t, "store: "+whole, s.Failures[0].Message)

	var buf bytes.Buffer
	require.NoError(t, s.WriteTable(&buf))
	out := buf.String()
	assert.NotContains(t, out, "…")
	flat := strings.Join(strings.Fields(out), " ")
	assert.Contains(t, flat, name+": "+whole, "the name and the advice, whole")
	assert.Contains(t, flat, "k1 B: store: "+whole)
	const indent = "                               " // under the name: "      line 2      k0           "
	long := 0
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > 100 {
			long++
			assert.NotContains(t, strings.TrimSpace(l), " ", "only a word wider than a line may overflow it: %q", l)
		}
		if strings.HasPrefix(l, indent) {
			assert.NotEqual(t, ' ', l[len(indent)], "continuations start under the name: %q", l)
		}
	}
	assert.Equal(t, 2, long, "the address, once per listing")
	assert.Contains(t, out, "      line 2      k0           Government General Hospital and Post-Graduate Institute of Medical\n"+indent+"Education and Research, Krishna District: HFR has no facility\n"+indent+"IN1913126596: check")
}

func TestSummaryResubmissions(t *testing.T) {
	t.Parallel()
	rows := make([]bulk.Row, 5)
	for i := range rows {
		rows[i] = bulk.Row{Line: i + 2, Key: fmt.Sprintf("k%d", i), HospitalName: fmt.Sprintf("Hospital %d", i)}
	}
	keyed := func(a *onboarding.Application, key string) *onboarding.Application { a.Key = key; return a }
	rejected := app(registry.StageRejected)
	rejected.Key = "k3"
	rejected.Report = &verifier.Report{Requirements: []verifier.Result{{ID: verifier.ReqHFRLookup, Outcome: verifier.Invalid, Message: "HFR has no facility"}}}
	results := []bulk.Result{
		{App: keyed(app(registry.StageVerifying, task(onboarding.KindOTP, onboarding.TaskOpen)), "k0~0123456789ab"), Resubmitted: true, Changed: true},
		{Refused: &verifier.Report{Requirements: []verifier.Result{{ID: verifier.ReqGSTIN, Outcome: verifier.Invalid, Message: "check character"}}},
			Resubmitted: true, Changed: true},
		{App: keyed(app(registry.StageDetails), "k2"), Skipped: true, Changed: true},
		{App: rejected, Skipped: true},
		{App: keyed(app(registry.StageDetails), "k4"), Skipped: true},
	}
	s := bulk.Summarize(rows, results, nil, 3)
	assert.Equal(t, []int{2, 2, 1, 3, 1}, []int{s.Submitted, s.Resubmitted, s.Refused, s.Skipped, s.ChangedNotResubmitted})

	var buf bytes.Buffer
	require.NoError(t, s.WriteTable(&buf))
	out := buf.String()
	for _, want := range []string{
		"submitted by this run                    2\n  resubmitted, changed in the list       2\n  refused, nothing stored                1\n",
		"skipped (submitted before)               3\n  changed, not resubmitted               1\n",
		"resubmitted rows (2), changed in the list since their last submission:\n" +
			"      line 2      k0           Hospital 0: now waiting on OTP, as application k0~0123456789ab\n" +
			"      line 3      k1           Hospital 1: now refused (gstin), nothing stored\n",
		"changed rows not resubmitted (1): their applications are not rejected",
		"      line 4      k2           Hospital 2: its application k2 is ready\n",
		"rejected rows the registry holds (1): to try one again, fix it in the list and run again.",
		"a row left as it is stays rejected and is\nskipped.",
	} {
		assert.Contains(t, out, want)
	}

	buf.Reset()
	require.NoError(t, s.WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.EqualValues(t, 2, got["resubmitted"])
	assert.EqualValues(t, 1, got["changed_not_resubmitted"])
	for k := range got {
		assert.NotContains(t, []string{"resubmissions", "changed", "Resubmissions", "Changed"}, k, "the JSON has the counts only")
	}

	// Nothing resubmitted, nothing changed: the table does not speak of
	// it, and the JSON has the counter at 0.
	s = bulk.Summarize(rows[4:], results[4:], nil, 3)
	buf.Reset()
	require.NoError(t, s.WriteTable(&buf))
	assert.NotContains(t, buf.String(), "resubmitted")
	assert.NotContains(t, buf.String(), "changed")
	buf.Reset()
	require.NoError(t, s.WriteJSON(&buf))
	got = nil
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.EqualValues(t, 0, got["resubmitted"])
	assert.EqualValues(t, 0, got["changed_not_resubmitted"])
}
