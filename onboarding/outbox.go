package onboarding

import (
	"cmp"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Outbox defaults.
const (
	// DefaultOutboxDeadAfter is how long a message is retried before it is
	// a dead letter staff see and may retry.
	DefaultOutboxDeadAfter = 24 * time.Hour
	// DefaultOutboxRetention is how long a sent message is kept before the
	// scheduler purges it (WithOutboxRetention).
	DefaultOutboxRetention = 30 * 24 * time.Hour
	// minOutboxRetention is the shortest retention WithOutboxRetention
	// takes.
	minOutboxRetention = time.Hour
	// outboxPurgeBatch is how many messages one purge statement deletes,
	// and outboxPurgeBatches how many batches one PurgeOutbox runs at
	// most, so that a backlog (the first purge after an upgrade) neither
	// holds the store in one long statement nor one pass for long.
	outboxPurgeBatch   = 500
	outboxPurgeBatches = 20
	// outboxRecordTimeout bounds the store write recording an attempt's
	// outcome, which outlives the caller's context.
	outboxRecordTimeout = 15 * time.Second
	// outboxClockSkew is how far replicas' clocks may disagree without a
	// message being sent by two at once: a send starts only while its
	// timeout and this margin are left of the lease.
	outboxClockSkew = 15 * time.Second
	// outboxLease bounds one delivery attempt.
	outboxLease = 2 * time.Minute
	// outboxBatch is how many messages one dispatch pass takes.
	outboxBatch = 50
)

// outbox is the engine's transactional outbox, when the store keeps one
// (registry.OutboxStore): every message a change queues is written in the
// same store write as the change, and delivered afterwards — at once by
// the call that made it, and by DispatchOutbox for whatever that missed
// (a crash between the write and the send, a transport outage). Delivery
// is at least once; Message.ID is the idempotency key transports pass on.
type outbox struct {
	store     registry.OutboxStore
	owner     string // this replica, for leases
	deadAfter time.Duration
	retention time.Duration // negative: sent messages are kept for good
	aead      cipher.AEAD   // payloads carry one-time codes: sealed at rest
}

// WithOutbox turns the transactional outbox on or off. It is on by
// default when the store keeps one (registry.OutboxStore, as the memory,
// SQLite and PostgreSQL stores do); off, messages go to the Notifier after
// the write and a crash between the two loses them.
func WithOutbox(on bool) Option {
	return func(s *Service) error {
		s.noOutbox = !on
		return nil
	}
}

// WithOutboxDeadAfter sets how long a message is retried before it becomes
// a dead letter (default DefaultOutboxDeadAfter). One-time codes die with
// their code's lifetime instead, so a stale code is never sent late; the
// HFR intimation, whose code is the facility manager's decline code, lives
// as long as the decline window (WithDeclineWindow).
func WithOutboxDeadAfter(d time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return fmt.Errorf("%w: outbox dead-letter age %s is not positive", ErrInvalidOption, d)
		}
		s.outboxDeadAfter = d
		return nil
	}
}

// WithOutboxRetention sets how long a delivered message is kept in the
// outbox before the scheduler (RunScheduler, or PurgeOutbox) deletes it:
// at least an hour, default DefaultOutboxRetention; negative keeps
// delivered messages for good. Only sent messages are purged: a dead
// letter stays until staff retry it (and then ages out once sent), and a
// message still to be sent stays however old. A purge never makes a
// message go twice: each message's ID carries the audit sequence number
// of the write that made it, which no later write repeats.
func WithOutboxRetention(d time.Duration) Option {
	return func(s *Service) error {
		if d >= 0 && d < minOutboxRetention {
			return fmt.Errorf("%w: outbox retention %s: keep delivered messages at least %s, or give a negative retention to keep them for good",
				ErrInvalidOption, d, minOutboxRetention)
		}
		s.outboxRetention = d
		return nil
	}
}

