package safefetch_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/safefetch"
)

func TestIsPublic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"49.44.0.1", true},
		{"100.63.255.255", true},
		{"100.128.0.0", true},
		{"172.32.0.1", true},
		{"2606:4700::1111", true},
		{"2001:4860:4860::8888", true},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::808:808", true}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", true},  // 6to4 of 8.8.8.8

		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"10.0.0.1", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"169.254.0.1", false},
		{"100.64.0.1", false},
		{"100.100.100.200", false}, // cloud metadata
		{"192.0.0.1", false},
		{"192.0.2.1", false},
		{"198.18.0.1", false},
		{"198.19.255.255", false},
		{"198.51.100.7", false},
		{"203.0.113.7", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"240.0.0.1", false},
		{"255.255.255.255", false},
		{"::", false},
		{"::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:0.0.0.0", false},
		{"::127.0.0.1", false},     // IPv4-compatible, deprecated
		{"64:ff9b::7f00:1", false}, // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", false},
		{"64:ff9b:1::a00:1", false}, // local-use NAT64
		{"2002:7f00:1::1", false},   // 6to4 of 127.0.0.1
		{"2002:c0a8:101::1", false}, // 6to4 of 192.168.1.1
		{"fc00::1", false},
		{"fd00:ec2::254", false}, // cloud metadata
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fec0::1", false},
		{"ff02::1", false},
		{"100::1", false},
		{"2001::1", false},         // Teredo
		{"2001:2::1", false},       // benchmarking
		{"2001:db8::1", false},     // documentation
		{"3fff::1", false},         // documentation
		{"5f00::1", false},         // outside 2000::/3
		{"4000::1", false},         // outside 2000::/3
		{"::ffff:0:7f00:1", false}, // IPv4-translated
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.public, safefetch.IsPublic(netip.MustParseAddr(tc.addr)))
		})
	}
	assert.False(t, safefetch.IsPublic(netip.Addr{}), "the zero Addr")
}
