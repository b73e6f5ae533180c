package registry

import (
	"fmt"
	"slices"
	"sort"
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
type Query struct {
	Filters map[string]Condition `json:"filters,omitempty"`
	Limit   int                  `json:"limit,omitempty"`
	Offset  int                  `json:"offset,omitempty"`
}

// Condition is one field's test. Every operator set must hold. On list
// fields (roles, linked_registry_codes) eq, contains and startsWith hold when
// some element matches, neq when no element equals the value, and or when
// some element is one of the values. gt and lt apply to the time fields.
// String comparisons are exact, except contains and startsWith, which
// ignore case.
type Condition struct {
	Eq         *string    `json:"eq,omitempty"`
	Neq        *string    `json:"neq,omitempty"`
	Contains   *string    `json:"contains,omitempty"`
	StartsWith *string    `json:"startsWith,omitempty"`
	Or         []string   `json:"or,omitempty"`
	Gt         *time.Time `json:"gt,omitempty"`
	Lt         *time.Time `json:"lt,omitempty"`
}

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
	FieldCreatedAt   = "created_at"
	FieldUpdatedAt   = "updated_at"
)

const (
	fieldKindString = iota
	fieldKindList
	fieldKindTime
)

var fieldKinds = map[string]int{
	FieldCode: fieldKindString, FieldName: fieldKindString, FieldStatus: fieldKindString,
	FieldEmail: fieldKindString, FieldMobile: fieldKindString, FieldSchemeCode: fieldKindString,
	FieldRoles: fieldKindList, FieldLinkedCodes: fieldKindList,
	FieldCreatedAt: fieldKindTime, FieldUpdatedAt: fieldKindTime,
}

// Eq, Neq, Contains and StartsWith build single-operator conditions.
func Eq(v string) Condition         { return Condition{Eq: &v} }
func Neq(v string) Condition        { return Condition{Neq: &v} }
func Contains(v string) Condition   { return Condition{Contains: &v} }
func StartsWith(v string) Condition { return Condition{StartsWith: &v} }

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
// unknown field, a condition with no operator, gt/lt on a non-time field or
// string operators on a time field, an or list of more than MaxQueryValues
// values, a value longer than MaxQueryValueLen bytes, holding a NUL byte or
// not valid UTF-8, a negative offset or a limit over MaxLimit wrap
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
		strOps := c.Eq != nil || c.Neq != nil || c.Contains != nil || c.StartsWith != nil || len(c.Or) > 0
		timeOps := c.Gt != nil || c.Lt != nil
		switch {
		case !strOps && !timeOps:
			return q, fmt.Errorf("%w: field %q has no operator", ErrInvalidQuery, field)
		case kind == fieldKindTime && strOps:
			return q, fmt.Errorf("%w: field %q takes only gt and lt", ErrInvalidQuery, field)
		case kind != fieldKindTime && timeOps:
			return q, fmt.Errorf("%w: gt and lt apply only to %s and %s, not %q", ErrInvalidQuery, FieldCreatedAt, FieldUpdatedAt, field)
		}
	}
	switch {
	case q.Offset < 0:
		return q, fmt.Errorf("%w: negative offset %d", ErrInvalidQuery, q.Offset)
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
	for _, op := range []struct {
		name string
		v    *string
	}{{"eq", c.Eq}, {"neq", c.Neq}, {"contains", c.Contains}, {"startsWith", c.StartsWith}} {
		if op.v != nil {
			if err := checkValue(field, op.name, *op.v); err != nil {
				return err
			}
		}
	}
	for i, v := range c.Or {
		if err := checkValue(field, fmt.Sprintf("or[%d]", i), v); err != nil {
			return err
		}
	}
	return nil
}

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
		if !c.match(fieldValues(p, field), fieldTime(p, field)) {
			return false
		}
	}
	return true
}

func (c Condition) match(values []string, t time.Time) bool {
	if c.Gt != nil && !t.After(*c.Gt) {
		return false
	}
	if c.Lt != nil && !t.Before(*c.Lt) {
		return false
	}
	if c.Eq != nil && !slices.Contains(values, *c.Eq) {
		return false
	}
	if c.Neq != nil && slices.Contains(values, *c.Neq) {
		return false
	}
	if c.Contains != nil && !slices.ContainsFunc(values, func(v string) bool {
		return strings.Contains(strings.ToLower(v), strings.ToLower(*c.Contains))
	}) {
		return false
	}
	if c.StartsWith != nil && !slices.ContainsFunc(values, func(v string) bool {
		return strings.HasPrefix(strings.ToLower(v), strings.ToLower(*c.StartsWith))
	}) {
		return false
	}
	if len(c.Or) > 0 && !slices.ContainsFunc(values, func(v string) bool { return slices.Contains(c.Or, v) }) {
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
