package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// openBatchStore opens a SQLite store with a scratch table, notes(n).
func openBatchStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "registry.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	_, err = s.db.ExecContext(ctx, "CREATE TABLE notes (n INTEGER NOT NULL PRIMARY KEY)")
	require.NoError(t, err)
	return s
}

// notes returns the numbers committed to the scratch table, in order.
func notes(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.db.Query("SELECT n FROM notes ORDER BY n")
	require.NoError(t, err)
	defer rows.Close()
	var got []int
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		got = append(got, n)
	}
	require.NoError(t, rows.Err())
	return got
}

func insertNote(ctx context.Context, w *wtx, n int) error {
	_, err := w.ExecContext(ctx, "INSERT INTO notes (n) VALUES ($1)", n)
	return err
}

// inOneBatch runs the writes concurrently while the test holds the write
// slot, so that they all queue, in their order, and one of them runs the
// whole queue as one batch. It returns each write's error.
func inOneBatch(t *testing.T, s *Store, ctxs []context.Context, fns []writeFunc) []error {
	t.Helper()
	b := s.batcher
	b.slot <- struct{}{}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		ctx := context.Background()
		if ctxs != nil {
			ctx = ctxs[i]
		}
		wg.Go(func() { errs[i] = s.inTx(ctx, fn) })
		require.Eventually(t, func() bool {
			b.mu.Lock()
			defer b.mu.Unlock()
			return len(b.queue) == i+1
		}, 5*time.Second, time.Millisecond)
	}
	<-b.slot
	wg.Wait()
	return errs
}

func TestBatchCommitsTogetherAndIsolatesFailures(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	var mu sync.Mutex
	ranIn := map[int]*wtx{} // each write's last run
	fns := make([]writeFunc, 10)
	for i := range fns {
		fns[i] = func(ctx context.Context, w *wtx) error {
			mu.Lock()
			ranIn[i] = w
			mu.Unlock()
			if err := insertNote(ctx, w, i); err != nil {
				return err
			}
			switch i % 3 {
			case 1: // fails after writing: its row must go
				return fmt.Errorf("write %d refused", i)
			case 2: // a failed statement (a taken key) after a good one
				return insertNote(ctx, w, i)
			}
			return nil
		}
	}
	errs := inOneBatch(t, s, nil, fns)
	var want []int
	for i, err := range errs {
		switch i % 3 {
		case 0:
			require.NoError(t, err, "write %d", i)
			require.Same(t, ranIn[0], ranIn[i], "the writes that commit share one transaction")
			want = append(want, i)
		case 1:
			require.EqualError(t, err, fmt.Sprintf("write %d refused", i))
		case 2:
			require.ErrorContains(t, err, "UNIQUE", "write %d", i)
		}
	}
	require.Equal(t, want, notes(t, s))
}

func TestBatchCancelledWhileQueued(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	b := s.batcher
	b.slot <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	done := make(chan error, 1)
	go func() {
		done <- s.inTx(ctx, func(ctx context.Context, w *wtx) error { ran = true; return insertNote(ctx, w, 1) })
	}()
	require.Eventually(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	<-b.slot
	require.False(t, ran, "a write whose context ended in the queue never runs")
	b.mu.Lock()
	require.Empty(t, b.queue)
	b.mu.Unlock()

	require.NoError(t, s.inTx(context.Background(), func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 2) }))
	require.Equal(t, []int{2}, notes(t, s))
}

func TestBatchStartedWriteOutlivesItsContext(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.inTx(ctx, func(ctx context.Context, w *wtx) error {
		cancel()
		return insertNote(ctx, w, 7)
	})
	require.NoError(t, err, "a started write is not interrupted half-way")
	require.Equal(t, []int{7}, notes(t, s))
}

