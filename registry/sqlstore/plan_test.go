package sqlstore_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// The plan tests assert that every query shape the engine and the staff
// run is served by the index meant for it, so that it stays fast at a
// million participants. They read the plan, not the clock: a few hundred
// rows suffice.
//
// SQLite plans without statistics (the store never runs ANALYZE), as a
// production database does. PostgreSQL's planner weighs statistics, which
// a small table cannot make favour an index, so its plans are read with
// enable_seqscan = off: the planner then takes a sequential scan only
// where no index can serve the query, which is what the tests rule out.
// Where the order is the point (the staff queue, a page read in order),
// enable_sort is off as well: a sort left in the plan then means that no
// index gives the order.

// planRows fills s with participants and applications for the plan tests:
// every participant a provider, every third a payer, each with its own
// linked code, every other one with an IFSC of its own; applications waiting on review or approval in two stages,
// those on approval awaiting one of nine payers.
func planRows(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ws []registry.Write
	for i := range 300 {
		now := start.Add(time.Duration(i) * time.Minute)
		code := fmt.Sprintf("%06d@plan", i)
		p := benchParticipant(code, now)
		if i%3 == 0 {
			p.Roles = append(p.Roles, hcxonboard.RolePayer)
		}
		p.EncryptionCertExpiry = now.AddDate(1, 0, 0).UnixMilli()
		p.PrimaryMobile = fmt.Sprintf("98%08d", i)
		if i%2 == 0 {
			// Every other one is paid into a bank account, each at a
			// branch of its own.
			p.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: fmt.Sprintf("SBIN0%06d", i)}
		}
		stage, waiting := registry.StageVerifying, []string{"approval"}
		if i%2 == 0 {
			stage, waiting = registry.StageSubmitted, []string{"review"}
		}
		var waitingOn []string
		if i%2 != 0 {
			waitingOn = []string{fmt.Sprintf("%06d@plan", i%9*3)}
		}
		a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: stage, Waiting: waiting, WaitingOn: waitingOn,
			CreatedAt: now, UpdatedAt: now}
		ws = append(ws, registry.Write{Application: a, Participant: p})
	}
	// The bulk path writes the rows Create writes, in one transaction.
	require.NoError(t, s.Load(ctx, ws))
}

