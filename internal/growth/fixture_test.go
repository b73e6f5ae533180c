package main

import (
	"testing"

	"github.com/openhcx/hcxonboard/registry"
)

// The mid cursor of the two-year expiry listing lies inside the window at
// every size the benchmark is run at, with a share of the window's
// participants after it: a cursor past the window's end makes the
// "mid cursor" row time an empty page.
func TestMidExpiryCursorIsInsideTheWindow(t *testing.T) {
	for _, n := range []int{1000, 10000, 100000} {
		f := newFixture(n)
		soonest, code, err := registry.DecodeExpiryCursor(f.midExpiryCursor())
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		by := f.twoYears()
		within, after := 0, 0
		for i := range n {
			p := f.participant(i)
			if !registry.ExpiresBy(p, by) {
				continue
			}
			within++
			if e := registry.SoonestExpiry(p); e > soonest || e == soonest && p.ParticipantCode > code {
				after++
			}
		}
		if within == 0 || after < within/4 || after > within*3/4 {
			t.Errorf("n=%d: %d of the %d participants expiring within two years come after the mid cursor, want a quarter to three quarters", n, after, within)
		}
	}
}
