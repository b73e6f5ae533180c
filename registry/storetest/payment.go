package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// testPaymentDetails: the IFSC of a participant's payment details is
// searchable (registry.FieldIFSCCode) from its creation on, follows its
// changes and is gone with them; a participant without one has the empty
// IFSC, as a participant without a scheme code has the empty scheme code.
func testPaymentDetails(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	p := newParticipant("1000001@hcx", at(0))
	p.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
	other := newParticipant("1000002@hcx", at(time.Hour))
	seed(t, s, newApp("app-2", "key-2", "1000002@hcx", at(time.Hour)), other)

	got, err := s.Participant(ctx, p.ParticipantCode)
	require.NoError(t, err)
	requireParticipant(t, p, got)

	find := func(c registry.Condition) []string {
		t.Helper()
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldIFSCCode: c}}
		hits, err := s.SearchParticipants(ctx, q)
		require.NoError(t, err)
		return codes(hits)
	}
	me, them, both := []string{"1000001@hcx"}, []string{"1000002@hcx"}, []string{"1000001@hcx", "1000002@hcx"}
	update := func(change func(p *hcxonboard.Participant)) {
		t.Helper()
		p = p.Clone()
		change(p)
		p.UpdatedAt = p.UpdatedAt.Add(time.Minute)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
		got, err := s.Participant(ctx, p.ParticipantCode)
		require.NoError(t, err)
		requireParticipant(t, p, got)
	}
	requireFinds := func(when string, cases map[string][]string, cond func(v string) registry.Condition) {
		t.Helper()
		for v, want := range cases {
			if want == nil {
				require.Empty(t, find(cond(v)), "%s: %q", when, v)
			} else {
				require.Equal(t, want, find(cond(v)), "%s: %q", when, v)
			}
		}
	}

	// Created with an IFSC.
	require.Equal(t, me, find(registry.Eq("SBIN0001234")))
	require.Equal(t, me, find(registry.StartsWith("sbin")))
	require.Equal(t, them, find(registry.Neq("SBIN0001234")))
	require.Equal(t, them, find(registry.Eq("")))

	// A status change keeps it.
	update(func(p *hcxonboard.Participant) { p.Status = hcxonboard.StatusActive })
	require.Equal(t, me, find(registry.Eq("SBIN0001234")))

	// Another branch: the old IFSC is gone, the new one found.
	update(func(p *hcxonboard.Participant) {
		p.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "HDFC0000123"}
	})
	requireFinds("after a change", map[string][]string{"SBIN0001234": nil, "HDFC0000123": me, "": them}, registry.Eq)
	requireFinds("after a change", map[string][]string{"sbin": nil, "hdfc": me}, registry.StartsWith)
	requireFinds("after a change", map[string][]string{"SBIN0001234": both, "HDFC0000123": them}, registry.Neq)
	requireFinds("after a change", map[string][]string{"sbin": both, "hdfc": them}, registry.NotContains)

	// Paid by UPI instead: no IFSC.
	update(func(p *hcxonboard.Participant) { p.PaymentDetails = &hcxonboard.PaymentDetails{UPIID: "city@okicici"} })
	requireFinds("paid by UPI", map[string][]string{"HDFC0000123": nil, "": both}, registry.Eq)
	requireFinds("paid by UPI", map[string][]string{"okicici": nil, "hdfc": nil, "": both}, registry.Contains)
	requireFinds("paid by UPI", map[string][]string{"HDFC0000123": both}, registry.Neq)

	// A bank account again, then no payment details at all.
	update(func(p *hcxonboard.Participant) {
		p.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	})
	require.Equal(t, me, find(registry.Eq("SBIN0001234")))
	update(func(p *hcxonboard.Participant) { p.PaymentDetails = nil })
	requireFinds("without payment details", map[string][]string{"SBIN0001234": nil, "": both}, registry.Eq)
	requireFinds("without payment details", map[string][]string{"SBIN0001234": both, "": nil}, registry.Neq)
	requireFinds("without payment details", map[string][]string{"sbin": nil, "": both}, registry.StartsWith)
	requireFinds("without payment details", map[string][]string{"1234": both, "": nil}, registry.NotEndsWith)
}
