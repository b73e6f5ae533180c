package httpapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// Handler serves the onboarding engine as a JSON API, the staff review
// console and the OpenAPI document. Build it with New; it is safe for
// concurrent use.
type Handler struct {
	svc          *onboarding.Service
	mux          *http.ServeMux
	log          *slog.Logger
	now          func() time.Time
	maxBody      int64
	applicantKey []byte
	staffAuth    StaffAuthFunc
	staffRoles   StaffRolesFunc // nil: every staff member holds every role
	applicantTTL time.Duration
	consoleZone  *time.Location
	console      bool
	origin       string
	sessionTTL   time.Duration
	spec         specConfig // the specification's routes (spec.go)
	// tokenObserver is told what became of each token request (tokens.go).
	tokenObserver TokenObserver

	routes   []route
	beside   []route  // routes served beside the Handler, in its document only (WithDocumentedRoutes)
	patterns []string // every route pattern registered, "METHOD /path"
	openapi  []byte
	sessions *sessionStore
	pages    map[string]*template.Template
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler over svc. See the package documentation for the
// routes and how callers authenticate.
func New(svc *onboarding.Service, opts ...Option) (*Handler, error) {
	if svc == nil {
		return nil, fmt.Errorf("%w: nil service", ErrInvalidOption)
	}
	h := &Handler{
		svc:          svc,
		log:          slog.New(slog.DiscardHandler),
		now:          time.Now,
		maxBody:      DefaultMaxBodyBytes,
		console:      true,
		sessionTTL:   DefaultSessionTTL,
		applicantTTL: DefaultApplicantTokenTTL,
		consoleZone:  time.Local,
		spec:         defaultSpecConfig(),
	}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: option %d is nil", ErrInvalidOption, i)
		}
		if err := opt(h); err != nil {
			return nil, err
		}
	}
	if h.applicantKey == nil {
		h.applicantKey = make([]byte, MinApplicantKeyLength)
		if _, err := rand.Read(h.applicantKey); err != nil {
			return nil, fmt.Errorf("httpapi: applicant key: %w", err)
		}
	}
	h.routes = append(apiRoutes(), specRoutes(h.spec)...)
	documentKindsOf(h.routes, svc.DocumentKinds())
	if h.console {
		pages, err := parsePages(h.consoleZone, requirementTitles(svc.Policies()))
		if err != nil {
			return nil, err
		}
		h.pages = pages
		h.sessions = newSessionStore(h.now, h.sessionTTL)
		h.routes = append(h.routes, consoleRoutes()...)
	}
	doc, err := buildOpenAPI(append(slices.Clip(h.routes), h.beside...))
	if err != nil {
		return nil, err
	}
	h.openapi = doc
	h.mux = http.NewServeMux()
	h.register()
	return h, nil
}

// ServeHTTP serves a request. Every answer carries the request's
// X-Request-Id (the caller's when well-formed, else a fresh one), which
// the audit events the request causes record, and each request is logged
// as one record (see WithLogger).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serveLogged(w, r)
}

// Route describes one route the Handler serves.
type Route struct {
	Method string
	// Pattern is the path with {wildcards}, as net/http.ServeMux reads it.
	Pattern string
	Summary string
	// Auth names what the route asks of its caller: "none", "applicant",
	// "applicant-or-participant", "staff", "participant" (an access token),
	// "participant-or-staff", "console-session".
	Auth string
}

// Routes lists the routes the Handler serves, in the order of its OpenAPI
// document.
func (h *Handler) Routes() []Route {
	out := make([]Route, 0, len(h.routes))
	for _, rt := range h.routes {
		out = append(out, Route{Method: rt.method, Pattern: rt.path, Summary: rt.summary, Auth: rt.auth.String()})
	}
	return out
}

func (a authKind) String() string {
	switch a {
	case authApplicant:
		return "applicant"
	case authOwner:
		return "applicant-or-participant"
	case authStaff:
		return "staff"
	case authParticipant:
		return "participant-or-staff"
	case authConsole, authConsoleForm:
		return "console-session"
	case authOwnToken:
		return "participant"
	default:
		return "none"
	}
}

