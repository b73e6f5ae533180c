package hfr

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
)

// Sentinel errors; match them with errors.Is. The client always returns them
// wrapped with the call that failed ("hfr: facility IN2910000123: not
// found"); a professional's HPR ID, personal data, is named masked
// ("hfr: professional **-****-****-9012: not found"). A *APIError unwraps
// to the sentinel its status or code stands for.
var (
	// ErrNotFound reports that the registry holds no such facility or
	// professional (HTTP 404, 422 with HIS-3008, or an empty search). A
	// 404 that is a web page (HTML), or the API manager's code 900906, is
	// the answer for a path nothing routes, not the registry's, and is
	// ErrUnavailable.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized reports rejected credentials or a rejected session
	// token (HTTP 401 or 403, API-manager code 900901, ABDM-1919..1923).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRateLimited reports HTTP 429 after the retries allowed, or a call
	// that the client's own rate limit (WithRateLimit) could not send
	// before the caller's deadline.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable reports a registry that did not answer usefully: HTTP
	// 5xx, 408 or a redirect, a timeout or a network failure. The look-up
	// may succeed later.
	ErrUnavailable = errors.New("registry unavailable")
	// ErrOTPRejected reports an OTP that the registry did not accept (wrong,
	// expired or already used code, or an unknown transaction).
	ErrOTPRejected = errors.New("OTP rejected")
	// ErrInvalidID reports a malformed facility or HPR identifier; no
	// request is sent for it.
	ErrInvalidID = errors.New("invalid identifier")
	// ErrUnexpectedResponse reports a success status with a body of a shape
	// the client does not know. Such an answer proves nothing either way.
	ErrUnexpectedResponse = errors.New("unexpected response")
	// ErrAuthMethodUnavailable reports an HPR authentication method that is
	// not an OTP method, or that HPR does not offer the professional.
	ErrAuthMethodUnavailable = errors.New("authentication method not available")
	// ErrClosed reports a call on a closed Client.
	ErrClosed = errors.New("client closed")
)

// maxMessageLen caps the registry message kept in an APIError, so that a
// misbehaving server cannot flood logs through error strings.
const maxMessageLen = 300

// APIError is an error answer from the gateway, HFR or HPR: the HTTP status,
// the registry's code (ABDM-…, HIS-…, 900901, or the first of an HSP
// envelope's details) and its message. StatusCode is 200 when the error came
// inside a success body ({"error":…} or a non-null errorStatus).
//
// Error never contains credentials, tokens or OTPs: the client redacts any it
// sent from the registry's message before returning the error.
type APIError struct {
	StatusCode int
	Code       string
	Message    string

	// page: the body was a web page (HTML) or too large to read — a web
	// server's or proxy's answer, not the registry API's.
	page bool
}

// Error describes the answer, e.g.
// "registry answered HTTP 422 (HIS-1070): Required OwnershipCode Field is empty.".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("registry answered HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the sentinel the answer stands for (ErrUnauthorized,
// ErrNotFound, ErrRateLimited or ErrUnavailable), or nil.
func (e *APIError) Unwrap() error {
	if e.StatusCode >= 500 || e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= 300 && e.StatusCode < 400 {
		// A server fault is an outage whatever code its body names: a
		// 503 carrying HIS-3008 must not read as "no such professional".
		// So are a redirect (never followed: the registry URL is wrong)
		// and a proxy's 408: neither answers what was asked, and an OTP
		// they stopped was not judged wrong.
		return ErrUnavailable
	}
	switch e.Code {
	case "900901", "HIS-401", "ABDM-1919", "ABDM-1920", "ABDM-1921", "ABDM-1922", "ABDM-1923":
		return ErrUnauthorized
	case "HIS-3008": // "Invalid HPID.": the sandbox's answer for an unknown HPR ID
		return ErrNotFound
	case "HIS-429":
		return ErrRateLimited
	case "HIS-503":
		return ErrUnavailable
	case "900906":
		// The API manager's "no matching resource found in the API for
		// the given request": a path it does not route (a wrong registry
		// URL), which proves no absence, as a web server's 404 page does not.
		return ErrUnavailable
	}
	switch {
	case e.StatusCode == http.StatusUnauthorized, e.StatusCode == http.StatusForbidden:
		return ErrUnauthorized
	case e.StatusCode == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.page && e.StatusCode >= 400:
		// A web page is a web server's or proxy's answer, not the
		// registry API's: a 404 page for a path it does not route (a
		// wrong registry URL) proves no absence, and a 400 page no
		// refusal of what was asked (nor a wrong OTP). Either would
		// otherwise turn every applicant away alike.
		return ErrUnavailable
	case e.StatusCode == http.StatusNotFound:
		return ErrNotFound
	case e.StatusCode >= 500:
		return ErrUnavailable
	}
	return nil
}

