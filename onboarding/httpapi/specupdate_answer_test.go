package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The reference platform's participant/update answers the code of the
// participant it updated at the top level ({"participant_code": …}), and
// clients written against it read it there; this handler's answer carries
// it too, beside the updated record in the search envelope. A refused
// update carries neither.
func TestSpecUpdateAnswersTheParticipantCode(t *testing.T) {
	t.Parallel()
	for _, profile := range []credential.Profile{credential.ProfileSpec, credential.ProfilePlatform} {
		t.Run(string(profile), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, httpapi.WithProfile(profile))
			ctx := context.Background()
			a, secret := f.live("Answering Regulator")
			code := a.Participant.ParticipantCode
			tok, err := f.svc.Token(ctx, code, secret)
			require.NoError(t, err)
			body := httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx2.regulator.example/v0.9"}
			update := func() response {
				return f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: body})
			}

			refused := update() // no step-up code
			require.Equal(t, http.StatusBadRequest, refused.status, "body: %s", refused.body)
			var bad map[string]any
			refused.decode(t, &bad)
			assert.NotContains(t, bad, "participant_code", "a refusal names no updated participant")

			_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
			require.NoError(t, err)
			body.StepUpCode = f.out.lastCode(a.ID)
			res := update()
			require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
			var got struct {
				ParticipantCode *string          `json:"participant_code"`
				Timestamp       int64            `json:"timestamp"`
				Participants    []map[string]any `json:"participants"`
			}
			res.decode(t, &got)
			require.NotNil(t, got.ParticipantCode, "the platform's clients read participant_code: %s", res.body)
			assert.Equal(t, code, *got.ParticipantCode)
			assert.Positive(t, got.Timestamp)
			require.Len(t, got.Participants, 1)
			assert.Equal(t, code, got.Participants[0]["participant_code"])
			assert.Equal(t, "https://hcx2.regulator.example/v0.9", got.Participants[0]["endpoint_url"])
		})
	}
}
