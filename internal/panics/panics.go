// Package panics logs a panic recovered from code the module calls but
// does not own — an operator's check, client or transport — so that one
// record says what panicked, of what type, and where, and never the
// panic's value, which may hold the personal data that code was reading.
package panics

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Log logs msg at error level on log (slog.Default() when nil), with p's
// type and the stack of the goroutine recovering it, and attrs.
func Log(ctx context.Context, log *slog.Logger, msg string, p any, attrs ...slog.Attr) {
	if log == nil {
		log = slog.Default()
	}
	attrs = append(attrs, slog.String("panic", fmt.Sprintf("%T", p)), slog.String("stack", string(debug.Stack())))
	log.LogAttrs(ctx, slog.LevelError, msg, attrs...)
}
