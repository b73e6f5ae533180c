package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Once an announced de-boarding takes effect the participant is off the
// network — no token is issued to it — though the sweep
// (ProcessDeboardings) has not yet made it Inactive in the store. The
// registry's answers say what is true now: search and read show it
// Inactive, a search for Active participants leaves it out and one for
// Inactive ones finds it, on the specification's routes and this API's,
// exactly as they answer once the sweep has run.
func TestSearchShowsADueDeboardingAsInactiveBeforeTheSweep(t *testing.T) {
	t.Parallel()
	f, clk := noticeFixture(t)
	leaving, secret := f.live("Leaving Regulator")
	staying, _ := f.live("Staying Regulator")
	code, other := leaving.Participant.ParticipantCode, staying.Participant.ParticipantCode
	f.announceDeboarding(leaving.ID)

	type answer struct {
		statusOf       map[string]hcxonboard.Status // by code, every search and read
		active, ended  []string                     // codes found by status Active, Inactive
		v1Active, v1In []string
		token          int
	}
	specSearch := func(body string) []httpapi.SpecParticipant {
		t.Helper()
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(staffToken), body: body})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", body, res.body)
		var out httpapi.SpecSearchResponse
		res.decode(t, &out)
		return out.Participants
	}
	v1Search := func(body string) []hcxonboard.Participant {
		t.Helper()
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: bearer(staffToken), body: body})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", body, res.body)
		var out httpapi.SearchResponse
		res.decode(t, &out)
		return out.Participants
	}
	codes := func(ps []httpapi.SpecParticipant) []string {
		return ours(ps, func(p httpapi.SpecParticipant) string { return p.ParticipantCode }, code, other)
	}
	v1Codes := func(ps []hcxonboard.Participant) []string {
		return ours(ps, func(p hcxonboard.Participant) string { return p.ParticipantCode }, code, other)
	}
	look := func() answer {
		t.Helper()
		a := answer{statusOf: map[string]hcxonboard.Status{}}
		note := func(where string, st hcxonboard.Status) {
			if prev, ok := a.statusOf[where]; ok {
				assert.Equal(t, prev, st, where)
			}
			a.statusOf[where] = st
		}
		for _, p := range specSearch(`{"filters":{"participant_code":{"eq":"` + code + `"}}}`) {
			note("spec search", p.Status)
		}
		for _, p := range specSearch(`{"filters":{"participant_name":{"contains":"Regulator"}}}`) {
			if p.ParticipantCode == code {
				note("spec search by name", p.Status)
			}
		}
		for _, p := range specSearch(`{"filters":{"participant_name":{"queryString":"Leaving"}}}`) {
			note("spec queryString", p.Status)
		}
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: bearer(staffToken),
			body: `{"participant_code":"` + code + `"}`})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var read httpapi.SpecSearchResponse
		res.decode(t, &read)
		require.Len(t, read.Participants, 1)
		note("spec read", read.Participants[0].Status)
		for _, p := range v1Search(`{"filters":{"participant_code":{"eq":"` + code + `"}}}`) {
			note("v1 search", p.Status)
		}
		a.active = codes(specSearch(`{"filters":{"status":{"eq":"Active"}}}`))
		a.ended = codes(specSearch(`{"filters":{"status":{"eq":"Inactive"}}}`))
		a.v1Active = v1Codes(v1Search(`{"filters":{"status":{"eq":"Active"}}}`))
		a.v1In = v1Codes(v1Search(`{"filters":{"status":{"neq":"Active"}}}`))
		res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
			body: map[string]string{"participant_code": code, "username": code, "secret": secret}})
		a.token = res.status
		return a
	}

	clk.add(6 * 24 * time.Hour)
	during := look()
	assert.Equal(t, hcxonboard.StatusActive, during.statusOf["spec search"], "within the notice period")
	assert.Equal(t, []string{code, other}, sorted(during.active))
	assert.Equal(t, http.StatusOK, during.token)

	clk.add(2 * 24 * time.Hour)
	got, err := f.svc.Application(t.Context(), leaving.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status, "the sweep has not run")
	before := look()
	assert.Equal(t, http.StatusUnauthorized, before.token, "no token once the de-boarding took effect")
	for where, st := range before.statusOf {
		assert.Equal(t, hcxonboard.StatusInactive, st, "%s: what is true now", where)
	}
	assert.Equal(t, []string{other}, before.active, "a search for Active participants leaves it out")
	assert.Equal(t, []string{code}, before.ended, "a search for Inactive participants finds it")
	assert.Equal(t, []string{other}, before.v1Active)
	assert.Equal(t, []string{code}, before.v1In)

	n, err := f.svc.ProcessDeboardings(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	after := look()
	assert.Equal(t, after, before, "the same answers before the sweep as after it")
}

// ours lists the codes of ps that are among codes, in the order of ps.
func ours[P any](ps []P, codeOf func(P) string, codes ...string) []string {
	var out []string
	for _, p := range ps {
		if c := codeOf(p); slices.Contains(codes, c) {
			out = append(out, c)
		}
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
