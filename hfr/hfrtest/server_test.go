package hfrtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// call sends one raw request to the fake and decodes a JSON answer (nil
// for other bodies).
type call struct {
	method, path string
	headers      map[string]string
	body         string
}

type answer struct {
	status int
	header http.Header
	raw    string
	json   map[string]any
}

func do(t *testing.T, srv *hfrtest.Server, c call) answer {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+c.path, strings.NewReader(c.body))
	require.NoError(t, err)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.json)
	return a
}

func v3Headers() map[string]string {
	return map[string]string{
		"REQUEST-ID": uuid.NewString(),
		"TIMESTAMP":  time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"X-CM-ID":    "sbx",
	}
}

func creds(id, secret, grant string) string {
	b, _ := json.Marshal(map[string]string{"clientId": id, "clientSecret": secret, "grantType": grant})
	return string(b)
}

// tokenFor opens a v0.5 session and returns its token.
func tokenFor(t *testing.T, srv *hfrtest.Server) string {
	t.Helper()
	a := do(t, srv, call{path: hfrtest.PathSessionV05, body: creds(hfrtest.DefaultClientID, hfrtest.DefaultClientSecret, "")})
	require.Equal(t, http.StatusOK, a.status, a.raw)
	return a.json["accessToken"].(string)
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
}

func errorCode(a answer) string {
	if e, ok := a.json["error"].(map[string]any); ok {
		return e["code"].(string)
	}
	if d, ok := a.json["details"].([]any); ok && len(d) > 0 {
		return d[0].(map[string]any)["code"].(string)
	}
	code, _ := a.json["code"].(string)
	return code
}

func TestSessionV3(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithClientCredentials("id-1", "secret-1"), hfrtest.WithTokenTTL(90*time.Second), hfrtest.WithClockSkew(5*time.Minute))
	t.Cleanup(srv.Close)
	good := creds("id-1", "secret-1", "client_credentials")
	with := func(k, v string) map[string]string {
		h := v3Headers()
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	tests := []struct {
		name    string
		headers map[string]string
		body    string
		status  int
		code    string
	}{
		{"accepted", v3Headers(), good, 200, ""},
		{"production CM id", with("X-CM-ID", "abdm"), good, 200, ""},
		{"no REQUEST-ID", with("REQUEST-ID", ""), good, 400, "400"},
		{"REQUEST-ID not a UUID", with("REQUEST-ID", "42"), good, 400, "400"},
		{"TIMESTAMP without milliseconds", with("TIMESTAMP", time.Now().UTC().Format(time.RFC3339)), good, 400, "400"},
		{"TIMESTAMP drifted", with("TIMESTAMP", time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")), good, 400, "400"},
		{"wrong CM id", with("X-CM-ID", "sandbox"), good, 401, "401"},
		{"wrong grant", v3Headers(), creds("id-1", "secret-1", "password"), 400, "ABDM-1920"},
		{"wrong id", v3Headers(), creds("id-2", "secret-1", "client_credentials"), 401, "ABDM-1921"},
		{"wrong secret", v3Headers(), creds("id-1", "secret-2", "client_credentials"), 401, "ABDM-1922"},
		{"wrong both", v3Headers(), creds("id-2", "secret-2", "client_credentials"), 401, "ABDM-1923"},
		{"not JSON", v3Headers(), "clientId=id-1", 400, "400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, srv, call{path: hfrtest.PathSessionV3, headers: tt.headers, body: tt.body})
			require.Equal(t, tt.status, a.status, a.raw)
			if tt.status != 200 {
				assert.Equal(t, tt.code, errorCode(a))
				return
			}
			assert.NotEmpty(t, a.json["accessToken"])
			assert.EqualValues(t, 90, a.json["expiresIn"])
			assert.EqualValues(t, 1800, a.json["refreshExpiresIn"])
			assert.Equal(t, "bearer", a.json["tokenType"])
		})
	}
}

func TestSessionV05(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer()
	t.Cleanup(srv.Close)
	a := do(t, srv, call{path: hfrtest.PathSessionV05, body: creds(hfrtest.DefaultClientID, hfrtest.DefaultClientSecret, "")})
	require.Equal(t, 200, a.status, "v0.5 needs neither headers nor grant type")
	assert.EqualValues(t, 1200, a.json["expiresIn"])
	a = do(t, srv, call{path: hfrtest.PathSessionV05, body: creds(hfrtest.DefaultClientID, "nope", "")})
	assert.Equal(t, 401, a.status)
	assert.Equal(t, "ABDM-1922", errorCode(a))
	assert.Equal(t, 2, srv.SessionRequests())
}

func TestRegistryNeedsLiveToken(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	search := `{"facilityId":"IN2910000123"}`
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"live token", bearer(token), 200},
		{"no token", nil, 401},
		{"unknown token", bearer("forged"), 401},
		{"wrong scheme", map[string]string{"Authorization": "Basic " + token}, 401},
	}
	for _, tt := range tests {
		a := do(t, srv, call{path: hfrtest.PathFacilitySearch, headers: tt.headers, body: search})
		assert.Equal(t, tt.status, a.status, tt.name)
		if tt.status == 401 {
			assert.Equal(t, "900901", errorCode(a), tt.name)
		}
	}
	srv.ExpireTokens()
	a := do(t, srv, call{path: hfrtest.PathFacilitySearch, headers: bearer(token), body: search})
	assert.Equal(t, 401, a.status, "expired by ExpireTokens")
}

