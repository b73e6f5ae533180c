package sqlstore

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// The SQL each searchable field maps to. Only these fixed names ever go
// into query text; every value is a parameter.
var (
	// scalarColumns: the column and its lower-cased copy.
	scalarColumns = map[string][2]string{
		registry.FieldCode:   {"p.participant_code", "p.code_lower"},
		registry.FieldName:   {"p.participant_name", nameLower},
		registry.FieldStatus: {"p.status", "p.status_lower"},
		registry.FieldEmail:  {"p.primary_email", "p.email_lower"},
		registry.FieldMobile: {"p.primary_mobile", "p.mobile_lower"},
		// The scheme code as an expression: a scheme most participants
		// share is read in paging order, not from participants_scheme,
		// which a rare one leads through (see leader).
		registry.FieldSchemeCode: {"(p.scheme_code || '')", "p.scheme_lower"},
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
	// optionalFields: the participant_values field of a string field a
	// participant holds at most one value of, written only when it has
	// one: the IFSC of its payment details. An IFSC names a bank branch,
	// which few participants share, so an equality on it leads as a
	// linked code's does. A participant without one (no payment details,
	// or a UPI ID) has no row, and is matched as registry.Query.Match
	// matches its empty IFSC — as a participant without a scheme code is
	// for scheme_code (see optionalCondition).
	optionalFields = map[string]string{
		registry.FieldIFSCCode: valueIFSC,
	}
	timeColumns = map[string]string{
		registry.FieldCreatedAt: "p.created_at",
		// As an expression: a wide range is read in paging order; a
		// narrow one leads through participants_updated (see leader).
		registry.FieldUpdatedAt: "(p.updated_at + 0)",
	}
)

const nameLower = "p.name_lower"

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

// searchPlan is how a search reads: in paging order from
// participants_created (drive == nil), stopping at the page's end, or
// from the few participants one selective condition names (drive, a leader), whose
// matches are then sorted. SearchParticipants picks the leader by counting,
// up to a bound, the rows its index holds (see leader).
type searchPlan struct {
	dialect Dialect
	drive   *leader
}

// searchSQL translates q into a SELECT of (record, created_at, updated_at,
// participant_code) with the semantics of registry.Query.Match:
// conditions on different fields and the operators of one condition are
// ANDed; on list fields eq, contains, startsWith and or hold when some
// element matches and neq when none equals; contains and startsWith
// compare strings.ToLower of both sides (the stored side is kept
// lower-cased) with LIKE, the value's wildcards escaped. q is normalized.
func searchSQL(q registry.Query, plan searchPlan) (string, []any, error) {
	fields := make([]string, 0, len(q.Filters))
	for f := range q.Filters {
		fields = append(fields, f)
	}
	sort.Strings(fields) // a stable text for the same query

	var b sqlBuilder
	b.WriteString("SELECT p.record, p.created_at, p.updated_at, p.participant_code FROM participants p WHERE 1=1")
	if d := plan.drive; d != nil {
		d.where(&b, plan.dialect)
	}
	for _, field := range fields {
		c := q.Filters[field]
		if d := plan.drive; d != nil && d.list == field {
			// The leader's own condition is written once.
			if d.or {
				c.Or = nil
			} else {
				c.Eq = nil
			}
			if reflect.ValueOf(c).IsZero() {
				continue
			}
		}
		switch {
		case scalarColumns[field] != [2]string{}:
			col := scalarColumns[field]
			scalarCondition(&b, col[0], col[1], c)
		case listFields[field].field != "":
			l := listFields[field]
			listCondition(&b, l.field, l.selective, c)
		case optionalFields[field] != "":
			optionalCondition(&b, field, c)
		case timeColumns[field] != "":
			timeCondition(&b, timeColumns[field], c)
		default:
			// Normalize accepted a field this store does not know.
			return "", nil, fmt.Errorf("%w: field %q is not searchable in the SQL store", registry.ErrInvalidQuery, field)
		}
	}
	if q.Cursor != "" {
		pos, err := registry.DecodeCursor(q.Cursor)
		if err != nil {
			return "", nil, err
		}
		b.WriteString(" AND (p.created_at, p.participant_code) > (" + b.arg(positionTime(pos)) + ", " + b.arg(pos.Key) + ")")
	}
	order := "p.created_at"
	if plan.drive != nil {
		// Not the order of participants_created, so that the database
		// starts from the leader's few rows and sorts them.
		order = "p.created_at + 0"
	}
	b.WriteString(" ORDER BY " + order + ", p.participant_code LIMIT " + b.arg(q.Limit) + " OFFSET " + b.arg(q.Offset))
	return b.String(), b.args, nil
}

// positionTime is a cursor position's time as stored.
func positionTime(p registry.Position) int64 {
	if p.CreatedAt.IsZero() {
		return zeroTime
	}
	return p.CreatedAt.UnixNano()
}

// A leader is a condition that can name its participants through an index
// of its own: an equality (eq, or) on roles or linked registry codes, read
// from participant_values' key; eq and startsWith on participant_name,
// read from participants_name_lower; contains and endsWith on
// participant_name, read from the trigram index (SQLite's FTS5
// participants_name, PostgreSQL's participants_name_trgm where pg_trgm
// was available), and on participant_code, primary_email and
// primary_mobile from theirs (participants_contacts; participants_code_trgm,
// …_email_trgm, …_mobile_trgm). A planner's estimate of a LIKE is a guess; a count is
// not.
type leader struct {
	// test is a list's start, pattern or range (on participant_values
	// l, of the list field): a leader of its own, counted and led
	// through participant_values like the list's values.
	test   func(b *sqlBuilder, own bool) string
	list   string   // the list field (registry.FieldRoles, FieldLinkedCodes)
	or     bool     // the list's or leads, not its eq
	field  string   // participant_values.field, or "" for the name
	values []string // the list values
	like   string   // the trigram LIKE pattern on likeCol
	// likeCol is the lower-cased column like is on (name_lower,
	// code_lower, email_lower, mobile_lower), fts SQLite's FTS5 table
	// indexing it.
	likeCol, fts string
	col          string // the indexed column low is for: p.name_lower when ""
	// updated is a range of updated_at, read from participants_updated;
	// codes a range of participant_code, read from its primary key.
	updated, codes *registry.Condition
	low            string // col equals it (eq), or starts with it
	eq             bool
	in             []string // col is one of them (a scalar field's or)
}

// column is the indexed column of an eq or startsWith leader.
func (d *leader) column() string {
	if d.col == "" {
		return nameLower
	}
	return d.col
}

// prefixLeaders are the scalar fields whose eq, or and startsWith may lead
// through an index of their lower-cased column (schema version 14); the
// name is led as well, below. A code's eq and or are its primary key's,
// and a range of codes leads through it too. The scheme code and a
// status's or lead by their own columns, compared as given.
var prefixLeaders = []struct {
	field, col string
	startsWith bool
}{
	{registry.FieldCode, "p.code_lower", true},
	{registry.FieldEmail, "p.email_lower", true},
	{registry.FieldMobile, "p.mobile_lower", true},
	{registry.FieldSchemeCode, "p.scheme_code", false},
	// A status's or only: its eq reads participants_status (status,
	// created_at, code) in paging order, a page whatever the count.
	{registry.FieldStatus, "p.status", false},
}

// leaders lists q's conditions that could drive a search.
func leaders(q registry.Query, d Dialect, idx trigramIndexes) []*leader {
	var out []*leader
	for _, field := range []string{registry.FieldLinkedCodes, registry.FieldRoles, registry.FieldIFSCCode} {
		c, ok := q.Filters[field]
		if !ok {
			continue
		}
		vf := listFields[field].field
		if of, optional := optionalFields[field]; optional {
			if absentMatches(field, c) {
				// A participant without a row matches: no index of
				// participant_values names every match.
				continue
			}
			vf = of
		}
		if c.Eq != nil {
			out = append(out, &leader{list: field, field: vf, values: []string{*c.Eq}})
		}
		if len(c.Or) > 0 {
			out = append(out, &leader{list: field, or: true, field: vf, values: c.Or})
		}
		// The condition the leader stands for stays written too
		// (listCondition, optionalCondition), tested on each of its few
		// matches.
		for _, test := range listTests(c) {
			out = append(out, &leader{field: vf, test: test})
		}
	}
	if c, ok := q.Filters[registry.FieldUpdatedAt]; ok && len(comparisons(c)) > 0 {
		out = append(out, &leader{updated: &c})
	}
	if c, ok := q.Filters[registry.FieldCode]; ok && len(comparisons(c)) > 0 {
		out = append(out, &leader{codes: &c})
	}
	for _, pl := range prefixLeaders {
		c, ok := q.Filters[pl.field]
		if !ok {
			continue
		}
		if c.Eq != nil && pl.field != registry.FieldCode && pl.field != registry.FieldStatus {
			v := *c.Eq
			if pl.startsWith {
				v = lower(v)
			}
			out = append(out, &leader{col: pl.col, low: v, eq: true})
		}
		if len(c.Or) > 0 && pl.field != registry.FieldCode {
			vs := c.Or
			if pl.startsWith {
				vs = lowerAll(vs)
			}
			out = append(out, &leader{col: pl.col, in: vs})
		}
		if pl.startsWith && c.StartsWith != nil && *c.StartsWith != "" {
			out = append(out, &leader{col: pl.col, low: lower(*c.StartsWith)})
		}
	}
	if c, ok := q.Filters[registry.FieldName]; ok {
		if c.Eq != nil {
			out = append(out, &leader{low: lower(*c.Eq), eq: true})
		}
		if len(c.Or) > 0 {
			out = append(out, &leader{col: nameLower, in: lowerAll(c.Or)})
		}
		if c.StartsWith != nil && *c.StartsWith != "" {
			out = append(out, &leader{low: lower(*c.StartsWith)})
		}
	}
	for _, t := range trigramLeaders {
		c, ok := q.Filters[t.field]
		if !ok || !(t.field == registry.FieldName && idx.names || t.field != registry.FieldName && idx.contacts) {
			continue
		}
		for _, v := range []*string{c.Contains, c.EndsWith} {
			switch {
			case v == nil || utf8.RuneCountInString(*v) < 3:
				// A trigram index needs three characters.
			case d == Postgres:
				pat := endsWithPattern(*v)
				if v == c.Contains {
					pat = containsPattern(*v)
				}
				out = append(out, &leader{like: pat, likeCol: t.col})
			case !strings.ContainsAny(*v, "%_"):
				// FTS5 answers a LIKE without ESCAPE.
				pat := "%" + lower(*v)
				if v == c.Contains {
					pat += "%"
				}
				out = append(out, &leader{like: pat, likeCol: t.col, fts: t.fts})
			}
		}
	}
	return out
}

// trigramIndexes says which trigram indexes a store has: the name's
// (always on SQLite; on PostgreSQL where pg_trgm was available to schema
// version 8) and the code's, e-mail's and mobile's (version 15).
type trigramIndexes struct{ names, contacts bool }

// trigramLeaders are the fields whose contains and endsWith may lead
// through a trigram index: the lower-cased column, and on SQLite the FTS5
// table that indexes it.
var trigramLeaders = []struct{ field, col, fts string }{
	{registry.FieldName, "name_lower", "participants_name"},
	{registry.FieldCode, "code_lower", "participants_contacts"},
	{registry.FieldEmail, "email_lower", "participants_contacts"},
	{registry.FieldMobile, "mobile_lower", "participants_contacts"},
}

// lowerAll is vs lower-cased.
func lowerAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = lower(v)
	}
	return out
}

