package onboarding

import (
	"bytes"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestTransitionTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, action, to string
		ok               bool
	}{
		{posNew, ActionSubmit, posSubmitted, true},
		{posSubmitted, ActionRegister, posVerifying, true},
		{posSubmitted, ActionReject, posRejected, true},
		{posVerifying, ActionVerified, posDetails, true},
		{posVerifying, ActionConfirmOTP, posVerifying, true},
		{posDetails, ActionSubmitDetails, posCredentials, true},
		{posCredentials, ActionProvision, posCredentials, true},
		{posCredentials, ActionGoLive, posActive, true},
		{posActive, ActionSuspend, posBlocked, true},
		{posBlocked, ActionReinstate, posActive, true},
		{posBlocked, ActionDeboard, posInactive, true},
		{posBlocked, ActionProvision, posBlocked, true},
		{posActive, ActionDeboardWarning, posActive, true},
		{posCredentials, ActionWithdraw, posWithdrawn, true},
		// refused
		{posVerifying, ActionGoLive, "", false},
		{posDetails, ActionProvision, "", false},
		{posActive, ActionWithdraw, "", false},
		{posBlocked, ActionSuspend, "", false},
		{posInactive, ActionReinstate, "", false},
		{posRejected, ActionRecheck, "", false},
		{posWithdrawn, ActionSubmitDetails, "", false},
		{posNew, ActionRegister, "", false},
		{posCredentials, ActionDeboard, "", false},
	}
	for _, tc := range cases {
		to, ok := Allowed(tc.from, tc.action)
		assert.Equal(t, tc.ok, ok, "%q --%s-->", tc.from, tc.action)
		assert.Equal(t, tc.to, to, "%q --%s-->", tc.from, tc.action)
	}
	// Nothing leaves an end; a view of the contacts or a document is
	// recorded there too.
	for e, to := range edges {
		if e.action == ActionViewContacts || e.action == ActionViewDocument {
			assert.Equal(t, e.from, to, "a view moves nothing")
			continue
		}
		assert.NotContains(t, []string{posRejected, posWithdrawn, posInactive}, e.from, "edge out of an end: %+v", e)
	}
}

func TestTransitionErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  *TransitionError
		want string
	}{
		{&TransitionError{Action: ActionGoLive, From: "verifying", To: "Active"}, "onboarding: cannot go_live: verifying → Active is not allowed"},
		{&TransitionError{Action: ActionRecheck, From: "Active"}, "onboarding: cannot recheck an application that is Active"},
		{&TransitionError{Action: ActionConfirmOTP, Task: "otp-1", From: "done"}, "onboarding: cannot confirm_otp task otp-1: it is done"},
		{&TransitionError{Action: ActionAppeal, From: "Active", Reason: "no de-boarding is announced"}, "onboarding: cannot appeal an application that is Active: no de-boarding is announced"},
	}
	for _, tc := range cases {
		assert.EqualError(t, tc.err, tc.want)
		assert.True(t, errors.Is(tc.err, ErrIllegalTransition))
		assert.False(t, errors.Is(tc.err, ErrNotFound))
	}
	assert.Equal(t, "Active", nominalTarget(ActionGoLive, posVerifying))
	assert.Equal(t, posCredentials, nominalTarget(ActionSubmitDetails, posVerifying), "of several places, the stage it moves an application on to")
	assert.Equal(t, posCredentials, nominalTarget(ActionProvision, posVerifying))
	assert.Equal(t, posBlocked, nominalTarget(ActionSuspend, posBlocked), "its one target, where it already is")
}

