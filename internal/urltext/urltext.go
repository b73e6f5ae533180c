// Package urltext writes a URL as an error or a log may show it.
package urltext

import "strings"

// WithoutSecrets is raw without what may be a secret in it: the query (a
// key, a presigned signature), the fragment, and the user information (a
// password). It works on the text, whether raw parses or not: raw is cut
// at its first ? or #, and from after the scheme to the last @ before
// that, since a password may hold a / or another @ that a parser would
// read as the end of the host.
func WithoutSecrets(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	}
	if at := strings.LastIndexByte(raw[start:], '@'); at >= 0 {
		raw = raw[:start] + raw[start+at+1:]
	}
	return raw
}
