package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An application file comes from wherever the clerk got it. Text in it
// reaches the checklist (the participant's name heads it; its own e-mail
// is shown back unmasked), and a terminal acts on control characters: a
// name holding new lines and an escape sequence could print a forged
// "READY to apply." and conceal the real verdict beneath it. The
// checklist shows such text with the control characters as spaces, and
// Unicode's direction overrides likewise.
func TestChecklistNeutralisesControlCharacters(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var app map[string]any
	require.NoError(t, json.Unmarshal(b, &app))
	app["participant_name"] = "Suraksha\n\n  [ok]      everything\n\nREADY to apply.\x1b[8m\u202e"
	app["primary_email"] = "ab\x1b[8mc@suraksha-insurance.example"
	in, err := json.Marshal(app)
	require.NoError(t, err)

	code, stdout, stderr := runArgs(t, string(in), "-now", testNow, "-")
	require.Equal(t, exitNotReady, code, stderr)
	assert.NotContains(t, stdout, "\x1b", "an escape sequence reached the terminal")
	assert.NotContains(t, stdout, "\u202e")
	for _, line := range strings.Split(stdout, "\n") {
		assert.False(t, strings.HasPrefix(line, "READY"), "a forged verdict line: %q", line)
	}
	first, _, _ := strings.Cut(stdout, "\n")
	assert.Contains(t, first, "Suraksha [ok] everything READY to apply.", "the name stays on the first line")
	assert.Contains(t, stdout, "NOT READY: correct the")
	assert.Contains(t, stdout, "e-mail address ab [8mc@suraksha-insurance.example", "the clerk's own e-mail is still shown, made safe")

	// The accepting case: a name in an Indic script, with the zero-width
	// joiner it needs, prints as given.
	app = map[string]any{}
	require.NoError(t, json.Unmarshal(b, &app))
	app["participant_name"] = "सुरक्षा बीमा क्\u200dष"
	in, err = json.Marshal(app)
	require.NoError(t, err)
	code, stdout, stderr = runArgs(t, string(in), "-now", testNow, "-")
	require.Equal(t, exitReady, code, stderr+stdout)
	assert.True(t, strings.HasPrefix(stdout, "सुरक्षा बीमा क्\u200dष — payer\n"), stdout)
}
