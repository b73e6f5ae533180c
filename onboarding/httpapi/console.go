package httpapi

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

//go:embed templates/*.html static/console.css
var assets embed.FS

// Cookie names of the console. Where the browser holds cookies securely
// they carry the __Host- prefix (consoleCookies).
const (
	sessionCookie = "hcx_console"
	loginCookie   = "hcx_console_login"
	hostPrefix    = "__Host-"
)

// cookieJar names and scopes the console's cookies for one request. Under
// TLS (or an https WithConsoleOrigin), and on a loopback host without a
// configured origin — http://127.0.0.1 and http://localhost, which
// browsers treat as secure contexts — the cookies are __Host-hcx_console
// and __Host-hcx_console_login: Secure, Path=/, no Domain. A browser
// takes such a cookie only from a secure origin, for that host alone, so
// neither a plain-http answer nor a sibling host can plant or overwrite
// one (cookie tossing, login CSRF through the double-submit cookie). Only
// plain http on another host (a LAN address, or an http
// WithConsoleOrigin) falls back to the plain names, scoped to /console/,
// HttpOnly and SameSite=Strict like the others: over plain http a network
// attacker reads and sets cookies anyway, which no name prevents. Each
// request reads only the names of its own kind, so a cookie planted under
// the plain name opens nothing where the prefixed one is used.
type cookieJar struct {
	session, login         string
	sessionPath, loginPath string
	secure                 bool
}

func (h *Handler) cookieJar(r *http.Request) cookieJar {
	if h.secure(r) || (h.origin == "" && loopbackHost(r.Host)) {
		return cookieJar{session: hostPrefix + sessionCookie, login: hostPrefix + loginCookie,
			sessionPath: "/", loginPath: "/", secure: true}
	}
	return cookieJar{session: sessionCookie, login: loginCookie, sessionPath: "/console/", loginPath: "/console/login"}
}

// loopbackHost reports whether host (a Host header, with or without a
// port) is localhost or a loopback address.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// setCookie sets (maxAge > 0) or clears (maxAge < 0) one of the console's
// cookies, HttpOnly and SameSite=Strict.
func setCookie(w http.ResponseWriter, name, path, value string, maxAge int, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure})
}

// maxFormBytes caps a console form post.
const maxFormBytes = 64 << 10

// pageSize is how many rows a console list shows at once.
const pageSize = 50

// Console form bodies, for the OpenAPI document (the handlers read
// r.PostForm).
type (
	csrfForm struct {
		CSRF string `json:"csrf"`
	}
	loginForm struct {
		CSRF  string `json:"csrf"`
		Token string `json:"token"`
	}
	decisionForm struct {
		CSRF     string `json:"csrf"`
		Decision string `json:"decision" enum:"approve,reject"`
		Reason   string `json:"reason,omitempty"`
		Seen     string `json:"seen,omitempty"` // the task's fingerprint as the page showed it
	}
	reasonForm struct {
		CSRF   string `json:"csrf"`
		Reason string `json:"reason"`
	}
	deboardForm struct {
		CSRF      string `json:"csrf"`
		Initiator string `json:"initiator" enum:"voluntary,regulator,hcx"`
		Reason    string `json:"reason"`
	}
	goLiveForm struct {
		CSRF               string `json:"csrf"`
		PilotCompleted     string `json:"pilot_completed,omitempty"`
		PilotNotes         string `json:"pilot_notes,omitempty"`
		StaffTrained       string `json:"staff_trained,omitempty"`
		CertificateFetched string `json:"certificate_fetched,omitempty"`
		FirewallAllowsHCX  string `json:"firewall_allows_hcx,omitempty"`
		DetailsSeen        string `json:"details_seen,omitempty"` // the details' fingerprint as the page showed them
	}
)

var pageFuncs = template.FuncMap{
	"maskEmail":  hcxonboard.MaskEmail,
	"maskMobile": hcxonboard.MaskMobile,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12] + "…"
		}
		return s
	},
	"join": func(xs any) string {
		switch v := xs.(type) {
		case []string:
			return strings.Join(v, ", ")
		case []hcxonboard.Role:
			ss := make([]string, len(v))
			for i, r := range v {
				ss[i] = string(r)
			}
			return strings.Join(ss, ", ")
		case []verifier.Category:
			ss := make([]string, len(v))
			for i, c := range v {
				ss[i] = string(c)
			}
			return strings.Join(ss, ", ")
		}
		return fmt.Sprint(xs)
	},
}

