package email_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	htmltemplate "html/template"
	"log/slog"
	"net"
	"strings"
	"testing"
	texttemplate "text/template"
	"time"

	smtp "github.com/emersion/go-smtp"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/notify/email"
	"github.com/openhcx/hcxonboard/onboarding"
)

const (
	testUser = "hcx-mailer"
	testPass = "s3cret-pass"
	otpCode  = "493817"
)

func otpMessage() onboarding.Message {
	return onboarding.Message{
		ID:            "app-7f3a/12/0",
		Kind:          onboarding.MessageOTP,
		To:            "admin@hospital.example",
		ApplicationID: "app-7f3a",
		Subject:       "Your HCX onboarding code",
		Body:          "Your one-time code to confirm the HCX onboarding of Rakshith Hospital is valid for 10 minutes. Never share it.",
		Code:          otpCode,
	}
}

func newMailer(t *testing.T, ts *testServer, opts ...email.Option) *email.Mailer {
	t.Helper()
	m, err := email.New("127.0.0.1", "HCX Onboarding <onboarding@operator.example>",
		append([]email.Option{email.WithPort(ts.port), email.WithTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func TestNotifyStartTLSWithAuth(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{user: testUser, pass: testPass})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}), email.WithAuth(testUser, testPass),
		email.WithLogger(log), email.WithClock(func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }))

	msg := otpMessage()
	if err := m.Notify(context.Background(), msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := ts.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if !r.TLS {
		t.Error("the message was not sent over TLS")
	}
	if r.User != testUser {
		t.Errorf("AUTH user = %q, want %q", r.User, testUser)
	}
	if r.From != "onboarding@operator.example" || len(r.To) != 1 || r.To[0] != msg.To {
		t.Errorf("envelope = %q → %q", r.From, r.To)
	}
	p := parseMail(t, r.Data)
	wantID := email.MessageID(msg.ID, "operator.example")
	for h, want := range map[string]string{
		"Message-Id":     wantID,
		"Subject":        msg.Subject,
		"To":             "<" + msg.To + ">",
		"Auto-Submitted": "auto-generated",
		"Date":           "Sun, 01 Mar 2026 10:00:00 +0000",
	} {
		if got := p.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if from := p.Header.Get("From"); !strings.Contains(from, "onboarding@operator.example") {
		t.Errorf("From = %q", from)
	}
	for name, body := range map[string]string{"text": p.Text, "HTML": p.HTML} {
		if !strings.Contains(body, otpCode) {
			t.Errorf("%s body lacks the code:\n%s", name, body)
		}
		if !strings.Contains(body, "Rakshith Hospital") {
			t.Errorf("%s body lacks the engine's text:\n%s", name, body)
		}
	}
	if !strings.Contains(p.HTML, "<strong>"+otpCode+"</strong>") {
		t.Errorf("HTML body does not set the code out:\n%s", p.HTML)
	}

	// The log says what was sent, never the code, the body or the address.
	out := logs.String()
	if !strings.Contains(out, "email: sent") || !strings.Contains(out, "message="+msg.ID) {
		t.Errorf("log lacks the send:\n%s", out)
	}
	for _, secret := range []string{otpCode, "Rakshith", msg.To, testPass} {
		if strings.Contains(out, secret) {
			t.Errorf("log carries %q:\n%s", secret, out)
		}
	}
}

func TestNotifyImplicitTLS(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{implicitTLS: true, user: testUser, pass: testPass})
	m := newMailer(t, ts, email.WithSecurity(email.ImplicitTLS), email.WithTLSConfig(&tls.Config{RootCAs: pool}),
		email.WithAuth(testUser, testPass))
	if err := m.Notify(context.Background(), otpMessage()); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if got := ts.messages(); len(got) != 1 || !got[0].TLS || got[0].User != testUser {
		t.Fatalf("received %+v", got)
	}
}

func TestNotifyRefusesWithoutTLS(t *testing.T) {
	t.Parallel()
	// A server that offers no STARTTLS: the Mailer must not fall back to
	// plain text, and must not send its password.
	ts, _ := newTestServer(t, serverConfig{noTLS: true})
	m := newMailer(t, ts, email.WithAuth(testUser, testPass))
	err := m.Notify(context.Background(), otpMessage())
	if err == nil {
		t.Fatal("Notify sent without TLS")
	}
	if len(ts.messages()) != 0 {
		t.Fatal("the server received a message")
	}
	for _, secret := range []string{otpCode, testPass, "admin@hospital.example"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error carries %q: %v", secret, err)
		}
	}
}

