package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"   // modernc.org/sqlite, driver name "sqlite"
	Postgres Dialect = "postgres" // github.com/jackc/pgx/v5/stdlib, driver name "pgx"
)

func (d Dialect) valid() bool { return d == SQLite || d == Postgres }

// ErrClosed reports a call on a Store after Close.
var ErrClosed = errors.New("sqlstore: store is closed")

// ErrInvalidOption reports an option that is out of range or does not
// apply to the dialect being opened.
var ErrInvalidOption = errors.New("sqlstore: invalid option")

// Store is a registry.Store in a SQL database. It is safe for concurrent
// use; several Stores, in one process or several, may share one database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	ownsDB  bool

	// batcher runs SQLite's writes, one transaction at a time and many
	// writes to a transaction (SQLite has a single writer anyway): writers
	// queue there, honouring their context, instead of spinning in
	// SQLite's busy handler. Nil for PostgreSQL.
	batcher *batcher

	stmts statements
	texts map[*sql.Stmt]string // each of stmts' SQL, for the writer connection

	// reads keeps SQLite's read statements prepared per query shape; nil
	// for PostgreSQL.
	reads *readCache

	closed atomic.Bool

	// nameIndex: contains and endsWith on participant_name have a
	// trigram index (always on SQLite; on PostgreSQL when pg_trgm was
	// available to migration 8).
	nameIndex bool
	// contactIndex: contains and endsWith on participant_code,
	// primary_email and primary_mobile have trigram indexes (always on
	// SQLite; on PostgreSQL when pg_trgm was available to migration 15).
	contactIndex bool

	// driveLimit: a search condition whose index holds fewer rows than
	// this always leads the search (see planSearch).
	driveLimit int
}

// defaultDriveLimit is the default driveLimit: sorting this many matches
// costs little at any size.
const defaultDriveLimit = 2000

var (
	_ registry.Store       = (*Store)(nil)
	_ registry.ClaimReader = (*Store)(nil)
)

// New returns a Store over a pool the caller opened and owns (Close leaves
// it open), after applying the schema migrations and preparing the
// statements. For PostgreSQL the pool comes from the "pgx" driver
// (github.com/jackc/pgx/v5/stdlib). For SQLite it comes from the "sqlite"
// driver (modernc.org/sqlite) and should be opened as [OpenSQLite] opens
// its own: a file in WAL mode (PRAGMA journal_mode=WAL, which persists in
// the file), with _pragma=busy_timeout(5000), _pragma=synchronous(FULL),
// _pragma=foreign_keys(1), _pragma=temp_store(MEMORY) and
// _txlock=immediate, so that write transactions take the write lock when
// they begin and wait for other processes instead of failing with
// SQLITE_BUSY. (Asking for WAL in every connection's DSN works too, but a
// new file's switch to WAL does not wait for other processes switching it
// at the same moment; OpenSQLite switches it once, retrying.) A SQLite
// Store keeps one connection of the pool for its writes, with its
// statements prepared on it, from its first write until Close, unless the
// pool allows a single connection.
func New(ctx context.Context, db *sql.DB, dialect Dialect) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: New with a nil *sql.DB")
	}
	if !dialect.valid() {
		return nil, fmt.Errorf("sqlstore: unknown dialect %q (want %q or %q)", dialect, SQLite, Postgres)
	}
	s := newStore(db, dialect, false)
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// start migrates the schema and prepares the statements.
func (s *Store) start(ctx context.Context) error {
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := s.findNameIndex(ctx); err != nil {
		return err
	}
	return s.prepare(ctx)
}

func newStore(db *sql.DB, dialect Dialect, owns bool) *Store {
	s := &Store{db: db, dialect: dialect, ownsDB: owns, driveLimit: defaultDriveLimit}
	if dialect == SQLite {
		s.reads = &readCache{stmts: make(map[string]*sql.Stmt)}
	}
	if dialect == SQLite {
		s.batcher = newBatcher()
	}
	return s
}

