package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard"
)

// MemoryStore is a Store held in process memory: for tests, demos and
// examples. It keeps nothing across restarts.
type MemoryStore struct {
	mu           sync.RWMutex
	apps         map[string]*Application
	keys         map[string]string // idempotency key → application id
	codes        map[string]string // participant code → the application holding it
	participants map[string]*hcxonboard.Participant
	order        []string // participant codes in insertion order
	events       map[string][]Event
	claims       map[string]string          // claim → the application holding it
	waitingOn    map[string]map[string]bool // awaited participant code → the applications awaiting it
	outbox       map[string]*OutboxMessage
	leases       map[string]memoryLease // made on first use
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty in-memory store. Like the SQL stores,
// it gives times back in UTC, without a monotonic clock reading.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		apps:         make(map[string]*Application),
		keys:         make(map[string]string),
		codes:        make(map[string]string),
		participants: make(map[string]*hcxonboard.Participant),
		events:       make(map[string][]Event),
		claims:       make(map[string]string),
		waitingOn:    make(map[string]map[string]bool),
		outbox:       make(map[string]*OutboxMessage),
	}
}

// Participant returns the participant with the given code.
func (s *MemoryStore) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.participants[code]
	if !ok {
		return nil, fmt.Errorf("%w: participant %q", ErrNotFound, code)
	}
	return p.Clone(), nil
}

// SearchParticipants returns the participants matching q, in the order
// SortParticipants gives, paged by q's cursor, limit and offset.
func (s *MemoryStore) SearchParticipants(ctx context.Context, q Query) ([]hcxonboard.Participant, error) {
	page, err := s.SearchParticipantsPage(ctx, q)
	return page.Items, err
}

