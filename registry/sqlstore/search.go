package sqlstore

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// The SQL each searchable field maps to. Only these fixed names ever go
// into query text; every value is a parameter.
var (
	// scalarColumns: the column and its lower-cased copy.
	scalarColumns = map[string][2]string{
		registry.FieldCode:       {"p.participant_code", "p.code_lower"},
		registry.FieldName:       {"p.participant_name", "p.name_lower"},
		registry.FieldStatus:     {"p.status", "p.status_lower"},
		registry.FieldEmail:      {"p.primary_email", "p.email_lower"},
		registry.FieldMobile:     {"p.primary_mobile", "p.mobile_lower"},
		registry.FieldSchemeCode: {"p.scheme_code", "p.scheme_lower"},
	}
	// listFields: the participant_values field of a list field, and
	// whether its values are selective. A linked registry code names one
	// facility or professional, so an equality on it finds its few
	// participants through the index; a role is shared by many, so a page
	// is read in order and each participant's own roles are tested, which
	// stops at the page's end.
	listFields = map[string]struct {
		field     string
		selective bool
	}{
		registry.FieldRoles:       {valueRole, false},
		registry.FieldLinkedCodes: {valueLinkedCode, true},
	}
	timeColumns = map[string]string{
		registry.FieldCreatedAt: "p.created_at",
		registry.FieldUpdatedAt: "p.updated_at",
	}
)

// sqlBuilder accumulates query text and its numbered parameters.
type sqlBuilder struct {
	strings.Builder
	args []any
}

// arg adds a parameter and returns its placeholder.
func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// argList adds parameters and returns their placeholders, comma-separated.
func (b *sqlBuilder) argList(vs []string) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = b.arg(v)
	}
	return strings.Join(ph, ", ")
}

// searchSQL translates q into a SELECT of (record, created_at, updated_at)
// with the semantics of registry.Query.Match: conditions on different
// fields and the operators of one condition are ANDed; on list fields eq,
// contains, startsWith and or hold when some element matches and neq when
// none equals; contains and startsWith compare strings.ToLower of both
// sides (the stored side is kept lower-cased) with LIKE, the value's
// wildcards escaped.
func searchSQL(q registry.Query) (string, []any, error) {
	q, err := q.Normalize()
	if err != nil {
		return "", nil, err
	}
	fields := make([]string, 0, len(q.Filters))
	for f := range q.Filters {
		fields = append(fields, f)
	}
	sort.Strings(fields) // a stable text for the same query

	var b sqlBuilder
	b.WriteString("SELECT p.record, p.created_at, p.updated_at FROM participants p WHERE 1=1")
	for _, field := range fields {
		c := q.Filters[field]
		switch {
		case scalarColumns[field] != [2]string{}:
			col := scalarColumns[field]
			scalarCondition(&b, col[0], col[1], c)
		case listFields[field].field != "":
			l := listFields[field]
			listCondition(&b, l.field, l.selective, c)
		case timeColumns[field] != "":
			timeCondition(&b, timeColumns[field], c)
		default:
			// Normalize accepted a field this store does not know.
			return "", nil, fmt.Errorf("%w: field %q is not searchable in the SQL store", registry.ErrInvalidQuery, field)
		}
	}
	b.WriteString(" ORDER BY p.created_at, p.participant_code LIMIT " + b.arg(q.Limit) + " OFFSET " + b.arg(q.Offset))
	return b.String(), b.args, nil
}

// escapeClause ends every LIKE.
const escapeClause = " ESCAPE '" + string(likeEscape) + "'"

func containsPattern(v string) string   { return "%" + escapeLike(lower(v)) + "%" }
func startsWithPattern(v string) string { return escapeLike(lower(v)) + "%" }

func scalarCondition(b *sqlBuilder, col, lowerCol string, c registry.Condition) {
	if c.Eq != nil {
		b.WriteString(" AND " + col + " = " + b.arg(*c.Eq))
	}
	if c.Neq != nil {
		b.WriteString(" AND " + col + " <> " + b.arg(*c.Neq))
	}
	if c.Contains != nil {
		b.WriteString(" AND " + lowerCol + " LIKE " + b.arg(containsPattern(*c.Contains)) + escapeClause)
	}
	if c.StartsWith != nil {
		b.WriteString(" AND " + lowerCol + " LIKE " + b.arg(startsWithPattern(*c.StartsWith)) + escapeClause)
	}
	if len(c.Or) > 0 {
		b.WriteString(" AND " + col + " IN (" + b.argList(c.Or) + ")")
	}
}

// listCondition tests a participant's participant_values rows of one
// list: some row matches (eq, contains, startsWith, or) or none equals
// (neq). The table's key is (field, value, participant_code). A whole
// value (eq, neq, or) is tested on each candidate's own rows through that
// key, except that an equality on a selective list is written as IN (…),
// so that the database may start from the few participants that have the
// value. A pattern (contains, startsWith) is matched once, over the
// list's rows, as IN (…): a key that starts with the value cannot find a
// pattern on one participant's rows.
func listCondition(b *sqlBuilder, field string, selective bool, c registry.Condition) {
	own := func(not bool, test string) {
		b.WriteString(" AND ")
		if not {
			b.WriteString("NOT ")
		}
		b.WriteString("EXISTS (SELECT 1 FROM participant_values l WHERE l.field = " + b.arg(field) +
			" AND " + test + " AND l.participant_code = p.participant_code)")
	}
	among := func(test string) {
		b.WriteString(" AND p.participant_code IN (SELECT l.participant_code FROM participant_values l WHERE l.field = " +
			b.arg(field) + " AND " + test + ")")
	}
	whole := func(test string) {
		if selective {
			among(test)
		} else {
			own(false, test)
		}
	}
	if c.Eq != nil {
		whole("l.value = " + b.arg(*c.Eq))
	}
	if c.Neq != nil {
		own(true, "l.value = "+b.arg(*c.Neq))
	}
	if c.Contains != nil {
		among("l.value_lower LIKE " + b.arg(containsPattern(*c.Contains)) + escapeClause)
	}
	if c.StartsWith != nil {
		among("l.value_lower LIKE " + b.arg(startsWithPattern(*c.StartsWith)) + escapeClause)
	}
	if len(c.Or) > 0 {
		whole("l.value IN (" + b.argList(c.Or) + ")")
	}
}

// timeCondition compares the stored UnixNano with gt and lt as
// time.Time.After and Before would: the zero time is stored as
// math.MinInt64, and a bound outside the storable range is decided here.
func timeCondition(b *sqlBuilder, col string, c registry.Condition) {
	if c.Gt != nil {
		t := *c.Gt
		switch {
		case t.Before(time.Time{}): // everything is after it
		case t.After(maxTime): // nothing is
			b.WriteString(" AND 1=0")
		case t.Before(minTime): // the zero time or before any storable time
			b.WriteString(" AND " + col + " > " + b.arg(int64(zeroTime)))
		default:
			b.WriteString(" AND " + col + " > " + b.arg(t.UnixNano()))
		}
	}
	if c.Lt != nil {
		t := *c.Lt
		switch {
		case !t.After(time.Time{}): // nothing is before it
			b.WriteString(" AND 1=0")
		case t.After(maxTime): // everything is
		case t.Before(minTime): // only the zero time is
			b.WriteString(" AND " + col + " = " + b.arg(int64(zeroTime)))
		default:
			b.WriteString(" AND " + col + " < " + b.arg(t.UnixNano()))
		}
	}
}
