package httpapi_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// browser is a cookie-keeping client that does not follow redirects, so
// tests see each answer.
type browser struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	// A client of its own: srv.Client() is shared, and so would be the jar.
	c := &http.Client{
		Transport:     srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &browser{t: t, srv: srv, c: c}
}

type page struct {
	status   int
	location string
	header   http.Header
	body     string
}

func (b *browser) get(path string) page {
	b.t.Helper()
	res, err := b.c.Get(b.srv.URL + path)
	require.NoError(b.t, err)
	return b.read(res)
}

// post sends a form from the console's own origin unless origin says
// otherwise ("-" sends neither Origin nor Referer).
func (b *browser) post(path string, form url.Values, origin string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	switch origin {
	case "":
		req.Header.Set("Origin", b.srv.URL)
	case "-":
	default:
		req.Header.Set("Origin", origin)
	}
	res, err := b.c.Do(req)
	require.NoError(b.t, err)
	return b.read(res)
}

func (b *browser) read(res *http.Response) page {
	b.t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(body)}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, p page) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	require.NotNil(t, m, "no CSRF field in: %s", p.body)
	return html.UnescapeString(m[1])
}

// login signs the browser in and returns the session's CSRF token.
func (b *browser) login(token string) string {
	b.t.Helper()
	lp := b.get("/console/login")
	require.Equal(b.t, http.StatusOK, lp.status)
	res := b.post("/console/login", url.Values{"csrf": {csrfOf(b.t, lp)}, "token": {token}}, "")
	require.Equal(b.t, http.StatusSeeOther, res.status, "body: %s", res.body)
	require.Equal(b.t, "/console/queue", res.location)
	q := b.get("/console/queue")
	require.Equal(b.t, http.StatusOK, q.status)
	return csrfOf(b.t, q)
}

func consoleServer(t *testing.T, opts ...httpapi.Option) (*fixture, *httptest.Server) {
	t.Helper()
	f := newFixture(t, opts...)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	return f, srv
}

