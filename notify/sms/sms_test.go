package sms_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"

	"github.com/openhcx/hcxonboard/notify/sms"
	"github.com/openhcx/hcxonboard/onboarding"
)

// gatewayRequest is what the test gateway received.
type gatewayRequest struct {
	method, path, rawQuery, contentType string
	query, form                         url.Values
	user, pass                          string
	basic                               bool
	apiKey                              string
}

type gateway struct {
	*httptest.Server
	status int
	mu     sync.Mutex
	got    []gatewayRequest
}

func newGateway(t *testing.T, status int) *gateway {
	t.Helper()
	g := &gateway{status: status}
	g.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		u, p, ok := r.BasicAuth()
		g.mu.Lock()
		g.got = append(g.got, gatewayRequest{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
			contentType: r.Header.Get("Content-Type"), query: r.URL.Query(), form: form, user: u, pass: p, basic: ok,
			apiKey: r.Header.Get("Apikey")})
		g.mu.Unlock()
		w.WriteHeader(g.status)
		// Some gateways echo what they were sent.
		_, _ = w.Write([]byte(`{"status":"error","echo":"` + r.URL.RawQuery + string(body) + `"}`))
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *gateway) requests() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.got...)
}

func otp(to string) onboarding.Message {
	return onboarding.Message{ID: "app-3/2/0", Kind: onboarding.MessageOTP, To: to, ApplicationID: "app-3",
		Subject: "Your HCX onboarding code", Body: "Your one-time code is valid for 10 minutes. Never share it.", Code: "493817"}
}

func TestGETWithQuery(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	s, err := sms.New(g.URL+"/api/send?to={{.To}}&msg={{.Text}}&ref={{.Key}}&template_id=1107160000000012345",
		sms.WithClient(g.Client()), sms.WithBasicAuth("operator", "gw-pass"))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"9876543210", "+91 98765 43210", "+919876543210", "09876543210", "91-98765-43210"} {
		if err := s.Notify(context.Background(), otp(to)); err != nil {
			t.Fatalf("%q: %v", to, err)
		}
	}
	for _, r := range g.requests() {
		if r.method != http.MethodGet || r.path != "/api/send" {
			t.Errorf("%s %s", r.method, r.path)
		}
		want := url.Values{"to": {"+919876543210"}, "msg": {"493817 is your HCX onboarding code. Never share it."},
			"ref": {"app-3/2/0"}, "template_id": {"1107160000000012345"}}
		if r.query.Encode() != want.Encode() {
			t.Errorf("query = %v, want %v", r.query, want)
		}
		if !r.basic || r.user != "operator" || r.pass != "gw-pass" {
			t.Errorf("basic auth = %v %q %q", r.basic, r.user, r.pass)
		}
	}
}

