package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A client that reads its record (participant/read or /search), changes
// its endpoint and posts the record back to participant/update, as the
// specification's update request — the record's members, participant_code
// required — allows, gets its endpoint changed: the members it cannot
// change here are accepted as the record has them. A change to one of
// them (its name, its roles, the platform's owner id) is refused, and
// nothing is changed.
func TestSpecUpdateTakesTheRecordBack(t *testing.T) {
	t.Parallel()
	for _, prof := range []credential.Profile{credential.ProfileSpec, credential.ProfilePlatform, credential.ProfileNHCX} {
		t.Run(string(prof), func(t *testing.T) {
			t.Parallel()
			raw, err := rsa.GenerateKey(rand.Reader, 2048)
			require.NoError(t, err)
			key, err := jwk.FromRaw(raw)
			require.NoError(t, err)
			tokens, err := credential.NewTokens(key, credential.WithProfile(prof))
			require.NoError(t, err)
			f := newFixtureWith(t, []onboarding.Option{onboarding.WithTokens(tokens)}, httpapi.WithProfile(prof))
			ctx := context.Background()
			a, secret := f.live("Echoing Regulator")
			code := a.Participant.ParticipantCode
			tok, err := f.svc.Token(ctx, code, secret)
			require.NoError(t, err)

			res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: bearer(tok.Value),
				body: map[string]string{"participant_code": code}})
			require.Equal(t, http.StatusOK, res.status, "%s", res.body)
			var read struct {
				Participants []map[string]any `json:"participants"`
			}
			res.decode(t, &read)
			require.Len(t, read.Participants, 1)
			record := read.Participants[0]

			// A refusal leaves the step-up code unused: a new one is asked
			// for only after a change went through.
			stepUp := ""
			update := func(change func(map[string]any)) response {
				t.Helper()
				if stepUp == "" {
					_, err := f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
					require.NoError(t, err)
					stepUp = f.out.lastCode(a.ID)
				}
				body := make(map[string]any, len(record)+2)
				for k, v := range record {
					body[k] = v
				}
				body["endpoint_url"] = "https://moved.regulator.example/v0.9"
				body["step_up_code"] = stepUp
				change(body)
				data, err := json.Marshal(body)
				require.NoError(t, err)
				res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: data})
				if res.status == http.StatusOK {
					stepUp = ""
				}
				return res
			}
			endpoint := func() string {
				got, err := f.svc.Application(ctx, a.ID)
				require.NoError(t, err)
				return got.Participant.EndpointURL
			}

			for _, tc := range []struct {
				name, says string
				change     func(map[string]any)
			}{
				{"another name", "participant_name", func(b map[string]any) { b["participant_name"] = "Someone Else" }},
				{"another role", "roles", func(b map[string]any) { b["roles"] = []string{"agency.regulator", "payer"} }},
				{"another owner", "osOwner", func(b map[string]any) { b["osOwner"] = []string{credential.OwnerID("other@hcx")} }},
				{"another status", "status", func(b map[string]any) { b["status"] = "Blocked" }},
				{"another e-mail", "primary_email", func(b map[string]any) { b["primary_email"] = "new@regulator.example" }},
				{"a member no record has", "colour", func(b map[string]any) { b["colour"] = "blue" }},
			} {
				res := update(tc.change)
				require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.name, res.body)
				assert.Contains(t, res.envelope(t).Error.Message, tc.says, tc.name)
				assert.Equal(t, "https://hcx.participant.example/v0.9", endpoint(), "%s: nothing changed", tc.name)
			}

			res = update(func(map[string]any) {})
			require.Equal(t, http.StatusOK, res.status, "the record sent back: %s", res.body)
			assert.Equal(t, "https://moved.regulator.example/v0.9", endpoint())
			got, err := f.svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, "Echoing Regulator", got.Participant.ParticipantName)
			assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleRegulator}, got.Participant.Roles)

			// Roles in another spelling are the same roles.
			res = update(func(b map[string]any) {
				b["endpoint_url"] = "https://again.regulator.example/v0.9"
				b["roles"] = []string{"agency.regulator"}
				b["status"] = "ACTIVE"
			})
			require.Equal(t, http.StatusOK, res.status, "%s", res.body)
			assert.Equal(t, "https://again.regulator.example/v0.9", endpoint())
		})
	}
}