// newOutbox sets the outbox up once the options are known.
func (s *Service) newOutbox() error {
	os, ok := s.store.(registry.OutboxStore)
	if !ok || s.noOutbox {
		return nil
	}
	mac := hmac.New(sha256.New, s.otpKey)
	mac.Write([]byte("hcxonboard.outbox.v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return fmt.Errorf("onboarding: outbox key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("onboarding: outbox key: %w", err)
	}
	var id [8]byte
	if _, err := io.ReadFull(s.rand, id[:]); err != nil {
		return fmt.Errorf("onboarding: random source: %w", err)
	}
	s.outbox = &outbox{store: os, owner: fmt.Sprintf("%s/%x", s.instance, id), deadAfter: s.outboxDeadAfter,
		retention: cmp.Or(s.outboxRetention, DefaultOutboxRetention), aead: aead}
	return nil
}

// outboxMessages turns the messages a write queues into outbox rows. Their
// ids follow from the write (the application, the last event's sequence
// number, the message's place), so a retry after a version conflict makes
// the same ids, and the losing write stored none.
//
// The rows are written leased to this replica for outboxLease from now:
// the call that writes them delivers them right after the write
// (deliverAfterWrite) without claiming them first, and no other
// dispatcher takes them meanwhile. Should this process die before it has
// sent them, the lease ends and any dispatcher claims them, as it claims
// the messages of a dispatcher that died.
func (s *Service) outboxMessages(r *record, lastSeq int64) ([]registry.OutboxMessage, error) {
	out := make([]registry.OutboxMessage, 0, len(r.messages))
	owner, until := s.outbox.owner, s.clock().Add(outboxLease)
	if !until.After(r.now) || until.Sub(r.now) > registry.MaxOutboxLease {
		// A clock that went back or leapt since the change began: the
		// rows are written free, and delivered through a claim.
		owner, until = "", time.Time{}
	}
	for i := range r.messages {
		m := &r.messages[i]
		m.ID = r.app.ID + "/" + strconv.FormatInt(lastSeq, 10) + "/" + strconv.Itoa(i)
		plain, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("onboarding: encode message: %w", err)
		}
		nonce := make([]byte, s.outbox.aead.NonceSize())
		if _, err := io.ReadFull(s.rand, nonce); err != nil {
			return nil, fmt.Errorf("onboarding: random source: %w", err)
		}
		sealed := s.outbox.aead.Seal(nonce, nonce, plain, []byte(m.ID))
		out = append(out, registry.OutboxMessage{ID: m.ID, ApplicationID: r.app.ID, Kind: m.Kind,
			To: maskAddress(m.To), Payload: sealed, CreatedAt: r.now, NextAttemptAt: r.now,
			LeaseOwner: owner, LeaseUntil: until})
	}
	return out, nil
}

// openMessage reads a sealed outbox payload.
func (s *Service) openMessage(om registry.OutboxMessage) (Message, error) {
	var m Message
	n := s.outbox.aead.NonceSize()
	if len(om.Payload) < n {
		return m, errors.New("onboarding: outbox payload too short")
	}
	plain, err := s.outbox.aead.Open(nil, om.Payload[:n], om.Payload[n:], []byte(om.ID))
	if err != nil {
		return m, fmt.Errorf("onboarding: outbox payload of %s does not open (another OTP key?): %w", om.ID, err)
	}
	if err := json.Unmarshal(plain, &m); err != nil {
		return m, fmt.Errorf("onboarding: outbox payload of %s: %w", om.ID, err)
	}
	return m, nil
}

// DispatchOutbox delivers what waits in the outbox: it leases due
// messages, sends each through the Notifier, and records the outcome — a
// failure is retried later with exponential backoff and jitter, and after
// WithOutboxDeadAfter (a one-time code: after its lifetime) it is a dead
// letter. Several replicas may dispatch at once: a message is leased to
// one at a time, and a send starts only while enough of the lease is left
// for it to end within the lease, 15 seconds early (slow sends leave the
// rest of a batch to be claimed again): replicas' clocks must agree within
// those 15 seconds, as NTP keeps them. It returns how many messages it
// sent. Call it on a schedule (RunOutbox does). The engine also sends
// each change's messages itself right after the change: they are written
// leased to it, so no dispatcher takes them meanwhile. One whose send
// failed is due here after the backoff; one a crash left unsent, once its
// lease — two minutes from the write — has ended.
func (s *Service) DispatchOutbox(ctx context.Context) (int, error) {
	sent, _, err := s.dispatch(ctx, outboxBatch, nil)
	return sent, err
}

