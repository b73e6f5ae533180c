package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// target fills a route's wildcards with an application the caller may act
// on, and answers the credential that route takes.
type target struct {
	f     *fixture
	id    string
	task  string
	code  string
	token string
}

func newTarget(t *testing.T, f *fixture) target {
	a, tok := f.submit(f.regulator("Route Table Regulator"))
	require.NotEmpty(t, a.OpenTasks())
	return target{f: f, id: a.ID, task: a.OpenTasks()[0].ID, code: a.Participant.ParticipantCode, token: tok}
}

func (tg target) path(p string) string {
	r := strings.NewReplacer("{id}", tg.id, "{task}", tg.task, "{code}", tg.code, "{$}", "")
	return r.Replace(p)
}

func (tg target) auth(kind string) string {
	switch kind {
	case "applicant", "applicant-or-participant":
		return bearer(tg.token)
	case "staff", "participant-or-staff":
		return bearer(staffToken)
	}
	return ""
}

func apiRoutes(h *httpapi.Handler) []httpapi.RouteInfo {
	var out []httpapi.RouteInfo
	for _, rt := range h.AllRoutes() {
		if !strings.HasPrefix(rt.Path, "/console/") {
			out = append(out, rt)
		}
	}
	return out
}

// Every route that reads JSON refuses malformed JSON, unknown fields,
// trailing data, an empty body, another content type and a body over the
// limit, and — unlike encoding/json — null and other non-objects, a name
// given twice, a name that differs from the contract's only by case and
// invalid UTF-8, each in the envelope with ERR_INVALID_PAYLOAD and a
// message that names the problem.
func TestBodyRoutesRefuseBadBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, httpapi.WithMaxBodyBytes(4<<10))
	tg := newTarget(t, f)
	type badBody struct {
		name        string
		body        string
		contentType string
		status      int
		message     string
	}
	bad := func(field string) []badBody {
		upper := strings.ToUpper(field[:1]) + field[1:]
		return []badBody{
			{"malformed JSON", `{"` + field + `": `, "", http.StatusBadRequest, "ends early"},
			{"syntax error", `{"` + field + `" 1}`, "", http.StatusBadRequest, "malformed JSON at byte"},
			{"not an object", `["a"]`, "", http.StatusBadRequest, "JSON object"},
			{"null", `null`, "", http.StatusBadRequest, "JSON object"},
			{"null with space", " null\n", "", http.StatusBadRequest, "JSON object"},
			{"a string", `"x"`, "", http.StatusBadRequest, "JSON object"},
			{"unknown field", `{"no_such_field_anywhere": 1}`, "", http.StatusBadRequest, `unknown field "no_such_field_anywhere"`},
			{"duplicate name", `{"` + field + `": null, "` + field + `": null}`, "", http.StatusBadRequest,
				`field "` + field + `": given more than once`},
			{"name differing by case", `{"` + upper + `": null}`, "", http.StatusBadRequest, `unknown field "` + upper + `"`},
			{"invalid UTF-8", "{\"" + field + "\xff\": null}", "", http.StatusBadRequest, "not valid UTF-8"},
			{"trailing data", `{} {}`, "", http.StatusBadRequest, "after the"},
			{"empty body", ``, "", http.StatusBadRequest, "empty"},
			{"wrong content type", `{}`, "text/plain", http.StatusUnsupportedMediaType, "application/json"},
			{"oversized", `{"reason": "` + strings.Repeat("x", 8<<10) + `"}`, "", http.StatusRequestEntityTooLarge, "bytes"},
		}
	}
	n := 0
	for _, rt := range apiRoutes(f.h) {
		if !rt.Body {
			continue
		}
		n++
		require.NotEmpty(t, rt.Field, rt.Path)
		for _, tc := range bad(rt.Field) {
			if rt.Path == "/v1/onboarding/applications" && strings.HasPrefix(tc.name, "null") {
				// An application of null is an empty application: a 422
				// with the report of what it lacks (TestApplyRefused).
				continue
			}
			t.Run(rt.Method+" "+rt.Path+"/"+tc.name, func(t *testing.T) {
				res := f.do(request{method: rt.Method, path: tg.path(rt.Path), body: []byte(tc.body),
					contentType: tc.contentType, auth: tg.auth(rt.Auth)})
				require.Equal(t, tc.status, res.status, "body: %s", res.body)
				e := res.envelope(t)
				assert.Equal(t, httpapi.CodeInvalidPayload, e.Error.Code)
				assert.Contains(t, e.Error.Message, tc.message)
				assert.Equal(t, "application/json; charset=utf-8", res.header.Get("Content-Type"))
			})
		}
	}
	assert.GreaterOrEqual(t, n, 15, "every JSON-body route is covered")
}

