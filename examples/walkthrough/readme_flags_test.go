package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README names every flag of the walkthrough's -h, each as `-flag`.
func TestREADMENamesEveryWalkthroughFlag(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	_, _ = parseFlags([]string{"-h"}, &help)
	flags := regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(help.String(), -1)
	require.NotEmpty(t, flags, "-h lists the flags:\n%s", &help)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, f := range flags {
		named := regexp.MustCompile("(^|[\\s`(])" + regexp.QuoteMeta(f[1]) + "\\b").Match(readme)
		assert.True(t, named, "README.md does not name the walkthrough's %s", f[1])
	}
}