// dispatch runs one pass; failed collects the errors of the ids in mine.
func (s *Service) dispatch(ctx context.Context, limit int, mine map[string]bool) (int, []error, error) {
	if s.outbox == nil {
		return 0, nil, nil
	}
	ms, err := s.outbox.store.ClaimOutbox(ctx, s.outbox.owner, s.clock(), outboxLease, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("onboarding: claim outbox: %w", err)
	}
	sent := 0
	var failed []error
	for _, om := range ms {
		if err := ctx.Err(); err != nil {
			// A shutdown: the messages not tried yet wait for their
			// lease to end, with no attempt recorded.
			return sent, failed, err
		}
		if err := s.leaseTooShort(om); err != nil {
			// Earlier sends of the batch took so long that this one
			// might not end within the lease.
			if mine[om.ID] {
				failed = append(failed, err)
			}
			continue
		}
		m, err := s.openMessage(om)
		if err == nil && (m.Code != "" || asksToAct(m.Kind)) {
			// Claimed later than its write, a code may have been replaced
			// (a new one requested), settled or left to expire meanwhile,
			// and the application may have ended: only a code the
			// application still accepts, and a payer's approval request
			// of an application that has not ended, goes out.
			err = s.codeStillLive(ctx, m)
		}
		sendErr, storeErr := s.attempt(ctx, om, m, err)
		if storeErr != nil {
			return sent, failed, storeErr
		}
		if sendErr == nil {
			sent++
			continue
		}
		if mine[om.ID] {
			failed = append(failed, sendErr)
		}
	}
	return sent, failed, nil
}

// leaseTooShort says why om, leased to this replica, is not sent now:
// too little of its lease is left for a send (its timeout) and a margin
// for replicas' clocks disagreeing (outboxClockSkew), and once the lease
// ends — by another replica's clock, which may run ahead of this one's —
// that replica may claim the message and send it as well. It is claimed
// again, by any replica, once the lease ends. Nil when a send fits.
func (s *Service) leaseTooShort(om registry.OutboxMessage) error {
	if s.clock().Add(outboxLease/2 + outboxClockSkew).After(om.LeaseUntil) {
		return fmt.Errorf("%w: message %s waits for the outbox dispatcher", ErrNotDelivered, om.ID)
	}
	return nil
}