// tokenRejected reports whether the answer says the session token is no
// longer good, so that dropping it and opening a new session may help:
// HTTP 401, or the API manager's code 900901 ("invalid credentials") at
// whatever client-error status it comes with (400, 403).
func (e *APIError) tokenRejected() bool {
	if e.StatusCode == http.StatusUnauthorized {
		return true
	}
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.Code == "900901"
}

// registryCause reports whether the answer names a cause of the
// registry's own, an HIS code other than the bare HIS-401 envelope and
// the codes that speak of an expired session or an invalid or expired
// token, which may be the gateway's: the registry received and judged the
// request, so the refusal is not of the gateway session.
func (e *APIError) registryCause() bool {
	code := strings.ToUpper(e.Code)
	switch code {
	case "HIS-401", "HIS-2045", "HIS-3031", "HIS-5011":
		return false
	}
	return strings.HasPrefix(code, "HIS-")
}

// otpCause reports whether the answer's code is of HIS's OTP family
// (HIS-2xxx: invalid OTP, request or OTP session expired).
func (e *APIError) otpCause() bool {
	return strings.HasPrefix(strings.ToUpper(e.Code), "HIS-2")
}

// errorObject is the inner object of the gateway shape {"error":{…}}, of a
// WSO2-style {"fault":{…}}, of an HSP detail, or of an errorStatus.
type errorObject struct {
	Code        flexString `json:"code"`
	Message     flexString `json:"message"`
	Description flexString `json:"description"`
}

// errorProbe holds every key an error body of the three known shapes uses.
type errorProbe struct {
	Error       json.RawMessage `json:"error"`
	Fault       json.RawMessage `json:"fault"`
	ErrorStatus json.RawMessage `json:"errorStatus"`
	Code        flexString      `json:"code"`
	Message     flexString      `json:"message"`
	Description flexString      `json:"description"`
	ErrorDesc   flexString      `json:"error_description"`
	Details     json.RawMessage `json:"details"`
}

// DecodeError turns an error answer into an *APIError. It understands the
// gateway shape {"error":{"code","message"}} (also inside a list), the HSP
// envelope {"code","message","details":[…]} (the code is the first detail's),
// a non-null errorStatus, and plain text. It never fails: an unknown body
// still yields an APIError carrying the status and a cleaned excerpt.
func DecodeError(status int, body []byte) *APIError {
	return decodeError(status, body, nil)
}

// scrubber removes secrets from registry text. It is applied to each
// piece of text the decoder takes, before the text is cut to length (a
// secret across the cut would keep its start), and never to the bytes
// being decoded: an OTP's digits inside a timestamp must not break the
// JSON and lose the error's code.
type scrubber func(string) string

func (sc scrubber) clean(s string) string {
	if sc != nil {
		s = sc(s)
	}
	return clean(s)
}

func decodeError(status int, body []byte, sc scrubber) *APIError {
	e := &APIError{StatusCode: status}
	if !e.fromJSON(body, true, sc) {
		e.page = isPage(body)
		if sc != nil {
			body = []byte(sc(string(body)))
		}
		e.Message = plainMessage(body)
	}
	if e.Message == "" && e.Code == "" {
		e.Message = http.StatusText(status)
		if e.page && status == http.StatusNotFound {
			e.Message += " (a web page, not a registry answer: check the registry URL)"
		}
	}
	return e
}

// successBodyError reports the error carried by a 2xx body — {"error":…},
// a list holding one, or a non-null errorStatus — or nil if there is none.
func successBodyError(status int, body []byte, sc scrubber) *APIError {
	e := &APIError{StatusCode: status}
	if !e.fromJSON(body, false, sc) {
		return nil
	}
	return e
}

// fromJSON fills e from a JSON body and reports whether it carried a
// recognisable error. envelope is set for error answers, where a bare
// {"code","message"} object is the error; success bodies carry a message too,
// so there only the explicit error keys count.
func (e *APIError) fromJSON(body []byte, envelope bool, sc scrubber) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return false
	}
	switch body[0] {
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(body, &list) != nil {
			return false
		}
		for _, item := range list {
			if e.fromObject(item, envelope, sc) {
				return true
			}
		}
		return false
	case '{':
		return e.fromObject(body, envelope, sc)
	}
	return false
}

