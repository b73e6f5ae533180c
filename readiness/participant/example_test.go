package participant_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/readiness/participant"
)

// A participant mounts the handler under its endpoint_url, with the
// private key of its registered encryption certificate and the
// operator's keys. In production the operator's keys come from its
// published JWKS (RemoteKeys).
func ExampleNewHandler() {
	encKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	keys, err := participant.KeysFromPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(encKey)}), nil)
	if err != nil {
		panic(err)
	}
	operatorKey, err := jwk.FromRaw(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		panic(err)
	}
	_ = operatorKey.Set(jwk.KeyIDKey, "operator-2026")
	operatorKeys := jwk.NewSet()
	_ = operatorKeys.AddKey(operatorKey)

	h, err := participant.NewHandler(
		participant.WithParticipant("hosp_rakshi_012345@hcx", keys),
		participant.WithOperator("hcx-operator", participant.StaticKeys(operatorKeys)),
	)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api"+participant.Path, h) // endpoint_url https://…/api
	fmt.Println("/api" + participant.Path)

	// Only the operator's signed challenges, POSTed, are answered.
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api"+participant.Path, nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// /api/hcx-onboarding/readiness
	// 405 {"error":"bad_request","message":"only POST is answered"}
}