func TestNotifyRefusesAnUntrustedCertificate(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, serverConfig{})
	m := newMailer(t, ts) // system roots: the test certificate is not trusted
	if err := m.Notify(context.Background(), otpMessage()); err == nil {
		t.Fatal("Notify trusted a self-signed certificate")
	}
	if len(ts.messages()) != 0 {
		t.Fatal("the server received a message")
	}
}

func TestNotifyErrors(t *testing.T) {
	t.Parallel()
	refusal := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "<admin@hospital.example>: mailbox unavailable, call 9876543210"}
	busy := &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	for _, tc := range []struct {
		name      string
		cfg       serverConfig
		pass      string
		code      int
		temporary bool
	}{
		{"recipient refused", serverConfig{user: testUser, pass: testPass, refuseRcpt: refusal}, testPass, 550, false},
		{"temporary failure", serverConfig{user: testUser, pass: testPass, refuseRcpt: busy}, testPass, 451, true},
		{"wrong password", serverConfig{user: testUser, pass: testPass}, "wrong", 535, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, pool := newTestServer(t, tc.cfg)
			m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}), email.WithAuth(testUser, tc.pass))
			err := m.Notify(context.Background(), otpMessage())
			var se *email.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *SendError", err, err)
			}
			if se.Code != tc.code || se.Temporary != tc.temporary {
				t.Errorf("Code, Temporary = %d, %v; want %d, %v (%v)", se.Code, se.Temporary, tc.code, tc.temporary, err)
			}
			for _, secret := range []string{"admin@hospital.example", "9876543210", otpCode, testPass} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error carries %q: %v", secret, err)
				}
			}
		})
	}
}

func TestNotifyContextEnds(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{})
	m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := m.Notify(ctx, otpMessage())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestNotifyNotAnEmailAddress(t *testing.T) {
	t.Parallel()
	m, err := email.New("smtp.operator.example", "onboarding@operator.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"9876543210", onboarding.Staff, "IN2910000123@hfr", "hosp_x_1@hcx", "", "admin@[127.0.0.1]", "admin@10.0.0.1"} {
		msg := otpMessage()
		msg.To = to
		err := m.Notify(context.Background(), msg)
		if !errors.Is(err, email.ErrNotEmail) {
			t.Errorf("%q: err = %v, want ErrNotEmail", to, err)
		}
		if to == "9876543210" && strings.Contains(err.Error(), to) {
			t.Errorf("error names the address: %v", err)
		}
	}
}

