package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

const day = 24 * time.Hour

// dueAt reads an application's stored due time.
func dueAt(t *testing.T, store registry.Store, id string) time.Time {
	t.Helper()
	a, err := store.Application(context.Background(), id)
	require.NoError(t, err)
	return a.DueAt
}

// Certificate notices go out at 30, 15 and 5 days and at expiry, each
// once however many replicas run the pass, and only the latest due when
// passes were missed; at expiry staff are told and see the participant.
func TestScheduledCertificateNotices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	replica := w.service(store) // a second replica on the same store
	a, _ := live(t, w, svc)
	expiry := w.cert.validNotAfter
	secretExpiry := w.clock.Now().Add(90 * day) // the default secret lifetime

	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing is due on the day it went live")
	assert.True(t, dueAt(t, store, a.ID).Equal(secretExpiry.Add(-30*day)) || dueAt(t, store, a.ID).Before(expiry.Add(-30*day)),
		"the application is due at its first notice")

	pass := func() int {
		t.Helper()
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, s := range []*onboarding.Service{svc, replica} {
			wg.Go(func() {
				n, err := s.RunDue(ctx)
				assert.NoError(t, err)
				counts[i] = n
			})
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	expiring := func() []onboarding.Message { return w.notes.of(onboarding.MessageCertificateExpiring, a.ID) }

	w.clock.Advance(expiry.Sub(w.clock.Now()) - 30*day + time.Hour)
	require.Equal(t, 1, pass(), "two replicas at once change the application once")
	require.Len(t, expiring(), 1)
	assert.Equal(t, a.Participant.PrimaryEmail, expiring()[0].To)
	assert.Contains(t, expiring()[0].Body, "PUT /v1/onboarding/applications/"+a.ID+"/details")
	require.Zero(t, pass(), "a notice is sent once")
	require.Len(t, expiring(), 1)

	// Passes missed from 15 days to 2 days before: one notice, the latest.
	w.clock.Advance(28*day - 2*time.Hour)
	require.Equal(t, 1, pass())
	require.Len(t, expiring(), 2, "the 15-day notice was skipped for the 5-day one")
	require.Zero(t, pass())

	assert.Empty(t, w.notes.of(onboarding.MessageCertificateExpired, a.ID))
	w.clock.Advance(3 * day)
	require.Equal(t, 1, pass())
	expired := w.notes.of(onboarding.MessageCertificateExpired, a.ID)
	require.Len(t, expired, 2, "the participant and staff")
	assert.ElementsMatch(t, []string{a.Participant.PrimaryEmail, onboarding.Staff}, []string{expired[0].To, expired[1].To})
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status, "suspension at expiry is an option, off by default")
	queue, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingCertificateExpired})
	require.NoError(t, err)
	require.Len(t, queue, 1, "staff see the participant whose certificate expired")
	assert.Equal(t, a.ID, queue[0].ID)
	require.Len(t, got.OpenTasks(), 1, "a staff task")
	task := got.OpenTasks()[0]
	assert.Equal(t, onboarding.KindCertificateExpired, task.Kind)
	_, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "seen"})
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "the task closes with a new certificate, not by a decision")
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Contains(t, actions(events), onboarding.ActionNoticeSent)
	require.NoError(t, svc.VerifyChain(ctx, a.ID))

	// A new certificate closes the task and starts the notices afresh.
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.renewed.example")
	d.EncryptionCert = renewedCert(t, w.clock.Now())
	d.StepUpCode = w.notes.code(t, a.ID)
	got, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	assert.Empty(t, got.OpenTasks())
	queue, err = svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingCertificateExpired})
	require.NoError(t, err)
	assert.Empty(t, queue)
	assert.True(t, dueAt(t, store, a.ID).After(w.clock.Now()), "the new certificate's notices are ahead")
}

