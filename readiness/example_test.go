package readiness_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The operator checks a participant's endpoint and keys. In production
// the operator's client is (*safefetch.Fetcher).Client(); here it is the
// test server's, which trusts its certificate and takes requests for
// example.com and its subdomains to the server. The endpoint_url names a
// DNS host, as the onboarding engine registers them; srv.URL itself, at
// 127.0.0.1, would be checked as well.
func Example() {
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	// The operator: its key signs challenges; JWKS is what it publishes.
	operatorKey := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	checker, err := readiness.New(
		readiness.WithSigner(operatorKey, "operator-2026"),
		readiness.WithIssuer("hcx-operator"),
		readiness.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		panic(err)
	}

	// The participant: the handler holds the private keys of its
	// registered certificates and trusts the operator's keys.
	encKey, sigKey := readinesstest.RSAKey(0), readinesstest.RSAKey(1)
	h, err := participant.NewHandler(
		participant.WithParticipant("hosp_rakshi_012345@hcx", participant.Keys{Encryption: encKey, Signing: sigKey}),
		participant.WithOperator("hcx-operator", participant.StaticKeys(checker.JWKS())),
	)
	if err != nil {
		panic(err)
	}
	mux.Handle("/api"+participant.Path, h)

	now := time.Now()
	report := checker.Check(context.Background(), readiness.Target{
		ParticipantCode: "hosp_rakshi_012345@hcx",
		EndpointURL:     "https://hospital.example.com/api",
		EncryptionCert:  readinesstest.CertificatePEM(encKey, "encryption", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)),
		SigningCert:     readinesstest.CertificatePEM(sigKey, "signing", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)),
	})
	fmt.Println(report.Summary())
	for _, r := range report.Checks {
		fmt.Println(r.Check, r.Outcome)
	}
	// Output:
	// ready
	// endpoint_url passed
	// dns passed
	// connect passed
	// tls passed
	// http passed
	// challenge passed
	// encryption_key passed
	// signing_key passed
}

// A participant whose endpoint decrypts with another key than the one
// its registered encryption certificate is for.
func Example_wrongKey() {
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	checker, err := readiness.New(
		readiness.WithSigner(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)), "operator-2026"),
		readiness.WithIssuer("hcx-operator"),
		readiness.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		panic(err)
	}
	h, err := participant.NewHandler(
		participant.WithParticipant("hosp_rakshi_012345@hcx", participant.Keys{Encryption: readinesstest.RSAKey(2)}),
		participant.WithOperator("hcx-operator", participant.StaticKeys(checker.JWKS())),
	)
	if err != nil {
		panic(err)
	}
	mux.Handle("/api"+participant.Path, h)

	now := time.Now()
	report := checker.Check(context.Background(), readiness.Target{
		ParticipantCode: "hosp_rakshi_012345@hcx",
		EndpointURL:     "https://hospital.example.com/api",
		EncryptionCert:  readinesstest.CertificatePEM(readinesstest.RSAKey(0), "encryption", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)),
	})
	fmt.Println(report.Summary())
	r, _ := report.Result(readiness.CheckEncryptionKey)
	fmt.Println(strings.SplitAfter(r.Hint, ":")[0])
	// Output:
	// not ready: encryption_key (wrong_key)
	// The private key your endpoint decrypts with does not belong to the registered encryption_cert, so nothing counterparties encrypt to that certificate can be read:
}
