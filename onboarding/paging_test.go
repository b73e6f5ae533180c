package onboarding_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/verifier"
)

// A sweep reads every record, however far past registry.MaxOffset the
// registry has grown: the engine pages by cursor.
func TestSweepsReadPastMaxOffset(t *testing.T) {
	if testing.Short() {
		t.Skip("loads more than registry.MaxOffset participants")
	}
	ctx := context.Background()
	store := registry.NewMemoryStore()
	n := registry.MaxOffset + 2*registry.MaxLimit + 7
	w := newWorld(t)
	at := w.clock.Now()
	expiry := at.Add(24 * time.Hour).UnixMilli()
	for i := range n {
		code := fmt.Sprintf("%06d@paging", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P", Status: hcxonboard.StatusActive,
			CreatedAt: at, EncryptionCertExpiry: expiry}
		a := &registry.Application{ID: fmt.Sprintf("app-%06d", i), ParticipantCode: code, Stage: registry.StageLive,
			CreatedAt: at, UpdatedAt: at}
		require.NoError(t, store.Create(ctx, registry.Write{Application: a, Participant: p}))
	}
	svc := w.service(store)
	list, err := svc.ExpiringCertificates(ctx, 48*time.Hour)
	require.NoError(t, err)
	require.Len(t, list, n, "every participant past the offset bound is read")
	seen := make(map[string]bool, n)
	for _, e := range list {
		seen[e.ParticipantCode] = true
	}
	assert.Len(t, seen, n, "each once")
}

// walkOnly hides a store's optional capabilities, certificate expiries
// among them: the engine falls back to paging through every participant.
type walkOnly struct{ registry.Store }

// ExpiringCertificates answers the same whether the store finds the
// expiring certificates from its index or the engine walks every
// participant, on the memory store and on SQLite.
func TestExpiringCertificatesSameFromIndexAndWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2,400 participants into two stores")
	}
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := w.clock.Now()
	day := 24 * time.Hour
	// 2,400 participants (more than two engine pages match), every kind
	// of expiry: expired, due within the window, after it, none; one or
	// both certificates; Inactive ones that never count.
	fill := func() []registry.Write {
		var ws []registry.Write
		for i := range 2400 {
			code := fmt.Sprintf("%06d@expiry", (i*7919)%2400)
			p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P " + code, Status: hcxonboard.StatusActive,
				CreatedAt: now.Add(time.Duration(i%300) * time.Second)}
			switch i % 6 {
			case 0:
				p.EncryptionCertExpiry = now.Add(-time.Duration(i) * time.Minute).UnixMilli()
			case 1:
				p.EncryptionCertExpiry = now.Add(time.Duration(i%40) * day).UnixMilli()
			case 2:
				p.EncryptionCertExpiry = now.Add(90 * day).UnixMilli()
				p.SigningCertExpiry = now.Add(time.Duration(i%50) * day).UnixMilli()
			case 3:
				p.EncryptionCertExpiry = now.Add(time.Duration(i%20) * day).UnixMilli()
				p.SigningCertExpiry = now.Add(time.Duration(i%25) * day).UnixMilli()
			case 4:
				p.EncryptionCertExpiry = now.Add(time.Hour).UnixMilli()
				p.Status = hcxonboard.StatusInactive
			}
			if i%11 == 0 {
				p.Status = hcxonboard.StatusBlocked
			}
			a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt}
			ws = append(ws, registry.Write{Application: a, Participant: p})
		}
		return ws
	}
	mem := registry.NewMemoryStore()
	for _, w := range fill() {
		require.NoError(t, mem.Create(ctx, w))
	}
	// The SQLite store's bulk path writes the same rows as Create, in one
	// transaction: the fixture, not the write path, is what this reads.
	lite := sqlstoretest.SQLite(t)
	require.NoError(t, lite.Load(ctx, fill()))
	var indexed, walked []onboarding.CertificateExpiry
	for _, within := range []time.Duration{0, 30 * day, 365 * day} {
		for name, store := range map[string]registry.Store{"memory": mem, "sqlite": lite} {
			_, ok := store.(registry.CertificateExpiries)
			require.True(t, ok, "%s indexes certificate expiries", name)
			var err error
			indexed, err = w.service(store).ExpiringCertificates(ctx, within)
			require.NoError(t, err)
			walked, err = w.service(walkOnly{store}).ExpiringCertificates(ctx, within)
			require.NoError(t, err)
			require.Equal(t, walked, indexed, "%s, within %v", name, within)
		}
		if within == 30*day {
			require.Greater(t, len(indexed), registry.MaxLimit, "more than one page")
		}
		// A page at a time, by cursor, from the index and from the walk:
		// the same certificates, each once.
		for name, store := range map[string]registry.Store{"memory": mem, "sqlite": lite, "memory walked": walkOnly{mem}, "sqlite walked": walkOnly{lite}} {
			paged := allExpiringPages(t, w.service(store), within, 700)
			require.Equal(t, indexed, paged, "%s, within %v, paged", name, within)
		}
		for _, e := range indexed {
			require.NotEqual(t, hcxonboard.StatusInactive, e.Status)
			require.False(t, e.ExpiresAt.After(now.Add(within)))
		}
	}
}

