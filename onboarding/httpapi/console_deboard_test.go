package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// TestConsoleDeboardFormDoesNotDefaultToImmediateVoluntary: the de-board
// form's initiator must not start on "voluntary", which takes the
// participant off the network at once (secrets revoked, no notice, no
// appeal) when staff meant an announced, appealable de-boarding. It starts
// on no choice: the form sent as it stands is refused, nothing happens.
func TestConsoleDeboardFormDoesNotDefaultToImmediateVoluntary(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.live("Deboard Default Regulator")
	b := newBrowser(t, srv)
	b.login(staffToken)
	pg := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, pg.status)

	sel := regexp.MustCompile(`(?s)<select id="deboard-initiator" name="initiator"[^>]*>(.*?)</select>`).FindStringSubmatch(pg.body)
	require.NotNil(t, sel, "no de-board form")
	opts := regexp.MustCompile(`<option(?: value="([^"]*)")?( selected)?[^>]*>([^<]*)</option>`).FindAllStringSubmatch(sel[1], -1)
	require.NotEmpty(t, opts)
	value := func(o []string) string {
		if o[1] != "" || regexp.MustCompile(`value=""`).MatchString(o[0]) {
			return o[1]
		}
		return o[3]
	}
	chosen := value(opts[0]) // what a browser submits with no option marked selected
	for _, o := range opts {
		if o[2] != "" {
			chosen = value(o)
		}
	}
	require.NotEqual(t, "voluntary", chosen)
	res := b.post("/console/applications/"+a.ID+"/deboard",
		url.Values{"csrf": {csrfOf(t, pg)}, "initiator": {chosen}, "reason": {"repeated claim fraud; notice to follow"}}, "")
	_ = res // refused, with the reason shown on the page it leads back to
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status, "the form as it stands de-boarded")

	// Choosing the HCX announces it: the participant stays on the network
	// through the notice period.
	pg = b.get("/console/applications/" + a.ID)
	res = b.post("/console/applications/"+a.ID+"/deboard",
		url.Values{"csrf": {csrfOf(t, pg)}, "initiator": {"hcx"}, "reason": {"repeated claim fraud"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	got, err = f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, got.Status, "announced, not yet in effect")
	es, err := f.svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	require.Equal(t, onboarding.ActionDeboardWarning, es[len(es)-1].Action)
}