// genericPlan returns PostgreSQL's generic plan of text (a prepared
// statement whose parameters have the given types), executed with args,
// with enable_seqscan off.
func genericPlan(t *testing.T, s *sqlstore.Store, text, types string, args ...string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := sqlstore.DBOf(s).Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan", "SET enable_seqscan = off",
		"PREPARE generic_plan(" + types + ") AS " + text} {
		_, err := conn.ExecContext(ctx, stmt)
		require.NoError(t, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DEALLOCATE generic_plan; RESET plan_cache_mode; RESET enable_seqscan")
	rows, err := conn.QueryContext(ctx, "EXPLAIN EXECUTE generic_plan("+strings.Join(args, ", ")+")")
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		lines = append(lines, line)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

// planStore opens a store for a plan test, runs prepare on it (when not
// nil), fills it with planRows and has PostgreSQL gather statistics.
func planStore(t *testing.T, b backend, name string, prepare func(*sqlstore.Store)) *sqlstore.Store {
	t.Helper()
	s, err := b.open(t, name)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	if prepare != nil {
		prepare(s)
	}
	planRows(t, s)
	analyze(t, s)
	return s
}

// analyze has PostgreSQL gather statistics, so that its planner sees the
// tables as they are; SQLite plans without. Only the store's own tables
// (its schema is the search path): a bare ANALYZE would visit every
// schema of the database, and fail on one another test drops meanwhile.
func analyze(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	if s.Dialect() == sqlstore.Postgres {
		_, err := sqlstore.DBOf(s).ExecContext(context.Background(),
			"ANALYZE applications, application_waiting, application_claims, audit_events, participants, participant_values, outbox")
		require.NoError(t, err)
	}
}

// allPages follows a keyset listing from its first page to its last and
// returns the keys of every item.
func allPages(t *testing.T, page func(cursor string) (keys []string, next string, err error)) []string {
	t.Helper()
	var out []string
	for cursor := ""; ; {
		keys, next, err := page(cursor)
		require.NoError(t, err)
		out = append(out, keys...)
		if cursor = next; cursor == "" {
			return out
		}
	}
}

// explain returns the plan of text, one node a line.
// On PostgreSQL each of settings (enable_seqscan, enable_sort) is off while
// it plans.
func explain(t *testing.T, s *sqlstore.Store, text string, args []any, settings ...string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := sqlstore.DBOf(s).Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	var lines []string
	if s.Dialect() == sqlstore.SQLite {
		rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+text, args...)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			lines = append(lines, detail)
		}
		require.NoError(t, rows.Err())
		return strings.Join(lines, "\n")
	}
	for _, set := range settings {
		_, err = conn.ExecContext(ctx, "SET "+set+" = off")
		require.NoError(t, err)
		defer conn.ExecContext(context.WithoutCancel(ctx), "RESET "+set)
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN "+text, args...)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		lines = append(lines, line)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

// requirePlan checks a plan: it names every index of want, has no full
// scan of a table, and, when ordered, reads in paging order (no sort).
func requirePlan(t *testing.T, d sqlstore.Dialect, plan string, ordered bool, want ...string) {
	t.Helper()
	for _, w := range want {
		require.Contains(t, plan, w, "the plan uses %s:\n%s", w, plan)
	}
	if d == sqlstore.SQLite {
		for _, line := range strings.Split(plan, "\n") {
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, " USING ") && !strings.Contains(line, "VIRTUAL TABLE") &&
				!strings.HasPrefix(line, "SCAN x") {
				require.Fail(t, "a table is scanned without an index", "%s\n%s", line, plan)
			}
		}
		if ordered {
			require.NotContains(t, plan, "TEMP B-TREE FOR ORDER BY", "the index gives the order:\n%s", plan)
		}
		return
	}
	require.NotContains(t, plan, "Seq Scan", "no table is read whole:\n%s", plan)
	if ordered {
		require.NotRegexp(t, `(?m)^\s*(->\s*)?(Incremental )?Sort\b`, plan, "the index gives the order:\n%s", plan)
	}
}

func pgSettings(ordered bool) []string {
	if ordered {
		return []string{"enable_seqscan", "enable_sort"}
	}
	return []string{"enable_seqscan"}
}

func TestSearchPlans(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "plans", func(s *sqlstore.Store) {
			sqlstore.SetDriveLimit(s, 50) // providers (300) are common, payers (100) too, a linked code is rare
			require.NoError(t, s.NameIndex(), "the test server has pg_trgm")
		})
		lite := s.Dialect() == sqlstore.SQLite
		pick := func(sqlite, postgres string) string {
			if lite {
				return sqlite
			}
			return postgres
		}
		str := func(v string) *string { return &v }
		cursor := registry.EncodeCursor(registry.Position{CreatedAt: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC), Key: "000120@plan"})
		byValue := pick("SEARCH l USING PRIMARY KEY (field=? AND value=?)", "participant_values_pkey")
		byValueRange := pick("SEARCH l USING PRIMARY KEY (field=? AND value>? AND value<?)", "participant_values_pkey")
		ownValue := pick("SEARCH l USING PRIMARY KEY (field=? AND value=? AND participant_code=?)", "participant_values_pkey")
		nameTrgm := pick("participants_name VIRTUAL TABLE INDEX 0:L", "participants_name_trgm")
		contactTrgm := "participants_contacts VIRTUAL TABLE INDEX 0:L"
		// A negated pattern on a list reads the participant's own values
		// (a handful), not every value of the list, for each participant.
		ownValues := pick("SEARCH l USING COVERING INDEX participant_values_own (participant_code=? AND field=?", "participant_values_own")
		for _, c := range []struct {
			name    string
			filters map[string]registry.Condition
			cursor  string
			ordered bool // read in paging order, no sort
			want    []string
		}{
			{name: "code eq", filters: map[string]registry.Condition{registry.FieldCode: registry.Eq("000007@plan")},
				want: []string{pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "code or", filters: map[string]registry.Condition{registry.FieldCode: {Or: []string{"000007@plan", "000008@plan"}}},
				want: []string{pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "name eq", filters: map[string]registry.Condition{registry.FieldName: registry.Eq("City Hospital 000007@plan")},
				want: []string{"participants_name_lower"}},
			{name: "name startsWith", filters: map[string]registry.Condition{registry.FieldName: registry.StartsWith("City Hospital 00001")},
				want: []string{"participants_name_lower"}},
			{name: "name contains", filters: map[string]registry.Condition{registry.FieldName: registry.Contains("00017")},
				want: []string{nameTrgm}},
			{name: "name endsWith", filters: map[string]registry.Condition{registry.FieldName: registry.EndsWith("0017@plan")},
				want: []string{nameTrgm}},
			{name: "code contains", filters: map[string]registry.Condition{registry.FieldCode: registry.Contains("00017@")},
				want: []string{pick(contactTrgm, "participants_code_trgm")}},
			{name: "email contains", filters: map[string]registry.Condition{registry.FieldEmail: registry.Contains("@00017")},
				want: []string{pick(contactTrgm, "participants_email_trgm")}},
			{name: "email endsWith", filters: map[string]registry.Condition{registry.FieldEmail: registry.EndsWith("0017@plan.example")},
				want: []string{pick(contactTrgm, "participants_email_trgm")}},
			{name: "mobile contains", filters: map[string]registry.Condition{registry.FieldMobile: registry.Contains("0000017")},
				want: []string{pick(contactTrgm, "participants_mobile_trgm")}},
			{name: "mobile endsWith", filters: map[string]registry.Condition{registry.FieldMobile: registry.EndsWith("00017")},
				want: []string{pick(contactTrgm, "participants_mobile_trgm")}},
			{name: "status eq", filters: map[string]registry.Condition{registry.FieldStatus: registry.Eq("Created")},
				ordered: true, want: []string{"participants_status"}},
			{name: "status neq, in order", filters: map[string]registry.Condition{registry.FieldStatus: registry.Neq("Inactive")},
				ordered: true, want: []string{"participants_created"}},
			{name: "status neq, after a cursor", filters: map[string]registry.Condition{registry.FieldStatus: registry.Neq("Inactive")},
				cursor: cursor, ordered: true, want: []string{"participants_created"}},
			// An or of statuses: a rare pair leads through participants_status
			// and sorts its few; a common one reads a page in order.
			{name: "status or, rare", filters: map[string]registry.Condition{registry.FieldStatus: {Or: []string{"Blocked", "Inactive"}}},
				want: []string{"participants_status"}},
			{name: "status or, common, in order", filters: map[string]registry.Condition{registry.FieldStatus: {Or: []string{"Created", "Blocked"}}},
				ordered: true, want: []string{"participants_created"}},
			{name: "email eq", filters: map[string]registry.Condition{registry.FieldEmail: registry.Eq("admin@000007@plan.example")},
				want: []string{"participants_email"}},
			{name: "mobile eq", filters: map[string]registry.Condition{registry.FieldMobile: registry.Eq("9800000007")},
				want: []string{"participants_mobile"}},
			{name: "scheme eq, in order", filters: map[string]registry.Condition{registry.FieldSchemeCode: registry.Eq("PMJAY")},
				ordered: true, want: []string{"participants_created"}},
			{name: "scheme eq, rare", filters: map[string]registry.Condition{registry.FieldSchemeCode: registry.Eq("NO-SUCH-SCHEME")},
				want: []string{"participants_scheme"}},
			{name: "email or", filters: map[string]registry.Condition{registry.FieldEmail: {Or: []string{"admin@000007@plan.example", "Admin@000008@plan.example"}}},
				want: []string{"participants_email"}},
			{name: "mobile or", filters: map[string]registry.Condition{registry.FieldMobile: {Or: []string{"9800000007", "9800000008"}}},
				want: []string{"participants_mobile"}},
			{name: "name or", filters: map[string]registry.Condition{registry.FieldName: {Or: []string{"City Hospital 000007@plan", "City Hospital 000008@plan"}}},
				want: []string{"participants_name_lower"}},
			{name: "scheme or, rare", filters: map[string]registry.Condition{registry.FieldSchemeCode: {Or: []string{"NO-SUCH-SCHEME", "NOR-THIS"}}},
				want: []string{"participants_scheme"}},
			{name: "scheme or, in order", filters: map[string]registry.Condition{registry.FieldSchemeCode: {Or: []string{"PMJAY", "NOR-THIS"}}},
				ordered: true, want: []string{"participants_created"}},
			{name: "code between, narrow", filters: map[string]registry.Condition{registry.FieldCode: registry.Between(registry.Text("000007@plan"), registry.Text("000009@plan"))},
				want: []string{pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "code between, wide, in order", filters: map[string]registry.Condition{registry.FieldCode: registry.Between(registry.Text("0"), registry.Text("9"))},
				ordered: true, want: []string{"participants_created"}},
			{name: "code startsWith", filters: map[string]registry.Condition{registry.FieldCode: registry.StartsWith("00001")},
				want: []string{"participants_code_lower"}},
			{name: "email startsWith", filters: map[string]registry.Condition{registry.FieldEmail: registry.StartsWith("Admin@00001")},
				want: []string{"participants_email"}},
			{name: "mobile startsWith", filters: map[string]registry.Condition{registry.FieldMobile: registry.StartsWith("980000001")},
				want: []string{"participants_mobile"}},
			{name: "linked code startsWith", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.StartsWith("HFR-00001")},
				want: []string{"participant_values_lower"}},
			{name: "role startsWith, nobody", filters: map[string]registry.Condition{registry.FieldRoles: registry.StartsWith("zz")},
				want: []string{"participant_values_lower"}},
			{name: "updated_at between, narrow", filters: map[string]registry.Condition{registry.FieldUpdatedAt: registry.Between(
				registry.Text("2026-01-01T01:00:00Z"), registry.Text("2026-01-01T01:05:00Z"))},
				want: []string{"participants_updated"}},
			{name: "updated_at after, wide, in order", filters: map[string]registry.Condition{registry.FieldUpdatedAt: {Gt: registry.Text("2020-01-01T00:00:00Z")}},
				ordered: true, want: []string{"participants_created"}},
			{name: "created_at between", filters: map[string]registry.Condition{registry.FieldCreatedAt: registry.Between(
				registry.At(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)), registry.At(time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)))},
				ordered: true, want: []string{"participants_created"}},
			{name: "role nobody has", filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq("nobody")},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "roles or, rare", filters: map[string]registry.Condition{registry.FieldRoles: {Or: []string{"nobody", "none"}}},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "role everyone has, in order", filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleProvider))},
				ordered: true, want: []string{"participants_created", ownValue}},
			{name: "linked code eq", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Eq("HFR-000007@plan")},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "linked code notContains, in order", filters: map[string]registry.Condition{registry.FieldLinkedCodes: {NotContains: str("00017")}},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "linked code notStartsWith, in order", filters: map[string]registry.Condition{registry.FieldLinkedCodes: {NotStartsWith: str("HFR-00001")}},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "roles notEndsWith, in order", filters: map[string]registry.Condition{registry.FieldRoles: {NotEndsWith: str("payer")}},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "roles notContains and status eq", filters: map[string]registry.Condition{
				registry.FieldRoles: {NotContains: str("pay")}, registry.FieldStatus: registry.Eq("Active")},
				ordered: true, want: []string{"participants_status", ownValues}},
			// A positive pattern or range on a list that many participants
			// match reads a page in order, testing each participant's own
			// values, instead of sorting every match.
			{name: "role startsWith, everyone, in order", filters: map[string]registry.Condition{registry.FieldRoles: registry.StartsWith("provider")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "role contains, everyone, in order", filters: map[string]registry.Condition{registry.FieldRoles: registry.Contains("vide")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "linked code contains, everyone, in order", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Contains("@plan")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "linked code endsWith, everyone, in order", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.EndsWith("@plan")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "role gt, everyone, in order", filters: map[string]registry.Condition{registry.FieldRoles: {Gt: registry.Text("a")}},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "linked code between, wide, in order", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Between(registry.Text("A"), registry.Text("Z"))},
				ordered: true, want: []string{"participants_created", ownValues}},
			// A rare one leads: its few matches are read and sorted.
			{name: "linked code contains, rare", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Contains("000017@")},
				want: []string{pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "linked code between, narrow", filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Between(registry.Text("HFR-000007"), registry.Text("HFR-000009"))},
				want: []string{byValueRange, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "linked code and role", filters: map[string]registry.Condition{
				registry.FieldLinkedCodes: registry.Eq("HFR-000007@plan"), registry.FieldRoles: {Eq: str(string(hcxonboard.RoleProvider))}},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			// The IFSC of the payment details is in participant_values,
			// as a linked code is: a rare one leads through its key.
			{name: "IFSC eq", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Eq("SBIN0000008")},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "IFSC or, rare", filters: map[string]registry.Condition{registry.FieldIFSCCode: {Or: []string{"SBIN0000008", "ICIC0000001"}}},
				want: []string{byValue, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "IFSC startsWith, rare", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.StartsWith("sbin000001")},
				want: []string{"participant_values_lower"}},
			{name: "IFSC between, narrow", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Between(registry.Text("SBIN0000007"), registry.Text("SBIN0000009"))},
				want: []string{byValueRange, pick("sqlite_autoindex_participants_1", "participants_pkey")}},
			{name: "IFSC eq and status", filters: map[string]registry.Condition{
				registry.FieldIFSCCode: registry.Eq("SBIN0000008"), registry.FieldStatus: registry.Eq("Created")},
				want: []string{byValue}},
			{name: "IFSC contains, everyone who has one, in order", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Contains("sbin")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "IFSC notContains, in order", filters: map[string]registry.Condition{registry.FieldIFSCCode: {NotContains: str("00001")}},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "IFSC neq, in order", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Neq("SBIN0000008")},
				ordered: true, want: []string{"participants_created"}},
			// Those without one hold the empty IFSC: tested per participant,
			// on its own rows, in order.
			{name: "IFSC eq empty, in order", filters: map[string]registry.Condition{registry.FieldIFSCCode: registry.Eq("")},
				ordered: true, want: []string{"participants_created", ownValues}},
			{name: "IFSC lt, in order", filters: map[string]registry.Condition{registry.FieldIFSCCode: {Lt: registry.Text("SBIN0000100")}},
				ordered: true, want: []string{"participants_created", ownValues}},
		} {
			t.Run(c.name, func(t *testing.T) {
				q := registry.Query{Filters: c.filters, Cursor: c.cursor, Limit: 10}
				text, args, err := sqlstore.SearchSQL(ctx, s, q)
				require.NoError(t, err)
				requirePlan(t, s.Dialect(), explain(t, s, text, args, pgSettings(c.ordered)...), c.ordered, c.want...)
				got, err := s.SearchParticipants(ctx, q)
				require.NoError(t, err)
				all, err := s.SearchParticipants(ctx, registry.Query{Limit: registry.MaxLimit})
				require.NoError(t, err)
				var want []hcxonboard.Participant
				for _, p := range all {
					if q.Match(&p) && (c.cursor == "" || mustCursor(t, c.cursor).After(p.CreatedAt, p.ParticipantCode)) && len(want) < q.Limit {
						want = append(want, p)
					}
				}
				require.Equal(t, codes(want), codes(got), "the plan finds what Match does")
			})
		}
	})
}