// SearchParticipantsPage is SearchParticipants with the cursor of the
// next page (ParticipantPager).
func (s *MemoryStore) SearchParticipantsPage(ctx context.Context, q Query) (Page[hcxonboard.Participant], error) {
	var out Page[hcxonboard.Participant]
	q, err := q.Normalize()
	if err != nil {
		return out, err
	}
	after, err := cursorPosition(q.Cursor)
	if err != nil {
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	s.mu.RLock()
	var hits []hcxonboard.Participant
	for _, code := range s.order {
		p := s.participants[code]
		if (after == nil || after.After(p.CreatedAt, p.ParticipantCode)) && q.Match(p) {
			hits = append(hits, *p.Clone())
		}
	}
	s.mu.RUnlock()
	SortParticipants(hits)
	out.Items = page(hits, q.Limit, q.Offset)
	if n := len(out.Items); n > 0 && n == q.Limit {
		last := out.Items[n-1]
		out.Next = EncodeCursor(Position{CreatedAt: last.CreatedAt, Key: last.ParticipantCode})
	}
	return out, nil
}

// cursorPosition decodes a cursor; no cursor is no position.
func cursorPosition(c string) (*Position, error) {
	if c == "" {
		return nil, nil
	}
	p, err := DecodeCursor(c)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Application returns the application with the given id.
func (s *MemoryStore) Application(ctx context.Context, id string) (*Application, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.apps[id]
	if !ok {
		return nil, fmt.Errorf("%w: application %q", ErrNotFound, id)
	}
	return a.Clone(), nil
}

// ApplicationByKey returns the application submitted with the given
// idempotency key.
func (s *MemoryStore) ApplicationByKey(ctx context.Context, key string) (*Application, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	id, ok := s.keys[key]
	s.mu.RUnlock()
	if !ok || key == "" {
		return nil, fmt.Errorf("%w: application key %q", ErrNotFound, key)
	}
	return s.Application(ctx, id)
}

// ApplicationByClaim returns the application holding claim.
func (s *MemoryStore) ApplicationByClaim(ctx context.Context, claim string) (*Application, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	id, ok := s.claims[claim]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: claim %q", ErrNotFound, ShownClaim(claim))
	}
	return s.Application(ctx, id)
}

// ListApplications returns the applications matching f, oldest first,
// paged by f's cursor, limit and offset.
func (s *MemoryStore) ListApplications(ctx context.Context, f ApplicationFilter) ([]Application, error) {
	page, err := s.ListApplicationsPage(ctx, f)
	return page.Items, err
}

// ListApplicationsPage is ListApplications with the cursor of the next
// page (ApplicationPager).
func (s *MemoryStore) ListApplicationsPage(ctx context.Context, f ApplicationFilter) (Page[Application], error) {
	var out Page[Application]
	f, err := f.Normalize()
	if err != nil {
		return out, err
	}
	after, err := cursorPosition(f.Cursor)
	if err != nil {
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	s.mu.RLock()
	var hits []Application
	keep := func(a *Application) {
		if (after == nil || after.After(a.CreatedAt, a.ID)) && f.Match(a) {
			hits = append(hits, *a.Clone())
		}
	}
	if f.WaitingOn != "" {
		// Only the applications awaiting that participant.
		for id := range s.waitingOn[f.WaitingOn] {
			keep(s.apps[id])
		}
	} else {
		for _, a := range s.apps {
			keep(a)
		}
	}
	s.mu.RUnlock()
	SortApplications(hits)
	out.Items = page(hits, f.Limit, f.Offset)
	if n := len(out.Items); n > 0 && n == f.Limit {
		last := out.Items[n-1]
		out.Next = EncodeCursor(Position{CreatedAt: last.CreatedAt, Key: last.ID})
	}
	return out, nil
}

// Events returns an application's audit trail, oldest first.
func (s *MemoryStore) Events(ctx context.Context, applicationID string) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.apps[applicationID]; !ok {
		return nil, fmt.Errorf("%w: application %q", ErrNotFound, applicationID)
	}
	return slices.Clone(s.events[applicationID]), nil
}

// EventsAfter returns the events of an application's audit trail after
// afterSeq, oldest first, at most limit of them (EventPager). A trail is
// held in Seq order, so the page is found by binary search and copied
// alone.
func (s *MemoryStore) EventsAfter(ctx context.Context, applicationID string, afterSeq int64, limit int) ([]Event, error) {
	limit, err := CheckEventsLimit(limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.apps[applicationID]; !ok {
		return nil, fmt.Errorf("%w: application %q", ErrNotFound, applicationID)
	}
	es := s.events[applicationID]
	es = es[sort.Search(len(es), func(i int) bool { return es[i].Seq > afterSeq }):]
	if len(es) == 0 {
		return nil, nil // none, as the SQL stores answer it
	}
	return slices.Clone(es[:min(len(es), limit)]), nil
}

// Create stores a new application, its participant and its first events.
func (s *MemoryStore) Create(ctx context.Context, w Write) error {
	if err := w.ValidateCreate(); err != nil {
		return err
	}
	if w.Application.Version != 0 {
		return fmt.Errorf("registry: create: application %q has version %d, want 0", w.Application.ID, w.Application.Version)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := w.Application
	if _, ok := s.apps[a.ID]; ok {
		return fmt.Errorf("%w: application %q exists", ErrConflict, a.ID)
	}
	if _, ok := s.keys[a.Key]; ok && a.Key != "" {
		return fmt.Errorf("%w: %q", ErrDuplicateKey, a.Key)
	}
	if p := w.Participant; p != nil {
		if _, ok := s.participants[p.ParticipantCode]; ok {
			return fmt.Errorf("%w: participant %q exists", ErrConflict, p.ParticipantCode)
		}
	}
	if err := s.checkCode(a.ParticipantCode); err != nil {
		return err
	}
	if err := s.checkClaims(a.ID, a.Claims); err != nil {
		return err
	}
	if err := s.checkEvents(a.ID, w.Events); err != nil {
		return err
	}
	if err := s.checkOutbox(w.Outbox); err != nil {
		return err
	}
	a.Version = 1
	s.apps[a.ID] = storedApp(a)
	if a.Key != "" {
		s.keys[a.Key] = a.ID
	}
	if a.ParticipantCode != "" {
		s.codes[a.ParticipantCode] = a.ID
	}
	s.putClaims(a.ID, nil, a.Claims)
	s.putWaitingOn(a.ID, nil, a.WaitingOn)
	s.putParticipant(w.Participant)
	s.events[a.ID] = appendEvents(s.events[a.ID], w.Events)
	s.putOutbox(w.Outbox)
	return nil
}

// Update replaces an application at its expected version, upserts its
// participant and appends events, all or nothing.
func (s *MemoryStore) Update(ctx context.Context, w Write) error {
	if err := w.validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := w.Application
	cur, ok := s.apps[a.ID]
	if !ok {
		return fmt.Errorf("%w: application %q", ErrNotFound, a.ID)
	}
	if cur.Version != a.Version {
		return fmt.Errorf("%w: application %q is at version %d, not %d", ErrVersionConflict, a.ID, cur.Version, a.Version)
	}
	if cur.Key != a.Key {
		return fmt.Errorf("registry: update: the idempotency key of application %q cannot change", a.ID)
	}
	if cur.ParticipantCode != "" && a.ParticipantCode != cur.ParticipantCode {
		return fmt.Errorf("registry: update: application %q belongs to participant %q", a.ID, cur.ParticipantCode)
	}
	if cur.ParticipantCode == "" && a.ParticipantCode != "" {
		if _, taken := s.participants[a.ParticipantCode]; taken {
			return fmt.Errorf("%w: participant %q exists", ErrConflict, a.ParticipantCode)
		}
		if err := s.checkCode(a.ParticipantCode); err != nil {
			return err
		}
	}
	for _, code := range w.RequireActive {
		status := hcxonboard.Status("")
		if p, ok := s.participants[code]; ok {
			status = p.Status
		}
		if status != hcxonboard.StatusActive {
			return NotActiveError(code, status)
		}
	}
	if p := w.Participant; p != nil {
		if err := CheckParticipantText(a.ID, p, s.participants[p.ParticipantCode]); err != nil {
			return err
		}
	}
	if err := s.checkClaims(a.ID, a.Claims); err != nil {
		return err
	}
	if err := s.checkEvents(a.ID, w.Events); err != nil {
		return err
	}
	if err := s.checkOutbox(w.Outbox); err != nil {
		return err
	}
	a.Version++
	s.putClaims(a.ID, cur.Claims, a.Claims)
	s.putWaitingOn(a.ID, cur.WaitingOn, a.WaitingOn)
	s.apps[a.ID] = storedApp(a)
	if a.ParticipantCode != "" {
		s.codes[a.ParticipantCode] = a.ID
	}
	s.putParticipant(w.Participant)
	s.events[a.ID] = appendEvents(s.events[a.ID], w.Events)
	s.putOutbox(w.Outbox)
	return nil
}

// putWaitingOn moves application appID in the index of awaited
// participants from the codes old to the codes now.
func (s *MemoryStore) putWaitingOn(appID string, old, now []string) {
	for _, c := range old {
		if set := s.waitingOn[c]; set != nil {
			delete(set, appID)
			if len(set) == 0 {
				delete(s.waitingOn, c)
			}
		}
	}
	for _, c := range now {
		set := s.waitingOn[c]
		if set == nil {
			set = make(map[string]bool)
			s.waitingOn[c] = set
		}
		set[appID] = true
	}
}

// checkCode refuses a participant code another application holds: one
// code, one application, as the SQL stores' unique index has it.
func (s *MemoryStore) checkCode(code string) error {
	if holder, ok := s.codes[code]; ok && code != "" {
		return fmt.Errorf("%w: participant code %q is application %q's", ErrConflict, code, holder)
	}
	return nil
}

func (s *MemoryStore) putParticipant(p *hcxonboard.Participant) {
	if p == nil {
		return
	}
	if _, ok := s.participants[p.ParticipantCode]; !ok {
		s.order = append(s.order, p.ParticipantCode)
	}
	c := p.Clone()
	c.CreatedAt, c.UpdatedAt = storedTime(c.CreatedAt), storedTime(c.UpdatedAt)
	s.participants[p.ParticipantCode] = c
}

// storedTime is t as the SQL stores give it back: the instant in UTC,
// without a monotonic clock reading. The memory store keeps times so, so
// that a time read from it compares (==, reflect.DeepEqual) and encodes
// (JSON's "Z") as one read from the others does.
func storedTime(t time.Time) time.Time { return t.UTC() }

// storedApp is the copy of a the store keeps.
func storedApp(a *Application) *Application {
	c := a.Clone()
	c.CreatedAt, c.UpdatedAt, c.DueAt = storedTime(c.CreatedAt), storedTime(c.UpdatedAt), storedTime(c.DueAt)
	return c
}

// appendEvents appends events to trail as the store keeps them.
func appendEvents(trail, events []Event) []Event {
	for _, e := range events {
		e.Time = storedTime(e.Time)
		trail = append(trail, e)
	}
	return trail
}

// checkClaims reports the first of claims that another application holds.
func (s *MemoryStore) checkClaims(appID string, claims []string) error {
	for _, c := range claims {
		if holder, ok := s.claims[c]; ok && holder != appID {
			return &ClaimError{Claim: c, ApplicationID: holder, ParticipantCode: s.apps[holder].ParticipantCode}
		}
	}
	return nil
}

// putClaims frees the claims of old that claims lacks and takes claims.
func (s *MemoryStore) putClaims(appID string, old, claims []string) {
	for _, c := range old {
		if !slices.Contains(claims, c) {
			delete(s.claims, c)
		}
	}
	for _, c := range claims {
		s.claims[c] = appID
	}
}

// checkEvents requires events to continue the stored chain's numbering.
func (s *MemoryStore) checkEvents(appID string, events []Event) error {
	next := int64(len(s.events[appID])) + 1
	for _, e := range events {
		if e.Seq != next {
			return fmt.Errorf("%w: audit event %d of application %q, expected %d", ErrConflict, e.Seq, appID, next)
		}
		next++
	}
	return nil
}

func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return nil
	}
	items = items[offset:]
	if len(items) > limit {
		items = items[:limit]
	}
	return items
}

// CertificatesExpiring returns a page of the participants, Inactive ones
// aside, whose certificates expire at or before by, soonest expiry first,
// then by participant code (CertificateExpiries). The memory store reads
// every participant.
func (s *MemoryStore) CertificatesExpiring(ctx context.Context, by time.Time, limit int, cursor string) (Page[hcxonboard.Participant], error) {
	var out Page[hcxonboard.Participant]
	limit, err := CheckLimit(limit)
	if err != nil {
		return out, err
	}
	var afterSoonest int64
	var afterCode string
	if cursor != "" {
		if afterSoonest, afterCode, err = DecodeExpiryCursor(cursor); err != nil {
			return out, err
		}
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	order := func(a, b *hcxonboard.Participant) int {
		return cmp.Or(cmp.Compare(SoonestExpiry(a), SoonestExpiry(b)), strings.Compare(a.ParticipantCode, b.ParticipantCode))
	}
	s.mu.RLock()
	var hits []hcxonboard.Participant
	for code, p := range s.participants {
		soonest := SoonestExpiry(p)
		if ExpiresBy(p, by) && (cursor == "" || soonest > afterSoonest || soonest == afterSoonest && code > afterCode) {
			hits = append(hits, *p.Clone())
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(hits, func(a, b hcxonboard.Participant) int { return order(&a, &b) })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out.Items = hits
	if n := len(hits); n == limit {
		out.Next = EncodeExpiryCursor(SoonestExpiry(&hits[n-1]), hits[n-1].ParticipantCode)
	}
	return out, nil
}
