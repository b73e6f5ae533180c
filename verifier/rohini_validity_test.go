package verifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// ROHINI's validity ends with its day in India. A date alone is that
// date; an instant is the date it falls on in India, so 23:59:59Z on 31
// May (05:29:59 on 1 June in India) is valid through 1 June there, not
// expired from the start of it.
func TestRohiniValidityEndsWithItsDayInIndia(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("IST", 5*3600+1800)
	for _, c := range []struct {
		name, validUntil string
		now              time.Time
		expired          bool
	}{
		{"an instant, its Indian day under way", "2026-05-31T23:59:59Z", time.Date(2026, 6, 1, 4, 0, 0, 0, ist), false},
		{"an instant, its Indian day over", "2026-05-31T23:59:59Z", time.Date(2026, 6, 2, 0, 0, 1, 0, ist), true},
		{"an instant in India's zone", "2026-05-31T00:00:00+05:30", time.Date(2026, 5, 31, 23, 0, 0, 0, ist), false},
		{"a date, its day under way", "2026-05-31", time.Date(2026, 5, 31, 23, 0, 0, 0, ist), false},
		{"a date, its day over", "2026-05-31", time.Date(2026, 6, 1, 0, 0, 1, 0, ist), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			csv := "rohini_id,hospital_name,pincode,status,valid_until\n" +
				"8900080336704,Lakeview Nursing Home,411001,Active," + c.validUntil + "\n"
			dir, err := rohini.LoadCSV(strings.NewReader(csv))
			require.NoError(t, err)
			app := loadApp(t, "rohini_provider_ready.json")
			chk := offlineChecker(t, verifier.WithRohiniLookup(dir), verifier.WithClock(func() time.Time { return c.now }))
			rep, err := chk.Verify(context.Background(), app)
			require.NoError(t, err)
			res, ok := rep.Result(verifier.ReqRohiniVerification)
			require.True(t, ok)
			if c.expired {
				assert.Equal(t, verifier.Invalid, res.Outcome, res.Message)
				assert.Contains(t, res.Message, "expired on")
			} else {
				assert.NotEqual(t, verifier.Invalid, res.Outcome, res.Message)
			}
		})
	}
}
