package sms_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/onboarding"
)

func Example() {
	gw := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		q := r.URL.Query()
		fmt.Printf("%s %s as %s: to=%s text=%q ref=%s\n", r.Method, r.URL.Path, user, q.Get("to"), q.Get("text"), q.Get("ref"))
	}))
	defer gw.Close()

	g, err := sms.New(gw.URL+"/send?to={{.To}}&text={{.Text}}&ref={{.Key}}",
		sms.WithBasicAuth("operator", "gateway-password"),
		sms.WithClient(gw.Client()), // in production: the operator's safefetch client
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = g.Notify(context.Background(), onboarding.Message{
		ID: "app-3/2/0", Kind: onboarding.MessageOTP, To: "98765 43210", Code: "493817",
	})
	fmt.Println("error:", err)
	// Output:
	// GET /send as operator: to=+919876543210 text="493817 is your HCX onboarding code. Never share it." ref=app-3/2/0
	// error: <nil>
}
