package safefetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// dialer resolves a host once, checks every address, and connects to a
// checked address; the socket's Control hook checks it once more right
// before the connection is made.
type dialer struct {
	resolver Resolver
	allowed  hostSet
	// connect makes the connection (nil: nd.DialContext); tests see
	// through it which address is dialled.
	connect func(ctx context.Context, nd *net.Dialer, network, address string) (net.Conn, error)
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &Error{Kind: URLRefused, cause: err}
	}
	trusted := d.allowed.allows(host, port)
	ips, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if !trusted {
		for _, ip := range ips {
			if !IsPublic(ip) {
				return nil, refused(fmtCause("%s resolves to %s", host, ip))
			}
		}
	}
	var first error
	for _, ip := range ips {
		nd := &net.Dialer{KeepAlive: 30 * time.Second, Control: control(trusted)}
		address := net.JoinHostPort(ip.String(), port)
		var conn net.Conn
		var err error
		if d.connect != nil {
			conn, err = d.connect(ctx, nd, network, address)
		} else {
			conn, err = nd.DialContext(ctx, network, address)
		}
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, classify(first, ctx)
}

// lookup resolves host, or takes it as it is when it is an IP address.
func (d *dialer) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	ips, err := d.resolver.LookupNetIP(ctx, "ip", host)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, classify(err, ctx)
	case err != nil:
		e := classify(err, nil)
		if e.Kind != Timeout {
			e.Kind, e.detail = NoSuchHost, ""
		}
		return nil, e
	case len(ips) == 0:
		return nil, &Error{Kind: NoSuchHost, cause: fmtCause("%s has no addresses", host)}
	}
	return ips, nil
}

// control is the socket's last check, made on the address the socket is
// about to connect to.
func control(trusted bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		if trusted {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return refused(err)
		}
		if !IsPublic(ap.Addr()) {
			return refused(fmtCause("connecting to %s", ap.Addr()))
		}
		return nil
	}
}

// fmtCause builds a cause for the logs.
func fmtCause(format string, args ...any) error { return fmt.Errorf(format, args...) }
