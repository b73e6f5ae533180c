package safefetch_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/openhcx/hcxonboard/safefetch"
)

// A Fetcher refuses what an applicant must not make the operator fetch,
// and says why without naming an address.
func Example() {
	f, err := safefetch.New()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, u := range []string{
		"https://127.0.0.1:8443/cert.pem",
		"https://169.254.169.254/latest/meta-data/",
		"https://[::ffff:10.0.0.1]/cert.pem",
		"http://certs.example.org/cert.pem",
	} {
		_, err := f.Get(ctx, u)
		fmt.Println(err, errors.Is(err, safefetch.ErrRefused))
	}
	// Output:
	// safefetch: the address is not allowed (not a public internet address) true
	// safefetch: the address is not allowed (not a public internet address) true
	// safefetch: the address is not allowed (not a public internet address) true
	// safefetch: only https URLs are fetched true
}

// A test resolver shows that a public-looking name is judged by the
// address it resolves to.
func ExampleWithResolver() {
	r := safefetch.ResolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	})
	f, err := safefetch.New(safefetch.WithResolver(r))
	if err != nil {
		panic(err)
	}
	_, err = f.Get(context.Background(), "https://certs.example.org/cert.pem")
	var fe *safefetch.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Kind == safefetch.AddressRefused, fe.Reason())
	}
	// Output:
	// true the address is not allowed (not a public internet address)
}

// An operator's own test rig is reached by allowing it by name or
// address, and trusting its certificate authority.
func ExampleWithAllowedHosts() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "-----BEGIN CERTIFICATE-----")
	}))
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	f, err := safefetch.New(safefetch.WithAllowedHosts(srv.Listener.Addr().String()), safefetch.WithRootCAs(roots))
	if err != nil {
		panic(err)
	}
	body, err := f.Get(context.Background(), srv.URL+"/cert.pem")
	fmt.Println(string(body), err)
	// Output:
	// -----BEGIN CERTIFICATE----- <nil>
}