func mustCursor(t *testing.T, c string) registry.Position {
	p, err := registry.DecodeCursor(c)
	require.NoError(t, err)
	return p
}

func codes(ps []hcxonboard.Participant) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ParticipantCode
	}
	return out
}

func TestQueuePlans(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s := planStore(t, b, "queue-plans", nil)
		cursor := registry.EncodeCursor(registry.Position{CreatedAt: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC), Key: "app-000120@plan"})
		for _, c := range []struct {
			name    string
			f       registry.ApplicationFilter
			ordered bool
			want    string
		}{
			{"waiting on approval", registry.ApplicationFilter{Waiting: "approval"}, true, "application_waiting_queue"},
			{"waiting on approval, after a cursor", registry.ApplicationFilter{Waiting: "approval", Cursor: cursor}, true, "application_waiting_queue"},
			{"verifying and waiting on approval", registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "approval"}, true, "application_waiting_stage_queue"},
			{"due de-boardings", registry.ApplicationFilter{Stage: registry.StageLive, Waiting: "deboarding"}, true, "application_waiting_stage_queue"},
			// A payer's approval requests (onboarding's ApprovalRequests).
			{"verifying and awaiting a payer", registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "000003@plan"}, true, "application_waiting_stage_queue"},
			{"verifying and awaiting a payer, after a cursor", registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "000003@plan", Cursor: cursor}, true, "application_waiting_stage_queue"},
			{"awaiting a payer", registry.ApplicationFilter{WaitingOn: "000003@plan"}, true, "application_waiting_queue"},
			{"verifying, awaiting a payer and waiting on approval", registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "000003@plan", Waiting: "approval"}, true, "application_waiting_stage_queue"},
			{"by stage", registry.ApplicationFilter{Stage: registry.StageSubmitted}, true, "applications_stage"},
			{"by stage, after a cursor", registry.ApplicationFilter{Stage: registry.StageSubmitted, Cursor: cursor}, true, "applications_stage"},
			{"all", registry.ApplicationFilter{}, true, "applications_created"},
			{"of a participant", registry.ApplicationFilter{ParticipantCode: "000007@plan"}, false, "applications_participant"},
		} {
			t.Run(c.name, func(t *testing.T) {
				text, args, err := sqlstore.ListSQL(s, c.f)
				require.NoError(t, err)
				requirePlan(t, s.Dialect(), explain(t, s, text, args, pgSettings(c.ordered)...), c.ordered, c.want)
			})
		}
	})
}

