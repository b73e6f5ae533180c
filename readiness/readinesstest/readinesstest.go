package readinesstest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/safefetch"
)

// Defaults of a test participant and operator.
const (
	Host   = "hospital.example.com"
	Code   = "hosp_test01_000001@hcx"
	Issuer = "hcx-test-operator"
	// BasePath is the path of the endpoint_url; the handler is at
	// BasePath + readiness.Path.
	BasePath = "/hcx"
)

// rsaKeys are made once: RSA key generation is slow, more so under -race.
var (
	rsaMu   sync.Mutex
	rsaKeys []*rsa.PrivateKey
)

// RSAKey returns the n-th shared 2048-bit RSA key of this process (n ≥
// 0), making it on first use. Distinct n give distinct keys.
func RSAKey(n int) *rsa.PrivateKey {
	rsaMu.Lock()
	defer rsaMu.Unlock()
	for len(rsaKeys) <= n {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(fmt.Sprintf("readinesstest: RSA key: %v", err))
		}
		rsaKeys = append(rsaKeys, k)
	}
	return rsaKeys[n]
}

// CertificatePEM returns a self-signed certificate for key's public key,
// valid from notBefore to notAfter, in PEM: a registered encryption or
// signing certificate.
func CertificatePEM(key crypto.Signer, cn string, notBefore, notAfter time.Time) string {
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"readinesstest"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(fmt.Sprintf("readinesstest: certificate: %v", err))
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

// CA is a test certificate authority for TLS servers.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Pool holds Cert alone: a client's RootCAs.
	Pool *x509.CertPool
}

var sharedCA = sync.OnceValue(func() *CA { return NewCA() })

// SharedCA is the CA of every NewParticipant's TLS certificate.
func SharedCA() *CA { return sharedCA() }

// NewCA makes a certificate authority.
func NewCA() *CA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "readinesstest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{Cert: cert, Key: key, Pool: pool}
}

// TLSCertificate issues a server certificate for hosts, valid from
// notBefore to notAfter: names, and IP addresses ("127.0.0.1", "::1").
func (ca *CA) TLSCertificate(notBefore, notAfter time.Time, hosts ...string) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Operator is an HCX operator for tests.
type Operator struct {
	Issuer string
	Key    ed25519.PrivateKey
	KeyID  string
}

// NewOperator returns an operator with issuer Issuer and an Ed25519 key
// made from seed (so a fixed seed gives a fixed key and kid).
func NewOperator(seed byte) *Operator {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	return &Operator{Issuer: Issuer, Key: ed25519.NewKeyFromSeed(s), KeyID: fmt.Sprintf("test-operator-%d", seed)}
}

// JWKS is the operator's public key set.
func (o *Operator) JWKS() jwk.Set {
	k, err := jwk.FromRaw(o.Key.Public())
	if err != nil {
		panic(err)
	}
	_ = k.Set(jwk.KeyIDKey, o.KeyID)
	_ = k.Set(jwk.KeyUsageKey, jwk.ForSignature)
	set := jwk.NewSet()
	_ = set.AddKey(k)
	return set
}

// Checker returns a Checker signing as the operator through client, with
// quick retries; opts come after, so they win.
func (o *Operator) Checker(t testing.TB, client *http.Client, opts ...readiness.Option) *readiness.Checker {
	t.Helper()
	base := []readiness.Option{
		readiness.WithSigner(o.Key, o.KeyID),
		readiness.WithIssuer(o.Issuer),
		readiness.WithHTTPClient(client),
		readiness.WithRetries(1, 10*time.Millisecond),
		readiness.WithTimeout(5 * time.Second),
	}
	c, err := readiness.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("readinesstest: checker: %v", err)
	}
	return c
}

// Participant is a participant's endpoint running in process.
type Participant struct {
	Code string
	Host string
	// EndpointURL is https://Host:port/hcx; Target fills a readiness
	// Target with it.
	EndpointURL    string
	EncryptionCert string // PEM of the registered encryption certificate
	SigningCert    string // PEM of the registered signing certificate
	// Keys are the private keys of the registered certificates (the
	// handler's own may differ: WithHandlerKeys).
	Keys    participant.Keys
	Handler *participant.Handler
	Server  *httptest.Server
}

type setup struct {
	code, host  string
	handlerKeys *participant.Keys
	handlerOpts []participant.Option
	operators   bool
	mw          func(http.Handler) http.Handler
	cert        *tls.Certificate
	tlsConfig   func(*tls.Config)
	encKey      int
	sigKey      int
}

// Option configures NewParticipant.
type Option func(*setup)

// WithCode sets the participant code (default Code).
func WithCode(code string) Option { return func(s *setup) { s.code = code } }

// WithHost sets the endpoint's host name (default Host).
func WithHost(host string) Option { return func(s *setup) { s.host = host } }

// WithRegisteredKeys picks the shared RSA keys (RSAKey) the registered
// encryption and signing certificates are made for (default 0 and 1).
func WithRegisteredKeys(encryption, signing int) Option {
	return func(s *setup) { s.encKey, s.sigKey = encryption, signing }
}

// WithHandlerKeys gives the handler other keys than those of the
// registered certificates: the participant who deployed the wrong key.
func WithHandlerKeys(keys participant.Keys) Option {
	return func(s *setup) { s.handlerKeys = &keys }
}

