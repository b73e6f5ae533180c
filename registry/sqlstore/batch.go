package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// maxBatch bounds how many writes share one SQLite transaction, and so
// how long the last of them waits for its commit.
const maxBatch = 64

// writeFunc is one write: statements run in t. ctx is the caller's
// context, stripped of its cancellation once the write has started (see
// batcher). A SQLite batch may run a write twice, the first run rolled
// back (see commitBatch): what it does and returns must follow from the
// database alone, and what it hands its caller must be set afresh on each
// run.
type writeFunc func(ctx context.Context, t *wtx) error

// batcher commits a SQLite Store's writes in groups. SQLite has one writer
// and a commit (with synchronous=FULL, a WAL write and an fsync) costs far
// more than the statements of a write, so writers that arrive while a
// commit is under way queue, and the next of them to take the write slot
// runs every queued write in one transaction and commits once for all of
// them (group commit). A write that fails reports its own error and
// leaves nothing behind; the others commit (see commitBatch). Each caller returns only after the commit that holds its
// write, so an acknowledged write is on disk as before.
//
// A write that has started runs to its end whatever its context does:
// interrupting a SQLite statement rolls back the whole transaction, and
// with it the writes of other callers. A caller whose context ends while
// its write is still queued leaves the queue with the context's error.
type batcher struct {
	slot  chan struct{} // held by the caller running a batch
	mu    sync.Mutex
	queue []*writeReq

	// writer is the connection batches run on, once opened; only the
	// holder of slot uses it.
	writer *writer
}

// writeReq is a write waiting in the queue.
type writeReq struct {
	ctx  context.Context
	fn   writeFunc
	err  error         // set before done is closed
	done chan struct{} // closed when the write committed or failed
}

func newBatcher() *batcher { return &batcher{slot: make(chan struct{}, 1)} }

// run queues fn and returns its outcome once it committed or failed,
// running the queue itself whenever it holds the write slot.
func (b *batcher) run(ctx context.Context, s *Store, fn writeFunc) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, r)
	b.mu.Unlock()
	select {
	case <-r.done:
	case b.slot <- struct{}{}:
		b.lead(s, r)
	case <-ctx.Done():
		if b.remove(r) {
			return ctx.Err()
		}
		<-r.done // a leader has taken it and will finish it
	}
	return r.err
}

// lead runs batches, holding the write slot, until r's has run. Another
// leader may have run r just before the slot freed.
func (b *batcher) lead(s *Store, r *writeReq) {
	defer func() { <-b.slot }()
	for !r.finished() {
		s.commitBatch(b.take())
	}
}

func (r *writeReq) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// take removes up to maxBatch writes from the head of the queue.
func (b *batcher) take() []*writeReq {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.queue), maxBatch)
	batch := make([]*writeReq, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:])
	b.queue = b.queue[:rest]
	return batch
}

// remove takes r out of the queue, reporting whether it was still there.
func (b *batcher) remove(r *writeReq) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.Index(b.queue, r)
	if i < 0 {
		return false
	}
	b.queue = slices.Delete(b.queue, i, i+1)
	return true
}

