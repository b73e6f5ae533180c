package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// OutboxState is where an outbox message stands.
type OutboxState string

// The states of an outbox message. A message is written pending; a
// dispatcher marks it sent once delivered, or dead once it gives up; staff
// send a dead message back to pending.
const (
	OutboxPending OutboxState = "pending"
	OutboxSent    OutboxState = "sent"
	OutboxDead    OutboxState = "dead"
)

func (s OutboxState) valid() bool {
	return s == OutboxPending || s == OutboxSent || s == OutboxDead
}

// Bounds on the outbox messages of one write and on what a dispatcher
// asks of the store.
const (
	// MaxOutboxMessages is the most messages one Write may carry.
	MaxOutboxMessages = 16
	// MaxOutboxPayload is the largest payload, in bytes.
	MaxOutboxPayload = 64 << 10
	// MaxOutboxText is the longest ID, Kind, To, lease owner or cursor,
	// in bytes.
	MaxOutboxText = 512
	// MaxOutboxError is the longest LastError kept, in bytes; a longer
	// one is cut.
	MaxOutboxError = 1024
	// MaxOutboxClaim is the most messages one ClaimOutbox leases.
	MaxOutboxClaim = 100
	// MinOutboxLease and MaxOutboxLease bound a lease: shorter than a
	// second is a duration given in the wrong unit, longer than a day
	// keeps a crashed dispatcher's messages from the others too long.
	MinOutboxLease = time.Second
	MaxOutboxLease = 24 * time.Hour
)

// OutboxMessage is a message to the outside world (a one-time code, an
// approval request, a go-live broadcast, a de-boarding warning) written in
// the same Write as the state change that calls for it, so that a crash
// between the write and the send loses nothing: a dispatcher sends it
// later, at least once.
//
// A Write sets ID, ApplicationID, Kind, To, Payload, CreatedAt and
// NextAttemptAt, and leaves the rest zero; the store keeps the rest —
// except that a writer that will deliver the message itself, right after
// the write, may write it leased to itself: LeaseOwner its dispatcher's
// owner and LeaseUntil when the lease ends, after CreatedAt and at most
// MaxOutboxLease after it. Such a message is stored pending and leased,
// as if its owner had claimed it: its owner completes or fails it with
// no claim of its own, and no other owner can claim it until the lease
// ends — after which, should the writer have crashed before the send,
// any dispatcher takes it as it takes any message whose lease expired.
type OutboxMessage struct {
	// ID is unique in the store and is the idempotency key the
	// transport passes on, so a receiver can drop the duplicate a
	// dispatcher crash may cause.
	ID            string
	ApplicationID string // the application whose write produced it
	Kind          string // what it is, for the engine ("otp", "broadcast", …)
	To            string // the recipient, as the transport understands it
	// Payload is opaque to the store (the engine may encrypt it); at
	// most MaxOutboxPayload bytes. An empty payload reads back nil.
	Payload   []byte
	CreatedAt time.Time
	// NextAttemptAt is when the message is due; the zero time is due at
	// once.
	NextAttemptAt time.Time
	Attempts      int // failed attempts so far
	State         OutboxState
	// LastError is the last failure as the dispatcher reported it, cut
	// to MaxOutboxError bytes. The caller redacts it: the store keeps
	// what it is given.
	LastError string
	// LeaseOwner and LeaseUntil: the dispatcher that claimed the message
	// and until when no other may. A sent message keeps the owner that
	// sent it.
	LeaseOwner string
	LeaseUntil time.Time
	SentAt     time.Time
	// RetriedAt is when RetryOutbox last sent the message, dead, back to
	// pending; the zero time if it never did. A dispatcher counts the
	// age after which it gives up on a message from it, when it is later
	// than CreatedAt, so that a staff retry is a new round of attempts.
	RetriedAt time.Time
}

// Clone returns a deep copy of m.
func (m *OutboxMessage) Clone() *OutboxMessage {
	if m == nil {
		return nil
	}
	c := *m
	c.Payload = nil
	if len(m.Payload) > 0 {
		c.Payload = slices.Clone(m.Payload)
	}
	return &c
}

