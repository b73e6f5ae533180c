package onboarding_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An SMS gateway refusing the request with 400 (a number it cannot reach):
// the outbox takes the message as a dead letter at once, as it does a
// webhook's final 4xx, instead of retrying it until its code expires.
func TestOutboxDeadLettersSMSRefusal(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		rw.WriteHeader(http.StatusBadRequest)
	}))
	t.Cleanup(srv.Close)
	gw, err := sms.New(srv.URL+"/send?to={{.To}}&text={{.Text}}&ref={{.Key}}", sms.WithClient(srv.Client()))
	require.NoError(t, err)
	r, err := route.New(route.WithMobile(gw),
		route.WithFallback(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	var a *onboarding.Application
	var store *registry.MemoryStore
	for _, c := range []verifier.Category{verifier.CategoryPayer, verifier.CategoryEmpanelledProvider, verifier.CategoryRohiniProvider, verifier.CategoryABDMProvider, verifier.CategoryTPA, verifier.CategoryRegulator} {
		store = registry.NewMemoryStore()
		svc := w.service(store, onboarding.WithNotifier(r))
		app := w.application(c)
		if app.SystemAdmin != nil {
			app.SystemAdmin.Email = ""
		}
		a, err = svc.Submit(ctx, app)
		if err == nil && hits.Load() > 0 {
			t.Logf("category %s", c)
			break
		}
	}
	if hits.Load() == 0 {
		t.Skip("no SMS sent at submission in this flow")
	}
	dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
	require.NoError(t, err)
	pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
	require.NoError(t, err)
	if len(dead) == 0 {
		t.Errorf("gateway answered 400 to %d sends; dead letters %d, still pending %d (retried until the code expires)", hits.Load(), len(dead), len(pending))
	}
}