// attempt sends om, leased to this replica — m is its payload, or err why
// the payload did not open — and records the outcome: sent, or failed and
// due again after a backoff, or dead. A send starts only while enough of
// the lease is left for it (leaseTooShort); else nothing is recorded. It
// returns the send's error (nil when sent) and the store's, if recording
// the outcome failed; a lease lost meanwhile is not a store error (the
// message went, or goes, out through its new owner).
func (s *Service) attempt(ctx context.Context, om registry.OutboxMessage, m Message, err error) (sendErr, storeErr error) {
	life, coded := s.kindLifetime(om.Kind)
	if err == nil && coded && !s.clock().Before(om.CreatedAt.Add(life)) {
		err = errCodeStale // a stale code is never sent late
	}
	if err == nil {
		if short := s.leaseTooShort(om); short != nil {
			// What ran before the send (the read of whether the code is
			// still live) took so long that the send might outlive the
			// lease. Nothing is recorded: the message is claimed again
			// once the lease ends.
			return short, nil
		}
		sctx, cancel := context.WithTimeout(ctx, outboxLease/2)
		done := bounded(ctx, outboxLease/2)
		err = s.notifyGuarded(sctx, m)
		done()
		cancel()
	}
	now := s.clock()
	// The outcome is recorded even if ctx ended meanwhile (a caller that
	// hung up, a shutdown): a send that went out but is not recorded is
	// sent again once the lease ends.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outboxRecordTimeout)
	defer cancel()
	if err == nil {
		if cerr := s.outbox.store.CompleteOutbox(ctx, om.ID, s.outbox.owner, now); cerr != nil && !errors.Is(cerr, registry.ErrConflict) {
			return nil, cerr
		}
		return nil, nil
	}
	s.logUndelivered(ctx, m, err)
	deadAfter := s.outbox.deadAfter
	if coded {
		deadAfter = life // a code is tried as long as it lives, no longer
	}
	// The age counts from the message's writing or, for one staff
	// retried, from the retry: each retry is a new round of attempts. A
	// code's lifetime counts from the writing whatever happened since.
	since, retried := om.CreatedAt, !coded && om.RetriedAt.After(om.CreatedAt)
	if retried {
		since = om.RetriedAt
	}
	stale := errors.Is(err, errCodeStale) || errors.Is(err, errNotWanted)
	dead := stale || permanent(err) || !now.Before(since.Add(deadAfter))
	text := ""
	switch {
	case stale:
		text = err.Error() // says nothing of the code
	case m.Code == "":
		text = hcxonboard.RedactText(err.Error())
	}
	delay := retryDelay(om.Attempts)
	if retried {
		// A retried message's backoff starts again too: from the
		// attempts a new round would have made since the retry, not
		// from all of them.
		delay = min(delay, retryDelay(roundAttempts(now.Sub(since))))
	}
	if left := since.Add(deadAfter).Sub(now); !dead && delay > left {
		// The backoff does not carry the next attempt past the message's
		// dead-letter age: the last attempt comes at that age, and a
		// message still failing then is a dead letter on time, not up to
		// an hour later. (A code's comes at its expiry: it goes dead
		// unsent.)
		delay = left
	}
	var asked interface{ RetryDelay() time.Duration }
	if errors.As(err, &asked) {
		// The receiver's Retry-After: no sooner than it asked.
		delay = max(delay, min(asked.RetryDelay(), deadAfter))
	}
	if ferr := s.outbox.store.FailOutbox(ctx, om.ID, s.outbox.owner, now.Add(delay), text, dead); ferr != nil && !errors.Is(ferr, registry.ErrConflict) {
		return err, ferr
	}
	return err, nil
}

// transportPanic is a Notifier that panicked on a message: permanent, so
// that the message is a dead letter at once rather than a poison message
// every replica claims in turn. Its text names the message's kind, never
// the panic's value, which may hold what was being sent.
type transportPanic struct{ kind string }

func (e transportPanic) Error() string {
	return "onboarding: the transport panicked on a " + e.kind + " message (a bug in it; see the log)"
}

func (transportPanic) Permanent() bool { return true }

// notifyGuarded sends m through the Notifier, turning a panic into a
// transportPanic, logged with its stack: a transport's bug must not take
// the process down — nor, the message being claimed again after the
// crash, every replica in turn.
func (s *Service) notifyGuarded(ctx context.Context, m Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = transportPanic{kind: m.Kind}
			s.logPanic(ctx, "the transport", p, slog.String("kind", m.Kind),
				slog.String("message", m.ID), slog.String("application", m.ApplicationID))
		}
	}()
	return s.notifier.Notify(ctx, m)
}

// errCodeStale: a message's code is no longer one the application
// accepts — expired, replaced by a newer one, or settled — so it is not
// sent, and its message is dead.
var errCodeStale = errors.New("onboarding: the code is no longer valid; not sent")

// errNotWanted: a message asks a payer to act on an application that has
// ended (withdrawn, rejected, de-boarded), so it is not sent, and its
// message is dead.
var errNotWanted = errors.New("onboarding: the application has ended and waits on no one; not sent")

// permanent reports whether a Notifier's error says that sending again
// cannot change it (an error with a Permanent method answering true: a
// mailbox that does not exist, a webhook's final 4xx): such a message is
// a dead letter at once, for staff to see, rather than retried for a day.
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// asksToAct reports whether a message of kind asks someone outside the
// operator to act on the application: a payer's approval request. The
// staff's messages always go, even for an application that has ended: a
// staff alert may be about the ending itself (a facility manager's
// decline, written with the rejection).
func asksToAct(kind string) bool {
	return kind == MessageApprovalRequest
}