// register puts every route on the mux, then, for each path, a catch-all
// that answers other methods 405 with Allow, and at the roots a 404 in
// the envelope.
func (h *Handler) register() {
	for _, rt := range h.routes {
		pattern := rt.method + " " + rt.path
		h.mux.Handle(pattern, h.wrap(rt))
		h.patterns = append(h.patterns, pattern)
	}
	paths, allow := methodsByPath(h.routes, nil)
	for _, p := range paths {
		h.mux.Handle(p, h.methodNotAllowed(strings.Join(allow[p], ", ")))
	}
	// A route served beside the Handler is mounted for its own method
	// only, so any other method reaches the Handler: answer it 405 with
	// Allow, as for the Handler's own routes. Its own method reaching the
	// Handler means nothing serves it here: 404.
	besidePaths, besideAllow := methodsByPath(h.beside, allow)
	for _, p := range besidePaths {
		methods := besideAllow[p]
		wrong := h.methodNotAllowed(strings.Join(methods, ", "))
		h.mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if slices.Contains(methods, r.Method) {
				h.notFound(w, r)
				return
			}
			wrong.ServeHTTP(w, r)
		}))
	}
	h.mux.Handle("/", http.HandlerFunc(h.notFound))
}

// methodsByPath lists the paths of routes, in the order they first
// appear, and the methods each allows, sorted (a GET allows HEAD too).
// Paths in skip are left out.
func methodsByPath(routes []route, skip map[string][]string) ([]string, map[string][]string) {
	allow := make(map[string][]string)
	var paths []string
	for _, rt := range routes {
		if _, ok := skip[rt.path]; ok {
			continue
		}
		if _, seen := allow[rt.path]; !seen {
			paths = append(paths, rt.path)
		}
		allow[rt.path] = append(allow[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allow[rt.path] = append(allow[rt.path], http.MethodHead)
		}
	}
	for _, methods := range allow {
		slices.Sort(methods)
	}
	return paths, allow
}

func (h *Handler) methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		h.writeError(w, r, newError(http.StatusMethodNotAllowed, CodeInvalidRequest,
			"method %s is not allowed here; allowed: %s", r.Method, allow))
	})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, newError(http.StatusNotFound, CodeInvalidRequest,
		"no route for %s: the routes are in the API's description, GET /openapi.json", r.URL.Path))
}

// wrap runs the route's auth step, then its handler, answering errors in
// the envelope (or, for console pages, as a page), and turns a panic into
// a 500 instead of a dropped connection.
func (h *Handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // sentinel value, compared as net/http does
					panic(v)
				}
				h.log.ErrorContext(r.Context(), "httpapi: panic", "route", r.Pattern, "panic", fmt.Sprint(v))
				h.fail(w, r, rt, errors.New("panic"))
			}
		}()
		if rt.tag == tagConsole {
			setConsoleHeaders(w)
		}
		if err := checkRequestText(r); err != nil {
			h.fail(w, r, rt, err)
			return
		}
		if err := checkQueryNames(r, rt); err != nil {
			h.fail(w, r, rt, err)
			return
		}
		if err := checkNoBody(w, r, rt); err != nil {
			h.fail(w, r, rt, err)
			return
		}
		c := &reqCtx{}
		if err := h.authenticate(w, r, rt, c); err != nil {
			h.fail(w, r, rt, err)
			return
		}
		if c.session == nil && rt.auth == authConsole {
			return // redirected to the login
		}
		if err := checkFormFields(r, rt); err != nil {
			h.fail(w, r, rt, err)
			return
		}
		if err := rt.handle(h, w, r, c); err != nil {
			h.fail(w, r, rt, err)
		}
	})
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rt route, err error) {
	switch {
	case rt.tag == tagConsole:
		h.consoleError(w, r, err)
	case rt.oauth:
		h.writeOAuthError(w, r, err)
	default:
		h.writeError(w, r, err)
	}
}

// onceHeaders are the request headers the Handler reads one value of: a
// second is refused rather than left for a proxy in front to read instead.
var onceHeaders = []string{"Authorization", "Content-Type", "Origin", "Referer"}

