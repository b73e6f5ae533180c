package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// OpenSQLite opens (creating it if need be) the SQLite database file at
// path, puts it in WAL mode and migrates it. The connections use
// synchronous=FULL (a write is on disk when it returns; see
// [WithSynchronous]), foreign keys, a WAL checkpoint every 10,000 pages
// rather than SQLite's 1,000 (the pages that change often are copied into
// the database file less often; the WAL grows to about 40 MB between
// checkpoints), temp_store=MEMORY (the savepoint journals of grouped writes stay in
// memory rather than in a temporary file) and the busy timeout
// ([WithBusyTimeout], default 5s). A file it creates is readable and
// writable by its owner only (0600), as are SQLite's WAL and shared-memory
// files beside it. In-memory databases (":memory:",
// "file:" URIs with mode=memory) are rejected: each pooled connection
// would see a database of its own, and nothing would persist; use
// registry.NewMemoryStore instead, or a file in a temporary directory.
func OpenSQLite(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg, err := newConfig(SQLite, opts)
	if err != nil {
		return nil, err
	}
	dsn, err := sqliteDSN(path, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkSQLitePath(path); err != nil {
		return nil, err
	}
	// A new database file is readable by its owner only, wherever it is:
	// it holds applicants' contacts. SQLite gives its WAL and shared-memory
	// files the database file's permissions. An existing file keeps its own.
	if abs, err := filepath.Abs(path); err == nil {
		if f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			_ = f.Close()
		}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open SQLite database %q: %w", path, err)
	}
	cfg.configure(db)
	if err := enableWAL(ctx, db, cfg.busyTimeout); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: SQLite database %q: %w", path, err)
	}
	s := newStore(db, SQLite, true)
	if err := s.start(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// checkSQLitePath reports, in words, the paths SQLite would refuse only as
// "unable to open database file": a directory, and a file whose directory
// does not exist (SQLite creates the file, never its directory).
func checkSQLitePath(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("sqlstore: SQLite database %q: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("sqlstore: SQLite database %q is a directory: give the path of a database file", path)
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(filepath.Dir(abs)); err != nil {
			return fmt.Errorf("sqlstore: SQLite database %q: its directory: %w", path, err)
		}
	}
	return nil
}

// enableWAL puts the database in WAL mode, which persists in the file, so
// that every connection of every process uses it. Switching a new file to
// WAL takes an exclusive lock for which SQLite does not wait: when several
// processes (or pools) create one database at once, all but one may get
// SQLITE_BUSY at once. It is retried, a little longer each time, for up to
// the busy timeout.
func enableWAL(ctx context.Context, db *sql.DB, busyTimeout time.Duration) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			return fmt.Errorf("journal mode is %q after asking for WAL", mode)
		case !isBusy(err) || time.Now().Add(wait).After(deadline):
			// The caller names the package and the file.
			if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
				return fmt.Errorf("enable WAL: %w (%w)", cerr, err)
			}
			return fmt.Errorf("enable WAL: %w", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// walAutocheckpoint is how many pages the WAL grows by before a commit
// copies them back into the database file (SQLite's default is 1000). The
// copy runs in the committing connection — a SQLite Store's writer, which
// every write waits for — and writes each page once however often it
// changed since the last copy: the hot pages of the indexes change in
// nearly every batch, so a longer interval copies far fewer. 10000 pages
// are 40 MB of WAL at the default page size. Durability is unchanged: a
// commit is on disk (synchronous=FULL) or in the WAL (NORMAL) as before.
const walAutocheckpoint = 10000

// sqliteDSN turns a file path into a modernc.org/sqlite URI with the
// store's connection settings.
func sqliteDSN(path string, cfg config) (string, error) {
	trimmed := strings.TrimSpace(path)
	switch {
	case trimmed == "":
		return "", errors.New("sqlstore: SQLite database path is empty")
	case trimmed == ":memory:" || strings.HasPrefix(trimmed, "file:"):
		return "", fmt.Errorf("sqlstore: SQLite database %q: give a file path; in-memory databases and URIs are not supported (use registry.NewMemoryStore for a store in memory)", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("sqlstore: SQLite database %q: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.busyTimeout.Milliseconds()))
	q.Add("_pragma", "synchronous("+string(cfg.synchronous)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walAutocheckpoint))
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String(), nil
}

// OpenPostgres connects to the PostgreSQL database dsn names and migrates
// it. dsn is a URL or keyword/value connection string as libpq and pgx
// accept them, e.g.
//
//	postgres://hcx:secret@db.internal:5432/registry?sslmode=verify-full
//	host=db.internal dbname=registry user=hcx sslmode=verify-full
//
// A search_path parameter selects the schema the tables live in.
func OpenPostgres(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg, err := newConfig(Postgres, opts)
	if err != nil {
		return nil, err
	}
	connCfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: PostgreSQL connection string %s", parseFailure(err))
	}
	db := stdlib.OpenDB(*connCfg)
	cfg.configure(db)
	s := newStore(db, Postgres, true)
	if err := s.start(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// parseFailure says why pgx could not parse a connection string without
// quoting the string. pgx's error quotes it with the password masked as
// best it can, which misses spellings libpq accepts ("password = x") and
// mistyped ones ("user:p@ss@host"), and the error keeps the unmasked string
// in a public field: it is neither shown nor wrapped. What is kept is pgx's
// reason, which names the setting at fault, and the error under it.
func parseFailure(err error) string {
	const unknown = "cannot be parsed"
	var pce *pgconn.ParseConfigError
	if !errors.As(err, &pce) {
		return unknown
	}
	text := pce.Error()
	inner := ""
	if u := pce.Unwrap(); u != nil {
		inner = " (" + u.Error() + ")"
		text = strings.TrimSuffix(text, inner)
	}
	// What follows the last "`: " comes from the reason alone, whatever
	// the quoted connection string holds.
	i := strings.LastIndex(text, "`: ")
	if i < 0 {
		return unknown
	}
	return "cannot be parsed: " + text[i+len("`: "):] + inner
}
