package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// bodyTypes are the types of every JSON body the API decodes with
// unmarshalStrict (the application goes through hcxonboard.DecodeApplication,
// fuzzed in its own package).
func bodyTypes() []reflect.Type {
	var out []reflect.Type
	seen := map[reflect.Type]bool{}
	for _, rt := range apiRoutes() {
		if rt.body == nil {
			continue
		}
		t := reflect.TypeOf(rt.body).Elem()
		if t == reflect.TypeFor[hcxonboard.Application]() || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func TestUnmarshalStrictMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		dst            any
	}{
		{"duplicate", `{"reason":"a","reason":"b"}`, `field "reason": given more than once`, &ReasonRequest{}},
		{"case twin", `{"reason":"a","Reason":"b"}`, `unknown field "Reason" (field names are case-sensitive: "reason")`, &ReasonRequest{}},
		{"case only", `{"OTP":"123456"}`, `unknown field "OTP" (field names are case-sensitive: "otp")`, &OTPRequest{}},
		{"null", `null`, "the request body must be a JSON object, not JSON null", &OTPRequest{}},
		{"number", `12`, "not JSON number", &OTPRequest{}},
		{"invalid UTF-8", "{\"reason\":\"\xe2\x82\"}", "not valid UTF-8 (from byte 11)", &ReasonRequest{}},
		{"wrong type", `{"overlap_seconds":"60"}`, `field "overlap_seconds": expected a whole number, got JSON string`, &RotateRequest{}},
		{"out of range", `{"overlap_seconds":99999999999999999999}`, `field "overlap_seconds": expected a whole number, got JSON number out of range`, &RotateRequest{}},
		{"nested path", `{"filters":{"roles":{"or":["a",7]}}}`, `field "filters.roles.or[1]": expected a string, got JSON number`, &registry.Query{}},
		{"nested unknown", `{"filters":{"roles":{"in":["a"]}}}`, `unknown field "in" in "filters.roles"`, &registry.Query{}},
		{"nested duplicate", `{"filters":{"roles":{"eq":"a"},"roles":{"eq":"b"}}}`, `field "filters.roles": given more than once`, &registry.Query{}},
		{"bound not a string", `{"filters":{"created_at":{"gt":true}}}`, `field "filters.created_at.gt": a bound is a JSON string`, &registry.Query{}},
		{"bound a fraction", `{"filters":{"created_at":{"gt":7.5}}}`, `field "filters.created_at.gt": a number as a bound is a whole count of milliseconds`, &registry.Query{}},
		{"embedded field by case", `{"Endpoint_URL":"https://x.example"}`, `(field names are case-sensitive: "endpoint_url")`, &onboarding.Details{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := unmarshalStrict([]byte(tc.in), tc.dst)
			var ae *apiError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusBadRequest, ae.status)
			assert.Equal(t, CodeInvalidPayload, ae.code)
			assert.Contains(t, ae.message, tc.want)
		})
	}
}

// Messages name fields, never values: a body may carry a secret.
func TestUnmarshalStrictQuotesNoValue(t *testing.T) {
	t.Parallel()
	const secret = "hcxs_0123456789abcdef"
	for _, in := range []string{
		`{"participant_code":"x","secret":"` + secret + `","secret":"` + secret + `"}`,
		`{"participant_code":"x","secret":["` + secret + `"]}`,
		`{"participant_code":"x","Secret":"` + secret + `"}`,
	} {
		err := unmarshalStrict([]byte(in), &TokenRequest{})
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), secret, in)
	}
}

// stdDecode is the decoder every body went through before: encoding/json
// with unknown fields refused and nothing after the value.
func stdDecode(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the value")
	}
	return nil
}