func TestTokenTTL(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true), hfrtest.WithTokenTTL(time.Second))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	search := call{path: hfrtest.PathFacilitySearch, headers: bearer(token), body: `{"facilityId":"IN2910000123"}`}
	assert.Equal(t, 200, do(t, srv, search).status)
	time.Sleep(1100 * time.Millisecond)
	assert.Equal(t, 401, do(t, srv, search).status, "expired by its TTL")
}

func TestFacilitySearch(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	for i := range 25 {
		srv.AddFacility(hfrtest.FacilitySeed{Facility: hfr.Facility{
			ID: "IN29200000" + string(rune('a'+i/10)) + string(rune('0'+i%10)), Name: "Bulk Nursing Home",
			Status: "Submitted", OwnershipCode: "P", StateLGDCode: "29",
		}})
	}
	token := tokenFor(t, srv)
	tests := []struct {
		name    string
		body    string
		status  int
		code    string
		ids     []string
		total   int
		ofPages int
	}{
		{"by id", `{"facilityId":"IN2910000123","page":1,"resultsPerPage":10}`, 200, "", []string{"IN2910000123"}, 1, 1},
		{"by id in lower case", `{"facilityId":"in2710000456"}`, 200, "", []string{"IN2710000456"}, 1, 1},
		{"id overrides other criteria", `{"facilityId":"IN2910000123","ownershipCode":"G","stateLGDCode":"33"}`, 200, "", []string{"IN2910000123"}, 1, 1},
		{"unknown id", `{"facilityId":"IN2910000999"}`, 200, "", []string{}, 0, 0},
		{"name search", `{"facilityName":"sanjeevani","ownershipCode":"P","stateLGDCode":"29"}`, 200, "", []string{"IN2910000123"}, 1, 1},
		{"name search second page", `{"facilityName":"bulk","ownershipCode":"P","stateLGDCode":"29","page":3,"resultsPerPage":10}`, 200, "", nil, 25, 3},
		{"no ownership", `{"facilityName":"sanjeevani","stateLGDCode":"29"}`, 422, "HIS-1070", nil, 0, 0},
		{"no state", `{"facilityName":"sanjeevani","ownershipCode":"P"}`, 422, "HIS-1070", nil, 0, 0},
		{"too few per page", `{"facilityId":"IN2910000123","resultsPerPage":5}`, 400, "HIS-4047", nil, 0, 0},
		{"too many per page", `{"facilityId":"IN2910000123","resultsPerPage":16}`, 400, "HIS-4047", nil, 0, 0},
		{"malformed", `{"facilityId":`, 400, "HIS-1001", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, srv, call{path: hfrtest.PathFacilitySearch, headers: bearer(token), body: tt.body})
			require.Equal(t, tt.status, a.status, a.raw)
			if tt.status != 200 {
				assert.Equal(t, tt.code, errorCode(a))
				return
			}
			rows := a.json["facilities"].([]any)
			if tt.ids != nil {
				var ids []string
				for _, r := range rows {
					ids = append(ids, r.(map[string]any)["facilityId"].(string))
				}
				assert.ElementsMatch(t, tt.ids, ids)
			} else {
				assert.Len(t, rows, 5, "the last of three pages of 25")
			}
			assert.EqualValues(t, tt.total, a.json["totalFacilities"])
			assert.EqualValues(t, tt.ofPages, a.json["numberOfPages"])
		})
	}
}

