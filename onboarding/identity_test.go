package onboarding_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/verifier"
)

// rejectedFor asserts a is rejected with a reason containing want.
func rejectedFor(t *testing.T, a *onboarding.Application, want string) {
	t.Helper()
	require.Equal(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)
	assert.Contains(t, strings.Join(a.Reasons, "\n"), want)
}

func TestOneIdentityOneParticipant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)

	for _, c := range []verifier.Category{verifier.CategoryABDMProvider, verifier.CategoryRohiniProvider,
		verifier.CategoryABDMPractitioner, verifier.CategoryPayer, verifier.CategoryTPA} {
		t.Run(string(c), func(t *testing.T) {
			svc := w.service(registry.NewMemoryStore())
			app := w.application(c)
			first, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			require.NotEqual(t, registry.StageRejected, first.Stage, "reasons: %v", first.Reasons)

			// Another applicant, other contacts, the same identity.
			second := w.application(c)
			second.Identifiers = app.Identifiers
			second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
			got, err := svc.Submit(ctx, second)
			require.NoError(t, err)
			rejectedFor(t, got, "is already registered with this HCX as participant "+first.Participant.ParticipantCode)
			rejectedFor(t, got, "if you operate it, contact the operator")
			for _, leak := range []string{first.Submitted.PrimaryEmail, "11001", "onboarding@"} {
				assert.NotContains(t, strings.Join(got.Reasons, " "), leak, "the holder's contacts stay private")
			}
			assert.Nil(t, got.Participant, "nothing registered for the loser")

			// Withdrawn, the identity is free again.
			_, err = svc.Withdraw(ctx, first.ID, "applicant", "wrong entity")
			require.NoError(t, err)
			third := w.application(c)
			third.Identifiers = app.Identifiers
			got, err = svc.Submit(ctx, third)
			require.NoError(t, err)
			assert.NotEqual(t, registry.StageRejected, got.Stage, "reasons: %v", got.Reasons)
		})
	}
}

func TestIRDARegistersAreSeparate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	payer := w.application(verifier.CategoryPayer)
	tpa := w.application(verifier.CategoryTPA)
	tpa.Identifiers.IRDARegistrationNumber = payer.Identifiers.IRDARegistrationNumber
	for _, app := range []*hcxonboard.Application{payer, tpa} {
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		assert.Equal(t, registry.StageVerifying, a.Stage, "an insurer and a TPA may share a number: reasons %v", a.Reasons)
	}
	other := w.application(verifier.CategoryPayer)
	other.Identifiers.IRDARegistrationNumber = " " + payer.Identifiers.IRDARegistrationNumber + " "
	a, err := svc.Submit(ctx, other)
	require.NoError(t, err)
	rejectedFor(t, a, "IRDA insurer registration")
}

// TestIRDANumberWithLeadingZerosIsTheSame checks that insurer 7 written
// 07 or 007 is the same registration, held once.
func TestIRDANumberWithLeadingZerosIsTheSame(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first := w.application(verifier.CategoryPayer)
	first.Identifiers.IRDARegistrationNumber = "7"
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	for _, n := range []string{"07", "007"} {
		again := w.application(verifier.CategoryPayer)
		again.Identifiers.IRDARegistrationNumber = n
		b, err := svc.Submit(ctx, again)
		require.NoError(t, err)
		rejectedFor(t, b, "IRDA insurer registration")
	}
}

func TestIdentityFreedByDeboarding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	same := func() *hcxonboard.Application {
		app := w.application(verifier.CategoryPayer)
		app.Identifiers = a.Submitted.Identifiers
		return app
	}

	dup, err := svc.Submit(ctx, same())
	require.NoError(t, err)
	rejectedFor(t, dup, "already registered")

	_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "merger, by letter"})
	require.NoError(t, err)
	again, err := svc.Submit(ctx, same())
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, again.Stage, "reasons: %v", again.Reasons)
}

func TestParticipantCertificateIsBoundAndSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	roles := []hcxonboard.Role{hcxonboard.RolePayer}
	const name = "Suraksha General Insurance Company Limited"

	withCert := func(cert, code, irda string) *hcxonboard.Application {
		a := w.application(verifier.CategoryPayer)
		a.SandboxCertificate, a.SandboxParticipantCode = cert, code
		a.Identifiers.IRDARegistrationNumber = irda
		return a
	}
	t.Run("refused when unbound", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		cert := w.participantCertificate("sbx-suraksha", name, roles...)
		for _, tc := range []struct{ code, name, want string }{
			{"", name, "give sandbox_participant_code"},
			{"sbx-other", name, `issued to sandbox participant "sbx-suraksha", not to "sbx-other"`},
			{"sbx-suraksha", "Another Insurance Company", "not to \"Another Insurance Company\""},
		} {
			app := withCert(cert, tc.code, "148")
			app.ParticipantName = tc.name
			_, err := svc.Submit(ctx, app)
			var refused *onboarding.RefusedError
			require.ErrorAs(t, err, &refused, "refused on its face, nothing stored")
			res, _ := refused.Report.Result(verifier.ReqSandboxCertificate)
			assert.Contains(t, res.Message, tc.want)
		}
	})
	t.Run("accepted when bound, name normalised", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		app := withCert(w.participantCertificate("sbx-suraksha", name, roles...), "sbx-suraksha", "148")
		app.ParticipantName = "  SURAKSHA General Insurance Company  Limited"
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		assert.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		assert.Equal(t, "participant", string(a.Sandbox.Kind))
	})
	t.Run("one certificate backs one participant", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		cert := w.participantCertificate("sbx-suraksha", name, roles...)
		first, err := svc.Submit(ctx, withCert(cert, "sbx-suraksha", "148"))
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, first.Stage, "reasons: %v", first.Reasons)
		reuse, err := svc.Submit(ctx, withCert(cert, "sbx-suraksha", "149"))
		require.NoError(t, err)
		rejectedFor(t, reuse, "sandbox_certificate: sandbox certificate "+first.Sandbox.CertificateID)
		rejectedFor(t, reuse, "already backs participant "+first.Participant.ParticipantCode)

		// A rejected application gives its certificate back …
		_, err = svc.Withdraw(ctx, first.ID, "applicant", "typo in the name")
		require.NoError(t, err)
		second, err := svc.Submit(ctx, withCert(cert, "sbx-suraksha", "148"))
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, second.Stage, "reasons: %v", second.Reasons)
	})
	t.Run("a de-boarded participant's certificate stays spent", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		cert := w.participantCertificate("sbx-suraksha", name, roles...)
		a, err := svc.Submit(ctx, withCert(cert, "sbx-suraksha", "148"))
		require.NoError(t, err)
		a = takeLive(t, w, svc, a)
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "closing, by letter"})
		require.NoError(t, err)
		reuse, err := svc.Submit(ctx, withCert(cert, "sbx-suraksha", "148"))
		require.NoError(t, err)
		rejectedFor(t, reuse, "already backs participant")
	})
	t.Run("a solution certificate backs many", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		cert := w.certificate(roles...)
		for _, irda := range []string{"148", "149", "150"} {
			a, err := svc.Submit(ctx, withCert(cert, "", irda))
			require.NoError(t, err)
			assert.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
			assert.Equal(t, "solution", string(a.Sandbox.Kind))
			assert.Equal(t, "Test HMS", a.Sandbox.Solution.Name)
		}
	})
}

// takeLive takes a payer application waiting on its admin OTP to Active.
func takeLive(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application {
	t.Helper()
	ctx := context.Background()
	_, err := svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)
	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
	require.NoError(t, err)
	return a
}

func TestIdentityDisputeReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithIdentityDisputes(true))
	holder, _ := live(t, w, svc)

	app := w.application(verifier.CategoryPayer)
	app.Identifiers = holder.Submitted.Identifiers
	claimant, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, claimant.Stage, "a dispute waits on staff: %v", claimant.Reasons)
	var dispute onboarding.Task
	for _, tk := range claimant.OpenTasks() {
		if tk.Requirement == onboarding.RequirementIdentityDispute {
			dispute = tk
		}
	}
	require.NotEmpty(t, dispute.ID, "an identity_dispute review is open")
	assert.Equal(t, onboarding.KindReview, dispute.Kind)
	assert.Contains(t, dispute.Message, "participant "+holder.Participant.ParticipantCode)

	_, err = svc.Decide(ctx, claimant.ID, dispute.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "documents match"})
	require.ErrorIs(t, err, onboarding.ErrIdentityTaken, "the holder is still live")
	assert.Contains(t, err.Error(), holder.Participant.ParticipantCode)

	_, err = svc.Deboard(ctx, holder.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "identity given to its real operator"})
	require.NoError(t, err)
	a, err := svc.Decide(ctx, claimant.ID, dispute.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "documents match"})
	require.NoError(t, err)
	tk, _ := a.Task(dispute.ID)
	assert.Equal(t, onboarding.TaskDone, tk.State)

	t.Run("rejecting the dispute rejects the application", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore(), onboarding.WithIdentityDisputes(true))
		tpa := w.application(verifier.CategoryTPA)
		_, err := svc.Submit(ctx, tpa)
		require.NoError(t, err)
		again := w.application(verifier.CategoryTPA)
		again.Identifiers = tpa.Identifiers
		c, err := svc.Submit(ctx, again)
		require.NoError(t, err)
		var id string
		for _, tk := range c.OpenTasks() {
			if tk.Requirement == onboarding.RequirementIdentityDispute {
				id = tk.ID
			}
		}
		require.NotEmpty(t, id)
		c, err = svc.Decide(ctx, c.ID, id, onboarding.Decision{Reviewer: "staff:asha", Reason: "not the operator of this TPA"})
		require.NoError(t, err)
		assert.Equal(t, registry.StageRejected, c.Stage)
	})
}