// prefixEnd is the least valid UTF-8 string above every string starting
// with s — s with its last character raised by one (UTF-8's byte order is
// its characters' order) — or "" when there is none (s is all
// utf8.MaxRune). Raising the last byte instead would make invalid UTF-8
// of a prefix ending in a byte 0xBF ("п"), which PostgreSQL refuses.
func prefixEnd(s string) string {
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		switch {
		case r == utf8.MaxRune:
			continue // nothing above it: raise the character before
		case r == 0xD7FF:
			r = 0xE000 // past the surrogates, which UTF-8 does not encode
		default:
			r++
		}
		return s + string(r)
	}
	return ""
}

// prefixRange writes the condition col starts with low: col >= low, and
// below prefixEnd(low) when there is such a string.
func prefixRange(b *sqlBuilder, col, low string) {
	b.WriteString(col + " >= " + b.arg(low))
	if high := prefixEnd(low); high != "" {
		b.WriteString(" AND " + col + " < " + b.arg(high))
	}
}

// countSQL counts, up to limit, the rows the leader's index holds.
func (d *leader) countSQL(dialect Dialect, limit int) (string, []any) {
	var b sqlBuilder
	b.WriteString("SELECT count(*) FROM (SELECT 1 FROM ")
	switch {
	case d.test != nil:
		b.WriteString("participant_values l WHERE l.field = " + b.arg(d.field) + " AND " + d.test(&b, false))
	case d.field != "":
		b.WriteString("participant_values l WHERE l.field = " + b.arg(d.field) + " AND l.value IN (" + b.argList(d.values) + ")")
	case d.like != "" && dialect == Postgres:
		b.WriteString("participants p WHERE p." + d.likeCol + " LIKE " + b.arg(d.like) + escapeClause)
	case d.like != "":
		b.WriteString(d.fts + " WHERE " + d.fts + "." + d.likeCol + " LIKE " + b.arg(d.like))
	case d.updated != nil:
		b.WriteString("participants p WHERE 1=1")
		timeCondition(&b, "p.updated_at", *d.updated)
	case d.codes != nil:
		b.WriteString("participants p WHERE 1=1")
		stringComparisons(&b, "p.participant_code", *d.codes)
	case d.in != nil:
		b.WriteString("participants p WHERE " + d.column() + " IN (" + b.argList(d.in) + ")")
	case d.eq:
		b.WriteString("participants p WHERE " + d.column() + " = " + b.arg(d.low))
	default:
		b.WriteString("participants p WHERE ")
		prefixRange(&b, d.column(), d.low)
	}
	b.WriteString(" LIMIT " + b.arg(limit) + ") x")
	return b.String(), b.args
}

