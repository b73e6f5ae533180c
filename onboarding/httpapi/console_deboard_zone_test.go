package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An announced de-boarding's message says when it takes effect in the
// operator's zone, with the zone named, as every time the console shows
// does: a bare UTC date is a day off for an operator east of UTC whenever
// the notice ends in the hours after its midnight.
func TestConsoleDeboardFlashInOperatorZone(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		ist = time.FixedZone("IST", 5*3600+1800)
	}
	f, srv := consoleServer(t, httpapi.WithConsoleTimeZone(ist))
	a, _ := f.live("Zoned Deboard Regulator")
	b := newBrowser(t, srv)
	b.login(staffToken)
	pg := b.get("/console/applications/" + a.ID)
	res := b.post("/console/applications/"+a.ID+"/deboard",
		url.Values{"csrf": {csrfOf(t, pg)}, "initiator": {"hcx"}, "reason": {"repeated claim fraud"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Deboarding)
	require.True(t, got.Deboarding.Pending())

	flash := regexp.MustCompile(`<div class="flash flash-ok" role="status">([^<]*)</div>`).FindStringSubmatch(b.get(res.location).body)
	require.NotNil(t, flash, "no message after the de-boarding")
	assert.Contains(t, flash[1], "takes effect on "+got.Deboarding.EffectiveAt.In(ist).Format("2006-01-02 15:04 MST"))
}