// codeStillLive returns nil when m's code is one its application still
// accepts — an open one-time code task's, the live step-up code, or the
// unused decline code — and, for a request to act (asksToAct), when the
// application has not ended; errCodeStale or errNotWanted when not; or why
// the application could not be read (the message is tried again later).
func (s *Service) codeStillLive(ctx context.Context, m Message) error {
	r, err := s.load(ctx, m.ApplicationID)
	switch {
	case errors.Is(err, ErrNotFound) && m.Code == "":
		return errNotWanted
	case errors.Is(err, ErrNotFound):
		return errCodeStale
	case err != nil:
		return err
	}
	switch r.position() {
	case posRejected, posWithdrawn, posInactive:
		// An ended application accepts no code and waits on no one.
		if m.Code != "" {
			return errCodeStale
		}
		return errNotWanted
	}
	now := s.clock()
	switch m.Kind {
	case MessageOTP:
		for _, t := range r.st.Tasks {
			if t.Kind == KindOTP && t.State == TaskOpen && t.Hash != "" && now.Before(t.ExpiresAt) && s.codeMatches(r.app.ID, t, m.Code) {
				return nil
			}
		}
		if su := r.st.StepUp; su != nil && now.Before(su.ExpiresAt) && s.stepUpMatches(r.app.ID, su, m.Code) {
			return nil
		}
	case MessageHFRIntimation:
		if d := r.st.Decline; d != nil && !d.Used && now.Before(d.ExpiresAt) && s.declineMatches(r.app.ID, d, m.Code) {
			return nil
		}
	default:
		return nil
	}
	return errCodeStale
}