// parsePages parses every console page with the shared layout; titles
// name the requirements (see requirementTitles).
func parsePages(loc *time.Location, titles map[verifier.RequirementID]string) (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template)
	funcs := template.FuncMap{
		// Times in the operator's zone, with the zone named.
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04 MST")
		},
		// A requirement's title, or "" when it has none: the one mine (a
		// page's, for its application's categories) gives, else any
		// policy's.
		"title": func(mine map[verifier.RequirementID]string, id verifier.RequirementID) string {
			if t, ok := mine[id]; ok {
				return t
			}
			return titles[id]
		},
	}
	for _, name := range []string{"login", "queue", "application", "participants", "outbox", "error"} {
		t, err := template.New("layout.html").Funcs(pageFuncs).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("httpapi: console template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// pageData is what every page template gets.
type pageData struct {
	Title string
	Nav   string
	Staff string
	CSRF  string
	Flash *flash
	Body  any
}

func setConsoleHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cache-Control", "no-store")
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, status int, page string, c *reqCtx, title, nav string, body any) error {
	d := pageData{Title: title, Nav: nav, Body: body}
	if c != nil && c.session != nil {
		d.Staff, d.CSRF = c.session.staffID, c.session.csrf
		d.Flash = h.sessions.takeFlash(c.session)
	}
	var buf bytes.Buffer
	if err := h.pages[page].Execute(&buf, d); err != nil {
		return fmt.Errorf("httpapi: render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

type errorPage struct {
	Status  int
	Code    string
	Message string
}

// consoleError answers a failed console request with a page.
func (h *Handler) consoleError(w http.ResponseWriter, r *http.Request, err error) {
	c := classify(err)
	if c.internal {
		h.log.ErrorContext(r.Context(), "httpapi: console request failed", "method", r.Method,
			"route", r.Pattern, "status", c.status, "error", err.Error())
	}
	if h.pages == nil {
		h.writeError(w, r, err)
		return
	}
	var rc *reqCtx
	if s := h.currentSession(r); s != nil {
		rc = &reqCtx{session: s, staffID: s.staffID}
	}
	if rerr := h.render(w, c.status, "error", rc, http.StatusText(c.status), "",
		errorPage{Status: c.status, Code: c.code, Message: clipMessage(c.message)}); rerr != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// secure reports whether cookies must be marked Secure.
func (h *Handler) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(h.origin, "https://")
}

// expectedOrigin is where the console's own forms post from.
func (h *Handler) expectedOrigin(r *http.Request) string {
	if h.origin != "" {
		return h.origin
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host)
}

// checkOrigin refuses a form post that does not come from the console's
// own origin: Origin must match, or, without it, Referer must.
func (h *Handler) checkOrigin(r *http.Request) error {
	want := h.expectedOrigin(r)
	if o := r.Header.Get("Origin"); o != "" {
		if strings.EqualFold(o, want) {
			return nil
		}
		return newError(http.StatusForbidden, CodeAccessDenied, "the form was posted from another origin")
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && strings.EqualFold(u.Scheme+"://"+u.Host, want) {
			return nil
		}
		return newError(http.StatusForbidden, CodeAccessDenied, "the form was posted from another origin")
	}
	return newError(http.StatusForbidden, CodeAccessDenied, "the form post carries neither Origin nor Referer")
}

// parseForm reads a form post with the console's size limit.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload, message: "the form is too large", err: err}
		}
		return &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload, message: "the form could not be read", err: err}
	}
	return nil
}

// currentSession returns the request's live session, or nil. The staff
// credential the session was opened with is checked again, every time:
// once the check refuses it (revoked, replaced) or names someone else, the
// session ends.
func (h *Handler) currentSession(r *http.Request) *session {
	if h.sessions == nil {
		return nil
	}
	ck, err := r.Cookie(h.cookieJar(r).session)
	if err != nil {
		return nil
	}
	s := h.sessions.get(ck.Value)
	if s == nil {
		return nil
	}
	if id, ok := h.staffOfToken(r, s.credential); !ok || id != s.staffID {
		h.sessions.delete(ck.Value)
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "httpapi: console session ended: the staff credential is no longer accepted",
			slog.String("staff", s.staffID))
		return nil
	}
	return s
}