// sequence is a random source that returns the given 8-byte values.
func sequence(vals ...uint64) *bytes.Reader {
	var b []byte
	for _, v := range vals {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return bytes.NewReader(b)
}

func TestNewCodeIsUniform(t *testing.T) {
	t.Parallel()
	const limit = ^uint64(0) - ^uint64(0)%1_000_000
	cases := []struct {
		name string
		vals []uint64
		want string
	}{
		{"small", []uint64{42}, "000042"},
		{"large", []uint64{1_000_000 + 999_999}, "999999"},
		{"biased tail rejected", []uint64{limit, ^uint64(0), 7}, "000007"},
		{"last unbiased value kept", []uint64{limit - 1}, "999999"},
	}
	for _, tc := range cases {
		got, err := newCode(sequence(tc.vals...))
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	_, err := newCode(sequence())
	require.Error(t, err, "an empty source is an error, not a weak code")
}

func TestCodeHashBindsTaskAndKey(t *testing.T) {
	t.Parallel()
	s := &Service{}
	keyed := &Service{otpKey: bytes.Repeat([]byte{1}, 32)}
	task := &taskState{ID: "otp-1", Salt: "00ff"}
	task.Hash = s.codeHash("app-1", task, "123456")
	assert.True(t, s.codeMatches("app-1", task, "123456"))
	assert.False(t, s.codeMatches("app-1", task, "123457"))
	assert.False(t, s.codeMatches("app-2", task, "123456"), "bound to the application")
	other := *task
	other.ID = "otp-2"
	assert.False(t, s.codeMatches("app-1", &other, "123456"), "bound to the task")
	assert.False(t, keyed.codeMatches("app-1", task, "123456"), "bound to the operator's key")
	broken := *task
	broken.Hash = "zz"
	assert.False(t, s.codeMatches("app-1", &broken, "123456"))
}

func TestDNSNames(t *testing.T) {
	t.Parallel()
	for host, ok := range map[string]bool{
		"hcx.example.org":                     true,
		"a-b.example.org.":                    true,
		"xn--h1aaa.example":                   true,
		"example":                             false,
		"-bad.example.org":                    false,
		"bad-.example.org":                    false,
		"under_score.example":                 false,
		"two..dots.example":                   false,
		"numeric.tld.123":                     false,
		string(make([]byte, 64)) + ".example": false,
	} {
		assert.Equal(t, ok, dnsNameProblem(host) == "", "%q: %s", host, dnsNameProblem(host))
	}
}

func TestSameOrUnder(t *testing.T) {
	t.Parallel()
	denied, _ := url.Parse("https://hcx.example.org/api")
	for raw, want := range map[string]bool{
		"https://hcx.example.org/api":      true,
		"https://HCX.example.org/api/":     true,
		"https://hcx.example.org/api/v1/x": true,
		"https://hcx.example.org:443/api":  true,
		"https://hcx.example.org/apix":     false,
		"https://hcx.example.org/":         false,
		"https://hcx.example.org:8443/api": false,
		"https://other.example.org/api":    false,
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, sameOrUnder(u, denied), raw)
	}
}

func TestMaskAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"admin@example.org": "a****@example.org",
		"+91 90000 11002":   "+** ***** *1002",
		"9000011002":        "******1002",
		"IN2910000123@hfr":  "IN2910000123@hfr",
		"payer01@hcx":       "payer01@hcx",
		Broadcast:           Broadcast,
		Staff:               Staff,
	} {
		assert.Equal(t, want, maskAddress(in), in)
	}
}

func TestSettled(t *testing.T) {
	t.Parallel()
	report := func(outcomes ...verifier.Outcome) *verifier.Report {
		rep := &verifier.Report{}
		for i, o := range outcomes {
			rep.Requirements = append(rep.Requirements, verifier.Result{ID: verifier.RequirementID(fmt.Sprint("req", i)), Outcome: o})
		}
		return rep
	}
	task := func(req, state string) *taskState {
		return &taskState{ID: "t-" + req, Requirement: verifier.RequirementID(req), State: state}
	}
	cases := []struct {
		name  string
		st    state
		ready bool
	}{
		{"no report", state{}, false},
		{"all satisfied", state{Report: report(verifier.Satisfied, verifier.Satisfied)}, true},
		{"pending without a task", state{Report: report(verifier.Satisfied, verifier.Pending)}, false},
		{"pending with a done task", state{Report: report(verifier.Satisfied, verifier.Pending), Tasks: []*taskState{task("req1", TaskDone)}}, true},
		{"pending with an open task", state{Report: report(verifier.Pending), Tasks: []*taskState{task("req0", TaskOpen)}}, false},
		{"a locked task elsewhere", state{Report: report(verifier.Satisfied), Tasks: []*taskState{task("req9", TaskLocked)}}, false},
		{"missing", state{Report: report(verifier.Missing)}, false},
	}
	for _, tc := range cases {
		r := &record{st: &tc.st, now: time.Now()}
		assert.Equal(t, tc.ready, r.settled(), tc.name)
	}
}

