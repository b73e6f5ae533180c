package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

var (
	_ DueLister = (*MemoryStore)(nil)
	_ Leaser    = (*MemoryStore)(nil)
)

type memoryLease struct {
	owner string
	until time.Time
}

// DueApplications returns a page of the applications due at or before by,
// ordered by DueAt then ID.
func (s *MemoryStore) DueApplications(ctx context.Context, by time.Time, limit int, cursor string) (Page[Application], error) {
	var out Page[Application]
	limit, after, err := CheckPage(limit, cursor)
	if err != nil {
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	s.mu.RLock()
	var hits []Application
	for _, a := range s.apps {
		if !a.DueAt.IsZero() && !a.DueAt.After(by) && (after == nil || after.After(a.DueAt, a.ID)) {
			hits = append(hits, *a.Clone())
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(hits, func(a, b Application) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out.Items = hits
	if n := len(hits); n == limit {
		out.Next = EncodeDueCursor(hits[n-1].DueAt, hits[n-1].ID)
	}
	return out, nil
}

// SetDue sets the DueAt of the application at the given version.
func (s *MemoryStore) SetDue(ctx context.Context, id string, version int64, due time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if outsideTimes(due) {
		return timeError("application "+clipName(id)+" due_at", due)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	switch {
	case !ok:
		return fmt.Errorf("%w: application %q", ErrNotFound, id)
	case a.Version != version:
		return fmt.Errorf("%w: application %q is at version %d, not %d", ErrVersionConflict, id, a.Version, version)
	}
	a.DueAt = storedTime(due)
	return nil
}

// AcquireLease grants the named lease to owner until now+ttl when it is
// free, expired or owner's.
func (s *MemoryStore) AcquireLease(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if err := CheckLease(name, owner, ttl); err != nil {
		return false, err
	}
	if err := checkLeaseTimes("lease", now, ttl); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[name]; ok && l.owner != owner && l.until.After(now) {
		return false, nil
	}
	if s.leases == nil {
		s.leases = make(map[string]memoryLease)
	}
	s.leases[name] = memoryLease{owner: owner, until: now.Add(ttl)}
	return true, nil
}

// ReleaseLease frees the lease if owner holds it.
func (s *MemoryStore) ReleaseLease(ctx context.Context, name, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[name]; ok && l.owner == owner {
		delete(s.leases, name)
	}
	return nil
}
