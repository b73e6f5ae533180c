package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// On PostgreSQL, with 40,000 participants and statistics gathered (the
// planner's own choice: no enable_seqscan = off), the positive string
// operators read through an index, never a sequential scan of the table.
func TestPostgresContainsPlansWithRealStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlstoretest.Postgres(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Participant i is the live provider "City Hospital <i>", code
	// <i>@hcx, linked to IN<i>, as Load stored them before; written by SQL
	// (TestPostgresContainsFillMatchesLoad checks the rows against Load's).
	fillBySQL(t, s, "applications, participants, participant_values", participantsBySQL(0, 39999, start)...)
	for name, f := range map[string]map[string]registry.Condition{
		"name contains":   {registry.FieldName: registry.Contains("qqzqx")}, // passes: the trigram index
		"email contains":  {registry.FieldEmail: registry.Contains("qqzqx")},
		"email endsWith":  {registry.FieldEmail: registry.EndsWith("qqzqx")},
		"mobile contains": {registry.FieldMobile: registry.Contains("1234x")},
		"code contains":   {registry.FieldCode: registry.Contains("qqzqx")},
	} {
		text, args, err := sqlstore.SearchSQL(ctx, s, registry.Query{Filters: f, Limit: 100})
		require.NoError(t, err)
		plan := explain(t, s, text, args)
		assert.NotContains(t, plan, "Seq Scan", "%s reads the whole table:\n%s", name, plan)
	}
	// A start, pattern, range or negated pattern on a list that every
	// participant passes reads a page in paging order, each participant's
	// own values by participant_values_own: no scan, no sort of every
	// match.
	for name, f := range map[string]map[string]registry.Condition{
		"role startsWith, everyone":     {registry.FieldRoles: registry.StartsWith("provider")},
		"role contains, everyone":       {registry.FieldRoles: registry.Contains("vide")},
		"linked code contains, all":     {registry.FieldLinkedCodes: registry.Contains("in00")},
		"linked code between, all":      {registry.FieldLinkedCodes: registry.Between(registry.Text("IN"), registry.Text("IO"))},
		"linked code notContains, none": {registry.FieldLinkedCodes: {NotContains: ptr("qqzqx")}},
		// None of these participants has payment details: the empty IFSC
		// that each holds decides these. With no IFSC row at all, the
		// planner may look a participant's up by participant_values_lower
		// (field, …), which holds none, rather than by
		// participant_values_own: an index either way.
		"IFSC eq empty, everyone":  {registry.FieldIFSCCode: registry.Eq("")},
		"IFSC notContains, none":   {registry.FieldIFSCCode: {NotContains: ptr("sbin")}},
		"IFSC lt, everyone":        {registry.FieldIFSCCode: {Lt: registry.Text("SBIN")}},
		"IFSC neq and eq empty":    {registry.FieldIFSCCode: {Neq: ptr("SBIN0001234"), Eq: ptr("")}},
		"IFSC contains the empty":  {registry.FieldIFSCCode: registry.Contains("")},
		"IFSC notEndsWith nothing": {registry.FieldIFSCCode: {NotEndsWith: ptr("1234")}},
	} {
		text, args, err := sqlstore.SearchSQL(ctx, s, registry.Query{Filters: f, Limit: 100})
		require.NoError(t, err)
		plan := explain(t, s, text, args)
		assert.NotContains(t, plan, "Seq Scan", "%s reads the whole table:\n%s", name, plan)
		assert.NotRegexp(t, `(?m)^\s*(->\s*)?(Incremental )?Sort\b`, plan, "%s reads in paging order:\n%s", name, plan)
		own := "participant_values_own"
		if strings.HasPrefix(name, "IFSC ") {
			own = "participant_values_(own|lower)"
		}
		assert.Regexp(t, own, plan, "%s tests each participant's own values:\n%s", name, plan)
	}
	// None of these participants has payment details: an IFSC leads
	// through participant_values' key, finding none.
	text, args, err := sqlstore.SearchSQL(ctx, s, registry.Query{Filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Eq("SBIN0001234")}, Limit: 100})
	require.NoError(t, err)
	plan := explain(t, s, text, args)
	assert.NotContains(t, plan, "Seq Scan", "IFSC eq reads the whole table:\n%s", plan)
	assert.Contains(t, plan, "participant_values_pkey", "IFSC eq leads through the key:\n%s", plan)
}

