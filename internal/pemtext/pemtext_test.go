package pemtext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/internal/pemtext"
)

func TestRepair(t *testing.T) {
	t.Parallel()
	const want = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"
	for in, out := range map[string]string{
		"-----BEGIN CERTIFICATE----- QUJD -----END CERTIFICATE-----":   want,
		`-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----`: want,
		"-----BEGIN CERTIFICATE-----QUJD-----END CERTIFICATE-----":     want,
		// Left as they are: already broken into lines, not PEM, text after
		// the block, a header, a block never closed.
		"-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----": "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----",
		"QUJD": "QUJD",
		"-----BEGIN CERTIFICATE----- QUJD -----END CERTIFICATE----- more":    "-----BEGIN CERTIFICATE----- QUJD -----END CERTIFICATE----- more",
		"-----BEGIN CERTIFICATE----- Proc-Type: 4 -----END CERTIFICATE-----": "-----BEGIN CERTIFICATE----- Proc-Type: 4 -----END CERTIFICATE-----",
		"-----BEGIN CERTIFICATE----- QUJD":                                   "-----BEGIN CERTIFICATE----- QUJD",
	} {
		assert.Equal(t, out, pemtext.Repair(in), "%q", in)
	}
	long := "-----BEGIN CERTIFICATE----- QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk= -----END CERTIFICATE-----"
	assert.Equal(t, "-----BEGIN CERTIFICATE-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\nd3h5ejAxMjM0NTY3ODk=\n-----END CERTIFICATE-----\n", pemtext.Repair(long))
}