// With SuspendAtCertificateExpiry, an Active participant whose
// certificate expired is suspended by the pass.
func TestScheduledSuspensionAtCertificateExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) + time.Minute)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status)
	assert.Len(t, w.notes.of(onboarding.MessageSuspended, a.ID), 1)
	assert.Empty(t, w.notes.of(onboarding.MessageCertificateExpiring, a.ID), "passes missed: only the notice at expiry")
	assert.Len(t, w.notes.of(onboarding.MessageCertificateExpired, a.ID), 2)
	secret := w.notes.of(onboarding.MessageSecretExpiring, a.ID)
	require.Len(t, secret, 1, "no reminders ahead, the notice at expiry only")
	assert.Contains(t, secret[0].Subject, "has expired")
}

// The production secret is reminded of before it expires.
func TestScheduledSecretReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{CertificateNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	require.NotNil(t, a)
	w.clock.Advance(90*day - 7*day + time.Hour)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got := w.notes.of(onboarding.MessageSecretExpiring, a.ID)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Body, "/v1/onboarding/credentials/rotate")
	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	w.clock.Advance(7 * day)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got = w.notes.of(onboarding.MessageSecretExpiring, a.ID)
	require.Len(t, got, 2)
	assert.Contains(t, got[1].Subject, "has expired")
}

// An application that waits on its applicant and does not change for
// IdleAfter is withdrawn with notice; one waiting on staff is not.
func TestScheduledIdleExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
	onApplicant, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // waits on its OTP
	require.NoError(t, err)
	onStaff, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator)) // waits on a review
	require.NoError(t, err)
	require.NotEmpty(t, onStaff.OpenTasks())
	require.True(t, dueAt(t, store, onStaff.ID).IsZero(), "nothing is scheduled for an application waiting on staff")

	w.clock.Advance(29 * day)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	w.clock.Advance(day)
	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	got, err := svc.Application(ctx, onApplicant.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, got.Stage)
	told := w.notes.of(onboarding.MessageApplicationExpired, onApplicant.ID)
	require.Len(t, told, 1)
	assert.Contains(t, told[0].Body, "30 days")
	got, err = svc.Application(ctx, onStaff.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, got.Stage)
	assert.True(t, dueAt(t, store, onApplicant.ID).IsZero(), "a withdrawn application is never due")
}

// Readiness is checked by the pass after the details change, and again
// every day for a live participant; a failure is told and staff see it.
func TestScheduledReadinessChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(9)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))

	a, p := withDetails(t, w, svc, op)
	_, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	assert.False(t, dueAt(t, store, a.ID).After(w.clock.Now()), "new details are due for a check at once")

	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Readiness, "the pass checked readiness")
	require.True(t, got.Readiness.Report.Ready, got.Readiness.Report.Summary())
	got, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err, "the scheduled check satisfies go-live")

	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "checked already")

	// The participant's software stops answering; the nightly check sees
	// it. Two replicas run the pass at once: one report is kept, and the
	// participant and staff are told once.
	p.Server.Close()
	w.clock.Advance(day + time.Minute)
	other := w.service(store, onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, replica := range []*onboarding.Service{svc, other} {
		wg.Go(func() {
			n, err := replica.RunDue(ctx)
			assert.NoError(t, err)
			counts[i] = n
		})
	}
	wg.Wait()
	assert.Equal(t, 1, counts[0]+counts[1], "one replica's check is kept")
	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.False(t, got.Readiness.Report.Ready)
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), 2, "the participant and staff are told, once")
	// The participant is told what failed and what to do, not only the
	// check's name and problem code.
	failed := got.Readiness.Report.Failures()
	require.NotEmpty(t, failed)
	for _, m := range w.notes.of(onboarding.MessageReadinessFailed, a.ID) {
		if m.To == onboarding.Staff {
			continue
		}
		assert.Contains(t, m.Body, string(failed[0].Check)+": "+failed[0].Message, "what was found")
		assert.Contains(t, m.Body, failed[0].Hint, "what to do about it")
	}
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, count(actions(events), onboarding.ActionReadinessChecked), "the first check and one nightly check")
	queue, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingReadinessFailed})
	require.NoError(t, err)
	require.Len(t, queue, 1)
	assert.Equal(t, a.ID, queue[0].ID)

	// A failure already reported is not told again every night.
	w.clock.Advance(day + time.Minute)
	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "checked again")
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), 2, "not told again")
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// RunScheduler runs passes until its context ends, and Ready sees it run.
func TestRunScheduler(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	a, _ := live(t, w, svc)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 10*day)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	}()
	require.Eventually(t, func() bool { return len(w.notes.of(onboarding.MessageCertificateExpiring, a.ID)) == 1 },
		10*time.Second, 20*time.Millisecond, "the first pass runs at once")
	require.NoError(t, svc.Ready(context.Background()))

	// Another replica does not run passes while the lease is held.
	ok, err := store.AcquireLease(context.Background(), onboarding.SchedulerLease, "replica-2", w.clock.Now(), time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "replica-1 holds the scheduler's lease")

	cancel()
	require.NoError(t, <-done)
	ok, err = store.AcquireLease(context.Background(), onboarding.SchedulerLease, "replica-2", w.clock.Now(), time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "a stopped scheduler releases its lease")

	err = svc.RunScheduler(context.Background(), onboarding.SchedulerOptions{Interval: time.Millisecond})
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	err = svc.RunScheduler(context.Background(), onboarding.SchedulerOptions{Owner: "replica\x00one"})
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "refused at once, not at every pass")
}

