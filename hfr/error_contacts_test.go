package hfr_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// HFR's refusal to send an OTP names the manager's number in clear. The
// error reaches the applicant (onboarding stores it as the task's reason),
// who must never learn the contact HFR holds: the client masks it, as it
// masks FacilityContact's values "if HFR ever stops".
func TestRegistryErrorTextMasksContacts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/sessions") {
			_ = json.NewEncoder(w).Encode(map[string]any{"accessToken": "tok-1-abcd", "expiresIn": 1200})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"facilityId": "IN2910000123", "status": "Failure",
			"message":     "Unable to send OTP to 9876543210 / manager@sunrise-hospital.in",
			"errorStatus": nil,
		})
	}))
	defer srv.Close()
	c, err := hfr.New(hfr.WithGatewayURL(srv.URL), hfr.WithRegistryURL(srv.URL), hfr.WithCredentials("id", "secret-xyz"))
	require.NoError(t, err)
	defer c.Close()

	_, err = c.SendFacilityOTP(context.Background(), "IN2910000123")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "9876543210")
	assert.NotContains(t, err.Error(), "manager@sunrise-hospital.in")
}
