package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrSchemaTooNew reports a database migrated by a newer version of this
// package than the one opening it.
var ErrSchemaTooNew = errors.New("sqlstore: database schema is newer than this program")

// ErrMigrationBlocked reports data a migration cannot take as it is: the
// error names the rows, and how to mend them; nothing was changed.
var ErrMigrationBlocked = errors.New("sqlstore: the data blocks a migration")

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered schema change, NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// schemaVersion is the version the dialect's migrations make, read once
// (Ping asks on every readiness probe).
func schemaVersion(d Dialect) (int, error) {
	if d == SQLite {
		return sqliteVersion()
	}
	return postgresVersion()
}

var (
	sqliteVersion   = sync.OnceValues(func() (int, error) { return migrationCount(SQLite) })
	postgresVersion = sync.OnceValues(func() (int, error) { return migrationCount(Postgres) })
)

func migrationCount(d Dialect) (int, error) {
	ms, err := migrationsFor(d)
	return len(ms), err
}

// migrationsFor returns the dialect's migrations in order. Their numbers
// must run 1, 2, 3 … without a gap.
func migrationsFor(d Dialect) ([]migration, error) {
	return loadMigrations(migrationFiles, path.Join("migrations", string(d)))
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations %s: %w", dir, err)
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || name == "" {
			return nil, fmt.Errorf("sqlstore: migration %s/%s: want a name like 0001_init.sql", dir, e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration %s/%s: %w", dir, e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migrations %s: found version %d where %d belongs", dir, m.version, i+1)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sqlstore: migrations %s: none found", dir)
	}
	return out, nil
}

// advisoryLockKey serialises migrations of one PostgreSQL database across
// processes ("hcxreg" + 1).
const advisoryLockKey int64 = 0x6863787265670001

// migrate brings the schema up to date in one transaction that holds the
// database's migration lock: BEGIN IMMEDIATE on SQLite, a transaction-level
// advisory lock on PostgreSQL. A process that opens the database while
// another migrates waits, then finds the work done.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrationsFor(s.dialect)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	run := func(q queryer) error {
		if s.dialect == Postgres {
			if _, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryLockKey); err != nil {
				return fmt.Errorf("take the migration lock: %w", err)
			}
		}
		return applyMigrations(ctx, q, ms)
	}
	if s.dialect == SQLite {
		err = s.immediateTx(ctx, run)
	} else {
		err = s.inTx(ctx, func(_ context.Context, t *wtx) error { return run(t.tx) })
	}
	if err != nil && !errors.Is(err, ErrSchemaTooNew) {
		return fail(ctx, err, "migrate the %s schema", s.dialect)
	}
	return err
}

func applyMigrations(ctx context.Context, q queryer, ms []migration) error {
	if _, err := q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at BIGINT  NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return fmt.Errorf("%w: the database is at version %d, this program knows versions up to %d", ErrSchemaTooNew, current, latest)
	}
	if err := checkHistory(ctx, q, ms); err != nil {
		return err
	}
	for _, m := range ms[current:] {
		if check := preconditions[m.version]; check != nil {
			if err := check(ctx, q); err != nil {
				return fmt.Errorf("cannot apply migration %04d_%s, and nothing was changed: %w", m.version, m.name, err)
			}
		}
		if _, err := q.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.version, m.name, err)
		}
		if _, err := q.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now().UnixNano()); err != nil {
			return fmt.Errorf("record migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}

// preconditions are checks a migration needs the data to pass, by
// version: a migration that adds a constraint the data may break says
// which rows do, and how to mend them, instead of failing on the
// constraint.
var preconditions = map[int]func(ctx context.Context, q queryer) error{
	12: oneApplicationPerCode,
}

// oneApplicationPerCode is version 12's precondition: before it, the store
// let an application be written with another's participant code, which
// its unique index now forbids.
func oneApplicationPerCode(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, `SELECT participant_code, id FROM applications
		WHERE participant_code IN (SELECT participant_code FROM applications WHERE participant_code <> ''
			GROUP BY participant_code HAVING count(*) > 1 ORDER BY participant_code LIMIT 10)
		ORDER BY participant_code, created_at, id`)
	if err != nil {
		return fmt.Errorf("look for participant codes held twice: %w", err)
	}
	defer rows.Close()
	var shared []string
	held := map[string][]string{}
	for rows.Next() {
		var code, id string
		if err := rows.Scan(&code, &id); err != nil {
			return fmt.Errorf("look for participant codes held twice: %w", err)
		}
		if held[code] == nil {
			shared = append(shared, code)
		}
		held[code] = append(held[code], id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look for participant codes held twice: %w", err)
	}
	if len(shared) == 0 {
		return nil
	}
	var b strings.Builder
	for i, code := range shared {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%q by applications %s", code, strings.Join(held[code], ", "))
	}
	return fmt.Errorf("%w: participant codes held by more than one application (the first %d, oldest application first): %s. "+
		"Before version 12 the store let an application be written with another's code, which only a faulty or hostile writer did. "+
		"Decide which application owns each code (most likely the oldest); take the others off it, rejected "+
		"(UPDATE applications SET participant_code = '', stage = 'rejected', waiting = '[]' WHERE id = ...; "+
		"DELETE FROM application_waiting WHERE application_id = ...), and open the store again",
		ErrMigrationBlocked, len(shared), b.String())
}

// checkHistory compares the migrations the database records with this
// program's by name as well as by number: a database migrated by another
// line of this code (whose version 9 was another migration) would
// otherwise skip one migration and fail on the next, with no word of why.
func checkHistory(ctx context.Context, q queryer, ms []migration) error {
	rows, err := q.QueryContext(ctx, "SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		return fmt.Errorf("read the schema history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			version int
			name    string
		)
		if err := rows.Scan(&version, &name); err != nil {
			return fmt.Errorf("read the schema history: %w", err)
		}
		if version >= 1 && version <= len(ms) && ms[version-1].name != name {
			return fmt.Errorf("the database records migration %04d as %q where this program's is %04d_%s: it was migrated by another version of this code, whose migrations differ; nothing was changed",
				version, name, version, ms[version-1].name)
		}
	}
	return rows.Err()
}
