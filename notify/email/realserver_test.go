package email_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard/notify/email"
	"github.com/openhcx/hcxonboard/onboarding"
)

// The real-server test's environment. CI (.ci/run) starts OpenSMTPD on
// loopback, accepting mail for hcx.test into a maildir, and sets both.
const (
	envSMTPAddr        = "HCX_TEST_SMTP_ADDR"    // host:port of a plain-text SMTP server on loopback
	envSMTPMaildir     = "HCX_TEST_SMTP_MAILDIR" // the maildir it delivers hcx.test mail to
	envRequireServices = "HCX_REQUIRE_SERVICES"
)

// TestRealSMTPServer sends through a real mail server and reads the mail
// it delivered: headers as sent, both bodies intact.
func TestRealSMTPServer(t *testing.T) {
	addr, maildir := os.Getenv(envSMTPAddr), os.Getenv(envSMTPMaildir)
	if addr == "" || maildir == "" {
		if os.Getenv(envRequireServices) == "1" {
			t.Fatalf("%s and %s are not both set but %s=1: the SMTP server did not start", envSMTPAddr, envSMTPMaildir, envRequireServices)
		}
		t.Skipf("real SMTP server test skipped: set %s (host:port on loopback) and %s (the maildir it delivers hcx.test mail to); "+
			".ci/run starts OpenSMTPD and sets both", envSMTPAddr, envSMTPMaildir)
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%s=%q: %v", envSMTPAddr, addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatalf("%s=%q: %v", envSMTPAddr, addr, err)
	}
	m, err := email.New(host, "HCX Onboarding <onboarding@hcx.test>",
		email.WithPort(port), email.WithSecurity(email.Plaintext), email.WithHELO("hcxonboard.test"))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// A key of this run's own, so mail left by earlier runs never matches.
	id := "realsmtp-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "/4/0"
	msg := onboarding.Message{
		ID:            id,
		Kind:          onboarding.MessageOTP,
		To:            "admin@hcx.test",
		ApplicationID: "realsmtp-app",
		Subject:       "Your HCX onboarding code",
		Body:          "Your one-time code to confirm the HCX onboarding of Sanjeevani Clinic is valid for 10 minutes. Never share it.",
		Code:          "271828",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Notify(ctx, msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	wantID := email.MessageID(id, "hcx.test")
	raw := awaitMail(t, maildir, wantID, 30*time.Second)
	p := parseMail(t, raw)
	for h, want := range map[string]string{
		"Message-Id":     wantID,
		"Subject":        msg.Subject,
		"Delivered-To":   msg.To,
		"Auto-Submitted": "auto-generated",
	} {
		if got := p.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	for name, body := range map[string]string{"text": p.Text, "HTML": p.HTML} {
		if !strings.Contains(body, "Sanjeevani Clinic") || !strings.Contains(body, msg.Code) {
			t.Errorf("%s body lacks the text or the code:\n%s", name, body)
		}
	}
	if !strings.Contains(p.HTML, "<strong>"+msg.Code+"</strong>") || !strings.Contains(p.HTML, "<!DOCTYPE html>") {
		t.Errorf("HTML body:\n%s", p.HTML)
	}
}

// awaitMail waits for the message with Message-ID id to appear in the
// maildir (new/ or cur/) and returns it.
func awaitMail(t *testing.T, maildir, id string, wait time.Duration) []byte {
	t.Helper()
	// The header may be folded: look for the id, then check the header.
	needle := []byte(strings.Trim(id, "<>"))
	deadline := time.Now().Add(wait)
	for {
		for _, sub := range []string{"new", "cur"} {
			entries, err := os.ReadDir(filepath.Join(maildir, sub))
			if err != nil && !os.IsNotExist(err) {
				t.Fatalf("read maildir: %v", err)
			}
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(maildir, sub, e.Name()))
				if err != nil {
					continue // moved between listing and reading
				}
				if bytes.Contains(b, needle) && parseMail(t, b).Header.Get("Message-Id") == id {
					return b
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail with Message-ID %s in the maildir after %s", id, wait)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
