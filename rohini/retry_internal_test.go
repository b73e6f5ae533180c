package rohini

import (
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"
	"github.com/stretchr/testify/assert"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Duration
		wantOK bool
	}{
		{name: "seconds", header: "5", want: 5 * time.Second, wantOK: true},
		{name: "zero", header: "0", want: 0, wantOK: true},
		{name: "padded", header: " 2 ", want: 2 * time.Second, wantOK: true},
		{name: "http date ahead", header: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second, wantOK: true},
		{name: "http date past", header: now.Add(-time.Hour).Format(http.TimeFormat), want: 0, wantOK: true},
		{name: "absent", header: "", wantOK: false},
		{name: "negative", header: "-1", wantOK: false},
		{name: "fraction", header: "1.5", wantOK: false},
		{name: "garbage", header: "soon", wantOK: false},
		{name: "huge", header: "99999999999999", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := &http.Response{Header: http.Header{}}
			if tt.header != "" {
				raw.Header.Set("Retry-After", tt.header)
			}
			got, ok := retryAfter(&resty.Response{RawResponse: raw}, now)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	_, ok := retryAfter(nil, now)
	assert.False(t, ok)
	_, ok = retryAfter(&resty.Response{}, now)
	assert.False(t, ok)
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	long := make([]byte, 0, 600)
	for len(long) < 600 {
		long = append(long, "आरोग्य "...) // multi-byte runes must not be cut in half
	}
	tests := []struct {
		name, body, want string
		secrets          []string
	}{
		{name: "one line", body: "a\n\tb\r\n  c", want: "a b c"},
		{name: "control bytes dropped", body: "a\x00\x1bb", want: "ab"},
		{name: "secret redacted", body: `{"error":"bad key abcd1234"}`, secrets: []string{"abcd1234"}, want: `{"error":"bad key [redacted]"}`},
		{name: "empty", body: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, snippet([]byte(tt.body), tt.secrets))
		})
	}
	s := snippet(long, nil)
	assert.LessOrEqual(t, len(s), snippetLen+len("…"))
	assert.True(t, len(s) > snippetLen/2)
	assert.Equal(t, "…", s[len(s)-len("…"):])
	assert.True(t, utf8.ValidString(s))
}

func TestSanitizeURL(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://lookup.example/hospitals/1":              "https://lookup.example/hospitals/1",
		"https://u:p@lookup.example/h?key=s3cret#frag":    "https://lookup.example/h",
		"https://lookup.example/h?":                       "https://lookup.example/h",
		"ht tp://bad url?key=s3cret":                      "ht tp://bad url",
		"https://lookup.example/%zz?key=s3cret":           "https://lookup.example/%zz",
		"https://user:s3cret@lookup.example:8443/x?y=1#z": "https://lookup.example:8443/x",
		"ht tp://user:s3cret@bad url/x?key=s3cret":        "ht tp://bad url/x",
		"user:s3cret@%zz":                                 "%zz",
	}
	for in, want := range tests {
		assert.Equal(t, want, sanitizeURL(in), in)
	}
}