// maxParamBytes caps a query parameter's value.
const maxParamBytes = 1024

// checkRequestText refuses a path or query parameter that is not valid
// UTF-8, holds a NUL byte or, for a parameter, is over maxParamBytes: such
// text reaches the store as a key or a search value, and PostgreSQL fails
// on a NUL (a 500) where the caller deserves a 400.
func checkRequestText(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "the path is not valid UTF-8 or holds a NUL byte")
	}
	// URL.Query drops a pair it cannot read (a ';' separator, a bad
	// escape) without a word: the rest would be answered as if it had not
	// been sent.
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		return newError(http.StatusBadRequest, CodeInvalidRequest,
			"the query is malformed: separate parameters with '&' (not ';') and escape reserved characters as %%XX")
	}
	for _, name := range onceHeaders {
		if len(r.Header.Values(name)) > 1 {
			return newError(http.StatusBadRequest, CodeInvalidRequest, "the %s header is given more than once; send it once", name)
		}
	}
	for name, values := range r.URL.Query() {
		if !cleanText(name) {
			return newError(http.StatusBadRequest, CodeInvalidRequest, "a query parameter name is not valid UTF-8 or holds a NUL byte")
		}
		for _, v := range values {
			switch {
			case len(v) > maxParamBytes:
				return newError(http.StatusBadRequest, CodeInvalidRequest, "query parameter %q is over %d bytes", clipParam(name), maxParamBytes)
			case !cleanText(v):
				return newError(http.StatusBadRequest, CodeInvalidRequest, "query parameter %q is not valid UTF-8 or holds a NUL byte", clipParam(name))
			}
		}
	}
	return nil
}

// checkQueryNames refuses a query parameter the route does not take, and
// one given more than once, with a 400 naming it and the parameters the
// route takes: a misspelt ?limt=5 would otherwise answer something else
// than was asked. The specification's routes (tag registry) define no
// query parameters and ignore those a client adds of its own (a
// cache-buster on a certificate URL changes nothing), but refuse one
// named like a member of their body, which is read from the body only.
func checkQueryNames(r *http.Request, rt route) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q := r.URL.Query()
	names := slices.Sorted(maps.Keys(q))
	for _, name := range names {
		if slices.ContainsFunc(rt.query, func(p param) bool { return p.name == name }) {
			if len(q[name]) > 1 {
				return newError(http.StatusBadRequest, CodeInvalidRequest, "query parameter %q is given more than once; give it once", clipParam(name))
			}
			continue
		}
		if rt.tag == tagRegistry {
			if slices.Contains(bodyMembers(rt), name) {
				return newError(http.StatusBadRequest, CodeInvalidRequest,
					"query parameter %q: this route reads it from the request body only; send it there", clipParam(name))
			}
			continue
		}
		if len(rt.query) == 0 {
			return newError(http.StatusBadRequest, CodeInvalidRequest, "unknown query parameter %q: %s %s takes no query parameters",
				clipParam(name), rt.method, rt.path)
		}
		takes := make([]string, len(rt.query))
		for i, p := range rt.query {
			takes[i] = p.name
		}
		return newError(http.StatusBadRequest, CodeInvalidRequest, "unknown query parameter %q: %s %s takes %s",
			clipParam(name), rt.method, rt.path, strings.Join(takes, ", "))
	}
	return nil
}

// checkFormFields refuses a console form post with a field its form does
// not have, or one given twice: which of two values the handler would
// read (the first) is not the sender's to guess. The token routes read
// their forms as strictly themselves (readForm).
func checkFormFields(r *http.Request, rt route) error {
	if rt.tag != tagConsole || rt.form == nil {
		return nil
	}
	fields := bodyMembers(rt)
	for _, name := range slices.Sorted(maps.Keys(r.PostForm)) {
		switch {
		case !slices.Contains(fields, name):
			return newError(http.StatusBadRequest, CodeInvalidPayload, "the form has no field %q; its fields are %s",
				strings.ToValidUTF8(clipParam(name), ""), strings.Join(fields, ", "))
		case len(r.PostForm[name]) > 1:
			return newError(http.StatusBadRequest, CodeInvalidPayload, "form field %q is given more than once; give it once", strings.ToValidUTF8(clipParam(name), ""))
		}
	}
	return nil
}