// checkForm admits a console form post: same origin, a live session and
// that session's CSRF token, compared in constant time.
func (h *Handler) checkForm(w http.ResponseWriter, r *http.Request) (*session, error) {
	if err := h.checkOrigin(r); err != nil {
		return nil, err
	}
	s := h.currentSession(r)
	if s == nil {
		return nil, newError(http.StatusForbidden, CodeAccessDenied, "your console session has ended; log in again")
	}
	if err := parseForm(w, r); err != nil {
		return nil, err
	}
	got := r.PostForm.Get("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
		return nil, newError(http.StatusForbidden, CodeAccessDenied, "the form's CSRF token is missing or wrong; reload the page and try again")
	}
	return s, nil
}

// checkLoginForm admits the login post: same origin, and the token in the
// form equal to the one in the login cookie the form page set (a
// double-submit check, since there is no session yet).
func (h *Handler) checkLoginForm(w http.ResponseWriter, r *http.Request) error {
	if err := h.checkOrigin(r); err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ck, err := r.Cookie(h.cookieJar(r).login)
	got := r.PostForm.Get("csrf")
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ck.Value)) != 1 {
		return newError(http.StatusForbidden, CodeAccessDenied, "the login form's CSRF token is missing or wrong; reload the login page")
	}
	return nil
}

