package safefetch

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults of the options.
const (
	// DefaultTimeout bounds one fetch: connection, redirects, body.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBytes caps a body: 1 MiB.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxRedirects is how many redirects a fetch follows.
	DefaultMaxRedirects = 3

	maxTimeout   = 5 * time.Minute
	maxMaxBytes  = 64 << 20
	maxRedirects = 10
)

// Option configures New.
type Option func(*config) error

type config struct {
	timeout      time.Duration
	maxBytes     int64
	maxRedirects int
	allowed      hostSet
	resolver     Resolver
	roots        *x509.CertPool
}

// Resolver resolves host names. *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

// LookupNetIP calls f.
func (f ResolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return f(ctx, network, host)
}

var _ Resolver = (*net.Resolver)(nil)

// WithTimeout bounds one fetch — connecting, every redirect and reading
// the body (default DefaultTimeout, at most 5 minutes). For a request
// sent through Client it bounds each request and its body.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 || d > maxTimeout {
			return fmt.Errorf("safefetch: WithTimeout: %v is outside (0, %v]", d, maxTimeout)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxBytes caps a body (default DefaultMaxBytes, at most 64 MiB).
// Reading past the cap fails with TooLarge.
func WithMaxBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 || n > maxMaxBytes {
			return fmt.Errorf("safefetch: WithMaxBytes: %d is outside 1..%d", n, maxMaxBytes)
		}
		c.maxBytes = n
		return nil
	}
}

// WithMaxRedirects sets how many redirects a fetch follows (default
// DefaultMaxRedirects, at most 10; 0 follows none).
func WithMaxRedirects(n int) Option {
	return func(c *config) error {
		if n < 0 || n > maxRedirects {
			return fmt.Errorf("safefetch: WithMaxRedirects: %d is outside 0..%d", n, maxRedirects)
		}
		c.maxRedirects = n
		return nil
	}
}

// WithAllowedHosts lets the Fetcher connect to the listed hosts whatever
// addresses they have: an operator's own test rig, an internal key
// server. Each entry is a host name or an IP address, alone (any port)
// or with a port ("keys.internal:8443", "127.0.0.1:40123",
// "[::1]:8443"). It matches the URL's host (and port, 443 when the URL
// has none); the https, TLS and size rules still apply. Default: none.
// Options given more than once add up.
func WithAllowedHosts(hosts ...string) Option {
	return func(c *config) error {
		for _, h := range hosts {
			host, port, err := parseHostEntry(h)
			if err != nil {
				return fmt.Errorf("safefetch: WithAllowedHosts: %w", err)
			}
			if c.allowed == nil {
				c.allowed = make(hostSet)
			}
			c.allowed[hostKey{host, port}] = true
		}
		return nil
	}
}

// WithResolver sets how host names are resolved (default: the system's,
// net.DefaultResolver). The addresses it returns are checked like any
// other, so a test resolver can show that a public-looking name resolving
// to 127.0.0.1 is refused.
func WithResolver(r Resolver) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("safefetch: WithResolver: nil resolver")
		}
		c.resolver = r
		return nil
	}
}

// WithRootCAs sets the certificate authorities a host's certificate must
// chain to (default: the system's). For tests that trust a test CA.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error {
		if pool == nil {
			return errors.New("safefetch: WithRootCAs: nil pool")
		}
		c.roots = pool
		return nil
	}
}

// hostKey is an allow-list entry; port "" matches any port.
type hostKey struct{ host, port string }

type hostSet map[hostKey]bool

func (s hostSet) allows(host, port string) bool {
	if len(s) == 0 {
		return false
	}
	host = normalHost(host)
	return s[hostKey{host, port}] || s[hostKey{host, ""}]
}

// parseHostEntry reads "host", "host:port", "[v6]:port" or a bare IPv6
// address.
func parseHostEntry(entry string) (host, port string, err error) {
	s := strings.TrimSpace(entry)
	if s == "" {
		return "", "", errors.New("empty host")
	}
	if strings.ContainsAny(s, "/@?# ") {
		return "", "", fmt.Errorf("%q is not a host or host:port", s)
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, perr := strconv.Atoi(p)
		if perr != nil || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("%q has no valid port", s)
		}
		host, port = h, strconv.Itoa(n)
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		if strings.Contains(host, ":") {
			if _, perr := netip.ParseAddr(host); perr != nil {
				return "", "", fmt.Errorf("%q is not a host or host:port", s)
			}
		}
	}
	host = normalHost(host)
	if host == "" {
		return "", "", fmt.Errorf("%q has no host", s)
	}
	return host, port, nil
}

// normalHost lower-cases a name and drops its final dot, and spells an
// IP address canonically.
func normalHost(h string) string {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
