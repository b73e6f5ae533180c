package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/registry"
)

// ActionReadinessChecked records a readiness check of the participant's
// endpoint and keys, with its summary.
const ActionReadinessChecked = "readiness_checked"

// WithReadiness has the engine prove a participant's readiness before
// go-live: CheckReadiness challenges its endpoint_url with a challenge the
// operator signed, has it decrypt a nonce encrypted to its registered
// encryption certificate and sign one with its signing key (package
// readiness; the participant mounts readiness/participant). With required,
// GoLive refuses a participant whose latest report is not ready, was made
// for other details, or is older than maxAge (0: any age). Build the
// Checker with the safe fetcher's client ((*safefetch.Fetcher).Client()).
func WithReadiness(c *readiness.Checker, required bool, maxAge time.Duration) Option {
	return func(s *Service) error {
		if c == nil {
			return fmt.Errorf("%w: nil readiness checker", ErrInvalidOption)
		}
		if maxAge < 0 {
			return fmt.Errorf("%w: negative readiness age", ErrInvalidOption)
		}
		s.ready = &readinessConfig{checker: c, required: required, maxAge: maxAge}
		return nil
	}
}

type readinessConfig struct {
	checker  *readiness.Checker
	required bool
	maxAge   time.Duration
}

// ReadinessRecord is the latest readiness report, with the details it
// was made for.
type ReadinessRecord struct {
	Report      readiness.Report `json:"report"`
	Fingerprint string           `json:"fingerprint"`
	// StoredAt is when the engine stored the report, by its clock (the
	// report's CheckedAt is the checker's); zero on records stored
	// before it was kept.
	StoredAt time.Time `json:"stored_at,omitzero"`
	// Requested marks a check the participant asked for
	// (RequestReadinessCheck), which the next such request waits on.
	Requested bool `json:"requested,omitempty"`
	// Untold marks a failed check made before the participant went live,
	// which no one was told of: its first failure while live is told,
	// though the check before it failed too. (A live participant is told
	// when its check starts failing, and not again while it goes on
	// failing for the same details.)
	Untold bool `json:"untold,omitempty"`
	// FailingSince is when the checks started failing, by the engine's
	// clock: the first of the failed checks in a row (zero while they
	// pass, and on records stored before it was kept).
	FailingSince time.Time `json:"failing_since,omitzero"`
}

// failingSince is when r's checks started failing, as well as it is known.
func (rec *ReadinessRecord) failingSince() time.Time {
	if !rec.FailingSince.IsZero() {
		return rec.FailingSince
	}
	return rec.checkedAt()
}

// checkedAt is when the report was made, by the engine's clock where it
// was kept, so that its age is measured on one clock.
func (rec *ReadinessRecord) checkedAt() time.Time {
	if rec.StoredAt.IsZero() {
		return rec.Report.CheckedAt
	}
	return rec.StoredAt
}