func (h *Handler) consoleHome(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	if h.currentSession(r) != nil {
		http.Redirect(w, r, "/console/queue", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}

type loginPage struct {
	CSRF  string
	Error string
}

func (h *Handler) consoleLoginPage(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	if h.currentSession(r) != nil {
		http.Redirect(w, r, "/console/queue", http.StatusSeeOther)
		return nil
	}
	return h.showLogin(w, r, http.StatusOK, "")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	tok, err := randomToken()
	if err != nil {
		return err
	}
	jar := h.cookieJar(r)
	setCookie(w, jar.login, jar.loginPath, tok, 3600, jar.secure)
	return h.render(w, status, "login", nil, "Staff login", "", loginPage{CSRF: tok, Error: msg})
}

func (h *Handler) consoleLogin(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	tok := strings.TrimSpace(r.PostForm.Get("token"))
	staffID, ok := h.staffOfToken(r, tok)
	if !ok {
		return h.showLogin(w, r, http.StatusUnauthorized, "That staff token was not accepted.")
	}
	if h.requireRole(staffID, "") != nil {
		return h.showLogin(w, r, http.StatusForbidden, "That staff member holds no staff role: ask an administrator for one.")
	}
	id, _, err := h.sessions.create(staffID, tok)
	if err != nil {
		return err
	}
	jar := h.cookieJar(r)
	setCookie(w, jar.session, jar.sessionPath, id, int(h.sessionTTL/time.Second), jar.secure)
	setCookie(w, jar.login, jar.loginPath, "", -1, jar.secure)
	http.Redirect(w, r, "/console/queue", http.StatusSeeOther)
	return nil
}

func (h *Handler) consoleLogout(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	jar := h.cookieJar(r)
	if ck, err := r.Cookie(jar.session); err == nil {
		h.sessions.delete(ck.Value)
	}
	setCookie(w, jar.session, jar.sessionPath, "", -1, jar.secure)
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}

func (h *Handler) consoleCSS(w http.ResponseWriter, _ *http.Request, _ *reqCtx) error {
	b, err := assets.ReadFile("static/console.css")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(b)
	return nil
}

// The queue.

type tab struct {
	Key, Label string
	Active     bool
}

type queueRow struct {
	ID, Name, Code string
	Roles          []hcxonboard.Role
	Categories     []verifier.Category
	Position       string
	Waiting        []queueWait
	Titles         map[verifier.RequirementID]string // the requirements' titles, as the application's page gives them
	Submitted      time.Time
}

// queueWait is one open task of a queue row: its kind and requirement.
type queueWait struct {
	Kind        string
	Requirement verifier.RequirementID
}

type queuePage struct {
	Tabs             []tab
	Waiting          string
	Rows             []queueRow
	PrevURL, NextURL template.URL // "" when there is no such page
}

var queueTabs = []tab{
	{Key: queueStaff, Label: "Waiting on staff"},
	{Key: "decide", Label: "Needs a decision"},
	{Key: onboarding.KindReview, Label: "Review"},
	{Key: onboarding.KindApproval, Label: "Payer approval"},
	{Key: onboarding.KindOTP, Label: "Waiting on OTP"},
	{Key: onboarding.KindRetry, Label: "Registry retry"},
	{Key: onboarding.KindUpload, Label: "Waiting on documents"},
	{Key: onboarding.WaitingDeboarding, Label: "De-boarding"},
	{Key: onboarding.WaitingCertificateExpired, Label: "Certificate expired"},
	{Key: onboarding.WaitingReadinessFailed, Label: "Readiness failed"},
	{Key: waitingGoLive, Label: "Credentials and go-live"},
	{Key: "all", Label: "All"},
}

// queueStaff is the default tab: what waits on staff, as the staff API's
// queue lists it by default (staffLanes). The go-live tab lists the
// applications past step 3, waiting for their credentials, readiness and
// the approver's go-live: no task marks that wait, so it is the stage's.
const queueStaff = "staff"

func (h *Handler) consoleQueue(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	waiting := r.URL.Query().Get("waiting")
	if waiting == "" {
		waiting = queueStaff
	}
	if !slices.ContainsFunc(queueTabs, func(t tab) bool { return t.Key == waiting }) {
		keys := make([]string, len(queueTabs))
		for i, t := range queueTabs {
			keys[i] = t.Key
		}
		return newError(http.StatusBadRequest, CodeInvalidRequest, "unknown queue %q: waiting is one of %s", clipParam(waiting), strings.Join(keys, ", "))
	}
	offset, err := intParam(r.URL.Query().Get("offset"), "offset", 0, registry.MaxLimit-pageSize-1)
	if err != nil {
		return err
	}
	scope := cursorScope("console-queue", waiting)
	cursor, err := unbindCursor(scope, r.URL.Query().Get("cursor"), CodeInvalidRequest)
	if err != nil {
		return err
	}
	if cursor != "" && offset > 0 {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "give offset or cursor, not both")
	}
	lanes := queueLanes{kinds: []string{waiting}}
	switch waiting {
	case queueStaff:
		lanes = staffLanes
	case "decide":
		lanes.kinds = []string{onboarding.KindReview, onboarding.KindApproval}
	case "all":
		lanes.kinds = []string{""}
	case waitingGoLive:
		lanes = queueLanes{goLive: true}
	}
	apps, next, err := h.queuePage(r.Context(), registry.ApplicationFilter{Limit: pageSize, Offset: offset, Cursor: cursor}, lanes)
	if err != nil {
		return err
	}
	p := queuePage{Waiting: waiting}
	for _, t := range queueTabs {
		t.Active = t.Key == waiting
		p.Tabs = append(p.Tabs, t)
	}
	p.PrevURL, p.NextURL = pageLinks("/console/queue", url.Values{"waiting": {waiting}}, cursor != "" || offset > 0, bindCursor(scope, next))
	policies := h.svc.Policies()
	for _, a := range apps {
		row := queueRow{ID: a.ID, Position: position(a), Submitted: a.CreatedAt}
		if a.Submitted != nil {
			row.Name, row.Roles = a.Submitted.ParticipantName, a.Submitted.Roles
		}
		if a.Participant != nil {
			row.Code = a.Participant.ParticipantCode
		}
		if a.Report != nil {
			row.Categories = a.Report.Categories
		}
		for _, t := range a.OpenTasks() {
			row.Waiting = append(row.Waiting, queueWait{Kind: t.Kind, Requirement: t.Requirement})
		}
		if len(row.Waiting) > 0 {
			row.Titles = categoryTitles(policies, a.Report)
		}
		p.Rows = append(p.Rows, row)
	}
	return h.render(w, http.StatusOK, "queue", c, "Queue", "queue", p)
}

// position is where an application stands: its stage, or the
// participant's status once live (as onboarding.Allowed reads it).
func position(a *onboarding.Application) string {
	if a.Stage == registry.StageLive && a.Status != "" {
		return string(a.Status)
	}
	return string(a.Stage)
}

// One application.

type docView struct {
	hcxonboard.Document
	Link bool // http(s): shown as a link; other schemes as text
}

type taskView struct {
	onboarding.Task
	Decidable bool
}

type appPage struct {
	A            *onboarding.Application
	Position     string
	Name         string
	Code         string
	Email        string
	Mobile       string
	Admin        *hcxonboard.Contact // unmasked: staff see contacts, each view audited
	Requirements []verifier.Result
	Documents    []docView
	Tasks        []taskView
	Events       []registry.Event // a page of the trail, oldest first
	EventsFirst  template.URL     // the trail's first page, when this is a later one
	EventsNext   template.URL     // the page after this one
	Chain        ChainStatus
	Can          map[string]bool
	Initiators   []string
	Held         []heldDocument // the documents the operator holds
	Checklist    []string       // the go-live checklist items required
	// Titles are the requirements' titles in the application's own
	// categories, where an operator's category words a requirement of
	// the guideline's id its own way; others come from every policy.
	Titles map[verifier.RequirementID]string
}

// categoryTitles returns the titles of the requirements of policies in
// the categories of rep, "" for one its category does not describe (nil
// when there is no report).
func categoryTitles(policies []verifier.Policy, rep *verifier.Report) map[verifier.RequirementID]string {
	if rep == nil {
		return nil
	}
	out := map[verifier.RequirementID]string{}
	for _, p := range policies {
		if !slices.Contains(rep.Categories, p.Category) {
			continue
		}
		for _, r := range p.Requirements {
			if _, ok := out[r.ID]; !ok {
				out[r.ID] = r.Description // "": the category gives it no title
			}
		}
	}
	return out
}

func (h *Handler) consoleApplication(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	ctx := r.Context()
	id := r.PathValue("id")
	scope := eventsScope(id)
	cursor, err := unbindCursor(scope, r.URL.Query().Get("cursor"), CodeInvalidRequest)
	if err != nil {
		return err
	}
	// Staff see the contacts unmasked, and every such view is audited. A
	// HEAD request shows nothing, and records nothing.
	head := r.Method == http.MethodHead
	if !head {
		if err := h.svc.RecordContactView(ctx, id, staffActor(c.staffID)); err != nil {
			return err
		}
	}
	a, err := h.svc.Application(ctx, id)
	if err != nil {
		return err
	}
	es, err := h.svc.EventsPage(ctx, id, 0, cursor)
	if err != nil {
		return err
	}
	chain, err := h.chainStatus(r, id)
	if err != nil {
		return err
	}
	p := appPage{A: a, Position: position(a), Titles: categoryTitles(h.svc.Policies(), a.Report), Events: es.Items, Chain: chain, Initiators: initiators, Can: map[string]bool{},
		Checklist: h.svc.GoLiveChecklist()}
	p.EventsFirst, p.EventsNext = pageLinks("/console/applications/"+url.PathEscape(id), nil, cursor != "", bindCursor(scope, es.Next))
	if s := a.Submitted; s != nil {
		p.Name = s.ParticipantName
		p.Email, p.Mobile = s.PrimaryEmail, s.PrimaryMobile
		if s.SystemAdmin != nil {
			admin := *s.SystemAdmin
			p.Admin = &admin
		}
		for _, d := range s.Documents {
			u, err := url.Parse(d.URI)
			p.Documents = append(p.Documents, docView{Document: d,
				Link: err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""})
		}
	}
	if a.Participant != nil {
		p.Code = a.Participant.ParticipantCode
	}
	if a.Report != nil {
		p.Requirements = a.Report.Requirements
	}
	reviewer := h.staffCan(c.staffID, RoleReviewer)
	for _, t := range a.Tasks {
		p.Tasks = append(p.Tasks, taskView{Task: t,
			Decidable: reviewer && t.State == onboarding.TaskOpen && (t.Kind == onboarding.KindReview || t.Kind == onboarding.KindApproval)})
	}
	if p.Held, err = h.heldDocuments(ctx, a); err != nil {
		return err
	}
	// The images the page shows inline are recorded as shown now, in one
	// event, so that the browser's fetches of them need no write each.
	var inline []string
	for _, d := range p.Held {
		if d.Image {
			inline = append(inline, d.ID)
		}
	}
	if !head {
		if err := h.svc.RecordDocumentView(ctx, id, staffActor(c.staffID), inline...); err != nil {
			return err
		}
		if c.session != nil {
			h.sessions.markShown(c.session, id, inline)
		}
	}
	for action, key := range map[string]string{
		onboarding.ActionRecheck: "recheck", onboarding.ActionGoLive: "goLive", onboarding.ActionSuspend: "suspend",
		onboarding.ActionReinstate: "reinstate", onboarding.ActionDeboard: "deboard",
	} {
		role := RoleApprover
		if action == onboarding.ActionRecheck {
			role = RoleReviewer
		}
		_, allowed := onboarding.Allowed(p.Position, action)
		p.Can[key] = allowed && h.staffCan(c.staffID, role)
	}
	if a.Deboarding.Pending() {
		p.Can["deboard"] = false // announced: the notice stands, to be appealed in
	}
	if _, takeover := onboarding.Allowed(p.Position, onboarding.ActionSuspendTakeover); takeover && a.SuspendedAtExpiry {
		// Suspended at certificate expiry, which new certificates end:
		// staff may make the suspension theirs (Service.Suspend).
		p.Can["suspend"] = h.staffCan(c.staffID, RoleApprover)
	}
	p.Can["sendBack"] = p.Position == string(registry.StageVerifying) && h.staffCan(c.staffID, RoleReviewer)
	_, checkable := onboarding.Allowed(p.Position, onboarding.ActionReadinessChecked)
	p.Can["readiness"] = checkable && a.Details != nil && h.svc.ChecksReadiness() && h.staffCan(c.staffID, RoleReviewer)
	for _, t := range a.OpenTasks() {
		if t.Kind == onboarding.KindAmend {
			p.Can["sendBack"] = false // one round at a time
		}
	}
	title := p.Name
	if title == "" {
		title = "Application " + a.ID
	}
	return h.render(w, http.StatusOK, "application", c, title, "queue", p)
}

// afterAction ends a console form post on an application: back to its
// page, as flashTo says.
func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, c *reqCtx, id, done string, err error) error {
	return h.flashTo(w, r, c, "/console/applications/"+url.PathEscape(id), done, err)
}

