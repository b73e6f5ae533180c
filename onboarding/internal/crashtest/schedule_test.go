package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

const day = 24 * time.Hour

// liveParticipants is how many participants the scheduler tests take
// live before their certificates near expiry.
const liveParticipants = 45

// noticeWindow is the test's window for the notices of one step of the
// clock to arrive: a bound on waiting, not a measure of speed.
const noticeWindow = 20 * time.Second

func TestTwoSchedulersSendEachNoticeOncePostgres(t *testing.T) {
	t.Parallel()
	testTwoSchedulers(t, "postgres", true)
}

// Without the lease both processes run every pass: each notice is still
// sent once, because it is recorded in the versioned write that sends it.
func TestTwoUnleasedPassesSendEachNoticeOncePostgres(t *testing.T) {
	t.Parallel()
	testTwoSchedulers(t, "postgres", false)
}

func TestTwoSchedulersSendEachNoticeOnceSQLite(t *testing.T) {
	t.Parallel()
	testTwoSchedulers(t, "sqlite", true)
}

func TestTwoUnleasedPassesSendEachNoticeOnceSQLite(t *testing.T) {
	t.Parallel()
	testTwoSchedulers(t, "sqlite", false)
}

// scheduleStep is one setting of the children's clock and the notices
// each live participant gets at it.
type scheduleStep struct {
	name string
	at   time.Time
	// notices are the notice keys (noticeKey) of one participant.
	notices func(appID, email string) []string
}

