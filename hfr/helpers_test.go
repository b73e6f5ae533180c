package hfr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// Hosts under the reserved .test domain; the mock transport answers them.
const (
	gatewayURL  = "https://gateway.test"
	registryURL = "https://registry.test/v4/int"
	sessionV3   = gatewayURL + "/api/hiecm/gateway/v3/sessions"
	sessionV05  = gatewayURL + "/gateway/v0.5/sessions"
	searchURL   = registryURL + "/FacilityManagement/v1.5/facility/search"
	contactURL  = registryURL + "/v1.5/facility/fetchFacilityContactDetails"
	sendOTPURL  = registryURL + "/v1.5/facility/sendOtpToContact"
	validateURL = registryURL + "/v1.5/facility/validateOtp"
	hprURL      = registryURL + "/v1/search/searchByHprId/"
	detailsURL  = registryURL + "/apis/v1/doctors/fetch-professional-info"

	testClientID = "client-7f3a"
	testSecret   = "s3cr3t-7f3a-e91c"
)

// mockEnv is a client over one httpmock transport of its own.
type mockEnv struct {
	mt       *httpmock.MockTransport
	c        *hfr.Client
	sleeps   *sleepRecorder
	sessions atomic.Int32
}

func newMock(t *testing.T, opts ...hfr.Option) *mockEnv {
	t.Helper()
	m := &mockEnv{mt: httpmock.NewMockTransport(), sleeps: &sleepRecorder{}}
	all := append([]hfr.Option{
		hfr.WithGatewayURL(gatewayURL),
		hfr.WithRegistryURL(registryURL),
		hfr.WithCredentials(testClientID, testSecret),
		hfr.WithHTTPClient(&http.Client{Transport: m.mt}),
		hfr.WithSleep(m.sleeps.sleep),
	}, opts...)
	c, err := hfr.New(all...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	m.c = c
	return m
}

// token returns the n-th token the mock gateway issues (from 1).
func token(n int32) string { return fmt.Sprintf("tok-%d-9b1e", n) }

// withSession answers the v3 session with a new token each time, valid for
// expiresIn seconds.
func (m *mockEnv) withSession(expiresIn int) *mockEnv {
	m.mt.RegisterResponder(http.MethodPost, sessionV3, m.sessionResponder(expiresIn))
	return m
}

func (m *mockEnv) sessionResponder(expiresIn int) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		n := m.sessions.Add(1)
		return httpmock.NewJsonResponse(http.StatusOK, map[string]any{
			"accessToken": token(n), "expiresIn": expiresIn, "refreshExpiresIn": 1800,
			"refreshToken": "refresh", "tokenType": "bearer",
		})
	}
}

// requireToken answers 401 (API-manager shape) unless the request carries
// the want-th token, else delegates to next.
func requireToken(want int32, next httpmock.Responder) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer "+token(want) {
			return httpmock.NewStringResponse(http.StatusUnauthorized, `{"code":"900901","message":"Invalid Credentials"}`), nil
		}
		return next(r)
	}
}

func jsonResponder(status int, body string) httpmock.Responder {
	return httpmock.NewStringResponder(status, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

func (m *mockEnv) calls(method, url string) int {
	return m.mt.GetCallCountInfo()[method+" "+url]
}

// sleepRecorder stands in for the wait between retries: it records the
// wait and returns at once (or the context's error).
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// decodeBody reads a request's JSON body into a map.
func decodeBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

const hitBody = `{"facilities":[{"facilityId":"IN2910000123","facilityName":"Sanjeevani Multispeciality Hospital",
"facilityStatus":"Verified","ownership":"Private","ownershipCode":"P         ","systemOfMedicine":"Physiotherapy,Modern Medicine(Allopathy)",
"systemOfMedicineCode":"P,M","facilityType":"Hospital","facilityTypeCode":"5","stateName":"KARNATAKA","stateLGDCode":29,
"districtName":"BENGALURU URBAN","districtLGDCode":"572","subDistrictName":"Bangalore North","subDistrictLGDCode":null,
"villageCityTownName":null,"address":"14, 80 Feet Road","pincode":"560034","latitude":"12.935212345678901","longitude":77.6245,
"workingInPsu":"N","govtCategory":null}],"message":"Request processed successfully","totalFacilities":1,"numberOfPages":1}`
