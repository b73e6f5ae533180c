package safefetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A name is resolved once per connection, and the connection goes to the
// address that was checked: a DNS answer that changes afterwards (DNS
// rebinding) is never used.
func TestDialConnectsToTheCheckedAddress(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	lookups := 0
	answers := []string{"93.184.215.14", "127.0.0.1"}
	var dialled []string
	d := &dialer{
		resolver: ResolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
			mu.Lock()
			defer mu.Unlock()
			a := answers[min(lookups, len(answers)-1)]
			lookups++
			return []netip.Addr{netip.MustParseAddr(a)}, nil
		}),
		connect: func(_ context.Context, nd *net.Dialer, network, address string) (net.Conn, error) {
			mu.Lock()
			dialled = append(dialled, address)
			mu.Unlock()
			// The socket's own last check passes the public address.
			require.NoError(t, nd.Control(network, address, nil))
			return nil, errors.New("no network in tests")
		},
	}
	_, err := d.dial(context.Background(), "tcp", "rebind.example.org:443")
	require.Error(t, err)
	assert.Equal(t, []string{"93.184.215.14:443"}, dialled, "the checked address, not the name")
	assert.Equal(t, 1, lookups, "one resolution per connection")

	_, err = d.dial(context.Background(), "tcp", "rebind.example.org:443")
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, AddressRefused, fe.Kind, "the rebound answer is refused")
	assert.Len(t, dialled, 1, "and never dialled")
}

func TestControlRefusesAtTheSocket(t *testing.T) {
	t.Parallel()
	guard := control(false)
	for _, addr := range []string{"127.0.0.1:443", "[::1]:443", "[::ffff:127.0.0.1]:443", "169.254.169.254:80",
		"[fd00:ec2::254]:80", "100.100.100.200:80", "0.0.0.0:443", "[fe80::1%eth0]:443", "not an address"} {
		err := guard("tcp", addr, nil)
		var fe *Error
		require.ErrorAs(t, err, &fe, addr)
		assert.Equal(t, AddressRefused, fe.Kind, addr)
	}
	require.NoError(t, guard("tcp4", "93.184.215.14:443", nil))
	require.NoError(t, guard("tcp6", "[2606:4700::1111]:443", nil))
	require.NoError(t, control(true)("tcp4", "127.0.0.1:443", nil), "an allowed host")
}

func TestLookup(t *testing.T) {
	t.Parallel()
	empty := &dialer{resolver: ResolverFunc(func(context.Context, string, string) ([]netip.Addr, error) { return nil, nil })}
	_, err := empty.lookup(context.Background(), "nothing.example.org")
	var fe *Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, NoSuchHost, fe.Kind)

	failing := &dialer{resolver: ResolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
		return nil, errors.New("server misbehaving at 10.0.0.53:53")
	})}
	_, err = failing.lookup(context.Background(), "broken.example.org")
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, NoSuchHost, fe.Kind)
	assert.Equal(t, "safefetch: the host name does not resolve", err.Error())
	assert.ErrorContains(t, fe.Cause(), "10.0.0.53", "the cause is kept for the logs")

	ips, err := failing.lookup(context.Background(), "::1")
	require.NoError(t, err, "an address is taken as it is")
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("::1")}, ips)
}
