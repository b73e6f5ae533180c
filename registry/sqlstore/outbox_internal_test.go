package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// Writes that share one SQLite transaction (group commit) each keep or
// lose their outbox messages with the rest of the write: a write that
// fails on a claim, a stale version or a taken message id is rolled back
// to its savepoint, messages and all, while the writes around it and a
// claim of the outbox in the same batch commit.
func TestBatchFailedWriteStoresNoOutbox(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	ctx := context.Background()
	now := time.Unix(1741924613, 0)
	msg := func(appID, id string) registry.OutboxMessage {
		return registry.OutboxMessage{ID: id, ApplicationID: appID, Kind: "otp", CreatedAt: now, NextAttemptAt: now}
	}
	require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: "base", Stage: registry.StageSubmitted},
		Outbox: []registry.OutboxMessage{msg("base", "base/1")}}))

	const n = 12
	b := s.batcher
	b.slot <- struct{}{}
	errs := make([]error, n)
	var claimed []registry.OutboxMessage
	var claimErr error
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("app-%02d", i)
			a := &registry.Application{ID: id, Stage: registry.StageSubmitted}
			out := []registry.OutboxMessage{msg(id, id+"/1"), msg(id, id+"/2")}
			switch i % 4 {
			case 1: // loses the claim to one of the others
				a.Claims = []string{"hfr:IN2910000123"}
			case 2: // a message id another write of the batch may take first
				out = append(out, msg(id, "shared"))
			case 3: // a message id stored already
				out = append(out, msg(id, "base/1"))
			}
			errs[i] = s.Create(ctx, registry.Write{Application: a, Outbox: out})
		})
	}
	wg.Go(func() {
		base, err := s.Application(ctx, "base")
		if err != nil {
			claimErr = err
			return
		}
		base.Version-- // stale: fails in the batch
		if err := s.Update(ctx, registry.Write{Application: base, Outbox: []registry.OutboxMessage{msg("base", "stale/1")}}); err == nil {
			claimErr = fmt.Errorf("a stale update succeeded")
		}
	})
	wg.Go(func() {
		var err error
		claimed, err = s.ClaimOutbox(ctx, "dispatcher", now, time.Minute, registry.MaxOutboxClaim)
		if err != nil {
			claimErr = err
		}
	})
	require.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.queue) == n+2
	}, 5*time.Second, time.Millisecond, "every write queued behind the held slot: they run as one batch")
	<-b.slot
	wg.Wait()
	require.NoError(t, claimErr)
	require.NotEmpty(t, claimed, "the claim committed with the batch")

	stored, err := s.ListOutbox(ctx, registry.OutboxFilter{Limit: registry.MaxLimit})
	require.NoError(t, err)
	have := map[string]bool{}
	for _, m := range stored {
		have[m.ID] = true
	}
	wonClaim, wonShared := 0, 0
	for i, err := range errs {
		id := fmt.Sprintf("app-%02d", i)
		if err != nil {
			require.False(t, have[id+"/1"] || have[id+"/2"], "write %s failed (%v) but stored messages", id, err)
			_, aerr := s.Application(ctx, id)
			require.ErrorIs(t, aerr, registry.ErrNotFound)
			continue
		}
		require.True(t, have[id+"/1"] && have[id+"/2"], "write %s committed without its messages", id)
		switch i % 4 {
		case 1:
			wonClaim++
		case 2:
			wonShared++
		case 3:
			t.Fatalf("write %s reused a stored message id", id)
		}
	}
	require.Equal(t, 1, wonClaim, "one write takes the claim")
	require.Equal(t, 1, wonShared, "one write takes the shared message id")
	require.False(t, have["stale/1"], "the stale update stored no message")
	require.True(t, have["shared"])
	require.Len(t, stored, 1+2*(3+1+1)+1, "base/1, two per winning write, and shared")
}

// The claim, and the look for due messages before it, read outbox_due,
// not the whole table, and take their order from it.
func TestSQLiteClaimUsesTheDueIndex(t *testing.T) {
	t.Parallel()
	s := openBatchStore(t)
	for _, c := range []struct {
		text string
		args []any
	}{
		{claimOutbox[SQLite], []any{"o", 1, 2, 3}},
		{s.texts[s.stmts.outbox.anyDue], []any{1}},
	} {
		rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+c.text, c.args...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		text := strings.Join(plan, "\n")
		require.Contains(t, text, "USING INDEX outbox_due (state=? AND next_attempt_at<?)", text)
		require.NotContains(t, text, "TEMP B-TREE", "the index gives the order: %s", text)
	}
}
