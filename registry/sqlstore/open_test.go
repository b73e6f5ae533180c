package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// backend opens stores of one dialect on one database: open(t, name)
// returns a new Store on the database called name, the same database each
// time for the same name within one test.
type backend struct {
	dialect sqlstore.Dialect
	open    func(t *testing.T, name string) (*sqlstore.Store, error)
}

func backends(t *testing.T) []backend {
	sqliteDir := map[*testing.T]string{}
	var mu sync.Mutex
	out := []backend{{
		dialect: sqlstore.SQLite,
		open: func(t *testing.T, name string) (*sqlstore.Store, error) {
			dir := func() string {
				// Unlocked also when the test fails and its goroutine
				// ends inside: else every other test waits for ever.
				mu.Lock()
				defer mu.Unlock()
				dir, ok := sqliteDir[t]
				if !ok {
					dir = t.TempDir()
					sqliteDir[t] = dir
				}
				return dir
			}()
			return sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, name+".db"))
		},
	}}
	dsn := os.Getenv("HCX_TEST_POSTGRES_DSN")
	if dsn == "" {
		return out
	}
	schemas := map[*testing.T]map[string]string{}
	return append(out, backend{
		dialect: sqlstore.Postgres,
		open: func(t *testing.T, name string) (*sqlstore.Store, error) {
			sdsn := func() string {
				// FreshSchema fails the test (its goroutine ends) when
				// the server cannot be used: the lock goes with it.
				mu.Lock()
				defer mu.Unlock()
				if schemas[t] == nil {
					schemas[t] = map[string]string{}
				}
				sdsn, ok := schemas[t][name]
				if !ok {
					sdsn = sqlstoretest.FreshSchema(t, dsn)
					schemas[t][name] = sdsn
				}
				return sdsn
			}()
			return sqlstore.OpenPostgres(context.Background(), sdsn)
		},
	})
}

// forEachBackend runs fn as a subtest per dialect; PostgreSQL only where
// HCX_TEST_POSTGRES_DSN is set (TestPostgresConformance reports the skip).
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends(t) {
		t.Run(string(b.dialect), func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

func schemaVersions(t *testing.T, s *sqlstore.Store) []int {
	t.Helper()
	rows, err := sqlstore.DBOf(s).QueryContext(context.Background(), "SELECT version FROM schema_migrations ORDER BY version")
	require.NoError(t, err)
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func allVersions(d sqlstore.Dialect) []int {
	var out []int
	for v := 1; v <= sqlstore.MigrationCount(d); v++ {
		out = append(out, v)
	}
	return out
}

func TestMigrationsRunOnceAndDataSurvivesReopen(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "db")
		require.NoError(t, err)
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))
		a := &registry.Application{ID: "app-1", Key: "key-1", ParticipantCode: "1000001@hcx", Stage: registry.StageSubmitted,
			CreatedAt: time.Unix(0, 1741924613589793238), UpdatedAt: time.Unix(0, 1741924613589793238)}
		p := &hcxonboard.Participant{ParticipantCode: "1000001@hcx", ParticipantName: "City Hospital", Roles: []hcxonboard.Role{"provider"}}
		e := registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: a.CreatedAt, Actor: "engine", Action: "submit"})
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p, Events: e}))
		require.NoError(t, s.Close())

		for range 2 {
			s, err = b.open(t, "db")
			require.NoError(t, err)
			require.Equal(t, allVersions(b.dialect), schemaVersions(t, s), "reopening applies nothing twice")
			got, err := s.Application(ctx, "app-1")
			require.NoError(t, err)
			require.EqualValues(t, 1, got.Version)
			require.Equal(t, a.CreatedAt.UnixNano(), got.CreatedAt.UnixNano())
			events, err := s.Events(ctx, "app-1")
			require.NoError(t, err)
			require.NoError(t, registry.VerifyChain(events))
			require.NoError(t, s.Close())
		}
	})
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		for round := range 3 {
			name := fmt.Sprintf("fresh-%d", round)
			// Create the PostgreSQL schema (or the SQLite directory)
			// before the race, so that only the migration races.
			if b.dialect == sqlstore.Postgres {
				s, err := b.open(t, name)
				require.NoError(t, err)
				_, err = sqlstore.DBOf(s).Exec("DROP TABLE leases, outbox, documents, schema_migrations, audit_events, participant_values, participants, application_waiting, application_claims, applications")
				require.NoError(t, err)
				require.NoError(t, s.Close())
			}
			const n = 4
			stores := make([]*sqlstore.Store, n)
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					stores[i], errs[i] = b.open(t, name)
				})
			}
			close(start)
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i], "open %d of round %d", i, round)
				t.Cleanup(func() { stores[i].Close() })
			}
			require.Equal(t, allVersions(b.dialect), schemaVersions(t, stores[0]), "the schema is applied once")
			// Every store works on the one schema.
			for i, s := range stores {
				a := &registry.Application{ID: fmt.Sprintf("app-%d", i), Stage: registry.StageSubmitted}
				require.NoError(t, s.Create(context.Background(), registry.Write{Application: a}))
			}
			list, err := stores[0].ListApplications(context.Background(), registry.ApplicationFilter{})
			require.NoError(t, err)
			require.Len(t, list, n)
		}
	})
}