// OutboxFilter selects outbox messages for listing. Zero fields match
// everything; results come oldest first (CreatedAt, then ID).
type OutboxFilter struct {
	State         OutboxState
	ApplicationID string
	Limit         int // default DefaultLimit, at most MaxLimit
	// After is the ID of the last message of the previous page (keyset
	// paging: the next page starts after it, whatever was written in
	// between). A message that does not exist is ErrInvalidQuery.
	After string
}

// OutboxStore is the storage of a transactional outbox: messages enter
// with the Write that calls for them (Write.Outbox) and leave through a
// dispatcher that claims them, sends them and marks them sent or failed.
// It is an optional capability of a Store, found by type assertion:
//
//	if ob, ok := store.(registry.OutboxStore); ok {
//		msgs, err := ob.ClaimOutbox(ctx, replicaID, now, time.Minute, 10)
//		…
//	}
//
// Every store of this module implements it. Several dispatchers, in one
// process or in several replicas on one database, may claim at once: a
// message is leased to one owner at a time. A message may also be written
// leased to the dispatcher of its writer (see OutboxMessage), which then
// completes or fails it as if it had claimed it, sparing a claim.
type OutboxStore interface {
	// ClaimOutbox leases to owner, until now+lease, up to limit pending
	// messages that are due (NextAttemptAt <= now) and whose lease is
	// free or has expired (LeaseUntil <= now), earliest due first, then
	// oldest, then by ID, and returns them in that order with LeaseOwner
	// and LeaseUntil set. None due is an empty result, not an error.
	ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// CompleteOutbox marks a pending message leased to owner sent at
	// sentAt. The owner may complete it after its lease expired as long
	// as no other owner claimed it since; completing a message it
	// already completed is a no-op. Otherwise a message leased to
	// another owner, never leased, or not pending is ErrConflict; an
	// unknown ID is ErrNotFound.
	CompleteOutbox(ctx context.Context, id, owner string, sentAt time.Time) error
	// FailOutbox records a failed attempt of a pending message leased to
	// owner: Attempts is incremented, LastError set (cut to
	// MaxOutboxError bytes), the lease freed, and the message is due
	// again at next — or, with dead, moved to OutboxDead, where it waits
	// for RetryOutbox. Errors as for CompleteOutbox.
	FailOutbox(ctx context.Context, id, owner string, next time.Time, lastError string, dead bool) error
	// ListOutbox returns the messages matching f, oldest first, for
	// staff (dead letters) and tests.
	ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error)
	// RetryOutbox sends a dead message back to pending, due at now, with
	// its lease free and RetriedAt now; Attempts and LastError are kept.
	// A message that is not dead is ErrConflict; an unknown ID is
	// ErrNotFound.
	RetryOutbox(ctx context.Context, id string, now time.Time) error
	// OutboxDepth counts the pending and the dead messages, for metrics;
	// both keys are always present. Sent messages are history, not
	// depth, and are not counted (OutboxPurger deletes them once old).
	OutboxDepth(ctx context.Context) (map[OutboxState]int, error)
}

// MaxOutboxPurge is the most messages one PurgeOutbox deletes.
const MaxOutboxPurge = 1000

// OutboxPurger deletes delivered messages past their retention, so that
// the outbox does not grow for ever. It is an optional capability of an
// OutboxStore, found by type assertion; every store of this module
// implements it.
//
// Only sent messages are deleted: a pending message is still to be sent
// and a dead one waits for staff (RetryOutbox), so neither ever is. A
// message's ID is its idempotency key, and its row is what makes a
// second write of that ID a conflict: a writer must therefore never
// write an ID again once it may have been purged. The engine's IDs carry
// the sequence number of the audit event of the write that made them,
// which no later write of the application repeats.
type OutboxPurger interface {
	// PurgeOutbox deletes up to limit (1..MaxOutboxPurge) sent messages
	// whose SentAt and NextAttemptAt are both before sentBefore, and
	// returns how many it deleted; none is 0, not an error. (A message is
	// sent once due, so SentAt decides, but for one its writer sent ahead
	// of its due time; the due time is what the stores' index orders.) Replicas may purge at once: each deletes
	// what the others have not, and the counts add up to the messages
	// deleted. A caller that wants them all calls again while a whole
	// batch was deleted.
	PurgeOutbox(ctx context.Context, sentBefore time.Time, limit int) (int, error)
}

