package hfr_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
)

func TestFacilityRequestShape(t *testing.T) {
	t.Parallel()
	clock := newClock()
	m := newMock(t, hfr.WithClock(clock.Now)).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, searchURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "sbx", r.Header.Get("X-CM-ID"))
		assert.Equal(t, "2026-03-14T09:26:53.589Z", r.Header.Get("TIMESTAMP"))
		_, err := uuid.Parse(r.Header.Get("REQUEST-ID"))
		assert.NoError(t, err, "REQUEST-ID is a UUID")
		body := decodeBody(t, r)
		assert.Equal(t, map[string]any{
			"facilityId": "IN2910000123", "facilityName": "", "ownershipCode": "", "stateLGDCode": "",
			"districtLGDCode": "", "subDistrictLGDCode": "", "pincode": "", "page": float64(1), "resultsPerPage": float64(10),
		}, body, "all nine keys, empty when unused")
		return httpmock.NewStringResponse(http.StatusOK, hitBody), nil
	}))

	f, err := m.c.Facility(context.Background(), " in2910000123 ")
	require.NoError(t, err)
	assert.Equal(t, hfr.Facility{
		ID: "IN2910000123", Name: "Sanjeevani Multispeciality Hospital", Status: "Verified",
		Ownership: "Private", OwnershipCode: "P", FacilityType: "Hospital", FacilityTypeCode: "5",
		SystemOfMedicine: "Physiotherapy,Modern Medicine(Allopathy)", SystemOfMedicineCode: "P,M",
		StateName: "KARNATAKA", StateLGDCode: "29", DistrictName: "BENGALURU URBAN", DistrictLGDCode: "572",
		SubDistrictName: "Bangalore North", Address: "14, 80 Feet Road", Pincode: "560034",
		Latitude: "12.935212345678901", Longitude: "77.6245",
	}, f)
	assert.False(t, f.IsDraft())
	assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
}

// nginx404 is the page a web server in front of the registry answers for a
// path it does not route: a wrong registry URL, not an unknown facility.
const nginx404 = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"

