package hcxonboard_test

import (
	"bytes"
	"errors"
	"log/slog"
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
		{"a@b.co and 7012345678", "a@b.co and ******5678"},
	} {
		assert.Equal(t, tc.want, hcxonboard.RedactText(tc.in), tc.in)
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
