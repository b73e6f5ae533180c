package onboarding_test

import (
	"context"
	"fmt"

	"github.com/openhcx/hcxonboard/onboarding"
)

// An HTTP layer puts the caller's request id in the context; the audit
// events of the calls made with it carry the id. A malformed id — here one
// that would forge a log line — is replaced by a fresh one.
func ExampleWithRequestID() {
	ctx := onboarding.WithRequestID(context.Background(), "req-7f3a")
	fmt.Println(onboarding.RequestIDFrom(ctx))

	const forged = "x\nlevel=ERROR msg=forged"
	ctx = onboarding.WithRequestID(context.Background(), forged)
	fmt.Println(onboarding.RequestIDFrom(ctx) != forged, onboarding.RequestIDFrom(ctx) != "")
	// Output:
	// req-7f3a
	// true true
}
