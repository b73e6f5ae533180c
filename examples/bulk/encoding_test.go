package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A list saved by a spreadsheet as "CSV" (Windows-1252, not UTF-8): the
// en dash in a hospital's name is the byte 0x96. The engine refuses such
// an application outright (ErrInvalidArgument: not UTF-8 text), and no
// re-run can change that; bulk must say which line and column to fix,
// not count the row as a failure and tell the operator to "run again to
// retry them" — every run fails it again, with exit status 1.
func TestBulkNamesANonUTF8CellInsteadOfRetryingItForever(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "hospitals.csv")
	csv := "key,hospital_name,email,mobile\n" +
		"k1,Sri Sai Hospital \x96 Unit 2,admin@srisai.example,9000012345\n"
	require.NoError(t, os.WriteFile(list, []byte(csv), 0o600))

	for run := 1; run <= 2; run++ {
		_, _, err := runCmd(t, "-quiet", list)
		require.Error(t, err)
		require.NotContains(t, err.Error(), "run again to retry",
			"run %d: a cell that is not UTF-8 is counted as a failed row to retry: %v", run, err)
	}
}