// fromObject reads one JSON object; see fromJSON for envelope.
func (e *APIError) fromObject(raw []byte, envelope bool, sc scrubber) bool {
	var p errorProbe
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	if e.fromInner(p.Error, p.ErrorDesc, sc) || e.fromInner(p.Fault, "", sc) {
		return true
	}
	if !isNull(p.ErrorStatus) {
		// The errorStatus value's shape is undocumented: take code and
		// message from it when it is an object or a string, else fall back
		// to the body's own message.
		e.fromInner(p.ErrorStatus, "", sc)
		if e.Message == "" {
			e.Message = sc.clean(string(p.Message))
		}
		if e.Code == "" && e.Message == "" {
			e.Message = "errorStatus set"
		}
		return true
	}
	if !envelope {
		return false
	}
	var details []errorObject
	if !isNull(p.Details) && json.Unmarshal(p.Details, &details) == nil {
		for _, d := range details {
			if d.Code != "" || d.Message != "" {
				e.Code = sc.clean(string(d.Code))
				e.Message = sc.clean(firstNonEmpty(string(d.Message), string(p.Message)))
				if e.Code == "" {
					e.Code = sc.clean(string(p.Code))
				}
				return true
			}
		}
	}
	if p.Code != "" || p.Message != "" || p.Description != "" {
		e.Code = sc.clean(string(p.Code))
		e.Message = sc.clean(firstNonEmpty(string(p.Message), string(p.Description)))
		return true
	}
	return false
}

// fromInner reads the value of an "error", "fault" or "errorStatus" key: an
// object with code and message, or a bare string (OAuth style
// {"error":"invalid_client","error_description":"…"}).
func (e *APIError) fromInner(raw json.RawMessage, desc flexString, sc scrubber) bool {
	if isNull(raw) {
		return false
	}
	switch raw[0] {
	case '{':
		var o errorObject
		if json.Unmarshal(raw, &o) != nil {
			return false
		}
		e.Code = sc.clean(string(o.Code))
		e.Message = sc.clean(firstNonEmpty(string(o.Message), string(o.Description)))
		return e.Code != "" || e.Message != ""
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "" {
			return false
		}
		if desc != "" {
			e.Code, e.Message = sc.clean(s), sc.clean(string(desc))
		} else {
			e.Message = sc.clean(s)
		}
		return true
	case 't': // errorStatus: true
		return true
	}
	return false
}

// isPage reports whether a body that is not JSON is markup: an HTML or
// XML page from a web server or proxy.
func isPage(body []byte) bool {
	body = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\ufeff")))
	return len(body) > 0 && body[0] == '<'
}

// plainMessage keeps a cleaned excerpt of a non-JSON body; HTML pages (a
// proxy's error page) say nothing useful and are dropped.
func plainMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if isPage(body) {
		return ""
	}
	if len(body) > 4*maxMessageLen {
		body = body[:4*maxMessageLen]
	}
	return clean(string(body))
}

// clean makes registry text safe for an error string: valid UTF-8, no
// control characters, whitespace collapsed, at most maxMessageLen bytes,
// and its e-mail addresses and mobile numbers masked. A registry's text
// may name the contact it holds ("Unable to send OTP to 98…"), and the
// error reaches the applicant, who must not learn it.
func clean(s string) string {
	if s == "" {
		return ""
	}
	s = hcxonboard.RedactText(s)
	var b strings.Builder
	b.Grow(min(len(s), maxMessageLen+3))
	space := false
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > maxMessageLen {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isNull reports whether an error key's value carries nothing: absent,
// null, false, an empty or blank string, an empty list, or an object all of
// whose members are such (Java services serialise an unset error object as
// {"code":null,"message":null}). Anything else, in whatever words, is an
// error. Nested objects are not searched, so the check stays linear.
func isNull(raw json.RawMessage) bool {
	if empty(raw) {
		return true
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] != '{' {
		return false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return false
	}
	for _, v := range members {
		if !empty(v) {
			return false
		}
	}
	return true
}

// empty is isNull for a scalar or an empty container.
func empty(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return true
	}
	switch raw[0] {
	case 'n', 'f': // null, false
		return string(raw) == "null" || string(raw) == "false"
	case '"':
		var s string
		return json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) == ""
	case '{', '[':
		return len(raw) >= 2 && len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