func TestDecodeCredentialsMatchesFullDecode(t *testing.T) {
	t.Parallel()
	revoked := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	full := &state{
		Secrets:       []credential.SecretRecord{{ID: "s1", Hash: "ab", ExpiresAt: revoked.Add(time.Hour), RevokedAt: &revoked}},
		CompromisedAt: &revoked,
		Submitted:     &hcxonboard.Application{ParticipantName: "X"},
		Reasons:       []string{"a"},
	}
	raw, err := json.Marshal(full)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(raw, []byte(`{"compromised_at":"2025-03-01T10:00:00Z","ends_at":null,"secrets":`)),
		"the credential fields lead the encoding, the compromise time first, the de-boarding's end second")
	c, err := decodeCredentials(raw)
	require.NoError(t, err)
	assert.Equal(t, full.Secrets, c.Secrets)
	assert.Equal(t, full.CompromisedAt, c.CompromisedAt)
	// VerifyToken needs only the compromise time: the secrets are skipped.
	c, err = decodeCredentialFields(raw, false, true)
	require.NoError(t, err)
	assert.Nil(t, c.Secrets)
	assert.Equal(t, full.CompromisedAt, c.CompromisedAt)
	_, err = decodeCredentialFields([]byte(`{"secrets":[{"id":`), false, true)
	assert.Error(t, err, "a broken state is refused even where it is skipped")

	// A token check reads no further than the first field: the store's
	// head of a state suffices, however many secrets follow, whether or
	// not a compromise was reported.
	for _, at := range []*time.Time{nil, &revoked} {
		st := &state{CompromisedAt: at, Submitted: &hcxonboard.Application{ParticipantName: "X"}}
		for i := range 40 {
			st.Secrets = append(st.Secrets, credential.SecretRecord{ID: fmt.Sprint("secret-", i), Hash: strings.Repeat("ab", 32), ExpiresAt: revoked})
		}
		raw, err := json.Marshal(st)
		require.NoError(t, err)
		require.Greater(t, len(raw), 8*registry.StandingPrefix)
		c, err := decodeCredentialFields(raw[:registry.StandingPrefix], false, true)
		require.NoError(t, err, "the head of the state")
		assert.Equal(t, at, c.CompromisedAt)
		_, err = decodeCredentials(raw[:registry.StandingPrefix])
		assert.Error(t, err, "the secrets are not all in the head")
	}
	// A state written before the compromise time led: the secrets first,
	// the compromise time after them or, when nil, left out. Written
	// before ends_at too, it is read to its end.
	for _, old := range []string{
		`{"secrets":[{"id":"s1","hash":"ab"}],"compromised_at":"2025-03-01T10:00:00Z","submitted":{}}`,
		`{"secrets":[{"id":"s1","hash":"ab"}],"submitted":{},"compromised_at":"2025-03-01T10:00:00Z"}`,
	} {
		c, err := decodeCredentialFields([]byte(old), false, true)
		require.NoError(t, err, old)
		c2, err := decodeCredentials([]byte(old))
		require.NoError(t, err, old)
		require.Len(t, c2.Secrets, 1, old)
		assert.Equal(t, c2.CompromisedAt, c.CompromisedAt, old)
		require.NotNil(t, c.CompromisedAt, old)
		assert.Equal(t, revoked, *c.CompromisedAt)
	}

	// Order does not matter for the result, only for speed: the oldest
	// states put the submitted application first and the credential
	// fields after it, and are read to their end.
	oldest := `{"submitted":{"participant_name":"X"},"secrets":[{"id":"s1","hash":"ab"}],"compromised_at":"2025-03-01T10:00:00Z"}`
	for _, withSecrets := range []bool{true, false} {
		c, err := decodeCredentialFields([]byte(oldest), withSecrets, true)
		require.NoError(t, err)
		require.NotNil(t, c.CompromisedAt, "the oldest order")
		assert.Equal(t, revoked, *c.CompromisedAt)
		if withSecrets {
			require.Len(t, c.Secrets, 1)
		}
	}
	_, err = decodeCredentialFields([]byte(oldest[:len(oldest)/2]), false, true)
	assert.Error(t, err, "the head of an oldest-order state is refused, and the state read whole")
	c, err = decodeCredentials([]byte(`{"x":[1,{"y":2}],"compromised_at":"2025-03-01T10:00:00Z"}`))
	require.NoError(t, err)
	require.NotNil(t, c.CompromisedAt)
	assert.Equal(t, revoked, *c.CompromisedAt)
	// A head of a state, cut anywhere, is refused or read right: never a
	// compromise time missed because the cut fell just after a value.
	for _, whole := range []string{
		`{"secrets":[{"id":"s1","hash":"ab"}],"compromised_at":"2025-03-01T10:00:00Z","submitted":{}}`,
		`{"compromised_at":"2025-03-01T10:00:00Z","secrets":[{"id":"s1","hash":"ab"}],"submitted":{}}`,
		`{"secrets":[{"id":"s1","hash":"ab"}],"x":1,"compromised_at":"2025-03-01T10:00:00Z"}`,
		`{"submitted":{"participant_name":"X"},"secrets":[{"id":"s1","hash":"ab"}],"compromised_at":"2025-03-01T10:00:00Z"}`,
	} {
		for i := range len(whole) {
			head := whole[:i]
			if c, err := decodeCredentialFields([]byte(head), false, true); err == nil {
				require.NotNil(t, c.CompromisedAt, "head %q", head)
				assert.Equal(t, revoked, *c.CompromisedAt, "head %q", head)
			}
			if c, err := decodeCredentials([]byte(head)); err == nil {
				require.NotNil(t, c.CompromisedAt, "head %q", head)
				assert.Len(t, c.Secrets, 1, "head %q", head)
			}
		}
	}
	for _, bad := range []string{``, `[]`, `{`, `{"secrets":`, `{"secrets":"no"}`, `{"secrets":[]`} {
		_, err := decodeCredentials([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestNewIDIsAVersion7UUIDInClockOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	s := &Service{rand: &lockedReader{r: crand.Reader}, now: func() time.Time { return now }}
	newID := func() string {
		t.Helper()
		id, err := s.newID()
		require.NoError(t, err)
		u, err := uuid.Parse(id)
		require.NoError(t, err)
		require.EqualValues(t, 7, u.Version())
		require.Equal(t, uuid.RFC4122, u.Variant())
		sec, nsec := u.Time().UnixTime()
		require.Equal(t, now.UnixMilli(), time.Unix(sec, nsec).UnixMilli(), "the id carries the clock's millisecond")
		return id
	}
	var last string
	for range 50 {
		now = now.Add(time.Millisecond)
		a, b := newID(), newID()
		require.NotEqual(t, a, b, "ids of one millisecond differ")
		require.Greater(t, min(a, b), last, "ids of a later millisecond sort later")
		last = max(a, b)
	}

	s.rand = &lockedReader{r: bytes.NewReader(make([]byte, 9))}
	_, err := s.newID()
	require.ErrorContains(t, err, "random source", "a random source that runs dry")
}

func TestHPRAliasesTakeEveryFormHPRGives(t *testing.T) {
	for _, tt := range []struct {
		p    hfr.Professional
		want []string
	}{
		{hfr.Professional{HPRIDNumber: "71-1234-5678-9012", HPRID: "asha.rao@hpr.abdm"}, []string{"hpr:71-1234-5678-9012", "hpr:asha.rao@hpr.abdm"}},
		{hfr.Professional{HPRIDNumber: "71123456789012", HPRID: "Asha.Rao"}, []string{"hpr:71-1234-5678-9012", "hpr:asha.rao@hpr.abdm"}},
		{hfr.Professional{HPRIDNumber: "71-1234-5678-9012", HPRID: "asha@elsewhere.example"}, []string{"hpr:71-1234-5678-9012"}},
		{hfr.Professional{}, nil},
	} {
		if got := hprAliases(tt.p); !slices.Equal(got, tt.want) {
			t.Errorf("hprAliases(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// TestDecodeCredentialsFindsTheDeboardingsEnd: a token check learns when
// an announced de-boarding takes effect from the head of the state
// (ends_at, second), and from the de-boarding itself in a state written
// before ends_at — never nil for a pending one because the state is old.
func TestDecodeCredentialsFindsTheDeboardingsEnd(t *testing.T) {
	t.Parallel()
	effective := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	pending := &Deboarding{Initiator: InitiatorRegulator, RequestedAt: effective.Add(-time.Hour), EffectiveAt: effective}
	appealed := *pending
	appealed.AppealedAt = effective.Add(-time.Minute)
	done := *pending
	done.DoneAt = effective

	st := &state{Submitted: &hcxonboard.Application{ParticipantName: "X"}, Deboarding: pending}
	for i := range 40 {
		st.Secrets = append(st.Secrets, credential.SecretRecord{ID: fmt.Sprint("secret-", i), Hash: strings.Repeat("ab", 32), ExpiresAt: effective})
	}
	st.EndsAt = st.Deboarding.ends()
	raw, err := json.Marshal(st)
	require.NoError(t, err)
	c, err := decodeCredentialFields(raw[:registry.StandingPrefix], false, true)
	require.NoError(t, err, "the head of the state holds the end")
	require.NotNil(t, c.EndsAt)
	assert.Equal(t, effective, *c.EndsAt)
	assert.True(t, c.ended(effective))
	assert.False(t, c.ended(effective.Add(-time.Nanosecond)))

	// States written before ends_at: the de-boarding decides.
	for _, tc := range []struct {
		d    *Deboarding
		want *time.Time
	}{{pending, &effective}, {&appealed, nil}, {&done, nil}, {nil, nil}} {
		d, err := json.Marshal(tc.d)
		require.NoError(t, err)
		for _, old := range []string{
			`{"compromised_at":null,"secrets":[{"id":"s1","hash":"ab"}],"submitted":{},"deboarding":` + string(d) + `}`,
			`{"secrets":[{"id":"s1","hash":"ab"}],"submitted":{},"deboarding":` + string(d) + `}`,
			`{"submitted":{},"deboarding":` + string(d) + `,"secrets":[{"id":"s1","hash":"ab"}]}`,
		} {
			for _, withSecrets := range []bool{false, true} {
				c, err := decodeCredentialFields([]byte(old), withSecrets, true)
				require.NoError(t, err, old)
				assert.Equal(t, tc.want, c.EndsAt, old)
			}
			if tc.want != nil {
				_, err := decodeCredentialFields([]byte(old[:len(old)-20]), false, true)
				assert.Error(t, err, "the head of an old state cannot rule a de-boarding out: %s", old)
			}
		}
	}
	// An application that waits on no de-boarding has none pending: the
	// head of a state written before ends_at is then enough.
	oldHead := `{"compromised_at":null,"secrets":[{"id":"s1","hash":"ab"}],"submitted":{"participant_name":"X"},"deboarding":null}`[:60]
	_, err = decodeCredentialFields([]byte(oldHead), false, true)
	require.Error(t, err, "with a de-boarding possible, the head is too short")
	c, err = decodeCredentialFields([]byte(oldHead), false, false)
	require.NoError(t, err, "with none pending, the compromise time suffices")
	assert.Nil(t, c.EndsAt)

	// ends_at rules once written: the state's de-boarding, further on,
	// says the same, and is not read.
	c, err = decodeCredentialFields([]byte(`{"compromised_at":null,"ends_at":null,"secrets":[],"submitted":{},"deboarding":{"effective_at":"2026-03-01T10:00:00Z","requested_at":"2026-03-01T09:00:00Z"}}`), true, true)
	require.NoError(t, err)
	assert.Nil(t, c.EndsAt)
}