// detailsFingerprint identifies what a readiness report was made for: the
// endpoint and the certificates.
func detailsFingerprint(t readiness.Target) string {
	h := sha256.New()
	for _, s := range []string{t.ParticipantCode, t.EndpointURL, t.EncryptionCert, t.SigningCert} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readinessTarget is what a record's participant registered.
func readinessTarget(r *record) (readiness.Target, bool) {
	if r.part == nil || r.part.EndpointURL == "" || r.part.EncryptionCert == "" {
		return readiness.Target{}, false
	}
	return readiness.Target{ParticipantCode: r.part.ParticipantCode, EndpointURL: r.part.EndpointURL,
		EncryptionCert: r.part.EncryptionCert, SigningCert: r.part.SigningCertPath}, true
}

// CheckReadiness runs the readiness checks against the participant's
// registered endpoint and certificates — outside any store write, since a
// check may take tens of seconds — and keeps the report on the
// application, with an audit event. A live participant that starts to
// fail — its first failing report, or the first after a passing one or
// for other details — is told, and so are staff; a failure already
// reported is not told again at every check. It needs step-3 details.
func (s *Service) CheckReadiness(ctx context.Context, id string) (*Application, error) {
	return s.CheckReadinessBy(ctx, id, actorSystem)
}

// CheckReadinessBy is CheckReadiness on behalf of actor (a staff member,
// "staff:asha"), who is recorded as the check's actor.
func (s *Service) CheckReadinessBy(ctx context.Context, id, actor string) (*Application, error) {
	if strings.TrimSpace(actor) == "" {
		return nil, fmt.Errorf("%w: a readiness check needs an actor", ErrInvalidArgument)
	}
	return s.checkReadiness(ctx, id, nil, nil, false, actor)
}

// ReadinessCooldown is how long after a readiness check
// RequestReadinessCheck refuses another for the same application.
const ReadinessCooldown = time.Minute

// ReadinessTooSoonError refuses a readiness check asked for within
// ReadinessCooldown of the last; it wraps ErrTooSoon.
type ReadinessTooSoonError struct {
	// RetryAfter is how long until a check is taken again.
	RetryAfter time.Duration
}

func (e *ReadinessTooSoonError) Error() string {
	return fmt.Sprintf("%v: the last readiness check was less than %v ago; try again in %v",
		ErrTooSoon, ReadinessCooldown, e.RetryAfter.Round(time.Second))
}

func (e *ReadinessTooSoonError) Unwrap() error { return ErrTooSoon }

// RequestReadinessCheck is CheckReadiness asked for by the participant:
// each check makes outbound calls and writes an audit event, so within
// ReadinessCooldown of the last check it asked for it is refused with a
// *ReadinessTooSoonError (a check staff or the scheduler made does not
// hold it back). On a store that grants leases (registry.Leaser, as every
// store of this module does) one replica at a time checks an application
// for its participant, so a burst of requests runs one check however
// many replicas share the store.
func (s *Service) RequestReadinessCheck(ctx context.Context, id string) (*Application, error) {
	return s.RequestReadinessCheckBy(ctx, id, actorSystem)
}

// RequestReadinessCheckBy is RequestReadinessCheck asked for by actor (the
// applicant, "applicant", or the participant, ParticipantActor(code)), who
// is recorded as the check's actor; the cooldown is the same.
func (s *Service) RequestReadinessCheckBy(ctx context.Context, id, actor string) (*Application, error) {
	if strings.TrimSpace(actor) == "" {
		return nil, fmt.Errorf("%w: a readiness check needs an actor", ErrInvalidArgument)
	}
	// The lock holds this process's requests to one at a time; the store's
	// lease holds the replicas'.
	mu := &s.readinessLocks[readinessStripe(id)]
	mu.Lock()
	defer mu.Unlock()
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := askedTooSoon(first, s.clock()); err != nil {
		return nil, err
	}
	if s.ready == nil {
		return nil, fmt.Errorf("%w: readiness checks (WithReadiness)", ErrNotConfigured)
	}
	if err := checkable(first); err != nil {
		return nil, err
	}
	if leaser, ok := s.store.(registry.Leaser); ok {
		// One replica at a time checks an application for its participant;
		// a burst spread over replicas runs one check.
		owner := uuid.NewString()
		ttl := min(max(ReadinessCooldown, 2*s.ready.checker.MaxDuration()), registry.MaxOutboxLease)
		held, err := leaser.AcquireLease(ctx, readinessLease(id), owner, s.clock(), ttl)
		if err != nil {
			return nil, fmt.Errorf("onboarding: readiness check of %q: %w", id, err)
		}
		if !held {
			return nil, &ReadinessTooSoonError{RetryAfter: ReadinessCooldown}
		}
		defer func() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
			defer cancel()
			_ = leaser.ReleaseLease(rctx, readinessLease(id), owner)
		}()
		// The check another replica made may have been stored between the
		// load and the lease.
		if first, err = s.load(ctx, id); err != nil {
			return nil, err
		}
		if err := askedTooSoon(first, s.clock()); err != nil {
			return nil, err
		}
	}
	return s.checkReadiness(ctx, id, first, nil, true, actor)
}

// askedTooSoon refuses a readiness check the participant asks for within
// ReadinessCooldown of the last it asked for, if that is r's latest.
func askedTooSoon(r *record, now time.Time) error {
	if rec := r.st.Readiness; rec != nil && rec.Requested {
		if wait := rec.checkedAt().Add(ReadinessCooldown).Sub(now); wait > 0 {
			return &ReadinessTooSoonError{RetryAfter: wait}
		}
	}
	return nil
}

// readinessLease names the lease that holds an application's readiness
// checks asked for by the participant to one per ReadinessCooldown.
func readinessLease(id string) string { return "readiness-request:" + id }

// readinessStripe picks the lock of RequestReadinessCheck for an
// application id.
func readinessStripe(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % readinessStripes)
}

const readinessStripes = 64