// TestCertificatesExpiringPlan: the expiring certificates are read from
// participants_cert_soonest (the earlier of a participant's two expiries,
// then its code; Inactive participants left out) in its order, from the
// first page and from a cursor: a page reads the page, however many
// certificates the window holds. Also in PostgreSQL's generic plan.
func TestCertificatesExpiringPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "cert-plans", nil)
		by := time.Date(2027, 1, 1, 1, 0, 0, 0, time.UTC) // the first 61 expire by then
		after := time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC).UnixMilli()
		for _, cursor := range []bool{false, true} {
			args := []any{by.UnixMilli(), 10}
			if cursor {
				args = append(args, after, "000030@plan")
			}
			plan := explain(t, s, sqlstore.CertificatesExpiringSQL(s.Dialect(), cursor), args, pgSettings(true)...)
			requirePlan(t, s.Dialect(), plan, true, "participants_cert_soonest")
			if cursor {
				// A page after a cursor starts where the cursor is, not at
				// the start of the window: PostgreSQL takes the row value
				// into the index condition; SQLite, which reads a row value
				// as a filter, gets the range's start from the cursor (its
				// plan reads the same either way, so the text says it).
				if s.Dialect() == sqlstore.Postgres {
					require.Regexp(t, `Index Cond: .*ROW\(`, plan, "the cursor bounds the index scan:\n%s", plan)
				} else {
					require.Contains(t, sqlstore.CertificatesExpiringSQL(s.Dialect(), cursor), "BETWEEN $3 AND $1")
				}
			}
			if s.Dialect() == sqlstore.Postgres {
				// The driver prepares the statement; after five runs
				// PostgreSQL may keep a generic plan, which knows neither
				// the time nor the cursor. It must read the index in order
				// too.
				types, vals := "bigint, int", []string{fmt.Sprint(by.UnixMilli()), "10"}
				if cursor {
					types, vals = types+", bigint, text", append(vals, fmt.Sprint(after), "'000030@plan'")
				}
				generic := genericPlan(t, s, sqlstore.CertificatesExpiringSQL(s.Dialect(), cursor), types, vals...)
				requirePlan(t, s.Dialect(), generic, true, "participants_cert_soonest")
			}
		}

		got := allPages(t, func(cursor string) ([]string, string, error) {
			page, err := s.CertificatesExpiring(ctx, by, 25, cursor)
			return codes(page.Items), page.Next, err
		})
		require.Len(t, got, 61)
		require.Equal(t, "000000@plan", got[0])
		require.Equal(t, "000060@plan", got[60])
	})
}