func TestWithScheduleRefusesNonsense(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range []onboarding.SchedulePolicy{
		{CertificateNotices: []time.Duration{time.Second}},
		{SecretNotices: []time.Duration{400 * day}},
		{IdleAfter: time.Minute},
		{ReadinessEvery: time.Second},
	} {
		_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode(instanceCode), onboarding.WithNotifier(w.notes), onboarding.WithSchedule(p))
		require.ErrorIs(t, err, onboarding.ErrInvalidOption, "%+v", p)
	}
}

// renewedCert is a fresh RSA certificate valid for a year from now.
func renewedCert(t *testing.T, now time.Time) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pem, err := selfSigned(key, &key.PublicKey, now.Add(-time.Hour), now.Add(365*day))
	require.NoError(t, err)
	return pem
}

// Staff looking at an application (contacts, documents) change nothing:
// the idle clock counts from the application's last change, and a view
// does not start it again. A change by the applicant does.
func TestIdleExpiryCountsFromTheLastChangeNotTheLastLook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
	looked, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // waits on its OTP
	require.NoError(t, err)
	changed, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)

	w.clock.Advance(29 * day)
	require.NoError(t, svc.RecordContactView(ctx, looked.ID, "staff:asha"))
	require.NoError(t, svc.RecordDocumentView(ctx, looked.ID, "staff:asha", "doc-1"))
	_, err = svc.ResendOTP(ctx, changed.ID, onlyTask(t, changed, onboarding.KindOTP).ID)
	require.NoError(t, err)

	w.clock.Advance(2 * day)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err := svc.Application(ctx, looked.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, got.Stage, "31 days without a change, looked at on day 29")
	got, err = svc.Application(ctx, changed.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, got.Stage, "changed by its applicant on day 29")
}

// A state stored before the engine kept changed_at counts its idle time
// from the row's last write, and a staff view after the upgrade does not
// restart it either.
func TestIdleExpiryOfAStateStoredBeforeChangedAt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // waits on its OTP
	require.NoError(t, err)

	// The row as an engine before changed_at wrote it.
	row, err := store.Application(ctx, a.ID)
	require.NoError(t, err)
	var st map[string]any
	require.NoError(t, json.Unmarshal(row.State, &st))
	require.Contains(t, st, "changed_at")
	delete(st, "changed_at")
	row.State, err = json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, store.Update(ctx, registry.Write{Application: row}))

	w.clock.Advance(29 * day)
	require.NoError(t, svc.RecordContactView(ctx, a.ID, "staff:asha"))
	w.clock.Advance(2 * day)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, got.Stage, "31 days without a change, looked at on day 29")
}