func TestMessageIDFollowsTheKey(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{})
	m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}), email.WithMessageIDDomain("mail.operator.example"))
	plain := onboarding.Message{Kind: onboarding.MessageRejected, To: "admin@hospital.example", Subject: "Not accepted", Body: "Reasons: none given."}
	withID := plain
	withID.ID = "app-1/3/0"
	noID := otpMessage()
	noID.ID = ""
	for _, msg := range []onboarding.Message{withID, withID, plain, plain, noID, noID} {
		if err := m.Notify(context.Background(), msg); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	ids := make([]string, 0, 6)
	for _, r := range ts.messages() {
		ids = append(ids, parseMail(t, r.Data).Header.Get("Message-Id"))
	}
	if len(ids) != 6 {
		t.Fatalf("received %d messages", len(ids))
	}
	if ids[0] != ids[1] || ids[0] != email.MessageID("app-1/3/0", "mail.operator.example") {
		t.Errorf("a message with an ID: Message-IDs %q, %q", ids[0], ids[1])
	}
	key, _ := notify.Key(plain)
	if ids[2] != ids[3] || ids[2] != email.MessageID(key, "mail.operator.example") {
		t.Errorf("a message without an ID: Message-IDs %q, %q, want the content key's", ids[2], ids[3])
	}
	if ids[4] == ids[5] {
		t.Errorf("two codes without an ID share Message-ID %q: a receiver would drop the second", ids[4])
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@mail.operator.example>") {
			t.Errorf("Message-ID %q is not <…@mail.operator.example>", id)
		}
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	text := texttemplate.Must(texttemplate.New("mail").Parse(`{{.Body}}`))
	texttemplate.Must(text.New(onboarding.MessageOTP).Parse(`Code {{.Code}} for {{.ApplicationID}}.`))
	html := htmltemplate.Must(htmltemplate.New("mail").Parse(`<p>{{.Body}}</p>`))
	m, err := email.New("smtp.operator.example", "onboarding@operator.example", email.WithTemplates(text, html))
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Compose(otpMessage())
	if err != nil {
		t.Fatal(err)
	}
	if c.Text != "Code "+otpCode+" for app-7f3a." {
		t.Errorf("OTP text = %q", c.Text)
	}
	if !strings.HasPrefix(c.HTML, "<p>Your one-time code") {
		t.Errorf("OTP HTML = %q", c.HTML)
	}

	// A kind that carries no code never shows one, whatever the message holds.
	leaky := onboarding.Message{Kind: onboarding.MessageRejected, To: "a@b.example", Body: "<b>No</b>", Code: "999999"}
	codeText := texttemplate.Must(texttemplate.New("mail").Parse(`{{.Body}} [{{.Code}}]`))
	m2, err := email.New("smtp.operator.example", "onboarding@operator.example", email.WithTemplates(codeText, html))
	if err != nil {
		t.Fatal(err)
	}
	c, err = m2.Compose(leaky)
	if err != nil {
		t.Fatal(err)
	}
	if c.Text != "<b>No</b> []" {
		t.Errorf("text = %q", c.Text)
	}
	if c.HTML != "<p>&lt;b&gt;No&lt;/b&gt;</p>" {
		t.Errorf("HTML is not escaped: %q", c.HTML)
	}

	// Text only.
	m3, err := email.New("smtp.operator.example", "onboarding@operator.example", email.WithTemplates(text, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c, err = m3.Compose(leaky); err != nil || c.HTML != "" {
		t.Errorf("text-only Compose = %+v, %v", c, err)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	broken := htmltemplate.Must(htmltemplate.New("mail").Option("missingkey=error").Parse(`{{.Nope}}`))
	text := texttemplate.Must(texttemplate.New("mail").Parse(`{{.Body}}`))
	// A per-kind template that fails, for a kind New must sample too.
	brokenKindText := texttemplate.Must(texttemplate.New("mail").Parse(`{{.Body}}`))
	texttemplate.Must(brokenKindText.New(onboarding.MessageCertificateExpiring).Option("missingkey=error").Parse(`{{.Nope}}`))
	html := htmltemplate.Must(htmltemplate.New("mail").Parse(`<p>{{.Body}}</p>`))
	brokenKindHTML := htmltemplate.Must(htmltemplate.New("mail").Parse(`<p>{{.Body}}</p>`))
	htmltemplate.Must(brokenKindHTML.New(onboarding.MessageCertificateExpiring).Parse(`{{.Nope}}`))
	for _, tc := range []struct {
		name string
		host string
		from string
		opts []email.Option
	}{
		{"host with a port", "smtp.operator.example:587", "a@operator.example", nil},
		{"empty host", "", "a@operator.example", nil},
		{"sender not an address", "smtp.operator.example", "operator", nil},
		{"plain text to a remote host", "smtp.operator.example", "a@operator.example", []email.Option{email.WithSecurity(email.Plaintext)}},
		{"AUTH over plain text", "127.0.0.1", "a@operator.example", []email.Option{email.WithSecurity(email.Plaintext), email.WithAuth("u", "p")}},
		{"skipping verification", "smtp.operator.example", "a@operator.example", []email.Option{email.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})}},
		{"bad port", "smtp.operator.example", "a@operator.example", []email.Option{email.WithPort(0)}},
		{"template that fails", "smtp.operator.example", "a@operator.example", []email.Option{email.WithTemplates(text, broken)}},
		{"certificate_expiring text template that fails", "smtp.operator.example", "a@operator.example", []email.Option{email.WithTemplates(brokenKindText, html)}},
		{"certificate_expiring HTML template that fails", "smtp.operator.example", "a@operator.example", []email.Option{email.WithTemplates(text, brokenKindHTML)}},
		{"bad Message-ID domain", "smtp.operator.example", "a@operator.example", []email.Option{email.WithMessageIDDomain("a b")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := email.New(tc.host, tc.from, tc.opts...); !errors.Is(err, email.ErrInvalidOption) {
				t.Errorf("err = %v, want ErrInvalidOption", err)
			}
		})
	}
}

func TestContextBoundsTheWholeSend(t *testing.T) {
	t.Parallel()
	cert, pool := testCertificate(t)
	release := make(chan struct{})
	ts := &testServer{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &stallingSession{session: session{ts: ts, conn: c}, release: release}, nil
	}))
	s.Domain, s.ErrorLog = "localhost", discardLogger{}
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(l) }()
	t.Cleanup(func() { close(release); _ = s.Close(); _ = l.Close(); <-done })

	m, err := email.New("127.0.0.1", "onboarding@operator.example", email.WithPort(l.Addr().(*net.TCPAddr).Port),
		email.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = m.Notify(ctx, otpMessage())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Notify returned after %s, long past its deadline", d)
	}
}
