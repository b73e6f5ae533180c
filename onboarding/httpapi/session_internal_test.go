package httpapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One staff member logging in over and over ends its own oldest sessions,
// not everyone else's.
func TestOneStaffMemberCannotPushOthersOut(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s := newSessionStore(func() time.Time { return now }, time.Hour)
	other, _, err := s.create("asha", "asha-credential")
	require.NoError(t, err)
	var first string
	for i := range 3 * maxStaffSessions {
		now = now.Add(time.Second)
		id, _, err := s.create("ravi", "ravi-credential")
		require.NoError(t, err)
		if i == 0 {
			first = id
		}
	}
	assert.NotNil(t, s.get(other), "another member's session lives on")
	assert.Nil(t, s.get(first), "the member's own oldest ended")
	assert.Equal(t, maxStaffSessions+1, s.len())
}
