package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// wtx is the transaction a write runs its statements in: a database/sql
// transaction (PostgreSQL, and SQLite on a pool of one connection), or
// SQLite's writer connection in a transaction the batch began on it.
type wtx struct {
	tx *sql.Tx
	w  *writer
}

// stmt returns st as it runs in t.
func (t *wtx) stmt(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	if t.tx != nil {
		return t.tx.StmtContext(ctx, st)
	}
	return t.w.stmts[st]
}

func (t *wtx) exec(ctx context.Context, st *sql.Stmt, args ...any) (sql.Result, error) {
	return t.stmt(ctx, st).ExecContext(ctx, args...)
}

func (t *wtx) queryRow(ctx context.Context, st *sql.Stmt, args ...any) *sql.Row {
	return t.stmt(ctx, st).QueryRowContext(ctx, args...)
}

// ExecContext runs a statement given as text in t.
func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.tx != nil {
		return t.tx.ExecContext(ctx, query, args...)
	}
	return t.w.conn.ExecContext(ctx, query, args...)
}

// writer is the connection a SQLite Store keeps for its writes, with the
// Store's statements prepared on it. A write then runs no database/sql
// transaction and binds no statement to one: on SQLite, where a write is
// a handful of short statements, that bookkeeping costs about as much as
// the statements themselves. Only the caller holding the write slot uses
// it.
type writer struct {
	conn                    *sql.Conn
	stmts                   map[*sql.Stmt]*sql.Stmt // the Store's statement → the same on conn
	begin, commit, rollback *sql.Stmt
}

// openWriter takes a connection from the pool for writes and prepares the
// Store's statements on it.
func (s *Store) openWriter(ctx context.Context) (*writer, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, stmts: make(map[*sql.Stmt]*sql.Stmt, len(s.texts))}
	prep := func(text string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var p *sql.Stmt
		p, err = conn.PrepareContext(ctx, text)
		return p
	}
	w.begin, w.commit, w.rollback = prep("BEGIN IMMEDIATE"), prep("COMMIT"), prep("ROLLBACK")
	for st, text := range s.texts {
		w.stmts[st] = prep(text)
	}
	if err != nil {
		w.close()
		return nil, fmt.Errorf("prepare the writer's statements: %w", err)
	}
	return w, nil
}

// close returns the writer's connection to the pool.
func (w *writer) close() error {
	return errors.Join(w.closeStmts(), w.conn.Close())
}

// discard closes the writer's connection instead of returning it to the
// pool: its transaction state is unknown.
func (w *writer) discard() {
	_ = w.closeStmts()
	_ = w.conn.Raw(func(any) error { return driver.ErrBadConn }) // closes it
}

// closeStmts closes the statements prepared on the writer's connection,
// which must still be open.
func (w *writer) closeStmts() error {
	var errs []error
	for _, p := range append([]*sql.Stmt{w.begin, w.commit, w.rollback}, slices.Collect(maps.Values(w.stmts))...) {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// beginWrite begins the transaction of a SQLite batch: on the writer
// connection, opened on first use, unless the pool has a single
// connection, which the writer would keep from every reader. It belongs
// to no one caller and is not cancelled when a caller's context ends; the
// busy timeout bounds waiting for another process's write lock.
func (s *Store) beginWrite() (*wtx, error) {
	ctx := context.Background()
	b := s.batcher
	if s.db.Stats().MaxOpenConnections == 1 {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &wtx{tx: tx}, nil
	}
	if b.writer == nil {
		w, err := s.openWriter(ctx)
		if err != nil {
			return nil, err
		}
		b.writer = w
	}
	if _, err := b.writer.begin.ExecContext(ctx); err != nil {
		return nil, err // SQLite began nothing
	}
	return &wtx{w: b.writer}, nil
}

// commitWrite commits t, or rolls it back when the commit fails.
func (s *Store) commitWrite(t *wtx) error {
	if t.tx != nil {
		return t.tx.Commit()
	}
	if _, err := t.w.commit.ExecContext(context.Background()); err != nil {
		s.rollbackWrite(t) // a COMMIT that failed may leave the transaction open
		return err
	}
	return nil
}

// rollbackWrite rolls t back. When SQLite refuses (it may have ended the
// transaction itself, or the connection failed), the writer connection is
// discarded and the next batch opens another.
func (s *Store) rollbackWrite(t *wtx) {
	if t.tx != nil {
		_ = t.tx.Rollback()
		return
	}
	if _, err := t.w.rollback.ExecContext(context.Background()); err != nil {
		t.w.discard()
		if s.batcher.writer == t.w {
			s.batcher.writer = nil
		}
	}
}
