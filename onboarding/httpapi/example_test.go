package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// A Handler over an engine with the memory store: requests that go wrong
// are answered in the HCX error envelope with an HCX-style code.
func Example() {
	otpKey := make([]byte, 32) // in production: a secret kept outside the database, the same on every replica
	if _, err := rand.Read(otpKey); err != nil {
		log.Fatal(err)
	}
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	if err != nil {
		log.Fatal(err)
	}
	staff, err := httpapi.StaffTokens(map[string]string{"asha": "example-staff-token-0123456789"})
	if err != nil {
		log.Fatal(err)
	}
	h, err := httpapi.New(svc, httpapi.WithStaffAuth(staff))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(method, path, auth, body string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode < 400 {
			fmt.Println(method, path, "→", res.StatusCode)
			return
		}
		var e httpapi.ErrorResponse
		if err := json.NewDecoder(res.Body).Decode(&e); err != nil {
			log.Fatal(err)
		}
		fmt.Println(method, path, "→", res.StatusCode, e.Error.Code)
	}

	send(http.MethodPost, "/v1/onboarding/applications", "", `{"participant_name": "Sunrise Hospital", "colour": "blue"}`)
	send(http.MethodPost, "/v1/onboarding/applications", "", `{"participant_name": `)
	send(http.MethodGet, "/v1/onboarding/staff/applications", "", "")
	send(http.MethodGet, "/v1/onboarding/staff/applications", "not-a-staff-token-at-all", "")
	send(http.MethodGet, "/v1/onboarding/staff/applications", "example-staff-token-0123456789", "")
	send(http.MethodDelete, "/v1/onboarding/token", "", "")
	// This engine was built without a token issuer (onboarding.WithTokens).
	send(http.MethodPost, "/v1/onboarding/token", "", `{"participant_code": "hosp_sunris_000001@hcx", "secret": "wrong"}`)
	send(http.MethodGet, "/v1/onboarding/jwks", "", "")
	// Output:
	// POST /v1/onboarding/applications → 400 ERR_INVALID_PAYLOAD
	// POST /v1/onboarding/applications → 400 ERR_INVALID_PAYLOAD
	// GET /v1/onboarding/staff/applications → 401 ERR_ACCESS_DENIED
	// GET /v1/onboarding/staff/applications → 403 ERR_ACCESS_DENIED
	// GET /v1/onboarding/staff/applications → 200
	// DELETE /v1/onboarding/token → 405 ERR_INVALID_REQUEST
	// POST /v1/onboarding/token → 501 ERR_SERVICE_UNAVAILABLE
	// GET /v1/onboarding/jwks → 404 ERR_INVALID_REQUEST
}

// A StaffTokenSet lets the operator revoke a member's access while the
// server runs: the staff API refuses the token from then on, and console
// sessions opened with it end at their next request.
func ExampleStaffTokenSet() {
	staff, err := httpapi.NewStaffTokenSet(map[string]string{
		"asha": "example-staff-token-0123456789",
		"ravi": "example-staff-token-9876543210",
	})
	if err != nil {
		log.Fatal(err)
	}
	// httpapi.New(svc, httpapi.WithStaffAuth(staff.Check)) …
	r := httptest.NewRequest(http.MethodGet, "/v1/onboarding/staff/applications", nil)
	r.Header.Set("Authorization", "Bearer example-staff-token-0123456789")
	fmt.Println(staff.Check(r))
	staff.Revoke("asha") // Asha has left: her token and her sessions stop now.
	fmt.Println(staff.Check(r))
	// Output:
	// asha true
	//  false
}

// A server that serves more beside the API — here a health probe of its
// own — lists it in the API's OpenAPI document, so that the document
// covers everything the server answers.
func ExampleWithDocumentedRoutes() {
	otpKey := make([]byte, 32)
	if _, err := rand.Read(otpKey); err != nil {
		log.Fatal(err)
	}
	svc, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(otpKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	if err != nil {
		log.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.WithDocumentedRoutes(
		httpapi.DocumentedRoute{Path: "/ping", Summary: "The load balancer's probe", MediaType: "text/plain"}))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "pong") })
	mux.Handle("/", api)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		log.Fatal(err)
	}
	_, listed := doc.Paths["/ping"]
	fmt.Println("documented:", listed)
	// Output: documented: true
}
