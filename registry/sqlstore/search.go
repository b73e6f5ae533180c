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
func endsWithPattern(v string) string   { return "%" + escapeLike(lower(v)) }

// pattern is one LIKE operator of a condition: the value, how it becomes
// a pattern, and whether it must match (some element) or not (none).
type pattern struct {
	v    *string
	make func(string) string
	some bool
}

func patterns(c registry.Condition) []pattern {
	return []pattern{
		{c.Contains, containsPattern, true}, {c.NotContains, containsPattern, false},
		{c.StartsWith, startsWithPattern, true}, {c.NotStartsWith, startsWithPattern, false},
		{c.EndsWith, endsWithPattern, true}, {c.NotEndsWith, endsWithPattern, false},
	}
}

// comparison is one ordered comparison of a condition: the SQL operator
// and the bound. Between is its two ends, gte and lte.
type comparison struct {
	op string
	b  *registry.Bound
}

func comparisons(c registry.Condition) []comparison {
	var out []comparison
	for _, cmp := range []comparison{{">", c.Gt}, {">=", c.Gte}, {"<", c.Lt}, {"<=", c.Lte}} {
		if cmp.b != nil {
			out = append(out, cmp)
		}
	}
	if len(c.Between) == 2 {
		out = append(out, comparison{">=", &c.Between[0]}, comparison{"<=", &c.Between[1]})
	}
	return out
}

// Text columns compare byte by byte in both databases (COLLATE "C" in
// PostgreSQL, BINARY in SQLite), as Go compares strings.
func scalarCondition(b *sqlBuilder, col, lowerCol string, c registry.Condition) {
	if c.Eq != nil {
		b.WriteString(" AND " + col + " = " + b.arg(*c.Eq))
	}
	if c.Neq != nil {
		b.WriteString(" AND " + col + " <> " + b.arg(*c.Neq))
	}
	for _, p := range patterns(c) {
		if p.v == nil {
			continue
		}
		b.WriteString(" AND ")
		if !p.some {
			b.WriteString("NOT ")
		}
		b.WriteString(lowerCol + " LIKE " + b.arg(p.make(*p.v)) + escapeClause)
	}
	if len(c.Or) > 0 {
		b.WriteString(" AND " + col + " IN (" + b.argList(c.Or) + ")")
	}
	for _, cmp := range comparisons(c) {
		b.WriteString(" AND " + col + " " + cmp.op + " " + b.arg(cmp.b.String()))
	}
}

// listCondition tests a participant's participant_values rows of one
// list: some row matches (eq, contains, startsWith, endsWith, or, the
// ordered comparisons) or none does (neq, notContains, notStartsWith,
// notEndsWith). The table's key is (field, value, participant_code). A
// whole value (eq, neq, or) is tested on each candidate's own rows through
// that key, except that an equality on a selective list is written as IN
// (…), so that the database may start from the few participants that have
// the value; so are ranges. A pattern (contains, startsWith, endsWith) is
// matched once, over the list's rows, as IN (…): a key that starts with
// the value cannot find a pattern on one participant's rows. A negated
// pattern is tested on each candidate's own rows.
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
	for _, p := range patterns(c) {
		switch {
		case p.v == nil:
		case p.some:
			among("l.value_lower LIKE " + b.arg(p.make(*p.v)) + escapeClause)
		default:
			own(true, "l.value_lower LIKE "+b.arg(p.make(*p.v))+escapeClause)
		}
	}
	if len(c.Or) > 0 {
		whole("l.value IN (" + b.argList(c.Or) + ")")
	}
	for _, cmp := range []comparison{{">", c.Gt}, {">=", c.Gte}, {"<", c.Lt}, {"<=", c.Lte}} {
		if cmp.b != nil {
			whole("l.value " + cmp.op + " " + b.arg(cmp.b.String()))
		}
	}
	if len(c.Between) == 2 {
		// One element within both ends.
		whole("l.value >= " + b.arg(c.Between[0].String()) + " AND l.value <= " + b.arg(c.Between[1].String()))
	}
}

// timeCondition compares the stored UnixNano with the bounds as
// time.Time.After and Before would. The zero time is stored as
// math.MinInt64 and every other stored time lies within [minTime,
// maxTime], so the mapping keeps order; a bound outside that range is
// decided here.
func timeCondition(b *sqlBuilder, col string, c registry.Condition) {
	for _, cmp := range comparisons(c) {
		t, _ := cmp.b.Time()
		b.WriteString(timeComparison(b, col, cmp.op, t))
	}
}

// timeComparison is "col op t" over stored times: "" when every stored
// time satisfies it.
func timeComparison(b *sqlBuilder, col, op string, t time.Time) string {
	const none = " AND 1=0"
	zero := time.Time{}
	switch {
	case t.Before(zero): // every stored time is after t
		if op == ">" || op == ">=" {
			return ""
		}
		return none
	case t.Equal(zero):
		switch op {
		case ">":
			return " AND " + col + " > " + b.arg(int64(zeroTime))
		case ">=":
			return ""
		case "<":
			return none
		}
		return " AND " + col + " = " + b.arg(int64(zeroTime))
	case t.Before(minTime): // after the zero time, before any other storable one
		if op == ">" || op == ">=" {
			return " AND " + col + " > " + b.arg(int64(zeroTime))
		}
		return " AND " + col + " = " + b.arg(int64(zeroTime))
	case t.After(maxTime): // after every storable time
		if op == "<" || op == "<=" {
			return ""
		}
		return none
	}
	return " AND " + col + " " + op + " " + b.arg(t.UnixNano())
}
