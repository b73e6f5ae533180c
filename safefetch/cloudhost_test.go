package safefetch_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/openhcx/hcxonboard/safefetch"
)

// Azure's WireServer, 168.63.129.16, is a public address that only a
// virtual machine inside Azure reaches, and it serves that machine's
// platform configuration (extension settings, certificates): a cloud
// metadata service like 169.254.169.254, and as much an SSRF target. It is
// refused in every form an address takes, and a name resolving to it is
// not fetched.
func TestAzureWireServerIsNotPublic(t *testing.T) {
	t.Parallel()
	for _, a := range []string{"168.63.129.16", "::ffff:168.63.129.16", "64:ff9b::a83f:8110", "2002:a83f:8110::1"} {
		if safefetch.IsPublic(netip.MustParseAddr(a)) {
			t.Errorf("IsPublic(%s) = true", a)
		}
	}
	for _, a := range []string{"168.63.129.15", "168.63.129.17"} {
		if !safefetch.IsPublic(netip.MustParseAddr(a)) {
			t.Errorf("IsPublic(%s) = false: only the WireServer's own address is refused", a)
		}
	}

	f, err := safefetch.New(safefetch.WithResolver(safefetch.ResolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("168.63.129.16")}, nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Get(context.Background(), "https://certs.hospital.example/enc.pem")
	var fe *safefetch.Error
	if !errors.As(err, &fe) || fe.Kind != safefetch.AddressRefused {
		t.Fatalf("err = %v, want AddressRefused", err)
	}
}
