package sms_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/onboarding"
)

// A gateway's 4xx (bad number, bad request) cannot change by sending
// again: the outbox must be able to take it as a dead letter at once
// (onboarding.Notifier: an error with Permanent() bool). A 5xx may pass,
// and so may a refusal of the operator's credentials (401, 403, 407):
// every message meets it until the operator mends them, and each should
// go out then rather than all of them being dead letters at once.
func TestGatewayPermanence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{400, true}, {404, true}, {422, true}, {401, false}, {403, false}, {407, false}, {500, false}, {503, false}} {
		g := newGateway(t, tc.status)
		s, err := sms.New(g.URL+"/send?to={{.To}}&text={{.Text}}", sms.WithClient(g.Client()))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Notify(context.Background(), otp("9876543210"))
		if err == nil {
			t.Fatalf("%d: no error", tc.status)
		}
		var p interface{ Permanent() bool }
		got := errors.As(err, &p) && p.Permanent()
		if got != tc.permanent {
			t.Errorf("HTTP %d: permanent = %v, want %v (%v, %T)", tc.status, got, tc.permanent, err, err)
		}
	}
}

// 429 with Retry-After: the outbox should wait no less (RetryDelay()).
func TestGatewayRetryAfter(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	s, err := sms.New(srv.URL+"/send?to={{.To}}&text={{.Text}}", sms.WithClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Notify(context.Background(), otp("9876543210"))
	var d interface{ RetryDelay() time.Duration }
	if !errors.As(err, &d) || d.RetryDelay() < 120*time.Second {
		t.Errorf("429 Retry-After: 120 gave %v (%T), no RetryDelay of 120s", err, err)
	}
}

// A message that is not for a mobile number can never be sent by the
// gateway: permanent.
func TestNotMobileIsPermanent(t *testing.T) {
	t.Parallel()
	g := newGateway(t, 200)
	s, err := sms.New(g.URL+"/send?to={{.To}}&text={{.Text}}", sms.WithClient(g.Client()))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Notify(context.Background(), onboarding.Message{ID: "a/1/0", Kind: onboarding.MessageOTP, To: "admin@example.org", Code: "123456", Subject: "x"})
	var p interface{ Permanent() bool }
	if !errors.Is(err, sms.ErrNotMobile) {
		t.Fatalf("err = %v", err)
	}
	if !(errors.As(err, &p) && p.Permanent()) {
		t.Errorf("ErrNotMobile is not Permanent: the outbox retries it until it dies of age (%v)", err)
	}
}

// A text longer than the gateway takes is as long on every attempt:
// sending again cannot change it, so the outbox dead-letters it at once
// instead of retrying it until it ages out. Nothing reaches the gateway.
func TestTooLongIsPermanent(t *testing.T) {
	t.Parallel()
	g := newGateway(t, 200)
	s, err := sms.New(g.URL+"/send?to={{.To}}&text={{.Text}}", sms.WithClient(g.Client()), sms.WithMaxLength(20))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Notify(context.Background(), otp("9876543210"))
	if !errors.Is(err, sms.ErrTooLong) {
		t.Fatalf("err = %v, want ErrTooLong", err)
	}
	var p interface{ Permanent() bool }
	if !(errors.As(err, &p) && p.Permanent()) {
		t.Errorf("ErrTooLong is not Permanent: the outbox retries it until it dies of age (%v)", err)
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("the gateway got %d requests for a text it cannot take", n)
	}
}
