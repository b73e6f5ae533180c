package safefetch

import (
	"net/netip"
)

// notPublic4 are the IPv4 ranges that are not public internet addresses
// (the IANA special-purpose registry, RFC 6890 and its updates).
var notPublic4 = prefixes(
	"0.0.0.0/8",          // "this network", 0.0.0.0 included
	"10.0.0.0/8",         // private
	"100.64.0.0/10",      // carrier-grade NAT; holds a cloud metadata address (100.100.100.200)
	"127.0.0.0/8",        // loopback
	"169.254.0.0/16",     // link-local; holds the cloud metadata address 169.254.169.254
	"172.16.0.0/12",      // private
	"192.0.0.0/24",       // IETF protocol assignments
	"192.0.2.0/24",       // documentation (TEST-NET-1)
	"192.31.196.0/24",    // AS112
	"192.52.193.0/24",    // AMT
	"192.88.99.0/24",     // deprecated 6to4 relay anycast
	"192.168.0.0/16",     // private
	"192.175.48.0/24",    // AS112 direct delegation
	"198.18.0.0/15",      // benchmarking
	"198.51.100.0/24",    // documentation (TEST-NET-2)
	"203.0.113.0/24",     // documentation (TEST-NET-3)
	"224.0.0.0/4",        // multicast
	"240.0.0.0/4",        // reserved
	"255.255.255.255/32", // broadcast (inside 240/4; named for the reader)
	// Public, but reached only from inside one cloud, where it serves the
	// machine's own platform configuration as a metadata service does.
	"168.63.129.16/32", // Azure's WireServer
)

// notPublic6 are the IPv6 ranges inside global unicast (2000::/3) that
// are not public internet addresses. Everything outside 2000::/3 is
// refused anyway, apart from NAT64 (64:ff9b::/96), which is judged by the
// IPv4 address it carries.
var notPublic6 = prefixes(
	"2001::/23",     // IETF protocol assignments: Teredo, benchmarking, ORCHID …
	"2001:db8::/32", // documentation
	"3fff::/20",     // documentation
)

var (
	global6 = netip.MustParsePrefix("2000::/3")
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4  = netip.MustParsePrefix("2002::/16")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// IsPublic reports whether addr is a public internet address, one a
// Fetcher may connect to without an allow-list entry. It is false for
// loopback, private (RFC 1918, fc00::/7), link-local (169.254/16,
// fe80::/10), carrier-grade NAT (100.64/10), multicast, unspecified,
// broadcast, reserved, documentation and benchmarking addresses — and so
// for the cloud metadata services at 169.254.169.254, fd00:ec2::254,
// 100.100.100.200 and 192.0.0.192 — and for Azure's WireServer,
// 168.63.129.16, which serves a virtual machine its platform
// configuration as they do. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged
// as the IPv4 address it maps; so are NAT64 (64:ff9b::/96) and 6to4
// (2002::/16) addresses, by the IPv4 address they embed. Any other IPv6
// address outside global unicast (2000::/3) is not public.
func IsPublic(addr netip.Addr) bool {
	addr = addr.WithZone("")
	switch {
	case !addr.IsValid():
		return false
	case addr.Is4In6():
		return IsPublic(addr.Unmap())
	case addr.Is4():
		for _, p := range notPublic4 {
			if p.Contains(addr) {
				return false
			}
		}
		return true
	case nat64.Contains(addr):
		b := addr.As16()
		return IsPublic(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(addr):
		b := addr.As16()
		return IsPublic(netip.AddrFrom4([4]byte(b[2:6])))
	case !global6.Contains(addr):
		return false
	}
	for _, p := range notPublic6 {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}
