package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/safefetch"
)

// Readiness modes of -readiness.
const (
	readinessRequired = "required" // checked, and required before go-live
	readinessOptional = "optional" // checked on request and by the scheduler, not required
	readinessOff      = "off"      // not checked at all
)

// readinessJWKSPath is where the operator publishes the public key its
// readiness challenges are signed with, for participants' handlers
// (readiness/participant) to trust.
const readinessJWKSPath = "/readiness-jwks.json"

// The demo's readiness material, DEMO ONLY. A participant's endpoint in
// the demo is served by examples/walkthrough, on this machine's loopback
// interface, under demoEndpointHost with a port of its own: something a
// real HCX must never call. The demo operator therefore allows exactly
// that, and nothing else that the library refuses by default:
//
//   - endpoint_url may name a port (onboarding.EndpointRules.AllowPort);
//   - its readiness Checker resolves demoEndpointHost, a name under
//     .localhost (RFC 6761), to the loopback address, and its safe
//     fetcher lets that one host — and no other — connect to a
//     non-public address (safefetch.WithAllowedHosts);
//   - the Checker trusts a demo certificate authority, made at every
//     start, beside the system's.
//
// Every other host is still resolved by the system and refused on a
// private or loopback address, and TLS 1.2+, a certificate valid for the
// host, no redirects and every other readiness rule still hold. The
// library's defaults are unchanged: these are options this program
// passes.
const (
	demoEndpointHost = "participants.hcx-demo.localhost"

	demoReadinessFile     = "demo-readiness.json"                 // what the walkthrough needs, below
	demoCAFile            = "demo-ca.pem"                         // the demo CA's certificate
	demoEndpointTLSFile   = "demo-endpoint-tls.pem"               // a TLS certificate for demoEndpointHost and its key
	demoEncryptionKeyFile = "demo-participant-encryption-key.pem" // the key of details.json's encryption_cert
	demoSigningKeyFile    = "demo-participant-signing-key.pem"    // the key of details.json's signing_cert_path
)

// demoOnlyNote heads every private key the demo writes.
const demoOnlyNote = "DEMO ONLY: written by examples/operator so that examples/walkthrough can answer\n" +
	"the readiness checks as the sample participants. A real participant's private keys\n" +
	"never leave its own systems, and a real operator never holds them.\n"

// demoReadinessManifest is demo-readiness.json: what the walkthrough needs
// to serve the sample participants' endpoints. File names are relative to
// the data directory.
type demoReadinessManifest struct {
	DemoOnly string `json:"demo_only"`
	// Mode is -readiness: required or optional.
	Mode string `json:"mode"`
	// Issuer is the challenges' iss; the participant's handler trusts the
	// keys at JWKSPath under it.
	Issuer   string `json:"issuer"`
	KeyID    string `json:"kid"`
	JWKSPath string `json:"jwks_path"`
	// EndpointHost is the host name of the demo endpoints; any port.
	EndpointHost string `json:"endpoint_host"`
	// CA is the demo CA's certificate, TLS the endpoint's certificate
	// and key.
	CA  string `json:"ca"`
	TLS string `json:"tls"`
	// EncryptionKey and SigningKey are the private keys of details.json's
	// certificates.
	EncryptionKey string `json:"encryption_key"`
	SigningKey    string `json:"signing_key"`
}

// participantKeys are the demo participants' keys: details.json's
// certificates are made for them. They are kept in the data directory
// and reused across restarts.
type participantKeys struct {
	encryption, signing *rsa.PrivateKey
}

// loadParticipantKeys reads the demo participants' private keys from the
// data directory, or makes and writes them on first start.
func loadParticipantKeys(dir string) (participantKeys, error) {
	var k participantKeys
	var err error
	if k.encryption, err = loadOrCreateRSAKey(filepath.Join(dir, demoEncryptionKeyFile), "demo participant key",
		demoOnlyNote+"This is the private key of the encryption_cert in details.json.\n"); err != nil {
		return k, err
	}
	if k.signing, err = loadOrCreateRSAKey(filepath.Join(dir, demoSigningKeyFile), "demo participant key",
		demoOnlyNote+"This is the private key of the signing_cert_path in details.json.\n"); err != nil {
		return k, err
	}
	return k, nil
}

// demoReadiness is the operator's readiness set-up.
type demoReadiness struct {
	mode    string
	checker *readiness.Checker
	jwks    []byte // the published key set
	caFile  string
}

// options are the engine's options for the mode: none when off.
func (d *demoReadiness) options() []onboarding.Option {
	if d == nil || d.checker == nil {
		return nil
	}
	return []onboarding.Option{
		onboarding.WithReadiness(d.checker, d.mode == readinessRequired, 24*time.Hour),
		// DEMO ONLY: the walkthrough's endpoints have a port.
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}),
	}
}

