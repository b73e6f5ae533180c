package metrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// The registries, as hcxonboard_registry_* label them.
const (
	RegistryHFR     = "hfr"     // the Health Facility Registry
	RegistryHPR     = "hpr"     // the Healthcare Professionals Registry
	RegistryGateway = "gateway" // the ABDM gateway's sessions (the token the HFR and HPR calls carry)
	RegistryRohini  = "rohini"  // the ROHINI look-up
)

// RoundTripper returns next timing every call under the registry's name
// (RegistryRohini, …) and counting those that fail. next nil is
// http.DefaultTransport. Give it to a registry client as its
// http.Client's Transport:
//
//	rohini.NewHTTPLookup(url, rohini.WithHTTPClient(&http.Client{
//		Transport: m.RoundTripper(metrics.RegistryRohini, nil)}))
//
// Wrap an SSRF-safe client the same way, keeping its CheckRedirect:
// copy the safefetch client and set its Transport to
// m.RoundTripper(name, copy.Transport). (safefetch.FromClient no longer
// recognises the copy; nothing in this module asks it of a registry
// client.)
func (m *Metrics) RoundTripper(registry string, next http.RoundTripper) http.RoundTripper {
	registry = label(registry)
	m.init(registry)
	return &roundTripper{m: m, next: orDefault(next), label: func(*http.Request) string { return registry }}
}

// HFRRoundTripper returns next timing the calls of an hfr.Client, which
// reaches three services through one HTTP client: each call is labelled
// by HFRRegistryOf. next nil is http.DefaultTransport.
//
//	hfr.New(…, hfr.WithHTTPClient(&http.Client{Transport: m.HFRRoundTripper(nil)}))
func (m *Metrics) HFRRoundTripper(next http.RoundTripper) http.RoundTripper {
	for _, r := range []string{RegistryGateway, RegistryHFR, RegistryHPR} {
		m.init(r)
	}
	return &roundTripper{m: m, next: orDefault(next), label: HFRRegistryOf}
}

// HFRRegistryOf tells which service an hfr.Client request is for, by its
// path: RegistryGateway for a gateway session (".../sessions"),
// RegistryHPR for the professionals registry (searchByHprId, the
// professional's information, HPR's authentication and account), and
// RegistryHFR for everything else (the facility registry).
func HFRRegistryOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/sessions"):
		return RegistryGateway
	case strings.Contains(p, "/searchByHprId/"), strings.Contains(p, "/doctors/"),
		strings.Contains(p, "/auth/"), strings.Contains(p, "/account/"):
		return RegistryHPR
	default:
		return RegistryHFR
	}
}

// init makes a registry's series exist, at zero, before its first call.
func (m *Metrics) init(registry string) {
	m.latency.WithLabelValues(registry)
	m.regErrors.WithLabelValues(registry)
}

func orDefault(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		return http.DefaultTransport
	}
	return rt
}

type roundTripper struct {
	m     *Metrics
	next  http.RoundTripper
	label func(*http.Request) string
}

// RoundTrip sends req through next, timing it and counting a failure;
// a call whose context was canceled before an answer came is left out.
func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	registry := t.label(req)
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil && errors.Is(req.Context().Err(), context.Canceled) {
		// The caller gave up (its own caller hung up, a shutdown): not
		// the registry's failure, nor a measure of its latency. A
		// deadline that ran out waiting for the registry is counted.
		return resp, err
	}
	t.m.latency.WithLabelValues(registry).Observe(time.Since(start).Seconds())
	if err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		t.m.regErrors.WithLabelValues(registry).Inc()
	}
	return resp, err
}

// CloseIdleConnections closes next's idle connections, if it can, so a
// client over this transport still can (rohini.HTTPLookup and hfr.Client
// call it on Close).
func (t *roundTripper) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
