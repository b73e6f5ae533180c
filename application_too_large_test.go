package hcxonboard_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
)

// An application over the size limit is an invalid application as well
// as input too large: a caller that branches on ErrInvalidApplication
// (any document it cannot take) catches it too, while one that tells the
// size apart (a 413) still can. An application at the limit decodes.
func TestTooLargeIsAnInvalidApplication(t *testing.T) {
	t.Parallel()
	pad := func(n int) string {
		const head, tail = `{"participant_name":"`, `"}`
		return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
	}
	over := pad(hcxonboard.MaxApplicationSize + 1)
	for name, decode := range map[string]func(string) error{
		"DecodeApplication": func(s string) error {
			_, err := hcxonboard.DecodeApplication(strings.NewReader(s))
			return err
		},
		"UnmarshalApplication": func(s string) error { _, err := hcxonboard.UnmarshalApplication([]byte(s)); return err },
	} {
		err := decode(over)
		assert.ErrorIs(t, err, hcxonboard.ErrTooLarge, name)
		assert.ErrorIs(t, err, hcxonboard.ErrInvalidApplication, name)
		assert.False(t, errors.Is(err, hcxonboard.ErrUnknownRole), name)
		assert.Contains(t, err.Error(), "over 1048576 bytes", name)
		assert.NoError(t, decode(pad(hcxonboard.MaxApplicationSize)), name)
	}
}
