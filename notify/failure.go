package notify

import (
	"net/http"
	"strconv"
	"time"
)

// PermanentError is a failure that sending again cannot change (an
// address no transport can reach): its Permanent method says so, and the
// engine's outbox takes the message as a dead letter at once instead of
// retrying it until it ages out. Transports declare their sentinels with
// Permanent; errors.Is matches them as ever.
type PermanentError struct{ text string }

// Permanent returns a new PermanentError with text.
func Permanent(text string) *PermanentError { return &PermanentError{text: text} }

func (e *PermanentError) Error() string { return e.text }

// Permanent reports true.
func (e *PermanentError) Permanent() bool { return true }

// ParseRetryAfter reads an HTTP Retry-After value — seconds, or an HTTP
// date, measured from now — as a wait; 0 when it gives none.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 1<<20)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
