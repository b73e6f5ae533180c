package onboarding_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestSealedTrailDefeatsADatabaseWriter plays someone with write access to
// the registry database but not the operator's audit key: they rewrite an
// event, recompute every hash after it and the anchor in the application
// record. The unkeyed chain is fooled; the sealed one is not.
func TestSealedTrailDefeatsADatabaseWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "registry.db")
	store, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })

	sealed := w.service(store, onboarding.WithAuditKey(key))
	unsealed := w.service(store)
	a, _ := live(t, w, sealed)
	require.NoError(t, sealed.VerifyChain(ctx, a.ID))
	events, err := sealed.Events(ctx, a.ID)
	require.NoError(t, err)
	require.NotEmpty(t, events[len(events)-1].Seal, "each write ends in a seal")

	// The attack, in SQL.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	rewritten := append([]registry.Event(nil), events...)
	rewritten[1].Reason, rewritten[1].Actor = "registered after a phone call", "staff:mallory"
	registry.Chain(&rewritten[0], rewritten[1:]...) // every hash after the edit, recomputed
	for _, e := range rewritten {
		_, err := db.ExecContext(ctx, `UPDATE audit_events SET actor = ?, reason = ?, prev_hash = ?, hash = ? WHERE application_id = ? AND seq = ?`,
			e.Actor, e.Reason, e.PrevHash, e.Hash, a.ID, e.Seq)
		require.NoError(t, err)
	}
	var state []byte
	require.NoError(t, db.QueryRowContext(ctx, `SELECT state FROM applications WHERE id = ?`, a.ID).Scan(&state))
	var st map[string]any
	require.NoError(t, json.Unmarshal(state, &st))
	st["last"] = map[string]any{"seq": rewritten[len(rewritten)-1].Seq, "hash": rewritten[len(rewritten)-1].Hash}
	state, err = json.Marshal(st)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `UPDATE applications SET state = ? WHERE id = ?`, state, a.ID)
	require.NoError(t, err)

	assert.NoError(t, unsealed.VerifyChain(ctx, a.ID), "without a key the rewrite passes: what the seal is for")
	var ce *registry.ChainError
	require.ErrorAs(t, sealed.VerifyChain(ctx, a.ID), &ce, "the seal catches it")

	// A key the trail was not sealed with does not verify it either, and
	// a rotated key still verifies trails sealed before.
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	b, _ := live(t, w, sealed)
	require.ErrorAs(t, w.service(store, onboarding.WithAuditKey(other)).VerifyChain(ctx, b.ID), &ce)
	require.NoError(t, w.service(store, onboarding.WithAuditKey(other, key.Public())).VerifyChain(ctx, b.ID))

	_, err = onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithAuditKey(nil))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}
