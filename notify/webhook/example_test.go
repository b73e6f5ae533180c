package webhook_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
)

// A payer's receiver checks each delivery against the operator's JWKS;
// the operator's Sender signs and posts.
func Example() {
	// The operator's signing key, and the JWKS it publishes.
	_, raw, _ := ed25519.GenerateKey(rand.Reader)
	key, _ := jwk.FromRaw(raw)
	_ = key.Set(jwk.KeyIDKey, "operator-2026")
	pub, _ := jwk.PublicKeyOf(key)
	jwks := jwk.NewSet()
	_ = jwks.AddKey(pub)

	// The payer's endpoint.
	payer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := webhook.Verify(r, jwks)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Printf("received %s %s, signed by %s, about %s\n", d.Kind, d.ID, d.KeyID, d.ApplicationID)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer payer.Close()

	s, err := webhook.New(key,
		func(ctx context.Context, participantCode string) (string, error) {
			return payer.URL + "/hcx/onboarding", nil // the operator's registry look-up
		},
		webhook.WithClient(payer.Client()), // in production: the operator's safefetch client
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = s.Notify(context.Background(), onboarding.Message{
		ID: "app-9/5/1", Kind: onboarding.MessageApprovalRequest, To: "payr_starhe_7@hcx", ApplicationID: "app-9",
		Subject: "Please confirm an empanelment for HCX onboarding",
	})
	fmt.Println("error:", err)
	// Output:
	// received approval_request app-9/5/1, signed by operator-2026, about app-9
	// error: <nil>
}
