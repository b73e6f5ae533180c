package rohini_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
)

// Every look-up validates before it asks anything.
func TestLookupsRejectMalformedIDsWithoutAsking(t *testing.T) {
	t.Parallel()
	bad := []string{"", "8900080123456", "890008033670", "89000803367041", "890 0080336704", "890-0080-336704", "4006381333931", "89000803367O4"}

	tr := httpmock.NewMockTransport()
	tr.RegisterNoResponder(httpmock.NewStringResponder(200, foundBody))
	httpLookup := newMockLookup(t, tr)
	dir, err := rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name\n" + goodID + ",X\n"))
	require.NoError(t, err)

	lookups := map[string]rohini.Lookup{"http": httpLookup, "directory": dir, "manual": rohini.Manual{}}
	for name, l := range lookups {
		for _, id := range bad {
			_, err := l.Hospital(context.Background(), id)
			require.ErrorIs(t, err, rohini.ErrInvalidID, "%s %q", name, id)
			assert.NotErrorIs(t, err, rohini.ErrNotFound)
			assert.NotErrorIs(t, err, rohini.ErrManualReview)
		}
	}
	assert.Zero(t, tr.GetTotalCallCount(), "no request for a malformed id")

	// The accepting case, so the test can fail the other way too.
	_, err = httpLookup.Hospital(context.Background(), goodID)
	require.NoError(t, err)
	assert.Equal(t, 1, tr.GetTotalCallCount())
}

func TestManual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id      string
		wantErr error
	}{
		{id: goodID, wantErr: rohini.ErrManualReview},
		{id: otherID, wantErr: rohini.ErrManualReview},
		{id: "8900080123456", wantErr: rohini.ErrInvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			h, err := rohini.Manual{}.Hospital(context.Background(), tt.id)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Zero(t, h)
			if tt.wantErr == rohini.ErrManualReview {
				assert.Contains(t, err.Error(), tt.id)
				assert.NotErrorIs(t, err, rohini.ErrInvalidID)
			}
		})
	}
}
