package hfr_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		code     string
		message  string
		sentinel error
	}{
		{"gateway shape", 401, `{"error":{"code":"ABDM-1923","message":"Invalid client id and secret"}}`,
			"ABDM-1923", "Invalid client id and secret", hfr.ErrUnauthorized},
		{"gateway shape with integer code", 400, `{"error":{"code":1000,"message":"Bad request"}}`,
			"1000", "Bad request", nil},
		{"gateway shape inside a list", 400, `[{"error":{"code":"2500","message":"Provided facility name is not matched with registered name"}}]`,
			"2500", "Provided facility name is not matched with registered name", nil},
		{"HSP envelope takes the first detail", 422, `{"code":"HIS-422","message":"Unprocessable","details":[{"code":"HIS-1070","message":"Required OwnershipCode Field is empty.","attribute":{"key":"ownershipCode","value":""}},{"code":"HIS-9","message":"second"}]}`,
			"HIS-1070", "Required OwnershipCode Field is empty.", nil},
		{"HSP HIS-3008 is not found", 422, `{"code":"HIS-422","message":"x","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`,
			"HIS-3008", "Invalid HPID.", hfr.ErrNotFound},
		{"HSP envelope without details", 503, `{"code":"HIS-503","message":"Service Unavailable","details":[]}`,
			"HIS-503", "Service Unavailable", hfr.ErrUnavailable},
		{"detail without message keeps the envelope's", 400, `{"code":"HIS-400","message":"Bad Request","details":[{"code":"HIS-4047"}]}`,
			"HIS-4047", "Bad Request", nil},
		{"API manager 900901 on 400", 400, `{"code":"900901","message":"Invalid Credentials","description":"Make sure…"}`,
			"900901", "Invalid Credentials", hfr.ErrUnauthorized},
		{"WSO2 fault", 401, `{"fault":{"code":900901,"message":"Invalid Credentials","description":"Access failure"}}`,
			"900901", "Invalid Credentials", hfr.ErrUnauthorized},
		{"OAuth string error", 401, `{"error":"invalid_client","error_description":"Client secret not provided"}`,
			"invalid_client", "Client secret not provided", hfr.ErrUnauthorized},
		{"errorStatus object", 200, `{"facility":null,"status":"FAILURE","errorStatus":{"code":"HIS-2022","message":"Invalid OTP"}}`,
			"HIS-2022", "Invalid OTP", nil},
		{"errorStatus string uses it as message", 200, `{"status":"FAILURE","errorStatus":"Facility is not active"}`,
			"", "Facility is not active", nil},
		{"errorStatus of unknown shape falls back to message", 200, `{"status":"FAILURE","message":"Could not send","errorStatus":500}`,
			"", "Could not send", nil},
		{"plain text", 503, "Please make a valid request.", "", "Please make a valid request.", hfr.ErrUnavailable},
		{"plain text collapsed", 502, "Bad\n\tGateway\x00  ", "", "Bad Gateway", hfr.ErrUnavailable},
		{"HTML page dropped", 504, "<html><body>Gateway Timeout</body></html>", "", "Gateway Timeout", hfr.ErrUnavailable},
		{"empty body", 404, "", "", "Not Found", hfr.ErrNotFound},
		// Answers about the way there, not about what was asked: a
		// redirect (the client follows none) and a proxy's 408.
		{"redirect is no answer", 307, "", "", "Temporary Redirect", hfr.ErrUnavailable},
		{"a proxy's 4xx page is no answer", 400, "<html><head><title>400 Request Header Or Cookie Too Large</title></head><body>nginx</body></html>", "", "Bad Request", hfr.ErrUnavailable},
		{"a page after a byte-order mark", 404, "\ufeff\r\n<!DOCTYPE html><html><body>Not Found</body></html>", "", "Not Found (a web page, not a registry answer: check the registry URL)", hfr.ErrUnavailable},
		{"a 401 page still says unauthorized", 401, "<html>401 Authorization Required</html>", "", "Unauthorized", hfr.ErrUnauthorized},
		{"request timeout is an outage", 408, "<html>Request Timeout</html>", "", "Request Timeout", hfr.ErrUnavailable},
		{"HTML 404 page is a web server's, not the registry's answer", 404, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>", "", "Not Found (a web page, not a registry answer: check the registry URL)", hfr.ErrUnavailable},
		{"JSON without error keys", 429, `{"hello":"world"}`, "", `{"hello":"world"}`, hfr.ErrRateLimited},
		{"truncated JSON is text", 500, `{"error":{"code":"X`, "", `{"error":{"code":"X`, hfr.ErrUnavailable},
		{"forbidden", 403, `{"message":"Forbidden"}`, "", "Forbidden", hfr.ErrUnauthorized},
		{"plain 422 maps to nothing", 422, `{"code":"HIS-422","message":"Unprocessable"}`, "HIS-422", "Unprocessable", nil},
		// The API manager's 404 for a path it does not route (a wrong
		// registry URL) says nothing of the facility or professional asked.
		{"API manager 900906 on 404 is no answer", 404, `{"code":"900906","message":"No matching resource found for given API Request","description":"Access failure for API: /v4/int"}`,
			"900906", "No matching resource found for given API Request", hfr.ErrUnavailable},
		{"WSO2 fault 900906 on 404 is no answer", 404, `{"fault":{"code":900906,"message":"No matching resource found in the API for the given request"}}`,
			"900906", "No matching resource found in the API for the given request", hfr.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := hfr.DecodeError(tt.status, []byte(tt.body))
			require.NotNil(t, e)
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			for _, s := range []error{hfr.ErrNotFound, hfr.ErrUnauthorized, hfr.ErrRateLimited, hfr.ErrUnavailable} {
				assert.Equal(t, s == tt.sentinel, errors.Is(e, s), "errors.Is(%v)", s)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  hfr.APIError
		want string
	}{
		{hfr.APIError{StatusCode: 422, Code: "HIS-1070", Message: "Required OwnershipCode Field is empty."},
			"registry answered HTTP 422 (HIS-1070): Required OwnershipCode Field is empty."},
		{hfr.APIError{StatusCode: 503, Message: "Service Unavailable"}, "registry answered HTTP 503: Service Unavailable"},
		{hfr.APIError{StatusCode: 500}, "registry answered HTTP 500"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
	}
}

func TestDecodeErrorCapsMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1000)
	e := hfr.DecodeError(http.StatusBadRequest, []byte(`{"code":"HIS-400","message":"`+long+`"}`))
	assert.LessOrEqual(t, len(e.Message), 310)
	assert.True(t, utf8.ValidString(e.Message))
	assert.True(t, strings.HasSuffix(e.Message, "…"))

	short := hfr.DecodeError(http.StatusBadRequest, []byte(`{"code":"HIS-400","message":"short"}`))
	assert.Equal(t, "short", short.Message)
}

// FuzzDecodeError checks that no body makes the decoder panic or produce a
// message that is unbounded, invalid UTF-8 or multi-line.
func FuzzDecodeError(f *testing.F) {
	seeds := []string{
		`{"error":{"code":"ABDM-1923","message":"Invalid client id and secret"}}`,
		`[{"error":{"code":"2500","message":"x"}}]`,
		`{"code":"HIS-422","message":"m","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`,
		`{"errorStatus":{"code":"HIS-2022","message":"Invalid OTP"}}`,
		`{"error":"invalid_client","error_description":"d"}`,
		`{"fault":{"code":900901}}`,
		`{"details":"not a list","code":{}}`,
		`Please make a valid request.`,
		`<html></html>`,
		"",
		"\xff\xfe",
	}
	for _, s := range seeds {
		f.Add(422, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := hfr.DecodeError(status, body)
		if e == nil {
			t.Fatal("nil APIError")
		}
		if e.StatusCode != status {
			t.Fatalf("status %d, want %d", e.StatusCode, status)
		}
		for _, s := range []string{e.Code, e.Message} {
			if len(s) > 310 {
				t.Fatalf("unbounded text (%d bytes)", len(s))
			}
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t\x00") {
				t.Fatalf("unclean text %q", s)
			}
		}
		_ = e.Error()
		_ = errors.Unwrap(e)
	})
}
