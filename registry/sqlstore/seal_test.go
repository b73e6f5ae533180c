package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestSealedTrailSurvivesAnAttackerWithWriteAccess plays someone who can
// write the database but does not hold the operator's key: they edit an
// audit event's reason with SQL, compute every hash and link after it again
// in Go and write them back, so that VerifyChain passes; the seal of the
// checkpoint after the edit does not. Stripping the seals, or appending a
// forged event, leaves the trail without a valid seal at its end.
func TestSealedTrailSurvivesAnAttackerWithWriteAccess(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
		s, err := b.open(t, "audit")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		db := sqlstore.DBOf(s)

		// Two writes, each sealing its last event, as the engine does.
		at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		ev := func(actor, action, from, to, reason string, d time.Duration) registry.Event {
			return registry.Event{ApplicationID: "app-1", Time: at.Add(d), Actor: actor, Action: action, From: from, To: to, Reason: reason}
		}
		first := registry.Chain(nil,
			ev("applicant", "submit", "", "submitted", "", 0),
			ev("system", "verify", "submitted", "verifying", "", time.Second))
		require.NoError(t, registry.SealEvent(&first[1], key))
		a := &registry.Application{ID: "app-1", Stage: registry.StageVerifying, CreatedAt: at, UpdatedAt: at}
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Events: first}))
		second := registry.Chain(&first[1],
			ev("staff:asha", "review", "verifying", "verifying", "licence checked", time.Hour),
			ev("staff:asha", "reject", "verifying", "rejected", "the licence expired in 2024", time.Hour+time.Second))
		require.NoError(t, registry.SealEvent(&second[1], key))
		a.Stage = registry.StageRejected
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: second}))

		read := func() []registry.Event {
			t.Helper()
			events, err := s.Events(ctx, "app-1")
			require.NoError(t, err)
			return events
		}
		requireBreak := func(events []registry.Event, seq int64) {
			t.Helper()
			var ce *registry.ChainError
			require.ErrorAs(t, registry.VerifySealedChain(events, key.Public()), &ce)
			require.Equal(t, seq, ce.Seq, ce.Error())
		}
		exec := func(query string, args ...any) {
			t.Helper()
			_, err := db.ExecContext(ctx, query, args...)
			require.NoError(t, err, query)
		}
		require.NoError(t, registry.VerifySealedChain(read(), key.Public()))

		// The attack: rewrite the rejection's reason, then every hash and
		// link from there on.
		exec(`UPDATE audit_events SET reason = $1 WHERE application_id = $2 AND seq = $3`, "all documents in order", "app-1", 4)
		exec(`UPDATE audit_events SET to_stage = $1, action = $2 WHERE application_id = $3 AND seq = $4`, "details", "approve", "app-1", 4)
		events := read()
		require.Equal(t, "all documents in order", events[3].Reason)
		require.Error(t, registry.VerifyChain(events), "the edit alone breaks the unkeyed chain")
		prev := ""
		for _, e := range events {
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			exec(`UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE application_id = $3 AND seq = $4`, e.PrevHash, e.Hash, "app-1", e.Seq)
			prev = e.Hash
		}
		events = read()
		require.NoError(t, registry.VerifyChain(events), "the unkeyed chain cannot tell")
		requireBreak(events, 4)

		// An edit before the first checkpoint breaks that one.
		exec(`UPDATE audit_events SET actor = $1 WHERE application_id = $2 AND seq = $3`, "staff:mallory", "app-1", 1)
		prev = ""
		for _, e := range read() {
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			exec(`UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE application_id = $3 AND seq = $4`, e.PrevHash, e.Hash, "app-1", e.Seq)
			prev = e.Hash
		}
		requireBreak(read(), 2)

		// Removing the seals leaves an unsealed head.
		exec(`UPDATE audit_events SET seal = '' WHERE application_id = $1`, "app-1")
		requireBreak(read(), 4)

		// An event appended without the key, on a trail whose seals are
		// intact, leaves it unsealed too; a seal copied from another event
		// does not verify.
		s2, err := b.open(t, "appended")
		require.NoError(t, err)
		t.Cleanup(func() { s2.Close() })
		a2 := &registry.Application{ID: "app-1", Stage: registry.StageVerifying, CreatedAt: at, UpdatedAt: at}
		require.NoError(t, s2.Create(ctx, registry.Write{Application: a2, Events: first}))
		forged := registry.Chain(&first[1], ev("staff:mallory", "approve", "verifying", "details", "", time.Hour))[0]
		_, err = sqlstore.DBOf(s2).ExecContext(ctx, `INSERT INTO audit_events
			(application_id, seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash, seal)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			"app-1", forged.Seq, forged.Time.UnixNano(), forged.Actor, forged.Action, forged.From, forged.To, forged.Reason,
			forged.PrevHash, forged.Hash, first[1].Seal)
		require.NoError(t, err)
		events, err = s2.Events(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, events, 3)
		require.NoError(t, registry.VerifyChain(events))
		var ce *registry.ChainError
		require.ErrorAs(t, registry.VerifySealedChain(events, key.Public()), &ce)
		require.EqualValues(t, 3, ce.Seq)
	})
}