// serveJWKS answers GET and HEAD of readinessJWKSPath.
func (d *demoReadiness) serveJWKS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(d.jwks)
}

// newDemoReadiness builds the readiness Checker for mode, signing with
// key as issuer, and writes the demo's readiness material into dir: the
// demo CA, a TLS certificate for demoEndpointHost from it, and
// demo-readiness.json. With mode off it writes nothing and removes an
// earlier demo-readiness.json, so that the walkthrough skips the checks.
func newDemoReadiness(dir, mode, issuer string, key ed25519.PrivateKey) (*demoReadiness, error) {
	manifest := filepath.Join(dir, demoReadinessFile)
	if mode == readinessOff {
		if err := os.Remove(manifest); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("readiness: %w", err)
		}
		return &demoReadiness{mode: mode}, nil
	}
	ca, err := newDemoCA()
	if err != nil {
		return nil, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
	if err := writeFileReplacing(filepath.Join(dir, demoCAFile), caPEM); err != nil {
		return nil, fmt.Errorf("write demo CA: %w", err)
	}
	tlsPEM, err := ca.serverCertificate(demoEndpointHost)
	if err != nil {
		return nil, err
	}
	note := "DEMO ONLY: a TLS certificate for " + demoEndpointHost + " from the demo CA, and its key,\n" +
		"for examples/walkthrough's participant endpoints on loopback.\n"
	if err := writeFileReplacing(filepath.Join(dir, demoEndpointTLSFile), append([]byte(note), tlsPEM...)); err != nil {
		return nil, fmt.Errorf("write demo endpoint certificate: %w", err)
	}

	// The Checker's client: the safe fetcher, with the demo's one
	// allowance (see demoEndpointHost) and the demo CA beside the
	// system's authorities.
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	roots.AddCert(ca.cert)
	fetcher, err := safefetch.New(
		safefetch.WithAllowedHosts(demoEndpointHost),
		safefetch.WithResolver(demoResolver{next: net.DefaultResolver}),
		safefetch.WithRootCAs(roots),
		// Redirects as step 3 follows them: certificate URLs follow them;
		// the challenge never does (readiness.WithHTTPClient).
	)
	if err != nil {
		return nil, fmt.Errorf("readiness fetcher: %w", err)
	}
	checker, err := readiness.New(
		readiness.WithSigner(key, ""),
		readiness.WithIssuer(issuer),
		readiness.WithHTTPClient(fetcher.Client()),
	)
	if err != nil {
		return nil, fmt.Errorf("readiness: %w", err)
	}
	jwks, err := json.MarshalIndent(checker.JWKS(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("readiness JWKS: %w", err)
	}
	m, err := json.MarshalIndent(demoReadinessManifest{
		DemoOnly:      "written by examples/operator for examples/walkthrough; see its package documentation",
		Mode:          mode,
		Issuer:        issuer,
		KeyID:         checker.KeyID(),
		JWKSPath:      readinessJWKSPath,
		EndpointHost:  demoEndpointHost,
		CA:            demoCAFile,
		TLS:           demoEndpointTLSFile,
		EncryptionKey: demoEncryptionKeyFile,
		SigningKey:    demoSigningKeyFile,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileReplacing(manifest, append(m, '\n')); err != nil {
		return nil, fmt.Errorf("write %s: %w", demoReadinessFile, err)
	}
	return &demoReadiness{mode: mode, checker: checker, jwks: append(jwks, '\n'), caFile: filepath.Join(dir, demoCAFile)}, nil
}

// demoResolver resolves demoEndpointHost to the loopback address, as RFC
// 6761 has names under .localhost resolve, and every other name through
// next.
type demoResolver struct{ next safefetch.Resolver }

func (r demoResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if strings.EqualFold(strings.TrimSuffix(host, "."), demoEndpointHost) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return r.next.LookupNetIP(ctx, network, host)
}

// demoCA is the certificate authority of the demo endpoints' TLS
// certificates. Its key lives in memory only, for one run.
type demoCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newDemoCA() (*demoCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo CA key: %w", err)
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "hcxonboard demo CA (DEMO ONLY)", Organization: []string{"hcxonboard demo"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		// It may certify the demo's own host and nothing else.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{demoEndpointHost},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	return &demoCA{cert: cert, key: key}, nil
}

// serverCertificate issues a TLS server certificate for host and returns
// it and its new key in PEM.
func (ca *demoCA) serverCertificate(host string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo endpoint key: %w", err)
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(90 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("demo endpoint certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("demo endpoint key: %w", err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...), nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
