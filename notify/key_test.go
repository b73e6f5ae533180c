package notify_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

func TestKey(t *testing.T) {
	t.Parallel()
	base := onboarding.Message{Kind: onboarding.MessageRejected, To: "admin@hospital.example", ApplicationID: "app-1",
		Subject: "Not accepted", Body: "Reasons: …"}
	k0, ok := notify.Key(base)
	if !ok || !strings.HasPrefix(k0, "sha256:") || len(k0) != len("sha256:")+64 {
		t.Fatalf("Key = %q, %v", k0, ok)
	}
	if k, _ := notify.Key(base); k != k0 {
		t.Error("the same message gave two keys")
	}
	// Every field counts, and fields do not run into each other.
	for name, change := range map[string]func(*onboarding.Message){
		"kind":        func(m *onboarding.Message) { m.Kind = onboarding.MessageSentBack },
		"to":          func(m *onboarding.Message) { m.To = "other@hospital.example" },
		"application": func(m *onboarding.Message) { m.ApplicationID = "app-2" },
		"participant": func(m *onboarding.Message) { m.ParticipantCode = "hosp_x_1@hcx" },
		"subject":     func(m *onboarding.Message) { m.Subject = "Not accepted!" },
		"body":        func(m *onboarding.Message) { m.Body = "Reasons: none" },
		"boundary":    func(m *onboarding.Message) { m.Subject, m.Body = "Not accepted"+"Reasons:", " …" },
	} {
		m := base
		change(&m)
		if k, _ := notify.Key(m); k == k0 {
			t.Errorf("changing the %s kept the key", name)
		}
	}
	withID := base
	withID.ID = "app-1/7/0"
	if k, ok := notify.Key(withID); !ok || k != "app-1/7/0" {
		t.Errorf("Key with an ID = %q, %v", k, ok)
	}
	code := base
	code.Kind, code.Code = onboarding.MessageOTP, "493817"
	if k, ok := notify.Key(code); ok || k != "" {
		t.Errorf("Key of a code without an ID = %q, %v; want none", k, ok)
	}
	code.ID = "app-1/8/0"
	if k, ok := notify.Key(code); !ok || k != "app-1/8/0" {
		t.Errorf("Key of a code with an ID = %q, %v", k, ok)
	}
}

func TestKeyOrRandom(t *testing.T) {
	t.Parallel()
	code := onboarding.Message{Kind: onboarding.MessageOTP, To: "9876543210", Code: "493817"}
	k, err := notify.KeyOrRandom(code, bytes.NewReader(bytes.Repeat([]byte{0xab}, 16)))
	if err != nil || k != "rand:"+strings.Repeat("ab", 16) {
		t.Errorf("KeyOrRandom = %q, %v", k, err)
	}
	k1, _ := notify.KeyOrRandom(code, nil)
	k2, _ := notify.KeyOrRandom(code, nil)
	if k1 == k2 || !strings.HasPrefix(k1, "rand:") {
		t.Errorf("two random keys %q, %q", k1, k2)
	}
	boom := errors.New("no entropy")
	if _, err := notify.KeyOrRandom(code, iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	code.ID = "app-1/1/0"
	if k, err := notify.KeyOrRandom(code, iotest.ErrReader(boom)); err != nil || k != "app-1/1/0" {
		t.Errorf("with an ID: %q, %v", k, err)
	}
}
