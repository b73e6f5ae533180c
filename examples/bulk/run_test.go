package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// runCmd runs the command and returns its output.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

type summary struct {
	Rows            int `json:"rows"`
	Submitted       int `json:"submitted"`
	Refused         int `json:"refused"`
	Resubmitted     int `json:"resubmitted"`
	Skipped         int `json:"skipped"`
	Failed          int `json:"failed"`
	NotReached      int `json:"not_reached"`
	Ready           int `json:"ready"`
	WaitingOTP      int `json:"waiting_otp"`
	WaitingApproval int `json:"waiting_approval"`
	WaitingReview   int `json:"waiting_review_or_retry"`
	Rejected        int `json:"rejected"`
	Other           int `json:"other"`
	Rejections      []struct {
		Requirement string `json:"requirement"`
		Rows        int    `json:"rows"`
		Examples    []struct {
			Line int    `json:"line"`
			Key  string `json:"key"`
		} `json:"examples"`
	} `json:"rejections"`
	Messages map[string]int `json:"messages"`
	Load     *struct {
		CallsTotal   int     `json:"calls_total"`
		IdealSeconds float64 `json:"ideal_seconds"`
		WallSeconds  float64 `json:"wall_seconds"`
		Ratio        float64 `json:"ratio"`
	} `json:"load"`
}

func decode(t *testing.T, out string) summary {
	t.Helper()
	var s summary
	require.NoError(t, json.Unmarshal([]byte(out), &s), out)
	return s
}

// TestBulkEndToEnd generates 200 hospitals, onboards them with 8 workers
// into a SQLite file, checks every row against what the generator meant
// it to be, then runs again and checks that everything is skipped and no
// participant was registered twice.
func TestBulkEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "hospitals.csv")
	const rows, seed = 200, "17"

	out, _, err := runCmd(t, "-generate", "200", "-seed", seed, "-o", list)
	require.NoError(t, err)
	assert.Contains(t, out, "wrote 200 hospitals to "+list)

	out, _, err = runCmd(t, "-workers", "8", "-json", list)
	require.NoError(t, err)
	first := decode(t, out)
	assert.Equal(t, rows, first.Rows)
	assert.Equal(t, rows, first.Submitted)
	assert.Zero(t, first.Skipped+first.Failed+first.NotReached)
	assert.Equal(t, rows, first.Ready+first.WaitingOTP+first.WaitingApproval+first.WaitingReview+first.Rejected+first.Other,
		"every row lands in one bucket")
	assert.Nil(t, first.Load, "no load figure without -latency")

	// What the generator meant, row by row: the same seed gives the same list.
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: rows, Seed: 17})
	require.NoError(t, err)
	want := map[string]int{}
	wantRejections := map[string]int{}
	refused := 0
	for _, g := range gen {
		o, req := g.Kind.Expect()
		want[o]++
		if req != "" {
			wantRejections[string(req)]++
		}
		if g.Kind.Refused() {
			refused++
		}
	}
	require.Positive(t, refused, "the list has rows refused on their face")
	assert.Equal(t, refused, first.Refused)
	assert.Equal(t, want[bulk.OutcomeReady], first.Ready)
	assert.Equal(t, want[bulk.OutcomeOTP], first.WaitingOTP)
	assert.Equal(t, want[bulk.OutcomeApproval], first.WaitingApproval)
	assert.Equal(t, want[bulk.OutcomeReview], first.WaitingReview)
	assert.Equal(t, want[bulk.OutcomeRejected], first.Rejected)
	gotRejections := map[string]int{}
	for _, g := range first.Rejections {
		gotRejections[g.Requirement] = g.Rows
		assert.NotEmpty(t, g.Examples)
	}
	assert.Equal(t, wantRejections, gotRejections, "rejected with the reasons the generator planted")

	// Row by row, in the registry file the run left.
	store, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "hospitals.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc, err := onboarding.New(store, onboarding.WithInstanceCode(bulk.InstanceCode), onboarding.WithOTPKey(make([]byte, 32)),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	for _, g := range gen {
		stored, err := store.ApplicationByKey(context.Background(), g.Key)
		if g.Kind.Refused() {
			assert.ErrorIs(t, err, registry.ErrNotFound, "line %d (%s): a refused row leaves no record", g.Line, g.Kind)
			continue
		}
		require.NoError(t, err, g.Key)
		a, err := svc.Application(context.Background(), stored.ID)
		require.NoError(t, err)
		o, req := g.Kind.Expect()
		assert.Equal(t, o, bulk.Outcome(a), "line %d (%s): reasons %q", g.Line, g.Kind, a.Reasons)
		if req != "" {
			var ids []verifier.RequirementID
			for _, d := range bulk.Decisive(a) {
				ids = append(ids, d.ID)
			}
			assert.Equal(t, []verifier.RequirementID{req}, ids, "line %d (%s)", g.Line, g.Kind)
		}
	}
	before := participants(t, store)
	assert.Equal(t, rows-first.Rejected, len(before), "a participant for every hospital not rejected")

	// Again: every stored row is skipped, the refused rows — nothing was
	// stored for them — are submitted again and refused again, nothing is
	// registered twice, and the summary is the same.
	out, _, err = runCmd(t, "-workers", "8", "-json", list)
	require.NoError(t, err)
	second := decode(t, out)
	assert.Equal(t, rows-refused, second.Skipped)
	assert.Equal(t, refused, second.Submitted)
	assert.Equal(t, refused, second.Refused)
	assert.Equal(t, []int{first.Ready, first.WaitingOTP, first.WaitingApproval, first.WaitingReview, first.Rejected},
		[]int{second.Ready, second.WaitingOTP, second.WaitingApproval, second.WaitingReview, second.Rejected})
	assert.Equal(t, first.Rejections, second.Rejections)
	assert.Empty(t, second.Messages, "a re-run sends nothing")
	assert.Equal(t, before, participants(t, store), "no participant added or duplicated")
}