// flashTo ends a console form post: to the console page at path with a
// message saying what happened (done), or what went wrong when the engine
// refused. Internal errors become an error page.
func (h *Handler) flashTo(w http.ResponseWriter, r *http.Request, c *reqCtx, path, done string, err error) error {
	if err != nil {
		cl := classify(err)
		if cl.internal {
			return err
		}
		h.sessions.setFlash(c.session, flash{Error: true, Text: clipMessage(cl.message)})
	} else {
		h.sessions.setFlash(c.session, flash{Text: done})
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

func (h *Handler) consoleDecide(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id, task := r.PathValue("id"), r.PathValue("task")
	word := r.PostForm.Get("decision")
	d, err := decision(word, r.PostForm.Get("reason"), c.staffID)
	if err == nil {
		d.Seen = strings.TrimSpace(r.PostForm.Get("seen"))
		_, err = h.svc.Decide(r.Context(), id, task, d)
	}
	done := fmt.Sprintf("Task %s approved.", task)
	if word == DecisionReject {
		done = fmt.Sprintf("Task %s rejected: the application is rejected.", task)
	}
	return h.afterAction(w, r, c, id, done, err)
}

func (h *Handler) consoleRecheck(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	_, err := h.svc.RecheckBy(r.Context(), id, staffActor(c.staffID))
	return h.afterAction(w, r, c, id, "The online checks ran again.", err)
}

func (h *Handler) consoleCheckReadiness(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	a, err := h.svc.CheckReadinessBy(r.Context(), id, staffActor(c.staffID))
	msg := "The readiness checks ran."
	if err == nil && a.Readiness != nil {
		msg = "The readiness checks ran: " + a.Readiness.Report.Summary() + "."
	}
	return h.afterAction(w, r, c, id, msg, err)
}

func (h *Handler) consoleGoLive(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	_, err := h.svc.GoLive(r.Context(), id, onboarding.Checklist{
		PilotCompleted:     r.PostForm.Get("pilot_completed") == "on",
		PilotNotes:         strings.TrimSpace(r.PostForm.Get("pilot_notes")),
		StaffTrained:       r.PostForm.Get("staff_trained") == "on",
		CertificateFetched: r.PostForm.Get("certificate_fetched") == "on",
		FirewallAllowsHCX:  r.PostForm.Get("firewall_allows_hcx") == "on",
		ConfirmedBy:        staffActor(c.staffID),
		DetailsSeen:        strings.TrimSpace(r.PostForm.Get("details_seen")),
	})
	return h.afterAction(w, r, c, id, "The participant is live (Active).", err)
}

// formReason reads a required reason.
func formReason(r *http.Request) (string, error) {
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		return "", newError(http.StatusBadRequest, CodeInvalidRequest, "a reason is required")
	}
	return reason, nil
}

func (h *Handler) consoleSendBack(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	reason, err := formReason(r)
	if err == nil {
		_, err = h.svc.SendBack(r.Context(), id, staffActor(c.staffID), reason)
	}
	return h.afterAction(w, r, c, id, "Sent back to the applicant.", err)
}

func (h *Handler) consoleSuspend(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	reason, err := formReason(r)
	if err == nil {
		_, err = h.svc.Suspend(r.Context(), id, staffActor(c.staffID), reason)
	}
	return h.afterAction(w, r, c, id, "The participant is suspended (Blocked).", err)
}

func (h *Handler) consoleReinstate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	reason, err := formReason(r)
	if err == nil {
		_, err = h.svc.Reinstate(r.Context(), id, staffActor(c.staffID), reason)
	}
	return h.afterAction(w, r, c, id, "The suspension is over (Active).", err)
}

