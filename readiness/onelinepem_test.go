package readiness_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A certificate pasted on one line — its line breaks turned into spaces,
// written as \n, or dropped — is read as the operator's step 3 reads it,
// so the participant's own check does not refuse what the operator
// registers. Text that is not PEM blocks alone is still refused.
func TestOneLinePEMCertificate(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	checker := op.Checker(t, rt.Client(t, p.Host))
	lines := strings.Split(strings.TrimSpace(p.EncryptionCert), "\n")
	for name, value := range map[string]string{
		"spaces":        strings.Join(lines, " "),
		"escaped":       strings.Join(lines, `\n`),
		"no breaks":     strings.Join(lines, ""),
		"escaped, CRLF": strings.Join(lines, `\r\n`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			target := p.Target()
			target.EncryptionCert = value
			rep := checker.Check(context.Background(), target)
			assert.True(t, rep.Ready, rep.Summary())
		})
	}
	t.Run("not PEM alone", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = strings.Join(lines, " ") + " trailing words"
		rep := checker.Check(context.Background(), target)
		assert.False(t, rep.Ready)
	})
}