func ptr(s string) *string { return &s }

// participantsBySQL writes live providers first to last (their number i
// padded to seven digits): "City Hospital <i>", code <i>@hcx, e-mail
// admin<i>@h<i>.example.in, mobile 98<i padded to eight>, linked to
// IN<i padded to ten>, created and updated i seconds after start, with
// their applications, as Load writes them.
func participantsBySQL(first, last int, start time.Time) []sqlFill {
	series := fmt.Sprintf("generate_series(%d, %d) i", first, last)
	at := `$1::bigint + i::bigint * 1000000000`
	code := `lpad(i::text, 7, '0') || '@hcx'`
	name := `'City Hospital ' || lpad(i::text, 7, '0')`
	email := `'admin' || i || '@h' || i || '.example.in'`
	mobile := `'98' || lpad(i::text, 8, '0')`
	linked := `'IN' || lpad(i::text, 10, '0')`
	stamp := `to_char(to_timestamp((` + at + `) / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
	args := []any{start.UnixNano()}
	return []sqlFill{
		{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state, claims, due_at, waiting_on)
		SELECT 'app-' || ` + code + `, NULL, ` + code + `, 'live', '[]', 1, ` + at + `, ` + at + `, '\x7b7d'::bytea, '[]', NULL, '[]'
		FROM ` + series, args},
		{`INSERT INTO participants (participant_code, participant_name, status, primary_email, primary_mobile, scheme_code,
			code_lower, name_lower, status_lower, email_lower, mobile_lower, scheme_lower, created_at, updated_at, record)
		SELECT ` + code + `, ` + name + `, 'Active', ` + email + `, ` + mobile + `, '',
			lower(` + code + `), lower(` + name + `), 'active', lower(` + email + `), ` + mobile + `, '', ` + at + `, ` + at + `,
			jsonb_build_object('participant_code', ` + code + `, 'participant_name', ` + name + `, 'roles', '["provider"]'::jsonb,
				'primary_email', ` + email + `, 'primary_mobile', ` + mobile + `, 'status', 'Active',
				'linked_registry_codes', jsonb_build_array(` + linked + `), 'created_at', ` + stamp + `, 'updated_at', ` + stamp + `)
		FROM ` + series, args},
		{`INSERT INTO participant_values (field, value, participant_code, value_lower)
		SELECT 'role', 'provider', ` + code + `, 'provider' FROM ` + series + `
		UNION ALL
		SELECT 'linked_code', ` + linked + `, ` + code + `, lower(` + linked + `) FROM ` + series, nil},
	}
}

// The rows participantsBySQL writes are the rows Load writes for the same
// participants, column for column (the record as JSON).
func TestPostgresContainsFillMatchesLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	loaded, bySQL := sqlstoretest.Postgres(t), sqlstoretest.Postgres(t)
	var ws []registry.Write
	for i := range 3 {
		at := start.Add(time.Duration(i) * time.Second)
		code := fmt.Sprintf("%07d@hcx", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: fmt.Sprintf("City Hospital %07d", i),
			Roles: []hcxonboard.Role{hcxonboard.RoleProvider}, PrimaryEmail: fmt.Sprintf("admin%d@h%d.example.in", i, i),
			PrimaryMobile: fmt.Sprintf("98%08d", i), Status: hcxonboard.StatusActive,
			LinkedRegistryCodes: []string{fmt.Sprintf("IN%010d", i)}, CreatedAt: at, UpdatedAt: at}
		ws = append(ws, registry.Write{Application: &registry.Application{ID: "app-" + code, ParticipantCode: code,
			Stage: registry.StageLive, CreatedAt: at, UpdatedAt: at, State: []byte(`{}`)}, Participant: p})
	}
	require.NoError(t, loaded.Load(ctx, ws))
	fillBySQL(t, bySQL, "applications, participants, participant_values", participantsBySQL(0, 2, start)...)
	rows := func(s *sqlstore.Store, query string) []string {
		t.Helper()
		r, err := sqlstore.DBOf(s).QueryContext(ctx, query)
		require.NoError(t, err)
		defer r.Close()
		var out []string
		for r.Next() {
			var row string
			require.NoError(t, r.Scan(&row))
			out = append(out, row)
		}
		require.NoError(t, r.Err())
		return out
	}
	for _, query := range []string{
		`SELECT row_to_json(a)::text FROM (SELECT * FROM applications ORDER BY id) a`,
		`SELECT row_to_json(p)::text FROM (SELECT participant_code, participant_name, status, primary_email, primary_mobile, scheme_code,
			code_lower, name_lower, status_lower, email_lower, mobile_lower, scheme_lower, created_at, updated_at FROM participants ORDER BY participant_code) p`,
		`SELECT record::text FROM participants ORDER BY participant_code`,
		`SELECT row_to_json(v)::text FROM (SELECT * FROM participant_values ORDER BY participant_code, field, value) v`,
	} {
		want := rows(loaded, query)
		require.Len(t, want, 3+3*strings.Count(query, "participant_values"), query)
		assert.Equal(t, want, rows(bySQL, query), query)
	}
}