// Switching a new SQLite file to WAL takes an exclusive lock that SQLite
// does not wait for; pools that create one file at once must still all
// open it. Each round races four opens of a new file (and
// TestEnableWALOnANewFileRacedByPools races the switch alone, many times).
func TestConcurrentOpensOfANewSQLiteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const rounds, n = 8, 4
	for round := range rounds {
		path := filepath.Join(dir, fmt.Sprintf("new-%d.db", round))
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				s, err := sqlstore.OpenSQLite(context.Background(), path)
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "open %d of round %d", i, round)
		}
	}
}

func TestSchemaTooNew(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := b.open(t, "db")
		require.NoError(t, err)
		_, err = sqlstore.DBOf(s).Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', 0)")
		require.NoError(t, err)
		require.NoError(t, s.Close())
		_, err = b.open(t, "db")
		require.ErrorIs(t, err, sqlstore.ErrSchemaTooNew)
		require.ErrorContains(t, err, "9999")
	})
}

func TestTimesOutsideTheStorableRangeAreRefused(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "db")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		tests := []struct {
			name string
			w    registry.Write
		}{
			{"application a created_at", registry.Write{Application: &registry.Application{ID: "a", Stage: "submitted", CreatedAt: far}}},
			{"participant p updated_at", registry.Write{
				Application: &registry.Application{ID: "a", Stage: "submitted", ParticipantCode: "p"},
				Participant: &hcxonboard.Participant{ParticipantCode: "p", UpdatedAt: far},
			}},
			{"audit event 1 time", registry.Write{
				Application: &registry.Application{ID: "a", Stage: "submitted"},
				Events:      registry.Chain(nil, registry.Event{ApplicationID: "a", Time: far}),
			}},
		}
		for _, tt := range tests {
			err := s.Create(ctx, tt.w)
			require.ErrorContains(t, err, tt.name)
			require.ErrorContains(t, err, "outside the")
			_, err = s.Application(ctx, "a")
			require.ErrorIs(t, err, registry.ErrNotFound)
		}
	})
}

func TestOpenSQLiteRejectsInMemoryDatabases(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", "  ", ":memory:", "file::memory:?cache=shared", "file:registry.db?mode=memory"} {
		t.Run(fmt.Sprintf("%q", path), func(t *testing.T) {
			t.Parallel()
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			require.Error(t, err)
			require.Nil(t, s)
		})
	}
}

// A path that cannot hold the database is refused with an error that
// says why, and a file that is not a SQLite database is left as it was.
func TestOpenSQLiteSaysWhatIsWrongWithThePath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a directory", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s, err := sqlstore.OpenSQLite(ctx, dir)
		require.Nil(t, s)
		require.ErrorContains(t, err, "is a directory")
		require.ErrorContains(t, err, dir)
	})
	t.Run("a file in a directory that does not exist", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing", "registry.db")
		s, err := sqlstore.OpenSQLite(ctx, path)
		require.Nil(t, s)
		require.ErrorIs(t, err, os.ErrNotExist)
		require.ErrorContains(t, err, path)
	})
	t.Run("a file that is not a SQLite database", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "notes.txt")
		body := []byte("these are an operator's notes, not a database, and must survive a mistaken open\n")
		require.NoError(t, os.WriteFile(path, body, 0o600))
		s, err := sqlstore.OpenSQLite(ctx, path)
		require.Nil(t, s)
		require.ErrorContains(t, err, "not a database")
		require.ErrorContains(t, err, path)
		require.Equal(t, 1, strings.Count(err.Error(), "sqlstore:"), "the package is named once: %v", err)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, body, got, "the file is left as it was")
	})
}

func TestOpenSQLiteTakesAnyFileName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"plain.db", "with space.db", "what?.db", "hash#1.db", "100%.db", "ünï.db"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), name)
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			_, err = os.Stat(path)
			require.NoError(t, err, "the database is the file named, not a URI's reading of it")
		})
	}
}

func TestOpenSQLiteConnectionSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        []sqlstore.Option
		wantTimeout int
		wantSync    int // 2 is FULL, 1 NORMAL
	}{
		{"defaults", nil, 5000, 2},
		{"a busy timeout of 250ms", []sqlstore.Option{sqlstore.WithBusyTimeout(250 * time.Millisecond)}, 250, 2},
		{"synchronous=NORMAL", []sqlstore.Option{sqlstore.WithSynchronous(sqlstore.SyncNormal)}, 5000, 1},
		{"synchronous=FULL asked for", []sqlstore.Option{sqlstore.WithSynchronous(sqlstore.SyncFull)}, 5000, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "r.db"), tt.opts...)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			db := sqlstore.DBOf(s)
			var mode string
			var timeout, fk, sync, ckpt int
			require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
			require.NoError(t, db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&ckpt))
			require.NoError(t, db.QueryRow("PRAGMA busy_timeout").Scan(&timeout))
			require.NoError(t, db.QueryRow("PRAGMA foreign_keys").Scan(&fk))
			require.NoError(t, db.QueryRow("PRAGMA synchronous").Scan(&sync))
			require.Equal(t, "wal", mode)
			require.Equal(t, tt.wantTimeout, timeout)
			require.Equal(t, 1, fk)
			require.Equal(t, tt.wantSync, sync, "synchronous")
			require.Equal(t, 10000, ckpt, "wal_autocheckpoint")
			require.Equal(t, sqlstore.SQLite, s.Dialect())
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name string
		open func() (*sqlstore.Store, error)
	}{
		{"a busy timeout of 0", func() (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "a.db"), sqlstore.WithBusyTimeout(0))
		}},
		{"a busy timeout of an hour", func() (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "b.db"), sqlstore.WithBusyTimeout(time.Hour))
		}},
		{"a busy timeout for PostgreSQL", func() (*sqlstore.Store, error) {
			return sqlstore.OpenPostgres(ctx, "postgres://nobody@127.0.0.1:1/none", sqlstore.WithBusyTimeout(time.Second))
		}},
		{"no connections", func() (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "c.db"), sqlstore.WithMaxOpenConns(0))
		}},
		{"no PostgreSQL connections", func() (*sqlstore.Store, error) {
			return sqlstore.OpenPostgres(ctx, "postgres://nobody@127.0.0.1:1/none", sqlstore.WithMaxOpenConns(-1))
		}},
		{"an unknown synchronous mode", func() (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "e.db"), sqlstore.WithSynchronous("OFF"))
		}},
		{"a synchronous mode for PostgreSQL", func() (*sqlstore.Store, error) {
			return sqlstore.OpenPostgres(ctx, "postgres://nobody@127.0.0.1:1/none", sqlstore.WithSynchronous(sqlstore.SyncNormal))
		}},
		{"a nil option", func() (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "d.db"), nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := tt.open()
			require.ErrorIs(t, err, sqlstore.ErrInvalidOption)
			require.Nil(t, s)
		})
	}
	t.Run("valid options open", func(t *testing.T) {
		t.Parallel()
		s, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "ok.db"), sqlstore.WithBusyTimeout(time.Second), sqlstore.WithMaxOpenConns(1))
		require.NoError(t, err)
		require.NoError(t, s.Close())
	})
}

func TestOpenPostgresErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a malformed connection string hides its password", func(t *testing.T) {
		t.Parallel()
		_, err := sqlstore.OpenPostgres(ctx, "postgres://user:s3cr3t-pw@host:notaport/db")
		require.Error(t, err)
		require.NotContains(t, err.Error(), "s3cr3t-pw")
	})
	t.Run("no malformed connection string shows any part of its password", func(t *testing.T) {
		t.Parallel()
		// pgx's parse errors quote the connection string with the password
		// masked as best it can; these spellings, which libpq accepts or
		// which are merely mistyped, slip past its masking.
		for _, dsn := range []string{
			"host=db user=u password = s3cr3t-pw port=x",
			"host=db user=u password =s3cr3t-pw port=x",
			"host=db user=u password= s3cr3t-pw port=x",
			`host=db user=u password=pw\ s3cr3t-pw port=x`,
			"postgres://u:pw@s3cr3t-pw@db:x/registry",
		} {
			_, err := sqlstore.OpenPostgres(ctx, dsn)
			require.Error(t, err, dsn)
			require.NotContains(t, err.Error(), "s3cr3t-pw", dsn)
			require.ErrorContains(t, err, "sqlstore: PostgreSQL connection string cannot be parsed: invalid port", dsn)
			var pce *pgconn.ParseConfigError
			require.False(t, errors.As(err, &pce), "the error must not carry the unmasked connection string: %q", dsn)
		}
	})
	t.Run("an unreachable server fails the open", func(t *testing.T) {
		t.Parallel()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := sqlstore.OpenPostgres(cctx, "postgres://user:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2")
		require.ErrorContains(t, err, "migrate the postgres schema")
		require.NotContains(t, err.Error(), "s3cr3t-pw")
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a nil pool", func(t *testing.T) {
		t.Parallel()
		_, err := sqlstore.New(ctx, nil, sqlstore.SQLite)
		require.ErrorContains(t, err, "nil *sql.DB")
	})
	t.Run("an unknown dialect", func(t *testing.T) {
		t.Parallel()
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "x.db"))
		require.NoError(t, err)
		defer db.Close()
		_, err = sqlstore.New(ctx, db, "mysql")
		require.ErrorContains(t, err, `unknown dialect "mysql"`)
	})
	forEachPool := map[string]func(t *testing.T) (*sql.DB, sqlstore.Dialect){
		"sqlite": func(t *testing.T) (*sql.DB, sqlstore.Dialect) {
			db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "own.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
			require.NoError(t, err)
			return db, sqlstore.SQLite
		},
	}
	if dsn := os.Getenv("HCX_TEST_POSTGRES_DSN"); dsn != "" {
		forEachPool["postgres"] = func(t *testing.T) (*sql.DB, sqlstore.Dialect) {
			db, err := sql.Open("pgx", sqlstoretest.FreshSchema(t, dsn))
			require.NoError(t, err)
			return db, sqlstore.Postgres
		}
	}
	for name, pool := range forEachPool {
		t.Run("a caller's "+name+" pool stays open after Close", func(t *testing.T) {
			t.Parallel()
			db, dialect := pool(t)
			defer db.Close()
			s, err := sqlstore.New(ctx, db, dialect)
			require.NoError(t, err)
			require.Equal(t, dialect, s.Dialect())
			a := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}
			require.NoError(t, s.Create(ctx, registry.Write{Application: a}))
			require.NoError(t, s.Close())
			require.NoError(t, db.PingContext(ctx))
			again, err := sqlstore.New(ctx, db, dialect)
			require.NoError(t, err)
			_, err = again.Application(ctx, "app-1")
			require.NoError(t, err)
		})
	}
}

func TestClosedStoreRefusesCalls(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "db")
		require.NoError(t, err)
		a := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}
		require.NoError(t, s.Create(ctx, registry.Write{Application: a}))
		require.NoError(t, s.Close())
		require.NoError(t, s.Close(), "closing twice is harmless")

		calls := map[string]func() error{
			"Participant":        func() error { _, err := s.Participant(ctx, "x"); return err },
			"SearchParticipants": func() error { _, err := s.SearchParticipants(ctx, registry.Query{}); return err },
			"Application":        func() error { _, err := s.Application(ctx, "app-1"); return err },
			"ApplicationByKey":   func() error { _, err := s.ApplicationByKey(ctx, "k"); return err },
			"ListApplications": func() error {
				_, err := s.ListApplications(ctx, registry.ApplicationFilter{})
				return err
			},
			"Events": func() error { _, err := s.Events(ctx, "app-1"); return err },
			"Create": func() error {
				return s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-2", Stage: registry.StageSubmitted}})
			},
			"Update": func() error { return s.Update(ctx, registry.Write{Application: a}) },
		}
		for name, call := range calls {
			require.ErrorIs(t, call(), sqlstore.ErrClosed, name)
		}
	})
}

// A database file the store creates is its owner's alone, in a directory
// anyone may read, and so are its WAL and shared-memory files; one that
// exists keeps its permissions.
func TestNewDatabaseFileIsTheOwnersAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	path := filepath.Join(dir, "registry.db")
	s, err := sqlstore.OpenSQLite(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		require.NoError(t, err, name)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
	}
	open := filepath.Join(dir, "shared.db")
	require.NoError(t, os.WriteFile(open, nil, 0o640))
	s2, err := sqlstore.OpenSQLite(context.Background(), open)
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	fi, err := os.Stat(open)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "an existing file keeps its permissions")
}

// A file name that begins or ends with a space names that file: the store
// opens it, and it is the file made the owner's alone, with no other file
// left beside it.
func TestNewDatabaseFileWithSpacesAroundItsNameIsTheOwnersAlone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"registry.db ", " registry.db"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			fi, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range entries {
				require.Contains(t, []string{name, name + "-wal", name + "-shm"}, e.Name(), "a file beside the database")
			}
		})
	}
}
