package route_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/openhcx/hcxonboard/notify/route"
	"github.com/openhcx/hcxonboard/onboarding"
)

// recorder is a transport that records what it was given.
type recorder struct {
	name string
	mu   sync.Mutex
	got  []onboarding.Message
}

func (r *recorder) Notify(_ context.Context, m onboarding.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, m)
	return nil
}

func (r *recorder) messages() []onboarding.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]onboarding.Message(nil), r.got...)
}

func TestEachKindGoesToItsTransport(t *testing.T) {
	t.Parallel()
	mail, mobile, part, bcast, staff, hfr := &recorder{name: "email"}, &recorder{name: "mobile"}, &recorder{name: "participant"},
		&recorder{name: "broadcast"}, &recorder{name: "staff"}, &recorder{name: "hfr"}
	r, err := route.New(route.WithEmail(mail), route.WithMobile(mobile), route.WithParticipant(part),
		route.WithBroadcast(bcast), route.WithStaff(staff), route.WithHFR(hfr))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		to   string
		want *recorder
	}{
		{"admin@hospital.example", mail},
		{"first.last+hcx@mail.hospital.co.in", mail},
		{"9876543210", mobile},
		{"+919876543210", mobile},
		{"+91 98765 43210", mobile},
		{"09876543210", mobile},
		{"hosp_rakshi_012345@hcx01", part},
		{"481516234200@hcx", part},
		{"payr_starhe_7@hcx-dev", part},
		{"1-29482df3-e875-45ef-a4e9-592b6f565782", part},
		{onboarding.Broadcast, bcast},
		{onboarding.Staff, staff},
		{"IN2910000123@hfr", hfr},
	} {
		t.Run(tc.to, func(t *testing.T) {
			before := len(tc.want.messages())
			m := onboarding.Message{ID: "app-1/1/0", Kind: onboarding.MessageOnboarded, To: tc.to}
			if err := r.Notify(context.Background(), m); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := tc.want.messages()
			if len(got) != before+1 || got[len(got)-1] != m {
				t.Errorf("%q did not reach the %s transport unchanged", tc.to, tc.want.name)
			}
		})
	}
	total := 0
	for _, rec := range []*recorder{mail, mobile, part, bcast, staff, hfr} {
		total += len(rec.messages())
	}
	if total != 13 {
		t.Errorf("%d deliveries, want 13: a message reached two transports", total)
	}
}

func TestUnknownAddressesAreErrors(t *testing.T) {
	t.Parallel()
	fallback := &recorder{}
	r, err := route.New(route.WithFallback(fallback))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"", "  ", "12345", "+449876543210", "5876543210", "Admin <admin@hospital.example>",
		"admin@@hospital.example", "@hfr", "IN29 1000@hfr", "a@b@hcx", "code with spaces"} {
		err := r.Notify(context.Background(), onboarding.Message{Kind: onboarding.MessageOTP, To: to, Code: "493817"})
		if !errors.Is(err, route.ErrUnknownAddress) {
			t.Errorf("%q: err = %v, want ErrUnknownAddress", to, err)
			continue
		}
		if strings.TrimSpace(to) != "" && strings.Contains(err.Error(), to) || strings.Contains(err.Error(), "493817") {
			t.Errorf("%q: the error names the address or the code: %v", to, err)
		}
	}
	if n := len(fallback.messages()); n != 0 {
		t.Errorf("the fallback got %d unknown addresses", n)
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	mail, fallback := &recorder{}, &recorder{}
	r, err := route.New(route.WithEmail(mail), route.WithFallback(fallback))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"admin@hospital.example", "9876543210", onboarding.Broadcast, "IN2910000123@hfr"} {
		if err := r.Notify(context.Background(), onboarding.Message{To: to}); err != nil {
			t.Fatal(err)
		}
	}
	if len(mail.messages()) != 1 || len(fallback.messages()) != 3 {
		t.Errorf("email %d, fallback %d; want 1, 3", len(mail.messages()), len(fallback.messages()))
	}

	noFallback, err := route.New(route.WithEmail(mail))
	if err != nil {
		t.Fatal(err)
	}
	err = noFallback.Notify(context.Background(), onboarding.Message{Kind: onboarding.MessageOTP, To: "9876543210"})
	if !errors.Is(err, route.ErrNoTransport) || strings.Contains(err.Error(), "9876543210") {
		t.Errorf("err = %v, want ErrNoTransport without the number", err)
	}
}

func TestTransportErrorsPassThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("transport down")
	r, err := route.New(route.WithParticipant(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return boom })))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Notify(context.Background(), onboarding.Message{To: "payr_starhe_7@hcx"}); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

func TestRedirectKeepsTheID(t *testing.T) {
	t.Parallel()
	mail := &recorder{}
	r, err := route.New(route.WithEmail(mail), route.WithStaff(route.Redirect("review@operator.example", mail)))
	if err != nil {
		t.Fatal(err)
	}
	m := onboarding.Message{ID: "app-1/2/0", Kind: onboarding.MessageReviewRequest, To: onboarding.Staff, Subject: "Review needed"}
	if err := r.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := mail.messages()
	want := m
	want.To = "review@operator.example"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	n := &recorder{}
	for name, opts := range map[string][]route.Option{
		"no transport":        nil,
		"nil transport":       {route.WithEmail(nil)},
		"two e-mail":          {route.WithEmail(n), route.WithEmail(n)},
		"nil fallback":        {route.WithEmail(n), route.WithFallback(nil)},
		"nil option":          {route.WithEmail(n), nil},
		"nil transport (hfr)": {route.WithHFR(nil)},
	} {
		if _, err := route.New(opts...); !errors.Is(err, route.ErrInvalidOption) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
