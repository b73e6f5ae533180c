package urltext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/internal/urltext"
)

func TestWithoutSecrets(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://rohini.example/api":                      "https://rohini.example/api",
		"https://user:p4ss@rohini.example/api?key=s3cret": "https://rohini.example/api",
		"https://rohini.example/api#frag":                 "https://rohini.example/api",
		"https://rohini.example/api?":                     "https://rohini.example/api",
		"https://u:p@ss/w@rd@host.example/x?k=1":          "https://host.example/x", // does not parse: cut by its text
		"http://[::1:80/x?token=s3cret":                   "http://[::1:80/x",
	} {
		got := urltext.WithoutSecrets(in)
		assert.Equal(t, want, got, in)
		assert.NotContains(t, got, "s3cret")
		assert.NotContains(t, got, "p4ss")
	}
}
