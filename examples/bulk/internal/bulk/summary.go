package bulk

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard/internal/textclip"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// DefaultExamples is how many rows the summary lists per rejection reason.
const DefaultExamples = 3

// Summary is the outcome of a bulk run over the whole list: the rows
// submitted by this run and those an earlier run had submitted alike.
type Summary struct {
	Rows        int `json:"rows"`
	Submitted   int `json:"submitted"`   // submitted by this run
	Refused     int `json:"refused"`     // of those, refused on their face (see Result.Refused): rejected, but nothing stored, so a re-run submits them again
	Resubmitted int `json:"resubmitted"` // of those, submitted again because the row changed in the list since its last submission (see Result.Resubmitted)
	Skipped     int `json:"skipped"`     // submitted by an earlier run
	// Of those skipped, the rows that changed in the list since their
	// application was submitted, but whose application is not rejected,
	// so that the change does not reach it (see Result.Changed).
	ChangedNotResubmitted int `json:"changed_not_resubmitted"`
	Failed                int `json:"failed"`      // the engine or store returned an error
	NotReached            int `json:"not_reached"` // the run was interrupted first

	// Where the applications stand.
	Ready           int `json:"ready"`                   // verified, nothing waiting: on to step 3
	WaitingOTP      int `json:"waiting_otp"`             // a one-time code to confirm
	WaitingApproval int `json:"waiting_approval"`        // the empanelling scheme's approval
	WaitingReview   int `json:"waiting_review_or_retry"` // staff review, or a registry to ask again (an outage, or a facility HFR has not verified yet)
	Rejected        int `json:"rejected"`
	Other           int `json:"other"` // withdrawn

	// Rejections groups rejected rows by the requirement that decided.
	Rejections []Group `json:"rejections"`
	// Failures lists the first rows that failed (ten, or the number of
	// examples asked for if that is more).
	Failures []Example `json:"failures"`
	// Resubmissions lists the first rows resubmitted, and Changed the
	// first rows changed but not resubmitted (as many as Failures), for
	// the table; the JSON has only their counts.
	Resubmissions []Example `json:"-"`
	Changed       []Example `json:"-"`
	// Messages counts what the engine sent, by message kind.
	Messages map[string]int `json:"messages"`
	// Load is the timing of the run against its fake registries (when a
	// latency was injected).
	Load *Load `json:"load,omitempty"`
}

// Group is the rejected rows that one requirement decided.
type Group struct {
	Requirement verifier.RequirementID `json:"requirement"`
	Outcome     verifier.Outcome       `json:"outcome"` // invalid or missing
	Rows        int                    `json:"rows"`
	Examples    []Example              `json:"examples"` // the first rows
}

// Example is one row, with what was said of it.
type Example struct {
	Line    int    `json:"line"`
	Key     string `json:"key"`
	Name    string `json:"hospital_name"`
	Message string `json:"message"`
}

// Outcome names the bucket an application falls in: OutcomeReady once
// step 2 is complete, OutcomeReview, OutcomeApproval or OutcomeOTP by the
// open task waiting on the most (review and retry before approval before
// OTP), OutcomeRejected, or OutcomeOther.
func Outcome(app *onboarding.Application) string {
	switch app.Stage {
	case registry.StageDetails, registry.StageCredentials, registry.StageLive:
		return OutcomeReady
	case registry.StageRejected:
		return OutcomeRejected
	case registry.StageVerifying:
		rank := map[string]int{onboarding.KindReview: 3, onboarding.KindRetry: 3, onboarding.KindAwait: 3, onboarding.KindApproval: 2, onboarding.KindOTP: 1}
		best := ""
		for _, t := range app.OpenTasks() {
			if rank[t.Kind] > rank[best] {
				best = t.Kind
			}
		}
		switch best {
		case onboarding.KindReview, onboarding.KindRetry, onboarding.KindAwait:
			return OutcomeReview
		case onboarding.KindApproval:
			return OutcomeApproval
		case onboarding.KindOTP:
			return OutcomeOTP
		}
	}
	return OutcomeOther
}

// Decisive returns the requirements that decided a rejection: those found
// invalid or, when none is, those missing — so a malformed HFR id counts
// under hfr_id, not also under the look-up it made impossible. An
// application rejected before verification (its sandbox certificate) has
// no report; its reasons name the requirement.
func Decisive(app *onboarding.Application) []verifier.Result {
	if out := decisive(app.Report); len(out) > 0 {
		return out
	}
	var out []verifier.Result
	for _, reason := range app.Reasons {
		id, msg, ok := strings.Cut(reason, ": ")
		if !ok {
			id, msg = "other", reason
		}
		out = append(out, verifier.Result{ID: verifier.RequirementID(id), Outcome: verifier.Invalid, Message: msg})
	}
	return out
}

