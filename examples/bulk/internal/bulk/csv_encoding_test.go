package bulk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

// utf16 is s as UTF-16 with a byte-order mark, as a spreadsheet's
// "Unicode text" saves it (little-endian) or some tools do (big-endian).
func utf16(s string, big bool) string {
	var b strings.Builder
	if big {
		b.WriteString("\xfe\xff")
	} else {
		b.WriteString("\xff\xfe")
	}
	for _, r := range s { // ASCII only
		if big {
			b.WriteByte(0)
			b.WriteByte(byte(r))
		} else {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
	}
	return b.String()
}

// A list in another encoding, or another separator, is told as what it
// is, with how to save it: not as an unknown column spelt with NULs.
func TestReadRowsNamesTheListsEncodingAndSeparator(t *testing.T) {
	t.Parallel()
	const list = "key,hospital_name\nk1,Lifeline Hospital\n"
	for name, tc := range map[string]struct{ in, want string }{
		"UTF-16 LE": {utf16(list, false), "bad CSV: line 1: the list is UTF-16 text, not UTF-8; save it as CSV UTF-8 (comma delimited)"},
		"UTF-16 BE": {utf16(list, true), "bad CSV: line 1: the list is UTF-16 text, not UTF-8; save it as CSV UTF-8 (comma delimited)"},
		"Windows-1252 header": {"key,hospital_name,\x93pincode\x94\nk1,A,560001\n",
			"bad CSV: line 1, column 3: the header is not UTF-8 text (or holds a NUL); save the list as CSV UTF-8"},
		"semicolons": {"key;hospital_name;pincode\nk1;A;560001\n",
			`bad CSV: line 1: the header is separated by ";", not commas; save the list as CSV (comma delimited)`},
		"tabs": {"key\thospital_name\nk1\tA\n",
			`bad CSV: line 1: the header is separated by tabs, not commas; save the list as CSV (comma delimited)`},
		"a row too long": {"key,hospital_name\nk1,A,extra,more\n",
			"bad CSV: line 2: wrong number of fields: 4 where the header has 2 columns; a cell holding a comma must be quoted"},
		"a row too short": {"key,hospital_name,pincode\nk1,A\n",
			"bad CSV: line 2: wrong number of fields: 2 where the header has 3 columns; a cell holding a comma must be quoted"},
		"a row of one field": {"key,hospital_name\nk1\n",
			"bad CSV: line 2: wrong number of fields: 1 where the header has 2 columns; a cell holding a comma must be quoted"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := bulk.ReadRows(strings.NewReader(tc.in))
			require.ErrorIs(t, err, bulk.ErrBadCSV)
			assert.EqualError(t, err, tc.want)
		})
	}

	// What the checks must not refuse: a UTF-8 list with a byte-order
	// mark, and cells holding a semicolon or a tab.
	for name, in := range map[string]string{
		"BOM":                 "\ufeff" + list,
		"semicolon in a cell": "key,hospital_name\nk1,\"Lifeline; Unit 2\"\n",
		"tab in a cell":       "key,hospital_name\nk1,Lifeline\tHospital\n",
	} {
		t.Run("accepts "+name, func(t *testing.T) {
			rows, err := bulk.ReadRows(strings.NewReader(in))
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Equal(t, "k1", rows[0].Key)
		})
	}
	// A header cell with a ';' that does not split into known columns is
	// an unknown column, as before.
	_, err := bulk.ReadRows(strings.NewReader("key,hospital_name,notes;x\nk1,A,b\n"))
	assert.ErrorContains(t, err, `unknown column "notes;x" in the header`)
}
