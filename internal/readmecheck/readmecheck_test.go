package readmecheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnnamed(t *testing.T) {
	help := "Usage of tool:\n  -addr string\n    \taddress\n  -data-dir string\n    \tstate\n  -wait\n    \twait\n"
	readme := []byte("Run with `-addr` and (-wait).\n-data-dirty is another flag.\n")
	assert.Equal(t, []string{"-data-dir"}, Unnamed(help, readme), "a longer flag does not name a shorter one's prefix")
	assert.Empty(t, Unnamed(help, []byte("-addr -data-dir `-wait`")))
	assert.Empty(t, Unnamed("no flags here", readme))
}