// FuzzUnmarshalStrict checks every body type: the strict decoder never
// panics, refuses only with a 400 ERR_INVALID_PAYLOAD, accepts only valid
// UTF-8 objects, and accepts nothing encoding/json refused, to the same
// value.
func FuzzUnmarshalStrict(f *testing.F) {
	types := bodyTypes()
	for _, s := range []string{
		`{"otp":"123456"}`, `{"reason":"duplicate listing"}`, `{"decision":"approve","reason":"ok"}`,
		`{"initiator":"hcx","reason":"fraud"}`, `{"pilot_completed":true,"staff_trained":true,"confirmed_by":"ops"}`,
		`{"participant_code":"1000001@hcx","secret":"hcxs_x","overlap_seconds":3600}`,
		`{"endpoint_url":"https://hcx.example/v1","encryption_cert":"-----BEGIN","contacts":[{"name":"A","email":"a@x","mobile":"9"}]}`,
		`{"filters":{"roles":{"or":["payer","bsp"]},"created_at":{"gt":"2026-01-01T00:00:00+05:30"}},"limit":10}`,
		`null`, `{"reason":"a","reason":"b"}`, `{"Reason":"a"}`, "{\"reason\":\"\xff\"}", `{"reason":"\udc00"}`, `{} {}`,
	} {
		for i := range types {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		got := reflect.New(typ).Interface()
		err := unmarshalStrict(data, got)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.code != CodeInvalidPayload {
				t.Fatalf("%v: refused without a 400 ERR_INVALID_PAYLOAD: %v", typ, err)
			}
			if !utf8.ValidString(ae.message) {
				t.Fatalf("%v: message is not UTF-8: %q", typ, ae.message)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("%v: accepted invalid UTF-8: %q", typ, data)
		}
		if !strings.HasPrefix(strings.TrimLeft(string(data), " \t\r\n"), "{") {
			t.Fatalf("%v: accepted a body that is not an object: %q", typ, data)
		}
		want := reflect.New(typ).Interface()
		if err := stdDecode(data, want); err != nil {
			t.Fatalf("%v: accepted what encoding/json refused (%v): %q", typ, err, data)
		}
		// Compare as encoding/json writes them: times decoded twice hold
		// distinct but equal locations.
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if !bytes.Equal(a, b) {
			t.Fatalf("%v: decodes differently from encoding/json: %q\nold %s\nnew %s", typ, data, a, b)
		}
	})
}

const fuzzStaffToken = "staff-token-fuzz-0123456789"

func searchHandler(t testing.TB, store registry.Store) *Handler {
	t.Helper()
	svc, err := onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	staff, err := StaffTokens(map[string]string{"asha": fuzzStaffToken})
	require.NoError(t, err)
	h, err := New(svc, WithStaffAuth(staff))
	require.NoError(t, err)
	return h
}

func serve(h *Handler, method, target, body string) *httptest.ResponseRecorder {
	var rd io.Reader = http.NoBody
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Authorization", "Bearer "+fuzzStaffToken)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// A search too big or too strange for a database is the caller's error:
// 400, on every store, never a 500 from inside the database.
func TestSearchRefusesUnboundedQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "registry.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = lite.Close() })

	many := make([]string, 70000)
	for i := range many {
		many[i] = "c" + strings.Repeat("0", 5)
	}
	orList, err := json.Marshal(many)
	require.NoError(t, err)
	bodies := map[string]string{
		"or of 70,000 values":  `{"filters":{"participant_code":{"or":` + string(orList) + `}}}`,
		"NUL in eq":            `{"filters":{"participant_code":{"eq":"a\u0000b"}}}`,
		"NUL in an or value":   `{"filters":{"roles":{"or":["payer","\u0000"]}}}`,
		"value over the bound": `{"filters":{"participant_name":{"contains":"` + strings.Repeat("a", registry.MaxQueryValueLen+1) + `"}}}`,
	}
	for name, store := range map[string]registry.Store{"memory": registry.NewMemoryStore(), "sqlite": lite} {
		h := searchHandler(t, store)
		for what, body := range bodies {
			w := serve(h, http.MethodPost, "/v1/onboarding/participants/search", body)
			require.Equal(t, http.StatusBadRequest, w.Code, "%s, %s: %s", name, what, w.Body.String()[:min(w.Body.Len(), 300)])
			var e ErrorResponse
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
			assert.Equal(t, CodeInvalidSearch, e.Error.Code, "%s, %s", name, what)
			assert.Contains(t, e.Error.Message, "invalid query", "%s, %s", name, what)
		}
	}
}

