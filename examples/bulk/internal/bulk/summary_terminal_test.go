package bulk_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/verifier"
)

// The table goes to a terminal, and the names in it come from the list: a
// hostile cell's escape sequences (clear the screen, set the window's
// title, a CSI through U+009B) and bidirectional overrides must not reach
// the terminal as such; the text around them, and the joiners Indic
// names need, do.
func TestTableKeepsTerminalControlsOut(t *testing.T) {
	t.Parallel()
	hostile := "Evil\x1b[2J\x1b]0;pwned\x07 Hospital\u009b31m \u202etxt.exe"
	indic := "स्वास्थ्\u200dय केंद्र"
	ex := []bulk.Example{
		{Line: 2, Key: "k1", Name: hostile, Message: "participant_name contains a control character\x1b[0m; retype it"},
		{Line: 3, Key: "k2", Name: indic, Message: "hfr_id: unknown"},
	}
	s := &bulk.Summary{Rows: 2, Submitted: 2, Rejected: 2, Failed: 1,
		Rejections: []bulk.Group{{Requirement: verifier.ReqParticipantName, Outcome: verifier.Invalid, Rows: 2, Examples: ex}},
		Failures:   ex[:1]}
	var out bytes.Buffer
	require.NoError(t, s.WriteTable(&out))
	table := out.String()
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
		assert.NotContains(t, table, bad, "a control from the list reached the table")
	}
	for _, want := range []string{"Evil", "Hospital", "txt.exe", "retype it", indic} {
		assert.Contains(t, table, want)
	}
	assert.Equal(t, 3, strings.Count(table, "line 2")+strings.Count(table, "line 3"), "each example is listed")
}

// An example shows enough of a hospital's name to know the row by; a
// name as long as a cell may be (which the engine refuses) is cut, and
// the advice after it stays whole.
func TestTableCutsLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("N", bulk.MaxField)
	advice := "participant_name has 1024 characters; at most 256"
	s := &bulk.Summary{Rows: 2, Submitted: 2, Rejected: 2, Rejections: []bulk.Group{{Requirement: verifier.ReqParticipantName,
		Outcome: verifier.Invalid, Rows: 2, Examples: []bulk.Example{
			{Line: 2, Key: "k1", Name: long, Message: advice},
			{Line: 3, Key: "k2", Name: "Sunrise Multispeciality Hospital and Research Centre", Message: advice},
		}}}}
	var out bytes.Buffer
	require.NoError(t, s.WriteTable(&out))
	table := out.String()
	assert.NotContains(t, table, strings.Repeat("N", 200), "the whole long name")
	assert.Contains(t, table, strings.Repeat("N", 100)+"…")
	assert.Contains(t, table, "Sunrise Multispeciality Hospital and Research Centre:", "a name of ordinary length is whole")
	assert.Equal(t, 2, strings.Count(strings.Join(strings.Fields(table), " "), advice), "the advice is whole")
}
