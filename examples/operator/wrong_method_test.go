package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The routes served beside the API answer a wrong method as the API's own
// routes do: 405 with Allow, in the HCX error envelope.
func TestRoutesBesideTheAPIRefuseAWrongMethod(t *testing.T) {
	t.Parallel()
	base, _, _ := start(t, "-data", t.TempDir())
	for _, path := range []string{metricsPath, policyPath, readinessJWKSPath} {
		for _, method := range []string{http.MethodPost, http.MethodDelete} {
			req, err := http.NewRequest(method, base+path, nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, "%s %s: %s", method, path, body)
			assert.Equal(t, "GET, HEAD", res.Header.Get("Allow"), "%s %s", method, path)
			var env struct {
				Error struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &env), "%s %s: %s", method, path, body)
			assert.Equal(t, "ERR_INVALID_REQUEST", env.Error.Code, "%s %s", method, path)
		}
	}
}