// A NUL byte or invalid UTF-8 in a path or a query parameter is a 400
// before anything reaches the store.
func TestRequestTextIsChecked(t *testing.T) {
	t.Parallel()
	h := searchHandler(t, registry.NewMemoryStore())
	for _, target := range []string{
		"/v1/onboarding/staff/applications/%00",
		"/v1/onboarding/staff/applications/%FF/events",
		"/v1/onboarding/staff/applications?participant_code=a%00b",
		"/v1/onboarding/staff/applications?participant_code=%C3",
		"/v1/onboarding/staff/applications?participant_code=" + strings.Repeat("a", maxParamBytes+1),
		"/v1/onboarding/staff/applications?%00=1",
	} {
		w := serve(h, http.MethodGet, target, "")
		require.Equal(t, http.StatusBadRequest, w.Code, "%s: %s", target, w.Body.String())
		var e ErrorResponse
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
		assert.Equal(t, CodeInvalidRequest, e.Error.Code, target)
		assert.True(t, utf8.ValidString(e.Error.Message), target)
	}
}

// FuzzSearch sends search bodies through the whole handler: the answer is
// 200 or a 400, never a 500.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		`{"filters":{"status":{"eq":"Active"},"roles":{"or":["provider.hospital","payer"]}},"limit":10}`,
		`{"filters":{"participant_code":{"eq":"a\u0000b"}}}`,
		`{"filters":{"participant_name":{"contains":"sun","startsWith":"S"}},"offset":3}`,
		`{"filters":{"created_at":{"gt":"2026-01-01T00:00:00Z"}}}`,
		`{"filters":{"roles":{"or":[]}}}`, `{"filters":{"colour":{"eq":"blue"}}}`, `{"limit":-1}`, `{"limit":1e3}`,
		`{"filters":{"roles":{"eq":"a"},"roles":{"eq":"b"}}}`, `null`, `{"Filters":{}}`,
	} {
		f.Add([]byte(s))
	}
	h := searchHandler(f, registry.NewMemoryStore())
	f.Fuzz(func(t *testing.T, data []byte) {
		r := httptest.NewRequest(http.MethodPost, "/v1/onboarding/participants/search", bytes.NewReader(data))
		r.Header.Set("Authorization", "Bearer "+fuzzStaffToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q: %s", w.Code, data, w.Body.String())
		}
	})
}

// FuzzRequestGate sends requests with arbitrary raw queries, content
// types and bodies through the checks every route runs before its own
// work (the query's names and shape, the body's type and charset, a body
// where none is taken): the answer is one the route documents for bad
// input, never a 500, and a refusal's message is valid UTF-8.
func FuzzRequestGate(f *testing.F) {
	for _, s := range []struct{ query, contentType, body string }{
		{"limit=5", "application/json", `{}`},
		{"limt=5;waiting=all", "", `{"a":1}`},
		{"waiting=go-live&limit=%zz", "application/json; charset=latin1", "\xff"},
		{"stage=live&stage=details", "text/plain", ""},
		{"\x00=1", "application/merge-patch+json", `{}`},
	} {
		f.Add(s.query, s.contentType, []byte(s.body))
	}
	h := searchHandler(f, registry.NewMemoryStore())
	f.Fuzz(func(t *testing.T, query, contentType string, body []byte) {
		for _, rt := range []struct{ method, path string }{
			{http.MethodGet, "/v1/onboarding/staff/applications"},
			{http.MethodPost, "/v1/onboarding/participants/search"},
			{http.MethodPost, "/v1/onboarding/staff/deboardings/process"},
			{http.MethodPost, "/v0.9/participant/search"},
		} {
			r := httptest.NewRequest(rt.method, "/", bytes.NewReader(body))
			r.URL.Path, r.URL.RawQuery = rt.path, query
			r.Header.Set("Authorization", "Bearer "+fuzzStaffToken)
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			switch w.Code {
			case http.StatusOK, http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
			default:
				t.Fatalf("%s %s?%q with %q: status %d: %s", rt.method, rt.path, query, contentType, w.Code, w.Body.String())
			}
			if !utf8.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s?%q: the answer is not UTF-8: %q", rt.method, rt.path, query, w.Body.Bytes())
			}
		}
	})
}