// On PostgreSQL, with 200,000 applications waiting on approval across 36
// payers (a fifth of them awaiting two) and statistics gathered (no
// enable_seqscan = off), a payer's page of the applications awaiting it
// (onboarding's ApprovalRequests and ApprovalRequestsPage) reads that
// payer's rows of the queue index in paging order, not every application
// waiting on approval nor a table whole. The rows are written by SQL, as
// the store writes them, which is faster than Load at this size; the
// planner chooses by the table's size, and a table of a few tens of
// thousands is read whole for a page of MaxLimit, as it should be.
func TestPostgresPayerApprovalsPlanWithRealStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlstoretest.Postgres(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fillBySQL(t, s, "applications, application_waiting",
		sqlFill{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state, claims, due_at, waiting_on)
		SELECT 'app-' || lpad(i::text, 7, '0'), NULL, '', 'verifying', '["approval"]', 1, $1::bigint + i::bigint * 1000000000, $1::bigint + i::bigint * 1000000000,
			'\x7b7d'::bytea, '[]', NULL,
			CASE WHEN i % 5 = 0 THEN json_build_array('payer-' || lpad((i % 36)::text, 2, '0') || '@hcx', 'payer-' || lpad(((i + 1) % 36)::text, 2, '0') || '@hcx')
			ELSE json_build_array('payer-' || lpad((i % 36)::text, 2, '0') || '@hcx') END::text
		FROM generate_series(0, 199999) i`, []any{start.UnixNano()}},
		// Each application's rows: its kind, then each awaited code.
		sqlFill{`INSERT INTO application_waiting (application_id, kind, stage, created_at)
		SELECT a.id, k.kind, a.stage, a.created_at
		FROM applications a, LATERAL (SELECT 'approval' UNION ALL SELECT '@' || j FROM json_array_elements_text(a.waiting_on::json) j) k(kind)`, nil},
	)
	cursor := registry.EncodeCursor(registry.Position{CreatedAt: start.Add(27 * time.Hour), Key: "app-0097200"})
	for name, f := range map[string]registry.ApplicationFilter{
		"a payer's first page":         {Stage: registry.StageVerifying, WaitingOn: "payer-07@hcx", Limit: registry.DefaultLimit + 1},
		"a payer's next page":          {Stage: registry.StageVerifying, WaitingOn: "payer-07@hcx", Limit: registry.DefaultLimit + 1, Cursor: cursor},
		"a payer's largest first page": {Stage: registry.StageVerifying, WaitingOn: "payer-07@hcx", Limit: registry.MaxLimit},
		"a payer's largest next page":  {Stage: registry.StageVerifying, WaitingOn: "payer-07@hcx", Limit: registry.MaxLimit, Cursor: cursor},
	} {
		text, args, err := sqlstore.ListSQL(s, f)
		require.NoError(t, err)
		plan := explain(t, s, text, args)
		assert.NotContains(t, plan, "Seq Scan", "%s reads a whole table:\n%s", name, plan)
		assert.Regexp(t, `Index (Only )?Scan using application_waiting_(stage_)?queue on application_waiting`, plan, "%s reads the queue index:\n%s", name, plan)
		assert.NotRegexp(t, `(?m)^\s*(->\s*)?(Incremental )?Sort\b`, plan, "%s reads in paging order:\n%s", name, plan)
	}
	got, err := s.ListApplications(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "payer-07@hcx", Limit: registry.MaxLimit})
	require.NoError(t, err)
	require.Len(t, got, registry.MaxLimit)
	for _, a := range got {
		require.Contains(t, a.WaitingOn, "payer-07@hcx", "application %s", a.ID)
		require.Equal(t, []string{"approval"}, a.Waiting, "application %s", a.ID)
	}
}

// On PostgreSQL, with 200,000 audit events and statistics gathered (no
// enable_seqscan = off): 1,000 applications with 100 events each and one
// long-lived participant's application with 100,000, a page of a trail
// (EventsAfter) walks audit_events_pkey from the sequence number it
// starts after, in order, on a short trail and on the long one, from its
// start, its middle and its end. The rows are written by SQL, as the
// store writes them.
func TestPostgresEventsAfterPlanWithRealStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlstoretest.Postgres(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fillBySQL(t, s, "applications, audit_events",
		sqlFill{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state, claims, due_at, waiting_on)
		SELECT 'app-' || lpad(i::text, 7, '0'), NULL, '', 'live', '[]', 1, $1::bigint + i::bigint * 1000000000, $1::bigint + i::bigint * 1000000000,
			'\x7b7d'::bytea, '[]', NULL, '[]'
		FROM generate_series(0, 1000) i`, []any{start.UnixNano()}},
		// app-0000000 is the long-lived one; the hashes are not a chain,
		// which the plan does not read.
		sqlFill{`INSERT INTO audit_events (` + sqlstore.EventColumns + `)
		SELECT 'app-' || lpad(a::text, 7, '0'), e, $1::bigint + e::bigint * 1000000000, 'engine', 'readiness_check', 'live', 'live', '',
			md5((a * 1000000 + e - 1)::text), md5((a * 1000000 + e)::text), '', ''
		FROM generate_series(0, 1000) a, LATERAL generate_series(1, CASE WHEN a = 0 THEN 100000 ELSE 100 END) e`, []any{start.UnixNano()}},
	)
	for name, c := range map[string]struct {
		id    string
		after int64
		limit int
	}{
		"a short trail's first page":    {"app-0000500", 0, registry.DefaultLimit + 1},
		"a short trail's next page":     {"app-0000500", 50, registry.DefaultLimit + 1},
		"the long trail's first page":   {"app-0000000", 0, registry.DefaultLimit + 1},
		"the long trail's middle page":  {"app-0000000", 50000, registry.DefaultLimit + 1},
		"the long trail's largest page": {"app-0000000", 50000, registry.MaxEventsLimit},
		"past the long trail's end":     {"app-0000000", 100000, registry.DefaultLimit + 1},
	} {
		plan := explain(t, s, sqlstore.EventsAfterSQL, []any{c.id, c.after, c.limit})
		assert.NotContains(t, plan, "Seq Scan", "%s reads a whole table:\n%s", name, plan)
		assert.Regexp(t, `Index Scan using audit_events_pkey on audit_events`, plan, "%s walks the primary key:\n%s", name, plan)
		assert.NotRegexp(t, `(?m)^\s*(->\s*)?(Incremental )?Sort\b`, plan, "%s reads in order:\n%s", name, plan)
	}
	page, err := s.EventsAfter(ctx, "app-0000000", 50000, registry.MaxEventsLimit)
	require.NoError(t, err)
	require.Len(t, page, registry.MaxEventsLimit)
	require.EqualValues(t, 50001, page[0].Seq)
	require.EqualValues(t, 50000+registry.MaxEventsLimit, page[len(page)-1].Seq)
}

// sqlFill is a statement that writes a plan test's rows, with its
// arguments.
type sqlFill struct {
	text string
	args []any
}

// fillBySQL runs stmts on s's database in order and then gathers
// statistics on tables (ANALYZE): rows written by SQL, as the store
// writes them, which is faster than Load at the sizes where PostgreSQL's
// planner prefers an index.
func fillBySQL(t *testing.T, s *sqlstore.Store, tables string, stmts ...sqlFill) {
	t.Helper()
	ctx := context.Background()
	db := sqlstore.DBOf(s)
	for _, stmt := range stmts {
		_, err := db.ExecContext(ctx, stmt.text, stmt.args...)
		require.NoError(t, err)
	}
	_, err := db.ExecContext(ctx, "ANALYZE "+tables)
	require.NoError(t, err)
}
