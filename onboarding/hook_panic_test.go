package onboarding_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's verifier (WithVerifier) that panics does not take the
// caller down: Submit and Recheck answer an error saying the verifier
// failed, nothing is stored or changed, and the log has the stack but not
// the panic's value (here the applicant's e-mail address).
func TestPanickingVerifierLeavesNothingHalfDone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var broken atomic.Bool
	v := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		if broken.Load() {
			panic("no rule for " + app.PrimaryEmail)
		}
		return w.verifier.Verify(ctx, app)
	})
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithVerifier(v))
	app := w.application(verifier.CategoryPayer)

	broken.Store(true)
	require.NotPanics(t, func() {
		_, err := svc.Submit(ctx, app)
		require.ErrorContains(t, err, "panicked")
		require.NotContains(t, err.Error(), app.PrimaryEmail)
	})
	list, err := store.ListApplications(ctx, registry.ApplicationFilter{})
	require.NoError(t, err)
	require.Empty(t, list, "a Submit whose verifier panicked stores nothing")

	broken.Store(false)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage)

	broken.Store(true)
	require.NotPanics(t, func() {
		_, err := svc.Recheck(ctx, a.ID)
		require.ErrorContains(t, err, "panicked")
	})
	after, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, a.Version, after.Version, "a Recheck whose verifier panicked changes nothing")
	logged := w.logs.String()
	assert.Contains(t, logged, "panicked")
	assert.NotContains(t, logged, app.PrimaryEmail)
}

// panickyHFR is an operator's HFR client with a bug in one call.
type panickyHFR struct {
	*hfr.Client
	send, contact, validate, fetch atomic.Bool
}

func boom() { var m map[string]int; m["boom"]++ }

func (c *panickyHFR) SendFacilityOTP(ctx context.Context, id string) (hfr.OTPTransaction, error) {
	if c.send.Load() {
		boom()
	}
	return c.Client.SendFacilityOTP(ctx, id)
}

func (c *panickyHFR) FacilityContact(ctx context.Context, id string) (hfr.FacilityContact, error) {
	if c.contact.Load() {
		boom()
	}
	return c.Client.FacilityContact(ctx, id)
}

func (c *panickyHFR) ValidateFacilityOTP(ctx context.Context, id, txn, otp string) error {
	if c.validate.Load() {
		boom()
	}
	return c.Client.ValidateFacilityOTP(ctx, id, txn, otp)
}

func (c *panickyHFR) Facility(ctx context.Context, id string) (hfr.Facility, error) {
	if c.fetch.Load() {
		boom()
	}
	return c.Client.Facility(ctx, id)
}

// An HFR client (WithFacilityOTP) that panics is an HFR that could not
// answer: sending the manager's code waits for a new request, a code it
// could not check gives the attempt back and the task stays open, and a
// record it could not read after the manager's consent leaves the
// applicant's values — never a crash, nor a code counted as right.
func TestPanickingHFRClientIsAnOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	c := &panickyHFR{Client: w.hfrCli}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(c))

	c.send.Store(true)
	var a *onboarding.Application
	require.NotPanics(t, func() {
		var err error
		a, err = svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
		require.NoError(t, err)
	})
	task := onlyTask(t, a, onboarding.KindOTP)
	_, sent := w.hfr.LastOTP(abdmFacility)
	require.False(t, sent, "no code went out")

	c.send.Store(false)
	c.contact.Store(true)
	require.NotPanics(t, func() {
		var err error
		a, err = svc.ResendOTP(ctx, a.ID, task.ID)
		require.NoError(t, err, "the code goes out without the manager's contact")
	})
	code, sent := w.hfr.LastOTP(abdmFacility)
	require.True(t, sent)

	c.validate.Store(true)
	require.NotPanics(t, func() {
		_, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
		require.ErrorIs(t, err, onboarding.ErrUnavailable)
	})
	a, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	task = onlyTask(t, a, onboarding.KindOTP)
	require.Equal(t, onboarding.TaskOpen, task.State)
	require.Equal(t, onboarding.DefaultOTPAttempts, task.AttemptsLeft, "the attempt is given back")

	c.validate.Store(false)
	c.fetch.Store(true)
	require.NotPanics(t, func() {
		a, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
		require.NoError(t, err)
	})
	assert.Equal(t, onboarding.SourceApplicant, a.Sources["participant_name"], "HFR's record was not read")
	assert.NotEqual(t, registry.StageRejected, a.Stage)
	assert.Contains(t, w.logs.String(), "panicked")
}

// panickyHPR is an operator's HPR authentication client with a bug in
// one call.
type panickyHPR struct {
	*hfr.Client
	start, confirm atomic.Bool
}

func (c *panickyHPR) StartHPRAuth(ctx context.Context, id string, m hfr.HPRAuthMethod) (hfr.HPRAuthTransaction, error) {
	if c.start.Load() {
		boom()
	}
	return c.Client.StartHPRAuth(ctx, id, m)
}

func (c *panickyHPR) ConfirmHPRAuth(ctx context.Context, txn hfr.HPRAuthTransaction, otp string) (hfr.Professional, error) {
	if c.confirm.Load() {
		boom()
	}
	return c.Client.ConfirmHPRAuth(ctx, txn, otp)
}

// The same for HPR's authentication (WithProfessionalAuth): a client that
// panics is an HPR that could not answer, and the professional is never
// taken as authenticated.
func TestPanickingHPRClientIsAnOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	c := &panickyHPR{Client: w.hfrCli}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithProfessionalAuth(c))

	c.start.Store(true)
	var a *onboarding.Application
	require.NotPanics(t, func() {
		var err error
		a, err = svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner))
		require.NoError(t, err)
	})
	task := onlyTask(t, a, onboarding.KindOTP)
	_, sent := w.hfr.LastHPROTP(hprNumber)
	require.False(t, sent, "no code went out")

	c.start.Store(false)
	a, err := svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	code, sent := w.hfr.LastHPROTP(hprNumber)
	require.True(t, sent)

	c.confirm.Store(true)
	require.NotPanics(t, func() {
		_, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
		require.ErrorIs(t, err, onboarding.ErrUnavailable)
	})
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	task = onlyTask(t, a, onboarding.KindOTP)
	require.Equal(t, onboarding.TaskOpen, task.State)
	require.Equal(t, onboarding.DefaultOTPAttempts, task.AttemptsLeft, "the attempt is given back")
	require.Equal(t, registry.StageVerifying, a.Stage)
}

// A participant code generator (WithCodeGenerator) that panics fails the
// Submit with an error, and nothing is stored.
func TestPanickingCodeGeneratorStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	var broken atomic.Bool
	gen := credential.CodeGeneratorFunc(func(_ context.Context, req credential.CodeRequest) (string, error) {
		if broken.Load() {
			panic("no code for " + req.Name)
		}
		return "1000009999@" + instanceCode, nil
	})
	svc := w.service(store, onboarding.WithCodeGenerator(gen))
	broken.Store(true)
	require.NotPanics(t, func() {
		_, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
		require.ErrorContains(t, err, "panicked")
	})
	list, err := store.ListApplications(ctx, registry.ApplicationFilter{})
	require.NoError(t, err)
	require.Empty(t, list)

	broken.Store(false)
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	require.Equal(t, "1000009999@"+instanceCode, a.Participant.ParticipantCode)
}