// TestDueApplicationsPlan: the scheduler's listing reads applications_due
// in its order — only the applications that have a due time — with no
// scan and no sort, from the first page and from a cursor.
func TestDueApplicationsPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "due-plans", nil)
		start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		for i := range 20 {
			require.NoError(t, s.SetDue(ctx, fmt.Sprintf("app-%06d@plan", i*7), 1, start.Add(time.Duration(i)*time.Hour)))
		}
		analyze(t, s)
		by := start.Add(9 * time.Hour)
		for _, cursor := range []bool{false, true} {
			args := []any{by.UnixNano(), 5}
			if cursor {
				args = append(args, start.Add(2*time.Hour).UnixNano(), "app-000014@plan")
			}
			plan := explain(t, s, sqlstore.DueSQL(cursor), args, pgSettings(true)...)
			requirePlan(t, s.Dialect(), plan, true, "applications_due")
		}
		got := allPages(t, func(cursor string) ([]string, string, error) {
			page, err := s.DueApplications(ctx, by, 3, cursor)
			return ids(page.Items), page.Next, err
		})
		require.Len(t, got, 10, "the ten due by +9h, and none without a due time")
		require.Equal(t, "app-000000@plan", got[0])
		require.Equal(t, "app-000063@plan", got[9])
	})
}