// CheckOutboxPurge checks the arguments of PurgeOutbox as every store does
// before it touches storage.
func CheckOutboxPurge(sentBefore time.Time, limit int) error {
	switch {
	case sentBefore.IsZero():
		return fmt.Errorf("registry: purge outbox messages sent before the zero time")
	case outsideTimes(sentBefore):
		return timeError("outbox purge cut-off", sentBefore)
	case limit < 1 || limit > MaxOutboxPurge:
		return fmt.Errorf("registry: outbox purge limit %d is outside 1..%d", limit, MaxOutboxPurge)
	}
	return nil
}

// OutboxReader reads one outbox message by its ID, from the store's key:
// what staff name when they retry a dead letter, found without paging
// through the others. It is an optional capability of an OutboxStore,
// found by type assertion; every store of this module implements it.
type OutboxReader interface {
	// OutboxMessage returns the message id, in whatever state it stands.
	// An unknown ID is ErrNotFound.
	OutboxMessage(ctx context.Context, id string) (*OutboxMessage, error)
}

// validateOutbox checks the messages of a write to application appID.
func validateOutbox(appID string, ms []OutboxMessage) error {
	if len(ms) > MaxOutboxMessages {
		return fmt.Errorf("registry: application %q writes %d outbox messages, at most %d are allowed", appID, len(ms), MaxOutboxMessages)
	}
	for i, m := range ms {
		if err := checkOutboxText(fmt.Sprintf("outbox message %d: id", i), m.ID, false); err != nil {
			return err
		}
		switch {
		case m.ApplicationID != appID:
			return fmt.Errorf("registry: outbox message %q for application %q written with application %q", m.ID, m.ApplicationID, appID)
		case len(m.Payload) > MaxOutboxPayload:
			return fmt.Errorf("registry: outbox message %q: payload of %d bytes, at most %d are allowed", m.ID, len(m.Payload), MaxOutboxPayload)
		case m.State != "" && m.State != OutboxPending,
			m.Attempts != 0, m.LastError != "", !m.SentAt.IsZero(), !m.RetriedAt.IsZero():
			return fmt.Errorf("registry: outbox message %q is not new: a write sets only its id, application, kind, recipient, payload, times and its writer's lease", m.ID)
		}
		if err := checkWriteLease(m); err != nil {
			return err
		}
		if err := checkTimes("outbox message "+clipName(m.ID),
			namedTime{"created_at", m.CreatedAt}, namedTime{"next_attempt_at", m.NextAttemptAt}, namedTime{"lease_until", m.LeaseUntil}); err != nil {
			return err
		}
		if err := checkOutboxText(fmt.Sprintf("outbox message %q: kind", m.ID), m.Kind, false); err != nil {
			return err
		}
		if err := checkOutboxText(fmt.Sprintf("outbox message %q: recipient", m.ID), m.To, true); err != nil {
			return err
		}
		for _, earlier := range ms[:i] {
			if earlier.ID == m.ID {
				return fmt.Errorf("registry: application %q writes outbox message %q twice", appID, m.ID)
			}
		}
	}
	return nil
}

// checkWriteLease checks the lease a message is written with, if any: an
// owner and an end, both or neither, the end after the message's creation
// and at most MaxOutboxLease after it.
func checkWriteLease(m OutboxMessage) error {
	switch {
	case m.LeaseOwner == "" && m.LeaseUntil.IsZero():
		return nil
	case m.LeaseOwner == "":
		return fmt.Errorf("registry: outbox message %q is written with a lease end but no lease owner", m.ID)
	case m.LeaseUntil.IsZero():
		return fmt.Errorf("registry: outbox message %q is written with a lease owner but no lease end", m.ID)
	case !m.LeaseUntil.After(m.CreatedAt):
		return fmt.Errorf("registry: outbox message %q is written with a lease that ends before it was created", m.ID)
	case m.LeaseUntil.Sub(m.CreatedAt) > MaxOutboxLease:
		return fmt.Errorf("registry: outbox message %q is written with a lease of %v, at most %v is allowed", m.ID, m.LeaseUntil.Sub(m.CreatedAt), MaxOutboxLease)
	}
	if err := CheckOutboxOwner(m.LeaseOwner); err != nil {
		return fmt.Errorf("registry: outbox message %q: %w", m.ID, err)
	}
	return nil
}