// checkReadiness runs a readiness check of the application, first as
// loaded when not nil. still, when not nil, is asked in the write whether
// the report is still wanted (another replica may have made one): when it
// answers errSkip, nothing is written and checkReadiness answers errSkip.
// requested marks a check the participant asked for.
func (s *Service) checkReadiness(ctx context.Context, id string, first *record, still func(*record) error, requested bool, actor string) (*Application, error) {
	if s.ready == nil {
		return nil, fmt.Errorf("%w: readiness checks (WithReadiness)", ErrNotConfigured)
	}
	if first == nil {
		var err error
		if first, err = s.load(ctx, id); err != nil {
			return nil, err
		}
	}
	if err := checkable(first); err != nil {
		return nil, err
	}
	target, _ := readinessTarget(first)
	done := bounded(ctx, s.ready.checker.MaxDuration())
	rep := s.ready.checker.Check(ctx, target)
	done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fingerprint := detailsFingerprint(target)
	r, err := s.mutateFrom(ctx, id, first, func(r *record) error {
		if still != nil {
			if err := still(r); err != nil {
				return err
			}
		}
		if err := r.transition(ActionReadinessChecked, actor, rep.Summary()); err != nil {
			return err
		}
		prev := r.st.Readiness
		r.st.Readiness = &ReadinessRecord{Report: rep, Fingerprint: fingerprint, StoredAt: r.now, Requested: requested}
		startsFailing := prev == nil || prev.Report.Ready || prev.Fingerprint != fingerprint || prev.Untold
		live := r.isLive()
		r.st.Readiness.Untold = !rep.Ready && !live
		if !rep.Ready {
			r.st.Readiness.FailingSince = r.now
			if prev != nil && !prev.Report.Ready {
				r.st.Readiness.FailingSince = prev.failingSince()
			}
		}
		if !rep.Ready && startsFailing && live {
			r.tell(MessageReadinessFailed, "Your HCX endpoint failed its readiness check",
				"The HCX operator's readiness check of your endpoint failed: "+rep.Summary()+"."+readinessFirstFailure(rep)+
					" Counterparties may not reach you or read what they send you.")
			r.notify(Message{Kind: MessageReadinessFailed, To: Staff, Subject: "A live participant failed its readiness check",
				Body: fmt.Sprintf("Participant %s: %s", r.app.ParticipantCode, rep.Summary())})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// checkable answers why r's readiness cannot be checked, or nil.
func checkable(r *record) error {
	if _, ok := readinessTarget(r); !ok {
		return fmt.Errorf("%w: the participant has not given its endpoint and certificates (step 3)", ErrNotReady)
	}
	if _, ok := edges[edge{r.position(), ActionReadinessChecked}]; !ok {
		// An ended application (withdrawn, rejected, Inactive) records no
		// check: none is made, or each refused request would call out.
		return &TransitionError{Action: ActionReadinessChecked, From: positionName(r.position())}
	}
	return nil
}

// readinessFirstFailure is the first failed check of rep, as the
// participant's engineer needs it: what was found and what to do, or ""
// when no check failed.
func readinessFirstFailure(rep readiness.Report) string {
	failed := rep.Failures()
	if len(failed) == 0 {
		return ""
	}
	f := failed[0]
	out := " " + string(f.Check) + ": " + strings.TrimSuffix(f.Message, ".") + "."
	if f.Hint != "" {
		out += " " + f.Hint
	}
	return out
}

// ChecksReadiness reports whether the engine checks readiness
// (WithReadiness).
func (s *Service) ChecksReadiness() bool { return s.ready != nil }

// ReadinessWait says why application id's go-live waits on a readiness
// check (none made, made for other details, failed, too old), or "" when
// it does not, or the application cannot be read.
func (s *Service) ReadinessWait(ctx context.Context, id string) string {
	r, err := s.load(ctx, id)
	if err != nil {
		return ""
	}
	r.now = s.clock() // as a go-live now would judge the report's age
	return s.readinessMissing(r)
}

// readinessMissing says why go-live waits on readiness, or "".
func (s *Service) readinessMissing(r *record) string {
	if s.ready == nil || !s.ready.required {
		return ""
	}
	rec := r.st.Readiness
	target, ok := readinessTarget(r)
	switch {
	case !ok:
		return ""
	case rec == nil:
		return "the endpoint's readiness was not checked (POST …/readiness)"
	case rec.Fingerprint != detailsFingerprint(target):
		return "the readiness check was made for other details; check again"
	case !rec.Report.Ready:
		return "the readiness check failed: " + rec.Report.Summary() +
			"; settle what its hints say (the application's readiness report), then check again (POST …/readiness)"
	case s.ready.maxAge > 0 && r.now.Sub(rec.checkedAt()) > s.ready.maxAge:
		return "the readiness check is too old; check again"
	}
	return ""
}
