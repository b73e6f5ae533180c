package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// TestTokenDoesNotPrintItsValue checks that an access token logged or
// printed whole does not put the bearer value, which lets anyone holding
// it act as the participant until it expires, in a log line, while the
// Value field and JSON still carry it.
func TestTokenDoesNotPrintItsValue(t *testing.T) {
	t.Parallel()
	tk, _ := newTestTokens(t, edKey(t, 1))
	tok, err := tk.Issue("payr_suraks_327957@hcx", []hcxonboard.Role{hcxonboard.RolePayer})
	require.NoError(t, err)

	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		slog.New(h).Info("issued", "token", tok)
		slog.New(h).Info("issued", slog.Any("token", &tok))
	}
	assert.NotContains(t, logs.String(), tok.Value, "slog")
	assert.Contains(t, logs.String(), tok.ID, "the jti is logged")

	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, tok), tok.Value, verb)
		assert.NotContains(t, fmt.Sprintf(verb, &tok), tok.Value, verb+" of a pointer")
	}

	raw, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.Contains(t, string(raw), tok.Value)
}