func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestConsoleLogin(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	b := newBrowser(t, srv)

	for _, p := range []string{"/console/", "/console/queue", "/console/applications/x", "/console/participants"} {
		res := b.get(p)
		assert.Equal(t, http.StatusSeeOther, res.status, p)
		assert.Equal(t, "/console/login", res.location, p)
	}

	css := b.get("/console/static/console.css")
	require.Equal(t, http.StatusOK, css.status)
	assert.Equal(t, "text/css; charset=utf-8", css.header.Get("Content-Type"))
	assert.Contains(t, css.body, ".badge")

	lp := b.get("/console/login")
	require.Equal(t, http.StatusOK, lp.status)
	assert.Contains(t, lp.header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Equal(t, "DENY", lp.header.Get("X-Frame-Options"))
	assert.NotContains(t, lp.body, "<script")
	lc := cookieNamed(lp.header, "__Host-hcx_console_login")
	require.NotNil(t, lc, "on a loopback host the cookies carry the __Host- prefix")
	assert.True(t, lc.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, lc.SameSite)
	csrf := csrfOf(t, lp)

	for _, tc := range []struct {
		name   string
		csrf   func(string) string
		token  string
		origin string
		status int
		want   string
	}{
		{"no CSRF token", func(string) string { return "" }, staffToken, "", http.StatusForbidden, "CSRF"},
		{"wrong CSRF token", tamper, staffToken, "", http.StatusForbidden, "CSRF"},
		{"another origin", nil, staffToken, "https://evil.example", http.StatusForbidden, "another origin"},
		{"no origin or referer", nil, staffToken, "-", http.StatusForbidden, "neither Origin nor Referer"},
		{"wrong token", nil, "staff-token-nobody-has-0000", "", http.StatusUnauthorized, "not accepted"},
		{"empty token", nil, "", "", http.StatusUnauthorized, "not accepted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"csrf": {csrf}, "token": {tc.token}}
			if tc.csrf != nil {
				form.Set("csrf", tc.csrf(csrf))
			}
			res := b.post("/console/login", form, tc.origin)
			assert.Equal(t, tc.status, res.status, "body: %s", res.body)
			assert.Contains(t, res.body, tc.want)
			assert.Nil(t, cookieNamed(res.header, "__Host-hcx_console"), "no session")
			assert.NotContains(t, res.body, staffToken, "the token is not echoed")
			if res.status == http.StatusUnauthorized {
				// A failed login hands out a fresh form token.
				csrf = csrfOf(t, res)
			}
		})
	}
	require.Zero(t, f.h.Sessions())

	res := b.post("/console/login", url.Values{"csrf": {csrf}, "token": {staffToken}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	sc := cookieNamed(res.header, "__Host-hcx_console")
	require.NotNil(t, sc)
	assert.True(t, sc.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, sc.SameSite)
	assert.Equal(t, "/", sc.Path)
	assert.Empty(t, sc.Domain)
	assert.True(t, sc.Secure, "plain http, but on a loopback host: a secure context")
	assert.GreaterOrEqual(t, len(sc.Value), 40)
	assert.Equal(t, 1, f.h.Sessions())

	q := b.get("/console/queue")
	require.Equal(t, http.StatusOK, q.status)
	assert.Contains(t, q.body, "Signed in as <strong>"+staffID+"</strong>")
	assert.Equal(t, "/console/queue", b.get("/console/").location)
	assert.Equal(t, "/console/queue", b.get("/console/login").location)

	// Log out: the session ends on the server.
	out := b.post("/console/logout", url.Values{"csrf": {csrfOf(t, q)}}, "")
	require.Equal(t, http.StatusSeeOther, out.status)
	assert.Zero(t, f.h.Sessions())
	assert.Equal(t, "/console/login", b.get("/console/queue").location)
}

// Under TLS the console's cookies carry the __Host- prefix: Secure,
// Path=/ and no Domain, so that neither a plain-http answer nor a sibling
// host can set or overwrite them (cookie tossing). Cookies of the plain
// names — what such an attacker can plant — are not read under TLS: a
// session id or login token under them opens nothing.
func TestConsoleSecureCookieUnderTLS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewTLSServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	lp := b.get("/console/login")
	hostOnly := func(c *http.Cookie, name string) {
		t.Helper()
		require.NotNil(t, c, name)
		assert.True(t, c.Secure, name)
		assert.True(t, c.HttpOnly, name)
		assert.Equal(t, "/", c.Path, name)
		assert.Empty(t, c.Domain, name)
		assert.Equal(t, http.SameSiteStrictMode, c.SameSite, name)
	}
	hostOnly(cookieNamed(lp.header, "__Host-hcx_console_login"), "login cookie")
	assert.Nil(t, cookieNamed(lp.header, "hcx_console_login"))

	// A login token planted under the plain name, and posted with the
	// form, does not pass the double-submit check.
	planted := "planted-login-token-0123456789abcdef"
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/console/login",
		strings.NewReader(url.Values{"csrf": {planted}, "token": {staffToken}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Cookie", "hcx_console_login="+planted)
	raw, err := srv.Client().Do(req)
	require.NoError(t, err)
	raw.Body.Close()
	assert.Equal(t, http.StatusForbidden, raw.StatusCode, "a planted plain-name login cookie")
	assert.Zero(t, f.h.Sessions())

	res := b.post("/console/login", url.Values{"csrf": {csrfOf(t, lp)}, "token": {staffToken}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	sc := cookieNamed(res.header, "__Host-hcx_console")
	hostOnly(sc, "session cookie")
	assert.Nil(t, cookieNamed(res.header, "hcx_console"))
	q := b.get("/console/queue")
	require.Equal(t, http.StatusOK, q.status, "the session opens the console")

	// The session id under the plain name opens nothing.
	for name, want := range map[string]int{"hcx_console": http.StatusSeeOther, "__Host-hcx_console": http.StatusOK} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/console/queue", nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", name+"="+sc.Value)
		c := &http.Client{Transport: srv.Client().Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		raw, err := c.Do(req)
		require.NoError(t, err)
		raw.Body.Close()
		assert.Equal(t, want, raw.StatusCode, name)
	}

	out := b.post("/console/logout", url.Values{"csrf": {csrfOf(t, q)}}, "")
	require.Equal(t, http.StatusSeeOther, out.status)
	gone := cookieNamed(out.header, "__Host-hcx_console")
	require.NotNil(t, gone, "the logout clears the cookie it set")
	assert.Equal(t, "/", gone.Path)
	assert.Less(t, gone.MaxAge, 0)
}

// Over plain http on a host that is not loopback (a LAN address), no
// browser keeps a Secure cookie: the cookies fall back to the plain names,
// scoped to /console/, HttpOnly and SameSite=Strict, and not Secure. The
// prefixed names are not read there.
func TestConsolePlainCookiesOffLoopback(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	const host = "hcx.lan:8080"
	send := func(method, path, cookie string, form url.Values) *http.Response {
		t.Helper()
		var body io.Reader = http.NoBody
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, srv.URL+path, body)
		require.NoError(t, err)
		req.Host = host
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://"+host)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		c := &http.Client{Transport: srv.Client().Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	lp := send(http.MethodGet, "/console/login", "", nil)
	lc := cookieNamed(lp.Header, "hcx_console_login")
	require.NotNil(t, lc)
	assert.Nil(t, cookieNamed(lp.Header, "__Host-hcx_console_login"))
	assert.Equal(t, "/console/login", lc.Path)
	assert.False(t, lc.Secure)
	assert.True(t, lc.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, lc.SameSite)

	res := send(http.MethodPost, "/console/login", "hcx_console_login="+lc.Value, url.Values{"csrf": {lc.Value}, "token": {staffToken}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	sc := cookieNamed(res.Header, "hcx_console")
	require.NotNil(t, sc)
	assert.Equal(t, "/console/", sc.Path)
	assert.False(t, sc.Secure)
	assert.True(t, sc.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, sc.SameSite)
	assert.Equal(t, 1, f.h.Sessions())

	assert.Equal(t, http.StatusOK, send(http.MethodGet, "/console/queue", "hcx_console="+sc.Value, nil).StatusCode)
	assert.Equal(t, http.StatusSeeOther, send(http.MethodGet, "/console/queue", "__Host-hcx_console="+sc.Value, nil).StatusCode,
		"the prefixed name is not read over plain http off loopback")
}

// Every console form post is refused without the session's CSRF token,
// with a wrong one, with another session's, from another origin, and
// without a session; none of them changes anything.
func TestConsoleCSRF(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.live("CSRF Regulator")
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)
	other := newBrowser(t, srv)
	otherCSRF := other.login(staffToken)
	require.NotEqual(t, csrf, otherCSRF)
	anon := newBrowser(t, srv)

	posts := map[string]url.Values{
		"/console/applications/" + a.ID + "/tasks/review-1/decision": {"decision": {"approve"}, "reason": {"ok"}},
		"/console/applications/" + a.ID + "/recheck":                 {},
		"/console/applications/" + a.ID + "/readiness":               {},
		"/console/applications/" + a.ID + "/send-back":               {"reason": {"csrf test"}},
		"/console/applications/" + a.ID + "/go-live":                 {"pilot_completed": {"on"}, "staff_trained": {"on"}},
		"/console/applications/" + a.ID + "/suspend":                 {"reason": {"csrf test"}},
		"/console/applications/" + a.ID + "/reinstate":               {"reason": {"csrf test"}},
		"/console/applications/" + a.ID + "/deboard":                 {"initiator": {"hcx"}, "reason": {"csrf test"}},
		"/console/outbox/retry":                                      {"id": {"csrf/1/0"}},
		"/console/logout":                                            {},
	}
	var formRoutes int
	for _, rt := range f.h.AllRoutes() {
		if rt.Method == http.MethodPost && strings.HasPrefix(rt.Path, "/console/") && rt.Path != "/console/login" {
			formRoutes++
		}
	}
	require.Len(t, posts, formRoutes, "every console form post is tried")

	with := func(v url.Values, csrf string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = vs
		}
		if csrf != "" {
			out.Set("csrf", csrf)
		}
		return out
	}
	for path, form := range posts {
		for _, tc := range []struct {
			name   string
			b      *browser
			form   url.Values
			origin string
		}{
			{"no token", b, with(form, ""), ""},
			{"wrong token", b, with(form, tamper(csrf)), ""},
			{"another session's token", b, with(form, otherCSRF), ""},
			{"another origin", b, with(form, csrf), "https://evil.example"},
			{"null origin", b, with(form, csrf), "null"},
			{"no origin or referer", b, with(form, csrf), "-"},
			{"no session", anon, with(form, csrf), ""},
		} {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				res := tc.b.post(path, tc.form, tc.origin)
				assert.Equal(t, http.StatusForbidden, res.status, "body: %s", res.body)
				assert.Contains(t, res.body, httpapi.CodeAccessDenied)
			})
		}
	}
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version, got.Version, "no refused post changed the application")
	assert.Equal(t, 2, f.h.Sessions(), "no refused logout ended a session")

	// A same-origin Referer stands in for a missing Origin.
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/console/applications/"+a.ID+"/suspend",
		strings.NewReader(url.Values{"csrf": {csrf}, "reason": {"referer only"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", srv.URL+"/console/applications/"+a.ID)
	res := b.read(must(b.c.Do(req)))
	assert.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	got, err = f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status)
}

// tamper changes the last character of a token.
func tamper(s string) string {
	last := byte('A')
	if s[len(s)-1] == last {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A reviewer opens the queue, opens an application waiting on review and
// approves it with a reason; the page then shows the task settled and the
// decision in a verified audit trail.
func TestConsoleReview(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	app := f.regulator("Insurance Regulatory Office")
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter,
		URI: "https://docs.regulator.example/letter.pdf", SHA256: strings.Repeat("cd", 32), MediaType: "application/pdf"}}
	a, _ := f.submit(app)
	otp, _ := f.submit(f.payer()) // waits on an OTP: not in the default queue
	b := newBrowser(t, srv)
	b.login(staffToken)

	q := b.get("/console/queue")
	require.Equal(t, http.StatusOK, q.status)
	assert.Contains(t, q.body, `href="/console/applications/`+a.ID+`"`)
	assert.NotContains(t, q.body, otp.ID, "the default queue holds what needs a decision")
	assert.Contains(t, b.get("/console/queue?waiting=otp").body, otp.ID)
	assert.Contains(t, b.get("/console/queue?waiting=all").body, otp.ID)
	assert.Equal(t, http.StatusBadRequest, b.get("/console/queue?waiting=nonsense").status)

	p := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, p.status)
	for _, want := range []string{"Insurance Regulatory Office", "case_review", "sandbox_certificate",
		`href="https://docs.regulator.example/letter.pdf"`, "Approve", "Reject", "chain verified", `data-task-state="open"`} {
		assert.Contains(t, p.body, want)
	}
	task := a.OpenTasks()[0].ID
	decide := "/console/applications/" + a.ID + "/tasks/" + task + "/decision"

	// Rejecting needs a reason: the page says so and nothing changes.
	res := b.post(decide, url.Values{"csrf": {csrfOf(t, p)}, "decision": {"reject"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status)
	p = b.get(res.location)
	assert.Contains(t, p.body, "flash-error")
	assert.Contains(t, p.body, "a rejection needs a reason")
	assert.Contains(t, p.body, `data-task-state="open"`)

	res = b.post(decide, url.Values{"csrf": {csrfOf(t, p)}, "decision": {"approve"}, "reason": {"Confirmed with the regulator by phone"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	assert.Equal(t, "/console/applications/"+a.ID, res.location)
	p = b.get(res.location)
	assert.Contains(t, p.body, "Task "+task+" approved.")
	assert.Contains(t, p.body, `data-task-state="done"`)
	assert.Contains(t, p.body, "staff:"+staffID)
	assert.Contains(t, p.body, `data-action="approve"`)
	assert.Contains(t, p.body, "Confirmed with the regulator by phone")
	assert.Contains(t, p.body, "chain verified")
	assert.Contains(t, p.body, `id="stage">details<`)
	// The flash is shown once.
	assert.NotContains(t, b.get(res.location).body, "approved.")

	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, got.Stage)

	assert.Equal(t, http.StatusNotFound, b.get("/console/applications/no-such-application").status)
}

// Participant data is escaped everywhere, links only for http(s), and
// contact details masked.
func TestConsoleEscapesAndMasks(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	app := f.regulator(`<script>alert("owned")</script> Regulator`)
	app.PrimaryEmail = "registrar.office@regulator.example"
	app.PrimaryMobile = "9876543210"
	app.SystemAdmin = &hcxonboard.Contact{Name: "Meera <b>Iyer</b>", Email: "meera.iyer@regulator.example", Mobile: "9123456780"}
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter,
		URI: `javascript:alert(1)//"><img src=x>`, SHA256: strings.Repeat("ef", 32)}}
	a, _ := f.submit(app)
	b := newBrowser(t, srv)
	b.login(staffToken)

	for _, path := range []string{"/console/queue?waiting=all", "/console/applications/" + a.ID,
		"/console/participants?name=" + url.QueryEscape("<script>")} {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.status, path)
		assert.NotContains(t, p.body, "<script>", path)
		assert.Contains(t, p.body, "&lt;script&gt;", path)
		assert.NotContains(t, p.body, "<b>Iyer", path)
		assert.NotContains(t, p.body, "<img src=x>", path)
		assert.NotContains(t, p.body, `href="javascript:`, path)
		if strings.HasPrefix(path, "/console/applications/") {
			continue // the application page shows contacts in full (below)
		}
		for _, full := range []string{"registrar.office@regulator.example", "9876543210", "meera.iyer@regulator.example", "9123456780"} {
			assert.NotContains(t, p.body, full, "%s shows %s in full", path, full)
		}
	}
	// Staff see the contacts unmasked on the application page, and each
	// view is an audit event with the staff member as actor.
	p := b.get("/console/applications/" + a.ID)
	for _, full := range []string{"registrar.office@regulator.example", "9876543210", "meera.iyer@regulator.example", "9123456780"} {
		assert.Contains(t, p.body, full)
	}
	events, err := f.svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	views := 0
	for _, e := range events {
		if e.Action == onboarding.ActionViewContacts {
			views++
			assert.Equal(t, "staff:"+staffID, e.Actor)
		}
	}
	assert.Equal(t, 2, views, "one audit event per view")
	assert.Contains(t, p.body, "Meera &lt;b&gt;Iyer&lt;/b&gt;")
}

func TestConsoleLifecycleAndSearch(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.live("Console Lifecycle Regulator")
	f.submit(f.regulator("Another Regulator"))
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)
	path := "/console/applications/" + a.ID

	p := b.get(path)
	assert.Contains(t, p.body, `action="`+path+`/suspend"`)
	assert.NotContains(t, p.body, `action="`+path+`/reinstate"`, "only actions that fit are offered")
	assert.NotContains(t, p.body, `action="`+path+`/go-live"`)

	steps := []struct {
		name   string
		action string
		form   url.Values
		flash  string
		status hcxonboard.Status
	}{
		{"suspend without reason", "/suspend", url.Values{}, "a reason is required", hcxonboard.StatusActive},
		{"suspend", "/suspend", url.Values{"reason": {"SLA breach"}}, "suspended", hcxonboard.StatusBlocked},
		{"suspend twice", "/suspend", url.Values{"reason": {"again"}}, "cannot suspend", hcxonboard.StatusBlocked},
		{"reinstate", "/reinstate", url.Values{"reason": {"fixed"}}, "suspension is over", hcxonboard.StatusActive},
		{"deboard, unknown initiator", "/deboard", url.Values{"initiator": {"cosmic"}, "reason": {"x"}}, "initiator must be one of", hcxonboard.StatusActive},
		{"deboard announced", "/deboard", url.Values{"initiator": {"hcx"}, "reason": {"repeated attacks"}}, "announced", hcxonboard.StatusActive},
		{"recheck a live one", "/recheck", url.Values{}, "cannot run the checks again", hcxonboard.StatusActive},
	}
	for _, s := range steps {
		s.form.Set("csrf", csrf)
		res := b.post(path+s.action, s.form, "")
		require.Equal(t, http.StatusSeeOther, res.status, "%s: %s", s.name, res.body)
		p := b.get(res.location)
		assert.Contains(t, p.body, s.flash, s.name)
		assert.Contains(t, p.body, `id="status">`+string(s.status)+`<`, s.name)
	}
	assert.Contains(t, b.get(path).body, "De-boarding announced")

	// Search.
	for _, tc := range []struct {
		query  string
		status int
		want   []string
		not    []string
	}{
		{"", http.StatusOK, []string{"Name contains", "Console Lifecycle Regulator", "Another Regulator"}, nil}, // listed on open
		{"?name=lifecycle", http.StatusOK, []string{"Console Lifecycle Regulator", a.Participant.ParticipantCode}, []string{"Another Regulator"}},
		{"?status=Active", http.StatusOK, []string{"Console Lifecycle Regulator"}, []string{"Another Regulator"}},
		{"?role=agency.regulator", http.StatusOK, []string{"Console Lifecycle Regulator", "Another Regulator"}, nil},
		{"?name=nobody-at-all", http.StatusOK, []string{"No participant matches"}, nil},
		{"?status=Dormant", http.StatusBadRequest, []string{"ERR_INVALID_SEARCH"}, nil},
		{"?role=wizard", http.StatusBadRequest, []string{"ERR_INVALID_SEARCH"}, nil},
	} {
		p := b.get("/console/participants" + tc.query)
		require.Equal(t, tc.status, p.status, tc.query)
		for _, w := range tc.want {
			assert.Contains(t, p.body, w, tc.query)
		}
		for _, n := range tc.not {
			assert.NotContains(t, p.body, n, tc.query)
		}
	}
	res := b.get("/console/participants/" + url.PathEscape(a.Participant.ParticipantCode))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, path, res.location)
	assert.Equal(t, http.StatusNotFound, b.get("/console/participants/nobody_000000@hcx").status)
}

func TestConsoleGoLive(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.submit(f.regulator("Go-live Regulator"))
	a = f.approveReview(a)
	_, err := f.svc.SubmitDetails(context.Background(), a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(context.Background(), a.ID)
	require.NoError(t, err)
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)
	path := "/console/applications/" + a.ID
	assert.Contains(t, b.get(path).body, `action="`+path+`/go-live"`)

	res := b.post(path+"/go-live", url.Values{"csrf": {csrf}, "pilot_completed": {"on"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Contains(t, b.get(res.location).body, "not ready")
	res = b.post(path+"/go-live", url.Values{"csrf": {csrf}, "pilot_completed": {"on"}, "staff_trained": {"on"}, "pilot_notes": {"two clients"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status)
	p := b.get(res.location)
	assert.Contains(t, p.body, "The participant is live")
	assert.Contains(t, p.body, `id="status">Active<`)
	assert.Contains(t, p.body, "confirmed by staff:"+staffID)
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestConsoleSessionExpires(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	f, srv := consoleServer(t, httpapi.WithClock(clk.Now), httpapi.WithSessionTTL(time.Hour))
	a, _ := f.submit(f.regulator("Expiry Regulator"))
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)
	clk.add(59 * time.Minute)
	assert.Equal(t, http.StatusOK, b.get("/console/queue").status)
	clk.add(2 * time.Minute)
	assert.Equal(t, "/console/login", b.get("/console/queue").location)
	res := b.post("/console/applications/"+a.ID+"/recheck", url.Values{"csrf": {csrf}}, "")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "session has ended")
	assert.Zero(t, f.h.Sessions())
}

func TestConsoleOriginOption(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t, httpapi.WithConsoleOrigin("https://hcx.example.org"))
	b := newBrowser(t, srv)
	lp := b.get("/console/login")
	assert.True(t, cookieNamed(lp.header, "__Host-hcx_console_login").Secure, "an https origin marks cookies Secure")
	form := url.Values{"csrf": {csrfOf(t, lp)}, "token": {staffToken}}
	// The server's own address is not the configured public origin.
	res := b.post("/console/login", form, "")
	assert.Equal(t, http.StatusForbidden, res.status)
	res = b.post("/console/login", form, "https://hcx.example.org")
	assert.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	assert.Equal(t, 1, f.h.Sessions())
}

func TestConsoleDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, httpapi.WithConsole(false))
	res := f.do(request{method: http.MethodGet, path: "/console/login"})
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
}

// Revoking a staff credential ends the console sessions opened with it at
// once — at their next request, not at the end of their TTL — and only
// those; the staff API refuses it too.
func TestRevokingStaffCredentialEndsItsSessions(t *testing.T) {
	t.Parallel()
	const raviToken = "staff-token-ravi-0123456789abcdef"
	set, err := httpapi.NewStaffTokenSet(map[string]string{staffID: staffToken, "ravi": raviToken})
	require.NoError(t, err)
	f, srv := consoleServer(t, httpapi.WithStaffAuth(set.Check), httpapi.WithSessionTTL(7*24*time.Hour))
	a, _ := f.submit(f.regulator("Revocation Regulator"))

	asha := newBrowser(t, srv)
	ashaCSRF := asha.login(staffToken)
	ravi := newBrowser(t, srv)
	ravi.login(raviToken)
	require.Equal(t, http.StatusOK, asha.get("/console/applications/"+a.ID).status)
	require.Equal(t, 2, f.h.Sessions())

	require.True(t, set.Revoke(staffID))
	assert.False(t, set.Revoke(staffID), "revoked already")

	// The very next request is refused: a page sends to the login, a form
	// post is a 403, and the session is gone.
	res := asha.get("/console/applications/" + a.ID)
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/console/login", res.location)
	assert.NotContains(t, res.body, "Revocation Regulator")
	res = asha.post("/console/applications/"+a.ID+"/recheck", url.Values{"csrf": {ashaCSRF}}, "")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "session has ended")
	assert.Equal(t, 1, f.h.Sessions(), "only the revoked credential's session ended")
	assert.Equal(t, "/console/login", asha.get("/console/").location)

	// The other member carries on; the revoked token opens nothing.
	assert.Equal(t, http.StatusOK, ravi.get("/console/applications/"+a.ID).status)
	again := newBrowser(t, srv)
	lp := again.get("/console/login")
	res = again.post("/console/login", url.Values{"csrf": {csrfOf(t, lp)}, "token": {staffToken}}, "")
	assert.Equal(t, http.StatusUnauthorized, res.status)
	api := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications", auth: bearer(staffToken)})
	assert.Equal(t, http.StatusForbidden, api.status, "the staff API refuses it too")

	// Giving a member a new token revokes the old one the same way.
	const raviNew = "staff-token-ravi-fedcba9876543210"
	require.NoError(t, set.Set("ravi", raviNew))
	assert.Equal(t, "/console/login", ravi.get("/console/queue").location)
	assert.Zero(t, f.h.Sessions())
	ravi.login(raviNew)
	assert.Equal(t, http.StatusOK, ravi.get("/console/queue").status)
}

// A session ends when any staff check stops accepting its credential, not
// only a StaffTokenSet, and when the check names someone else for it.
func TestConsoleSessionFollowsTheStaffCheck(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	who := staffID
	check := func(r *http.Request) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		return who, r.Header.Get("Authorization") == "Bearer "+staffToken && who != ""
	}
	set := func(id string) {
		mu.Lock()
		defer mu.Unlock()
		who = id
	}
	f, srv := consoleServer(t, httpapi.WithStaffAuth(check))
	b := newBrowser(t, srv)
	b.login(staffToken)
	assert.Equal(t, http.StatusOK, b.get("/console/queue").status)
	set("someone-else")
	assert.Equal(t, "/console/login", b.get("/console/queue").location, "the credential now names another member")
	set(staffID)
	b.login(staffToken)
	set("")
	assert.Equal(t, "/console/login", b.get("/console/participants").location, "the credential is refused")
	assert.Zero(t, f.h.Sessions())
}

// The console shows times in the operator's zone, naming it, and each
// requirement's title beside its id.
func TestConsoleZoneAndTitles(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		ist = time.FixedZone("IST", 5*3600+1800)
	}
	f, srv := consoleServer(t, httpapi.WithConsoleTimeZone(ist))
	a, _ := f.submit(f.regulator("Zoned Regulator"))
	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, " IST", "times name the operator's zone")
	assert.NotContains(t, p.body, " UTC<", "not UTC")
	assert.Contains(t, p.body, "case_review")
	assert.Regexp(t, `case_review</span><div class="muted">[^<]+</div>`, p.body, "the requirement's title beside its id")
	_, err = httpapi.New(f.svc, httpapi.WithConsoleTimeZone(nil))
	require.ErrorIs(t, err, httpapi.ErrInvalidOption)
}