// TestStandingPlan: the read behind every participant-token check finds
// the participant by its primary key and its application by
// applications_participant.
func TestStandingPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s := planStore(t, b, "standing-plan", nil)
		if s.Dialect() == sqlstore.Postgres {
			requirePlan(t, s.Dialect(), genericPlan(t, s, sqlstore.StandingSQL, "text", "'000007@plan'"), false, "applications_participant", "participants_pkey")
		}
		requirePlan(t, s.Dialect(), explain(t, s, sqlstore.StandingSQL, []any{"000007@plan"}, pgSettings(false)...), false, "applications_participant")
	})
}

// TestPlanDeadLetters: the staff's dead-letter listing, first page and by
// cursor, reads the dead letters alone in listing order (outbox_dead), on
// both backends; other states keep outbox_due.
func TestPlanDeadLetters(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s := planStore(t, b, "dead-letters", nil)
		analyze(t, s)
		for _, f := range []registry.OutboxFilter{
			{State: registry.OutboxDead, Limit: 100},
			{State: registry.OutboxDead, Limit: 100, After: "m-1"},
		} {
			text, args := sqlstore.ListOutboxSQL(f)
			plan := explain(t, s, text, args, pgSettings(true)...)
			requirePlan(t, s.Dialect(), plan, true, "outbox_dead")
		}
		text, args := sqlstore.ListOutboxSQL(registry.OutboxFilter{State: registry.OutboxPending, Limit: 100})
		plan := explain(t, s, text, args, pgSettings(false)...)
		require.NotContains(t, plan, "outbox_dead", "a pending message is not in the dead letters' index:\n%s", plan)
	})
}

