package hcxonboard_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
)

func TestRedactText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"550 5.1.1 <asha.rao@sanjeevani.example> rejected", "550 5.1.1 <a*******@sanjeevani.example> rejected"},
		{"sms to +91 98765 43210 failed", "sms to +** ***** *3210 failed"},
		{"sms to 9876543210: quota", "sms to ******3210: quota"},
		{"call 09876543210", "call *******3210"},
		{"facility IN2910000123 not found", "facility IN2910000123 not found"},
		{"rohini 8900080336704 unknown", "rohini 8900080336704 unknown"},
		{"nothing personal here", "nothing personal here"},
		{"a@b.co and 7012345678", "*@b.co and ******5678"},
		{"550 <admin@bücher.example> rejected", "550 <a****@bücher.example> rejected"},
		{"550 <jörg.müller@krankenhaus.example>", "550 <j**********@krankenhaus.example>"},
		{"550 a/b@hospital.example unknown", "550 a**@hospital.example unknown"},
		{"550 o'brien@hospital.example unknown", "550 o******@hospital.example unknown"},
		{"sent to 0091 98765 43210", "sent to **** ***** *3210"},
		{"sent to 00919876543210", "sent to **********3210"},
		{"sent to 98765.43210", "sent to *****.*3210"},
		{"sent to (98765) 43210", "sent to (*****) *3210"},
		{"mailto:asha@example.org.", "mailto:a***@example.org."},
		{"lookup ?email=asha@hospital.example&mobile=9876543210 failed", "lookup ?**********@hospital.example&mobile=******3210 failed"},
		{"to=asha@hospital.example&cc=ravi@clinic.example", "t******@hospital.example&*******@clinic.example"},
		{"asha@hospital.example|9876543210", "a***@hospital.example|******3210"},
	} {
		assert.Equal(t, tc.want, hcxonboard.RedactText(tc.in), tc.in)
	}
	// Every address and number the notifiers send to is masked.
	for _, addr := range []string{"admin@bücher.example", "jörg.müller@krankenhaus.example", "a/b@hospital.example",
		"o'brien@hospital.example", "0091 98765 43210", "00919876543210", "98765.43210", "(98765) 43210", "+91-98765-43210"} {
		got := hcxonboard.RedactText("550 <" + addr + "> rejected")
		assert.NotContains(t, got, addr[:len(addr)-4], addr)
	}
}

func TestRedactingHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(hcxonboard.RedactingHandler(slog.NewJSONHandler(&buf, nil)))
	log = log.With("to", "ops@hcx.example")
	log.Error("delivery to 9876543210 failed",
		"error", errors.New("550 <asha.rao@sanjeevani.example> rejected"),
		"cause", "smtp: 550 asha.rao@sanjeevani.example",
		slog.Group("sms", "number", "+91-98765-43210"),
		"count", 3)
	out := buf.String()
	for _, leak := range []string{"asha.rao@", "9876543210", "98765-43210", "ops@"} {
		assert.NotContains(t, out, leak)
	}
	assert.True(t, strings.Contains(out, `"count":3`), out)
	assert.Contains(t, out, "@sanjeevani.example")
	assert.Equal(t, hcxonboard.RedactingHandler(log.Handler()), log.Handler(), "wrapping twice is wrapping once")
}

// Values logged with slog.Any — a list of recipients, an address type
// with a String method, a map or struct holding a contact — are
// written out by the handler as text or JSON just as strings are: they
// are masked too, while values that carry no contact keep their shape.
func TestRedactingHandlerMasksValuesOfAnyKind(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(hcxonboard.RedactingHandler(slog.NewJSONHandler(&buf, nil)))
	type recipient struct{ Name, Email string }
	log.Info("sent",
		"to", []string{"asha.rao@sanjeevani.example", "9876543210"},
		"from", &mail.Address{Name: "Ravi", Address: "ravi.kumar@clinic.example"},
		"meta", map[string]string{"mobile": "+91 98765 43211"},
		"who", recipient{"Asha", "asha.k@hospital.example"},
		"sizes", []int{1, 2, 3})
	out := buf.String()
	for _, leak := range []string{"asha.rao@", "9876543210", "ravi.kumar@", "98765 43211", "asha.k@"} {
		assert.NotContains(t, out, leak)
	}
	assert.Contains(t, out, `"sizes":[1,2,3]`, "a value without contacts keeps its shape")
	assert.Contains(t, out, "@sanjeevani.example")
	assert.Contains(t, out, "@hospital.example")
}