func (h *Handler) consoleDeboard(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := r.PathValue("id")
	initiator := r.PostForm.Get("initiator")
	reason, err := formReason(r)
	if err == nil && !slices.Contains(initiators, initiator) {
		err = newError(http.StatusBadRequest, CodeInvalidRequest, "initiator must be one of %s", strings.Join(initiators, ", "))
	}
	var a *onboarding.Application
	if err == nil {
		a, err = h.svc.Deboard(r.Context(), id, onboarding.DeboardRequest{
			Initiator: initiator, Actor: staffActor(c.staffID), Reason: reason,
		})
	}
	done := "The participant is de-boarded (Inactive)."
	if a != nil && a.Deboarding != nil && a.Deboarding.Pending() {
		// In the operator's zone, with the zone named, as the pages show times.
		done = "The de-boarding is announced; it takes effect on " + a.Deboarding.EffectiveAt.In(h.consoleZone).Format("2006-01-02 15:04 MST") + " unless appealed."
	}
	return h.afterAction(w, r, c, id, done, err)
}

// Participant search.

type participantRow struct {
	Code, Name    string
	Roles         []hcxonboard.Role
	Status        hcxonboard.Status
	Email, Mobile string // masked
	Created       time.Time
}

type participantsPage struct {
	Name, Code, Status, Role string
	Statuses                 []string
	Roles                    []hcxonboard.Role
	Searched                 bool
	Rows                     []participantRow
	PrevURL, NextURL         template.URL
}

