package onboarding_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestSubmitChecksSandboxCertificate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name   string
		cert   func(app *hcxonboard.Application) string
		reject string // "" accepts; else a fragment of the reason
	}{
		{"trusted and covering", func(app *hcxonboard.Application) string { return app.SandboxCertificate }, ""},
		{"signed by an impostor", func(*hcxonboard.Application) string {
			tok, err := w.rogue.Issue(sandbox.Claims{Subject: "s", Roles: []hcxonboard.Role{hcxonboard.RolePayer}})
			require.NoError(t, err)
			return tok
		}, "signature"},
		{"role not certified", func(*hcxonboard.Application) string { return w.certificate(hcxonboard.RoleTPA) }, "not among the certified roles"},
		{"expired", func(*hcxonboard.Application) string {
			tok, err := w.issuer.Issue(sandbox.Claims{Subject: "s", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
				IssuedAt: time.Now().Add(-48 * time.Hour), Expiry: time.Now().Add(-24 * time.Hour)})
			require.NoError(t, err)
			return tok
		}, "expired"},
		{"tampered", func(app *hcxonboard.Application) string {
			parts := strings.Split(app.SandboxCertificate, ".")
			parts[1] = parts[1][:len(parts[1])-2] + "AA"
			return strings.Join(parts, ".")
		}, "sandbox"},
		{"missing", func(*hcxonboard.Application) string { return "" }, "no sandbox certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := registry.NewMemoryStore()
			svc := w.service(store)
			app := w.application(verifier.CategoryPayer)
			app.SandboxCertificate = tc.cert(app)
			a, err := svc.Submit(ctx, app)
			if tc.reject == "" {
				require.NoError(t, err)
				assert.Equal(t, registry.StageVerifying, a.Stage)
				assert.True(t, a.Sandbox.Trusted)
				assert.Equal(t, sandboxIssuer, a.Sandbox.Issuer)
				return
			}
			// Step 1 fails on the application's face: refused with the
			// report, and nothing stored — no record, no participant, no
			// message.
			var refused *onboarding.RefusedError
			require.ErrorAs(t, err, &refused)
			require.ErrorIs(t, err, onboarding.ErrRefused)
			assert.Nil(t, a)
			res, ok := refused.Report.Result(verifier.ReqSandboxCertificate)
			require.True(t, ok)
			assert.Contains(t, res.Message, tc.reject)
			assert.NotEqual(t, verifier.VerdictReady, refused.Report.Verdict)
			ps, err := svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldName: registry.Eq(app.ParticipantName)}})
			require.NoError(t, err)
			assert.Empty(t, ps)
			_, err = store.ApplicationByKey(ctx, app.ApplicationID)
			require.ErrorIs(t, err, registry.ErrNotFound, "no record")
		})
	}
}

func TestSubmitChecksHFRFacility(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name, facility string
		reject         string
	}{
		{"registered", abdmFacility, ""},
		{"not found", "IN2910099999", "hfr_lookup: HFR has no facility"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := w.service(registry.NewMemoryStore())
			app := w.application(verifier.CategoryABDMProvider)
			app.Identifiers.HFRID = tc.facility
			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			if tc.reject == "" {
				assert.Equal(t, registry.StageVerifying, a.Stage)
				assert.Equal(t, hcxonboard.StatusCreated, a.Status)
				return
			}
			assert.Equal(t, registry.StageRejected, a.Stage)
			require.NotEmpty(t, a.Reasons)
			assert.Contains(t, strings.Join(a.Reasons, "\n"), tc.reject)
			assert.Nil(t, a.Participant, "an application refused at submission registers nobody")
			ps, err := svc.Search(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldName: registry.Eq(app.ParticipantName)}})
			require.NoError(t, err)
			assert.Empty(t, ps)
			assert.Empty(t, w.notes.of(onboarding.MessageHFRIntimation, a.ID), "no OTP for a facility HFR does not hold")
			require.NoError(t, svc.VerifyChain(ctx, a.ID))
		})
	}
}

func TestThreeWrongCodesLockTheTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	assert.Equal(t, 3, task.AttemptsLeft)
	code := w.notes.code(t, a.ID)
	wrong := wrongCode(code)

	for left := 2; left >= 1; left-- {
		_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, wrong)
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
		assert.NotErrorIs(t, err, onboarding.ErrOTPLocked)
		assert.NotContains(t, err.Error(), code, "a wrong code reveals nothing")
		cur, err := svc.Application(ctx, a.ID)
		require.NoError(t, err)
		got, _ := cur.Task(task.ID)
		assert.Equal(t, left, got.AttemptsLeft)
	}
	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, "not-a-code")
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	require.ErrorIs(t, err, onboarding.ErrOTPLocked, "the third wrong code locks the task")

	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.ErrorIs(t, err, onboarding.ErrOTPLocked, "even the right code is refused once locked")
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, _ := cur.Task(task.ID)
	assert.Equal(t, onboarding.TaskLocked, got.State)
	assert.Equal(t, registry.StageVerifying, cur.Stage)
	assert.Equal(t, []string{onboarding.KindOTP}, waiting(t, svc, a.ID))

	// A new code opens the task again; the old one stays dead.
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	fresh := w.notes.code(t, a.ID)
	if fresh != code {
		_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	}
	cur, err = svc.ConfirmOTP(ctx, a.ID, task.ID, fresh)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, cur.Stage)

	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Contains(t, actions(events), onboarding.ActionOTPLocked)
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}

func TestHFRCodeIsCheckedByHFR(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	assert.Equal(t, "******1905", task.Recipient, "the manager HFR holds, masked")
	code, ok := w.hfr.LastOTP(abdmFacility)
	require.True(t, ok)

	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, wrongCode(code))
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	validations := w.hfr.Requests("/facility/validateOtp")
	assert.Equal(t, 1, validations)

	a, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	assert.Equal(t, validations+1, w.hfr.Requests("/facility/validateOtp"))

	// An HFR outage during validation is not retried and gives the
	// attempt back. (Another store: the facility is registered in the
	// first one now.)
	svc = w.service(registry.NewMemoryStore())
	b, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	btask := onlyTask(t, b, onboarding.KindOTP)
	before := w.hfr.Requests("/facility/validateOtp")
	w.hfr.FailNext("/facility/validateOtp", http.StatusServiceUnavailable, 5, "")
	_, err = svc.ConfirmOTP(ctx, b.ID, btask.ID, "123456")
	require.ErrorIs(t, err, onboarding.ErrUnavailable)
	assert.Equal(t, before+1, w.hfr.Requests("/facility/validateOtp"), "OTP validation is never retried")
	b2, err := svc.Application(ctx, b.ID)
	require.NoError(t, err)
	got, _ := b2.Task(btask.ID)
	assert.Equal(t, 3, got.AttemptsLeft, "the reserved attempt is given back")
	events, err := svc.Events(ctx, b.ID)
	require.NoError(t, err)
	tail := actions(events)[len(events)-2:]
	assert.Equal(t, []string{onboarding.ActionOTPAttempt, onboarding.ActionOTPAttempt}, tail, "reserved, then given back")
}

// TestConcurrentHFRGuessesAreBounded races many wrong guesses at one
// HFR-delivered code: each attempt is reserved in the store before HFR is
// asked, so HFR checks at most the allowed number of codes however many
// guesses arrive at once, on every store.
func TestConcurrentHFRGuessesAreBounded(t *testing.T) {
	t.Parallel()
	for name, newStore := range map[string]storeFactory{"memory": memoryStore, "sqlite": sqliteStore} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(newStore(t))
			a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
			require.NoError(t, err)
			task := onlyTask(t, a, onboarding.KindOTP)
			code, ok := w.hfr.LastOTP(abdmFacility)
			require.True(t, ok)
			before := w.hfr.Requests("/facility/validateOtp")

			wins, errs := race(func() error {
				_, err := svc.ConfirmOTP(ctx, a.ID, task.ID, wrongCode(code))
				return err
			})
			assert.Zero(t, wins)
			assert.Len(t, errs, racers)
			for _, err := range errs {
				require.True(t, errors.Is(err, onboarding.ErrInvalidOTP) || errors.Is(err, onboarding.ErrOTPLocked) || errors.Is(err, onboarding.ErrConflict) ||
					errors.Is(err, onboarding.ErrIllegalTransition), "%v", err)
			}
			checked := w.hfr.Requests("/facility/validateOtp") - before
			assert.LessOrEqual(t, checked, onboarding.DefaultOTPAttempts, "HFR checked %d codes", checked)
			assert.Positive(t, checked)

			cur, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			got, _ := cur.Task(task.ID)
			assert.Equal(t, onboarding.TaskLocked, got.State)
			_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
			require.ErrorIs(t, err, onboarding.ErrOTPLocked, "the right code comes too late")
		})
	}
}

