package strictjson

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Words are how one caller speaks of the input as a whole. Every message
// about a field is the same for all callers; these are the rest. An empty
// field takes the wording its comment gives.
type Words struct {
	// Noun stands for the whole input where a field path would go, as in
	// `field "document": …` (default "value").
	Noun string
	// Empty is the message for input that is empty or only whitespace
	// (default "empty input; a JSON object is expected").
	Empty string
	// EndsEarly is the message for input cut off inside the object
	// (default "malformed JSON: the input ends early").
	EndsEarly string
	// NotObject is a format with one %s, the kind of JSON value found, for
	// input that is not an object (default "expected a JSON object, got JSON %s").
	NotObject string
	// InvalidUTF8 is a format with one %d, the offset of the first bad
	// byte (default "the input is not valid UTF-8 (from byte %d)").
	InvalidUTF8 string
	// Trailing is the message for data after the object (default
	// "unexpected data after the JSON object").
	Trailing string
	// UnknownPrefix goes before `unknown field "x"`; the application keeps
	// encoding/json's "json: " there.
	UnknownPrefix string
}

func (w *Words) noun() string {
	return or(w.Noun, "value")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Error is a refused input. Message says what is wrong in the caller's
// [Words] and never quotes a value; Err is the decoder's own error, when
// the decoder refused (nil for the checks made before it).
type Error struct {
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the decoder's error, if any.
func (e *Error) Unwrap() error { return e.Err }

// NamesAMemberTwice reports whether the JSON value in data has an object
// with two members of one name, which encoding/json would read as the
// last of them and other parsers as the first. What is not JSON is for
// the caller's decoder to judge: it reports false.
func NamesAMemberTwice(data []byte) bool {
	err := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowInvalidUTF8(true)).SkipValue()
	return errors.Is(err, jsontext.ErrDuplicateName)
}

// Unmarshal decodes data into dst strictly (see the package
// documentation). A refusal is an [*Error] worded by w; w may be nil.
func Unmarshal(data []byte, dst any, w *Words) error {
	if w == nil {
		w = &Words{}
	}
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return &Error{Message: or(w.Empty, "empty input; a JSON object is expected")}
	}
	if isUTF16(data) {
		// What Windows tools write when asked for "Unicode".
		return &Error{Message: "the input is UTF-16 text, and JSON is UTF-8: save it as UTF-8 (without a byte order mark)"}
	}
	// The whole input, names included, must be UTF-8: a name or value that
	// is not would be stored and echoed as it came.
	if !utf8.Valid(data) {
		return &Error{Message: fmt.Sprintf(or(w.InvalidUTF8, "the input is not valid UTF-8 (from byte %d)"), invalidUTF8At(data))}
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		// What an editor saving "UTF-8 with BOM" writes; JSON has none.
		return &Error{Message: "the input starts with a byte order mark (bytes EF BB BF), which JSON does not have: " +
			"save it as UTF-8 without a byte order mark"}
	}
	// A bytes.Buffer is read in place, without a copy into a buffer of
	// the decoder's own.
	dec := jsontext.NewDecoder(bytes.NewBuffer(data))
	switch k := dec.PeekKind(); k {
	case '{', 0: // an object, or malformed: UnmarshalDecode says how
	default:
		return &Error{Message: fmt.Sprintf(or(w.NotObject, "expected a JSON object, got JSON %s"), kindName(k))}
	}
	if err := json.UnmarshalDecode(dec, dst, json.RejectUnknownMembers(true)); err != nil {
		return &Error{Message: Describe(err, w), Err: err}
	}
	if _, err := dec.ReadToken(); err != io.EOF { //nolint:errorlint // ReadToken returns io.EOF itself
		return &Error{Message: or(w.Trailing, "unexpected data after the JSON object")}
	}
	return nil
}