// Dialect reports the database the Store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the connection pool if the Store opened it ([OpenSQLite],
// [OpenPostgres]); a pool given to [New] stays open.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	var err error
	if b := s.batcher; b != nil {
		// Let the batch under way finish; the writes queued behind it
		// will find the Store closed.
		b.slot <- struct{}{}
		if b.writer != nil {
			err = b.writer.close()
			b.writer = nil
		}
		<-b.slot
	}
	err = errors.Join(err, s.reads.close(), s.closeStmts())
	if s.ownsDB {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// ready reports why a call cannot start: an ended context or a closed
// Store.
func (s *Store) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

// config holds what the options set.
type config struct {
	dialect      Dialect
	busyTimeout  time.Duration
	maxOpenConns int
	synchronous  Synchronous
}

func newConfig(d Dialect, opts []Option) (config, error) {
	c := config{dialect: d, busyTimeout: 5 * time.Second, maxOpenConns: 4, synchronous: SyncFull}
	if d == Postgres {
		c.maxOpenConns = 10
	}
	for _, o := range opts {
		if o == nil {
			return c, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Option configures OpenSQLite and OpenPostgres.
type Option func(*config) error

// WithBusyTimeout sets how long a SQLite connection waits for another
// process's write lock before failing with SQLITE_BUSY. Default 5s; it must
// be between 1ms and 10 minutes, and applies only to SQLite.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) error {
		if c.dialect != SQLite {
			return fmt.Errorf("%w: WithBusyTimeout applies only to SQLite", ErrInvalidOption)
		}
		if d < time.Millisecond || d > 10*time.Minute {
			return fmt.Errorf("%w: busy timeout %v is outside 1ms..10m", ErrInvalidOption, d)
		}
		c.busyTimeout = d
		return nil
	}
}

// Synchronous is SQLite's synchronous setting: when a commit waits for the
// disk.
type Synchronous string

const (
	// SyncFull, the default, makes a write wait for an fsync of the WAL:
	// a write that returned survives a crash of the machine.
	SyncFull Synchronous = "FULL"
	// SyncNormal makes a commit wait for no fsync (WAL mode). A crash of
	// the program loses nothing; a crash of the machine may lose the last
	// commits, never corrupt the file. For loads that can be re-run.
	SyncNormal Synchronous = "NORMAL"
)

// WithSynchronous sets SQLite's synchronous mode (default [SyncFull]). It
// applies only to SQLite.
func WithSynchronous(mode Synchronous) Option {
	return func(c *config) error {
		if c.dialect != SQLite {
			return fmt.Errorf("%w: WithSynchronous applies only to SQLite", ErrInvalidOption)
		}
		if mode != SyncFull && mode != SyncNormal {
			return fmt.Errorf("%w: synchronous mode %q, want %q or %q", ErrInvalidOption, mode, SyncFull, SyncNormal)
		}
		c.synchronous = mode
		return nil
	}
}

// WithMaxOpenConns bounds the connection pool. Default 4 for SQLite (one
// writer at a time, the rest read concurrently under WAL) and 10 for
// PostgreSQL; it must be at least 1.
func WithMaxOpenConns(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: max open connections %d, want at least 1", ErrInvalidOption, n)
		}
		c.maxOpenConns = n
		return nil
	}
}

func (c config) configure(db *sql.DB) {
	db.SetMaxOpenConns(c.maxOpenConns)
	db.SetMaxIdleConns(c.maxOpenConns)
}

// queryer is what a transaction and a single connection have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
// On SQLite the Store's batcher runs it, possibly in one transaction with
// other writers' writes (see batcher); fn must then leave the transaction
// usable when it fails, as a failed statement does. OpenSQLite's pools
// begin transactions IMMEDIATE, so the busy timeout covers waiting for
// another process.
func (s *Store) inTx(ctx context.Context, fn writeFunc) error {
	if s.dialect == SQLite {
		return s.batcher.run(ctx, s, fn)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, err, "begin a write transaction")
	}
	if err := fn(ctx, &wtx{tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fail(ctx, err, "commit a write transaction")
	}
	return nil
}

// immediateTx runs fn in a SQLite transaction that takes the write lock
// when it begins (BEGIN IMMEDIATE), whatever the pool's _txlock, so that
// the busy timeout covers waiting for another process. Migrations use it.
func (s *Store) immediateTx(ctx context.Context, fn func(q queryer) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err = fn(conn); err == nil {
		if _, err = conn.ExecContext(ctx, "COMMIT"); err == nil {
			return nil
		}
	}
	if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
		// SQLite may have rolled back already (an interrupted write does);
		// either way this connection's transaction state is unknown, so
		// the pool must not hand it out again.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// fail wraps a database error with what was being done, and with the
// context's error when the context ended, so that errors.Is finds
// context.Canceled or context.DeadlineExceeded.
func fail(ctx context.Context, err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlstore: %s: %w (%w)", what, cerr, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}
