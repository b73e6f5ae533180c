package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// The specification's participant/search with queryString, a free-text
// search over name, code and e-mail, beside the other operators; and the
// same registry in the reference platform's profile, which serves only
// the participants its participant schema can hold.
func ExampleSpecSearchRequest() {
	store := registry.NewMemoryStore()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range []hcxonboard.Participant{
		{ParticipantCode: "hosp_cityho_000001@hcx", ParticipantName: "City Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
			PrimaryMobile: "9000000001", Status: hcxonboard.StatusActive,
			EndpointURL: "https://hcx.cityhospital.example/v0.9", EncryptionCert: "https://certs.cityhospital.example/enc.pem"},
		{ParticipantCode: "hosp_hillho_000002@hcx", ParticipantName: "Hill Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
			PrimaryMobile: "9000000002", Status: hcxonboard.StatusCreated}, // no step-3 details yet
		{ParticipantCode: "payr_surak_000003@hcx", ParticipantName: "Suraksha General Insurance", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
			PrimaryEmail: "ops@suraksha.example", PrimaryMobile: "9000000003", Status: hcxonboard.StatusActive},
	} {
		p.CreatedAt, p.UpdatedAt = at.Add(time.Duration(i)*time.Hour), at
		err := store.Create(context.Background(), registry.Write{Participant: &p, Application: &registry.Application{
			ID: fmt.Sprint("app-", i), ParticipantCode: p.ParticipantCode, Stage: registry.StageLive,
			CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt, State: json.RawMessage(`{}`)}})
		if err != nil {
			log.Fatal(err)
		}
	}
	svc, err := onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(make([]byte, 32)),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	if err != nil {
		log.Fatal(err)
	}
	staff, err := httpapi.StaffTokens(map[string]string{"asha": "example-staff-token-0123456789"})
	if err != nil {
		log.Fatal(err)
	}
	search := func(profile credential.Profile, body string) {
		h, err := httpapi.New(svc, httpapi.WithStaffAuth(staff), httpapi.WithProfile(profile))
		if err != nil {
			log.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/v0.9/participant/search", bytes.NewReader([]byte(body)))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer example-staff-token-0123456789")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var ans httpapi.SpecSearchResponse
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK {
			fmt.Println(w.Code, w.Body.String())
			return
		}
		fmt.Print(profile, ":")
		for _, p := range ans.Participants {
			fmt.Print(" ", p.ParticipantCode, " ", p.Roles)
		}
		fmt.Println()
	}
	search(credential.ProfileSpec, `{"filters":{"participant_name":{"queryString":"hospital"}}}`)
	search(credential.ProfileSpec, `{"filters":{"participant_name":{"queryString":"OPS@suraksha.example"}}}`)
	search(credential.ProfileSpec, `{"filters":{"participant_name":{"queryString":"hospital"},"status":{"eq":"Created"}}}`)
	search(credential.ProfilePlatform, `{"filters":{"participant_name":{"queryString":"hospital"}}}`)
	search(credential.ProfileNHCX, `{"filters":{"roles":{"eq":"payor"}}}`)
	// Output:
	// hcx-v0.9: hosp_cityho_000001@hcx [provider.hospital] hosp_hillho_000002@hcx [provider.hospital]
	// hcx-v0.9: payr_surak_000003@hcx [payer]
	// hcx-v0.9: hosp_hillho_000002@hcx [provider.hospital]
	// hcx-platform: hosp_cityho_000001@hcx [provider.hospital]
	// nhcx: payr_surak_000003@hcx [10002]
}