func TestFacilityContactMasked(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	a := do(t, srv, call{path: hfrtest.PathFacilityContact, headers: bearer(token), body: `{"facilityId":"IN2910000123"}`})
	require.Equal(t, 200, a.status)
	f := a.json["facility"].(map[string]any)
	assert.Equal(t, "******1905", f["contactMobile"])
	assert.Equal(t, "ash*****@example.org", f["contactEmail"])
	assert.Equal(t, "71-1234-5678-9012", f["hprid"])
	assert.NotContains(t, a.raw, "9000001905")
	assert.NotContains(t, a.raw, "asha.rao@")

	a = do(t, srv, call{path: hfrtest.PathFacilityContact, headers: bearer(token), body: `{"facilityId":"IN2910000999"}`})
	require.Equal(t, 200, a.status)
	assert.Nil(t, a.json["facility"])
}

func TestOTPRules(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	send := func(id string) answer {
		return do(t, srv, call{path: hfrtest.PathSendOTP, headers: bearer(token), body: `{"facilityId":"` + id + `"}`})
	}
	validate := func(id, txn, otp string) answer {
		b, _ := json.Marshal(map[string]string{"facilityId": id, "transactionId": txn, "otp": otp, "source": "HCX", "sourceId": "x"})
		return do(t, srv, call{path: hfrtest.PathValidateOTP, headers: bearer(token), body: string(b)})
	}
	wrongFor := func(code string) string {
		if code == "000000" {
			return "111111"
		}
		return "000000"
	}

	t.Run("codes are six random digits", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			require.Equal(t, 200, send("IN3310000789").status)
			code, ok := srv.LastOTP("in3310000789")
			require.True(t, ok)
			assert.Regexp(t, `^\d{6}$`, code)
			seen[code] = true
		}
		assert.Greater(t, len(seen), 15, "20 draws of 10^6 codes hardly repeat")
	})
	t.Run("wrong code, then right code", func(t *testing.T) {
		a := send("IN2910000123")
		require.Equal(t, "Success", a.json["status"])
		txn := a.json["transactionId"].(string)
		code, _ := srv.LastOTP("IN2910000123")
		a = validate("IN2910000123", txn, wrongFor(code))
		assert.Equal(t, 200, a.status)
		assert.Equal(t, "failure", a.json["status"])
		assert.Equal(t, "HIS-2022", a.json["errorStatus"].(map[string]any)["code"])
		a = validate("IN2910000123", txn, code)
		assert.Equal(t, "success", a.json["status"])
		assert.Nil(t, a.json["errorStatus"])
		a = validate("IN2910000123", txn, code)
		assert.Equal(t, "failure", a.json["status"], "single use")
	})
	t.Run("too many wrong codes end the transaction", func(t *testing.T) {
		txn := send("IN2710000456").json["transactionId"].(string)
		code, _ := srv.LastOTP("IN2710000456")
		for range hfrtest.MaxOTPAttempts {
			assert.Equal(t, "failure", validate("IN2710000456", txn, wrongFor(code)).json["status"])
		}
		assert.Equal(t, "failure", validate("IN2710000456", txn, code).json["status"])
	})
	t.Run("transaction of another facility", func(t *testing.T) {
		txn := send("IN2910000123").json["transactionId"].(string)
		code, _ := srv.LastOTP("IN2910000123")
		assert.Equal(t, "failure", validate("IN3310000789", txn, code).json["status"])
	})
	t.Run("unknown facility", func(t *testing.T) {
		a := send("IN2910000999")
		assert.Equal(t, 404, a.status)
		_, ok := srv.LastOTP("IN2910000999")
		assert.False(t, ok)
	})
	t.Run("no mobile on record", func(t *testing.T) {
		a := send("IN0710000321")
		assert.Equal(t, 200, a.status)
		assert.Equal(t, "HIS-1002", a.json["errorStatus"].(map[string]any)["code"])
		_, ok := srv.LastOTP("IN0710000321")
		assert.False(t, ok)
	})
}