// A batch whose writes all succeed runs each of them once, with no
// savepoint; one whose write fails is rolled back and runs again without
// it, each write under a savepoint: the writes before the failed one run
// twice and commit, the failed one ran once, the rest run once.
func TestBatchRunsWritesOnceUnlessOneFails(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	var mu sync.Mutex
	runs := map[int]int{}
	var savepoints []bool // per run: whether a savepoint was open
	write := func(i int, fail bool) writeFunc {
		return func(ctx context.Context, w *wtx) error {
			mu.Lock()
			runs[i]++
			mu.Unlock()
			// A savepoint opened around the write shows in a second
			// SAVEPOINT of the same name being nested in it: count them.
			var open bool
			if _, err := w.ExecContext(ctx, "RELEASE write"); err == nil {
				open = true
				_, err := w.ExecContext(ctx, "SAVEPOINT write")
				require.NoError(t, err)
			}
			mu.Lock()
			savepoints = append(savepoints, open)
			mu.Unlock()
			if fail {
				return fmt.Errorf("write %d refused", i)
			}
			return insertNote(ctx, w, i)
		}
	}

	errs := inOneBatch(t, s, nil, []writeFunc{write(1, false), write(2, false), write(3, false)})
	for i, err := range errs {
		require.NoError(t, err, "write %d", i)
	}
	require.Equal(t, map[int]int{1: 1, 2: 1, 3: 1}, runs, "no write fails: each runs once")
	require.Equal(t, []bool{false, false, false}, savepoints, "under no savepoint")
	require.Equal(t, []int{1, 2, 3}, notes(t, s))

	clear(runs)
	savepoints = nil
	errs = inOneBatch(t, s, nil, []writeFunc{write(4, false), write(5, false), write(6, true), write(7, false)})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.EqualError(t, errs[2], "write 6 refused")
	require.NoError(t, errs[3])
	require.Equal(t, map[int]int{4: 2, 5: 2, 6: 1, 7: 1}, runs)
	require.Equal(t, []bool{false, false, false, true, true, true}, savepoints,
		"the first run without savepoints, the second with")
	require.Equal(t, []int{1, 2, 3, 4, 5, 7}, notes(t, s))
}

// A write that ends the transaction under the batch, as SQLite does after
// some I/O errors, fails alone in the first run: the others run again in
// a new transaction and commit.
func TestBatchWriteThatBreaksTheTransactionFailsAlone(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	errs := inOneBatch(t, s, nil, []writeFunc{
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) },
		func(ctx context.Context, w *wtx) error {
			_, err := w.ExecContext(ctx, "ROLLBACK")
			require.NoError(t, err)
			return errors.New("disk trouble")
		},
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 3) },
	})
	require.NoError(t, errs[0])
	require.EqualError(t, errs[1], "disk trouble")
	require.NoError(t, errs[2])
	require.Equal(t, []int{1, 3}, notes(t, s))
}

// When the transaction breaks under a savepoint, in the run again after a
// failure, nothing of the batch is committed and every write says so.
func TestBatchBrokenTransactionCommitsNothing(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	errs := inOneBatch(t, s, nil, []writeFunc{
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) },
		func(ctx context.Context, w *wtx) error { return errors.New("refused") },
		func(ctx context.Context, w *wtx) error {
			// Ends the transaction under the batch, as SQLite does after
			// some I/O errors.
			_, err := w.ExecContext(ctx, "ROLLBACK")
			require.NoError(t, err)
			return errors.New("disk trouble")
		},
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 4) },
	})
	require.EqualError(t, errs[1], "refused", "the write that failed in the first run keeps its error")
	for _, i := range []int{0, 2, 3} {
		require.Error(t, errs[i], "write %d", i)
		require.ErrorContains(t, errs[i], "not committed", "write %d", i)
	}
	require.Empty(t, notes(t, s))

	require.NoError(t, s.inTx(context.Background(), func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 5) }),
		"the store writes again after a broken batch")
	require.Equal(t, []int{5}, notes(t, s))
}

func TestBatchRunsAQueueLongerThanOneBatch(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	n := 3*maxBatch + 5
	fns := make([]writeFunc, n)
	for i := range fns {
		fns[i] = func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, i) }
	}
	for i, err := range inOneBatch(t, s, nil, fns) {
		require.NoError(t, err, "write %d", i)
	}
	require.Len(t, notes(t, s), n)
}

func TestBatchPanicFailsTheBatchAndFreesTheSlot(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	b := s.batcher
	b.slot <- struct{}{}
	fns := []writeFunc{
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) },
		func(ctx context.Context, w *wtx) error {
			if err := insertNote(ctx, w, 2); err != nil {
				return err
			}
			panic("bug in a write")
		},
		func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 3) },
	}
	errs := make([]error, len(fns))
	panics := make([]any, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = s.inTx(context.Background(), fn)
		})
	}
	require.Eventually(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == len(fns) }, 5*time.Second, time.Millisecond)
	<-b.slot
	wg.Wait()

	leaders := 0
	for i := range fns {
		if panics[i] != nil {
			require.Equal(t, "bug in a write", panics[i])
			leaders++
			continue
		}
		require.ErrorIs(t, errs[i], errBatchPanicked, "write %d", i)
	}
	require.Equal(t, 1, leaders, "the panic goes on in the goroutine that ran the batch")
	require.Empty(t, notes(t, s), "nothing of the batch is committed")

	require.NoError(t, s.inTx(context.Background(), func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 4) }),
		"the write slot is free again")
	require.Equal(t, []int{4}, notes(t, s))
}

