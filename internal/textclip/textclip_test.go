package textclip_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/internal/textclip"
)

// Controls and direction overrides become spaces; letters, Indic joiners
// and right-to-left script stay; a cut never splits a character.
func TestClip(t *testing.T) {
	assert.Equal(t, "a b c d e", textclip.Spaced("a\x1bb\u009bc\u202ed\ne"))
	assert.Equal(t, "क्\u200dष اردو", textclip.Spaced("क्\u200dष اردو"), "joiners and RTL letters kept")
	assert.Equal(t, "x\uFFFDy", textclip.Spaced("x\xffy"))
	for _, r := range []rune{0, 0x7f, 0x9b, 0x200e, 0x202e, 0x2066} {
		assert.True(t, textclip.Unsafe(r), "U+%04X", r)
	}
	for _, r := range []rune{'a', 0x200d, 0x0915, 0x0627} {
		assert.False(t, textclip.Unsafe(r), "U+%04X", r)
	}
	got := textclip.Clip("ककक", 4) // each क is 3 bytes
	assert.Equal(t, "क…", got)
	assert.True(t, utf8.ValidString(got))
	assert.Equal(t, "short", textclip.Clip("short", 10))
}