func TestFacilityAnswers(t *testing.T) {
	t.Parallel()
	row := func(id, status string) string {
		return `{"facilityId":"` + id + `","facilityName":"X","facilityStatus":"` + status + `"}`
	}
	tests := []struct {
		name      string
		status    int
		body      string
		wantID    string
		wantDraft bool
		wantErr   error
		wantCode  string
		calls     int
	}{
		{"hit", 200, `{"facilities":[` + row("IN2910000123", "Submitted") + `],"totalFacilities":1}`, "IN2910000123", false, nil, "", 1},
		{"hit in lower case", 200, `{"facilities":[` + row("in2910000123", "Verified") + `]}`, "in2910000123", false, nil, "", 1},
		{"hit among other rows", 200, `{"facilities":[` + row("IN2910000124", "Verified") + `,` + row("IN2910000123", "Verified") + `]}`, "IN2910000123", false, nil, "", 1},
		{"draft is reported", 200, `{"facilities":[` + row("IN2910000123", "DRAFT") + `]}`, "IN2910000123", true, nil, "", 1},
		{"another row is not a match", 200, `{"facilities":[` + row("IN2910000124", "Verified") + `],"totalFacilities":1}`, "", false, hfr.ErrNotFound, "", 1},
		// HFR's own docs show a row with "facilityId": "": such a row
		// proves neither that the facility exists nor that it does not.
		{"row without id proves nothing", 200, `{"facilities":[` + row("", "Verified") + `]}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"row without id beside another row proves nothing", 200, `{"facilities":[` + row("IN2910000124", "Verified") + `,` + row(" ", "Verified") + `]}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"empty search", 200, `{"facilities":[],"message":"No facilities","totalFacilities":0,"numberOfPages":0}`, "", false, hfr.ErrNotFound, "", 1},
		{"null facilities with total", 200, `{"facilities":null,"totalFacilities":0}`, "", false, hfr.ErrNotFound, "", 1},
		{"no rows but a total that says there are some", 200, `{"facilities":[],"totalFacilities":"1","numberOfPages":1}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"404", 404, ``, "", false, hfr.ErrNotFound, "", 1},
		{"404 HTML page is an outage, not an absence", 404, nginx404, "", false, hfr.ErrUnavailable, "", 1},
		{"API manager's 404 for an unrouted path is an outage, not an absence", 404, `{"code":"900906","message":"No matching resource found for given API Request"}`, "", false, hfr.ErrUnavailable, "", 1},
		{"422 HIS-1070", 422, `{"code":"HIS-422","message":"Unprocessable","details":[{"code":"HIS-1070","message":"Required OwnershipCode Field is empty."}]}`, "", false, nil, "HIS-1070", 1},
		{"200 with error list", 200, `[{"error":{"code":"2500","message":"mismatch"}}]`, "", false, nil, "2500", 1},
		{"200 with error object", 200, `{"error":{"code":"ABDM-1932","message":"HFR request failed"}}`, "", false, nil, "ABDM-1932", 1},
		{"200 with errorStatus", 200, `{"facilities":[],"errorStatus":{"code":"HIS-4032","message":"Invalid state code"}}`, "", false, nil, "HIS-4032", 1},
		// An error key that carries nothing is no error: Java services send
		// an empty string or an error object with every member null.
		{"empty errorStatus string", 200, `{"facilities":[` + row("IN2910000123", "Verified") + `],"errorStatus":""}`, "IN2910000123", false, nil, "", 1},
		{"empty errorStatus object", 200, `{"facilities":[` + row("IN2910000123", "Verified") + `],"errorStatus":{}}`, "IN2910000123", false, nil, "", 1},
		{"errorStatus with null members", 200, `{"facilities":[` + row("IN2910000123", "Verified") + `],"errorStatus":{"code":null,"message":null}}`, "IN2910000123", false, nil, "", 1},
		{"empty error object", 200, `{"facilities":[` + row("IN2910000123", "Verified") + `],"error":{ }}`, "IN2910000123", false, nil, "", 1},
		// Two rows for this facility that disagree prove nothing, whichever
		// comes first; the same row twice is the facility.
		{"approved then draft for this facility", 200, `{"facilities":[` + row("IN2910000123", "Approved") + `,` + row("IN2910000123", "Draft") + `]}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"draft then approved for this facility", 200, `{"facilities":[` + row("IN2910000123", "Draft") + `,` + row("in2910000123", "Approved") + `]}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"the same row twice", 200, `{"facilities":[` + row("IN2910000123", "Verified") + `,` + row("in2910000123", "Verified") + `]}`, "IN2910000123", false, nil, "", 1},
		{"unknown shape", 200, `{"result":"ok"}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"list without errors", 200, `[1,2]`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"not JSON", 200, `OK`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"wrong types", 200, `{"facilities":"none"}`, "", false, hfr.ErrUnexpectedResponse, "", 1},
		{"plain-text 503 retried then unavailable", 503, `Please make a valid request.`, "", false, hfr.ErrUnavailable, "", 3},
		{"500 not retried", 500, `{"code":"HIS-500","message":"Internal"}`, "", false, hfr.ErrUnavailable, "HIS-500", 1},
		{"429 retried then rate limited", 429, `{"code":"HIS-429","message":"Too many"}`, "", false, hfr.ErrRateLimited, "HIS-429", 3},
		{"403", 403, `{"message":"Forbidden"}`, "", false, hfr.ErrUnauthorized, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(tt.status, tt.body))
			f, err := m.c.Facility(context.Background(), "IN2910000123")
			assert.Equal(t, tt.calls, m.calls(http.MethodPost, searchURL))
			if tt.wantErr == nil && tt.wantCode == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.wantID, f.ID)
				assert.Equal(t, tt.wantDraft, f.IsDraft())
				return
			}
			require.Error(t, err)
			assert.Equal(t, hfr.Facility{}, f)
			assert.True(t, strings.HasPrefix(err.Error(), "hfr: facility IN2910000123: "), err.Error())
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			var apiErr *hfr.APIError
			if tt.wantCode != "" {
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
			if !errors.Is(err, hfr.ErrNotFound) {
				assert.NotErrorIs(t, err, hfr.ErrNotFound, "only a proven absence is not found")
			}
		})
	}
}

// An error key whose value says anything at all still fails the call,
// even in words the decoder does not know.
func TestErrorStatusOfUnknownShapeIsAnError(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`{"errorCode":"X-1"}`, `"Facility is not active"`, `true`, `500`, `[{"code":"X"}]`} {
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200,
			`{"facilities":[{"facilityId":"IN2910000123","facilityStatus":"Verified"}],"errorStatus":`+v+`}`))
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		var apiErr *hfr.APIError
		require.ErrorAs(t, err, &apiErr, v)
		assert.Equal(t, http.StatusOK, apiErr.StatusCode)
	}
}

func TestFacilityContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    hfr.FacilityContact
		wantErr error
	}{
		{"masked by HFR", `{"facility":{"facilityId":"IN2910000123","facilityName":"Sanjeevani","contactName":"Dr. Asha Rao",
			"contactMobile":"******1905","contactEmail":"ash***********@example.org","hprid":"71-1234-5678-9012"},"status":"SUCCESS","message":"ok","errorStatus":null}`,
			hfr.FacilityContact{FacilityID: "IN2910000123", FacilityName: "Sanjeevani", ManagerName: "Dr. Asha Rao",
				MaskedMobile: "******1905", MaskedEmail: "ash***********@example.org", ManagerHPRID: "71-1234-5678-9012"}, nil},
		{"clear values are masked by the client", `{"facility":{"facilityId":"IN2910000123","contactName":"A","contactMobile":"9000001905","contactEmail":"asha.rao@example.org"},"status":"SUCCESS"}`,
			hfr.FacilityContact{FacilityID: "IN2910000123", ManagerName: "A", MaskedMobile: "******1905", MaskedEmail: "a*******@example.org"}, nil},
		{"facility id not echoed", `{"facility":{"contactName":"A"},"status":"SUCCESS"}`,
			hfr.FacilityContact{FacilityID: "IN2910000123", ManagerName: "A"}, nil},
		{"null facility", `{"facility":null,"status":"FAILURE","message":"Facility not found","errorStatus":null}`, hfr.FacilityContact{}, hfr.ErrNotFound},
		{"another facility", `{"facility":{"facilityId":"IN2910000999","contactName":"B"},"status":"SUCCESS"}`, hfr.FacilityContact{}, hfr.ErrUnexpectedResponse},
		{"unknown shape", `{}`, hfr.FacilityContact{}, hfr.ErrUnexpectedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, contactURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
				assert.Equal(t, map[string]any{"facilityId": "IN2910000123"}, decodeBody(t, r))
				return httpmock.NewStringResponse(http.StatusOK, tt.body), nil
			}))
			got, err := m.c.FacilityContact(context.Background(), "IN2910000123")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "9000001905")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFacilityContactErrorNeverShowsContact(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, contactURL, jsonResponder(200,
		`{"facility":null,"status":"FAILURE","errorStatus":{"code":"HIS-1","message":"contact 9000001905 blocked"}}`))
	_, err := m.c.FacilityContact(context.Background(), "IN2910000123")
	var apiErr *hfr.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "HIS-1", apiErr.Code)
}

func TestMalformedIDReachesNobody(t *testing.T) {
	t.Parallel()
	validTxn := "0c8f4a55-4d1c-4f7e-9f43-0f1f7b3d2a11"
	tests := []struct {
		name    string
		call    func(*hfr.Client) error
		wantErr error
	}{
		{"facility", func(c *hfr.Client) error { _, err := c.Facility(context.Background(), "IN29100001"); return err }, hfr.ErrInvalidID},
		{"facility empty", func(c *hfr.Client) error { _, err := c.Facility(context.Background(), ""); return err }, hfr.ErrInvalidID},
		{"contact", func(c *hfr.Client) error {
			_, err := c.FacilityContact(context.Background(), "IN 2910000123")
			return err
		}, hfr.ErrInvalidID},
		{"send OTP", func(c *hfr.Client) error { _, err := c.SendFacilityOTP(context.Background(), "9876543210"); return err }, hfr.ErrInvalidID},
		{"validate OTP bad facility", func(c *hfr.Client) error {
			return c.ValidateFacilityOTP(context.Background(), "IN29", validTxn, "123456")
		}, hfr.ErrInvalidID},
		{"validate OTP empty transaction", func(c *hfr.Client) error {
			return c.ValidateFacilityOTP(context.Background(), "IN2910000123", " ", "123456")
		}, hfr.ErrInvalidID},
		{"validate OTP not digits", func(c *hfr.Client) error {
			return c.ValidateFacilityOTP(context.Background(), "IN2910000123", validTxn, "12a456")
		}, hfr.ErrOTPRejected},
		{"validate OTP too short", func(c *hfr.Client) error {
			return c.ValidateFacilityOTP(context.Background(), "IN2910000123", validTxn, "123")
		}, hfr.ErrOTPRejected},
		{"professional", func(c *hfr.Client) error { _, err := c.Professional(context.Background(), "71-1234-5678"); return err }, hfr.ErrInvalidID},
		{"professional path injection", func(c *hfr.Client) error {
			_, err := c.Professional(context.Background(), "../x@hpr.abdm")
			return err
		}, hfr.ErrInvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			err := tt.call(m.c)
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotContains(t, err.Error(), "123456")
			assert.Zero(t, m.mt.GetTotalCallCount(), "no request, not even a session")
		})
	}
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	// A valid search answer padded with spaces to exactly n bytes.
	answer := func(n int) string {
		body := `{"facilities":[{"facilityId":"IN2910000123","facilityStatus":"Verified"}]}`
		return body + strings.Repeat(" ", n-len(body))
	}
	tests := []struct {
		name          string
		size          int
		contentLength bool
		ok            bool
	}{
		{"exactly the cap, length known", hfr.MaxResponseSize, true, true},
		{"exactly the cap, streamed", hfr.MaxResponseSize, false, true},
		{"one byte over, length known", hfr.MaxResponseSize + 1, true, false},
		{"one byte over, streamed", hfr.MaxResponseSize + 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			r := httpmock.NewStringResponder(http.StatusOK, answer(tt.size))
			if tt.contentLength {
				r = r.SetContentLength()
			}
			m.mt.RegisterResponder(http.MethodPost, searchURL, r)
			f, err := m.c.Facility(context.Background(), "IN2910000123")
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, "IN2910000123", f.ID)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "over 1048576 bytes")
			assert.ErrorIs(t, err, hcxonboard.ErrTooLarge)
			assert.ErrorIs(t, err, hfr.ErrUnavailable, "an answer too large to read proves nothing: an outage, not a refusal")
			assert.Equal(t, 1, m.calls(http.MethodPost, searchURL), "an oversized body is not retried")
		})
	}
}