// WithHandlerOptions adds options to participant.NewHandler. With a
// participant.WithOperator among them, the test operator is not trusted
// by default.
func WithHandlerOptions(opts ...participant.Option) Option {
	return func(s *setup) { s.handlerOpts = append(s.handlerOpts, opts...) }
}

// WithoutDefaultOperator stops the handler from trusting the operator
// given to NewParticipant; give it others with WithHandlerOptions.
func WithoutDefaultOperator() Option { return func(s *setup) { s.operators = true } }

// WithMiddleware wraps the handler: a proxy, a gateway, a cache.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(s *setup) { s.mw = mw }
}

// WithServerCertificate serves cert instead of a valid certificate for
// the host from SharedCA.
func WithServerCertificate(cert tls.Certificate) Option {
	return func(s *setup) { s.cert = &cert }
}

// WithTLSConfig edits the server's TLS configuration (versions, say).
func WithTLSConfig(edit func(*tls.Config)) Option { return func(s *setup) { s.tlsConfig = edit } }

// NewParticipant starts a participant's endpoint whose handler trusts op
// (through participant.StaticKeys of op.JWKS()). It is closed when the
// test ends. The endpoint listens on loopback; Client reaches it. op may
// be nil with WithoutDefaultOperator, when WithHandlerOptions gives the
// handler its operators.
func NewParticipant(t testing.TB, op *Operator, opts ...Option) *Participant {
	t.Helper()
	s := &setup{code: Code, host: Host, encKey: 0, sigKey: 1}
	for _, o := range opts {
		o(s)
	}
	now := time.Now()
	encKey, sigKey := RSAKey(s.encKey), RSAKey(s.sigKey)
	p := &Participant{
		Code:           s.code,
		Host:           s.host,
		EncryptionCert: CertificatePEM(encKey, s.code+" encryption", now.Add(-time.Hour), now.Add(365*24*time.Hour)),
		SigningCert:    CertificatePEM(sigKey, s.code+" signing", now.Add(-time.Hour), now.Add(365*24*time.Hour)),
		Keys:           participant.Keys{Encryption: encKey, Signing: sigKey},
	}
	keys := p.Keys
	if s.handlerKeys != nil {
		keys = *s.handlerKeys
	}
	hopts := []participant.Option{participant.WithParticipant(s.code, keys)}
	if !s.operators && op != nil {
		hopts = append(hopts, participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())))
	}
	h, err := participant.NewHandler(append(hopts, s.handlerOpts...)...)
	if err != nil {
		t.Fatalf("readinesstest: handler: %v", err)
	}
	p.Handler = h
	mux := http.NewServeMux()
	var served http.Handler = h
	if s.mw != nil {
		served = s.mw(h)
	}
	mux.Handle(BasePath+readiness.Path, served)

	cert := SharedCA().TLSCertificate(now.Add(-time.Hour), now.Add(90*24*time.Hour), s.host)
	if s.cert != nil {
		cert = *s.cert
	}
	base, srv := serve(t, s.host, mux, cert, s.tlsConfig)
	p.Server = srv
	p.EndpointURL = base + BasePath
	return p
}

// Serve serves h over TLS under host, with a certificate for host from
// SharedCA, until the test ends, and returns its base URL,
// https://host:port. Client(t, host) reaches it: a certificate URL or an
// operator's JWKS URL, for tests.
func Serve(t testing.TB, host string, h http.Handler) string {
	t.Helper()
	now := time.Now()
	base, _ := serve(t, host, h, SharedCA().TLSCertificate(now.Add(-time.Hour), now.Add(90*24*time.Hour), host), nil)
	return base
}

func serve(t testing.TB, host string, h http.Handler, cert tls.Certificate, edit func(*tls.Config)) (string, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	// Handshakes the tests make fail on purpose are not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10}
	if edit != nil {
		edit(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatalf("readinesstest: server URL: %v", err)
	}
	return "https://" + net.JoinHostPort(host, u.Port()), srv
}

// Target is the participant's registration, for readiness.Checker.Check.
func (p *Participant) Target() readiness.Target {
	return readiness.Target{
		ParticipantCode: p.Code,
		EndpointURL:     p.EndpointURL,
		EncryptionCert:  p.EncryptionCert,
		SigningCert:     p.SigningCert,
	}
}

// Client returns the operator's client for tests: a safefetch client
// that resolves every name to 127.0.0.1 and trusts SharedCA. It connects
// there only for the hosts listed (safefetch.WithAllowedHosts); for any
// other name the loopback address is refused as not public, as the
// operator's real client would. A name that is "nxdomain" or ends in
// ".invalid" does not resolve.
func Client(t testing.TB, hosts ...string) *http.Client {
	t.Helper()
	resolve := safefetch.ResolverFunc(func(_ context.Context, _, host string) ([]netip.Addr, error) {
		if host == "nxdomain" || len(host) > 8 && host[len(host)-8:] == ".invalid" {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	})
	f, err := safefetch.New(
		safefetch.WithAllowedHosts(hosts...),
		safefetch.WithResolver(resolve),
		safefetch.WithRootCAs(SharedCA().Pool),
	)
	if err != nil {
		t.Fatalf("readinesstest: fetcher: %v", err)
	}
	return f.Client()
}
