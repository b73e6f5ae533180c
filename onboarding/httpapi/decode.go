package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/strictjson"
)

// readBody reads the whole request body, refusing more than the
// handler's limit (413) and a body that says it is something else than
// JSON (415): a type other than application/json or a "+json" type such
// as the merge patch's application/merge-patch+json (parameters aside,
// but a charset must be UTF-8). A body without a Content-Type is read as
// JSON: it is what every JSON route takes, and clients (and tests built
// on httptest.NewRequest) often send none.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if err := jsonContentType(r); err != nil {
		return nil, err
	}
	return h.readLimited(w, r, h.maxBody)
}

// jsonContentType checks that r's body says it is JSON (see readBody).
func jsonContentType(r *http.Request) error {
	want := mediaJSON
	if r.Method == http.MethodPatch {
		want += " (or " + mediaMergePatch + ")"
	}
	mt, err := contentType(r, mediaJSON, want)
	if err != nil {
		return err
	}
	if mt == mediaJSON || strings.HasSuffix(mt, "+json") {
		return nil
	}
	return newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
		"the request body must be JSON: send it with Content-Type: %s, not %s", want, clipParam(mt))
}

// The media types of request bodies.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json"
	mediaForm       = "application/x-www-form-urlencoded"
)

// contentType is the media type r's body declares, in lower case and
// without parameters, and dflt when it declares none. One that does not
// parse, or names a charset other than UTF-8, is a 415 saying to send it
// as want.
func contentType(r *http.Request, dflt, want string) (string, error) {
	ct := r.Header.Get("Content-Type")
	if strings.TrimSpace(ct) == "" {
		return dflt, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
			"the Content-Type header is malformed: send the body with Content-Type: %s", want)
	}
	// Bodies are read as UTF-8 (JSON is, RFC 8259): text declared in
	// another charset would be read all the same, its non-ASCII letters
	// silently changed.
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return "", newError(http.StatusUnsupportedMediaType, CodeInvalidPayload,
			"the body must be UTF-8: declare charset=utf-8 or no charset in its Content-Type, not charset=%s", clipParam(cs))
	}
	return mt, nil
}

// maxEmptyBody bounds what checkNoBody reads of a body it refuses.
const maxEmptyBody = 1 << 10

// checkNoBody refuses a body on a route that takes none (POST …/otp/resend,
// …/credentials, …/recheck …): what it says would be dropped unread, and
// its sender left to think it was heeded. No body, null or an empty
// JSON object — some clients send one with every POST — is no body.
func checkNoBody(w http.ResponseWriter, r *http.Request, rt route) error {
	if rt.body != nil || rt.form != nil || len(rt.media) > 0 || rt.method == http.MethodGet ||
		r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEmptyBody))
	if err == nil && emptyObject(data) {
		return nil
	}
	return newError(http.StatusBadRequest, CodeInvalidPayload, "%s %s takes no request body; send none", rt.method, rt.path)
}

// emptyObject reports whether data is blank, null, or the JSON object {}
// with blanks around and within.
func emptyObject(data []byte) bool {
	t := strings.Join(strings.Fields(string(data)), "")
	return t == "" || t == "{}" || t == "null"
}

// readLimited reads the whole body, refusing more than limit bytes (413).
func (h *Handler) readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: CodeInvalidPayload,
				message: fmt.Sprintf("the request body is over %d bytes", limit), err: err}
		}
		return nil, &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload,
			message: "the request body could not be read", err: err}
	}
	return data, nil
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

// decodeSearch reads a search body as decodeJSON does. A filter, limit,
// offset or cursor the registry cannot take (an unknown operator, a limit
// that is not a whole number) is 400 ERR_INVALID_SEARCH, as an unknown
// field or a bad bound is; a body that is not a search object at all
// (malformed JSON, an unknown member beside filters) stays
// ERR_INVALID_PAYLOAD.
func (h *Handler) decodeSearch(w http.ResponseWriter, r *http.Request, dst any) error {
	err := h.decodeJSON(w, r, dst)
	var ae *apiError
	var sem *jsonv2.SemanticError
	if errors.As(err, &ae) && ae.code == CodeInvalidPayload && errors.As(err, &sem) && searchMember(string(sem.JSONPointer)) {
		return &apiError{status: ae.status, code: CodeInvalidSearch, message: ae.message, err: ae.err}
	}
	return err
}

// searchMember reports whether JSON pointer p is within a search's
// filters, limit, offset or cursor.
func searchMember(p string) bool {
	switch p {
	case "/limit", "/offset", "/cursor":
		return true
	}
	return strings.HasPrefix(p, "/filters/")
}

// unmarshalStrict is the one decoder of every JSON body but the
// application (hcxonboard.DecodeApplication); both are strictjson's.
func unmarshalStrict(data []byte, dst any) error {
	err := strictjson.Unmarshal(data, dst, &bodyWords)
	if err == nil {
		return nil
	}
	var se *strictjson.Error
	if !errors.As(err, &se) {
		return err
	}
	return &apiError{status: http.StatusBadRequest, code: CodeInvalidPayload, message: se.Message, err: se.Err}
}

// bodyWords are how the API's messages speak of a request body.
var bodyWords = strictjson.Words{
	Noun:        "body",
	Empty:       "the request body is empty; a JSON object is expected",
	EndsEarly:   "malformed JSON: the body ends early",
	NotObject:   "the request body must be a JSON object, not JSON %s",
	InvalidUTF8: "the request body is not valid UTF-8 (from byte %d)",
	Trailing:    "unexpected data after the JSON object",
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