// TestRacingIdentityClaimsOneWinner races two Services over one store —
// one SQLite file, one PostgreSQL schema — 10 goroutines each, every one
// submitting a different applicant for one ROHINI hospital: exactly one
// application proceeds, the rest are rejected naming the holder.
func TestRacingIdentityClaimsOneWinner(t *testing.T) {
	t.Parallel()
	overTwoReplicas(t, raceOneIdentity)
}

// overTwoReplicas runs run, in parallel subtests, over two stores that
// share one database, as two operator replicas do: one SQLite file, and
// one PostgreSQL schema.
func overTwoReplicas(t *testing.T, run func(t *testing.T, a, b registry.Store)) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "registry.db")
		open := func() registry.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}
		run(t, open(), open())
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		dsn := sqlstoretest.FreshSchema(t, sqlstoretest.PostgresDSN(t))
		open := func() registry.Store {
			s, err := sqlstore.OpenPostgres(context.Background(), dsn)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}
		run(t, open(), open())
	})
}

func raceOneIdentity(t *testing.T, a, b registry.Store) {
	ctx := context.Background()
	w := newWorld(t)
	services := []*onboarding.Service{w.service(a), w.service(b)}
	var mu sync.Mutex
	var proceeded, refused int
	var errs []error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			app, err := services[i%2].Submit(ctx, w.application(verifier.CategoryRohiniProvider))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case app.Stage == registry.StageRejected && strings.Contains(strings.Join(app.Reasons, " "), "already registered"):
				refused++
			case app.Stage != registry.StageRejected:
				proceeded++
			default:
				errs = append(errs, errors.New(strings.Join(app.Reasons, "; ")))
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	assert.Equal(t, 1, proceeded, "exactly one application proceeds")
	assert.Equal(t, 19, refused)
}

