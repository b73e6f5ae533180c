package strictjson

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Number string `json:"number"`
}

type Base struct {
	EndpointURL string `json:"endpoint_url"`
}

type colour string

func (c *colour) UnmarshalJSON(b []byte) error {
	if string(b) != `"red"` {
		return errors.New("not a colour this test knows")
	}
	*c = "red"
	return nil
}

type doc struct {
	Base
	Name    string            `json:"participant_name"`
	Roles   []string          `json:"roles"`
	Count   int8              `json:"count"`
	Licence inner             `json:"licence"`
	Tags    map[string]string `json:"tags,omitempty"`
	Colour  colour            `json:"colour,omitempty"`
	Hidden  string            `json:"-"`
}

var words = Words{
	Noun:          "document",
	Empty:         "nothing here",
	EndsEarly:     "cut short",
	NotObject:     "wanted an object, found %s",
	InvalidUTF8:   "bad UTF-8 at %d",
	Trailing:      "more after the document",
	UnknownPrefix: "json: ",
}

func TestUnmarshalMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in   string
		w          *Words
		want       string
		decoderErr bool // Err holds the decoder's error
	}{
		{"duplicate", `{"roles":["a"],"roles":["b"]}`, &words, `field "roles": given more than once`, true},
		{"nested duplicate", `{"licence":{"number":"1","number":"2"}}`, &words, `field "licence.number": given more than once`, true},
		{"unknown, with the prefix", `{"colourr":"x"}`, &words, `json: unknown field "colourr"`, true},
		{"unknown, no prefix", `{"colourr":"x"}`, nil, `unknown field "colourr"`, true},
		{"unknown nested", `{"licence":{"num":"1"}}`, &words, `json: unknown field "num" in "licence"`, true},
		{"case twin", `{"Participant_Name":"x"}`, &words, `json: unknown field "Participant_Name" (field names are case-sensitive: "participant_name")`, true},
		{"case twin nested", `{"licence":{"NUMBER":"1"}}`, nil, `unknown field "NUMBER" in "licence" (field names are case-sensitive: "number")`, true},
		{"case twin of an embedded field", `{"Endpoint_URL":"x"}`, nil, `unknown field "Endpoint_URL" (field names are case-sensitive: "endpoint_url")`, true},
		{"no hint for a field named -", `{"Hidden":"x"}`, nil, `unknown field "Hidden"`, true},
		{"wrong type", `{"roles":"a"}`, &words, `field "roles": expected an array, got JSON string`, true},
		{"array index", `{"roles":["a",7]}`, &words, `field "roles[1]": expected a string, got JSON number`, true},
		{"out of range", `{"count":300}`, &words, `field "count": expected a whole number, got JSON number out of range`, true},
		{"own UnmarshalJSON error", `{"colour":"blue"}`, &words, `field "colour": not a colour this test knows`, true},
		{"ends early", `{"participant_name":`, &words, "cut short", true},
		{"ends early, default", `{"participant_name":`, nil, "malformed JSON: the input ends early", true},
		{"malformed", `{"participant_name" "x"}`, &words, "malformed JSON at byte 20", true},
		{"empty", ``, &words, "nothing here", false},
		{"only whitespace", " \r\n\t ", &words, "nothing here", false},
		{"empty, default", ``, nil, "empty input; a JSON object is expected", false},
		{"null", `null`, &words, "wanted an object, found null", false},
		{"array", `[]`, &words, "wanted an object, found array", false},
		{"string", `"a"`, &words, "wanted an object, found string", false},
		{"number", `1`, &words, "wanted an object, found number", false},
		{"boolean", `false`, nil, "expected a JSON object, got JSON boolean", false},
		{"invalid UTF-8 in a value", "{\"participant_name\":\"a\xff\"}", &words, "bad UTF-8 at 22", false},
		{"invalid UTF-8 in a name", "{\"participant_name\xc3\":\"x\"}", nil, "the input is not valid UTF-8 (from byte 18)", false},
		{"trailing object", `{} {}`, &words, "more after the document", false},
		{"trailing garbage", `{}]`, nil, "unexpected data after the JSON object", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Unmarshal([]byte(tc.in), &doc{}, tc.w)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.want, se.Message[:min(len(se.Message), len(tc.want))])
			assert.Equal(t, se.Message, err.Error())
			assert.Equal(t, tc.decoderErr, se.Err != nil, "Err: %v", se.Err)
			if se.Err != nil {
				assert.ErrorIs(t, err, se.Err)
			}
		})
	}
}

// The root of the value is named by Words.Noun where a field path would
// go; without Words it is "value".
func TestDescribeNamesTheWhole(t *testing.T) {
	t.Parallel()
	var n int
	err := json.Unmarshal([]byte(`"x"`), &n)
	require.Error(t, err)
	assert.Equal(t, `field "document": expected a whole number, got JSON string`, Describe(err, &words))
	assert.Equal(t, `field "value": expected a whole number, got JSON string`, Describe(err, nil))
	assert.Equal(t, "nothing here", Describe(io.EOF, &words))
	assert.Equal(t, "cut short", Describe(fmt.Errorf("read: %w", io.ErrUnexpectedEOF), &words))
	assert.Equal(t, "invalid JSON", Describe(errors.New("something else"), &words), "an error it does not know is not echoed")
}

