package main

import (
	"bytes"
	"testing"

	"github.com/openhcx/hcxonboard/internal/readmecheck"
)

// The README names every flag of the walkthrough's -h, each as `-flag`.
func TestREADMENamesEveryWalkthroughFlag(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	_, _ = parseFlags([]string{"-h"}, &help)
	readmecheck.FlagsNamed(t, "the walkthrough", help.String())
}