// retryDelay is the wait before attempt n+1: 30 s doubling to an hour,
// with ±20% jitter so replicas and messages spread out. A count below
// zero (a corrupt row) is taken as none: a shift by it would panic, and
// the message would take every replica's dispatcher down in turn.
func retryDelay(attempts int) time.Duration {
	d := 30 * time.Second << min(max(attempts, 0), 7)
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// roundAttempts is how many failed attempts a round of retries begun
// elapsed ago has made, at the backoff of retryDelay without its jitter:
// after 30 s one, after 1 min 30 s two, after 3 min 30 s three, …
func roundAttempts(elapsed time.Duration) int {
	n := 0
	for n < 7 && 30*time.Second*time.Duration(1<<(n+1)-1) <= elapsed {
		n++
	}
	return n
}

// RunOutbox dispatches the outbox every interval until ctx ends, pass
// after pass while whole batches go out (a backlog after an outage).
// Ready reports an error once it has returned (see Ready).
func (s *Service) RunOutbox(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("%w: outbox interval %s is not positive", ErrInvalidArgument, interval)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	s.beat.start(interval)
	defer s.beat.stop()
	ctx = withBeat(ctx, &s.beat)
	for {
		s.drainOutbox(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// drainOutbox runs dispatch passes until one sends less than a whole
// batch: after an outage the backlog goes out at once, not a batch an
// interval, while one-time codes in it still live. A pass whose batch
// failed, or was left for its lease to end, stops it.
func (s *Service) drainOutbox(ctx context.Context) {
	for {
		sent, err := s.DispatchOutbox(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.WarnContext(ctx, "onboarding: outbox dispatch failed", "error", err.Error())
			}
			return
		}
		s.beat.alive()
		if sent < outboxBatch || ctx.Err() != nil {
			return
		}
	}
}

// PurgeOutbox deletes the delivered messages older than the outbox's
// retention (WithOutboxRetention), in batches, and returns how many it
// deleted. RunScheduler calls it at each pass; call it yourself on a
// schedule if you do not run RunScheduler. Replicas may purge at once.
// With no outbox, or a retention that keeps messages for good, it does
// nothing; a store that cannot purge (no registry.OutboxPurger) is
// ErrNotConfigured.
func (s *Service) PurgeOutbox(ctx context.Context) (int, error) {
	if s.outbox == nil || s.outbox.retention < 0 {
		return 0, nil
	}
	p, ok := s.outbox.store.(registry.OutboxPurger)
	if !ok {
		return 0, fmt.Errorf("%w: the store cannot purge its outbox (registry.OutboxPurger)", ErrNotConfigured)
	}
	before := s.clock().Add(-s.outbox.retention)
	total := 0
	for range outboxPurgeBatches {
		n, err := p.PurgeOutbox(ctx, before, outboxPurgeBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("onboarding: purge the outbox: %w", err)
		}
		if n < outboxPurgeBatch {
			break
		}
	}
	return total, nil
}

// DeadLetters lists the messages given up on, oldest first, for staff.
func (s *Service) DeadLetters(ctx context.Context, limit int, after string) ([]registry.OutboxMessage, error) {
	if s.outbox == nil {
		return nil, fmt.Errorf("%w: no outbox (the store keeps none)", ErrNotConfigured)
	}
	return s.outbox.store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, Limit: limit, After: after})
}

// DeadLettersPage is DeadLetters a page at a time: at most limit messages
// (0 for registry.DefaultLimit) after the cursor (the Next of the page
// before, or the id of the last message of the page before; "" for the
// first), oldest first, with the opaque cursor of the next page in Next
// ("" at the end).
func (s *Service) DeadLettersPage(ctx context.Context, limit int, cursor string) (registry.Page[registry.OutboxMessage], error) {
	var page registry.Page[registry.OutboxMessage]
	size, err := pageLimit(limit)
	if err != nil {
		return page, err
	}
	after := cursor // a message id names the last of the page before too
	if strings.HasPrefix(cursor, "c1.") {
		pos, err := registry.DecodeCursor(cursor)
		if err != nil {
			return page, fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		after = pos.Key
	}
	ask := size
	if size < registry.MaxLimit {
		ask++ // one more, to tell whether another page follows
	}
	ms, err := s.DeadLetters(ctx, ask, after)
	if err != nil {
		return page, err
	}
	more := len(ms) > size || (ask == size && len(ms) == size)
	page.Items = ms[:min(len(ms), size)]
	if more && len(page.Items) > 0 {
		last := page.Items[len(page.Items)-1]
		page.Next = registry.EncodeCursor(registry.Position{CreatedAt: last.CreatedAt, Key: last.ID})
	}
	return page, nil
}

// RetryDeadLetter puts a dead letter back in the outbox, due at once. A
// one-time code past its lifetime, or an HFR intimation past its decline
// window, stays dead (ErrConflict): a stale code is never sent late; the
// applicant asks for a new code instead.
//
// The retry is a new round of attempts: a message that fails again for a
// reason that may pass (a 503) is tried again with backoff, and is a dead
// letter again once WithOutboxDeadAfter has passed since the retry. A
// one-time code is still tried only within its lifetime.
func (s *Service) RetryDeadLetter(ctx context.Context, id string) error {
	if s.outbox == nil {
		return fmt.Errorf("%w: no outbox (the store keeps none)", ErrNotConfigured)
	}
	m, err := s.deadLetter(ctx, id)
	if err != nil {
		return err
	}
	if life, ok := s.kindLifetime(m.Kind); ok && !s.clock().Before(m.CreatedAt.Add(life)) {
		return fmt.Errorf("%w: message %s carries a code that expired at %s; it is not sent late — the applicant asks for a new one",
			ErrConflict, id, m.CreatedAt.Add(life).UTC().Format(time.RFC3339))
	}
	if err := s.outbox.store.RetryOutbox(ctx, id, s.clock()); err != nil {
		return notFound(err, "message", id)
	}
	return nil
}

// deadLetter reads the dead letter id: by its key when the store reads
// one message (registry.OutboxReader), else by paging through the dead
// letters.
func (s *Service) deadLetter(ctx context.Context, id string) (registry.OutboxMessage, error) {
	if r, ok := s.outbox.store.(registry.OutboxReader); ok {
		m, err := r.OutboxMessage(ctx, id)
		switch {
		case errors.Is(err, registry.ErrNotFound) || (err == nil && m.State != registry.OutboxDead):
			return registry.OutboxMessage{}, fmt.Errorf("%w: dead letter %q", ErrNotFound, clip(id))
		case err != nil:
			return registry.OutboxMessage{}, err
		}
		return *m, nil
	}
	after := ""
	for {
		page, err := s.outbox.store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, Limit: registry.MaxLimit, After: after})
		if err != nil {
			return registry.OutboxMessage{}, err
		}
		for _, m := range page {
			if m.ID == id {
				return m, nil
			}
		}
		if len(page) < registry.MaxLimit {
			return registry.OutboxMessage{}, fmt.Errorf("%w: dead letter %q", ErrNotFound, clip(id))
		}
		after = page[len(page)-1].ID
	}
}

