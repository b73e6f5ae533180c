package verifier

import "context"

type offlineKey struct{}

// Offline returns a context in which a Checker runs only what needs no
// registry: the HFR, HPR and ROHINI look-ups are left pending, as the
// participant's own pre-validation (examples/prevalidate) leaves them. The
// onboarding engine verifies a submission offline first, so that an
// application it can judge incomplete or invalid on its face is refused
// before anything is stored, and asks the registries only for one that is
// not. Verifiers other than Checker may ignore it.
func Offline(ctx context.Context) context.Context {
	return context.WithValue(ctx, offlineKey{}, true)
}

// IsOffline reports whether ctx came from Offline.
func IsOffline(ctx context.Context) bool {
	on, _ := ctx.Value(offlineKey{}).(bool)
	return on
}
