package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/openhcx/hcxonboard"
)

// ErrInvalidOption reports wiring New cannot work with.
var ErrInvalidOption = errors.New("httpapi: invalid option")

// Defaults of the options.
const (
	// DefaultMaxBodyBytes caps request bodies: the largest application
	// document (hcxonboard.MaxApplicationSize, 1 MiB).
	DefaultMaxBodyBytes = 1 << 20
	// DefaultSessionTTL is how long a console login lasts.
	DefaultSessionTTL = 8 * time.Hour
	// MinApplicantKeyLength is the shortest applicant key accepted.
	MinApplicantKeyLength = 32
)

// Option configures a Handler. Each option checks its argument; New
// returns the first error.
type Option func(*Handler) error

// WithStaffAuth sets the check for operator staff credentials, used by
// the staff routes (/v1/onboarding/staff/…), by the console login and
// again on every console request, with the credential the session was
// opened with, so that a credential the check stops accepting ends its
// sessions at once. Use a StaffTokenSet (revocable) or StaffTokens for
// bearer tokens. Without it every staff request is refused and no one can
// log in to the console.
func WithStaffAuth(f StaffAuthFunc) Option {
	return func(h *Handler) error {
		if f == nil {
			return fmt.Errorf("%w: WithStaffAuth(nil)", ErrInvalidOption)
		}
		h.staffAuth = f
		return nil
	}
}

// WithApplicantKey sets the key applicant tokens are derived from (at
// least MinApplicantKeyLength bytes). Replicas behind one load balancer
// must share it, and it must survive restarts, or applicants lose access
// to their applications. Default: a random key per Handler — fine for
// tests, wrong for production.
func WithApplicantKey(key []byte) Option {
	return func(h *Handler) error {
		if len(key) < MinApplicantKeyLength {
			return fmt.Errorf("%w: the applicant key has %d bytes, at least %d are needed", ErrInvalidOption, len(key), MinApplicantKeyLength)
		}
		h.applicantKey = append([]byte(nil), key...)
		return nil
	}
}

// WithLogger sets the logger (default: discard) for internal errors and
// for one record per request: "http request" with its method, route
// pattern, status, duration and request_id. Nothing logged carries a
// secret, a token, a one-time code or a raw path.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger(nil)", ErrInvalidOption)
		}
		h.log = slog.New(hcxonboard.RedactingHandler(l.Handler())) // error texts may carry contacts
		return nil
	}
}

// WithMaxBodyBytes caps request bodies (default DefaultMaxBodyBytes);
// a larger body is answered 413. Between 1 KiB and 16 MiB.
func WithMaxBodyBytes(n int64) Option {
	return func(h *Handler) error {
		if n < 1<<10 || n > 16<<20 {
			return fmt.Errorf("%w: body limit %d is outside 1 KiB to 16 MiB", ErrInvalidOption, n)
		}
		h.maxBody = n
		return nil
	}
}

// WithClock sets the time source for error timestamps and console
// sessions (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(h *Handler) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock(nil)", ErrInvalidOption)
		}
		h.now = now
		return nil
	}
}

// WithConsole turns the staff review console under /console/ on or off
// (default on).
func WithConsole(on bool) Option {
	return func(h *Handler) error {
		h.console = on
		return nil
	}
}

// WithConsoleOrigin sets the console's public origin ("https://hcx.example.org"),
// for deployments behind a proxy that terminates TLS: form posts must come
// from it, and with https the session cookie is marked Secure. Default:
// the origin of each request as the server sees it.
func WithConsoleOrigin(origin string) Option {
	return func(h *Handler) error {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return fmt.Errorf("%w: console origin %q is not scheme://host[:port]", ErrInvalidOption, origin)
		}
		h.origin = strings.ToLower(u.Scheme + "://" + u.Host)
		return nil
	}
}

