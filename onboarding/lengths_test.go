package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An applicant's own text longer than the store's bounds is refused as
// the applicant's error (ErrInvalidArgument or a refusal), not as an
// internal store failure.
func TestApplicantTextPastStoreBounds(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	for name, mod := range map[string]func(a *hcxonboard.Application){
		"application_id of 300 bytes": func(a *hcxonboard.Application) { a.ApplicationID = strings.Repeat("k", 300) },
		"scheme_code of 3000 bytes":   func(a *hcxonboard.Application) { a.Identifiers.SchemeCode = strings.Repeat("S", 3000) },
	} {
		t.Run(name, func(t *testing.T) {
			app := w.application(verifier.CategoryPayer)
			mod(app)
			_, err := svc.Submit(ctx, app)
			if err == nil {
				return // kept, as before
			}
			var refused *onboarding.RefusedError
			assert.True(t, errors.Is(err, onboarding.ErrInvalidArgument) || errors.As(err, &refused),
				"the applicant's error, not an internal one: %v", err)
		})
	}
}
