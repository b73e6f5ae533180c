package onboarding

import (
	"testing"
	"time"
)

// A round of retries begun elapsed ago has made as many attempts as the
// backoff's steps (30 s, 1 min, 2 min, … an hour) fit in elapsed.
func TestRoundAttempts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		elapsed time.Duration
		want    int
	}{
		{0, 0},
		{29 * time.Second, 0},
		{30 * time.Second, 1},
		{89 * time.Second, 1},
		{90 * time.Second, 2},
		{210 * time.Second, 3},
		{time.Hour, 6},
		{3810 * time.Second, 7},
		{30 * 24 * time.Hour, 7},
	} {
		if got := roundAttempts(c.elapsed); got != c.want {
			t.Errorf("roundAttempts(%s) = %d, want %d", c.elapsed, got, c.want)
		}
	}
}
