package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
)

// Paging limits for searches and listings.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Bounds on what one query may ask, so that a search from outside costs
// the store a bounded amount of work: every database has a ceiling on
// bound parameters (an or list of 70,000 values exceeds it), and
// PostgreSQL refuses a NUL byte in text outright.
const (
	// MaxQueryValues is the most values one or list may hold.
	MaxQueryValues = 100
	// MaxQueryValueLen is the longest value, in bytes, an operator may
	// compare with.
	MaxQueryValueLen = 512
)

// Query is a participant search with the HCX registry's filter semantics:
// {"filters":{"roles":{"eq":"provider"},"status":{"eq":"Created"}},"limit":10,"offset":0}.
// Conditions on different fields are ANDed. Results are ordered by
// creation time, then participant code, so paging is stable.
//
// Cursor, when set, starts the page after the record it names: the Next of
// the page before (see Page). Paging by cursor costs the same on every
// page; an offset makes the store skip what it skips, so it is bounded by
// MaxOffset.
type Query struct {
	Filters map[string]Condition `json:"filters,omitempty"`
	Limit   int                  `json:"limit,omitempty"`
	Offset  int                  `json:"offset,omitempty"`
	Cursor  string               `json:"cursor,omitempty"`
}

// MaxOffset is the largest offset a search or listing takes; further
// pages are reached with a cursor.
const MaxOffset = 10000

// Page is one page of a search or listing, and the cursor of the next:
// empty when this page is the last. A store that reads only the page
// cannot tell a full last page from one with more after it, and answers
// a Next for it; the page that follows is then empty. (The engine's
// pages, onboarding.Service.SearchPage and the others, ask for one
// record more and are exact.)
type Page[T any] struct {
	Items []T
	Next  string
}

// ParticipantPager is a Participants store that answers the cursor of the
// next page: an optional capability, found by type assertion.
type ParticipantPager interface {
	SearchParticipantsPage(ctx context.Context, q Query) (Page[hcxonboard.Participant], error)
}

// ApplicationPager is an Applications store that answers the cursor of
// the next page: an optional capability, found by type assertion.
type ApplicationPager interface {
	ListApplicationsPage(ctx context.Context, f ApplicationFilter) (Page[Application], error)
}

// Position is where a page ends in the order every store pages in: a
// creation time, then a key (the participant code, or the application
// id).
type Position struct {
	CreatedAt time.Time
	Key       string
}

// Every cursor begins with a prefix naming its version and the order it
// is a position in, so that a later encoding can tell old ones apart, and
// a listing refuses the cursor of a listing in another order rather than
// read it as a position in its own: cursorVersion for the searches and
// listings in creation order, dueCursorVersion for DueLister's due order
// and expiryCursorVersion for CertificateExpiries' soonest-expiry order.
const (
	cursorVersion       = "c1."
	dueCursorVersion    = "d1."
	expiryCursorVersion = "e1."
)

var errCursor = errors.New("cursor is not one this registry issued")

// EncodeCursor returns the opaque cursor of the page after p.
func EncodeCursor(p Position) string { return encodeCursor(cursorVersion, p) }

// DecodeCursor returns the position a cursor names; a cursor this package
// did not make, or the cursor of a listing in another order (DueLister,
// CertificateExpiries), wraps ErrInvalidQuery.
func DecodeCursor(c string) (Position, error) { return decodeCursor(c, cursorVersion) }

// EncodeDueCursor returns the cursor of the DueLister page after the
// application id, due at dueAt.
func EncodeDueCursor(dueAt time.Time, id string) string {
	return encodeCursor(dueCursorVersion, Position{CreatedAt: dueAt, Key: id})
}

// DecodeDueCursor returns the due time (as CreatedAt) and the application
// id a DueLister cursor names. A position EncodeCursor made is taken too,
// as DueApplications took it before due cursors had a prefix of their
// own; any other cursor wraps ErrInvalidQuery.
func DecodeDueCursor(c string) (Position, error) {
	return decodeCursor(c, dueCursorVersion, cursorVersion)
}

