package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goTypeNames are Go type spellings: a package-qualified name or a Go
// slice/map type, which no API message should carry (issue 16: "never Go
// identifiers").
var goTypeNames = regexp.MustCompile(`\[\][a-z]|\bmap\[|\b(hcxonboard|onboarding|httpapi|verifier|registry)\.[A-Z]`)

// A body with a value of the wrong JSON type is answered in JSON's words
// (an array, an object, a string), never with the Go type the field
// decodes into.
func TestWrongTypedBodiesSpeakJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifying, vtok := f.submit(f.regulator("Typed Regulator"))
	cases := []struct {
		method, path, auth, body string
	}{
		{http.MethodPost, "/v1/onboarding/applications", "", `{"roles":"payer"}`},
		{http.MethodPost, "/v1/onboarding/applications", "", `{"address":"MG Road"}`},
		{http.MethodPost, "/v1/onboarding/applications", "", `{"identifiers":[]}`},
		{http.MethodPost, "/v1/onboarding/applications", "", `{"documents":{}}`},
		{http.MethodPost, "/v1/onboarding/applications", "", `{"system_admin":"Anita"}`},
		{http.MethodPatch, "/v1/onboarding/applications/" + verifying.ID, bearer(vtok), `{"address":"MG Road"}`},
		{http.MethodPut, "/v1/onboarding/applications/" + verifying.ID + "/details", bearer(vtok), `{"contacts":"desk"}`},
	}
	for _, c := range cases {
		res := f.do(request{method: c.method, path: c.path, auth: c.auth, body: json.RawMessage(c.body)})
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(res.body, &e)
		require.Equal(t, http.StatusBadRequest, res.status, "%s %s %s: %s", c.method, c.path, c.body, res.body)
		assert.Contains(t, e.Error.Message, "expected a", "%s %s %s", c.method, c.path, c.body)
		assert.False(t, goTypeNames.MatchString(e.Error.Message), "%s %s %s: %q", c.method, c.path, c.body, e.Error.Message)
	}
}