// testTwoSchedulers takes liveParticipants participants live, then runs
// two operator processes on the database at once, each with its own
// store handle and engine: each runs the scheduled work (RunScheduler
// with the lease when leased, else RunDue over and over with none) and
// RunOutbox, delivering through the signed webhook Sender to one
// receiver. The children's clocks are moved, in steps, to where the
// certificates' 30-, 15- and 5-day notices and the notice at expiry fall
// due: without the lease both at once, so that both race for every
// application; with it one after the other, so that the lease changes
// hands. At each step every participant's notice must arrive within the
// window, each to each recipient once, and nothing else; a pass by each
// child afterwards must change nothing; and at the end every message
// the passes wrote must have been received exactly once, and the passes
// must have changed each application once per step.
func testTwoSchedulers(t *testing.T, dialect string, leased bool) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	if dialect == "postgres" {
		sqlstoretest.PostgresDSN(t) // skips, or fails where services are required
	}
	ctx := context.Background()
	rcv := newReceiver(t, mrand.New(mrand.NewPCG(3, 4)))
	w, path := newWorld(t, dialect, rcv)
	s, err := w.open(ctx)
	require.NoError(t, err)
	defer s.Close()

	live, expiry := goLiveMany(t, w, s, liveParticipants)
	rows, err := outbox(ctx, s)
	require.NoError(t, err)
	onboardingMessages := map[string]bool{}
	for _, m := range rows {
		require.Equal(t, registry.OutboxSent, m.State, "onboarding message %s (%s)", m.ID, m.Kind)
		onboardingMessages[m.ID] = true
	}

	lease := "0"
	if leased {
		lease = "1"
	}
	children := map[string]*child{}
	for _, label := range []string{"A", "B"} {
		children[label] = startChild(t, modeSchedule, path, envLabel+"="+label, envLease+"="+lease)
	}
	for label, c := range children {
		line, ok := <-c.lines
		require.True(t, ok && line == readyLine, "scheduler %s did not start: %q\n%s", label, line, c.stderr.String())
	}
	// setClock moves a child's clock to at.
	setClock := func(label string, at time.Time) {
		t.Helper()
		c := children[label]
		ms := strconv.FormatInt(at.UnixMilli(), 10)
		_, err := fmt.Fprintln(c.stdin, "at "+ms)
		require.NoError(t, err, "scheduler %s: %s", label, c.stderr.String())
		line, ok := <-c.lines
		require.True(t, ok && line == atPrefix+ms, "scheduler %s answered %q to at %s\n%s", label, line, ms, c.stderr.String())
	}
	// check has a child run a pass, which must change nothing, and
	// returns how many applications its scheduled passes changed so far.
	check := func(label, step string) int {
		t.Helper()
		c := children[label]
		_, err := fmt.Fprintln(c.stdin, "check")
		require.NoError(t, err, "scheduler %s: %s", label, c.stderr.String())
		line, ok := <-c.lines
		require.True(t, ok && strings.HasPrefix(line, checkedPrefix), "scheduler %s answered %q to check\n%s", label, line, c.stderr.String())
		var n, changed int
		_, err = fmt.Sscanf(line, checkedPrefix+"%d %d", &n, &changed)
		require.NoError(t, err, "scheduler %s: line %q", label, line)
		require.Zero(t, n, "step %q: scheduler %s's pass after all notices arrived changed applications", step, label)
		return changed
	}

	expiring := func(daysLeft int) func(string, string) []string {
		return func(appID, email string) []string {
			return []string{noticeKey(appID, onboarding.MessageCertificateExpiring, email, fmt.Sprintf("in %d days", daysLeft))}
		}
	}
	steps := []scheduleStep{
		{"30 days ahead", expiry.Add(-25 * day), func(appID, email string) []string {
			// The production secret (90 days) expired long before: of its
			// notices only the one at expiry goes out.
			return append(expiring(25)(appID, email), noticeKey(appID, onboarding.MessageSecretExpiring, email, "at expiry"))
		}},
		{"15 days ahead", expiry.Add(-10 * day), expiring(10)},
		{"5 days ahead", expiry.Add(-3 * day), expiring(3)},
		{"at expiry", expiry.Add(day), func(appID, email string) []string {
			return []string{noticeKey(appID, onboarding.MessageCertificateExpired, email, "at expiry"),
				noticeKey(appID, onboarding.MessageCertificateExpired, onboarding.Staff, "at expiry")}
		}},
	}

	want := map[string]int{}
	changedSoFar := map[string]int{}
	raced := 0 // steps at which both replicas changed applications
	for k, step := range steps {
		for appID, email := range live {
			for _, key := range step.notices(appID, email) {
				want[key] = 1
			}
		}
		order := []string{"A", "B"}
		if k%2 == 1 {
			slices.Reverse(order)
		}
		before, _, _ := rcv.snapshot()
		if leased {
			// One replica's clock moves first, in turns, and all the step's
			// notices arrive before the other's follows: the replica that
			// moved first sees the other's lease expire and takes it over
			// (at the second step and after, it holds none), while the
			// other's passes, still before the step, find nothing due and
			// its dispatcher finds the step's messages not due yet. So the
			// replica that moved first writes and sends every notice.
			setClock(order[0], step.at)
			awaitNotices(t, s, rcv, onboardingMessages, want, step.name)
			after, _, _ := rcv.snapshot()
			for id, d := range after {
				if _, old := before[id]; !old {
					require.Equal(t, map[string]int{order[0]: 1}, d.by, "step %q: message %s (%s of %s), with the lease taken over by %s",
						step.name, id, d.kind, d.appID, order[0])
				}
			}
			setClock(order[1], step.at)
		} else {
			// Both clocks move at once: both replicas' passes find every
			// application due and race to change each.
			for _, label := range order {
				setClock(label, step.at)
			}
			awaitNotices(t, s, rcv, onboardingMessages, want, step.name)
		}
		// A pass by each replica now finds nothing to do. Without the
		// lease, the counts of the passes are exact here: each
		// application was changed once, by one replica or the other.
		stepChanged := map[string]int{}
		for _, label := range order {
			n := check(label, step.name)
			stepChanged[label] = n - changedSoFar[label]
			changedSoFar[label] = n
		}
		if !leased {
			require.Equal(t, len(live), stepChanged["A"]+stepChanged["B"], "step %q: applications changed by A %d, by B %d",
				step.name, stepChanged["A"], stepChanged["B"])
			if stepChanged["A"] > 0 && stepChanged["B"] > 0 {
				raced++
			}
		}
		got, unknown := noticesReceived(rcv, onboardingMessages)
		require.Empty(t, unknown, "step %q: messages received that are no notice of this test", step.name)
		missing, extra := compareNotices(got, want)
		require.Empty(t, missing, "step %q: notices missing", step.name)
		require.Empty(t, extra, "step %q: notices received more than once, or not due", step.name)
	}

	// The end: each child stops its scheduled work, drains and exits.
	changed := map[string]int{}
	for label, c := range children {
		require.NoError(t, c.stdin.Close())
		var lines []string
		for line := range c.lines {
			lines = append(lines, line)
		}
		require.NoError(t, c.cmd.Wait(), "scheduler %s: %s", label, c.stderr.String())
		require.Len(t, lines, 1, "scheduler %s: %q\n%s", label, lines, c.stderr.String())
		var n, problems int
		_, err := fmt.Sscanf(lines[0], doneLine+" %d %d", &n, &problems)
		require.NoError(t, err, "scheduler %s: line %q", label, lines[0])
		require.Zero(t, problems, "scheduler %s logged warnings or errors:\n%s", label, c.stderr.String())
		changed[label] = n
	}

	// Every message the passes wrote was sent, and received once; nothing
	// else was received.
	delivered, invalid, _ := rcv.snapshot()
	require.Empty(t, invalid, "the receiver refused deliveries")
	rows, err = outbox(ctx, s)
	require.NoError(t, err)
	written := 0
	for _, m := range rows {
		if onboardingMessages[m.ID] {
			continue
		}
		written++
		require.Equal(t, registry.OutboxSent, m.State, "message %s (%s)", m.ID, m.Kind)
		d, ok := delivered[m.ID]
		require.True(t, ok, "message %s (%s) was never received", m.ID, m.Kind)
		require.Equal(t, 1, d.count, "message %s (%s) received %d times: %v", m.ID, m.Kind, d.count, d.by)
	}
	require.Len(t, delivered, written, "messages received that no pass wrote")
	got, unknown := noticesReceived(rcv, onboardingMessages)
	require.Empty(t, unknown)
	missing, extra := compareNotices(got, want)
	require.Empty(t, missing, "notices missing at the end")
	require.Empty(t, extra, "notices received more than once at the end")
	require.Equal(t, len(steps)*len(live), changed["A"]+changed["B"], "the passes changed each application once per step (A %d, B %d)", changed["A"], changed["B"])
	if !leased {
		require.Positive(t, raced, "at no step did both replicas change applications: the passes did not run at once")
	}

	svc, err := w.service(s, onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil }))
	require.NoError(t, err)
	for appID := range live {
		require.NoError(t, svc.VerifyChain(ctx, appID))
		events, err := svc.Events(ctx, appID)
		require.NoError(t, err)
		sent := 0
		for _, e := range events {
			if e.Action == onboarding.ActionNoticeSent {
				sent++
			}
		}
		require.Equal(t, 5, sent, "application %s: one notice_sent event per certificate notice and one for the secret", appID)
	}
	by := map[string]int{}
	for _, d := range delivered {
		for label, n := range d.by {
			by[label] += n
		}
	}
	mode := "RunScheduler with the lease, which changed hands at each step after the first"
	if !leased {
		mode = fmt.Sprintf("RunDue in a loop, no lease, both changing applications at %d steps of %d", raced, len(steps))
	}
	t.Logf("%s, %s: %d participants; %d notices, each received once (%d sent by A, %d by B); applications changed by A %d, by B %d",
		dialect, mode, len(live), len(want), by["A"], by["B"], changed["A"], changed["B"])
}

