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

// The backoff before the next attempt doubles from 30 s to an hour, each
// with ±20% jitter so that messages failed together (an outage) and
// replicas spread out instead of retrying in lockstep; however many
// attempts a row says were made — a count the store holds, corrupt or
// not — it stays within its bounds and never panics.
func TestRetryDelayBoundedWithJitter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		attempts int
		base     time.Duration
	}{
		{-1, 30 * time.Second}, {0, 30 * time.Second}, {1, time.Minute}, {2, 2 * time.Minute},
		{6, 32 * time.Minute}, {7, time.Hour}, {64, time.Hour}, {1 << 40, time.Hour},
	} {
		seen := map[time.Duration]bool{}
		for range 64 {
			d := retryDelay(c.attempts)
			if d < c.base*8/10 || d > c.base*12/10 {
				t.Fatalf("retryDelay(%d) = %s, want %s ± 20%%", c.attempts, d, c.base)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("retryDelay(%d) gave %d distinct delays in 64 draws: no jitter", c.attempts, len(seen))
		}
	}
}
