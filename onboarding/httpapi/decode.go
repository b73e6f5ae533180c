package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/openhcx/hcxonboard"
)

// readBody reads the whole request body, refusing more than the
// handler's limit (413) and a content type other than JSON (415).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !isJSONSuffix(mt)) {
			return nil, newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
				"the request body must be application/json")
		}
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBody)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload,
				message: fmt.Sprintf("the request body is over %d bytes", h.maxBody), err: err}
		}
		return nil, &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload,
			message: "the request body could not be read", err: err}
	}
	return data, nil
}

func isJSONSuffix(mt string) bool {
	return len(mt) > 5 && mt[len(mt)-5:] == "+json"
}

// decodeJSON reads the body into dst strictly: one JSON object in valid
// UTF-8, every member name exactly one of dst's (case included) and given
// once, nothing after it.
func (h *Handler) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	data, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	return unmarshalStrict(data, dst)
}

// unmarshalStrict is the one decoder of every JSON body but the
// application (hcxonboard.DecodeApplication has the same rules).
// go-json-experiment/json refuses duplicate names and invalid UTF-8 on its
// own and matches names exactly; encoding/json did neither, so
// {"reason":"a","Reason":"b"} meant whatever its last member said.
func unmarshalStrict(data []byte, dst any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the request body is empty; a JSON object is expected")
	}
	if !utf8.Valid(data) {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the request body is not valid UTF-8 (from byte %d)", invalidUTF8At(data))
	}
	// A bytes.Buffer is read in place, without a copy into a buffer of the
	// decoder's own.
	dec := jsontext.NewDecoder(bytes.NewBuffer(data))
	switch k := dec.PeekKind(); k {
	case '{', 0: // an object, or malformed: UnmarshalDecode says how
	default:
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the request body must be a JSON object, not JSON %s", kindName(k))
	}
	if err := json.UnmarshalDecode(dec, dst, json.RejectUnknownMembers(true)); err != nil {
		return &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload, message: describeJSONError(err), err: err}
	}
	if _, err := dec.ReadToken(); err != io.EOF { //nolint:errorlint // ReadToken returns io.EOF itself
		return newError(http.StatusBadRequest, CodeInvalidPayload, "unexpected data after the JSON object")
	}
	return nil
}

// describeJSONError says what is wrong with a body, naming the field by
// its path ("filters.roles.or[2]"). It never quotes a value: a body may
// carry a secret.
func describeJSONError(err error) string {
	var semErr *json.SemanticError
	var synErr *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends early"
	case errors.As(err, &synErr) && synErr.Err == jsontext.ErrDuplicateName: //nolint:errorlint // the package's own sentinel, compared as it does
		return fmt.Sprintf("field %q: given more than once", jsonPath(synErr.JSONPointer))
	case errors.As(err, &semErr) && semErr.Err == json.ErrUnknownName: //nolint:errorlint // as above
		return unknownField(semErr)
	case errors.As(err, &synErr):
		return fmt.Sprintf("malformed JSON at byte %d: %v", synErr.ByteOffset, synErr.Err)
	case errors.As(err, &semErr):
		field := jsonPath(semErr.JSONPointer)
		if field == "" {
			field = "body"
		}
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

// unknownField describes a member the body does not have, with a hint
// when it differs from a known one only by case.
func unknownField(e *json.SemanticError) string {
	name := e.JSONPointer.LastToken()
	msg := fmt.Sprintf("unknown field %q", name)
	if parent := jsonPath(e.JSONPointer.Parent()); parent != "" {
		msg += fmt.Sprintf(" in %q", parent)
	}
	if known := foldedField(e.GoType, name); known != "" {
		msg += fmt.Sprintf(" (field names are case-sensitive: %q)", known)
	}
	return msg
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

// jsonPath turns a JSON pointer into a dotted path: "/filters/roles/or/2"
// is "filters.roles.or[2]".
func jsonPath(p jsontext.Pointer) string {
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

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	return t.String()
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

// decodeApplication reads an application with the contract's strict
// rules (hcxonboard.DecodeApplication) after the handler's size limit.
func (h *Handler) decodeApplication(w http.ResponseWriter, r *http.Request) (*hcxonboard.Application, error) {
	data, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, newError(http.StatusBadRequest, CodeInvalidPayload, "the request body is empty; an application is expected")
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		// An application with nothing in it: the checks say what it lacks
		// (a 422 with the report), as they do for {}.
		return &hcxonboard.Application{}, nil
	}
	return hcxonboard.DecodeApplication(bytes.NewReader(data))
}
