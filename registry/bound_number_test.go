package registry_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// The reference platform writes its times as epoch milliseconds, and its
// clients bound a search on them with numbers: a JSON number is such a
// time on the time fields, and refused on the others, where a bound is
// text. A number that is not a whole count of milliseconds is refused.
func TestBoundNumberIsEpochMilliseconds(t *testing.T) {
	t.Parallel()
	decode := func(body string) (registry.Query, error) {
		var q registry.Query
		if err := json.Unmarshal([]byte(body), &q); err != nil {
			return q, err
		}
		return q.Normalize()
	}
	q, err := decode(`{"filters":{"created_at":{"gte":1767225600000,"lt":"2026-02-01T00:00:00Z"}}}`)
	require.NoError(t, err)
	got, ok := q.Filters[registry.FieldCreatedAt].Gte.Time()
	require.True(t, ok)
	assert.True(t, got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), got)

	q, err = decode(`{"filters":{"updated_at":{"between":[1767225600000,1769904000000]}}}`)
	require.NoError(t, err)
	hi, _ := q.Filters[registry.FieldUpdatedAt].Between[1].Time()
	assert.True(t, hi.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)), hi)

	_, err = decode(`{"filters":{"participant_name":{"gt":1767225600000}}}`)
	require.ErrorIs(t, err, registry.ErrInvalidQuery, "a number on a text field")

	for _, bad := range []string{`1.5`, `-1e400`, `1e30`, `true`, `{}`} {
		_, err = decode(`{"filters":{"created_at":{"gt":` + bad + `}}}`)
		require.Error(t, err, bad)
	}
}
