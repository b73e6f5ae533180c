package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedReads bounds the read statements a SQLite Store keeps
// prepared. A statement's text holds no values (they are bound
// arguments), only the query's shape: which fields, operators and how
// many values of an or list, so a registry's traffic uses few shapes; a
// shape past the bound is prepared per call, as before.
const maxCachedReads = 256

// readCache keeps the read statements a SQLite Store builds per query
// shape (searches, their counts, listings, expiring certificates)
// prepared, so SQLite parses and plans each shape once per connection
// rather than once per call: on a lookup by code the parse costs more
// than the read. PostgreSQL needs none (pgx caches prepared statements on
// each connection itself).
type readCache struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	closed bool
}

// prepared returns the cached statement of query, preparing it on a miss;
// nil when the Store has no cache (PostgreSQL), the cache is full or
// closed, or the prepare failed (the caller then runs query unprepared and
// meets the error, if any, there).
func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	c := s.reads
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := c.closed || len(c.stmts) >= maxCachedReads
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok || c.closed || len(c.stmts) >= maxCachedReads {
		_ = st.Close()
		return prev
	}
	c.stmts[query] = st
	return st
}

// query runs a read, through its cached statement where there is one.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, query, args...)
}

// queryRow is query for one row.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

// close closes the cached statements; later reads run unprepared.
func (c *readCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = nil
	return errors.Join(errs...)
}