// An error answer over the cap (a proxy's padded HTML page, say) still
// counts by its status: the body is not read, but a 503 is retried and a
// 401 renews the session, as they would be with a short body.
func TestBodyCapErrorStatusStillCounts(t *testing.T) {
	t.Parallel()
	huge := "<html><body>" + strings.Repeat("busy ", hfr.MaxResponseSize/4) + "</body></html>"
	t.Run("503 retried", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, httpmock.ResponderFromMultipleResponses([]*http.Response{
			httpmock.NewStringResponse(http.StatusServiceUnavailable, huge),
			httpmock.NewStringResponse(http.StatusOK, hitBody),
		}))
		f, err := m.c.Facility(context.Background(), "IN2910000123")
		require.NoError(t, err)
		assert.Equal(t, "IN2910000123", f.ID)
		assert.Equal(t, 2, m.calls(http.MethodPost, searchURL))
	})
	t.Run("503 every time is an outage", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, hfr.WithRetry(2, time.Millisecond, time.Millisecond)).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, httpmock.NewStringResponder(http.StatusServiceUnavailable, huge))
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrUnavailable)
		var apiErr *hfr.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.NotContains(t, err.Error(), "busy")
		assert.Equal(t, 2, m.calls(http.MethodPost, searchURL))
	})
	t.Run("401 renews the session", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("Authorization") != "Bearer "+token(2) {
				return httpmock.NewStringResponse(http.StatusUnauthorized, huge), nil
			}
			return httpmock.NewStringResponse(http.StatusOK, hitBody), nil
		})
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		require.NoError(t, err)
		assert.EqualValues(t, 2, m.sessions.Load())
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("calls wait for a slot", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, hfr.WithRateLimit(20, 1)).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))
		start := time.Now()
		for range 3 {
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			require.NoError(t, err)
		}
		// Four requests (one session, three searches) at 20/s with burst 1
		// take at least three intervals of 50 ms.
		assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	})
	t.Run("a caller out of time sends nothing", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, hfr.WithRateLimit(0.1, 1)).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))
		// The session spends the only slot; the next comes in 10 s, after
		// the caller's deadline, so the search is never sent.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := m.c.Facility(ctx, "IN2910000123")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "rate limit")
		// A sentinel, so that callers read it as the passing condition it
		// is, not as the registry refusing the request.
		assert.ErrorIs(t, err, hfr.ErrRateLimited)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, m.calls(http.MethodPost, sessionV3))
		assert.Equal(t, 0, m.calls(http.MethodPost, searchURL))
	})
}

func TestClosedClient(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))
	_, err := m.c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	require.NoError(t, m.c.Close())
	require.NoError(t, m.c.Close(), "Close is idempotent")
	_, err = m.c.Facility(context.Background(), "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrClosed)
	assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
}