func encodeCursor(version string, p Position) string {
	raw := strconv.FormatInt(p.CreatedAt.UnixNano(), 10) + "|" + p.Key
	if p.CreatedAt.IsZero() {
		raw = "z|" + p.Key
	}
	return version + base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor decodes a cursor made with one of the versions.
func decodeCursor(c string, versions ...string) (Position, error) {
	bad := fmt.Errorf("%w: %w", ErrInvalidQuery, errCursor)
	if len(c) > 2*MaxQueryValueLen {
		return Position{}, bad
	}
	var body string
	var ok bool
	for _, v := range versions {
		if body, ok = strings.CutPrefix(c, v); ok {
			break
		}
	}
	if !ok {
		return Position{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Position{}, bad
	}
	at, key, ok := strings.Cut(string(raw), "|")
	if !ok || strings.IndexByte(key, 0) >= 0 || !utf8.ValidString(key) {
		return Position{}, bad
	}
	if at == "z" {
		return Position{Key: key}, nil
	}
	ns, err := strconv.ParseInt(at, 10, 64)
	if err != nil || ns == math.MinInt64 { // not a time a store keeps: the zero time is "z"
		return Position{}, bad
	}
	return Position{CreatedAt: time.Unix(0, ns), Key: key}, nil
}

// After reports whether a record at (createdAt, key) comes after p in
// paging order.
func (p Position) After(createdAt time.Time, key string) bool {
	if !createdAt.Equal(p.CreatedAt) {
		return createdAt.After(p.CreatedAt)
	}
	return key > p.Key
}

// checkPaging bounds an offset and checks a cursor.
func checkPaging(offset int, cursor string) error {
	switch {
	case offset < 0:
		return fmt.Errorf("%w: negative offset %d", ErrInvalidQuery, offset)
	case offset > MaxOffset:
		return fmt.Errorf("%w: offset %d is past %d: page on with the cursor of the page before (cursor, Page.Next)", ErrInvalidQuery, offset, MaxOffset)
	case offset > 0 && cursor != "":
		// Both would skip the offset's rows past the cursor, unasked.
		return fmt.Errorf("%w: give offset or cursor, not both: a cursor pages on from where the page before ended", ErrInvalidQuery)
	}
	if cursor != "" {
		if _, err := DecodeCursor(cursor); err != nil {
			return err
		}
	}
	return nil
}

// Condition is one field's test: the operators of the HCX registry
// search (v0.9), every one that is set must hold.
//
// On the string fields (participant_code, participant_name, status,
// primary_email, primary_mobile, scheme_code, payment_details.ifsc_code):
// eq, neq and or compare exactly; contains, startsWith and endsWith, and
// their negations notContains, notStartsWith and notEndsWith, ignore case
// (strings.ToLower of both sides); gt, gte, lt, lte and between (both ends
// included) compare byte by byte, which for UTF-8 is code point order. A
// field that is not set is the empty string: a participant without a
// scheme code, or without an IFSC (no payment details, or a UPI ID), is
// matched by neq "PMJAY" and notContains "x", not by eq "PMJAY" or
// contains "x".
//
// On the list fields (roles, linked_registry_codes) every operator but the
// negative ones holds when some element satisfies it (between: some one
// element lies within both ends), and neq, notContains, notStartsWith and
// notEndsWith hold when no element fails them — so an empty list satisfies
// every negative operator and no positive one.
//
// The time fields (created_at, updated_at) take only gt, gte, lt, lte and
// between, with RFC 3339 times.
type Condition struct {
	Eq            *string  `json:"eq,omitempty"`
	Neq           *string  `json:"neq,omitempty"`
	Contains      *string  `json:"contains,omitempty"`
	NotContains   *string  `json:"notContains,omitempty"`
	StartsWith    *string  `json:"startsWith,omitempty"`
	NotStartsWith *string  `json:"notStartsWith,omitempty"`
	EndsWith      *string  `json:"endsWith,omitempty"`
	NotEndsWith   *string  `json:"notEndsWith,omitempty"`
	Or            []string `json:"or,omitempty"`
	Gt            *Bound   `json:"gt,omitempty"`
	Gte           *Bound   `json:"gte,omitempty"`
	Lt            *Bound   `json:"lt,omitempty"`
	Lte           *Bound   `json:"lte,omitempty"`
	// Between is [low, high], both included.
	Between []Bound `json:"between,omitempty"`
}

// Bound is the operand of gt, gte, lt, lte and of each end of between: on
// string and list fields a string, on the time fields an RFC 3339 time. In
// JSON it is a string either way, so that {"gt":"2026-01-01T00:00:00Z"}
// means a time on created_at and a string on participant_name; on the
// time fields it may also be a whole number of milliseconds since 1970,
// as the reference platform writes its times ({"gt":1767225600000}).
type Bound struct {
	text     string
	time     time.Time
	hasTime  bool
	timeOnly bool // made by At: not a string operand
}

// Text returns a bound for a string comparison. A string that is an RFC
// 3339 time is also a bound on the time fields.
func Text(s string) *Bound {
	b := &Bound{text: s}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		b.time, b.hasTime = t, true
	}
	return b
}

// At returns a bound for a time comparison.
func At(t time.Time) *Bound {
	return &Bound{text: t.Format(time.RFC3339Nano), time: t, hasTime: true, timeOnly: true}
}

// String returns the bound as given (a time in RFC 3339).
func (b Bound) String() string { return b.text }

// Time returns the bound as a time, and whether it is one.
func (b Bound) Time() (time.Time, bool) { return b.time, b.hasTime }

// MarshalJSON writes the bound as a JSON string.
func (b Bound) MarshalJSON() ([]byte, error) { return json.Marshal(b.text) }

// UnmarshalJSON reads a JSON string, or a whole number of milliseconds
// since 1970 (as the reference platform writes its times), which is a
// time and so a bound on the time fields only.
func (b *Bound) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && (data[0] == '-' || data[0] >= '0' && data[0] <= '9') {
		ms, err := strconv.ParseInt(string(data), 10, 64)
		if err != nil || ms < minBoundMillis || ms > maxBoundMillis {
			return fmt.Errorf("a number as a bound is a whole count of milliseconds since 1970, within the years 1678 to 2261")
		}
		*b = *At(time.UnixMilli(ms).UTC())
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("a bound is a JSON string (a text, or an RFC 3339 time on the time fields) or, on the time fields, epoch milliseconds")
	}
	*b = *Text(s)
	return nil
}

