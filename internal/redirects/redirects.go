// Package redirects keeps an HTTP client's redirects to the request it
// was given: a delivery (a webhook's POST, an SMS gateway's form) is made
// to the server it was addressed to, with its method and body, or not at
// all.
package redirects

import "net/http"

// SameRequest returns a copy of c that follows a redirect only when it
// keeps the request as it was sent: the same method (a 307 or 308; a 301,
// 302 or 303 turns a POST into a GET without its body), the same host
// (configured headers, such as an API key, go nowhere else) and no step
// down from https. Any other redirect is not followed: the caller gets
// the redirect's own answer, a 3xx, and treats it as a failed delivery.
// c's own CheckRedirect, if any, still applies to the redirects kept.
func SameRequest(c *http.Client) *http.Client {
	cp := *c
	next := c.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := Keep(req, via); err != nil || next == nil {
			return err
		}
		return next(req, via)
	}
	return &cp
}

// Keep is SameRequest's check, as an http.Client.CheckRedirect: it lets a
// redirect through only when it keeps the method, the host and https, and
// stops after 10.
func Keep(req *http.Request, via []*http.Request) error {
	first := via[0]
	if req.Method != first.Method || req.URL.Host != first.URL.Host || (first.URL.Scheme == "https" && req.URL.Scheme != "https") ||
		len(via) >= 10 {
		return http.ErrUseLastResponse
	}
	return nil
}
