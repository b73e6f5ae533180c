package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// The cursors the participant searches, the staff queue, an audit trail,
// the expiring certificates (and their window), a payer's approval
// requests (and the payer) and the console's queue tabs and participant
// list answer are bound to the listing and the query that made them:
// "q1.<tag>.<the store's cursor>", the tag a digest of the listing's name
// and its filters. A cursor given back with other filters or to another listing,
// or one in the store's own format, is refused (400) rather than read as
// a position in a listing it does not belong to, which would skip or
// repeat records without a word. The tag is no secret: it catches a
// cursor reused by mistake, not one a client builds on purpose (which can
// only choose where its own search starts). The limit may change from
// page to page.
const boundCursor = "q1."

// cursorScope names a listing and its query for bindCursor: name, then
// the query's parts, each as JSON (maps with their keys sorted).
func cursorScope(name string, parts ...any) string {
	var b strings.Builder
	b.WriteString(name)
	for _, p := range parts {
		data, err := json.Marshal(p)
		if err != nil {
			data = []byte("?") // never: the parts are decoded JSON
		}
		b.WriteByte('|')
		b.Write(data)
	}
	return b.String()
}

func cursorTag(scope string) string {
	sum := sha256.Sum256([]byte(scope))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// bindCursor binds next, a store's cursor, to scope; "" stays "".
func bindCursor(scope, next string) string {
	if next == "" {
		return ""
	}
	return boundCursor + cursorTag(scope) + "." + next
}

// unbindCursor returns the store's cursor within cursor, which bindCursor
// made for scope; "" stays "". code is the error code of the refusal.
func unbindCursor(scope, cursor, code string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(cursor, boundCursor)
	tag, inner, dotted := strings.Cut(rest, ".")
	if !ok || !dotted || inner == "" {
		return "", newError(http.StatusBadRequest, code,
			"the cursor is not one this listing answered: give the next of the page before, or no cursor to start again")
	}
	if tag != cursorTag(scope) {
		return "", newError(http.StatusBadRequest, code,
			"the cursor belongs to another listing or to other filters: give the next of the page before with the same filters, or no cursor to start again")
	}
	return inner, nil
}
