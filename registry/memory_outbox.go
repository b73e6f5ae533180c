package registry

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// checkOutbox refuses messages whose IDs are stored already.
func (s *MemoryStore) checkOutbox(ms []OutboxMessage) error {
	for _, m := range ms {
		if _, ok := s.outbox[m.ID]; ok {
			return fmt.Errorf("%w: outbox message %q exists", ErrConflict, m.ID)
		}
	}
	return nil
}

// putOutbox stores new messages, pending, with the lease they are
// written with, if any.
func (s *MemoryStore) putOutbox(ms []OutboxMessage) {
	for _, m := range ms {
		c := m.Clone()
		c.State = OutboxPending
		c.CreatedAt, c.NextAttemptAt, c.LeaseUntil = storedTime(c.CreatedAt), storedTime(c.NextAttemptAt), storedTime(c.LeaseUntil)
		c.SentAt, c.RetriedAt = storedTime(c.SentAt), storedTime(c.RetriedAt)
		s.outbox[m.ID] = c
	}
}

// ClaimOutbox leases due messages to owner, as [OutboxStore] describes.
func (s *MemoryStore) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	if err := CheckOutboxClaim(owner, now, lease, limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []OutboxMessage
	for _, m := range s.outbox {
		if m.State == OutboxPending && !m.NextAttemptAt.After(now) && !m.LeaseUntil.After(now) {
			due = append(due, *m)
		}
	}
	SortOutboxDue(due)
	if len(due) > limit {
		due = due[:limit]
	}
	if len(due) == 0 {
		return nil, nil // none, as the SQL stores answer it
	}
	out := make([]OutboxMessage, len(due))
	for i, m := range due {
		stored := s.outbox[m.ID]
		stored.LeaseOwner, stored.LeaseUntil = owner, storedTime(now.Add(lease))
		out[i] = *stored.Clone()
	}
	return out, nil
}

// CompleteOutbox marks a message sent, as [OutboxStore] describes.
func (s *MemoryStore) CompleteOutbox(ctx context.Context, id, owner string, sentAt time.Time) error {
	if err := checkOutboxOwnerAt(owner, sentAt, "sent"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.leased(id, owner)
	if m == nil {
		if sent, ok := s.outbox[id]; ok && sent.State == OutboxSent && sent.LeaseOwner == owner {
			return nil // completed already, by this owner
		}
		return err
	}
	m.State, m.SentAt, m.LeaseUntil = OutboxSent, storedTime(sentAt), time.Time{}
	return nil
}

// FailOutbox records a failed attempt, as [OutboxStore] describes.
func (s *MemoryStore) FailOutbox(ctx context.Context, id, owner string, next time.Time, lastError string, dead bool) error {
	if err := CheckOutboxOwner(owner); err != nil {
		return err
	}
	if outsideTimes(next) {
		return timeError("outbox message "+clipName(id)+" next attempt", next)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.leased(id, owner)
	if m == nil {
		return err
	}
	m.Attempts++
	m.LastError = OutboxErrorText(lastError)
	m.NextAttemptAt = storedTime(next)
	m.LeaseOwner, m.LeaseUntil = "", time.Time{}
	if dead {
		m.State = OutboxDead
	}
	return nil
}

// leased returns the pending message id leased to owner, or nil and why
// not.
func (s *MemoryStore) leased(id, owner string) (*OutboxMessage, error) {
	m, ok := s.outbox[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: outbox message %q", ErrNotFound, id)
	case m.State != OutboxPending || m.LeaseOwner != owner:
		return nil, fmt.Errorf("%w: outbox message %q is not a pending message leased to this owner", ErrConflict, id)
	}
	return m, nil
}

// ListOutbox returns the messages matching f, as [OutboxStore] describes.
func (s *MemoryStore) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var after *OutboxMessage
	if f.After != "" {
		if after = s.outbox[f.After]; after == nil {
			return nil, fmt.Errorf("%w: the cursor names no outbox message", ErrInvalidQuery)
		}
	}
	var out []OutboxMessage
	for _, m := range s.outbox {
		if f.Match(m) && (after == nil || compareOutboxCreated(*m, *after) > 0) {
			out = append(out, *m.Clone())
		}
	}
	SortOutbox(out)
	return page(out, f.Limit, 0), nil
}

// OutboxMessage returns the message id, as [OutboxReader] describes.
func (s *MemoryStore) OutboxMessage(ctx context.Context, id string) (*OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.outbox[id]
	if !ok {
		return nil, fmt.Errorf("%w: outbox message %q", ErrNotFound, clipName(id))
	}
	return m.Clone(), nil
}

// RetryOutbox sends a dead message back to pending, as [OutboxStore]
// describes.
func (s *MemoryStore) RetryOutbox(ctx context.Context, id string, now time.Time) error {
	if now.IsZero() {
		return fmt.Errorf("registry: retry outbox message %q at the zero time", id)
	}
	if outsideTimes(now) {
		return timeError("outbox message "+clipName(id)+" retry", now)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.outbox[id]
	switch {
	case !ok:
		return fmt.Errorf("%w: outbox message %q", ErrNotFound, id)
	case m.State != OutboxDead:
		return fmt.Errorf("%w: outbox message %q is %s, not dead", ErrConflict, id, m.State)
	}
	m.State, m.NextAttemptAt, m.RetriedAt = OutboxPending, storedTime(now), storedTime(now)
	m.LeaseOwner, m.LeaseUntil = "", time.Time{}
	return nil
}

// OutboxDepth counts pending and dead messages, as [OutboxStore]
// describes.
func (s *MemoryStore) OutboxDepth(ctx context.Context) (map[OutboxState]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	depth := map[OutboxState]int{OutboxPending: 0, OutboxDead: 0}
	for _, m := range s.outbox {
		if m.State != OutboxSent {
			depth[m.State]++
		}
	}
	return depth, nil
}

// PurgeOutbox deletes sent messages past their retention, oldest sent
// first, as [OutboxPurger] describes.
func (s *MemoryStore) PurgeOutbox(ctx context.Context, sentBefore time.Time, limit int) (int, error) {
	if err := CheckOutboxPurge(sentBefore, limit); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var old []*OutboxMessage
	for _, m := range s.outbox {
		if m.State == OutboxSent && m.SentAt.Before(sentBefore) && m.NextAttemptAt.Before(sentBefore) {
			old = append(old, m)
		}
	}
	slices.SortFunc(old, func(a, b *OutboxMessage) int { return a.SentAt.Compare(b.SentAt) })
	old = old[:min(len(old), limit)]
	for _, m := range old {
		delete(s.outbox, m.ID)
	}
	return len(old), nil
}

// checkOutboxOwnerAt checks a lease owner and a time that must be set.
func checkOutboxOwnerAt(owner string, t time.Time, what string) error {
	if err := CheckOutboxOwner(owner); err != nil {
		return err
	}
	if t.IsZero() {
		return fmt.Errorf("registry: outbox message %s at the zero time", what)
	}
	if outsideTimes(t) {
		return timeError("outbox message "+what, t)
	}
	return nil
}