// kindLifetime is how long the code a message of kind carries is good for:
// a one-time code's lifetime; the HFR intimation's decline code, the
// decline window (the intimation is the manager's one word of the attempt,
// sent once). False for the kinds that carry none.
func (s *Service) kindLifetime(kind string) (time.Duration, bool) {
	switch kind {
	case MessageOTP:
		return s.otp.TTL, true
	case MessageHFRIntimation:
		return s.declineWindow, true
	}
	return 0, false
}

// deliverAfterWrite sends what r's write queued: through the outbox when
// there is one, else straight to the Notifier. It returns the failures of
// r's own messages.
//
// The write stored r's messages leased to this replica (outboxMessages),
// so they are sent and completed here without a claim. Messages written
// free are claimed like any due message. When the write took so long that
// too little of the lease is left for a send, the message is left to
// DispatchOutbox once the lease ends — no replica can take it before —
// and counts among the failures. What this call cannot record (the store
// failing after the send) also waits for DispatchOutbox.
func (s *Service) deliverAfterWrite(ctx context.Context, r *record) []error {
	if s.outbox == nil {
		return s.deliver(ctx, r.messages)
	}
	if len(r.messages) == 0 {
		return nil
	}
	var (
		failed []error
		claim  map[string]bool
	)
	for i, om := range r.outboxed {
		if om.LeaseOwner != s.outbox.owner {
			// Written free: claimed like any due message.
			if claim == nil {
				claim = make(map[string]bool, len(r.outboxed)-i)
			}
			claim[om.ID] = true
			continue
		}
		if err := s.leaseTooShort(om); err != nil {
			// The write took so long that too little of the lease is
			// left for a send.
			failed = append(failed, err)
			continue
		}
		sendErr, storeErr := s.attempt(ctx, om, r.messages[i], nil)
		if sendErr != nil {
			failed = append(failed, sendErr)
		}
		if storeErr != nil {
			s.log.WarnContext(ctx, "onboarding: outbox delivery not recorded; the message waits for the next pass", "error", storeErr.Error())
		}
	}
	if claim != nil {
		_, more, err := s.dispatch(ctx, len(claim)+4, claim)
		failed = append(failed, more...)
		if err != nil {
			s.log.WarnContext(ctx, "onboarding: outbox dispatch failed; the messages wait for the next pass", "error", err.Error())
		}
	}
	return failed
}

func (s *Service) logUndelivered(ctx context.Context, m Message, err error) {
	attrs := []slog.Attr{slog.String("kind", m.Kind), slog.String("to", maskAddress(m.To)),
		slog.String("application", m.ApplicationID), slog.String("message", m.ID)}
	// A notifier's error may echo what it failed to send; for a message
	// carrying a code that would put the code in the log.
	if m.Code == "" && m.Kind != MessageOTP {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if id := RequestIDFrom(ctx); id != "" {
		// The request whose change queued it, as its transition's record
		// names it.
		attrs = append(attrs, slog.String("request_id", id))
	}
	s.log.LogAttrs(ctx, slog.LevelError, "onboarding: notification not delivered", attrs...)
}