func TestExpiredCodeAndResendAllowance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	code := w.notes.code(t, a.ID)

	w.clock.Advance(onboarding.DefaultOTPTTL)
	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.ErrorIs(t, err, onboarding.ErrOTPExpired)
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, _ := cur.Task(task.ID)
	assert.Equal(t, 3, got.AttemptsLeft, "an expired code does not count as an attempt")

	for i := 1; i <= onboarding.DefaultOTPResendsPerDay; i++ {
		cur, err = svc.ResendOTP(ctx, a.ID, task.ID)
		require.NoError(t, err, "resend %d", i)
		got, _ = cur.Task(task.ID)
		assert.Equal(t, onboarding.DefaultOTPResendsPerDay-i, got.ResendsLeft)
	}
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrTooManyResends)

	w.clock.Advance(24 * time.Hour)
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err, "the allowance is per day")
	cur, err = svc.ConfirmOTP(ctx, a.ID, task.ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, cur.Stage)

	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "a settled task takes no new code")
}

func TestResendReportsUndeliveredCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryISNP))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	w.notes.setFail(errors.New("smtp: mailbox busy (marker-q7w8e9)"))
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrNotDelivered)
	assert.NotContains(t, w.logs.String(), "marker-q7w8e9", "the notifier's error for a code message is not logged")
}

func TestDecisionsReject(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name     string
		category verifier.Category
		kind     string
		who      string
	}{
		{"payer rejects", verifier.CategoryEmpanelledProvider, onboarding.KindApproval, "the empanelling payer"},
		{"reviewer rejects", verifier.CategoryRegulator, onboarding.KindReview, "the reviewer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := w.service(registry.NewMemoryStore())
			a, err := svc.Submit(ctx, w.application(tc.category))
			require.NoError(t, err)
			task := onlyTask(t, a, tc.kind)
			assert.Equal(t, []string{tc.kind}, waiting(t, svc, a.ID))

			_, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Reviewer: "officer-9"})
			require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "a rejection needs a reason")
			_, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true})
			require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "a decision needs a reviewer")

			a, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Reviewer: "officer-9", Reason: "not on our list"})
			require.NoError(t, err)
			assert.Equal(t, registry.StageRejected, a.Stage)
			assert.Equal(t, hcxonboard.StatusInactive, a.Status)
			require.Len(t, a.Reasons, 1)
			assert.Contains(t, a.Reasons[0], tc.who)
			assert.Contains(t, a.Reasons[0], "not on our list")
			got, _ := a.Task(task.ID)
			assert.Equal(t, onboarding.TaskRejected, got.State)
			assert.Equal(t, "officer-9", got.DecidedBy)
			assert.Len(t, w.notes.of(onboarding.MessageRejected, a.ID), 1)
			assert.Empty(t, waiting(t, svc, a.ID), "a rejected application waits on nothing")

			_, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "officer-9"})
			require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
			_, err = svc.SubmitDetails(ctx, a.ID, w.details("late.example.org"))
			var te *onboarding.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "rejected", te.From)
			require.ErrorIs(t, err, onboarding.ErrRejected)
			events, err := svc.Events(ctx, a.ID)
			require.NoError(t, err)
			last := events[len(events)-1]
			assert.Equal(t, onboarding.ActionReject, last.Action)
			assert.Equal(t, "officer-9", last.Actor)
			require.NoError(t, svc.VerifyChain(ctx, a.ID))
		})
	}
}

func TestGoLiveTooEarly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	ready := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops-lead"}

	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, ready)
	var te *onboarding.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, onboarding.TransitionError{Action: onboarding.ActionGoLive, From: "verifying", To: "Active"}, *te)
	assert.EqualError(t, err, "onboarding: cannot go_live: verifying → Active is not allowed")

	a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, ready)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "details", te.From)
	_, err = svc.Provision(ctx, a.ID)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "no credentials before step 3")

	a, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, ready)
	require.ErrorIs(t, err, onboarding.ErrNotReady)
	assert.ErrorContains(t, err, "not provisioned")

	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	for _, c := range []struct {
		list onboarding.Checklist
		want string
	}{
		{onboarding.Checklist{StaffTrained: true, ConfirmedBy: "x"}, "pilot"},
		{onboarding.Checklist{PilotCompleted: true, ConfirmedBy: "x"}, "staff training"},
		{onboarding.Checklist{PilotCompleted: true, StaffTrained: true}, "no one confirmed"},
	} {
		_, err = svc.GoLive(ctx, a.ID, c.list)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
		assert.ErrorContains(t, err, c.want)
	}
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusCreated, cur.Status, "a refused go-live changes nothing")

	a, err = svc.GoLive(ctx, a.ID, ready)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, a.Status)
	require.NotNil(t, a.Checklist)
	assert.Equal(t, "ops-lead", a.Checklist.ConfirmedBy)
	_, err = svc.GoLive(ctx, a.ID, ready)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "Active", te.From)
}

func TestRegistryOutageLeavesARetryTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	w.hfr.FailNext("/facility/search", http.StatusServiceUnavailable, 1, "")
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "an outage never rejects")
	res, ok := a.Report.Result(verifier.ReqHFRLookup)
	require.True(t, ok)
	assert.Equal(t, verifier.Pending, res.Outcome)
	kinds := map[string]onboarding.Task{}
	for _, task := range a.OpenTasks() {
		kinds[task.Kind] = task
	}
	require.Contains(t, kinds, onboarding.KindRetry)
	assert.Equal(t, verifier.ReqHFRLookup, kinds[onboarding.KindRetry].Requirement)
	assert.Contains(t, waiting(t, svc, a.ID), onboarding.KindRetry)

	// Confirming the OTP alone is not enough while the look-up waits.
	code, _ := w.hfr.LastOTP(abdmFacility)
	a, err = svc.ConfirmOTP(ctx, a.ID, kinds[onboarding.KindOTP].ID, code)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, a.Stage)

	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	retry, _ := a.Task(kinds[onboarding.KindRetry].ID)
	assert.Equal(t, onboarding.TaskDone, retry.State)

	_, err = svc.Recheck(ctx, a.ID)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
}

// wrongCode returns a six-digit code that differs from code.
func wrongCode(code string) string {
	if strings.HasPrefix(code, "0") {
		return "1" + code[1:]
	}
	return "0" + code[1:]
}

func waiting(t *testing.T, svc *onboarding.Service, id string) []string {
	t.Helper()
	var out []string
	for _, kind := range []string{onboarding.KindApproval, onboarding.KindOTP, onboarding.KindRetry, onboarding.KindReview, onboarding.WaitingDeboarding} {
		as, err := svc.Queue(context.Background(), registry.ApplicationFilter{Waiting: kind})
		require.NoError(t, err)
		for _, a := range as {
			if a.ID == id {
				out = append(out, kind)
			}
		}
	}
	return out
}

func TestNotifierErrorsAreRedactedInLogs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	// A mail server that names whom it refused, as SMTP servers do.
	w.notes.setFail(errors.New("smtp: 550 5.1.1 <staff.desk@hcx-operator.example> rejected; sms +91 98450 12345 barred (marker-r3d4)"))
	_, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	logs := w.logs.String()
	require.Contains(t, logs, "marker-r3d4", "the failure is logged")
	assert.NotContains(t, logs, "staff.desk@", "the address is masked")
	assert.NotContains(t, logs, "98450 12345", "the number is masked")
	assert.Contains(t, logs, "@hcx-operator.example")
}

// TestConcurrentHFRResendsAreBounded races many requests for a new HFR
// code: each is counted in the store before HFR is asked, so HFR sends at
// most the day's allowance.
func TestConcurrentHFRResendsAreBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	before := w.hfr.Requests("/facility/sendOtpToContact")

	wins, errs := race(func() error {
		_, err := svc.ResendOTP(ctx, a.ID, task.ID)
		return err
	})
	sent := w.hfr.Requests("/facility/sendOtpToContact") - before
	assert.LessOrEqual(t, sent, onboarding.DefaultOTPResendsPerDay, "HFR sent %d codes", sent)
	assert.Equal(t, sent, wins, "every code HFR sent was a successful resend")
	for _, err := range errs {
		require.True(t, errors.Is(err, onboarding.ErrTooManyResends) || errors.Is(err, onboarding.ErrConflict) ||
			errors.Is(err, onboarding.ErrIllegalTransition), "%v", err)
	}
}

// An application the offline checks refuse is not stored: not an empty
// one, not one with a malformed identifier.
func TestSubmitRefusesOnItsFace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	malformed := w.application(verifier.CategoryABDMProvider)
	malformed.Identifiers.HFRID = "IN29"
	noCode := w.application(verifier.CategoryPayer)
	noCode.SandboxCertificate = w.participantCertificate("sbx-1", "", hcxonboard.RolePayer)
	for name, tc := range map[string]struct {
		app  *hcxonboard.Application
		want verifier.RequirementID
	}{
		"empty":                       {&hcxonboard.Application{}, verifier.ReqParticipantName},
		"malformed HFR id":            {malformed, verifier.ReqHFRID},
		"no sandbox participant code": {noCode, verifier.ReqSandboxCertificate},
	} {
		_, err := svc.Submit(ctx, tc.app)
		var refused *onboarding.RefusedError
		require.ErrorAs(t, err, &refused, name)
		res, ok := refused.Report.Result(tc.want)
		require.True(t, ok, name)
		assert.NotEqual(t, verifier.Satisfied, res.Outcome, name)
		assert.Contains(t, err.Error(), string(tc.want), name)
	}
	as, err := store.ListApplications(ctx, registry.ApplicationFilter{})
	require.NoError(t, err)
	assert.Empty(t, as, "nothing stored")
	_, err = svc.Submit(ctx, nil)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}