func (h *Handler) consoleParticipants(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	q := r.URL.Query()
	p := participantsPage{
		Name: strings.TrimSpace(q.Get("name")), Code: strings.TrimSpace(q.Get("code")),
		Status: q.Get("status"), Role: q.Get("role"),
		Statuses: []string{string(hcxonboard.StatusCreated), string(hcxonboard.StatusActive),
			string(hcxonboard.StatusBlocked), string(hcxonboard.StatusInactive)},
		Roles: hcxonboard.Roles(),
	}
	offset, err := intParam(q.Get("offset"), "offset", 0, registry.MaxOffset)
	if err != nil {
		return err
	}
	query := registry.Query{Filters: map[string]registry.Condition{}, Limit: pageSize, Offset: offset, Cursor: q.Get("cursor")}
	if query.Cursor != "" && offset > 0 {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "give offset or cursor, not both")
	}
	if p.Name != "" {
		query.Filters[registry.FieldName] = registry.Contains(p.Name)
	}
	if p.Code != "" {
		query.Filters[registry.FieldCode] = registry.StartsWith(p.Code)
	}
	if p.Status != "" {
		if !slices.Contains(p.Statuses, p.Status) {
			return newError(http.StatusBadRequest, CodeInvalidSearch, "unknown status %q", p.Status)
		}
		query.Filters[registry.FieldStatus] = registry.Eq(p.Status)
	}
	if p.Role != "" {
		role, err := hcxonboard.ParseRole(p.Role)
		if err != nil {
			return newError(http.StatusBadRequest, CodeInvalidSearch, "unknown role %q", p.Role)
		}
		p.Role = string(role)
		query.Filters[registry.FieldRoles] = registry.Eq(string(role))
	}
	scope := cursorScope("console-participants", query.Filters)
	if query.Cursor, err = unbindCursor(scope, query.Cursor, CodeInvalidRequest); err != nil {
		return err
	}
	// The participants are listed on open, newest pages a click away;
	// the filters narrow the list.
	p.Searched = true
	if p.Searched {
		items, next, err := h.participantsNow(r.Context(), query, "", nil)
		if err != nil {
			return err
		}
		keep := url.Values{}
		for _, k := range []string{"name", "code", "status", "role"} {
			if v := q.Get(k); v != "" {
				keep.Set(k, v)
			}
		}
		p.PrevURL, p.NextURL = pageLinks("/console/participants", keep, query.Cursor != "" || offset > 0, bindCursor(scope, next))
		for _, x := range items {
			p.Rows = append(p.Rows, participantRow{
				Code: x.ParticipantCode, Name: x.ParticipantName, Roles: x.Roles, Status: x.Status,
				Email: hcxonboard.MaskEmail(x.PrimaryEmail), Mobile: hcxonboard.MaskMobile(x.PrimaryMobile),
				Created: x.CreatedAt,
			})
		}
	}
	return h.render(w, http.StatusOK, "participants", c, "Participants", "participants", p)
}

