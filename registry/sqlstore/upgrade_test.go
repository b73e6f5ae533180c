package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// TestUpgradeFromVersion1 fills a database at schema version 1 with rows
// as version 1 stored them, opens it with the current program, which
// migrates it, and checks that every read, list and search finds them and
// that updates keep the moved rows right.
func TestUpgradeFromVersion1(t *testing.T) {
	t.Parallel()
	type v1 struct {
		dialect sqlstore.Dialect
		raw     func(t *testing.T) *sql.DB         // the database at version 0
		open    func(t *testing.T) *sqlstore.Store // the same database, through the store
	}
	dir := t.TempDir()
	backends := []v1{{
		dialect: sqlstore.SQLite,
		raw: func(t *testing.T) *sql.DB {
			db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(dir, "v1.db"))+"?_pragma=foreign_keys(1)")
			require.NoError(t, err)
			return db
		},
		open: func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "v1.db"))
			require.NoError(t, err)
			return s
		},
	}}
	if dsn := os.Getenv("HCX_TEST_POSTGRES_DSN"); dsn != "" {
		var schema string
		backends = append(backends, v1{
			dialect: sqlstore.Postgres,
			raw: func(t *testing.T) *sql.DB {
				schema = sqlstoretest.FreshSchema(t, dsn)
				db, err := sql.Open("pgx", schema)
				require.NoError(t, err)
				return db
			},
			open: func(t *testing.T) *sqlstore.Store {
				s, err := sqlstore.OpenPostgres(context.Background(), schema)
				require.NoError(t, err)
				return s
			},
		})
	}
	for _, b := range backends {
		t.Run(string(b.dialect), func(t *testing.T) {
			ctx := context.Background()
			created := time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)
			p := &hcxonboard.Participant{
				ParticipantCode: "1000001@hcx", ParticipantName: "Sanjeevani Hospital", Status: hcxonboard.StatusCreated,
				Roles:        []hcxonboard.Role{hcxonboard.RoleProvider, hcxonboard.RoleHospital},
				PrimaryEmail: "it@sanjeevani.example", PrimaryMobile: "9000001905", SchemeCode: "PMJAY",
				LinkedRegistryCodes: []string{"IN2910000123@hfr"}, CreatedAt: created, UpdatedAt: created,
			}
			events := registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: created, Actor: "engine", Action: "submit", To: "verifying"})

			db := b.raw(t)
			require.NoError(t, sqlstore.MigrateTo(ctx, db, b.dialect, 1))
			record, err := json.Marshal(p)
			require.NoError(t, err)
			ns := created.UnixNano()
			for _, stmt := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
					VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7)`, []any{"app-1", "key-1", "1000001@hcx", "verifying", `["otp","review"]`, ns, []byte(`{"n":1}`)}},
				{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
					VALUES ($1, $2, '', $3, $4, 1, $5, $5, NULL)`, []any{"app-2", "key-2", "submitted", `["review"]`, ns + 1}},
				{`INSERT INTO application_waiting (application_id, kind) VALUES ($1, $2)`, []any{"app-1", "otp"}},
				{`INSERT INTO application_waiting (application_id, kind) VALUES ($1, $2)`, []any{"app-1", "review"}},
				{`INSERT INTO application_waiting (application_id, kind) VALUES ($1, $2)`, []any{"app-2", "review"}},
				{`INSERT INTO participants (participant_code, participant_name, status, primary_email, primary_mobile, scheme_code,
					code_lower, name_lower, status_lower, email_lower, mobile_lower, scheme_lower, created_at, updated_at, record)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)`, []any{
					p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
					"1000001@hcx", "sanjeevani hospital", "created", p.PrimaryEmail, p.PrimaryMobile, "pmjay", ns, string(record)}},
				{`INSERT INTO participant_roles (participant_code, position, role, role_lower) VALUES ($1, 0, $2, $2)`, []any{"1000001@hcx", "provider"}},
				{`INSERT INTO participant_roles (participant_code, position, role, role_lower) VALUES ($1, 1, $2, $2)`, []any{"1000001@hcx", "provider.hospital"}},
				{`INSERT INTO participant_linked_codes (participant_code, position, linked_code, linked_code_lower) VALUES ($1, 0, $2, $3)`,
					[]any{"1000001@hcx", "IN2910000123@hfr", "in2910000123@hfr"}},
				{`INSERT INTO audit_events (application_id, seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, []any{"app-1", events[0].Seq, ns, events[0].Actor, events[0].Action,
					events[0].From, events[0].To, events[0].Reason, events[0].PrevHash, events[0].Hash}},
			} {
				_, err := db.ExecContext(ctx, stmt.sql, stmt.args...)
				require.NoError(t, err, stmt.sql)
			}
			require.NoError(t, db.Close())

			s := b.open(t)
			t.Cleanup(func() { s.Close() })
			require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))

			list := func(f registry.ApplicationFilter) []string {
				t.Helper()
				as, err := s.ListApplications(ctx, f)
				require.NoError(t, err)
				return ids(as)
			}
			search := func(field string, c registry.Condition) []string {
				t.Helper()
				ps, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{field: c}})
				require.NoError(t, err)
				codes := make([]string, len(ps))
				for i := range ps {
					codes[i] = ps[i].ParticipantCode
				}
				return codes
			}
			found := []string{"1000001@hcx"}
			require.Equal(t, []string{"app-1", "app-2"}, list(registry.ApplicationFilter{Waiting: "review"}))
			require.Equal(t, []string{"app-1"}, list(registry.ApplicationFilter{Waiting: "otp"}))
			require.Equal(t, []string{"app-1"}, list(registry.ApplicationFilter{ParticipantCode: "1000001@hcx"}))
			require.Equal(t, found, search(registry.FieldRoles, registry.Eq("provider.hospital")))
			require.Equal(t, found, search(registry.FieldRoles, registry.Contains("HOSP")))
			require.Empty(t, search(registry.FieldRoles, registry.Eq("payer")))
			require.Equal(t, found, search(registry.FieldLinkedCodes, registry.Eq("IN2910000123@hfr")))
			require.Equal(t, found, search(registry.FieldLinkedCodes, registry.StartsWith("in29")))
			require.Equal(t, found, search(registry.FieldSchemeCode, registry.Eq("PMJAY")))
			require.Equal(t, found, search(registry.FieldStatus, registry.Eq("Created")))
			got, err := s.Participant(ctx, "1000001@hcx")
			require.NoError(t, err)
			require.Equal(t, p.ParticipantName, got.ParticipantName)
			require.True(t, created.Equal(got.CreatedAt))
			trail, err := s.Events(ctx, "app-1")
			require.NoError(t, err)
			require.NoError(t, registry.VerifyChain(trail))

			// Writes after the upgrade move the rows version 1 wrote.
			a, err := s.Application(ctx, "app-1")
			require.NoError(t, err)
			a.Waiting = []string{"review", "approval"}
			np := p.Clone()
			np.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
			np.LinkedRegistryCodes = nil
			require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: np,
				Events: registry.Chain(&trail[0], registry.Event{ApplicationID: "app-1", Time: created.Add(time.Hour), Actor: "engine", Action: "note"})}))
			require.Empty(t, list(registry.ApplicationFilter{Waiting: "otp"}))
			require.Equal(t, []string{"app-1", "app-2"}, list(registry.ApplicationFilter{Waiting: "review"}))
			require.Equal(t, []string{"app-1"}, list(registry.ApplicationFilter{Waiting: "approval"}))
			require.Empty(t, search(registry.FieldRoles, registry.Eq("provider.hospital")))
			require.Empty(t, search(registry.FieldLinkedCodes, registry.Eq("IN2910000123@hfr")))
			require.Equal(t, found, search(registry.FieldRoles, registry.Eq("payer")))
		})
	}
}

func ids(as []registry.Application) []string {
	out := make([]string, len(as))
	for i := range as {
		out[i] = as[i].ID
	}
	return out
}

// TestUpgradeFromVersion3 opens a database that version 3 wrote, before
// applications claimed identities and audit events were sealed: its
// applications come back with no claims, hold none, and take claims with
// their next update, which the database then enforces; its events come back
// unsealed, so the trail does not pass VerifySealedChain until a write
// appends a sealed event, whose seal covers the old events too.
func TestUpgradeFromVersion3(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		created := time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)
		// Empty the fresh database and migrate it to version 3 alone, as
		// version 3 would have.
		s, db := atVersion(t, b, "v3", 3)
		var err error
		events := registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: created, Actor: "engine", Action: "submit", To: "submitted"})
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
				VALUES ($1, $2, '', $3, '[]', 1, $4, $4, NULL)`, []any{"app-1", "key-1", "submitted", created.UnixNano()}},
			{`INSERT INTO audit_events (application_id, seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, []any{"app-1", events[0].Seq, created.UnixNano(), events[0].Actor, events[0].Action,
				events[0].From, events[0].To, events[0].Reason, events[0].PrevHash, events[0].Hash}},
		} {
			_, err := db.ExecContext(ctx, stmt.sql, stmt.args...)
			require.NoError(t, err, stmt.sql)
		}
		require.NoError(t, s.Close())

		s, err = b.open(t, "v3")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))

		a, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Empty(t, a.Claims, "an application stored before claims holds none")
		require.False(t, a.DueAt.IsZero(), "an application stored before due times is due at once, for the scheduler to work its time out")
		due, err := s.DueApplications(ctx, created, 10, "")
		require.NoError(t, err)
		require.Equal(t, []string{"app-1"}, ids(due.Items))
		trail, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.NoError(t, registry.VerifyChain(trail))

		require.Empty(t, trail[0].Seal)
		key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
		var ce *registry.ChainError
		require.ErrorAs(t, registry.VerifySealedChain(trail, key.Public()), &ce)
		require.EqualValues(t, 1, ce.Seq, "the old trail ends unsealed")

		a.Claims = []string{"hfr:IN2910000123"}
		next := registry.Chain(&trail[0], registry.Event{ApplicationID: "app-1", Time: created.Add(time.Hour), Actor: "engine", Action: "claim"})
		require.NoError(t, registry.SealEvent(&next[0], key))
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: next}))
		trail, err = s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.NoError(t, registry.VerifySealedChain(trail, key.Public()), "the new checkpoint seals the old events too")
		holder, err := s.ApplicationByClaim(ctx, "hfr:IN2910000123")
		require.NoError(t, err)
		require.Equal(t, "app-1", holder.ID)
		err = s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-2", Stage: registry.StageSubmitted, Claims: []string{"hfr:IN2910000123"}}})
		var claimErr *registry.ClaimError
		require.ErrorAs(t, err, &claimErr)
		require.Equal(t, "app-1", claimErr.ApplicationID)
	})
}

// A database whose recorded migrations differ by name from this
// program's (migrated by another line of the code, whose version 9 was
// another migration) is refused with that said, and left as it was.
func TestMigrationHistoryOfAnotherLineIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "registry.db")
	s, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec("UPDATE schema_migrations SET name = 'event_request_id' WHERE version = 9")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = sqlstore.OpenSQLite(ctx, path)
	require.ErrorContains(t, err, `records migration 0009 as "event_request_id"`)
	require.ErrorContains(t, err, "another version of this code")
}

// atVersion opens a fresh store of backend b under name, empties it and
// migrates it to version alone, as that version of the store would have
// left it; the caller closes the store.
func atVersion(t *testing.T, b backend, name string, version int) (*sqlstore.Store, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	s, err := b.open(t, name)
	require.NoError(t, err)
	db := sqlstore.DBOf(s)
	for _, table := range []string{"leases", "outbox", "documents", "schema_migrations", "audit_events", "participant_values", "participants",
		"application_waiting", "application_claims", "applications", "participants_name", "participants_contacts"} {
		_, err = db.ExecContext(ctx, "DROP TABLE IF EXISTS "+table)
		require.NoError(t, err)
	}
	require.NoError(t, sqlstore.MigrateTo(ctx, db, b.dialect, version))
	return s, db
}