func TestHPR(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	for _, id := range []string{"71-1234-5678-9012", "71123456789012", "asha.rao@hpr.abdm"} {
		a := do(t, srv, call{method: http.MethodGet, path: hfrtest.PathSearchHPR + id, headers: bearer(token)})
		require.Equal(t, 200, a.status, id)
		assert.Equal(t, "71-1234-5678-9012", a.json["hprIdNumber"], id)
		assert.Equal(t, "asha.rao@hpr.abdm", a.json["hprId"], id)
	}
	a := do(t, srv, call{method: http.MethodGet, path: hfrtest.PathSearchHPR + "71-0000-0000-0000", headers: bearer(token)})
	assert.Equal(t, 422, a.status)
	assert.Equal(t, "HIS-3008", errorCode(a))

	a = do(t, srv, call{path: hfrtest.PathProfessional, headers: bearer(token), body: `{"practitioner":{"id":"71-1234-5678-9012"}}`})
	require.Equal(t, 200, a.status)
	p := a.json["practitioners"].([]any)[0].([]any)[0].(map[string]any)
	assert.Equal(t, "true", p["is_council_verified"], "a string, as HPR sends it")
	assert.Equal(t, true, p["active"], "active unless the professional says otherwise")
	assert.Equal(t, "Approved", p["application_status"])
	a = do(t, srv, call{path: hfrtest.PathProfessional, headers: bearer(token), body: `{"practitioner":{}}`})
	assert.Equal(t, 422, a.status)
	assert.Equal(t, "HIS-1002", errorCode(a))
	a = do(t, srv, call{path: hfrtest.PathProfessional, headers: bearer(token), body: `{"practitioner":{"id":"71-0000-0000-0000"}}`})
	assert.Equal(t, 200, a.status)
	assert.Empty(t, a.json["practitioners"])
}