func TestBatchAfterClose(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	require.NoError(t, s.Close())
	err := s.inTx(context.Background(), func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) })
	require.ErrorIs(t, err, ErrClosed)
}

func TestWriterConnectionIsKeptUntilClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := newConfig(SQLite, nil)
	require.NoError(t, err)
	dsn, err := sqliteDSN(filepath.Join(t.TempDir(), "registry.db"), cfg)
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(3)
	_, err = db.ExecContext(ctx, "PRAGMA journal_mode=WAL")
	require.NoError(t, err)
	s, err := New(ctx, db, SQLite)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "CREATE TABLE notes (n INTEGER NOT NULL PRIMARY KEY)")
	require.NoError(t, err)

	require.Zero(t, db.Stats().InUse, "no connection is kept before the first write")
	require.NoError(t, s.inTx(ctx, func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) }))
	require.NoError(t, s.inTx(ctx, func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 2) }))
	require.Equal(t, 1, db.Stats().InUse, "the writer connection is kept between writes")
	require.Equal(t, []int{1, 2}, notes(t, s), "and readers use the others")

	require.NoError(t, s.Close())
	require.Zero(t, db.Stats().InUse, "Close returns it to the caller's pool")
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM notes").Scan(&n), "the pool stays open")
	require.Equal(t, 2, n)
}

func TestPointReadsDoNotWaitForAWrite(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	ctx := context.Background()
	require.NoError(t, s.inTx(ctx, func(ctx context.Context, w *wtx) error { return insertNote(ctx, w, 1) }))
	require.NotNil(t, s.batcher.writer, "the first write opened the writer connection")

	// While idle, a read by key runs on the writer connection.
	st, done := s.pointRead(s.stmts.selectApplication)
	require.Same(t, s.batcher.writer.stmts[s.stmts.selectApplication], st)
	done()

	// While a write is under way, it runs on the pool and does not wait.
	s.batcher.slot <- struct{}{}
	st, done = s.pointRead(s.stmts.selectApplication)
	require.Same(t, s.stmts.selectApplication, st)
	done()
	readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := s.Application(readCtx, "no-such-application")
	require.ErrorIs(t, err, registry.ErrNotFound)
	<-s.batcher.slot
}

// A write that loses a claim within a batch is rolled back alone: the
// writes before and after it in the same transaction commit, including the
// one that took the claim, which the loser's ClaimError names.
func TestBatchClaimConflictFailsOnlyItsWrite(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	ctx := context.Background()
	const n = 12
	b := s.batcher
	b.slot <- struct{}{}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("app-%02d", i)
			claims := []string{"own:" + id}
			if i%3 == 0 {
				claims = append(claims, "hfr:IN2910000123") // contested by 4 writes
			}
			a := &registry.Application{ID: id, ParticipantCode: "code-" + id, Stage: registry.StageSubmitted, Claims: claims}
			errs[i] = s.Create(ctx, registry.Write{Application: a,
				Events: registry.Chain(nil, registry.Event{ApplicationID: id, Actor: "engine", Action: "submit"})})
		})
	}
	require.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.queue) == n
	}, 5*time.Second, time.Millisecond, "every write queued behind the held slot: they run as one batch")
	<-b.slot
	wg.Wait()

	holder, err := s.ApplicationByClaim(ctx, "hfr:IN2910000123")
	require.NoError(t, err)
	for i, err := range errs {
		id := fmt.Sprintf("app-%02d", i)
		if i%3 != 0 || id == holder.ID {
			require.NoError(t, err, "write %s", id)
			got, err := s.ApplicationByClaim(ctx, "own:"+id)
			require.NoError(t, err)
			require.Equal(t, id, got.ID)
			continue
		}
		var ce *registry.ClaimError
		require.ErrorAs(t, err, &ce, "write %s", id)
		require.Equal(t, registry.ClaimError{Claim: "hfr:IN2910000123", ApplicationID: holder.ID, ParticipantCode: "code-" + holder.ID}, *ce)
		_, err = s.Application(ctx, id)
		require.ErrorIs(t, err, registry.ErrNotFound)
		_, err = s.ApplicationByClaim(ctx, "own:"+id)
		require.ErrorIs(t, err, registry.ErrNotFound, "the loser's other claim is rolled back with it")
	}
	apps, err := s.ListApplications(ctx, registry.ApplicationFilter{})
	require.NoError(t, err)
	require.Len(t, apps, n-3)
}