// where adds the leader's condition; the condition it stands for is added
// as well, so the leader may find more than it holds.
func (d *leader) where(b *sqlBuilder, dialect Dialect) {
	switch {
	case d.test != nil:
		b.WriteString(" AND p.participant_code IN (SELECT l.participant_code FROM participant_values l WHERE l.field = " +
			b.arg(d.field) + " AND " + d.test(b, false) + ")")
	case d.field != "":
		b.WriteString(" AND p.participant_code IN (SELECT l.participant_code FROM participant_values l WHERE l.field = " +
			b.arg(d.field) + " AND l.value IN (" + b.argList(d.values) + "))")
	case d.like != "" && dialect == Postgres:
		b.WriteString(" AND p." + d.likeCol + " LIKE " + b.arg(d.like) + escapeClause)
	case d.like != "":
		b.WriteString(" AND p.rowid IN (SELECT rowid FROM " + d.fts + " WHERE " + d.fts + "." + d.likeCol + " LIKE " + b.arg(d.like) + ")")
	case d.updated != nil:
		timeCondition(b, "p.updated_at", *d.updated)
	case d.codes != nil:
		stringComparisons(b, "p.participant_code", *d.codes)
	case d.in != nil:
		b.WriteString(" AND " + d.column() + " IN (" + b.argList(d.in) + ")")
	case d.eq:
		b.WriteString(" AND " + d.column() + " = " + b.arg(d.low))
	default:
		b.WriteString(" AND ")
		prefixRange(b, d.column(), d.low)
	}
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
//
// On participant_name, participant_code, primary_email and
// primary_mobile, whose lower-cased copies are indexed, eq and startsWith
// also constrain the copy (a value equal to v has a copy equal to
// lower(v)), so that the index may serve them.
func scalarCondition(b *sqlBuilder, col, lowerCol string, c registry.Condition) {
	indexed := lowerCol == nameLower || lowerCol == "p.code_lower" || lowerCol == "p.email_lower" || lowerCol == "p.mobile_lower"
	copyCol := lowerCol
	if indexed && lowerCol != nameLower {
		// As an expression: a prefix many share (every mobile starts with
		// 9) is read in paging order; a rare one leads through the index
		// (see leader), which writes the column itself.
		copyCol = "(" + lowerCol + " || '')"
	}
	if c.Eq != nil {
		b.WriteString(" AND " + col + " = " + b.arg(*c.Eq))
		if indexed && lowerCol != "p.code_lower" { // a code's eq has its primary key
			b.WriteString(" AND " + copyCol + " = " + b.arg(lower(*c.Eq)))
		}
	}
	if c.StartsWith != nil && *c.StartsWith != "" && indexed {
		b.WriteString(" AND ")
		prefixRange(b, copyCol, lower(*c.StartsWith))
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
		orCol := col
		if col == "p.status" {
			// As an expression: statuses most participants hold are read
			// in paging order; a rare pair leads through participants_status
			// (see leader), which writes the column itself.
			orCol = "(p.status || '')"
		}
		b.WriteString(" AND " + orCol + " IN (" + b.argList(c.Or) + ")")
	}
	if col == "p.participant_code" {
		// As an expression: a wide range of codes is read in paging
		// order; a narrow one leads through the primary key (see leader).
		col = "(p.participant_code || '')"
	}
	stringComparisons(b, col, c)
}

// stringComparisons writes c's gt, gte, lt, lte and between on col.
func stringComparisons(b *sqlBuilder, col string, c registry.Condition) {
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
// the value. A start, pattern or range (listTests) and a negated pattern
// are tested on each candidate's own rows through participant_values_own
// (participant_code, field, value_lower; schema version 17), a handful of
// rows, so that a page read in order stops at its end; where few
// participants match one, it leads instead (see leaders).
func listCondition(b *sqlBuilder, field string, selective bool, c registry.Condition) {
	own := func(not bool, test string) {
		// A scalar subquery, not EXISTS: PostgreSQL would plan EXISTS as a
		// semi-join, reading every participant with the value before the
		// first page; a subquery is tested per participant read in
		// paging order, which stops at the page's end.
		b.WriteString(" AND ")
		if not {
			b.WriteString("NOT ")
		}
		b.WriteString("coalesce((SELECT 1 = 1 FROM participant_values l WHERE l.field = " + b.arg(field) +
			" AND " + test + " AND l.participant_code = p.participant_code LIMIT 1), 1 = 0)")
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
	for _, test := range listTests(c) {
		own(false, test(b, true))
	}
	for _, p := range patterns(c) {
		if p.v != nil && !p.some {
			own(true, "l.value_lower LIKE "+b.arg(p.make(*p.v))+escapeClause)
		}
	}
	if len(c.Or) > 0 {
		whole("l.value IN (" + b.argList(c.Or) + ")")
	}
}

// optionalCondition tests a participant's one participant_values row of
// an optional field (optionalFields), or its lack of one, with the
// semantics of registry.Query.Match for a string field: a participant
// with a row is tested on its value, as listCondition tests a list of one;
// a participant without one holds the empty string, which satisfies neq
// "x" and notContains "x" but not eq "x" or contains "x" — and, the
// operand empty, eq "", contains "" and lt "x", but not neq "" or
// notContains "". listCondition alone matches a participant without rows
// as an empty list: every negative operator, no positive one. Where c
// decides otherwise for the empty string, the lack of a row is tested
// too.
func optionalCondition(b *sqlBuilder, field string, c registry.Condition) {
	vf := optionalFields[field]
	absent := absentMatches(field, c)
	if absent == absentMatches(registry.FieldLinkedCodes, c) {
		listCondition(b, vf, true, c)
		return
	}
	has := "coalesce((SELECT 1 = 1 FROM participant_values l WHERE l.field = " + b.arg(vf) +
		" AND l.participant_code = p.participant_code LIMIT 1), 1 = 0)"
	var r sqlBuilder
	r.args = b.args
	r.WriteString("1=1")
	listCondition(&r, vf, true, c)
	b.args = r.args
	if absent {
		b.WriteString(" AND (NOT " + has + " OR (" + r.String() + "))")
	} else {
		b.WriteString(" AND " + has + " AND (" + r.String() + ")")
	}
}

// absentMatches reports whether c on field holds for a participant that
// has none of it set (no payment details, no linked codes …), as
// registry.Query.Match decides: the reference semantics, not a copy.
func absentMatches(field string, c registry.Condition) bool {
	return registry.Query{Filters: map[string]registry.Condition{field: c}}.Match(&hcxonboard.Participant{})
}

// listTests are the tests on one participant_values row (l) of c's
// start, patterns and ordered comparisons on a list: some row must pass
// each. Each is a leader (see leaders) and is written per participant
// (listCondition, own): there a range compares (l.value || ”), which no
// index holds, so that the database finds the participant's rows by
// participant_values_own rather than every value in the range by the
// primary key.
func listTests(c registry.Condition) []func(b *sqlBuilder, own bool) string {
	var out []func(b *sqlBuilder, own bool) string
	value := func(own bool) string {
		if own {
			return "(l.value || '')"
		}
		return "l.value"
	}
	if v := c.StartsWith; v != nil && *v != "" {
		out = append(out, func(b *sqlBuilder, _ bool) string {
			// From where the start begins: participant_values_lower, or
			// the participant's own rows (participant_values_own).
			var r sqlBuilder
			r.args = b.args
			prefixRange(&r, "l.value_lower", lower(*v))
			b.args = r.args
			return r.String() + " AND l.value_lower LIKE " + b.arg(startsWithPattern(*v)) + escapeClause
		})
	}
	for _, p := range patterns(c) {
		if p.v == nil || !p.some || (p.v == c.StartsWith && *p.v != "") {
			continue
		}
		out = append(out, func(b *sqlBuilder, _ bool) string {
			return "l.value_lower LIKE " + b.arg(p.make(*p.v)) + escapeClause
		})
	}
	for _, cmp := range []comparison{{">", c.Gt}, {">=", c.Gte}, {"<", c.Lt}, {"<=", c.Lte}} {
		if cmp.b != nil {
			out = append(out, func(b *sqlBuilder, own bool) string { return value(own) + " " + cmp.op + " " + b.arg(cmp.b.String()) })
		}
	}
	if len(c.Between) == 2 {
		// One element within both ends.
		lo, hi := c.Between[0], c.Between[1]
		out = append(out, func(b *sqlBuilder, own bool) string {
			return value(own) + " >= " + b.arg(lo.String()) + " AND " + value(own) + " <= " + b.arg(hi.String())
		})
	}
	return out
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
