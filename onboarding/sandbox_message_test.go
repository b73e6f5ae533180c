package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A sandbox certificate the engine refuses is told to the applicant as the
// verifier tells it — what is wrong, and what to do — not as a Go error
// with its package's prefix.
func TestSandboxRefusalSaysWhatToDo(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryPayer)
	// Another signature: the last characters of the JWS changed.
	cert := app.SandboxCertificate
	last := cert[len(cert)-4:]
	app.SandboxCertificate = cert[:len(cert)-4] + strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, last)
	_, err := svc.Submit(context.Background(), app)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused)
	res, ok := refused.Report.Result(verifier.ReqSandboxCertificate)
	require.True(t, ok)
	assert.Equal(t, verifier.Invalid, res.Outcome)
	assert.NotContains(t, res.Message, "sandbox: ")
	assert.Contains(t, res.Message, "signature")
	assert.Contains(t, res.Message, "ask them for a new one")
}