// TestOutboxPurgePlan: the retention purge of sent messages finds them
// through outbox_due — a range on the state and the due time, not the
// whole index — and each row it deletes by its key, on both backends: no
// scan of the outbox, which is mostly sent messages.
func TestOutboxPurgePlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "outbox-purge", nil)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 400 {
			state, sent := "sent", start.Add(time.Duration(i)*time.Minute+time.Second).UnixNano()
			if i%10 == 0 {
				state, sent = "pending", math.MinInt64
			}
			created := start.Add(time.Duration(i) * time.Minute).UnixNano()
			_, err := sqlstore.DBOf(s).ExecContext(ctx, `INSERT INTO outbox (id, application_id, kind, recipient, payload, created_at,
				next_attempt_at, attempts, state, last_error, lease_owner, lease_until, sent_at, retried_at)
				VALUES ($1, $2, 'otp', 'x', $3, $4, $4, 0, $5, '', 'o', $6, $7, $6)`,
				fmt.Sprintf("m-%04d", i), fmt.Sprintf("app-%06d@plan", i%300), []byte{}, created, state, int64(math.MinInt64), sent)
			require.NoError(t, err)
		}
		analyze(t, s)
		cutoff := start.Add(20 * time.Minute).UnixNano()
		plan := explain(t, s, sqlstore.PurgeOutboxSQL(s.Dialect()), []any{cutoff, 500}, pgSettings(false)...)
		requirePlan(t, s.Dialect(), plan, false, "outbox_due")
		if s.Dialect() == sqlstore.SQLite {
			require.Contains(t, plan, "outbox_due (state=? AND next_attempt_at<?)", "a range of the index:\n%s", plan)
			require.Contains(t, plan, "(id=?)", "each row by its key:\n%s", plan)
		} else {
			require.Regexp(t, `Index Cond: \(\(state = 'sent'::text\) AND \(next_attempt_at < `, plan, "a range of the index:\n%s", plan)
			require.Regexp(t, `Index Cond: \(id = ANY `, plan, "each row by its key:\n%s", plan)
		}
		n, err := s.PurgeOutbox(ctx, start.Add(20*time.Minute), 500)
		require.NoError(t, err)
		require.Equal(t, 18, n, "the sent messages of the first twenty minutes")
	})
}

