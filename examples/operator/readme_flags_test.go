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

// The README's table of the operator's flags names every flag -h lists,
// so that a flag added later is not one a newcomer never hears of.
func TestREADMENamesEveryOperatorFlag(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	_, _ = parseFlags([]string{"-h"}, &help)
	flags := regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(help.String(), -1)
	require.NotEmpty(t, flags, "-h lists the flags:\n%s", &help)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, f := range flags {
		named := regexp.MustCompile("(^|[\\s`(])" + regexp.QuoteMeta(f[1]) + "\\b").Match(readme)
		assert.True(t, named, "README.md does not name the operator's %s", f[1])
	}
}
