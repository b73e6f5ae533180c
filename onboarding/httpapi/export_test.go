package httpapi

import (
	"net/http"
	"reflect"
	"strings"
)

// MatchPattern returns the mux pattern a request would be served by.
func (h *Handler) MatchPattern(r *http.Request) string {
	_, p := h.mux.Handler(r)
	return p
}

// Patterns returns the route patterns registered on the mux.
func (h *Handler) Patterns() []string { return append([]string(nil), h.patterns...) }

// SetSpecScanLimit lowers how many participants one branch of a
// specification search may read.
func (h *Handler) SetSpecScanLimit(n int) { h.spec.scanLimit = n }

// Sessions returns how many console sessions are stored.
func (h *Handler) Sessions() int { return h.sessions.len() }

// ApplicantToken exposes the token derivation.
func (h *Handler) ApplicantToken(id string) string { return h.applicantToken(id) }

// RouteInfo is a route as the generic tests need it.
type RouteInfo struct {
	Method, Path string
	Body         bool     // reads a JSON body
	Form         bool     // reads a form
	Raw          bool     // reads a raw body (an upload)
	Field        string   // the JSON name of the body's first field
	Fields       []string // the JSON names of the body's top-level fields
	Auth         string
}

// AllRoutes lists the route table.
func (h *Handler) AllRoutes() []RouteInfo {
	out := make([]RouteInfo, 0, len(h.routes))
	for _, rt := range h.routes {
		out = append(out, RouteInfo{Method: rt.method, Path: rt.path, Body: rt.body != nil, Form: rt.form != nil, Raw: len(rt.media) > 0 && rt.method != http.MethodGet, Field: firstField(rt.body), Fields: jsonMembers(rt.body), Auth: rt.auth.String()})
	}
	return out
}

func firstField(body any) string {
	if body == nil {
		return ""
	}
	t := reflect.TypeOf(body).Elem()
	name, _, _ := strings.Cut(t.Field(0).Tag.Get("json"), ",")
	return name
}

// WriteJSON answers v as the handlers do.
func (h *Handler) WriteJSON(w http.ResponseWriter, status int, v any) { h.writeJSON(w, status, v) }