// allExpiringPages reads ExpiringCertificatesPage to its end, limit
// participants a page, and returns the certificates soonest first.
func allExpiringPages(t *testing.T, svc *onboarding.Service, within time.Duration, limit int) []onboarding.CertificateExpiry {
	t.Helper()
	var out []onboarding.CertificateExpiry
	cursor := ""
	for range 100 {
		page, err := svc.ExpiringCertificatesPage(context.Background(), within, limit, cursor)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Items), 2*limit, "at most limit participants, two certificates each")
		out = append(out, page.Items...)
		if page.Next == "" {
			slices.SortFunc(out, func(a, b onboarding.CertificateExpiry) int {
				return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.ParticipantCode, b.ParticipantCode), cmp.Compare(a.Certificate, b.Certificate))
			})
			return out
		}
		cursor = page.Next
	}
	require.FailNow(t, "more than 100 pages")
	return nil
}

// SearchPage and QueuePage answer the cursor of the next page whether or
// not the store does (registry.ParticipantPager, ApplicationPager): the
// pages hold every record once, in order, on the memory store and on
// SQLite.
func TestPagesByCursorWithAndWithoutPagerStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := w.clock.Now()
	fill := func(store registry.Store) {
		for i := range 240 {
			code := fmt.Sprintf("%06d@pages", (i*7919)%240)
			at := now.Add(time.Duration(i%40) * time.Second)
			p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P " + code, Status: hcxonboard.StatusActive, CreatedAt: at}
			a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: at, UpdatedAt: at}
			require.NoError(t, store.Create(ctx, registry.Write{Application: a, Participant: p}))
		}
	}
	mem := registry.NewMemoryStore()
	fill(mem)
	lite := sqliteStore(t)
	fill(lite)
	var want []string
	for name, store := range map[string]registry.Store{"memory": mem, "sqlite": lite, "memory walked": walkOnly{mem}, "sqlite walked": walkOnly{lite}} {
		svc := w.service(store)
		var codes []string
		pages := 0
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldStatus: registry.Eq(string(hcxonboard.StatusActive))}, Limit: 60}
		for range 10 {
			page, err := svc.SearchPage(ctx, q)
			require.NoError(t, err)
			pages++
			for _, p := range page.Items {
				codes = append(codes, p.ParticipantCode)
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		require.Len(t, codes, 240, name)
		require.Equal(t, 4, pages, "%s: four full pages, the last answering no next", name)
		if want == nil {
			want = codes
		}
		require.Equal(t, want, codes, name)
	}
}

// QueuePage pages the engine's applications by cursor on any store.
func TestQueuePagesByCursorWithAndWithoutPagerStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for name, store := range map[string]registry.Store{"memory": registry.NewMemoryStore(), "sqlite": sqliteStore(t)} {
		var want []string
		svc := w.service(store)
		for range 6 {
			a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
			require.NoError(t, err)
			want = append(want, a.ID)
			w.clock.Advance(time.Second)
		}
		for _, s := range []registry.Store{store, walkOnly{store}} {
			svc := w.service(s)
			var got []string
			var sizes []int
			f := registry.ApplicationFilter{Stage: registry.StageVerifying, Limit: 2}
			for range 10 {
				page, err := svc.QueuePage(ctx, f)
				require.NoError(t, err)
				sizes = append(sizes, len(page.Items))
				for _, a := range page.Items {
					got = append(got, a.ID)
				}
				if page.Next == "" {
					break
				}
				f.Cursor = page.Next
			}
			assert.Equal(t, want, got, name)
			assert.Equal(t, []int{2, 2, 2}, sizes, "%s: the last page, full, answers no next", name)
		}
	}
}

// cursorBlind is a store without pagers whose searches and listings
// ignore the cursor: the first page again and again.
type cursorBlind struct{ registry.Store }

func (s cursorBlind) SearchParticipants(ctx context.Context, q registry.Query) ([]hcxonboard.Participant, error) {
	q.Cursor = ""
	return s.Store.SearchParticipants(ctx, q)
}

// A store that ignores cursors is found out, not followed for ever.
func TestPagesRefuseAStoreThatIgnoresCursors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	at := w.clock.Now()
	for i := range 5 {
		code := fmt.Sprintf("%06d@blind", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "P", Status: hcxonboard.StatusActive,
			CreatedAt: at.Add(time.Duration(i) * time.Second), EncryptionCertExpiry: at.Add(time.Hour).UnixMilli()}
		require.NoError(t, store.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-" + code, ParticipantCode: code,
			Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt}, Participant: p}))
	}
	svc := w.service(cursorBlind{store})
	page, err := svc.SearchPage(ctx, registry.Query{Limit: 2})
	require.NoError(t, err)
	require.NotEmpty(t, page.Next)
	_, err = svc.SearchPage(ctx, registry.Query{Limit: 2, Cursor: page.Next})
	require.ErrorContains(t, err, "ignored the cursor")
	_, err = svc.ExpiringCertificatesPage(ctx, 2*time.Hour, 1, "")
	require.NoError(t, err, "a first page needs no cursor")
	_, err = svc.ExpiringCertificatesPage(ctx, 2*time.Hour, 2, page.Next)
	require.ErrorContains(t, err, "ignored the cursor", "the scan stops rather than read the same page for ever")
}