// TestHPRRecordState: the details serve a professional's Active and
// ApplicationStatus as added, and the client reads them back.
func TestHPRRecordState(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer()
	t.Cleanup(srv.Close)
	inactive := false
	srv.AddProfessional(hfr.Professional{HPRIDNumber: "71-5555-6666-7777", HPRID: "ravi.k@hpr.abdm", Name: "Ravi K",
		CouncilVerified: true, Active: &inactive, ApplicationStatus: "Rejected"})
	token := tokenFor(t, srv)
	a := do(t, srv, call{path: hfrtest.PathProfessional, headers: bearer(token), body: `{"practitioner":{"id":"71-5555-6666-7777"}}`})
	require.Equal(t, 200, a.status)
	p := a.json["practitioners"].([]any)[0].([]any)[0].(map[string]any)
	assert.Equal(t, false, p["active"])
	assert.Equal(t, "Rejected", p["application_status"])

	client, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	got, err := client.Professional(context.Background(), "71-5555-6666-7777")
	require.NoError(t, err)
	require.NotNil(t, got.Active)
	assert.False(t, *got.Active)
	assert.Equal(t, "Rejected", got.ApplicationStatus)
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		path        string
		status      int
		contentType string
		code        string
	}{
		{"session in gateway shape", hfrtest.PathSessionV3, 503, "application/json", "503"},
		{"registry in HSP shape", hfrtest.PathFacilitySearch, 503, "application/json", "HIS-503"},
		{"429 in HSP shape", hfrtest.PathFacilityContact, 429, "application/json", "HIS-429"},
		{"502 as proxy text", hfrtest.PathFacilitySearch, 502, "text/plain; charset=utf-8", ""},
		{"504 as proxy text", hfrtest.PathSessionV05, 504, "text/plain; charset=utf-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := hfrtest.NewServer(hfrtest.WithSeed(true))
			t.Cleanup(srv.Close)
			srv.FailNext(tt.path, tt.status, 2, "7")
			for range 2 {
				a := do(t, srv, call{path: tt.path, body: `{}`})
				assert.Equal(t, tt.status, a.status)
				assert.Equal(t, "7", a.header.Get("Retry-After"))
				assert.Equal(t, tt.contentType, a.header.Get("Content-Type"))
				if tt.code != "" {
					assert.Equal(t, tt.code, errorCode(a))
				}
			}
			a := do(t, srv, call{path: tt.path, body: `{}`})
			assert.NotEqual(t, tt.status, a.status, "only n requests fail")
			assert.Equal(t, 3, srv.Requests(tt.path))

			srv.FailNext(tt.path, 42, 1, "") // not a status: ignored
			srv.FailNext(tt.path, tt.status, 0, "")
			assert.NotEqual(t, tt.status, do(t, srv, call{path: tt.path, body: `{}`}).status)
		})
	}
}

func TestMalformedAndLatency(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	search := call{path: hfrtest.PathFacilitySearch, headers: bearer(token), body: `{"facilityId":"IN2910000123"}`}

	srv.SetMalformed("/facility/search", true)
	a := do(t, srv, search)
	assert.Equal(t, 200, a.status)
	assert.False(t, json.Valid([]byte(a.raw)), "truncated JSON")
	srv.SetMalformed("/facility/search", false)
	assert.True(t, json.Valid([]byte(do(t, srv, search).raw)))

	srv.SetLatency(100 * time.Millisecond)
	start := time.Now()
	do(t, srv, search)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
	srv.SetLatency(0)
}

func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer()
	srv.SetLatency(time.Hour)
	done := make(chan int, 1)
	go func() {
		resp, err := http.Post(srv.URL+hfrtest.PathSessionV05, "application/json", bytes.NewReader(nil))
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return srv.SessionRequests() == 1 }, 5*time.Second, 5*time.Millisecond)
	srv.Close() // must not wait an hour
	assert.Contains(t, []int{0, http.StatusServiceUnavailable}, <-done)
	http.DefaultClient.CloseIdleConnections()
}

