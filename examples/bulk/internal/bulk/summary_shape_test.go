package bulk_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/registry"
)

// summaryJSON returns the -json summary of rows and results, decoded.
func summaryJSON(t *testing.T, rows []bulk.Row, results []bulk.Result) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, bulk.Summarize(rows, results, nil, 3).WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	return got
}

// A script reading -json finds the same members whatever the run found:
// every counter, at 0 when nothing counts, and every list, empty when
// nothing is listed. Only load depends on a flag (-latency).
func TestSummaryJSONShapeIsStable(t *testing.T) {
	t.Parallel()
	rows, results := summaryFixture()
	busy := summaryJSON(t, rows, results)
	require.NotEmpty(t, busy["failures"], "the fixture has a failed row")

	// One row, ready: nothing failed, changed, withdrawn or rejected.
	quiet := summaryJSON(t, []bulk.Row{{Line: 2, Key: "k0", HospitalName: "Hospital 0"}},
		[]bulk.Result{{App: app(registry.StageDetails)}})
	delete(busy, "load")
	assert.Equal(t, slices.Sorted(maps.Keys(busy)), slices.Sorted(maps.Keys(quiet)))
	for _, k := range []string{"changed_not_resubmitted", "other", "failed", "not_reached", "refused", "resubmitted"} {
		assert.EqualValues(t, 0, quiet[k], k)
	}
	for _, k := range []string{"failures", "rejections"} {
		assert.Equal(t, []any{}, quiet[k], k+" is an empty list, not absent or null")
	}

	// The counters add up: every row is in one place.
	for _, got := range []map[string]any{busy, quiet} {
		sum := 0.0
		for _, k := range []string{"ready", "waiting_otp", "waiting_approval", "waiting_review_or_retry", "rejected", "other", "failed", "not_reached"} {
			n, _ := got[k].(float64)
			sum += n
		}
		assert.Equal(t, got["rows"], sum)
		n := func(k string) float64 { v, _ := got[k].(float64); return v }
		assert.Equal(t, got["rows"], n("submitted")+n("skipped")+n("failed")+n("not_reached"))
	}
}
