package panics_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/internal/panics"
)

// The record names the panic's type and where it happened, never its
// value.
func TestLogLeavesTheValueOut(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	func() {
		defer func() {
			if p := recover(); p != nil {
				panics.Log(context.Background(), log, "the check panicked", p, slog.String("application", "app-1"))
			}
		}()
		panic("ravi@hospital.example 9876543210")
	}()
	out := buf.String()
	assert.Contains(t, out, "the check panicked")
	assert.Contains(t, out, "panic=string")
	assert.Contains(t, out, "application=app-1")
	assert.Contains(t, out, "TestLogLeavesTheValueOut", "the stack")
	assert.NotContains(t, out, "ravi@hospital.example")
	assert.NotContains(t, out, "9876543210")
}