// participants returns how often each participant code is stored.
func participants(t *testing.T, store registry.Participants) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for offset := 0; ; offset += registry.MaxLimit {
		ps, err := store.SearchParticipants(context.Background(), registry.Query{Limit: registry.MaxLimit, Offset: offset})
		require.NoError(t, err)
		for _, p := range ps {
			seen[p.ParticipantCode]++
			assert.Equal(t, 1, seen[p.ParticipantCode], "participant %s stored twice", p.ParticipantCode)
		}
		if len(ps) < registry.MaxLimit {
			return seen
		}
	}
}

func TestBulkTableAndLoadFigure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "h.csv")
	_, _, err := runCmd(t, "-generate", "120", "-o", list)
	require.NoError(t, err)

	out, stderr, err := runCmd(t, "-workers", "4", "-memory", "-latency", "1ms", list)
	require.NoError(t, err)
	assert.Empty(t, stderr, "no progress bar when stderr is not a terminal")
	for _, want := range []string{
		"registry memory, 4 workers",
		"ready (verified, nothing waiting)",
		"waiting on OTP",
		"waiting on approval",
		"waiting on review/retry",
		"rejections by requirement",
		"  refused, nothing stored",
		"fix them in the list and run again",
		"load: 120 hospitals, 4 workers, 1ms injected per registry call",
		"ideal ",
		"ratio ",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "…", "advice is shown whole")
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), 100, "wrapped: %q", l)
	}
	_, err = os.Stat(filepath.Join(dir, "h.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "-memory writes no registry file")
	_, err = os.Stat(filepath.Join(dir, "h.db.rows"))
	assert.ErrorIs(t, err, os.ErrNotExist, "-memory writes no row state")

	out, _, err = runCmd(t, "-workers", "4", "-memory", "-latency", "1ms", "-json", list)
	require.NoError(t, err)
	s := decode(t, out)
	require.NotNil(t, s.Load)
	assert.Positive(t, s.Load.CallsTotal)
	assert.Positive(t, s.Load.IdealSeconds)
	assert.Positive(t, s.Load.Ratio)
}

// TestBulkSyncModesShareTheFile onboards with -sync normal into a chosen
// -db file and resumes with the default, durable mode.
func TestBulkSyncModesShareTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list, db := filepath.Join(dir, "h.csv"), filepath.Join(dir, "registry", "r.db")
	require.NoError(t, os.Mkdir(filepath.Dir(db), 0o755))
	_, _, err := runCmd(t, "-generate", "60", "-o", list)
	require.NoError(t, err)

	out, _, err := runCmd(t, "-sync", "normal", "-db", db, "-json", list)
	require.NoError(t, err)
	first := decode(t, out)
	assert.Equal(t, 60, first.Submitted)

	out, _, err = runCmd(t, "-db", db, "-json", list)
	require.NoError(t, err)
	second := decode(t, out)
	assert.Equal(t, 60-first.Refused, second.Skipped)
	assert.Equal(t, first.Refused, second.Submitted, "refused rows are submitted again")
	assert.Equal(t, first.Rejected, second.Rejected)
	_, err = os.Stat(filepath.Join(dir, "h.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "-db replaces the default file")
}

// TestBulkRetriesCorrectedRows corrects two rejected rows in the list —
// one whose rejection the registry holds, one refused on its face — and
// runs again: both are submitted again and the summary shows where they
// stand now; the rows left as they were are skipped as before.
func TestBulkRetriesCorrectedRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "h.csv")
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: 120, Seed: 11})
	require.NoError(t, err)
	rows := make([]bulk.Row, len(gen))
	kinds := make([]bulk.Kind, len(gen))
	refused := 0
	for i, g := range gen {
		rows[i], kinds[i] = g.Row, g.Kind
		if g.Kind.Refused() {
			refused++
		}
	}
	write := func() {
		t.Helper()
		var b bytes.Buffer
		require.NoError(t, bulk.WriteRows(&b, rows))
		require.NoError(t, os.WriteFile(list, b.Bytes(), 0o644))
	}
	write()

	out, _, err := runCmd(t, "-workers", "4", "-json", list)
	require.NoError(t, err)
	first := decode(t, out)
	assert.Equal(t, refused, first.Refused)
	assert.Zero(t, first.Resubmitted)
	_, err = os.Stat(filepath.Join(dir, "h.db.rows"))
	require.NoError(t, err, "the row state is kept beside the registry")

	// The operator corrects the rows: the HFR id to one HFR holds (in the
	// demo, demo_registry no longer says HFR lacks it) and the GSTIN.
	unknown, gstin := slices.Index(kinds, bulk.KindHFRUnknown), slices.Index(kinds, bulk.KindBadGSTIN)
	require.True(t, unknown >= 0 && gstin >= 0)
	rows[unknown].DemoRegistry = ""
	c, err := verifier.GSTINCheckChar(rows[gstin].GSTIN[:14])
	require.NoError(t, err)
	rows[gstin].GSTIN = rows[gstin].GSTIN[:14] + string(c)
	write()

	out, _, err = runCmd(t, "-workers", "4", list)
	require.NoError(t, err)
	newKey := bulk.ResubmissionKey(rows[unknown].Key, rows[unknown].Digest())
	for _, want := range []string{
		fmt.Sprintf("submitted by this run                %5d\n", refused+1),
		"  resubmitted, changed in the list       2\n",
		fmt.Sprintf("skipped (submitted before)           %5d\n", len(rows)-refused-1),
		"resubmitted rows (2), changed in the list since their last submission:",
		"rejected rows the registry holds",
	} {
		assert.Contains(t, out, want)
	}
	flat := strings.Join(strings.Fields(out), " ") // the lines are wrapped
	assert.Contains(t, flat, fmt.Sprintf("line %d %s %s: now waiting on OTP, as application %s ", rows[unknown].Line, rows[unknown].Key, rows[unknown].HospitalName, newKey))
	assert.Contains(t, flat, fmt.Sprintf("line %d %s %s: now ready ", rows[gstin].Line, rows[gstin].Key, rows[gstin].HospitalName))
	assert.NotContains(t, out, "…")

	// Once more, nothing changed: the resubmissions are skipped, under
	// their new keys; the rows refused are submitted again as ever.
	out, _, err = runCmd(t, "-workers", "4", "-json", list)
	require.NoError(t, err)
	third := decode(t, out)
	assert.Zero(t, third.Resubmitted)
	assert.Equal(t, refused-1, third.Submitted)
	assert.Equal(t, len(rows)-refused+1, third.Skipped)
	assert.Equal(t, first.Rejected-2, third.Rejected)
	assert.Equal(t, first.WaitingOTP+1, third.WaitingOTP)
	assert.Equal(t, first.Ready+1, third.Ready)
	assert.Empty(t, third.Messages, "nothing new was sent")

	// A registry started afresh starts the row state afresh: every row is
	// submitted under its own key.
	require.NoError(t, os.Remove(filepath.Join(dir, "h.db")))
	out, _, err = runCmd(t, "-workers", "4", "-json", list)
	require.NoError(t, err)
	fresh := decode(t, out)
	assert.Equal(t, len(rows), fresh.Submitted)
	assert.Zero(t, fresh.Resubmitted)
	assert.Equal(t, third.Rejected, fresh.Rejected)
	state, err := os.ReadFile(filepath.Join(dir, "h.db.rows"))
	require.NoError(t, err)
	assert.Equal(t, len(rows), strings.Count(string(state), "\n"), "a record per row, none left from before")
	assert.NotContains(t, string(state), newKey)
}