// The epoch milliseconds a bound may be: the times a store keeps, in
// nanoseconds of an int64.
const (
	minBoundMillis = math.MinInt64/int64(time.Millisecond) + 1
	maxBoundMillis = math.MaxInt64 / int64(time.Millisecond)
)

// Searchable participant fields.
const (
	FieldCode        = "participant_code"
	FieldName        = "participant_name"
	FieldRoles       = "roles"
	FieldStatus      = "status"
	FieldEmail       = "primary_email"
	FieldMobile      = "primary_mobile"
	FieldSchemeCode  = "scheme_code"
	FieldLinkedCodes = "linked_registry_codes"
	// FieldIFSCCode is the IFSC of the participant's bank account, in its
	// optional payment details, addressed with a dot as the HCX registry
	// specification addresses nested fields. The UPI ID and the account
	// number are financial data and are not searchable.
	FieldIFSCCode  = hcxonboard.FieldIFSCCode
	FieldCreatedAt = "created_at"
	FieldUpdatedAt = "updated_at"
)

const (
	fieldKindString = iota
	fieldKindList
	fieldKindTime
)

var fieldKinds = map[string]int{
	FieldCode: fieldKindString, FieldName: fieldKindString, FieldStatus: fieldKindString,
	FieldEmail: fieldKindString, FieldMobile: fieldKindString,
	FieldSchemeCode: fieldKindString, FieldIFSCCode: fieldKindString,
	FieldRoles: fieldKindList, FieldLinkedCodes: fieldKindList,
	FieldCreatedAt: fieldKindTime, FieldUpdatedAt: fieldKindTime,
}

// Eq, Neq, Contains, NotContains, StartsWith, NotStartsWith, EndsWith and
// NotEndsWith build single-operator conditions.
func Eq(v string) Condition            { return Condition{Eq: &v} }
func Neq(v string) Condition           { return Condition{Neq: &v} }
func Contains(v string) Condition      { return Condition{Contains: &v} }
func NotContains(v string) Condition   { return Condition{NotContains: &v} }
func StartsWith(v string) Condition    { return Condition{StartsWith: &v} }
func NotStartsWith(v string) Condition { return Condition{NotStartsWith: &v} }
func EndsWith(v string) Condition      { return Condition{EndsWith: &v} }
func NotEndsWith(v string) Condition   { return Condition{NotEndsWith: &v} }

// Between builds a between condition, both ends included.
func Between(low, high *Bound) Condition { return Condition{Between: []Bound{*low, *high}} }

