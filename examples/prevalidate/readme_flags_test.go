package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README names every flag of prevalidate's -h.
func TestREADMENamesEveryPrevalidateFlag(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr)
	help := stdout.String() + stderr.String()
	flags := regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(help, -1)
	require.NotEmpty(t, flags, "-h lists the flags:\n%s", help)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, f := range flags {
		named := regexp.MustCompile("(^|[\\s`(])" + regexp.QuoteMeta(f[1]) + "\\b").Match(readme)
		assert.True(t, named, "README.md does not name prevalidate's %s", f[1])
	}
}