func TestSolutionCertificateReliance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	var codes []string
	var certID string
	shared := w.certificate(hcxonboard.RolePayer)
	for range 3 {
		app := w.application(verifier.CategoryPayer)
		app.SandboxCertificate = shared
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.NotEqual(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)
		codes = append(codes, a.Participant.ParticipantCode)
		certID = a.Sandbox.CertificateID
		assert.Contains(t, a.Participant.LinkedRegistryCodes, a.Sandbox.Issuer+"/"+certID+"@sandbox")
	}
	// Another solution certificate's participant is not listed.
	_, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
	require.NoError(t, err)

	ps, err := svc.RelyingOn(ctx, w.issuer.ID(), certID)
	require.NoError(t, err)
	var got []string
	for _, p := range ps {
		got = append(got, p.ParticipantCode)
	}
	assert.ElementsMatch(t, codes, got, "every participant on the shared certificate, no other")
	_, err = svc.RelyingOn(ctx, "", certID)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	// A page at a time, by cursor: the same participants.
	var paged []string
	for cursor, pages := "", 0; ; pages++ {
		require.Less(t, pages, 10)
		page, err := svc.RelyingOnPage(ctx, w.issuer.ID(), certID, 2, cursor)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Items), 2)
		for _, p := range page.Items {
			paged = append(paged, p.ParticipantCode)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	assert.ElementsMatch(t, codes, paged)
	_, err = svc.RelyingOnPage(ctx, w.issuer.ID(), certID, 2, "not-a-cursor")
	require.Error(t, err)

	// The audit trail pages too, by cursor, to its end.
	a, err := svc.ApplicationByParticipant(ctx, ps[0].ParticipantCode)
	require.NoError(t, err)
	all, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	var seqs []int64
	for cursor, pages := "", 0; ; pages++ {
		require.Less(t, pages, 100)
		page, err := svc.EventsPage(ctx, a.ID, 1, cursor)
		require.NoError(t, err)
		for _, e := range page.Items {
			seqs = append(seqs, e.Seq)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	require.Len(t, seqs, len(all))
	for i, e := range all {
		require.Equal(t, e.Seq, seqs[i])
	}
	_, err = svc.EventsPage(ctx, a.ID, 1, "c1.bm90")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	// A cursor past the trail's end pages to nothing; it never starts the
	// trail over (the largest sequence number included).
	for _, after := range []string{strconv.FormatInt(all[len(all)-1].Seq, 10), "9223372036854775807"} {
		page, err := svc.EventsPage(ctx, a.ID, 10, registry.EncodeCursor(registry.Position{Key: after}))
		require.NoError(t, err)
		assert.Empty(t, page.Items, "after %s", after)
		assert.Empty(t, page.Next)
	}
}

// TestMismatchReviewCarriesFindings: a registry check that found the
// applicant's name differs from the registry's opens a review whose task
// shows both values side by side; the next check updates them, and a
// match settles the review.
func TestMismatchReviewCarriesFindings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	registryName, match := "Sanjeevani Hospital Trust", false
	check := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		rep, err := w.verifier.Verify(ctx, app)
		if err != nil {
			return nil, err
		}
		for i, res := range rep.Requirements {
			if res.ID != verifier.ReqHFRLookup {
				continue
			}
			f := verifier.Finding{Field: "name", Applicant: app.ParticipantName, Registry: registryName, Source: "hfr",
				Match: match}
			res.Findings = []verifier.Finding{f}
			if !f.Match {
				res.Outcome, res.Task, res.Message = verifier.Pending, verifier.TaskReview, "the name differs from HFR's"
			}
			rep.Requirements[i] = res
		}
		return rep, nil
	})
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(check))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	var review onboarding.Task
	for _, tk := range a.OpenTasks() {
		if tk.Requirement == verifier.ReqHFRLookup {
			review = tk
		}
	}
	require.Equal(t, onboarding.KindReview, review.Kind, "a mismatch is never settled by itself")
	require.Len(t, review.Findings, 1)
	assert.Equal(t, verifier.Finding{Field: "name", Applicant: "Sanjeevani Multispeciality Hospital", Registry: registryName,
		Source: "hfr", Match: false}, review.Findings[0])

	registryName, match = "SANJEEVANI  multispeciality hospital", true
	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	got, _ := a.Task(review.ID)
	assert.Equal(t, onboarding.TaskDone, got.State, "the registry now agrees: the review is settled")
}

// One signed empanelment proof backs one participant: a second
// application presenting it is refused, naming the holder.
func TestEmpanelmentProofIsSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first := w.application(verifier.CategoryEmpanelledProvider)
	first.Empanelment.Proof = w.proof(first.Empanelment.EmpanelmentID)
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)

	again := w.application(verifier.CategoryEmpanelledProvider)
	again.Empanelment.Proof = first.Empanelment.Proof
	b, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	rejectedFor(t, b, "empanelment_proof: empanelment proof "+payerCode)
	rejectedFor(t, b, "already backs participant "+a.Participant.ParticipantCode)

	// A fresh proof from the payer is fine.
	fresh := w.application(verifier.CategoryEmpanelledProvider)
	fresh.Empanelment.Proof = w.proof(fresh.Empanelment.EmpanelmentID)
	c, err := svc.Submit(ctx, fresh)
	require.NoError(t, err)
	assert.NotEqual(t, registry.StageRejected, c.Stage, "reasons: %v", c.Reasons)
}

// TestHPRDifferenceIsReviewedBeforeVerification checks that a
// practitioner whose details differ from HPR's record waits, after HPR's
// code, for the staff review of the difference: it is not verified with
// the difference unreviewed, and the review can be decided either way.
func TestHPRDifferenceIsReviewedBeforeVerification(t *testing.T) {
	t.Parallel()
	for _, approve := range []bool{true, false} {
		t.Run(fmt.Sprint("approve ", approve), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore())
			app := w.application(verifier.CategoryABDMPractitioner)
			app.ParticipantName = "Dr. Vikram Seth"
			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
			code, ok := w.hfr.LastHPROTP(hprNumber)
			require.True(t, ok)
			a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
			require.NoError(t, err)
			require.Equal(t, registry.StageVerifying, a.Stage, "not verified with the difference unreviewed")
			review := onlyTask(t, a, onboarding.KindReview)
			a, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: approve, Reviewer: "staff:asha", Reason: "checked with HPR"})
			require.NoError(t, err)
			if approve {
				assert.Equal(t, registry.StageDetails, a.Stage)
			} else {
				assert.Equal(t, registry.StageRejected, a.Stage)
			}
		})
	}
}

