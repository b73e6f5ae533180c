// Package words says things the project tells people in plain English.
package words

import (
	"fmt"
	"time"
)

// Duration says how long d is, in the right number: whole days from two
// days up ("30 days"), else whole hours ("1 hour"), else whole minutes
// ("10 minutes"); under two minutes, seconds ("90 seconds"); else minutes,
// rounded up ("61 minutes"). It is for lifetimes set by an operator, which
// are positive.
func Duration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return count(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return count(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return count(int64(d/time.Minute), "minute")
	case d < 2*time.Minute:
		return count(int64((d+time.Second-1)/time.Second), "second")
	}
	return count(int64((d+time.Minute-1)/time.Minute), "minute")
}

// Count is n units, "1 unit" or "n units": for a count that can be one
// ("has 1 digit").
func Count(n int, unit string) string { return count(int64(n), unit) }

// count is n units, "1 unit" or "n units".
func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