// Every path answers a method it does not serve with 405, an Allow header
// naming the ones it does, and the envelope.
func TestWrongMethod(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tg := newTarget(t, f)
	served := map[string][]string{}
	for _, rt := range f.h.AllRoutes() {
		served[rt.Path] = append(served[rt.Path], rt.Method)
	}
	for path, methods := range served {
		wrong := http.MethodDelete
		t.Run(wrong+" "+path, func(t *testing.T) {
			res := f.do(request{method: wrong, path: tg.path(path), auth: bearer(staffToken)})
			require.Equal(t, http.StatusMethodNotAllowed, res.status, "body: %s", res.body)
			allow := res.header.Get("Allow")
			for _, m := range methods {
				assert.Contains(t, allow, m)
			}
			assert.NotContains(t, allow, wrong)
			assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
		})
	}
}

// Staff routes refuse a request without a credential (401, with
// WWW-Authenticate) and one with a wrong credential (403), and let staff
// through.
func TestStaffRoutesNeedStaff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tg := newTarget(t, f)
	a, appTok := f.submit(f.regulator("Another Regulator"))
	n := 0
	for _, rt := range apiRoutes(f.h) {
		if rt.Auth != "staff" {
			continue
		}
		n++
		for _, tc := range []struct {
			name   string
			auth   string
			status int
		}{
			{"missing", "", http.StatusUnauthorized},
			{"wrong token", bearer("staff-token-that-nobody-was-given"), http.StatusForbidden},
			{"not bearer", "Basic YXNoYTpwdw==", http.StatusForbidden},
			{"applicant token", bearer(appTok), http.StatusForbidden},
		} {
			t.Run(rt.Method+" "+rt.Path+"/"+tc.name, func(t *testing.T) {
				res := f.do(request{method: rt.Method, path: tg.path(rt.Path), auth: tc.auth, body: map[string]any{}})
				require.Equal(t, tc.status, res.status, "body: %s", res.body)
				assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code)
				if tc.status == http.StatusUnauthorized {
					assert.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer")
				}
			})
		}
	}
	assert.Equal(t, 17, n)
	// The application the applicant's token belongs to is untouched.
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version, got.Version)
}

// Applicant routes refuse a request without the applicant token (401),
// with another application's token or a malformed one (403), and a staff
// token is no applicant token either.
func TestApplicantRoutesNeedTheApplicantToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tg := newTarget(t, f)
	_, otherTok := f.submit(f.regulator("Someone Else"))
	n := 0
	for _, rt := range apiRoutes(f.h) {
		if rt.Auth != "applicant" && rt.Auth != "applicant-or-participant" {
			continue
		}
		n++
		// A bearer token that is not an applicant token is, on the routes
		// a live participant may use too, checked as its access token,
		// which it is not either: 401, fetch a new one.
		notApplicant := http.StatusForbidden
		if rt.Auth == "applicant-or-participant" {
			notApplicant = http.StatusUnauthorized
		}
		for _, tc := range []struct {
			name   string
			auth   string
			status int
		}{
			{"missing", "", http.StatusUnauthorized},
			{"another application's token", bearer(otherTok), http.StatusForbidden},
			{"malformed", bearer(httpapi.ApplicantTokenPrefix + "!!!"), http.StatusForbidden},
			{"no prefix", bearer(strings.TrimPrefix(tg.token, httpapi.ApplicantTokenPrefix)), notApplicant},
			{"staff token", bearer(staffToken), notApplicant},
		} {
			t.Run(rt.Method+" "+rt.Path+"/"+tc.name, func(t *testing.T) {
				res := f.do(request{method: rt.Method, path: tg.path(rt.Path), auth: tc.auth, body: map[string]any{}})
				require.Equal(t, tc.status, res.status, "body: %s", res.body)
				assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code)
			})
		}
	}
	assert.Equal(t, 15, n)
}

func TestUnknownPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, p := range []string{"/", "/v1/onboarding", "/v1/onboarding/applications/x/nothing", "/v2/participant/create"} {
		t.Run(p, func(t *testing.T) {
			res := f.do(request{method: http.MethodGet, path: p})
			require.Equal(t, http.StatusNotFound, res.status)
			assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
		})
	}
}
