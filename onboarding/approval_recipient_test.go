package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An approval request goes to the empanelling payer's participant code.
// Text the applicant typed never becomes its address: not the payer's
// name or scheme when no code is given, and not a code that is an
// address of another kind (the whole network, the operator's staff, a
// facility's HFR manager, an e-mail or a mobile number no participant
// holds). Such a request goes to staff, who ask the payer by other means
// and decide for it.
func TestApprovalRequestGoesOnlyToAPayerCode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, code, payerName string }{
		{"name broadcast, no code", "", onboarding.Broadcast},
		{"name staff, no code", "", onboarding.Staff},
		{"name an e-mail, no code", "", "victim@elsewhere.example"},
		{"code broadcast", onboarding.Broadcast, "State Health Assurance Society"},
		{"code staff", onboarding.Staff, "State Health Assurance Society"},
		{"code an HFR manager", "IN2910000123@hfr", "State Health Assurance Society"},
		{"code an e-mail", "victim@elsewhere.example", "State Health Assurance Society"},
		{"code a mobile", "+91 98123 45670", "State Health Assurance Society"},
		{"code an e-mail with an underscore in its domain", "victim@mail_box.example.org", "State Health Assurance Society"},
		{"code an e-mail with digits in its top-level domain", "victim@example.c0m", "State Health Assurance Society"},
		{"code an e-mail with a long local part", strings.Repeat("v", 65) + "@elsewhere.example", "State Health Assurance Society"},
		{"code a payer name", "State Health Assurance Society", "State Health Assurance Society"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore())
			app := w.application(verifier.CategoryEmpanelledProvider)
			app.Empanelment.PayerCode = c.code
			app.Empanelment.PayerName = c.payerName
			app.Empanelment.Scheme = ""
			app.Empanelment.Proof = ""
			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			reqs := w.notes.of(onboarding.MessageApprovalRequest, a.ID)
			require.Len(t, reqs, 1, "one request")
			assert.Equal(t, onboarding.Staff, reqs[0].To, "%s", reqs[0].Body)
			assert.Contains(t, reqs[0].Body, "by other means")
			task := onlyTask(t, a, onboarding.KindApproval)
			assert.Equal(t, onboarding.Staff, task.Recipient)
		})
	}
}

// A payer code is the address whether or not the registry knows it (the
// operator's Notifier reaches the payer), so long as it is not an
// address of another kind.
func TestApprovalRequestGoesToThePayerCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryEmpanelledProvider)
	app.Empanelment.Proof = ""
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	reqs := w.notes.of(onboarding.MessageApprovalRequest, a.ID)
	require.Len(t, reqs, 1)
	assert.Equal(t, payerCode, reqs[0].To)
	assert.Equal(t, payerCode, onlyTask(t, a, onboarding.KindApproval).Recipient)
}

// An instance code may hold a dot, which gives its codes an e-mail's
// shape: a payer of this registry is still addressed by its code, while
// an e-mail no participant holds as its code still goes to staff.
func TestApprovalRequestReachesAPayerOfADottedInstance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithInstanceCode("hcx.test"))
	_, creds := live(t, w, svc)
	code := creds.ParticipantCode
	require.True(t, strings.HasSuffix(code, "@hcx.test"), code)

	for payer, want := range map[string]string{code: code, "payr_other_000001@hcx.test": onboarding.Staff} {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = payer
		app.Empanelment.Proof = ""
		app.ApplicationID = "" // a second submission of the same hospital's application: its own
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		reqs := w.notes.of(onboarding.MessageApprovalRequest, a.ID)
		require.Len(t, reqs, 1)
		assert.Equal(t, want, reqs[0].To, payer)
		_, err = svc.Withdraw(ctx, a.ID, "applicant", "the next case") // frees the facility's identities
		require.NoError(t, err)
	}
}

// Staff deciding a request that went to them — the payer is not on this
// HCX — record the payer the applicant named, whom they asked by other
// means, not a "payer staff": the audit trail and the rejection the
// applicant reads say on whose behalf the decision was taken.
func TestStaffDecidingForAPayerNotOnTheHCXNameIt(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	submit := func(t *testing.T) *onboarding.Application {
		t.Helper()
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = ""
		app.Empanelment.PayerName = "Karunya Health Scheme"
		app.Empanelment.Proof = ""
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		return a
	}
	last := func(t *testing.T, id, action string) registry.Event {
		t.Helper()
		events, err := svc.Events(ctx, id)
		require.NoError(t, err)
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].Action == action {
				return events[i]
			}
		}
		t.Fatalf("no %s event", action)
		return registry.Event{}
	}

	a := submit(t)
	_, err := svc.Decide(ctx, a.ID, onlyTask(t, a, onboarding.KindApproval).ID,
		onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "scheme confirmed by letter"})
	require.NoError(t, err)
	e := last(t, a.ID, onboarding.ActionApprove)
	assert.Equal(t, "staff:asha", e.Actor)
	assert.Contains(t, e.Reason, `on behalf of payer "Karunya Health Scheme"`)
	assert.NotContains(t, e.Reason, "payer "+onboarding.Staff)

	b := submit(t)
	b, err = svc.Decide(ctx, b.ID, onlyTask(t, b, onboarding.KindApproval).ID,
		onboarding.Decision{Approve: false, Reviewer: "staff:asha", Reason: "the scheme has no such empanelment"})
	require.NoError(t, err)
	require.Len(t, b.Reasons, 1)
	assert.Contains(t, b.Reasons[0], `on behalf of payer "Karunya Health Scheme"`)
	assert.NotContains(t, b.Reasons[0], "payer "+onboarding.Staff)
	assert.Contains(t, last(t, b.ID, onboarding.ActionReject).Reason, `on behalf of payer "Karunya Health Scheme"`)
}
