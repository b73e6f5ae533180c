package participant

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// roundTripWatch closes returned when its second round trip ends.
type roundTripWatch struct {
	next     http.RoundTripper
	n        atomic.Int32
	returned chan struct{}
}

func (w *roundTripWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	n := w.n.Add(1)
	resp, err := w.next.RoundTrip(req)
	if n == 2 {
		close(w.returned)
	}
	return resp, err
}

// An anonymous caller naming an unknown kid starts a JWKS fetch; while it
// hangs, the operator's genuine challenges, whose key the handler holds,
// are answered without waiting for it.
func TestKnownKeyDoesNotWaitForAFetch(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.FromRaw(pub)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Set(jwk.KeyIDKey, "k1"); err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(key); err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}

	var served atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) == 2 {
			close(started)
			select { // the second fetch hangs until the test is done
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	defer close(release)

	watch := &roundTripWatch{next: srv.Client().Transport, returned: make(chan struct{})}
	client := srv.Client()
	client.Transport = watch
	ks, err := RemoteKeys(srv.URL+"/jwks.json", client)
	if err != nil {
		t.Fatal(err)
	}
	var at atomic.Int64
	at.Store(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC).UnixNano())
	ks.(*remote).now = func() time.Time { return time.Unix(0, at.Load()) }

	ctx := context.Background()
	if _, err := ks.LookupKey(ctx, "k1"); err != nil {
		t.Fatalf("first look-up: %v", err)
	}
	at.Add(int64(RemoteMinInterval)) // an unknown kid may fetch again; the set is still fresh
	go func() { _, _ = ks.LookupKey(ctx, "made-up-kid") }()
	<-started

	if _, err := ks.LookupKey(ctx, "k1"); err != nil {
		t.Fatalf("known key while a fetch hangs: %v", err)
	}
	select {
	case <-watch.returned:
		t.Fatal("the look-up of a key the handler holds waited for the fetch an unknown kid started")
	default:
	}
}