func TestPathAndFormBody(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusAccepted)
	s, err := sms.New(g.URL+"/v1/numbers/{{.National}}/messages?text={{.Text}}&kind={{.Kind}}",
		sms.WithClient(g.Client()), sms.WithFormBody(), sms.WithHeader("apikey", "k-123"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(context.Background(), otp("+919876543210")); err != nil {
		t.Fatal(err)
	}
	r := g.requests()[0]
	if r.method != http.MethodPost || r.path != "/v1/numbers/9876543210/messages" || r.rawQuery != "" {
		t.Errorf("%s %s ?%s", r.method, r.path, r.rawQuery)
	}
	if r.contentType != "application/x-www-form-urlencoded" || r.form.Get("text") != "493817 is your HCX onboarding code. Never share it." ||
		r.form.Get("kind") != "otp" {
		t.Errorf("%s %v", r.contentType, r.form)
	}
	if r.apiKey != "k-123" {
		t.Errorf("apikey header = %q", r.apiKey)
	}
}

func TestValuesAreEscaped(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	text := texttemplate.Must(texttemplate.New("sms").Parse(`{{.Subject}}`))
	s, err := sms.New(g.URL+"/p/{{.Text}}?to={{.To}}&text={{.Text}}", sms.WithClient(g.Client()), sms.WithTextTemplate(text))
	if err != nil {
		t.Fatal(err)
	}
	m := otp("9876543210")
	m.Kind = onboarding.MessageRejected
	m.Subject = "a&to=1111111111 b=c+d #frag ?q /x 100% नमस्ते"
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := g.requests()[0]
	if got := r.query["to"]; len(got) != 1 || got[0] != "+919876543210" {
		t.Errorf("to = %q: the text injected a parameter", got)
	}
	if r.query.Get("text") != m.Subject {
		t.Errorf("text = %q, want %q", r.query.Get("text"), m.Subject)
	}
	if p, _ := url.PathUnescape(strings.TrimPrefix(r.path, "/p/")); p != m.Subject {
		t.Errorf("path segment = %q (%s)", p, r.path)
	}
}

func TestCodeOnlyForKindsThatCarryOne(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	text := texttemplate.Must(texttemplate.New("sms").Parse(`{{.Subject}} [{{.Code}}]`))
	s, err := sms.New(g.URL+"/send?text={{.Text}}", sms.WithClient(g.Client()), sms.WithTextTemplate(text))
	if err != nil {
		t.Fatal(err)
	}
	m := otp("9876543210")
	m.Kind = onboarding.MessageSuspended
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := g.requests()[0].query.Get("text"); got != "Your HCX onboarding code []" {
		t.Errorf("text = %q", got)
	}
}

func TestFailuresSayNoSecrets(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusBadRequest)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := sms.New(g.URL+"/send?to={{.To}}&text={{.Text}}&key=gw-SECRET", sms.WithClient(g.Client()),
		sms.WithLogger(log), sms.WithHeader("Authorization", "Bearer tok-SECRET"))
	if err != nil {
		t.Fatal(err)
	}
	err1 := s.Notify(context.Background(), otp("9876543210"))
	var se *sms.SendError
	if !errors.As(err1, &se) || se.Status != http.StatusBadRequest {
		t.Fatalf("err = %v", err1)
	}
	// A gateway that is gone.
	gone := httptest.NewTLSServer(http.NotFoundHandler())
	goneURL, client := gone.URL, gone.Client()
	gone.Close()
	s2, err := sms.New(goneURL+"/send?to={{.To}}&text={{.Text}}&key=gw-SECRET", sms.WithClient(client), sms.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	err2 := s2.Notify(context.Background(), otp("9876543210"))
	if !errors.As(err2, &se) || se.Status != 0 {
		t.Fatalf("err = %v", err2)
	}
	// Nor does any error down the chain: a caller that walks it (to log
	// the cause, say) finds no URL.
	chain := []string{err1.Error(), err2.Error(), logs.String()}
	for _, err := range []error{err1, err2} {
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			chain = append(chain, e.Error())
		}
	}
	for _, text := range chain {
		for _, secret := range []string{"493817", "9876543210", "98765", "gw-SECRET", "tok-SECRET", "never share"} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
				t.Errorf("%q carries %q", text, secret)
			}
		}
	}
	if !strings.Contains(logs.String(), "status=400") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestNotifyRefuses(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	s, err := sms.New(g.URL+"/send?to={{.To}}&text={{.Text}}", sms.WithClient(g.Client()), sms.WithMaxLength(40))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"admin@hospital.example", "12345", "+449876543210", "5876543210", onboarding.Staff, ""} {
		if err := s.Notify(context.Background(), otp(to)); !errors.Is(err, sms.ErrNotMobile) {
			t.Errorf("%q: err = %v, want ErrNotMobile", to, err)
		} else if to != "" && to != onboarding.Staff && strings.Contains(err.Error(), to) {
			t.Errorf("error names the address: %v", err)
		}
	}
	m := otp("9876543210")
	m.Kind = onboarding.MessageRejected
	m.Subject = strings.Repeat("x", 41)
	if err := s.Notify(context.Background(), m); !errors.Is(err, sms.ErrTooLong) {
		t.Errorf("long text: %v", err)
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("the gateway received %d requests", n)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		tmpl string
		opts []sms.Option
	}{
		"http":             {"http://sms.example/send?to={{.To}}", nil},
		"user information": {"https://u:p@sms.example/send?to={{.To}}", nil},
		"unknown field":    {"https://sms.example/send?to={{.Phone}}", nil},
		"bad template":     {"https://sms.example/send?to={{.To}", nil},
		"method":           {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithMethod(http.MethodPut)}},
		"header":           {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithHeader("X-Bad\r\n", "v")}},
		// What net/http refuses to send would fail every message, each as
		// "the gateway did not answer": it is refused here instead.
		"header value NUL":  {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithHeader("apikey", "k-1\x00k-2")}},
		"header value DEL":  {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithHeader("apikey", "k-1\x7f")}},
		"header name":       {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithHeader("api(key)", "k-1")}},
		"header name UTF-8": {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithHeader("clé", "k-1")}},
		"text template":     {"https://sms.example/send?to={{.To}}", []sms.Option{sms.WithTextTemplate(texttemplate.Must(texttemplate.New("t").Parse(`{{.Nope}}`)))}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := sms.New(tc.tmpl, tc.opts...); !errors.Is(err, sms.ErrInvalidOption) {
				t.Errorf("err = %v", err)
			}
		})
	}
}
