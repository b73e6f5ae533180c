package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

// Two runs on one registry at once would each write the row state from
// their own offset, over each other's records, and race every row's
// submission with certificates of their own ("application_id was already
// used for a different application"). The second is refused before it
// reads or writes anything, and may run once the first has ended.
func TestBulkRefusesASecondRunOnTheSameRegistry(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("the row state is locked on unix only")
	}
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "list.csv")
	_, _, err := runCmd(t, "-generate", "20", "-o", list)
	require.NoError(t, err)
	_, _, err = runCmd(t, "-quiet", list)
	require.NoError(t, err)
	db := filepath.Join(dir, "list.db")
	before, err := os.ReadFile(statePath(db))
	require.NoError(t, err)
	require.NotEmpty(t, before)

	first, err := bulk.OpenState(statePath(db), false) // a run under way
	require.NoError(t, err)
	_, _, err = runCmd(t, "-quiet", list)
	require.Error(t, err)
	assert.ErrorIs(t, err, bulk.ErrStateBusy)
	assert.Equal(t, "another bulk run is onboarding into "+db+": wait for it to end, or give this one another -db", err.Error())
	after, err := os.ReadFile(statePath(db))
	require.NoError(t, err)
	assert.Equal(t, before, after, "the refused run left the row state alone")

	// Nor may a second run empty the state of a registry not yet made.
	fresh := filepath.Join(dir, "fresh.db")
	held, err := bulk.OpenState(statePath(fresh), true)
	require.NoError(t, err)
	_, _, err = runCmd(t, "-quiet", "-db", fresh, list)
	assert.ErrorIs(t, err, bulk.ErrStateBusy)
	require.NoError(t, held.Close())

	require.NoError(t, first.Close())
	out, _, err := runCmd(t, "-quiet", "-json", list)
	require.NoError(t, err, "once the first run has ended")
	assert.Equal(t, 20, decode(t, out).Skipped)
}