// WithSessionTTL sets how long a console login lasts (default
// DefaultSessionTTL; between a minute and a week).
func WithSessionTTL(d time.Duration) Option {
	return func(h *Handler) error {
		if d < time.Minute || d > 7*24*time.Hour {
			return fmt.Errorf("%w: session lifetime %v is outside a minute to a week", ErrInvalidOption, d)
		}
		h.sessionTTL = d
		return nil
	}
}

// WithStaffRoles says which roles each staff member holds; routes that
// need a role a member lacks answer 403, and the console offers only what
// the member may do. Pass a StaffTokenSet's Roles. Default: every staff
// member holds every role.
func WithStaffRoles(f StaffRolesFunc) Option {
	return func(h *Handler) error {
		if f == nil {
			return fmt.Errorf("%w: nil staff roles", ErrInvalidOption)
		}
		h.staffRoles = f
		return nil
	}
}

// WithStaffSet authenticates staff with set and takes their roles from
// it: WithStaffAuth(set.Check) and WithStaffRoles(set.Roles).
func WithStaffSet(set *StaffTokenSet) Option {
	return func(h *Handler) error {
		if set == nil {
			return fmt.Errorf("%w: nil staff set", ErrInvalidOption)
		}
		h.staffAuth, h.staffRoles = set.Check, set.Roles
		return nil
	}
}

// DefaultApplicantTokenTTL is how long an applicant token stays valid
// after it was issued; every use of a token over a day old is answered
// with a fresh one (X-Applicant-Token).
const DefaultApplicantTokenTTL = 30 * 24 * time.Hour

// WithApplicantTokenTTL sets how long an applicant token stays valid
// (default DefaultApplicantTokenTTL).
func WithApplicantTokenTTL(d time.Duration) Option {
	return func(h *Handler) error {
		if d < time.Hour {
			return fmt.Errorf("%w: applicant token lifetime %s is under an hour", ErrInvalidOption, d)
		}
		h.applicantTTL = d
		return nil
	}
}

// WithConsoleTimeZone sets the zone the console shows times in, with the
// zone named (default: the process's local zone, time.Local; an operator
// in India would give Asia/Kolkata).
func WithConsoleTimeZone(loc *time.Location) Option {
	return func(h *Handler) error {
		if loc == nil {
			return fmt.Errorf("%w: nil time zone", ErrInvalidOption)
		}
		h.consoleZone = loc
		return nil
	}
}

// DocumentedRoute is a route that another handler serves beside the
// Handler on the same server (a metrics scrape, a published key set):
// WithDocumentedRoutes lists it in the OpenAPI document, so that the
// document covers everything the server answers.
type DocumentedRoute struct {
	Method  string // GET when empty
	Path    string // "/metrics"
	Summary string
	// MediaType is the type of its answer ("application/json",
	// "text/plain; version=0.0.4"); a JSON one is documented as an
	// object, any other as text.
	MediaType string
}

// WithDocumentedRoutes lists routes served beside the Handler in its
// OpenAPI document, as public routes answering 200. The Handler does not
// serve them: its own paths answer as before. A route the Handler serves
// itself, or listed twice, is an error.
func WithDocumentedRoutes(routes ...DocumentedRoute) Option {
	return func(h *Handler) error {
		for _, d := range routes {
			method := cmp.Or(d.Method, http.MethodGet)
			if !strings.HasPrefix(d.Path, "/") || d.MediaType == "" {
				return fmt.Errorf("%w: documented route %s %q needs a path from / and a media type", ErrInvalidOption, method, d.Path)
			}
			h.beside = append(h.beside, route{method: method, path: d.Path, operation: operationName(d.Path), tag: tagPublic,
				summary: d.Summary, auth: authPublic, raw: d.MediaType, status: http.StatusOK})
		}
		return nil
	}
}

// operationName makes an OpenAPI operationId of a path: /readiness-jwks.json
// is readinessJwksJson.
func operationName(path string) string {
	var b strings.Builder
	upper := false
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if upper && b.Len() > 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}
