package bulk_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/registry"
)

// A row rejected (stored under its key), corrected and resubmitted under
// ResubmissionKey; then the state file is lost (hospitals.db copied or
// moved without hospitals.db.rows: OpenState starts an empty one beside an
// existing registry). The resubmission key is derived from the content so
// that it can be found again, yet the next run adopts the rejected
// application under the row's key, reports the hospital as rejected while
// its corrected application is under way, and records the row's current
// content against the rejected application.
func TestOnboardLostStateFindsTheResubmission(t *testing.T) {
	t.Parallel()
	rows, kinds := list(t, 120, 11)
	unknown := slices.Index(kinds, bulk.KindHFRUnknown)
	require.GreaterOrEqual(t, unknown, 0)
	store := registry.NewMemoryStore()

	runOn(t, store, bulk.NewMemoryState(), rows) // rejected: HFR does not know it
	fixed := slices.Clone(rows)
	fixed[unknown].DemoRegistry = ""
	state := bulk.NewMemoryState()
	require.NoError(t, state.Put(bulk.RowState{Key: rows[unknown].Key, Digest: rows[unknown].Digest(), ApplicationID: rows[unknown].Key}))
	second := runOn(t, store, state, fixed)
	require.True(t, second[unknown].Resubmitted)
	require.Equal(t, bulk.OutcomeOTP, second[unknown].Outcome())

	lost := bulk.NewMemoryState() // the .rows file is gone
	third := runOn(t, store, lost, fixed)
	require.Equal(t, second[unknown].App.ID, third[unknown].App.ID,
		"with the state lost, the row is reported as its rejected application (%s), not the resubmission of this very content under %s",
		third[unknown].Outcome(), bulk.ResubmissionKey(fixed[unknown].Key, fixed[unknown].Digest()))
}
