package email_test

import (
	"context"
	"crypto/tls"
	"errors"
	"mime"
	"strings"
	"testing"

	smtp "github.com/emersion/go-smtp"

	"github.com/openhcx/hcxonboard/notify/email"
	"github.com/openhcx/hcxonboard/onboarding"
)

func TestSMTPRepliesPermanence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		err       *smtp.SMTPError
		permanent bool
	}{
		{"550 5.1.1", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, true},
		{"554 5.7.1", &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "policy"}, true},
		{"553 5.1.3", &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "bad address syntax"}, true},
		{"552 5.2.2", &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "mailbox full"}, false},
		{"450 4.2.1", &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "busy"}, false},
		{"421", &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "closing"}, false},
	} {
		ts, pool := newTestServer(t, serverConfig{refuseRcpt: tc.err})
		m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}))
		err := m.Notify(context.Background(), otpMessage())
		var p interface{ Permanent() bool }
		got := errors.As(err, &p) && p.Permanent()
		if got != tc.permanent {
			t.Errorf("%s: permanent = %v, want %v (%v)", tc.name, got, tc.permanent, err)
		}
	}
}

// A refusal of the operator's session rather than of the message — its
// credentials (535 at AUTH), its sender address (MAIL FROM) — is not
// Permanent: every message would meet it, and each goes out once the
// operator mends the setting, instead of all of them (one-time codes among
// them) turning dead letters at once for staff to retry one by one. A
// refusal of the recipient stays Permanent (TestSMTPRepliesPermanence).
func TestSessionRefusalIsNotPermanent(t *testing.T) {
	t.Parallel()
	senderRefused := &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender address not owned by user"}
	rcptRefused := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	for _, tc := range []struct {
		name      string
		cfg       serverConfig
		pass      string
		code      int
		permanent bool
	}{
		{"wrong password", serverConfig{user: testUser, pass: testPass}, "wrong", 535, false},
		{"sender refused", serverConfig{user: testUser, pass: testPass, refuseMail: senderRefused}, testPass, 553, false},
		{"recipient refused", serverConfig{user: testUser, pass: testPass, refuseRcpt: rcptRefused}, testPass, 550, true},
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
			if se.Code != tc.code || se.Temporary || se.Permanent() != tc.permanent {
				t.Errorf("Code, Temporary, Permanent = %d, %v, %v; want %d, false, %v (%v)",
					se.Code, se.Temporary, se.Permanent(), tc.code, tc.permanent, err)
			}
		})
	}
}

// A message whose address is not an e-mail address can never be sent by
// the Mailer: the outbox should dead-letter it at once.
func TestNotEmailIsPermanent(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{})
	m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}))
	msg := otpMessage()
	msg.To = "9876543210"
	err := m.Notify(context.Background(), msg)
	if !errors.Is(err, email.ErrNotEmail) {
		t.Fatalf("%v", err)
	}
	var p interface{ Permanent() bool }
	if !(errors.As(err, &p) && p.Permanent()) {
		t.Errorf("ErrNotEmail is not Permanent: %v", err)
	}
}

// Headers and non-ASCII subjects.
func TestMessageHeaders(t *testing.T) {
	t.Parallel()
	ts, pool := newTestServer(t, serverConfig{})
	m := newMailer(t, ts, email.WithTLSConfig(&tls.Config{RootCAs: pool}))
	msg := onboarding.Message{ID: "app-1/2/0", Kind: onboarding.MessageRejected, To: "admin@hospital.example",
		Subject: "आवेदन अस्वीकृत — Application not accepted\r\nBcc: evil@example.com", Body: "Reasons:\n\nnone given."}
	if err := m.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	r := ts.messages()[0]
	if len(r.To) != 1 || r.To[0] != "admin@hospital.example" || r.From != "onboarding@operator.example" || !r.TLS {
		t.Errorf("envelope %+v", r)
	}
	p := parseMail(t, r.Data)
	subj, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil || subj != "आवेदन अस्वीकृत — Application not accepted Bcc: evil@example.com" {
		t.Errorf("Subject %q %v", subj, err)
	}
	for _, h := range []string{"Date", "From", "To", "Message-Id", "Auto-Submitted", "Mime-Version"} {
		if p.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if p.Header.Get("Bcc") != "" {
		t.Error("Bcc injected")
	}
	if p.Header.Get("Message-Id") != email.MessageID("app-1/2/0", "operator.example") {
		t.Errorf("Message-Id %q", p.Header.Get("Message-Id"))
	}
	if !strings.Contains(p.Text, "none given.") || p.HTML == "" {
		t.Errorf("text %q html %q", p.Text, p.HTML)
	}
}