// bodyMembers are the JSON names of the top-level members of a route's
// body (or form), and for a search the searchable fields, which a client
// might put in the query by mistake.
func bodyMembers(rt route) []string {
	var out []string
	for _, b := range []any{rt.body, rt.form} {
		out = append(out, jsonMembers(b)...)
		if _, ok := b.(*SpecSearchRequest); ok {
			out = append(out, registry.Fields()...)
		}
	}
	return out
}

// jsonMembers are the JSON names of the fields of body, a pointer to a
// struct (none for nil).
func jsonMembers(body any) []string {
	if body == nil {
		return nil
	}
	t := reflect.TypeOf(body).Elem()
	var out []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func clipParam(name string) string {
	if len(name) > 64 {
		return strings.ToValidUTF8(name[:64], "") + "…"
	}
	return name
}

// authenticate runs the route's auth step. For a console page without a
// session it redirects to the login and leaves c.session nil.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request, rt route, c *reqCtx) error {
	switch rt.auth {
	case authApplicant:
		c.owner = actorApplicant
		return h.checkApplicant(w, r, r.PathValue("id"))
	case authOwner:
		return h.checkOwner(w, r, r.PathValue("id"), c)
	case authStaff:
		id, err := h.checkStaff(r)
		c.staffID = id
		if err != nil {
			return err
		}
		return h.requireRole(c.staffID, rt.role)
	case authParticipant:
		return h.checkParticipant(r, c)
	case authConsole:
		s := h.currentSession(r)
		if s == nil {
			http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			return nil
		}
		c.session, c.staffID = s, s.staffID
		return h.requireRole(c.staffID, rt.role)
	case authConsoleForm:
		s, err := h.checkForm(w, r)
		if err != nil {
			return err
		}
		c.session, c.staffID = s, s.staffID
		if rt.operation == "consoleLogout" {
			return nil // anyone may leave, a member whose roles were taken too
		}
		return h.requireRole(c.staffID, rt.role)
	case authConsoleLogin:
		return h.checkLoginForm(w, r)
	}
	return nil
}

// tokenRefused answers an access token VerifyToken refused: 401 for a
// token that is no longer (or never was) good — expired, forged, revoked
// by a compromise report — so that clients fetch a new one, as the
// reference platform's gateway answers; 403 for a good token of a
// participant that may not act now (suspended, de-boarded).
func tokenRefused(err error) *apiError {
	if errors.Is(err, onboarding.ErrNotActive) {
		return &apiError{status: http.StatusForbidden, code: CodeAccessDenied, message: notActiveRefused, err: err}
	}
	return &apiError{status: http.StatusUnauthorized, code: CodeAccessDenied, err: err,
		message: "the credential was refused: get a new access token at POST /v1/onboarding/token with the participant code and secret"}
}

// notActiveRefused answers a good access token of a participant that
// may not act now.
const notActiveRefused = "the credential was refused: a participant that is not Active gets no access token"

// checkParticipant admits staff, or a participant with a valid access
// token.
func (h *Handler) checkParticipant(r *http.Request, c *reqCtx) error {
	if h.staffAuth != nil {
		if id, ok := h.staffAuth(r); ok && strings.TrimSpace(id) != "" {
			c.staffID = strings.TrimSpace(id)
			return h.requireRole(c.staffID, "")
		}
	}
	tok, ok := bearer(r)
	if !ok {
		return newError(http.StatusUnauthorized, CodeAccessDenied,
			"this route needs a participant access token or a staff credential (Authorization: Bearer …)")
	}
	if _, err := h.svc.VerifyToken(r.Context(), tok); err != nil {
		if errors.Is(err, credential.ErrInvalidToken) || errors.Is(err, onboarding.ErrNotConfigured) {
			return tokenRefused(err)
		}
		return err // the store failed: not the caller's fault
	}
	return nil
}
