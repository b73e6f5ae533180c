package onboarding

import (
	"context"
	"crypto/rand"
)

// MaxRequestIDLength is the longest request id WithRequestID keeps.
const MaxRequestIDLength = 128

type requestIDKey struct{}

// WithRequestID returns a copy of ctx carrying id as the id of the request
// being served: every audit event the Service writes under that context
// records it (registry.Event RequestID), so that an event can be matched
// with the request's log line. An id is kept only when it is 1 to
// MaxRequestIDLength bytes of printable ASCII without spaces; any other
// (empty, too long, control or non-ASCII characters, which could forge log
// lines or carry anything) is not trusted and is replaced by a fresh random
// one. RequestIDFrom says which id the context carries.
func WithRequestID(ctx context.Context, id string) context.Context {
	if !validRequestID(id) {
		id = rand.Text()
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id WithRequestID put in ctx, or "" if
// there is none.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
