package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// countingSandbox is a trusted sandbox verifier whose revocation checker
// counts the certificates it saw: one per complete check (the signature
// verified, the window and the roles checked).
func countingSandbox(t *testing.T, w *world, revoked bool) (*sandbox.Verifier, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	trusted, err := w.issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	list, err := sandbox.NewTrustList(trusted)
	require.NoError(t, err)
	v, err := sandbox.NewVerifier(sandbox.WithTrustList(list), sandbox.WithClock(w.clock.Now),
		sandbox.WithRevocation(sandbox.RevocationFunc(func(context.Context, string, string) (bool, error) {
			n.Add(1)
			return revoked, nil
		})))
	require.NoError(t, err)
	return v, &n
}

// With WithSandbox the certificate is checked once per Submit, however
// the verifier is wired, and a settled result is not checked again by
// Recheck; the verifier never sees the certificate, but the stored
// application keeps it. Without WithSandbox the verifier decides, once per
// Submit (in its offline pass) and again at each Recheck. A revoked
// certificate refuses the application before anything is stored.
func TestSandboxCertificateIsCheckedOncePerSubmit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		engine, verify bool // where the counting sandbox verifier is wired
		revoked        bool
		wantStage      registry.Stage
		wantSubmit     int32 // checks during Submit
		wantRecheck    int32 // checks after Submit and one Recheck
		verifierSees   bool  // the verifier gets the certificate
	}{
		{name: "engine and verifier", engine: true, verify: true, wantStage: registry.StageVerifying, wantSubmit: 1, wantRecheck: 1},
		{name: "engine only", engine: true, wantStage: registry.StageVerifying, wantSubmit: 1, wantRecheck: 1},
		{name: "verifier only", verify: true, wantStage: registry.StageVerifying, wantSubmit: 1, wantRecheck: 2, verifierSees: true},
		{name: "engine and verifier, revoked", engine: true, verify: true, revoked: true, wantStage: registry.StageRejected, wantSubmit: 1},
		{name: "verifier only, revoked", verify: true, revoked: true, wantStage: registry.StageRejected, wantSubmit: 1, verifierSees: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			sb, checks := countingSandbox(t, w, c.revoked)
			vopts := []verifier.Option{verifier.WithFacilityRegistry(w.hfrCli), verifier.WithClock(w.clock.Now)}
			if c.verify {
				vopts = append(vopts, verifier.WithSandboxVerifier(sb))
			}
			checker, err := verifier.New(vopts...)
			require.NoError(t, err)
			var sawCert, runs atomic.Int32
			spy := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
				runs.Add(1)
				if app.SandboxCertificate != "" {
					sawCert.Add(1)
				}
				return checker.Verify(ctx, app)
			})
			opts := []onboarding.Option{
				onboarding.WithInstanceCode(instanceCode),
				onboarding.WithNotifier(w.notes),
				onboarding.WithVerifier(spy),
				onboarding.WithFacilityOTP(w.hfrCli),
				onboarding.WithClock(w.clock.Now),
				onboarding.WithOTPKey(otpKey),
			}
			if c.engine {
				opts = append(opts, onboarding.WithSandbox(sb))
			}
			svc, err := onboarding.New(registry.NewMemoryStore(), opts...)
			require.NoError(t, err)

			app := w.application(verifier.CategoryABDMProvider)
			a, err := svc.Submit(ctx, app)
			assert.Equal(t, c.wantSubmit, checks.Load(), "signature checks during Submit")
			if c.verifierSees {
				assert.Equal(t, int32(1), sawCert.Load(), "without WithSandbox the verifier gets the certificate, once")
			} else {
				assert.Zero(t, sawCert.Load(), "the verifier never gets a certificate the engine checks")
			}
			if c.revoked {
				var refused *onboarding.RefusedError
				require.ErrorAs(t, err, &refused)
				res, ok := refused.Report.Result(verifier.ReqSandboxCertificate)
				require.True(t, ok)
				assert.Equal(t, verifier.Invalid, res.Outcome)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.wantStage, a.Stage)
			assert.Equal(t, app.SandboxCertificate, a.Submitted.SandboxCertificate, "the stored application keeps its certificate")
			res, ok := a.Report.Result(verifier.ReqSandboxCertificate)
			require.True(t, ok)
			assert.Equal(t, verifier.Satisfied, res.Outcome)

			_, err = svc.Recheck(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, c.wantRecheck, checks.Load(), "signature checks after a Recheck")
		})
	}
}

// hookStore is a store that counts reads and lets a test meddle with
// the first update of an application.
type hookStore struct {
	registry.Store
	reads   atomic.Int32 // Application and Participant
	mu      sync.Mutex
	updates int
	// firstUpdate runs before the first Update reaches the store; a
	// non-nil error fails that Update with it.
	firstUpdate func(w registry.Write) error
}

func (s *hookStore) Application(ctx context.Context, id string) (*registry.Application, error) {
	s.reads.Add(1)
	return s.Store.Application(ctx, id)
}

func (s *hookStore) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	s.reads.Add(1)
	return s.Store.Participant(ctx, code)
}

func (s *hookStore) Update(ctx context.Context, w registry.Write) error {
	s.mu.Lock()
	s.updates++
	first := s.updates == 1
	s.mu.Unlock()
	if first && s.firstUpdate != nil {
		if err := s.firstUpdate(w); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, w)
}

