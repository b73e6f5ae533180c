package onboarding_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestEndToEndMemoryStore(t *testing.T) {
	t.Parallel()
	testEndToEnd(t, memoryStore)
}

// settle completes step 2 for one application: whatever its tasks wait on.
type settle func(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application

// testEndToEnd takes an application of every category from Submit to
// Active over stores made by newStore, against the HFR and ROHINI fakes
// and a recording Notifier, through the readiness checks of an endpoint
// serving readiness/participant's handler. Any registry.Store should
// pass it.
func testEndToEnd(t *testing.T, newStore storeFactory) {
	op := readinesstest.NewOperator(13)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	confirmAdminOTP := func(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application {
		task := onlyTask(t, a, onboarding.KindOTP)
		assert.Equal(t, onboarding.ChannelSystemAdmin, task.Channel)
		otps := w.notes.of(onboarding.MessageOTP, a.ID)
		require.Len(t, otps, 1)
		assert.Equal(t, a.Submitted.SystemAdmin.Email, otps[0].To, "the code goes to the system admin the application names")
		assert.Len(t, otps[0].Code, 6)
		out, err := svc.ConfirmOTP(context.Background(), a.ID, task.ID, otps[0].Code)
		require.NoError(t, err)
		return out
	}
	confirmHFROTP := func(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application {
		task := onlyTask(t, a, onboarding.KindOTP)
		assert.Equal(t, onboarding.ChannelHFR, task.Channel)
		assert.Empty(t, w.notes.of(onboarding.MessageOTP, a.ID), "HFR sends its own code; the engine sends none")
		intimations := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
		require.Len(t, intimations, 1, "the manager HFR holds is told of the attempt")
		assert.Equal(t, abdmFacility+"@hfr", intimations[0].To)
		assert.Contains(t, intimations[0].Body, "Dr. Asha Rao")
		assert.NotContains(t, intimations[0].Body, "9000001905", "HFR's contact stays masked")
		code, ok := w.hfr.LastOTP(abdmFacility)
		require.True(t, ok)
		out, err := svc.ConfirmOTP(context.Background(), a.ID, task.ID, code)
		require.NoError(t, err)
		// The manager's consent lets the engine take HFR's record.
		assert.Equal(t, "hfr", out.Sources["address"])
		assert.Equal(t, "560034", out.Participant.Address.Pincode)
		assert.Equal(t, "Hospital", out.FacilityType)
		return out
	}
	confirmHPR := func(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application {
		task := onlyTask(t, a, onboarding.KindOTP)
		assert.Equal(t, onboarding.ChannelHPR, task.Channel, "the professional proves it through HPR")
		assert.Empty(t, w.notes.of(onboarding.MessageOTP, a.ID), "HPR sends its own code")
		code, ok := w.hfr.LastHPROTP(hprNumber)
		require.True(t, ok)
		out, err := svc.ConfirmOTP(context.Background(), a.ID, task.ID, code)
		require.NoError(t, err)
		assert.Equal(t, "hpr", out.Sources["participant_name"])
		assert.Equal(t, "Asha Rao", out.Participant.ParticipantName, "the name HPR holds")
		return out
	}
	decide := func(kind string) settle {
		return func(t *testing.T, w *world, svc *onboarding.Service, a *onboarding.Application) *onboarding.Application {
			task := onlyTask(t, a, kind)
			switch kind {
			case onboarding.KindApproval:
				reqs := w.notes.of(onboarding.MessageApprovalRequest, a.ID)
				require.Len(t, reqs, 1)
				assert.Equal(t, payerCode, reqs[0].To)
				assert.Contains(t, reqs[0].Body, "SHAS-EMP-2024-0456")
			case onboarding.KindReview:
				require.NotEmpty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID))
			}
			out, err := svc.Decide(context.Background(), a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "officer-7", Reason: "confirmed"})
			require.NoError(t, err)
			return out
		}
	}
	nothing := func(t *testing.T, _ *world, _ *onboarding.Service, a *onboarding.Application) *onboarding.Application {
		assert.Empty(t, a.Tasks, "every requirement was settled at submission")
		return a
	}

	cases := []struct {
		name      string
		category  verifier.Category
		tweak     func(w *world, app *hcxonboard.Application)
		linked    []string
		settled   bool // step 2 complete at submission
		completes settle
	}{
		{name: "payer", category: verifier.CategoryPayer, completes: confirmAdminOTP},
		{name: "state_scheme", category: verifier.CategoryStateScheme, completes: confirmAdminOTP},
		{name: "corporate_sponsor", category: verifier.CategoryCorporateSponsor, completes: confirmAdminOTP},
		{name: "tpa", category: verifier.CategoryTPA, completes: confirmAdminOTP},
		{name: "isnp", category: verifier.CategoryISNP, completes: confirmAdminOTP},
		{name: "abdm_provider", category: verifier.CategoryABDMProvider, completes: confirmHFROTP,
			linked: []string{abdmFacility + "@hfr"}},
		{name: "abdm_practitioner", category: verifier.CategoryABDMPractitioner, completes: confirmHPR,
			linked: []string{hprNumber + "@hpr"}},
		{name: "rohini_provider", category: verifier.CategoryRohiniProvider, settled: true, completes: nothing,
			linked: []string{"8900080336704@rohini"}},
		{name: "empanelled_provider", category: verifier.CategoryEmpanelledProvider, completes: decide(onboarding.KindApproval)},
		{name: "empanelled_provider_signed_proof", category: verifier.CategoryEmpanelledProvider, settled: true, completes: nothing,
			tweak: func(w *world, app *hcxonboard.Application) {
				app.Empanelment.Proof = w.proof(app.Empanelment.EmpanelmentID)
			}},
		{name: "regulator", category: verifier.CategoryRegulator, completes: decide(onboarding.KindReview)},
		{name: "bsp", category: verifier.CategoryBSP, settled: true, completes: nothing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			store := newStore(t)
			svc := w.service(store, onboarding.WithReadiness(checker, true, 0),
				onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
			app := w.application(tc.category)
			if tc.tweak != nil {
				tc.tweak(w, app)
			}

			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			require.Empty(t, a.Reasons)
			assert.Contains(t, a.Report.Categories, tc.category)
			require.NotNil(t, a.Participant)
			assert.Equal(t, hcxonboard.StatusCreated, a.Participant.Status)
			// The registries that know the applicant, and the sandbox
			// solution certificate it relies on.
			linked := append(slices.Clone(tc.linked), w.issuer.ID()+"/"+a.Sandbox.CertificateID+"@sandbox")
			assert.Equal(t, linked, a.Participant.LinkedRegistryCodes)
			stored, err := store.Participant(ctx, a.Participant.ParticipantCode)
			require.NoError(t, err)
			assert.Equal(t, hcxonboard.StatusCreated, stored.Status)
			if tc.settled {
				assert.Equal(t, registry.StageDetails, a.Stage)
			} else {
				assert.Equal(t, registry.StageVerifying, a.Stage)
			}

			a = tc.completes(t, w, svc, a)
			require.Equal(t, registry.StageDetails, a.Stage, "step 2 is complete")
			assert.Equal(t, verifier.VerdictReady, a.Report.Verdict)
			for _, res := range a.Report.Requirements {
				assert.Equal(t, verifier.Satisfied, res.Outcome, "%s once step 2 is complete: %s", res.ID, res.Message)
			}

			// The participant's endpoint, answering the readiness
			// challenge with the keys of the certificates it registers.
			p := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
			d := w.details("hcx." + strings.ReplaceAll(tc.name, "_", "-") + ".example")
			d.EndpointURL, d.EncryptionCert, d.SigningCertPath = p.EndpointURL, p.EncryptionCert, p.SigningCert
			a, err = svc.SubmitDetails(ctx, a.ID, d)
			require.NoError(t, err)
			require.Equal(t, registry.StageCredentials, a.Stage)
			block, _ := pem.Decode([]byte(p.EncryptionCert))
			require.NotNil(t, block)
			encCert, err := x509.ParseCertificate(block.Bytes)
			require.NoError(t, err)
			assert.Equal(t, encCert.NotAfter.UnixMilli(), a.Participant.EncryptionCertExpiry)

			creds, err := svc.Provision(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, a.Participant.ParticipantCode, creds.ParticipantCode)

			checklist := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops-lead"}
			_, err = svc.GoLive(ctx, a.ID, checklist)
			require.ErrorIs(t, err, onboarding.ErrNotReady, "go-live waits on the readiness checks")
			a, err = svc.CheckReadiness(ctx, a.ID)
			require.NoError(t, err)
			require.NotNil(t, a.Readiness)
			require.True(t, a.Readiness.Report.Ready, a.Readiness.Report.Summary())
			for _, res := range a.Readiness.Report.Checks {
				assert.Equal(t, readiness.Passed, res.Outcome, "%s: %s", res.Check, res.Message)
			}

			a, err = svc.GoLive(ctx, a.ID, checklist)
			require.NoError(t, err)
			assert.Equal(t, registry.StageLive, a.Stage)
			assert.Equal(t, hcxonboard.StatusActive, a.Status)
			stored, err = store.Participant(ctx, a.Participant.ParticipantCode)
			require.NoError(t, err)
			assert.Equal(t, hcxonboard.StatusActive, stored.Status)

			onboarded := w.notes.of(onboarding.MessageOnboarded, a.ID)
			require.Len(t, onboarded, 1)
			assert.Equal(t, onboarding.Broadcast, onboarded[0].To)
			assert.Contains(t, onboarded[0].Body, a.Participant.ParticipantCode)

			tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.NoError(t, err)
			claims, err := svc.VerifyToken(ctx, tok.Value)
			require.NoError(t, err)
			assert.Equal(t, creds.ParticipantCode, claims.ParticipantCode)

			require.NoError(t, svc.VerifyChain(ctx, a.ID))
			events, err := svc.Events(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, []string{onboarding.ActionSubmit, onboarding.ActionRegister}, actions(events)[:2])
			assert.Equal(t, onboarding.ActionGoLive, events[len(events)-1].Action)
			assert.Equal(t, "credentials", events[len(events)-1].From)
			assert.Equal(t, "Active", events[len(events)-1].To)
		})
	}
}

// onlyTask returns the application's single open task, of the given kind.
func onlyTask(t *testing.T, a *onboarding.Application, kind string) onboarding.Task {
	t.Helper()
	open := a.OpenTasks()
	require.Len(t, open, 1, "tasks: %+v", a.Tasks)
	require.Equal(t, kind, open[0].Kind)
	return open[0]
}

func actions(es []registry.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}