// TestEventsAfterPlan: a page of an audit trail (EventsAfter, behind the
// engine's EventsPage) walks audit_events' primary key from the
// application and sequence number it starts after, in order: no scan, no
// sort, from the first page and from the middle of the trail.
func TestEventsAfterPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "events-plans", nil)
		id := "app-000007@plan"
		a, err := s.Application(ctx, id)
		require.NoError(t, err)
		var trail []registry.Event
		for i := range 30 {
			step := make([]registry.Event, 10)
			for j := range step {
				step[j] = registry.Event{ApplicationID: id, Time: a.CreatedAt.Add(time.Duration(10*i+j) * time.Minute), Actor: "engine", Action: "readiness_check"}
			}
			var prev *registry.Event
			if len(trail) > 0 {
				prev = &trail[len(trail)-1]
			}
			step = registry.Chain(prev, step...)
			require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: step}))
			trail = append(trail, step...)
		}
		analyze(t, s)
		pkey := "audit_events_pkey"
		if s.Dialect() == sqlstore.SQLite {
			pkey = "SEARCH audit_events USING PRIMARY KEY (application_id=? AND seq>?)"
		}
		for _, after := range []int64{0, 150} {
			plan := explain(t, s, sqlstore.EventsAfterSQL, []any{id, after, registry.DefaultLimit + 1}, pgSettings(true)...)
			requirePlan(t, s.Dialect(), plan, true, pkey)
		}
		if s.Dialect() == sqlstore.Postgres {
			// The driver prepares the statement; a generic plan, which
			// knows neither the application nor the sequence number, must
			// walk the primary key too.
			generic := genericPlan(t, s, sqlstore.EventsAfterSQL, "text, bigint, bigint", "'"+id+"'", "150", "101")
			requirePlan(t, s.Dialect(), generic, true, pkey)
		}

		var got []int64
		for after := int64(0); ; {
			page, err := s.EventsAfter(ctx, id, after, 7)
			require.NoError(t, err)
			for _, e := range page {
				got = append(got, e.Seq)
			}
			if len(page) < 7 {
				break
			}
			after = page[len(page)-1].Seq
		}
		require.Len(t, got, len(trail))
		for i, seq := range got {
			require.Equal(t, trail[i].Seq, seq)
		}
	})
}