// commitBatch runs batch in one transaction and finishes every write in
// it.
//
// The writes run back to back first, with no savepoint between them:
// writes rarely fail, and a savepoint costs statements of its own and
// makes SQLite's FTS5 tables (the participant name index) flush what they
// hold to a segment of its own at each one. When a write fails, the
// transaction is rolled back and the batch runs again, less that write,
// each write under a savepoint of its own (savepointBatch): the writes
// before it meet the same database as in the first run and do the same,
// the failed one keeps the error it met there — what it would have met
// under a savepoint — and the writes after it are isolated as ever. A
// lone write runs without a savepoint, as a transaction of its own.
func (s *Store) commitBatch(batch []*writeReq) {
	var t *wtx
	defer func() {
		if p := recover(); p != nil {
			// A bug in a write: nothing of the batch is committed, and
			// every write of it says so before the panic goes on (in the
			// goroutine that ran the batch).
			if t != nil {
				s.rollbackWrite(t)
			}
			for _, r := range batch {
				if r.err == nil {
					r.err = errBatchPanicked
				}
			}
			finish(batch)
			panic(p)
		}
		finish(batch)
	}()
	if s.closed.Load() {
		for _, r := range batch {
			r.err = ErrClosed
		}
		return
	}
	var err error
	if t, err = s.beginWrite(); err != nil {
		for _, r := range batch {
			r.err = fail(r.ctx, err, "begin a write transaction")
		}
		return
	}
	failed := -1
	for i, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			continue
		}
		if r.err = r.fn(context.WithoutCancel(r.ctx), t); r.err != nil {
			failed = i
			break
		}
	}
	if failed < 0 || len(batch) == 1 {
		s.commitRun(t, batch)
		return
	}
	s.rollbackWrite(t)
	t = nil
	if t, err = s.beginWrite(); err != nil {
		for _, r := range batch {
			if r.err == nil {
				r.err = fail(r.ctx, err, "begin a write transaction")
			}
		}
		return
	}
	s.savepointBatch(t, batch, failed)
}

// savepointBatch runs again in t the writes of a batch whose first run
// failed at write failed: each under a savepoint of its own, less the
// failed write and those left before they started (their errors are
// set). The writes before failed had started: they run whatever their
// contexts do now. It commits t, or rolls it back.
func (s *Store) savepointBatch(t *wtx, batch []*writeReq, failed int) {
	for i, r := range batch {
		switch {
		case i == failed:
			continue
		case i < failed:
			if r.err != nil {
				continue // its context had ended before the first run
			}
		default:
			if r.err = r.ctx.Err(); r.err != nil {
				continue
			}
		}
		if r.err = s.inSavepoint(r, t); r.err == nil {
			continue
		}
		if errors.Is(r.err, errTxBroken) {
			// The transaction is gone, with the earlier writes of the
			// batch: none of them is committed.
			s.rollbackWrite(t)
			for _, q := range batch {
				if q.err == nil || q == r {
					q.err = fmt.Errorf("sqlstore: write not committed: %w", r.err)
				}
			}
			return
		}
	}
	s.commitRun(t, batch)
}

// commitRun commits t when a write of batch ran in it without an error,
// and otherwise rolls it back; a failed commit fails every write that
// had succeeded.
func (s *Store) commitRun(t *wtx, batch []*writeReq) {
	committed := false
	for _, r := range batch {
		committed = committed || r.err == nil
	}
	if !committed {
		s.rollbackWrite(t)
		return
	}
	if err := s.commitWrite(t); err != nil {
		for _, r := range batch {
			if r.err == nil {
				r.err = fail(r.ctx, err, "commit a write transaction")
			}
		}
	}
}

// finish hands every write of a batch its outcome.
func finish(batch []*writeReq) {
	for _, r := range batch {
		close(r.done)
	}
}

// errBatchPanicked is the outcome of the writes of a batch in which a
// write panicked.
var errBatchPanicked = errors.New("sqlstore: write not committed: a write in the same transaction panicked")

// errTxBroken reports a write whose failure could not be rolled back to
// its savepoint, which leaves the batch's transaction unusable.
var errTxBroken = errors.New("sqlstore: the batch's transaction failed")

// inSavepoint runs r's write under a savepoint, rolling back to it when
// the write fails.
func (s *Store) inSavepoint(r *writeReq, t *wtx) error {
	ctx := context.WithoutCancel(r.ctx)
	if _, err := t.exec(ctx, s.stmts.savepoint); err != nil {
		return fmt.Errorf("%w: savepoint: %w", errTxBroken, err)
	}
	werr := r.fn(ctx, t)
	if werr != nil {
		if _, err := t.exec(ctx, s.stmts.rollbackToSavepoint); err != nil {
			return fmt.Errorf("%w: %w (rolling back the write: %w)", errTxBroken, werr, err)
		}
	}
	if _, err := t.exec(ctx, s.stmts.releaseSavepoint); err != nil {
		return fmt.Errorf("%w: release savepoint: %w", errTxBroken, err)
	}
	return werr
}
