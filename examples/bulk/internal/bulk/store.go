package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// Store is a SQLite registry opened by OpenSQLite.
type Store struct {
	*sqlstore.Store
	db *sql.DB // the pool OpenSQLite opened itself, if it did
}

var _ registry.Store = (*Store)(nil)

// Close closes the store and its pool.
func (s *Store) Close() error {
	err := s.Store.Close()
	if s.db != nil {
		if cerr := s.db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// OpenSQLite opens (creating it if need be) the SQLite registry at path.
// Durable is sqlstore.OpenSQLite itself: every write is on disk
// (synchronous=FULL) before it returns. Not durable opens the same kind
// of pool — WAL, busy timeout, foreign keys, immediate transactions — with
// synchronous=NORMAL: a commit then waits for no fsync (the store already
// shares one commit among the writes that queue for it, so this gains
// little). A crash of the machine (not of the program) may lose the last
// commits, never corrupt the file; for a bulk run that only means the
// re-run submits those rows again.
func OpenSQLite(ctx context.Context, path string, durable bool) (*Store, error) {
	if durable {
		s, err := sqlstore.OpenSQLite(ctx, path)
		if err != nil {
			return nil, err
		}
		return &Store{Store: s}, nil
	}
	if path == "" {
		return nil, fmt.Errorf("SQLite database path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("SQLite database %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	dsn := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", dsn.String())
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	db.SetMaxOpenConns(4) // as OpenSQLite: one writer, readers beside it under WAL
	db.SetMaxIdleConns(4)
	s, err := sqlstore.New(ctx, db, sqlstore.SQLite)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("SQLite database %s: %w", path, err)
	}
	return &Store{Store: s, db: db}, nil
}
