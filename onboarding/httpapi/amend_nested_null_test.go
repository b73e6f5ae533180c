package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// An amendment is a body from outside: a member name that differs from
// the contract only by case (or is unknown) is refused with a 400 naming
// it — also when its value is null, which a merge patch reads as "remove".
func TestAmendRefusesUnknownNestedMembersEvenNull(t *testing.T) {
	for name, body := range map[string]string{
		"nested case, value":   `{"address":{"Pincode":"560001"}}`,
		"nested case, null":    `{"address":{"Pincode":null}}`,
		"nested unknown, null": `{"address":{"nosuch":null}}`,
		"admin case, null":     `{"system_admin":{"EMAIL":null}}`,
		"top level, null":      `{"Participant_Name":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			a, tok := f.submit(f.regulator("Some Regulator Of India"))
			_, err := f.svc.SendBack(context.Background(), a.ID, "staff:asha", "fix the address")
			require.NoError(t, err)
			res := f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID, body: body, auth: bearer(tok)})
			require.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
			require.Contains(t, string(res.body), "unknown field")
		})
	}
	t.Run("a known member removed", func(t *testing.T) {
		f := newFixture(t)
		a, tok := f.submit(f.regulator("Some Regulator Of India"))
		_, err := f.svc.SendBack(context.Background(), a.ID, "staff:asha", "fix the address")
		require.NoError(t, err)
		res := f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID,
			body: `{"address":{"district":null}}`, auth: bearer(tok)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	})
}