func (h *Handler) consoleParticipant(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	a, err := h.svc.ApplicationByParticipant(r.Context(), r.PathValue("code"))
	if err != nil {
		return participantCodeError(err)
	}
	http.Redirect(w, r, "/console/applications/"+url.PathEscape(a.ID), http.StatusSeeOther)
	return nil
}

// pageLinks builds the links of a paged list: back to its first page
// (when this one is not), and on to the page after (its cursor, when more
// follow). The query is encoded here, so the template gets finished URLs.
func pageLinks(path string, keep url.Values, paged bool, next string) (first, after template.URL) {
	link := func(cursor string) template.URL {
		v := url.Values{}
		for k, vs := range keep {
			v[k] = vs
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		return template.URL(path + "?" + v.Encode()) //nolint:gosec // built from url.Values.Encode
	}
	if paged {
		first = link("")
	}
	if next != "" {
		after = link(next)
	}
	return first, after
}

// requirementTitles name the requirements for people: the engine's own,
// then the description each of policies gives (the operator's categories
// among them, the first description of an id winning), then the
// guideline's words from the built-in policies for ids still untitled (a
// verifier that does not list its policies). An id without a description
// has no title.
func requirementTitles(policies []verifier.Policy) map[verifier.RequirementID]string {
	m := map[verifier.RequirementID]string{
		onboarding.RequirementIdentityDispute: "Identity claimed by another participant",
		onboarding.RequirementAmendment:       "Amendment asked of the applicant",
	}
	add := func(p verifier.Policy) {
		for _, r := range p.Requirements {
			if _, ok := m[r.ID]; !ok && r.Description != "" {
				m[r.ID] = r.Description
			}
		}
	}
	for _, p := range policies {
		add(p)
	}
	defaults := verifier.DefaultPolicies()
	for _, c := range verifier.Categories() {
		add(defaults[c])
	}
	return m
}