func TestUnmarshalAccepts(t *testing.T) {
	t.Parallel()
	var d doc
	require.NoError(t, Unmarshal([]byte(" {\"participant_name\":\"Sunrise\",\"roles\":[\"payer\"],\"endpoint_url\":\"https://x.example\",\"licence\":{\"number\":\"L1\"},\"colour\":\"red\"}\n"), &d, &words))
	assert.Equal(t, doc{Base: Base{EndpointURL: "https://x.example"}, Name: "Sunrise", Roles: []string{"payer"},
		Licence: inner{Number: "L1"}, Colour: "red"}, d)
}

// Messages name fields, never values.
func TestMessagesQuoteNoValue(t *testing.T) {
	t.Parallel()
	const secret = "hcxs_0123456789abcdef"
	for _, in := range []string{
		`{"participant_name":"` + secret + `","participant_name":"` + secret + `"}`,
		`{"participant_name":["` + secret + `"]}`,
		`{"Participant_Name":"` + secret + `"}`,
		`{"count":"` + secret + `"}`,
		`{"colour":"` + secret + `"}`,
		`{"participant_name":"` + secret + `"} "` + secret + `"`,
		`{"participant_name":"` + secret,
		`"` + secret + `"`,
	} {
		err := Unmarshal([]byte(in), &doc{}, &words)
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), secret, in)
	}
}

func TestDotted(t *testing.T) {
	t.Parallel()
	for p, want := range map[jsontext.Pointer]string{
		"":                    "",
		"/roles":              "roles",
		"/documents/0/kind":   "documents[0].kind",
		"/filters/roles/or/2": "filters.roles.or[2]",
		"/a~1b/0/0":           "a/b[0][0]",
	} {
		assert.Equal(t, want, dotted(p), string(p))
	}
}

// A UTF-8 byte order mark, which editors write for "UTF-8 with BOM", is
// named as what is wrong, not reported as a JSON value of some kind.
func TestByteOrderMarkIsNamed(t *testing.T) {
	t.Parallel()
	var v struct {
		A int `json:"a"`
	}
	err := Unmarshal([]byte("\ufeff{\"a\":1}"), &v, nil)
	if err == nil || !strings.Contains(err.Error(), "byte order mark") {
		t.Fatalf("got %v, want an error naming the byte order mark", err)
	}
	if err := Unmarshal([]byte(`{"a":1}`), &v, nil); err != nil || v.A != 1 {
		t.Fatalf("without the mark: %v, %d", err, v.A)
	}
}

// An unknown field in a small body lists the fields the body has, so the
// caller learns what to send; a large body's whole vocabulary is not
// listed.
func TestUnknownFieldOfASmallBodyListsItsFields(t *testing.T) {
	t.Parallel()
	var small struct {
		OTP string `json:"otp"`
	}
	err := Unmarshal([]byte(`{"code":"123456"}`), &small, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "code"`)
	assert.Contains(t, err.Error(), "(the fields: otp)")
	var large struct {
		A, B, C, D, E, F, G string
	}
	err = Unmarshal([]byte(`{"code":"1"}`), &large, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "the fields")
}

// JSON saved as UTF-16 — what Windows tools write when asked for
// "Unicode", with or without a byte order mark — is named as UTF-16 with
// the fix, rather than as some invalid byte or character at its start.
func TestUTF16IsNamed(t *testing.T) {
	t.Parallel()
	utf16 := func(s string, big bool, bom bool) []byte {
		var out []byte
		if bom && big {
			out = append(out, 0xfe, 0xff)
		} else if bom {
			out = append(out, 0xff, 0xfe)
		}
		for _, c := range []byte(s) { // ASCII only
			if big {
				out = append(out, 0, c)
			} else {
				out = append(out, c, 0)
			}
		}
		return out
	}
	var v struct {
		A string `json:"a"`
	}
	for _, big := range []bool{false, true} {
		for _, bom := range []bool{false, true} {
			err := Unmarshal(utf16(`{"a":"x"}`, big, bom), &v, nil)
			require.Error(t, err, "big %v, bom %v", big, bom)
			assert.Contains(t, err.Error(), "UTF-16", "big %v, bom %v", big, bom)
			assert.Contains(t, err.Error(), "save it as UTF-8", "big %v, bom %v", big, bom)
		}
	}
	// A NUL inside a string of UTF-8 JSON is the decoder's to refuse, not
	// taken for UTF-16.
	err := Unmarshal([]byte("{\"a\":\"x\x00y\"}"), &v, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "UTF-16")
	require.NoError(t, Unmarshal([]byte(`{"a":"x"}`), &v, nil))
	assert.Equal(t, "x", v.A)
}
