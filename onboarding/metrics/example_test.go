package metrics_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/registry"
)

// The counters and the store's families, served at /metrics.
func Example() {
	ctx := context.Background()
	m := metrics.New()

	// A transport, counted: one message delivered, one not.
	mail := m.Notifier("email", onboarding.NotifierFunc(func(_ context.Context, msg onboarding.Message) error {
		if msg.To == "" {
			return errors.New("no recipient")
		}
		return nil // an email.Mailer would send it here
	}))
	_ = mail.Notify(ctx, onboarding.Message{Kind: onboarding.MessageOnboarded, To: "admin@hospital.example"})
	_ = mail.Notify(ctx, onboarding.Message{Kind: onboarding.MessageOnboarded})

	// The engine, and what its store holds.
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(bytes.Repeat([]byte{1}, 32)), // a real key comes from a secret store
		onboarding.WithNotifier(mail),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	state, err := metrics.NewStateCollector(svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	// httpapi.New(svc, httpapi.WithTokenObserver(m.ObserveToken)) counts
	// token requests; here, one by hand.
	m.ObserveToken(httpapi.TokenRouteV1, httpapi.TokenRefused)

	reg := prometheus.NewRegistry()
	reg.MustRegister(m, state)
	srv := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "hcxonboard_notify_") || strings.HasPrefix(line, "hcxonboard_outbox_") ||
			strings.HasPrefix(line, `hcxonboard_applications{stage="submitted"}`) ||
			strings.HasPrefix(line, `hcxonboard_tokens_total{outcome="refused",route="v1"}`) {
			fmt.Println(line)
		}
	}
	// Output:
	// hcxonboard_applications{stage="submitted"} 0
	// hcxonboard_notify_deliveries_total{transport="email"} 1
	// hcxonboard_notify_failures_total{transport="email"} 1
	// hcxonboard_outbox_messages{state="dead"} 0
	// hcxonboard_outbox_messages{state="pending"} 0
	// hcxonboard_tokens_total{outcome="refused",route="v1"} 1
}
