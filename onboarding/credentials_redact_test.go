package onboarding_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// TestCredentialsDoNotPrintTheSecret checks that the secret Provision
// shows once does not reach a log line or a formatted message when the
// caller logs or prints the Credentials whole, while the secret field and
// the JSON a caller sends to the participant still carry it.
func TestCredentialsDoNotPrintTheSecret(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	_, creds := provisioned(t, w, svc)
	require.NotEmpty(t, creds.Secret)

	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		slog.New(h).Info("provisioned", "credentials", creds)
		slog.New(h).Info("provisioned", slog.Any("credentials", &creds))
	}
	assert.NotContains(t, logs.String(), creds.Secret, "slog")
	assert.Contains(t, logs.String(), creds.ParticipantCode, "the code is logged")

	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, creds), creds.Secret, verb)
		assert.NotContains(t, fmt.Sprintf(verb, &creds), creds.Secret, verb+" of a pointer")
	}

	raw, err := json.Marshal(creds)
	require.NoError(t, err)
	assert.Contains(t, string(raw), creds.Secret, "JSON is how the secret is handed over")
}
