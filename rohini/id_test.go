package rohini_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		id      string
		wantErr string // substring of the error; "" means valid
	}{
		{name: "known good", id: "8900080336704"},
		{name: "check digit zero", id: "8901234567890"},
		{name: "all zeros body", id: "8900000000005"},
		{name: "wrong check digit", id: "8900080123456", wantErr: "check digit is 6, want 8"},
		{name: "off by one check", id: "8900080336705", wantErr: "check digit is 5, want 4"},
		{name: "empty", id: "", wantErr: "empty"},
		{name: "too short", id: "890008033670", wantErr: "has 12 digits, want 13"},
		{name: "too long", id: "89000803367040", wantErr: "has 14 digits, want 13"},
		{name: "nine digits", id: "890008033", wantErr: "has 9 digits, want 13"},
		{name: "letter", id: "89000803367O4", wantErr: `contains 'O' at position 12`},
		{name: "space", id: "890 0080336704", wantErr: "clean input with Normalize first"},
		{name: "hyphen", id: "890-0080336704", wantErr: `contains '-' at position 4`},
		{name: "leading space", id: " 8900080336704", wantErr: "position 1"},
		{name: "full-width digit", id: "890008033670４", wantErr: `contains '４'`},
		{name: "bad utf8", id: "890\xff", wantErr: "invalid UTF-8 at position 4"},
		{name: "wrong prefix valid GTIN", id: "4006381333931", wantErr: "starts with 400, want the GS1 India prefix 890"},
		{name: "wrong prefix 891", id: "8910080336701", wantErr: "starts with 891"},
		{name: "sign", id: "+8900080336704", wantErr: `contains '+'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := rohini.Validate(tt.id)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, rohini.ErrInvalidID)
			assert.Contains(t, err.Error(), tt.wantErr)
			var idErr *rohini.IDError
			require.ErrorAs(t, err, &idErr)
			assert.NotEmpty(t, idErr.Problem)
		})
	}
}

func TestValidateLongInputIsShortenedInError(t *testing.T) {
	t.Parallel()
	long := make([]byte, 10_000)
	for i := range long {
		long[i] = '9'
	}
	err := rohini.Validate(string(long))
	require.ErrorIs(t, err, rohini.ErrInvalidID)
	assert.Less(t, len(err.Error()), 200)
	assert.Contains(t, err.Error(), "has 10000 digits")
}

func TestCheckDigit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		first12 string
		want    byte
		wantErr bool
	}{
		{first12: "890008033670", want: '4'}, // worked example: weighted sum 96
		{first12: "890008012345", want: '8'},
		{first12: "400638133393", want: '1'}, // a well-known EAN-13
		{first12: "000000000000", want: '0'},
		{first12: "89000803367", wantErr: true},
		{first12: "8900080336704", wantErr: true},
		{first12: "89000803367a", wantErr: true},
		{first12: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.first12, func(t *testing.T) {
			t.Parallel()
			got, err := rohini.CheckDigit(tt.first12)
			if tt.wantErr {
				require.ErrorIs(t, err, rohini.ErrInvalidID)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, string(tt.want), string(got))
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"8900080336704", "8900080336704"},
		{" 890-0080-336704 ", "8900080336704"},
		{"890 008 033 6704", "8900080336704"},
		{"890\u00a00080336704\t\n", "8900080336704"},   // non-breaking space, tab, newline
		{"890\u2013008\u22120336704", "8900080336704"}, // en dash, minus sign
		{"89O0080336704", "89O0080336704"},             // letters are left for Validate to reject
		{"", ""},
		{"\xc2 \xa0", "\xc2 \xa0"}, // invalid UTF-8 is left alone, not joined into a character
		{"890 \xff", "890 \xff"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, rohini.Normalize(tt.in))
		})
	}
}

func TestNormalizeThenValidate(t *testing.T) {
	t.Parallel()
	in := "890-0080-336704"
	require.Error(t, rohini.Validate(in), "Validate must not accept separators silently")
	require.NoError(t, rohini.Validate(rohini.Normalize(in)))
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{rohini.ErrInvalidID, rohini.ErrNotFound, rohini.ErrUnavailable, rohini.ErrManualReview}
	for i, a := range all {
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b), "%v vs %v", a, b)
		}
	}
}

// A mobile number or e-mail address typed into the ROHINI field by mistake
// is quoted masked; a malformed ROHINI id is quoted as typed.
func TestValidateMasksPersonalDataInError(t *testing.T) {
	t.Parallel()
	for in, shown := range map[string]string{
		"9876543210":           `"******3210"`,
		"asha.rao@example.org": `"a*******@example.org"`,
		"8900080123456":        `"8900080123456"`,
	} {
		err := rohini.Validate(in)
		require.ErrorIs(t, err, rohini.ErrInvalidID)
		assert.Contains(t, err.Error(), shown)
		if shown != `"`+in+`"` {
			assert.NotContains(t, err.Error(), in)
		}
	}
}
