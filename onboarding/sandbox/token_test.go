package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUniqueMembers(t *testing.T) {
	t.Parallel()
	known := []string{"iss", "exp"}
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"empty object", `{}`, ""},
		{"spaced out", " {\n\t\"iss\" : \"a\" ,\r\n \"exp\":1 } ", ""},
		{"nested values are skipped", `{"a":{"iss":1,"iss":2},"b":[{"x":"}]\"{"},[1,[2]]],"c":"\\\"}","iss":"x"}`, ""},
		{"literals", `{"a":true,"b":false,"c":null,"d":-1.5e3,"iss":"x"}`, ""},
		{"unknown names may differ only in case", `{"foo":1,"FOO":2}`, ""},
		{"duplicate", `{"iss":"a","exp":1,"iss":"b"}`, `member "iss" appears twice`},
		{"duplicate after nested value", `{"iss":"a","x":{"y":["}"]},"iss":"b"}`, `member "iss" appears twice`},
		{"duplicate through an escape", `{"iss":"a","\u0069ss":"b"}`, `member "iss" appears twice`},
		{"duplicate unknown member", `{"x":1,"x":2}`, `member "x" appears twice`},
		{"case variant of a known name", `{"Exp":1}`, `member "Exp" must be spelt "exp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.True(t, json.Valid([]byte(tt.doc)), "test input must be valid JSON")
			err := uniqueMembers([]byte(tt.doc), known)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// uniqueMembers is only called on valid JSON, but must not panic or loop
// on anything else.
func TestUniqueMembersToleratesInvalidInput(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{``, `{`, `{"`, `{"a"`, `{"a":`, `{"a":"`, `{"a":{`, `{"a":1,`, `[]`, `{"a\`, `{"a":[1,{"b":"\"}]}`} {
		assert.Error(t, uniqueMembers([]byte(doc), nil), doc)
	}
}

func TestNumericDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"0", 0, false},
		{"1767225600", 1767225600, false},
		{"1767225600.75", 1767225600, false},
		{"1.7672256e9", 1767225600, false},
		{"-1", 0, true},
		{"253402300800", 0, true},
		{"1e300", 0, true},
		{`"1767225600"`, 0, true},
		{"true", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var d numericDate
			err := d.UnmarshalJSON([]byte(tt.in))
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Unix())
			out, err := d.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, strconv.FormatInt(tt.want, 10), string(out), "written back as whole seconds")
		})
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "short", clip("short"))
	long := strings.Repeat("a", 63) + "é" + "tail"
	got := clip(long)
	assert.True(t, utf8.ValidString(got), "no split rune: %q", got)
	assert.Equal(t, strings.Repeat("a", 63)+"…", got)
}