func TestBulkRejectsBadLists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"missing column", "key,hfr_id\nk1,IN2910000123\n", []string{"bad.csv: bad CSV: line 1", `no "hospital_name" column`}},
		{"bad header", "key,hospital_name,hospital_pin\nk1,A,560001\n", []string{"line 1, column 3", `unknown column "hospital_pin"`}},
		{"short row", "key,hospital_name,pincode\nk1,A,560001\nk2,B\n", []string{"line 3", "wrong number of fields"}},
		{"repeated key", "key,hospital_name\nk1,A\nk1,B\n", []string{"line 3, column 1 (key)", "already used on line 2"}},
		{"no hospitals", "key,hospital_name\n", []string{"no hospitals"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, string(rune('a'+i)))
			require.NoError(t, os.Mkdir(sub, 0o755))
			path := filepath.Join(sub, "bad.csv")
			require.NoError(t, os.WriteFile(path, []byte(tt.csv), 0o644))
			_, _, err := runCmd(t, path)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			_, statErr := os.Stat(filepath.Join(sub, "bad.db"))
			assert.ErrorIs(t, statErr, os.ErrNotExist, "a bad list touches no registry")
		})
	}
	_, _, err := runCmd(t, filepath.Join(dir, "nonexistent.csv"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorIs(t, err, errUsage, "a list that is not there is a command line that cannot work: exit status 2")
	assert.Contains(t, err.Error(), "-generate N -o ")
}

func TestBulkUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nothing to do", nil, "give one CSV list"},
		{"two lists", []string{"a.csv", "b.csv"}, "give one CSV list"},
		{"generate without -o", []string{"-generate", "10"}, "-generate needs -o FILE"},
		{"generate and onboard", []string{"-generate", "10", "-o", "x.csv", "y.csv"}, "second run"},
		{"negative rows", []string{"-generate", "-5", "-o", "x.csv"}, "outside 1.."},
		{"no workers", []string{"-workers", "0", "a.csv"}, "-workers 0"},
		{"too many workers", []string{"-workers", "5000", "a.csv"}, "-workers 5000"},
		{"negative latency", []string{"-latency", "-1ms", "a.csv"}, "negative"},
		{"memory and db", []string{"-memory", "-db", "x.db", "a.csv"}, "exclude each other"},
		{"list named like its registry", []string{"hospitals.db"}, "would overwrite the list"},
		{"registry on the list", []string{"-db", "./h.csv", "h.csv"}, "would overwrite the list"},
		{"row state on the list", []string{"-db", "h.db", "h.db.rows"}, "row state would overwrite the list"},
		{"unknown sync mode", []string{"-sync", "fast", "a.csv"}, `-sync "fast" is neither "full" nor "normal"`},
		{"unknown flag", []string{"-fast", "a.csv"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCmd(t, tt.args...)
			require.ErrorIs(t, err, errUsage)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, stderr, err := runCmd(t, "-h")
	require.NoError(t, err, "-h is not an error")
	assert.Contains(t, stderr, "usage: bulk")
}

func TestGenerateToStdout(t *testing.T) {
	t.Parallel()
	out, stderr, err := runCmd(t, "-generate", "5", "-seed", "3", "-o", "-")
	require.NoError(t, err)
	rows, err := bulk.ReadRows(strings.NewReader(out))
	require.NoError(t, err)
	assert.Len(t, rows, 5)
	assert.Contains(t, stderr, "wrote 5 hospitals to -")
}

// The generator's report counts in the right number and names the rare
// kinds only when there are some: "wrote 1 hospital", never "1 hospitals"
// or an empty "()".
func TestGenerateReportCountsInWords(t *testing.T) {
	t.Parallel()
	_, stderr, err := runCmd(t, "-generate", "1", "-seed", "3", "-o", "-")
	require.NoError(t, err)
	assert.Contains(t, stderr, "wrote 1 hospital to -")
	assert.NotContains(t, stderr, "1 hospitals")
	assert.NotContains(t, stderr, "()")
}

// A run stopped before it reached a row says so in the right number.
func TestInterruptedRunCountsRowsInWords(t *testing.T) {
	t.Parallel()
	list, _, err := runCmd(t, "-generate", "1", "-seed", "3", "-o", "-")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "one.csv")
	require.NoError(t, os.WriteFile(path, []byte(list), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, []string{"-memory", "-quiet", path}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1 row not reached")
}
