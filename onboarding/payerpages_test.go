package onboarding_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// readWatch records the applications a store's listings return.
type readWatch struct {
	*registry.MemoryStore
	mu   sync.Mutex
	read []string // application ids, in the order listed
}

func (s *readWatch) note(as []registry.Application) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range as {
		s.read = append(s.read, a.ID)
	}
}

func (s *readWatch) reset() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	read := s.read
	s.read = nil
	return read
}

func (s *readWatch) ListApplications(ctx context.Context, f registry.ApplicationFilter) ([]registry.Application, error) {
	as, err := s.MemoryStore.ListApplications(ctx, f)
	s.note(as)
	return as, err
}

func (s *readWatch) ListApplicationsPage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[registry.Application], error) {
	page, err := s.MemoryStore.ListApplicationsPage(ctx, f)
	s.note(page.Items)
	return page, err
}

// A payer's approval requests, listed whole or a page at a time, are read
// from its own applications alone: the store is asked for the applications
// awaiting that payer, not for every application waiting on approval (with
// 200,000 of them across 36 payers, one payer's page decoded all). Pages
// stay oldest application first, with opaque cursors; an answered request
// leaves the list.
func TestPayerApprovalRequestsReadOnlyThePayersApplications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &readWatch{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store)
	busy, _ := live(t, w, svc)
	quiet, _ := live(t, w, svc)
	busyCode, quietCode := busy.Participant.ParticipantCode, quiet.Participant.ParticipantCode

	var mine []string // the quiet payer's applications, oldest first
	for i := range 15 {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = busyCode
		if i%5 == 2 {
			app.Empanelment.PayerCode = quietCode
		}
		w.clock.Advance(time.Minute)
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		if app.Empanelment.PayerCode == quietCode {
			mine = append(mine, a.ID)
		}
	}
	require.Len(t, mine, 3)

	store.reset()
	all, err := svc.ApprovalRequests(ctx, quietCode)
	require.NoError(t, err)
	require.Equal(t, mine, requestApps(all))
	for _, id := range store.reset() {
		require.Contains(t, mine, id, "ApprovalRequests read another payer's application")
	}

	var paged []onboarding.ApprovalRequest
	cursor, pages := "", 0
	for {
		page, err := svc.ApprovalRequestsPage(ctx, quietCode, 2, cursor)
		require.NoError(t, err)
		pages++
		paged = append(paged, page.Items...)
		for _, id := range store.reset() {
			require.Contains(t, mine, id, "page %d read another payer's application", pages)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	require.Equal(t, 2, pages)
	require.Equal(t, all, paged, "the pages hold the whole list, oldest first")

	busyReqs, err := svc.ApprovalRequests(ctx, busyCode)
	require.NoError(t, err)
	require.Len(t, busyReqs, 12)

	// Answered, a request leaves the list; the others stay.
	outs, err := svc.AnswerApprovals(ctx, quietCode, []onboarding.ApprovalAnswer{
		{ApplicationID: all[0].ApplicationID, TaskID: all[0].TaskID, Approve: true}})
	require.NoError(t, err)
	require.NoError(t, outs[0].Err)
	page, err := svc.ApprovalRequestsPage(ctx, quietCode, 0, "")
	require.NoError(t, err)
	require.Equal(t, mine[1:], requestApps(page.Items))
	a, err := store.Application(ctx, all[0].ApplicationID)
	require.NoError(t, err)
	require.Empty(t, a.WaitingOn, "the answered application awaits no one")
	b, err := store.Application(ctx, all[1].ApplicationID)
	require.NoError(t, err)
	require.Equal(t, []string{quietCode}, b.WaitingOn)
	require.True(t, b.IsWaiting(onboarding.KindApproval))
	require.False(t, slices.Contains(b.Waiting, quietCode), "Waiting holds task kinds alone")
}

// requestApps returns the applications of reqs, each once, in order.
func requestApps(reqs []onboarding.ApprovalRequest) []string {
	var out []string
	for _, r := range reqs {
		if !slices.Contains(out, r.ApplicationID) {
			out = append(out, r.ApplicationID)
		}
	}
	return out
}

// A registry written before the store kept the participants an
// application awaits (schema version 15) lists a payer's approval requests
// after the upgrade: the migration reads them from the engine's own state,
// as the engine writes it.
func TestApprovalRequestsSurviveTheUpgradeFromVersion15(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "registry.db")
	s, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	w := newWorld(t)
	svc := w.service(s)
	payer, _ := live(t, w, svc)
	other, _ := live(t, w, svc)
	code, otherCode := payer.Participant.ParticipantCode, other.Participant.ParticipantCode
	for _, to := range []string{code, otherCode, code} {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = to
		w.clock.Advance(time.Minute)
		_, err := svc.Submit(ctx, app)
		require.NoError(t, err)
	}
	before, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, before, 2)
	require.NoError(t, s.Close())

	// Back to version 15: no waiting_on column, no rows of awaited codes,
	// and none of the later versions (17 and 18: indexes; 19: the
	// outbox's retried_at).
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, stmt := range []string{
		"DROP INDEX participants_cert_soonest",
		"CREATE INDEX participants_encryption_cert_expiry ON participants (json_extract(record, '$.encryption_cert_expiry'))",
		"CREATE INDEX participants_signing_cert_expiry ON participants (json_extract(record, '$.signing_cert_expiry'))",
		"DROP INDEX participant_values_own",
		"DELETE FROM application_waiting WHERE kind LIKE '@%'",
		"ALTER TABLE applications DROP COLUMN waiting_on",
		"ALTER TABLE outbox DROP COLUMN retried_at",
		"DELETE FROM schema_migrations WHERE version >= 16",
	} {
		_, err := db.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, db.Close())

	s, err = sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	svc = w.service(s)
	after, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Equal(t, before, after)
	page, err := svc.ApprovalRequestsPage(ctx, code, 1, "")
	require.NoError(t, err)
	require.Equal(t, before[:1], page.Items)
	require.NotEmpty(t, page.Next)
	a, err := s.Application(ctx, before[0].ApplicationID)
	require.NoError(t, err)
	require.Equal(t, []string{code}, a.WaitingOn)
	theirs, err := svc.ApprovalRequests(ctx, otherCode)
	require.NoError(t, err)
	require.Len(t, theirs, 1)
}