// Describe says what is wrong in an error of go-json-experiment/json,
// naming the field by its path ("filters.roles.or[2]"). It never quotes a
// value. w may be nil.
func Describe(err error, w *Words) string {
	if w == nil {
		w = &Words{}
	}
	var semErr *json.SemanticError
	var synErr *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.EOF):
		return or(w.Empty, "empty input; a JSON object is expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return or(w.EndsEarly, "malformed JSON: the input ends early")
	case errors.As(err, &synErr) && synErr.Err == jsontext.ErrDuplicateName: //nolint:errorlint // the package's own sentinel, compared as it does
		return fmt.Sprintf("field %q: given more than once", dotted(synErr.JSONPointer))
	case errors.As(err, &semErr) && semErr.Err == json.ErrUnknownName: //nolint:errorlint // as above
		return w.UnknownPrefix + unknownField(semErr)
	case errors.As(err, &synErr):
		return fmt.Sprintf("malformed JSON at byte %d: %v", synErr.ByteOffset, synErr.Err)
	case errors.As(err, &semErr):
		field := dotted(semErr.JSONPointer)
		if field == "" {
			field = w.noun()
		}
		// An UnmarshalJSON of the destination (a role, a bound) words its
		// own error and names no value.
		if semErr.Err != nil && !errors.Is(semErr.Err, strconv.ErrSyntax) && !errors.Is(semErr.Err, strconv.ErrRange) {
			return fmt.Sprintf("field %q: %v", field, semErr.Err)
		}
		got := kindName(semErr.JSONKind)
		if errors.Is(semErr.Err, strconv.ErrRange) {
			got += " out of range"
		}
		return fmt.Sprintf("field %q: expected %s, got JSON %s", field, goTypeName(semErr.GoType), got)
	}
	return "invalid JSON"
}

// unknownField describes a member the destination does not have, with a
// hint when it differs from a known one only by case.
func unknownField(e *json.SemanticError) string {
	name := e.JSONPointer.LastToken()
	msg := fmt.Sprintf("unknown field %q", name)
	if parent := dotted(e.JSONPointer.Parent()); parent != "" {
		msg += fmt.Sprintf(" in %q", parent)
	}
	if known := foldedField(e.GoType, name); known != "" {
		msg += fmt.Sprintf(" (field names are case-sensitive: %q)", known)
	} else if names := fieldNames(e.GoType); len(names) > 0 && len(names) <= maxListedFields {
		msg += " (the fields: " + strings.Join(names, ", ") + ")"
	}
	return msg
}

// maxListedFields is the most fields an unknown-field message lists: a
// small body's whole vocabulary, not a large one's.
const maxListedFields = 6

// fieldNames returns the JSON names of the fields of struct type t (and
// of those it embeds), or nil.
func fieldNames(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && tag == "":
			out = append(out, fieldNames(f.Type)...)
		case tag == "-" || !f.IsExported():
		case tag != "":
			out = append(out, tag)
		default:
			out = append(out, f.Name)
		}
	}
	return out
}

// foldedField returns the JSON name of a field of struct type t (or of
// one it embeds) that equals name but for case, or "".
func foldedField(t reflect.Type, name string) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" {
			if known := foldedField(f.Type, name); known != "" {
				return known
			}
			continue
		}
		if tag != "" && tag != "-" && tag != name && strings.EqualFold(tag, name) {
			return tag
		}
	}
	return ""
}

// dotted turns a JSON pointer into the dotted path the messages use:
// "/documents/0/kind" is "documents[0].kind", the root is "".
func dotted(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '[', ']':
		return "array"
	case '{', '}':
		return "object"
	}
	return "value"
}

// goTypeName names what a destination of type t reads, in JSON's words
// (string, integer, array, object …), never a Go type: the caller wrote
// JSON, not Go.
func goTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string" // a time, a role, an id: written as text
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a string" // bytes, base64-encoded
		}
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another type"
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// isUTF16 reports whether data is UTF-16: it starts with a UTF-16 byte
// order mark, or one of its first two bytes is a NUL, as JSON text in
// UTF-16 begins (RFC 4627, section 3). JSON in UTF-8 has no NUL byte
// anywhere, strings included.
func isUTF16(data []byte) bool {
	switch {
	case len(data) < 2:
		return false
	case data[0] == 0xff && data[1] == 0xfe, data[0] == 0xfe && data[1] == 0xff:
		return true
	}
	return (data[0] == 0) != (data[1] == 0)
}

// invalidUTF8At returns the offset of the first byte of data that is not
// part of valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}