// decisive returns the requirements a report finds invalid or, when none
// is, those it finds missing (nil for a nil report).
func decisive(rep *verifier.Report) []verifier.Result {
	if rep == nil {
		return nil
	}
	var out []verifier.Result
	for _, o := range []verifier.Outcome{verifier.Invalid, verifier.Missing} {
		for _, r := range rep.Requirements {
			if r.Outcome == o {
				out = append(out, r)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// Summarize sums up results (one per row, in row order). examples is how
// many rows each group lists.
func Summarize(rows []Row, results []Result, messages map[string]int, examples int) *Summary {
	s := &Summary{Rows: len(rows), Messages: messages, Rejections: []Group{}, Failures: []Example{}}
	if s.Messages == nil {
		s.Messages = map[string]int{}
	}
	type key struct {
		id verifier.RequirementID
		o  verifier.Outcome
	}
	groups := map[key]*Group{}
	listed := max(examples, 10)
	for i, res := range results {
		row := &rows[i]
		switch {
		case res.NotReached:
			s.NotReached++
			continue
		case res.Err != nil:
			s.Failed++
			if len(s.Failures) < listed {
				s.Failures = append(s.Failures, Example{Line: row.Line, Key: row.Key, Name: row.HospitalName, Message: oneLine(res.Err.Error())})
			}
			continue
		case res.Skipped:
			s.Skipped++
			if res.Changed && res.App != nil {
				s.ChangedNotResubmitted++
				if len(s.Changed) < listed {
					s.Changed = append(s.Changed, Example{Line: row.Line, Key: row.Key, Name: row.HospitalName,
						Message: fmt.Sprintf("its application %s is %s", res.App.Key, outcomeText(res))})
				}
			}
		default:
			s.Submitted++
			if res.Resubmitted {
				s.Resubmitted++
				if len(s.Resubmissions) < listed {
					msg := "now " + outcomeText(res)
					if res.App != nil && res.App.Key != row.Key {
						msg += ", as application " + res.App.Key
					}
					s.Resubmissions = append(s.Resubmissions, Example{Line: row.Line, Key: row.Key, Name: row.HospitalName, Message: msg})
				}
			}
		}
		if res.Refused != nil {
			s.Refused++
		}
		switch res.Outcome() {
		case OutcomeReady:
			s.Ready++
		case OutcomeOTP:
			s.WaitingOTP++
		case OutcomeApproval:
			s.WaitingApproval++
		case OutcomeReview:
			s.WaitingReview++
		case OutcomeRejected:
			s.Rejected++
			for _, r := range res.Decisive() {
				k := key{r.ID, r.Outcome}
				g := groups[k]
				if g == nil {
					g = &Group{Requirement: r.ID, Outcome: r.Outcome}
					groups[k] = g
				}
				g.Rows++
				if len(g.Examples) < examples {
					g.Examples = append(g.Examples, Example{Line: row.Line, Key: row.Key, Name: row.HospitalName, Message: oneLine(r.Message)})
				}
			}
		default:
			s.Other++
		}
	}
	for _, g := range groups {
		s.Rejections = append(s.Rejections, *g)
	}
	slices.SortFunc(s.Rejections, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.Requirement, b.Requirement), cmp.Compare(a.Outcome, b.Outcome))
	})
	return s
}

// outcomeText says where a row's application stands, as the table
// words it: for a rejection, with the requirements that decided it.
func outcomeText(res Result) string {
	switch res.Outcome() {
	case OutcomeReady:
		return "ready"
	case OutcomeOTP:
		return "waiting on OTP"
	case OutcomeApproval:
		return "waiting on approval"
	case OutcomeReview:
		return "waiting on review/retry"
	case OutcomeRejected:
		var ids []string
		for _, d := range res.Decisive() {
			if !slices.Contains(ids, string(d.ID)) {
				ids = append(ids, string(d.ID))
			}
		}
		if res.Refused != nil {
			return "refused (" + strings.Join(ids, ", ") + "), nothing stored"
		}
		return "rejected (" + strings.Join(ids, ", ") + ")"
	}
	if res.App != nil {
		return string(res.App.Stage)
	}
	return "not known"
}

// Load compares a run's wall time with the ideal: every registry call
// waiting out the injected latency, spread perfectly over the workers.
type Load struct {
	Hospitals int           // rows submitted by the run
	Workers   int           // rows in flight at once
	Latency   time.Duration // injected per registry call
	Calls     Calls         // registry calls the run made
	Wall      time.Duration // how long the run took
	Ideal     time.Duration // calls × latency ÷ workers
	Ratio     float64       // Wall ÷ Ideal (0 when no call was made)
	// CPU is the processor time the run used, the in-process fakes
	// included (0 when unknown), and Cores how many it could use at once
	// (GOMAXPROCS): CPU ÷ Cores is the least wall time the run's computing
	// alone needs, whatever the latency.
	CPU   time.Duration
	Cores int
}

// NewLoad computes the ideal and the ratio.
func NewLoad(hospitals, workers int, latency time.Duration, calls Calls, wall time.Duration) *Load {
	l := &Load{Hospitals: hospitals, Workers: workers, Latency: latency, Calls: calls, Wall: wall}
	if workers > 0 {
		l.Ideal = time.Duration(calls.Total()) * latency / time.Duration(workers)
	}
	if l.Ideal > 0 {
		l.Ratio = float64(wall) / float64(l.Ideal)
	}
	return l
}

// PerHospital is the registry calls per submitted hospital.
func (l *Load) PerHospital() float64 {
	if l.Hospitals == 0 {
		return 0
	}
	return float64(l.Calls.Total()) / float64(l.Hospitals)
}

// MarshalJSON writes times in seconds, with the latency in milliseconds.
func (l *Load) MarshalJSON() ([]byte, error) {
	round := func(x float64) float64 { return math.Round(x*1000) / 1000 }
	return json.Marshal(struct {
		Hospitals    int     `json:"hospitals"`
		Workers      int     `json:"workers"`
		LatencyMS    float64 `json:"latency_ms"`
		Calls        Calls   `json:"calls"`
		CallsTotal   int     `json:"calls_total"`
		PerHospital  float64 `json:"calls_per_hospital"`
		WallSeconds  float64 `json:"wall_seconds"`
		IdealSeconds float64 `json:"ideal_seconds"`
		Ratio        float64 `json:"ratio"`
		CPUSeconds   float64 `json:"cpu_seconds,omitempty"`
		Cores        int     `json:"cores,omitempty"`
	}{l.Hospitals, l.Workers, float64(l.Latency) / float64(time.Millisecond), l.Calls, l.Calls.Total(),
		round(l.PerHospital()), round(l.Wall.Seconds()), round(l.Ideal.Seconds()), round(l.Ratio),
		round(l.CPU.Seconds()), l.Cores})
}

// WriteJSON writes s as indented JSON.
func (s *Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteTable writes s for a person to read.
func (s *Summary) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	line := func(label string, n int) { fmt.Fprintf(ew, "%-34s %7d\n", label, n) }
	line("rows in the list", s.Rows)
	line("submitted by this run", s.Submitted)
	if s.Resubmitted > 0 {
		line("  resubmitted, changed in the list", s.Resubmitted)
	}
	if s.Refused > 0 {
		line("  refused, nothing stored", s.Refused)
	}
	line("skipped (submitted before)", s.Skipped)
	if s.ChangedNotResubmitted > 0 {
		line("  changed, not resubmitted", s.ChangedNotResubmitted)
	}
	if s.Failed > 0 {
		line("failed", s.Failed)
	}
	if s.NotReached > 0 {
		line("not reached (interrupted)", s.NotReached)
	}
	fmt.Fprintln(ew)
	line("ready (verified, nothing waiting)", s.Ready)
	line("waiting on OTP", s.WaitingOTP)
	line("waiting on approval", s.WaitingApproval)
	line("waiting on review/retry", s.WaitingReview)
	line("rejected", s.Rejected)
	if s.Other > 0 {
		line("other (withdrawn)", s.Other)
	}

	if len(s.Rejections) > 0 {
		fmt.Fprintln(ew, "\nrejections by requirement (a row may count under several):")
		for _, g := range s.Rejections {
			fmt.Fprintf(ew, "  %-22s %-8s %6d\n", g.Requirement, g.Outcome, g.Rows)
			writeExamples(ew, g.Examples)
		}
	}
	if s.Refused > 0 {
		fmt.Fprintf(ew, "\nrefused rows (%d): rejected on their face, nothing was stored;\nfix them in the list and run again (a re-run submits them again).\n", s.Refused)
	}
	if stored := s.Rejected - s.Refused; stored > 0 {
		fmt.Fprintln(ew)
		writeWrapped(ew, "", fmt.Sprintf("rejected rows the registry holds (%d): to try one again, fix it in the list and run again. "+
			"A row changed since its rejection is submitted again as a new application (its application_id is the row's key, "+
			"\"~\" and the start of the new content's digest); a row left as it is stays rejected and is skipped.", stored))
	}
	if s.Resubmitted > 0 {
		fmt.Fprintf(ew, "\nresubmitted rows (%d), changed in the list since their last submission:\n", s.Resubmitted)
		writeExamples(ew, s.Resubmissions)
	}
	if s.ChangedNotResubmitted > 0 {
		fmt.Fprintln(ew)
		writeWrapped(ew, "", fmt.Sprintf("changed rows not resubmitted (%d): their applications are not rejected, so a change "+
			"in the list does not reach them (bulk submits a row again only when it was rejected); the HCX staff can send "+
			"an application back for an amendment, or withdraw it:", s.ChangedNotResubmitted))
		writeExamples(ew, s.Changed)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(ew, "\nfailed rows (%d; a re-run tries them again):\n", s.Failed)
		writeExamples(ew, s.Failures)
	}
	if len(s.Messages) > 0 {
		var b strings.Builder
		for i, k := range slices.Sorted(maps.Keys(s.Messages)) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", k, s.Messages[k])
		}
		fmt.Fprintln(ew)
		writeWrapped(ew, "messages sent: ", b.String())
	}
	if l := s.Load; l != nil {
		fmt.Fprintf(ew, "\nload: %d hospitals, %d workers, %v injected per registry call\n", l.Hospitals, l.Workers, l.Latency)
		fmt.Fprintf(ew, "  registry calls  %d (HFR %d + %d gateway session, ROHINI %d) = %.2f per hospital\n",
			l.Calls.Total(), l.Calls.HFR, l.Calls.HFRSessions, l.Calls.Rohini, l.PerHospital())
		fmt.Fprintf(ew, "  wall time       %v\n", l.Wall.Round(time.Millisecond))
		fmt.Fprintf(ew, "  ideal           %v (calls × latency ÷ workers)\n", l.Ideal.Round(time.Millisecond))
		if l.Ratio > 0 {
			fmt.Fprintf(ew, "  ratio           %.2f× (goal ≤ 1.3×)\n", l.Ratio)
		} else {
			fmt.Fprintln(ew, "  ratio           n/a (no registry call was made)")
		}
		if l.CPU > 0 && l.Cores > 0 && l.Hospitals > 0 {
			fmt.Fprintf(ew, "  cpu             %v on %d cores, %.2f ms per hospital: computing alone needs %v\n",
				l.CPU.Round(time.Millisecond), l.Cores, float64(l.CPU)/float64(time.Millisecond)/float64(l.Hospitals),
				(l.CPU / time.Duration(l.Cores)).Round(time.Millisecond))
		}
	}
	return ew.err
}