// awaitNotices waits, within noticeWindow, until every wanted notice was
// received and nothing is pending in s's outbox.
func awaitNotices(t *testing.T, s *sqlstore.Store, rcv *receiver, skip map[string]bool, want map[string]int, step string) {
	t.Helper()
	deadline := time.Now().Add(noticeWindow)
	for {
		got, _ := noticesReceived(rcv, skip)
		depth, err := s.OutboxDepth(context.Background())
		require.NoError(t, err)
		if covers(got, want) && depth[registry.OutboxPending] == 0 {
			return
		}
		if time.Now().After(deadline) {
			missing, extra := compareNotices(got, want)
			require.Failf(t, "notices missing", "step %q: %d of %d notices did not arrive within %v (%d messages pending), e.g. %v; not wanted: %v",
				step, len(missing), len(want), noticeWindow, depth[registry.OutboxPending], head(missing), head(extra))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noticeKey names one notice: the application, the message kind, the
// recipient, and which notice of its kind it is ("in N days" for one
// ahead of a certificate's expiry, "at expiry").
func noticeKey(appID, kind, to, which string) string {
	return appID + " " + kind + " " + to + " " + which
}

// daysLeft reads how far ahead a certificate notice was sent from its
// body.
var daysLeft = regexp.MustCompile(`\((in \d+ days?)\)`)

// noticesReceived counts the notices received by noticeKey, each distinct
// message once, redeliveries of one message included in its count; and
// lists the deliveries that are no notice (other than the onboarding
// messages, which the receiver never got).
func noticesReceived(rcv *receiver, skip map[string]bool) (map[string]int, []string) {
	delivered, _, _ := rcv.snapshot()
	got := map[string]int{}
	var unknown []string
	for id, d := range delivered {
		if skip[id] {
			continue
		}
		which := ""
		switch d.kind {
		case onboarding.MessageCertificateExpiring:
			if m := daysLeft.FindStringSubmatch(d.body); m != nil {
				which = m[1]
			}
		case onboarding.MessageCertificateExpired:
			which = "at expiry"
		case onboarding.MessageSecretExpiring:
			which = "ahead"
			if strings.Contains(d.subject, "has expired") {
				which = "at expiry"
			}
		}
		if which == "" {
			unknown = append(unknown, fmt.Sprintf("%s: %s of %s to %s", id, d.kind, d.appID, d.to))
			continue
		}
		got[noticeKey(d.appID, d.kind, d.to, which)] += d.count
	}
	return got, unknown
}

// covers reports whether every wanted notice was received.
func covers(got, want map[string]int) bool {
	for k := range want {
		if got[k] == 0 {
			return false
		}
	}
	return true
}

// compareNotices lists the wanted notices not received, and those
// received more often than wanted (not wanted at all, or twice).
func compareNotices(got, want map[string]int) (missing, extra []string) {
	for k, n := range want {
		if got[k] < n {
			missing = append(missing, k)
		}
	}
	for k, n := range got {
		if n > want[k] {
			extra = append(extra, fmt.Sprintf("%s ×%d", k, n))
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}

// head is the first few of list, for messages.
func head(list []string) []string {
	return list[:min(len(list), 5)]
}

// goLiveMany takes n applications of every kind live, from a few
// goroutines, with an engine on s at the real time whose messages go
// nowhere but to a record of one-time codes. It returns each live
// application's primary e-mail by id, and the expiry of their encryption
// certificate (one certificate for all).
func goLiveMany(t *testing.T, w *world, s *sqlstore.Store, n int) (map[string]string, time.Time) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	codes := map[string]string{}
	local := onboarding.NotifierFunc(func(_ context.Context, m onboarding.Message) error {
		if m.Kind == onboarding.MessageOTP {
			mu.Lock()
			codes[m.ApplicationID] = m.Code
			mu.Unlock()
		}
		return nil
	})
	code := func(id string) string {
		mu.Lock()
		defer mu.Unlock()
		return codes[id]
	}
	svc, err := w.service(s, local)
	require.NoError(t, err)

	const goroutines = 3
	lives := make([][]*onboarding.Application, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := g; i < n && errs[g] == nil; i += goroutines {
				appID := fmt.Sprintf("live-%03d", i)
				a, err := goLive(ctx, w, svc, code, w.application(appID, i%kinds, i))
				if err != nil {
					errs[g] = fmt.Errorf("%s: %w", appID, err)
					continue
				}
				lives[g] = append(lives[g], a)
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	live := map[string]string{}
	var expiry int64
	for _, a := range slices.Concat(lives...) {
		require.Equal(t, hcxonboard.StatusActive, a.Status, "application %s", a.ID)
		require.NotNil(t, a.Participant)
		require.NotEmpty(t, a.Participant.PrimaryEmail)
		require.Positive(t, a.Participant.EncryptionCertExpiry)
		if expiry == 0 {
			expiry = a.Participant.EncryptionCertExpiry
		}
		require.Equal(t, expiry, a.Participant.EncryptionCertExpiry, "one certificate for all")
		require.Zero(t, a.Participant.SigningCertExpiry, "no signing certificate: one certificate's notices each")
		live[a.ID] = a.Participant.PrimaryEmail
	}
	require.Len(t, live, n)
	return live, time.UnixMilli(expiry).UTC()
}

// goLive takes one application from Submit to go-live.
func goLive(ctx context.Context, w *world, svc *onboarding.Service, code func(string) string, app *hcxonboard.Application) (*onboarding.Application, error) {
	a, err := svc.Submit(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	if len(a.Reasons) > 0 {
		return nil, fmt.Errorf("submit: rejected: %v", a.Reasons)
	}
	for a.Stage == registry.StageVerifying {
		open := a.OpenTasks()
		if len(open) != 1 {
			return nil, fmt.Errorf("tasks %+v, want one", open)
		}
		switch task := open[0]; task.Kind {
		case onboarding.KindOTP:
			// Another goroutine's write may have claimed the message and
			// be sending it still.
			c := code(a.ID)
			for wait := 0; c == "" && wait < 500; wait++ {
				time.Sleep(10 * time.Millisecond)
				c = code(a.ID)
			}
			if c == "" {
				return nil, errors.New("no one-time code was sent")
			}
			a, err = svc.ConfirmOTP(ctx, a.ID, task.ID, c)
		case onboarding.KindApproval, onboarding.KindReview:
			a, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "officer-7", Reason: "confirmed"})
		default:
			return nil, fmt.Errorf("unexpected task %s", task.Kind)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", open[0].Kind, err)
		}
	}
	if _, err := svc.SubmitDetails(ctx, a.ID, w.details("hcx."+app.ApplicationID+".example")); err != nil {
		return nil, fmt.Errorf("details: %w", err)
	}
	if _, err := svc.Provision(ctx, a.ID); err != nil {
		return nil, fmt.Errorf("provision: %w", err)
	}
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ops-lead"})
	if err != nil {
		return nil, fmt.Errorf("go-live: %w", err)
	}
	return a, nil
}
