package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

func testService(t *testing.T) *onboarding.Service {
	t.Helper()
	svc, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	return svc
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	svc := testService(t)
	key := make([]byte, 32)
	cases := []struct {
		name string
		svc  *onboarding.Service
		opts []httpapi.Option
		ok   bool
	}{
		{"defaults", svc, nil, true},
		{"everything", svc, []httpapi.Option{
			httpapi.WithApplicantKey(key), httpapi.WithMaxBodyBytes(64 << 10), httpapi.WithClock(time.Now),
			httpapi.WithConsole(false), httpapi.WithConsoleOrigin("https://hcx.example.org"), httpapi.WithSessionTTL(time.Hour),
		}, true},
		{"nil service", nil, nil, false},
		{"nil option", svc, []httpapi.Option{nil}, false},
		{"nil staff auth", svc, []httpapi.Option{httpapi.WithStaffAuth(nil)}, false},
		{"short applicant key", svc, []httpapi.Option{httpapi.WithApplicantKey(key[:31])}, false},
		{"nil logger", svc, []httpapi.Option{httpapi.WithLogger(nil)}, false},
		{"nil clock", svc, []httpapi.Option{httpapi.WithClock(nil)}, false},
		{"tiny body limit", svc, []httpapi.Option{httpapi.WithMaxBodyBytes(10)}, false},
		{"huge body limit", svc, []httpapi.Option{httpapi.WithMaxBodyBytes(1 << 30)}, false},
		{"origin with a path", svc, []httpapi.Option{httpapi.WithConsoleOrigin("https://hcx.example.org/console")}, false},
		{"origin without scheme", svc, []httpapi.Option{httpapi.WithConsoleOrigin("hcx.example.org")}, false},
		{"ftp origin", svc, []httpapi.Option{httpapi.WithConsoleOrigin("ftp://hcx.example.org")}, false},
		{"short session", svc, []httpapi.Option{httpapi.WithSessionTTL(time.Second)}, false},
		{"endless session", svc, []httpapi.Option{httpapi.WithSessionTTL(30 * 24 * time.Hour)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := httpapi.New(tc.svc, tc.opts...)
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, h)
				return
			}
			require.ErrorIs(t, err, httpapi.ErrInvalidOption)
			assert.Nil(t, h)
		})
	}
}

// Applicant tokens are derived from the key: two handlers with one key
// (two replicas) agree, handlers with different keys do not.
func TestApplicantKeySharedByReplicas(t *testing.T) {
	t.Parallel()
	svc := testService(t)
	key := []byte("0123456789abcdef0123456789abcdef")
	a, err := httpapi.New(svc, httpapi.WithApplicantKey(key))
	require.NoError(t, err)
	b, err := httpapi.New(svc, httpapi.WithApplicantKey(key))
	require.NoError(t, err)
	c, err := httpapi.New(svc)
	require.NoError(t, err)
	assert.Equal(t, a.ApplicantToken("app-1"), b.ApplicantToken("app-1"))
	assert.NotEqual(t, a.ApplicantToken("app-1"), a.ApplicantToken("app-2"))
	assert.NotEqual(t, a.ApplicantToken("app-1"), c.ApplicantToken("app-1"))
}

func TestStaffTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		tokens map[string]string
	}{
		{"none", nil},
		{"short token", map[string]string{"asha": "tiny-tok"}},
		{"empty id", map[string]string{" ": "a-long-enough-staff-token-1"}},
		{"shared token", map[string]string{"asha": "a-long-enough-staff-token-1", "ravi": "a-long-enough-staff-token-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := httpapi.StaffTokens(tc.tokens)
			require.ErrorIs(t, err, httpapi.ErrInvalidOption)
			for _, tok := range tc.tokens {
				assert.NotContains(t, err.Error(), tok, "tokens never appear in errors")
			}
		})
	}

	check, err := httpapi.StaffTokens(map[string]string{"asha": "a-long-enough-staff-token-1", "ravi": "a-long-enough-staff-token-2"})
	require.NoError(t, err)
	for _, tc := range []struct {
		header string
		id     string
		ok     bool
	}{
		{"Bearer a-long-enough-staff-token-1", "asha", true},
		{"bearer a-long-enough-staff-token-2", "ravi", true},
		{"Bearer  a-long-enough-staff-token-2 ", "ravi", true},
		{"Bearer a-long-enough-staff-token-3", "", false},
		{"Bearer a-long-enough-staff-token-", "", false},
		{"Bearer a-long-enough-staff-token-1x", "", false},
		{"Basic a-long-enough-staff-token-1", "", false},
		{"a-long-enough-staff-token-1", "", false},
		{"Bearer ", "", false},
		{"", "", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		id, ok := check(r)
		assert.Equal(t, tc.ok, ok, tc.header)
		assert.Equal(t, tc.id, id, tc.header)
	}
}

// Without a staff check, staff routes refuse everyone.
func TestNoStaffAuthRefusesStaffRoutes(t *testing.T) {
	t.Parallel()
	h, err := httpapi.New(testService(t))
	require.NoError(t, err)
	for _, auth := range []string{"", "Bearer anything-at-all-really-long"} {
		r := httptest.NewRequest(http.MethodGet, "/v1/onboarding/staff/applications", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, w.Code)
	}
}

func TestStaffTokenSet(t *testing.T) {
	t.Parallel()
	set, err := httpapi.NewStaffTokenSet(map[string]string{"asha": "a-long-enough-staff-token-1"})
	require.NoError(t, err)
	req := func(tok string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}
	id, ok := set.Check(req("a-long-enough-staff-token-1"))
	assert.True(t, ok)
	assert.Equal(t, "asha", id)

	require.ErrorIs(t, set.Set("ravi", "short"), httpapi.ErrInvalidOption)
	require.ErrorIs(t, set.Set(" ", "a-long-enough-staff-token-2"), httpapi.ErrInvalidOption)
	require.ErrorIs(t, set.Set("ravi", "a-long-enough-staff-token-1"), httpapi.ErrInvalidOption, "asha's token")
	require.NoError(t, set.Set("ravi", "a-long-enough-staff-token-2"))
	id, ok = set.Check(req("a-long-enough-staff-token-2"))
	assert.True(t, ok)
	assert.Equal(t, "ravi", id)

	require.NoError(t, set.Set("asha", "a-long-enough-staff-token-3"), "a new token for asha")
	_, ok = set.Check(req("a-long-enough-staff-token-1"))
	assert.False(t, ok, "the replaced token is refused")
	_, ok = set.Check(req("a-long-enough-staff-token-3"))
	assert.True(t, ok)

	assert.True(t, set.Revoke("asha"))
	assert.False(t, set.Revoke("asha"))
	assert.False(t, set.Revoke("nobody"))
	_, ok = set.Check(req("a-long-enough-staff-token-3"))
	assert.False(t, ok, "revoked")
	_, ok = set.Check(req("a-long-enough-staff-token-2"))
	assert.True(t, ok, "the others stay")
	assert.True(t, set.Revoke("ravi"))
	_, ok = set.Check(req("a-long-enough-staff-token-2"))
	assert.False(t, ok, "an empty set refuses everyone")
}
