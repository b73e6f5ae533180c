package hfr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/internal/strictjson"
)

// flexString decodes a JSON string, number or boolean as its text. The
// registries send LGD codes, coordinates, category ids and flags sometimes as
// strings and sometimes as numbers; null, objects and arrays decode as "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		// The decoder has already validated b; a string without escapes
		// needs no second pass.
		if bytes.IndexByte(b, '\\') < 0 {
			*f = flexString(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case 'n', '{', '[':
		*f = ""
	default: // number, true, false
		*f = flexString(b)
	}
	return nil
}

// trim returns the value without padding (HFR pads some codes: "G         ").
func (f flexString) trim() string { return strings.TrimSpace(string(f)) }

// flexBool decodes true, "true", "yes", "y" or 1 (any case) as true; the
// professional details answer carries is_council_verified as a string.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	switch strings.ToLower(s.trim()) {
	case "true", "yes", "y", "1":
		*f = true
	default:
		*f = false
	}
	return nil
}

// optionalBool decodes a flag whose absence must stay apart from false:
// null, an empty string or no key leave value nil; true, "true", "yes", "y"
// or 1 (any case) decode as true; false, "false", "no", "n" or 0 as false.
// Anything else (another string, an object, an array) decodes as false: a
// value that cannot be read is not taken as true.
type optionalBool struct{ value *bool }

func (o *optionalBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		o.value = nil
		return nil
	}
	v := false
	if b[0] != '{' && b[0] != '[' {
		var s flexString
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		switch strings.ToLower(s.trim()) {
		case "":
			o.value = nil
			return nil
		case "true", "yes", "y", "1":
			v = true
		}
	}
	o.value = &v
	return nil
}

// envelope holds the keys by which a 2xx body says it is an error after all.
// Response types embed it so that one decode finds both.
type envelope struct {
	Error       json.RawMessage `json:"error"`
	ErrorStatus json.RawMessage `json:"errorStatus"`
}

func (e *envelope) env() *envelope { return e }

func (e *envelope) failed() bool { return !isNull(e.Error) || !isNull(e.ErrorStatus) }

type enveloped interface{ env() *envelope }

// decode reads a 2xx reply into v. A body that carries an error is an
// *APIError; a body that is not the expected JSON, or whose objects name a
// member twice, wraps ErrUnexpectedResponse. secrets are redacted from
// registry text.
func (c *Client) decode(rep *reply, v enveloped, secrets ...string) error {
	if strictjson.NamesAMemberTwice(rep.body) {
		// encoding/json keeps the last of two members of one name, other
		// parsers the first: {"status":"failure","status":"success"} says
		// nothing for sure.
		return fmt.Errorf("%w: an object names a member twice", ErrUnexpectedResponse)
	}
	if err := json.Unmarshal(rep.body, v); err != nil {
		if e := successBodyError(rep.status, rep.body, c.scrubber(rep.token, secrets, rep.hprIDs...)); e != nil {
			c.redact(e, rep.token, secrets)
			return e
		}
		return fmt.Errorf("%w: %s", ErrUnexpectedResponse, strings.TrimPrefix(err.Error(), "json: "))
	}
	if v.env().failed() {
		e := successBodyError(rep.status, rep.body, c.scrubber(rep.token, secrets, rep.hprIDs...))
		if e == nil { // unreachable in practice: failed() saw an error key
			e = &APIError{StatusCode: rep.status, Message: "error in a success body"}
		}
		c.redact(e, rep.token, secrets)
		return e
	}
	return nil
}