// Fields returns the searchable field names, sorted.
func Fields() []string {
	out := make([]string, 0, len(fieldKinds))
	for f := range fieldKinds {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Normalize checks q and returns it with the paging defaults applied: an
// unknown field, a condition with no operator, string operators on a time
// field, a bound on a time field that is not an RFC 3339 time (or one made
// by At on another field), a between without exactly two values, an or
// list of more than MaxQueryValues
// values, a value longer than MaxQueryValueLen bytes, holding a NUL byte or
// not valid UTF-8, a negative offset or one past MaxOffset, a cursor
// this package did not make or a limit over MaxLimit wrap
// ErrInvalidQuery. Every store calls it before it reads anything.
func (q Query) Normalize() (Query, error) {
	for field, c := range q.Filters {
		kind, ok := fieldKinds[field]
		if !ok {
			return q, fmt.Errorf("%w: unknown field %q (searchable: %s)", ErrInvalidQuery, clipName(field), strings.Join(Fields(), ", "))
		}
		if err := c.checkValues(field); err != nil {
			return q, err
		}
		textOps := c.Eq != nil || c.Neq != nil || c.Contains != nil || c.NotContains != nil ||
			c.StartsWith != nil || c.NotStartsWith != nil || c.EndsWith != nil || c.NotEndsWith != nil || len(c.Or) > 0
		bounds := c.bounds()
		switch {
		case !textOps && len(bounds) == 0 && c.Between == nil:
			return q, fmt.Errorf("%w: field %q has no operator", ErrInvalidQuery, field)
		case kind == fieldKindTime && textOps:
			return q, fmt.Errorf("%w: field %q takes only gt, gte, lt, lte and between", ErrInvalidQuery, field)
		}
		for _, b := range bounds {
			if b.b.fromTime() && kind != fieldKindTime {
				return q, fmt.Errorf("%w: field %q: %s is a time, but %q is not a time field", ErrInvalidQuery, field, b.op, field)
			}
			if _, ok := b.b.Time(); kind == fieldKindTime && !ok {
				return q, fmt.Errorf("%w: field %q: %s is not an RFC 3339 time", ErrInvalidQuery, field, b.op)
			}
		}
	}
	if err := checkPaging(q.Offset, q.Cursor); err != nil {
		return q, err
	}
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return q, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, q.Limit, MaxLimit)
	case q.Limit == 0:
		q.Limit = DefaultLimit
	}
	return q, nil
}

// checkValues bounds the values of c. Messages name the field and the
// operator, never the value.
func (c Condition) checkValues(field string) error {
	if len(c.Or) > MaxQueryValues {
		return fmt.Errorf("%w: field %q: or has %d values, at most %d are allowed", ErrInvalidQuery, field, len(c.Or), MaxQueryValues)
	}
	for _, op := range c.texts() {
		if err := checkValue(field, op.name, *op.v); err != nil {
			return err
		}
	}
	for i, v := range c.Or {
		if err := checkValue(field, fmt.Sprintf("or[%d]", i), v); err != nil {
			return err
		}
	}
	if c.Between != nil && len(c.Between) != 2 {
		return fmt.Errorf("%w: field %q: between takes two values, [low, high], not %d", ErrInvalidQuery, field, len(c.Between))
	}
	for _, b := range c.bounds() {
		if err := checkValue(field, b.op, b.b.text); err != nil {
			return err
		}
	}
	return nil
}

type textOp struct {
	name string
	v    *string
}

// texts lists c's single-string operators that are set.
func (c Condition) texts() []textOp {
	var out []textOp
	for _, op := range []textOp{{"eq", c.Eq}, {"neq", c.Neq}, {"contains", c.Contains}, {"notContains", c.NotContains},
		{"startsWith", c.StartsWith}, {"notStartsWith", c.NotStartsWith}, {"endsWith", c.EndsWith}, {"notEndsWith", c.NotEndsWith}} {
		if op.v != nil {
			out = append(out, op)
		}
	}
	return out
}

type boundOp struct {
	op string
	b  *Bound
}

// bounds lists c's ordered comparisons that are set, between's ends
// included.
func (c Condition) bounds() []boundOp {
	var out []boundOp
	for _, op := range []boundOp{{"gt", c.Gt}, {"gte", c.Gte}, {"lt", c.Lt}, {"lte", c.Lte}} {
		if op.b != nil {
			out = append(out, op)
		}
	}
	for i := range c.Between {
		out = append(out, boundOp{fmt.Sprintf("between[%d]", i), &c.Between[i]})
	}
	return out
}

// fromTime reports whether b was made by At, not from a string.
func (b Bound) fromTime() bool { return b.timeOnly }

func checkValue(field, op, v string) error {
	switch {
	case len(v) > MaxQueryValueLen:
		return fmt.Errorf("%w: field %q: %s is %d bytes long, at most %d are allowed", ErrInvalidQuery, field, op, len(v), MaxQueryValueLen)
	case strings.IndexByte(v, 0) >= 0:
		return fmt.Errorf("%w: field %q: %s holds a NUL byte", ErrInvalidQuery, field, op)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: field %q: %s is not valid UTF-8", ErrInvalidQuery, field, op)
	}
	return nil
}

