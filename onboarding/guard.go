package onboarding

import (
	"context"
	"log/slog"

	"github.com/openhcx/hcxonboard/internal/panics"
)

// hookPanic is what a panic in an operator's hook becomes: the verifier
// (WithVerifier), the HFR client (WithFacilityOTP), HPR's authentication
// (WithProfessionalAuth). The panic's value, which may hold what the hook
// was reading (an applicant's contacts, say), is in neither the error nor
// the log; cause, when set, says what the caller should take the failure
// for (an HFR outage, for the HFR and HPR clients).
type hookPanic struct {
	what  string
	cause error
}

func (e hookPanic) Error() string { return e.what + " panicked (a bug in it; see the log)" }

func (e hookPanic) Unwrap() error { return e.cause }

// logPanic logs p, recovered from what, with its type and the stack but
// never its value.
func (s *Service) logPanic(ctx context.Context, what string, p any, attrs ...slog.Attr) {
	panics.Log(ctx, s.log, "onboarding: "+what+" panicked", p, attrs...)
}

// guard calls f, a call into the operator's hook what, and turns a panic
// in it into a hookPanic wrapping cause, logged: a bug in the operator's
// code must not take the caller down, and the caller, which has written
// nothing yet, handles it as it handles the hook's errors. The engine's
// own code is not guarded.
func guard[T any](ctx context.Context, s *Service, what string, cause error, f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.logPanic(ctx, what, p)
			var zero T
			v, err = zero, hookPanic{what: what, cause: cause}
		}
	}()
	return f()
}