func TestRequestsCountsBySuffix(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	_, err = c.Facility(ctx, "IN2910000123")
	require.NoError(t, err)
	_, err = c.FacilityContact(ctx, "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Requests(hfrtest.PathFacilitySearch))
	assert.Equal(t, 1, srv.Requests("/facility/search"))
	assert.Equal(t, 2, srv.Requests("/v1.5/facility/search")+srv.Requests("fetchFacilityContactDetails"))
	assert.Equal(t, 3, srv.Requests(""))
	assert.Equal(t, 0, srv.Requests("/nowhere"))
	assert.Equal(t, 1, srv.SessionRequests())
}

func TestAddedData(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddFacility(hfrtest.FacilitySeed{Facility: hfr.Facility{ID: "in0610090166", Name: "Added", Status: "Submitted"}})
	srv.AddFacility(hfrtest.FacilitySeed{Facility: hfr.Facility{Name: "no id, ignored"}})
	srv.AddProfessional(hfr.Professional{HPRIDNumber: "71555566667777", HPRID: "added.doc", Name: "Added Doc"})
	srv.AddProfessional(hfr.Professional{HPRIDNumber: "12", Name: "invalid, ignored"})
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()

	f, err := c.Facility(ctx, "IN0610090166")
	require.NoError(t, err)
	assert.Equal(t, "Added", f.Name)
	_, err = c.Facility(ctx, "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrNotFound, "not seeded by default")

	p, err := c.Professional(ctx, "added.doc@hpr.abdm")
	require.NoError(t, err)
	assert.Equal(t, "71-5555-6666-7777", p.HPRIDNumber)
	assert.False(t, p.CouncilVerified)
}

func TestDemoData(t *testing.T) {
	t.Parallel()
	idRE := regexp.MustCompile(`^IN\d{10}$`)
	profs := map[string]bool{}
	for _, p := range hfrtest.DemoProfessionals() {
		n, err := hfr.NormalizeHPRID(p.HPRIDNumber)
		require.NoError(t, err)
		assert.Equal(t, p.HPRIDNumber, n, "dashed form")
		_, err = hfr.NormalizeHPRID(p.HPRID)
		require.NoError(t, err)
		assert.False(t, profs[n], "unique")
		profs[n] = true
	}
	ids := map[string]bool{}
	drafts := 0
	for _, f := range hfrtest.DemoFacilities() {
		assert.Regexp(t, idRE, f.Facility.ID)
		assert.Equal(t, f.Facility.StateLGDCode, strings.TrimLeft(f.Facility.ID[2:4], "0"), "state code in the ID")
		assert.False(t, ids[f.Facility.ID], "unique")
		ids[f.Facility.ID] = true
		if f.Facility.IsDraft() {
			drafts++
		}
		if f.ManagerHPRID != "" {
			assert.True(t, profs[f.ManagerHPRID], "manager %s is in HPR", f.ManagerHPRID)
		}
	}
	assert.True(t, ids["IN2910000123"])
	assert.Equal(t, 1, drafts)
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_, err := c.Facility(ctx, "IN2910000123")
				assert.NoError(t, err)
			case 1:
				txn, err := c.SendFacilityOTP(ctx, "IN3310000789")
				assert.NoError(t, err)
				assert.NotEmpty(t, txn.TransactionID)
			case 2:
				srv.AddFacility(hfrtest.FacilitySeed{Facility: hfr.Facility{ID: "IN2910000500", Name: "Concurrent"}})
				_, _ = srv.LastOTP("IN3310000789")
			case 3:
				_, err := c.Professional(ctx, "71-2345-6789-0123")
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, srv.SessionRequests())
}

// A path the fake does not serve is answered as the HSP host's API manager
// answers one, 404 with its code 900906, so that a registry URL set wrong
// (without the version prefix, say) reads as an outage, as it would
// against the real registry, and not as every facility missing. A served
// path asked with another method is still 405.
func TestUnroutedPathIsTheAPIManagers404(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)

	a := do(t, srv, call{path: hfrtest.PathFacilitySearch + "X", body: `{}`})
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Equal(t, "900906", a.json["code"])

	a = do(t, srv, call{method: http.MethodGet, path: hfrtest.PathFacilitySearch})
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)

	c, err := srv.Client(hfr.WithRegistryURL(srv.URL)) // the version prefix left out
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Facility(context.Background(), "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrUnavailable)
	require.NotErrorIs(t, err, hfr.ErrNotFound)
	_, err = c.Professional(context.Background(), "71-1234-5678-9012")
	require.ErrorIs(t, err, hfr.ErrUnavailable)
	require.NotErrorIs(t, err, hfr.ErrNotFound)
}