// Submit records HFR's OTP on the application it has just written,
// without reading it back; it reads again only when another call changed
// the application meanwhile, and when the second write fails it returns
// the application as first stored.
func TestSubmitRecordsHFROTPOnTheRecordInHand(t *testing.T) {
	t.Parallel()
	errStoreDown := errors.New("store down (marker-q7)")
	cases := []struct {
		name      string
		hook      func(inner registry.Store) func(w registry.Write) error
		wantReads bool // Submit read the application back
		wantCode  bool // a code is out and recorded
	}{
		{name: "nothing else changed it", wantCode: true},
		{name: "another call changed it first", wantReads: true, wantCode: true,
			hook: func(inner registry.Store) func(w registry.Write) error {
				return func(w registry.Write) error {
					// Another replica's write: the version moves on.
					cur, err := inner.Application(context.Background(), w.Application.ID)
					if err != nil {
						return err
					}
					return inner.Update(context.Background(), registry.Write{Application: cur})
				}
			}},
		{name: "the second write fails",
			hook: func(registry.Store) func(registry.Write) error {
				return func(registry.Write) error { return errStoreDown }
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			store := &hookStore{Store: registry.NewMemoryStore()}
			if c.hook != nil {
				store.firstUpdate = c.hook(store.Store)
			}
			svc := w.service(store)
			a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
			require.NoError(t, err, "the application is stored whatever happens to the OTP")
			if c.wantReads {
				assert.Positive(t, store.reads.Load())
			} else {
				assert.Zero(t, store.reads.Load(), "no read after Submit's own write")
			}
			assert.Equal(t, 1, w.hfr.Requests(hfrtest.PathSendOTP), "HFR sends one code")

			stored, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, stored, a, "Submit returns the application as stored")
			task := onlyTask(t, a, onboarding.KindOTP)
			events, err := svc.Events(ctx, a.ID)
			require.NoError(t, err)
			require.NoError(t, svc.VerifyChain(ctx, a.ID))
			sent := 0
			for _, e := range events {
				if e.Action == onboarding.ActionOTPSent {
					sent++
				}
			}
			if !c.wantCode {
				assert.True(t, task.ExpiresAt.IsZero(), "no code is recorded")
				assert.Zero(t, sent)
				assert.Contains(t, w.logs.String(), "HFR OTP not sent")
				return
			}
			assert.False(t, task.ExpiresAt.IsZero(), "the code is recorded")
			assert.Equal(t, 1, sent, "one otp_sent event")
			assert.Len(t, w.notes.of(onboarding.MessageHFRIntimation, a.ID), 1, "the manager is told once")
			code, ok := w.hfr.LastOTP(abdmFacility)
			require.True(t, ok)
			a, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
			require.NoError(t, err)
			assert.Equal(t, registry.StageDetails, a.Stage)
		})
	}
}

// meetingHFR answers FacilityContact and SendFacilityOTP only once both
// have been asked, so it answers both only when they are asked at the same
// time. Asked one after the other, the contact look-up gives up after
// wait, and the engine sends no intimation.
type meetingHFR struct {
	contactAsked, sendAsked chan struct{}
	contactOnce, sendOnce   sync.Once
	wait                    time.Duration
	panicContact            bool
}

func newMeetingHFR() *meetingHFR {
	return &meetingHFR{contactAsked: make(chan struct{}), sendAsked: make(chan struct{}), wait: 10 * time.Second}
}

func (m *meetingHFR) FacilityContact(ctx context.Context, id string) (hfr.FacilityContact, error) {
	if m.panicContact {
		panic("contact look-up exploded")
	}
	m.contactOnce.Do(func() { close(m.contactAsked) })
	select {
	case <-m.sendAsked:
		return hfr.FacilityContact{FacilityID: id, ManagerName: "Dr. Kavya", MaskedMobile: "******1234"}, nil
	case <-time.After(m.wait):
		return hfr.FacilityContact{}, errors.New("the OTP was not asked for at the same time")
	case <-ctx.Done():
		return hfr.FacilityContact{}, ctx.Err()
	}
}

func (m *meetingHFR) SendFacilityOTP(_ context.Context, id string) (hfr.OTPTransaction, error) {
	m.sendOnce.Do(func() { close(m.sendAsked) })
	return hfr.OTPTransaction{FacilityID: id, TransactionID: "txn-1"}, nil
}

func (m *meetingHFR) ValidateFacilityOTP(context.Context, string, string, string) error {
	return hfr.ErrOTPRejected
}

var _ onboarding.FacilityOTP = (*meetingHFR)(nil)

// HFR's contact and its OTP are asked for at the same time; a panic in the
// look-up (a bug in the operator's HFR client) is a contact HFR did not
// give: the code still goes out, without the intimation, and the caller
// is not taken down.
func TestHFRContactAndOTPAreAskedTogether(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		panics bool
	}{
		{name: "both answer"},
		{name: "the contact look-up panics", panics: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			fake := newMeetingHFR()
			fake.panicContact = c.panics
			svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(fake))
			app := w.application(verifier.CategoryABDMProvider)
			var a *onboarding.Application
			require.NotPanics(t, func() {
				var err error
				a, err = svc.Submit(ctx, app)
				require.NoError(t, err)
			})
			task := onlyTask(t, a, onboarding.KindOTP)
			if c.panics {
				assert.Empty(t, w.notes.of(onboarding.MessageHFRIntimation, a.ID), "no contact, no intimation")
				assert.NotEqual(t, "******1234", task.Recipient)
				assert.Contains(t, w.logs.String(), "the HFR client panicked")
				assert.NotContains(t, w.logs.String(), "contact look-up exploded")
				return
			}
			assert.Equal(t, "******1234", task.Recipient, "the contact arrived with the code")
			intimations := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
			require.Len(t, intimations, 1)
			assert.Contains(t, intimations[0].Body, "Dr. Kavya")
		})
	}
}