// maxExampleName is how much of a hospital's name, in bytes, an example
// shows: enough to know the row by, with its line and key; a name of a
// thousand characters (which the engine refuses) would bury the advice.
const maxExampleName = 120

// tableWidth is the width the table's long lines are wrapped to.
const tableWidth = 100

// writeExamples writes one row per example: its line and key, then its
// hospital's name and the message, whole, wrapped under the name. The
// key, the name and the message carry text from the list to a terminal:
// its control characters (an escape sequence that clears the screen or
// retitles the window) and bidirectional overrides are written as spaces.
func writeExamples(w io.Writer, ex []Example) {
	for _, e := range ex {
		writeWrapped(w, fmt.Sprintf("      line %-6d %-12s ", e.Line, textclip.Spaced(e.Key)),
			textclip.Clip(oneLine(textclip.Spaced(e.Name)), maxExampleName)+": "+textclip.Spaced(e.Message))
	}
}

// writeWrapped writes prefix and text, wrapped at spaces so that no line
// is wider than tableWidth; the lines after the first are indented to
// where text starts (8 spaces when prefix is wider than 40 columns). A
// word too long for a line has a line of its own: nothing is cut.
func writeWrapped(w io.Writer, prefix, text string) {
	width := utf8.RuneCountInString(prefix)
	hang := width
	if hang > 40 {
		hang = 8
	}
	var b strings.Builder
	b.WriteString(prefix)
	start := true // nothing written on the line after its prefix or indent
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case start:
		case width+1+n <= tableWidth:
			b.WriteByte(' ')
			width++
		default:
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", hang))
			width = hang
		}
		b.WriteString(word)
		width += n
		start = false
	}
	b.WriteByte('\n')
	_, _ = io.WriteString(w, b.String())
}

// oneLine puts text on one line: every run of white space becomes a
// single space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// errWriter keeps the first write error, so the table code can stay
// straight.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