// clipName makes an unknown field name fit to quote in an error: at most
// 64 bytes of valid UTF-8.
func clipName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// Match reports whether p satisfies every condition of q. It is the
// reference semantics that every store's search follows.
func (q Query) Match(p *hcxonboard.Participant) bool {
	for field, c := range q.Filters {
		var ok bool
		if fieldKinds[field] == fieldKindTime {
			ok = c.matchTime(fieldTime(p, field))
		} else {
			ok = c.match(fieldValues(p, field))
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchTime applies the ordered comparisons to a time field.
func (c Condition) matchTime(t time.Time) bool {
	at := func(b *Bound) time.Time { v, _ := b.Time(); return v }
	switch {
	case c.Gt != nil && !t.After(at(c.Gt)),
		c.Gte != nil && t.Before(at(c.Gte)),
		c.Lt != nil && !t.Before(at(c.Lt)),
		c.Lte != nil && t.After(at(c.Lte)),
		len(c.Between) == 2 && (t.Before(at(&c.Between[0])) || t.After(at(&c.Between[1]))):
		return false
	}
	return true
}

// match applies the operators to the values of a string field (one) or a
// list field (any number).
func (c Condition) match(values []string) bool {
	some := func(test func(v string) bool) bool { return slices.ContainsFunc(values, test) }
	fold := func(op *string, f func(s, sub string) bool) func(string) bool {
		sub := strings.ToLower(*op)
		return func(v string) bool { return f(strings.ToLower(v), sub) }
	}
	type check struct {
		op   *string
		f    func(s, sub string) bool
		want bool // some element matches (true) or none does (false)
	}
	for _, ch := range []check{
		{c.Contains, strings.Contains, true}, {c.NotContains, strings.Contains, false},
		{c.StartsWith, strings.HasPrefix, true}, {c.NotStartsWith, strings.HasPrefix, false},
		{c.EndsWith, strings.HasSuffix, true}, {c.NotEndsWith, strings.HasSuffix, false},
	} {
		if ch.op != nil && some(fold(ch.op, ch.f)) != ch.want {
			return false
		}
	}
	text := func(b *Bound) string { return b.text }
	switch {
	case c.Eq != nil && !slices.Contains(values, *c.Eq),
		c.Neq != nil && slices.Contains(values, *c.Neq),
		len(c.Or) > 0 && !some(func(v string) bool { return slices.Contains(c.Or, v) }),
		c.Gt != nil && !some(func(v string) bool { return v > text(c.Gt) }),
		c.Gte != nil && !some(func(v string) bool { return v >= text(c.Gte) }),
		c.Lt != nil && !some(func(v string) bool { return v < text(c.Lt) }),
		c.Lte != nil && !some(func(v string) bool { return v <= text(c.Lte) }),
		len(c.Between) == 2 && !some(func(v string) bool { return v >= c.Between[0].text && v <= c.Between[1].text }):
		return false
	}
	return true
}

func fieldValues(p *hcxonboard.Participant, field string) []string {
	switch field {
	case FieldCode:
		return []string{p.ParticipantCode}
	case FieldName:
		return []string{p.ParticipantName}
	case FieldStatus:
		return []string{string(p.Status)}
	case FieldEmail:
		return []string{p.PrimaryEmail}
	case FieldMobile:
		return []string{p.PrimaryMobile}
	case FieldSchemeCode:
		return []string{p.SchemeCode}
	case FieldIFSCCode:
		// Without payment details, or paid by UPI, the IFSC is empty, as
		// a scheme code that is not set is.
		var ifsc string
		if p.PaymentDetails != nil {
			ifsc = p.PaymentDetails.IFSCCode
		}
		return []string{ifsc}
	case FieldRoles:
		out := make([]string, len(p.Roles))
		for i, r := range p.Roles {
			out[i] = string(r)
		}
		return out
	case FieldLinkedCodes:
		return p.LinkedRegistryCodes
	}
	return nil
}

func fieldTime(p *hcxonboard.Participant, field string) time.Time {
	if field == FieldUpdatedAt {
		return p.UpdatedAt
	}
	return p.CreatedAt
}

// SortParticipants orders ps as every store's search orders its results.
func SortParticipants(ps []hcxonboard.Participant) {
	sort.Slice(ps, func(i, j int) bool {
		if !ps[i].CreatedAt.Equal(ps[j].CreatedAt) {
			return ps[i].CreatedAt.Before(ps[j].CreatedAt)
		}
		return ps[i].ParticipantCode < ps[j].ParticipantCode
	})
}
