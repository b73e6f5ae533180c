package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// downStore is a store whose reads fail.
type downStore struct{ registry.Store }

func (downStore) ListApplications(context.Context, registry.ApplicationFilter) ([]registry.Application, error) {
	return nil, errors.New("connection refused")
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		res := f.do(request{method: http.MethodGet, path: p})
		require.Equal(t, http.StatusOK, res.status, p)
		var h httpapi.HealthResponse
		res.decode(t, &h)
		assert.Equal(t, "ok", h.Status)
	}

	svc, err := onboarding.New(downStore{registry.NewMemoryStore()}, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	h, err := httpapi.New(svc)
	require.NoError(t, err)
	down := &fixture{t: t, svc: svc, h: h}
	assert.Equal(t, http.StatusOK, down.do(request{method: http.MethodGet, path: "/healthz"}).status, "the process still serves")
	res := down.do(request{method: http.MethodGet, path: "/readyz"})
	assert.Equal(t, http.StatusServiceUnavailable, res.status)
	assert.NotContains(t, string(res.body), "connection refused", "the reason goes to the log")
}
