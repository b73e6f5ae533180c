package main

import (
	"bytes"
	"testing"

	"github.com/openhcx/hcxonboard/internal/readmecheck"
)

// The README's table of the operator's flags names every flag -h lists,
// so that a flag added later is not one a newcomer never hears of.
func TestREADMENamesEveryOperatorFlag(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	_, _ = parseFlags([]string{"-h"}, &help)
	readmecheck.FlagsNamed(t, "the operator", help.String())
}