// checkOutboxText requires s to be at most MaxOutboxText bytes of valid
// UTF-8 without NUL (PostgreSQL's text refuses NUL and invalid UTF-8), and
// non-empty unless empty is allowed. Messages never quote s.
func checkOutboxText(what, s string, empty bool) error {
	switch {
	case s == "" && !empty:
		return fmt.Errorf("registry: %s is empty", what)
	case len(s) > MaxOutboxText:
		return fmt.Errorf("registry: %s is %d bytes long, at most %d are allowed", what, len(s), MaxOutboxText)
	case !utf8.ValidString(s):
		return fmt.Errorf("registry: %s is not valid UTF-8", what)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("registry: %s contains a NUL byte", what)
	}
	return nil
}

// CheckOutboxClaim checks the arguments of ClaimOutbox as every store does
// before it touches storage; a now, or a lease end, outside the times
// every store keeps is refused.
func CheckOutboxClaim(owner string, now time.Time, lease time.Duration, limit int) error {
	if err := CheckOutboxOwner(owner); err != nil {
		return err
	}
	switch {
	case now.IsZero():
		return fmt.Errorf("registry: claim outbox messages at the zero time")
	case lease < MinOutboxLease || lease > MaxOutboxLease:
		return fmt.Errorf("registry: outbox lease %v is outside %v..%v", lease, MinOutboxLease, MaxOutboxLease)
	case limit < 1 || limit > MaxOutboxClaim:
		return fmt.Errorf("registry: outbox claim limit %d is outside 1..%d", limit, MaxOutboxClaim)
	}
	return checkLeaseTimes("outbox claim", now, lease)
}

// checkLeaseTimes refuses a lease taken at now for ttl unless now and its
// end are times every store keeps: a database store cannot write them.
func checkLeaseTimes(what string, now time.Time, ttl time.Duration) error {
	if outsideTimes(now) {
		return timeError(what+" time", now)
	}
	if end := now.Add(ttl); outsideTimes(end) {
		return timeError(what+" lease end", end)
	}
	return nil
}

// CheckOutboxOwner checks a lease owner: non-empty, at most MaxOutboxText
// bytes of valid UTF-8 without NUL.
func CheckOutboxOwner(owner string) error {
	return checkOutboxText("outbox lease owner", owner, false)
}

// OutboxErrorText returns lastError as every store keeps it: invalid UTF-8
// and NUL bytes replaced, cut to at most MaxOutboxError bytes on a rune
// boundary.
func OutboxErrorText(lastError string) string {
	s := strings.ToValidUTF8(lastError, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) <= MaxOutboxError {
		return s
	}
	cut := MaxOutboxError
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Normalize checks f and applies the paging defaults: an unknown state, a
// negative limit or one over MaxLimit, or an application or cursor that
// could never be stored wraps ErrInvalidQuery.
func (f OutboxFilter) Normalize() (OutboxFilter, error) {
	switch {
	case f.State != "" && !f.State.valid():
		return f, fmt.Errorf("%w: unknown outbox state %q", ErrInvalidQuery, clipName(string(f.State)))
	case f.Limit < 0 || f.Limit > MaxLimit:
		return f, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, f.Limit, MaxLimit)
	case f.Limit == 0:
		f.Limit = DefaultLimit
	}
	if err := checkOutboxText("outbox cursor", f.After, true); err != nil {
		return f, fmt.Errorf("%w: %w", ErrInvalidQuery, err)
	}
	if !utf8.ValidString(f.ApplicationID) || strings.IndexByte(f.ApplicationID, 0) >= 0 {
		return f, fmt.Errorf("%w: the application id is not valid UTF-8 without NUL", ErrInvalidQuery)
	}
	return f, nil
}

// Match reports whether m passes the filter's state and application (not
// its cursor).
func (f OutboxFilter) Match(m *OutboxMessage) bool {
	return (f.State == "" || m.State == f.State) && (f.ApplicationID == "" || m.ApplicationID == f.ApplicationID)
}

// SortOutbox orders messages as every store lists them: by creation time,
// then ID.
func SortOutbox(ms []OutboxMessage) {
	slices.SortFunc(ms, compareOutboxCreated)
}

// SortOutboxDue orders messages as every store claims them: by
// NextAttemptAt, then creation time, then ID.
func SortOutboxDue(ms []OutboxMessage) {
	slices.SortFunc(ms, func(a, b OutboxMessage) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return compareOutboxCreated(a, b)
	})
}

func compareOutboxCreated(a, b OutboxMessage) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
