package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// movableClock is a clock a test moves.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The applicant token expires a while after it was issued, is renewed by
// use, can be rotated, and dies with the go-live.
func TestApplicantTokenLifecycle(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	key := []byte("applicant-key-for-the-token-lifecycle-test-0123")
	f := newFixture(t, httpapi.WithClock(clk.now), httpapi.WithApplicantKey(key), httpapi.WithApplicantTokenTTL(72*time.Hour))
	a, tok := f.submit(f.regulator("Token Regulator"))
	path := "/v1/onboarding/applications/" + a.ID
	get := func(tok string) response { return f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}) }

	// A token of the first format (the application id's MAC alone) counts
	// from the application's creation and is exchanged on use — but only
	// for generation 0.
	b, _ := f.submit(f.regulator("Legacy Token Regulator"))
	m := hmac.New(sha256.New, key)
	m.Write([]byte("hcxonboard.httpapi.applicant.v1\x00"))
	m.Write([]byte(b.ID))
	legacy := httpapi.ApplicantTokenPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + b.ID, auth: bearer(legacy)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.NotEmpty(t, res.header.Get("X-Applicant-Token"), "exchanged for the new format")

	res = get(tok)
	require.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.header.Get("X-Applicant-Token"), "a fresh token is not renewed")

	// Used after two days, it is answered with a renewed one; and it
	// lives on 72 hours from that use, not from its issue.
	clk.add(48 * time.Hour)
	res = get(tok)
	require.Equal(t, http.StatusOK, res.status)
	renewed := res.header.Get("X-Applicant-Token")
	require.NotEmpty(t, renewed)
	clk.add(48 * time.Hour)
	require.Equal(t, http.StatusOK, get(tok).status, "used 48 hours ago: 96 hours after its issue, it lives on")
	require.Equal(t, http.StatusOK, get(renewed).status, "the renewed one lives on")

	// Rotation kills every earlier token.
	res = f.do(request{method: http.MethodPost, path: path + "/applicant-token", auth: bearer(renewed)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var rotated httpapi.ApplyResponse
	res.decode(t, &rotated)
	assert.Equal(t, http.StatusForbidden, get(renewed).status, "replaced")
	require.Equal(t, http.StatusOK, get(rotated.ApplicantToken).status)

	// 72 hours without use: every token expires.
	clk.add(72 * time.Hour)
	res = get(rotated.ApplicantToken)
	assert.Equal(t, http.StatusForbidden, res.status, "72 hours without use")
	assert.Contains(t, res.envelope(t).Error.Message, "without use")
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + b.ID, auth: bearer(legacy)})
	assert.Equal(t, http.StatusForbidden, res.status, "and it expires like the rest")
}

// A repeat of a submission answers its applicant token — to a client whose
// first answer was lost, or whose token expired unused — but it is no
// capability for anyone else who sees the document: staff views leave out
// the idempotency key (application_id) that a repeat needs.
func TestApplyReplayAnswersTheTokenOnlyToItsSubmitter(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixture(t, httpapi.WithClock(clk.now))
	apply := func(body any) httpapi.ApplyResponse {
		t.Helper()
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: body})
		require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
		var out httpapi.ApplyResponse
		res.decode(t, &out)
		return out
	}
	app := f.regulator("Replayed Regulator")
	app.ApplicationID = "6b1f0c8e-5a7d-4e8b-9c21-2f6d3a1b7e90"
	first := apply(app)
	path := "/v1/onboarding/applications/" + first.Application.ID
	get := func(tok string) int {
		return f.do(request{method: http.MethodGet, path: path, auth: bearer(tok)}).status
	}

	// The applicant sees its key; staff see neither it nor the document's.
	assert.Equal(t, app.ApplicationID, first.Application.ApplicationID)
	for _, staffPath := range []string{"/v1/onboarding/staff/applications/" + first.Application.ID, "/v1/onboarding/staff/applications?waiting=all"} {
		res := f.do(request{method: http.MethodGet, path: staffPath, auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		assert.NotContains(t, string(res.body), app.ApplicationID, staffPath)
	}
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + first.Application.ID, auth: bearer(staffToken)})
	var seen struct {
		Submitted json.RawMessage `json:"submitted"`
	}
	res.decode(t, &seen)
	// What staff saw, submitted again, is a new application (without a
	// key), whose token does not open the first.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: []byte(seen.Submitted)})
	var other httpapi.ApplyResponse
	if json.Unmarshal(res.body, &other) == nil && other.ApplicantToken != "" {
		require.NotNil(t, other.Application)
		assert.NotEqual(t, first.Application.ID, other.Application.ID)
		assert.Equal(t, http.StatusForbidden, get(other.ApplicantToken))
	}

	// The submitter's own repeat: within the day, the same token.
	assert.Equal(t, first.ApplicantToken, apply(app).ApplicantToken)

	// Its token expired unused: a repeat is its way back.
	clk.add(httpapi.DefaultApplicantTokenTTL + time.Hour)
	require.Equal(t, http.StatusForbidden, get(first.ApplicantToken), "expired")
	again := apply(app)
	require.Equal(t, http.StatusOK, get(again.ApplicantToken))

	// After a rotation, a repeat answers the current generation's token.
	res = f.do(request{method: http.MethodPost, path: path + "/applicant-token", auth: bearer(again.ApplicantToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, http.StatusForbidden, get(again.ApplicantToken), "rotated away")
	assert.Equal(t, http.StatusOK, get(apply(app).ApplicantToken))
}

// A guessable application_id is no capability either: staff who see the
// document and guess its key (here the sandbox participant code, as a
// scheme's list often reuses it) must not be able to repeat the
// submission. Staff views leave out the sandbox certificate, the
// applicant's own credential, so what staff can send differs from what
// was submitted.
func TestApplyReplayNeedsTheCertificateStaffNeverSee(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := f.regulator("Guessable Regulator")
	app.ApplicationID = app.SandboxParticipantCode
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var first httpapi.ApplyResponse
	res.decode(t, &first)

	for _, staffPath := range []string{"/v1/onboarding/staff/applications/" + first.Application.ID, "/v1/onboarding/staff/applications?waiting=all"} {
		res := f.do(request{method: http.MethodGet, path: staffPath, auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		assert.NotContains(t, string(res.body), app.SandboxCertificate, staffPath)
	}
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + first.Application.ID, auth: bearer(staffToken)})
	var seen struct {
		Submitted map[string]any `json:"submitted"`
	}
	res.decode(t, &seen)
	require.NotNil(t, seen.Submitted)
	seen.Submitted["application_id"] = app.SandboxParticipantCode
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: seen.Submitted})
	assert.NotContains(t, string(res.body), first.ApplicantToken, "a guessed key and what staff see make no repeat")
	assert.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)

	// The submitter, who holds the certificate, still repeats.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var again httpapi.ApplyResponse
	res.decode(t, &again)
	assert.Equal(t, first.ApplicantToken, again.ApplicantToken)
}