// A registry id the application's category does not check is neither held
// nor published: a practitioner who proves herself through HPR cannot
// attach a hospital's HFR id (no look-up, no OTP to its manager) and so
// be listed as that facility, or keep the facility itself out.
func TestUncheckedRegistryIDsAreNeitherHeldNorPublished(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	doctor := w.application(verifier.CategoryABDMPractitioner)
	doctor.Identifiers.HFRID = abdmFacility // the hospital's, not hers
	d, err := svc.Submit(ctx, doctor)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, d.Stage, "reasons: %v", d.Reasons)
	require.NotNil(t, d.Participant)
	for _, c := range d.Participant.LinkedRegistryCodes {
		assert.NotContains(t, c, "@hfr", "an HFR id nothing checked is published as the practitioner's")
	}
	hpr, err := verifier.NormalizeHPRID(hprNumber)
	require.NoError(t, err)
	assert.Contains(t, d.Participant.LinkedRegistryCodes, hpr+"@hpr", "what HPR checks is published")

	h, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	assert.NotEqual(t, registry.StageRejected, h.Stage, "the facility itself is not kept out: %v", h.Reasons)

	// The checked identity is still one participant's.
	again := w.application(verifier.CategoryABDMPractitioner)
	a, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	rejectedFor(t, a, "HPR professional")
}

// One professional is one identity whether the application names her by
// her HPR number or by her HPR address: once HPR authenticates her, the
// engine holds both. Of two applications under the two forms, each learns
// from HPR's answer that the other holds her other form, and waits on
// staff (identity_dispute): neither is rejected for what the other, maybe
// unauthenticated, filed. Later applications under either form are
// refused at submission.
func TestHPRNumberAndAddressAreOneIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const address = "asha.rao@hpr.abdm" // hprNumber's address in the fake HPR
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	// HPR's code for a professional is the last one it sent her.
	submit := func(app *hcxonboard.Application) (*onboarding.Application, string) {
		t.Helper()
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		code, ok := w.hfr.LastHPROTP(app.Identifiers.HPRID)
		require.True(t, ok)
		return a, code
	}
	disputed := func(a *onboarding.Application, code, form string, holder *onboarding.Application) {
		t.Helper()
		a, err := svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		review := onlyTask(t, a, onboarding.KindReview)
		assert.Equal(t, onboarding.RequirementIdentityDispute, review.Requirement)
		assert.Contains(t, review.Message, "HPR professional "+form)
		assert.Contains(t, review.Message, holder.Participant.ParticipantCode)
	}
	byAddress := w.application(verifier.CategoryABDMPractitioner)
	byAddress.Identifiers.HPRID = address
	m, mCode := submit(byAddress)
	n, nCode := submit(w.application(verifier.CategoryABDMPractitioner)) // two forms, not yet known to be one

	disputed(n, nCode, address, m)
	disputed(m, mCode, hprNumber, n)

	for _, id := range []string{hprNumber, address} {
		app := w.application(verifier.CategoryABDMPractitioner)
		app.Identifiers.HPRID = id
		x, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		rejectedFor(t, x, "is already registered with this HCX")
	}
}

// Under WithIdentityDisputes, as without it, the application that
// learns from HPR's answer that another holds its professional waits on
// staff; the code it confirmed counts.
func TestHPRAliasHeldByAnotherIsDisputed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const address = "asha.rao@hpr.abdm"
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithIdentityDisputes(true))
	byAddress := w.application(verifier.CategoryABDMPractitioner)
	byAddress.Identifiers.HPRID = address
	m, err := svc.Submit(ctx, byAddress)
	require.NoError(t, err)
	n, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner))
	require.NoError(t, err)
	code, ok := w.hfr.LastHPROTP(hprNumber)
	require.True(t, ok)
	otp := onlyTask(t, n, onboarding.KindOTP)
	n, err = svc.ConfirmOTP(ctx, n.ID, otp.ID, code)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, n.Stage, "reasons: %v", n.Reasons)
	review := onlyTask(t, n, onboarding.KindReview)
	assert.Equal(t, onboarding.RequirementIdentityDispute, review.Requirement)
	assert.Contains(t, review.Message, "HPR professional "+address)
	assert.Contains(t, review.Message, m.Participant.ParticipantCode)
	otp, ok = n.Task(otp.ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskDone, otp.State, "HPR's code was right")
}
