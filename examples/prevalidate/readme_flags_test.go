package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/internal/readmecheck"
)

// The README names every flag of prevalidate's -h.
func TestREADMENamesEveryPrevalidateFlag(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr)
	readmecheck.FlagsNamed(t, "prevalidate", stdout.String()+stderr.String())
}
