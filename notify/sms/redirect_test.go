package sms_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/sms"
)

// A form POST answered 302 is not sent (the client would follow with a
// GET without the form); and a redirect to another host is not followed,
// so the gateway's key and the message go nowhere else.
func TestGatewayRedirects(t *testing.T) {
	t.Parallel()
	var (
		mu                   sync.Mutex
		forms                int
		leakedKey, leakedMsg string
	)
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		leakedKey, leakedMsg = r.Header.Get("Apikey"), r.PostForm.Get("msg")
		mu.Unlock()
	}))
	t.Cleanup(other.Close)
	gw := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/found":
			http.Redirect(w, r, "/v2/", http.StatusFound)
		case "/elsewhere":
			http.Redirect(w, r, "https://elsewhere.example.com/collect", http.StatusTemporaryRedirect)
		case "/v2/":
			if r.Method == http.MethodPost {
				mu.Lock()
				forms++
				mu.Unlock()
			}
		}
	}))
	t.Cleanup(gw.Close)
	client := gw.Client()
	tr := client.Transport.(*http.Transport).Clone()
	gwAddr, otherAddr := gw.Listener.Addr().String(), other.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "elsewhere.example.com:443" {
			addr = otherAddr
		} else {
			addr = gwAddr
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client.Transport = tr
	for _, path := range []string{"/found", "/elsewhere"} {
		g, err := sms.New("https://sms.example.com"+path+"?to={{.To}}&msg={{.Text}}",
			sms.WithFormBody(), sms.WithHeader("apikey", "gw-secret-key"), sms.WithClient(client))
		require.NoError(t, err)
		assert.Error(t, g.Notify(context.Background(), otp("9876543210")), path)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, forms, "no form reached the gateway by a GET")
	assert.Empty(t, leakedKey, "the key went nowhere else")
	assert.Empty(t, leakedMsg, "nor the message")
}
