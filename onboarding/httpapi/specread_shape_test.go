package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// participant/read answers the record at the top level, as the
// specification's read (GET /participant/read/{participant_code},
// ParticipantReadResponse) has it, and in the search envelope, as the
// reference platform's read answers it: a client of either finds the
// participant where it looks. A code that names nobody is a 404 either
// way.
func TestSpecReadAnswersTheRecordAndTheEnvelope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Read Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	for _, req := range []request{
		{method: http.MethodGet, path: "/v0.9/participant/read/" + code, auth: bearer(tok.Value)},
		{method: http.MethodPost, path: "/v0.9/participant/read", auth: bearer(tok.Value), body: map[string]string{"participant_code": code}},
	} {
		res := f.do(req)
		require.Equal(t, http.StatusOK, res.status, "%s %s: %s", req.method, req.path, res.body)
		var ans struct {
			Timestamp       int64            `json:"timestamp"`
			ParticipantCode string           `json:"participant_code"`
			ParticipantName string           `json:"participant_name"`
			Roles           []string         `json:"roles"`
			Status          string           `json:"status"`
			EndpointURL     string           `json:"endpoint_url"`
			EncryptionCert  string           `json:"encryption_cert"`
			Participants    []map[string]any `json:"participants"`
		}
		res.decode(t, &ans)
		assert.Equal(t, code, ans.ParticipantCode, req.method)
		assert.Equal(t, "Read Regulator", ans.ParticipantName, req.method)
		assert.Equal(t, []string{"agency.regulator"}, ans.Roles, req.method)
		assert.Equal(t, "Active", ans.Status, req.method)
		assert.Equal(t, "https://hcx.participant.example/v0.9", ans.EndpointURL, req.method)
		assert.Contains(t, ans.EncryptionCert, "/certificates/", req.method)
		assert.NotZero(t, ans.Timestamp, req.method)
		require.Len(t, ans.Participants, 1, req.method)
		assert.Equal(t, code, ans.Participants[0]["participant_code"], req.method)
		assert.Equal(t, ans.EncryptionCert, ans.Participants[0]["encryption_cert"], req.method)
	}
	res := f.do(request{method: http.MethodGet, path: "/v0.9/participant/read/nobody@hcx", auth: bearer(tok.Value)})
	require.Equal(t, http.StatusNotFound, res.status, "%s", res.body)
	assert.NotContains(t, string(res.body), "participant_name")
}
