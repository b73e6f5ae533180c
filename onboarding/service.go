package onboarding

import (
	"context"
	"crypto"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// Service runs the onboarding workflow over a registry.Store. It keeps no
// state of its own between calls — everything lives in the store — so
// several Services (replicas) may share one store. A Service is safe for
// concurrent use.
type Service struct {
	// readinessLocks take RequestReadinessCheck's requests for one
	// application one at a time (striped by id).
	readinessLocks [readinessStripes]sync.Mutex
	// pending caches the pending de-boardings for EndedDeboardings.
	pending pendingDeboardings

	store     registry.Store
	verifier  verifier.Verifier
	sandbox   *sandbox.Verifier
	notifier  Notifier
	codes     credential.CodeGenerator
	secrets   *credential.Secrets
	tokens    *credential.Tokens
	facility  FacilityOTP
	now       func() time.Time
	rand      io.Reader
	instance  string
	endpoints endpointRules
	certs     CertificateRules
	otp       OTPPolicy
	otpKey    []byte
	notice    time.Duration
	log       *slog.Logger
	disputes  bool
	fourEyes  bool
	// readFirst: a document review is approved only by a reviewer who
	// was served its document (WithReadBeforeApproval).
	readFirst bool
	// noOutbox turns the outbox off; outbox is set when it is on.
	noOutbox bool
	outbox   *outbox
	beat     beat
	// ready runs readiness checks (WithReadiness).
	ready           *readinessConfig
	outboxDeadAfter time.Duration
	// outboxRetention: how long a sent message is kept (WithOutboxRetention;
	// zero for the default, negative for good).
	outboxRetention time.Duration
	noStepUp        bool
	// auditKey seals each write's last audit event; auditKeys verify seals.
	auditKey  crypto.Signer
	auditKeys []crypto.PublicKey
	// fetch fetches certificate URLs (nil: the shared default).
	fetch *safefetch.Fetcher
	// professional authenticates practitioners through HPR.
	professional verifier.ProfessionalAuth
	hprMethods   []hfr.HPRAuthMethod
	// registryWait bounds a wait on a registry's own process.
	registryWait time.Duration
	// declineWindow is how long the HFR manager may decline.
	declineWindow time.Duration
	// docs holds the applicants' documents (WithDocuments).
	docs documentConfig
	// sched is what scheduled work does (WithSchedule); schedBeat
	// records RunScheduler's passes for Ready.
	sched     SchedulePolicy
	schedBeat beat
	// checklist is what GoLive requires (nil: DefaultGoLiveChecklist).
	checklist []string
}

// New returns a Service over store. WithInstanceCode and WithNotifier are
// required; every other option has a documented default. Wiring that
// cannot work is an error wrapping ErrInvalidOption.
func New(store registry.Store, opts ...Option) (*Service, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidOption)
	}
	s := &Service{
		store:           store,
		now:             time.Now,
		rand:            &lockedReader{r: crand.Reader},
		otp:             OTPPolicy{TTL: DefaultOTPTTL, Attempts: DefaultOTPAttempts, ResendsPerDay: DefaultOTPResendsPerDay},
		notice:          DefaultNoticePeriod,
		declineWindow:   DefaultDeclineWindow,
		fourEyes:        true,
		readFirst:       true,
		outboxDeadAfter: DefaultOutboxDeadAfter,
		registryWait:    DefaultRegistryWait,
		sched:           DefaultSchedulePolicy(),
		log:             slog.New(slog.DiscardHandler),
	}
	if err := WithCertificateRules(CertificateRules{})(s); err != nil {
		return nil, err
	}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: option %d is nil", ErrInvalidOption, i)
		}
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	if s.instance == "" {
		return nil, fmt.Errorf("%w: WithInstanceCode is required", ErrInvalidOption)
	}
	if s.notifier == nil {
		return nil, fmt.Errorf("%w: WithNotifier is required: one-time codes and approval requests go through it", ErrInvalidOption)
	}
	if len(s.otpKey) == 0 {
		// Without a key a 6-digit code could be recovered from a copy of
		// the store in seconds; a key generated here would differ between
		// replicas, and one kept in the store would travel with the copy.
		return nil, fmt.Errorf("%w: WithOTPKey is required: a secret of at least 32 bytes, kept outside the registry database and the same on every replica; one-time codes are hashed with it", ErrInvalidOption)
	}
	if err := s.newOutbox(); err != nil {
		return nil, err
	}
	if err := s.checkDocumentReview(); err != nil {
		return nil, err
	}
	var err error
	if s.verifier == nil {
		if s.verifier, err = verifier.New(verifier.WithLogger(s.log)); err != nil {
			return nil, fmt.Errorf("%w: default verifier: %w", ErrInvalidOption, err)
		}
	}
	if s.codes == nil {
		if s.codes, err = credential.PlatformCodes(s.instance, s.rand); err != nil {
			return nil, fmt.Errorf("%w: default code generator: %w", ErrInvalidOption, err)
		}
	}
	if s.secrets == nil {
		if s.secrets, err = credential.NewSecrets(credential.WithClock(s.now), credential.WithRand(s.rand)); err != nil {
			return nil, fmt.Errorf("%w: default secrets: %w", ErrInvalidOption, err)
		}
	}
	if err := s.checkVerifierPolicies(); err != nil {
		return nil, err
	}
	s.docs.policies = s.Policies()
	return s, nil
}

// clock returns the current time in UTC without a monotonic reading, so
// that times survive a JSON round trip unchanged.
func (s *Service) clock() time.Time { return s.now().UTC().Round(0) }

// newID returns a time-ordered UUID (version 7, RFC 9562): the
// millisecond of the injected clock, then 74 bits from the injected random
// source. Ids made later sort later, so a store's indexes on them grow at
// one end instead of taking every insert at a random page.
func (s *Service) newID() (string, error) {
	var id uuid.UUID
	if _, err := io.ReadFull(s.rand, id[6:]); err != nil {
		return "", fmt.Errorf("onboarding: random source: %w", err)
	}
	ms := uint64(s.clock().UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // the RFC 9562 variant
	return id.String(), nil
}

// lockedReader serialises reads from a source that may not be safe for
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

// maxAttempts bounds how often one call re-reads and re-applies itself
// after losing a race for the same application.
const maxAttempts = 8

// state is the engine's own part of a stored application
// (registry.Application.State). It never holds a plain one-time code or
// secret: only their salted hashes.
type state struct {
	// The credential fields come first: see decodeCredentials. The
	// compromise time leads and the de-boarding's end follows, both
	// written even when nil (null), so that a token check reads no
	// further than the state's first two fields.
	CompromisedAt *time.Time `json:"compromised_at"`
	// EndsAt is when an announced de-boarding takes the participant off
	// the network (Deboarding.EffectiveAt while it is pending), written
	// even when nil: token checks read it from the state's head, and take
	// the participant as gone from then on, before ProcessDeboardings
	// makes it Inactive. It follows Deboarding at every write.
	EndsAt        *time.Time                `json:"ends_at"`
	Secrets       []credential.SecretRecord `json:"secrets,omitempty"`
	Submitted     *hcxonboard.Application   `json:"submitted"`
	Digest        string                    `json:"digest,omitempty"`
	Sandbox       *SandboxResult            `json:"sandbox,omitempty"`
	Report        *verifier.Report          `json:"report,omitempty"`
	Tasks         []*taskState              `json:"tasks,omitempty"`
	TaskSeq       int                       `json:"task_seq,omitempty"`
	Reasons       []string                  `json:"reasons,omitempty"`
	Details       *DetailsRecord            `json:"details,omitempty"`
	ProvisionedAt *time.Time                `json:"provisioned_at,omitempty"`
	Checklist     *ChecklistRecord          `json:"checklist,omitempty"`
	Deboarding    *Deboarding               `json:"deboarding,omitempty"`
	// Disputed are identity claims another participant held when this
	// application arrived, waiting on a staff identity_dispute review.
	Disputed []string `json:"disputed,omitempty"`
	// Aliases are identity claims the registry taught: every form of the
	// HPR id (number and address) of the professional HPR authenticated.
	// They are held like the submitted identities.
	Aliases []string `json:"aliases,omitempty"`
	// Sources says where each participant field came from (Source…).
	Sources map[string]string `json:"sources,omitempty"`
	// FacilityType is HFR's facility type, read after the manager's
	// consent.
	FacilityType string `json:"facility_type,omitempty"`
	// Readiness is the latest readiness check of the endpoint and keys.
	Readiness *ReadinessRecord `json:"readiness,omitempty"`
	// Notices are the scheduled notices sent (certificate and secret
	// expiry), by key, with when: each is sent once.
	Notices map[string]time.Time `json:"notices,omitempty"`
	// SandboxApproved is the claim of the sandbox certificate a person
	// approved, whose signature could not be checked: it stays consumed
	// while the application keeps that certificate.
	SandboxApproved string `json:"sandbox_approved,omitempty"`
	// ProofApproved is the claim of the signed empanelment proof whose
	// empanelment the payer (or staff for it) approved, its signature
	// unchecked: it stays consumed while the application keeps that proof.
	ProofApproved string `json:"proof_approved,omitempty"`
	// ApplicantGen is the applicant token's generation.
	ApplicantGen int `json:"applicant_gen,omitempty"`
	// ApplicantUsedAt is when the applicant's token was last noted in use
	// (NoteApplicantUse), to ApplicantUseGranularity.
	ApplicantUsedAt time.Time `json:"applicant_used_at,omitzero"`
	// StepUp is a live participant's outstanding step-up code, hashed.
	StepUp *stepUpState `json:"step_up,omitempty"`
	// StepUpsSent counts the step-up codes sent on StepUpsDay (a UTC day):
	// each new code brings fresh attempts, so their number is bounded.
	StepUpsSent int    `json:"step_ups_sent,omitempty"`
	StepUpsDay  string `json:"step_ups_day,omitempty"`
	// StepUpsRefused counts the step-ups refused on StepUpsRefusedDay (a
	// UTC day), whatever the reason: each is recorded, up to a bound.
	StepUpsRefused    int    `json:"step_ups_refused,omitempty"`
	StepUpsRefusedDay string `json:"step_ups_refused_day,omitempty"`
	// Read are, by document id, the staff a review task's document was
	// served to (RecordDocumentView), at most maxReaders each, the latest
	// last: WithReadBeforeApproval takes a document review's approval
	// from them alone.
	Read map[string][]string `json:"read,omitempty"`
	// Uploads counts the documents stored and recorded, uploaded or
	// fetched from the application's references (MaxDocumentUploads).
	Uploads int `json:"uploads,omitempty"`
	// SuspendedAtExpiry: the scheduler suspended the participant for an
	// expired certificate (SchedulePolicy.SuspendAtCertificateExpiry); a
	// valid certificate registered reinstates it. Any other reinstatement
	// or suspension ends it: staff suspending it take the suspension over
	// (ActionSuspendTakeover), as the manager's decline does.
	SuspendedAtExpiry bool `json:"suspended_at_expiry,omitempty"`
	// Decline is the HFR manager's decline code, hashed.
	Decline *declineState `json:"decline,omitempty"`
	// ChangedAt is when the application last changed other than by staff
	// looking at it (view_contacts, view_document: audit events, not
	// changes). SchedulePolicy.IdleAfter counts from it; a state written
	// before it counts from the row's updated time.
	ChangedAt time.Time `json:"changed_at,omitzero"`
	// Last anchors the audit chain: the sequence number and hash of the
	// newest event, written with it. New events chain from it, and
	// VerifyChain compares the stored trail's end with it, so cutting
	// events off the end is detected too.
	Last *anchor `json:"last,omitempty"`
}

// stateFirstAfterCredentials is the JSON name of the first field of state
// after the credential fields.
const stateFirstAfterCredentials = "submitted"

type anchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// record is one application as read for a change: the stored row, the
// decoded state, the participant, and what the change adds.
type record struct {
	app         *registry.Application
	st          *state
	part        *hcxonboard.Participant
	partChanged bool
	now         time.Time
	events      []registry.Event
	messages    []Message
	// outboxed are the outbox rows of messages, in their order, once
	// the write that stores them is built.
	outboxed []registry.OutboxMessage
	// outcome is an error the call returns after its change is stored: a
	// wrong one-time code must count even though the call fails.
	outcome error
	// undelivered are the Notifier's failures for messages.
	undelivered []error
	// requireActive are participants the write requires to be Active
	// when it commits (registry.Write.RequireActive): a payer answering.
	requireActive []string
}

func decodeState(a *registry.Application) (*state, error) {
	st := new(state)
	if len(a.State) == 0 {
		return nil, fmt.Errorf("onboarding: application %q has no engine state", a.ID)
	}
	if err := json.Unmarshal(a.State, st); err != nil {
		return nil, fmt.Errorf("onboarding: application %q: decode state: %w", a.ID, err)
	}
	if st.Submitted == nil {
		return nil, fmt.Errorf("onboarding: application %q: state without the submitted application", a.ID)
	}
	return st, nil
}

// load reads an application, its state and its participant.
func (s *Service) load(ctx context.Context, id string) (*record, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: empty application id", ErrInvalidArgument)
	}
	a, err := s.store.Application(ctx, id)
	if err != nil {
		return nil, notFound(err, "application", id)
	}
	return s.loadFrom(ctx, a)
}

func (s *Service) loadFrom(ctx context.Context, a *registry.Application) (*record, error) {
	st, err := decodeState(a)
	if err != nil {
		return nil, err
	}
	r := &record{app: a, st: st}
	if a.ParticipantCode != "" {
		if r.part, err = s.store.Participant(ctx, a.ParticipantCode); err != nil {
			return nil, fmt.Errorf("onboarding: application %q: participant %q: %w", a.ID, a.ParticipantCode, err)
		}
	}
	return r, nil
}

// notFound maps a store's ErrNotFound onto ErrNotFound, keeping both
// (errors.Is finds either); its text says what was not found once.
func notFound(err error, what, key string) error {
	if errors.Is(err, registry.ErrNotFound) {
		return &notFoundError{msg: fmt.Sprintf("%v: %s %q", ErrNotFound, what, clip(key)), store: err}
	}
	return err
}

type notFoundError struct {
	msg   string
	store error
}

func (e *notFoundError) Error() string   { return e.msg }
func (e *notFoundError) Unwrap() []error { return []error{ErrNotFound, e.store} }

// position is where the application stands: its stage before go-live, the
// participant's status after it.
func (r *record) position() string {
	if r.app.Stage == registry.StageLive && r.part != nil {
		return string(r.part.Status)
	}
	return string(r.app.Stage)
}

// transition is the one place an application moves: it checks the edge
// (from the current position, by action) against the table, moves the
// stage and the participant's status, and queues the audit event that the
// same store write appends.
func (r *record) transition(action, actor, reason string) error {
	from := r.position()
	to, ok := edges[edge{from, action}]
	if !ok {
		return &TransitionError{Action: action, From: positionName(from), To: nominalTarget(action, from)}
	}
	if ends := r.st.Deboarding.ends(); ends != nil && !r.now.Before(*ends) && offNetwork[action] {
		// The de-boarding took effect; ProcessDeboardings has not made it
		// Inactive yet, but the participant is off the network already.
		return &TransitionError{Action: action, From: positionName(from), To: to,
			Reason: "the participant's de-boarding took effect at " + ends.Format(time.RFC3339)}
	}
	if isStatus(to) && r.part == nil {
		return &TransitionError{Action: action, From: positionName(from), To: to, Reason: "the application has no participant"}
	}
	r.moveTo(to)
	r.events = append(r.events, registry.Event{
		ApplicationID: r.app.ID,
		Time:          r.now,
		Actor:         actor,
		Action:        action,
		From:          from,
		To:            to,
		Reason:        reason,
	})
	return nil
}

func (r *record) moveTo(to string) {
	setStatus := func(st hcxonboard.Status) {
		if r.part != nil && r.part.Status != st {
			r.part.Status = st
			r.part.UpdatedAt = r.now
			r.partChanged = true
		}
	}
	switch {
	case isStatus(to):
		r.app.Stage = registry.StageLive
		setStatus(hcxonboard.Status(to))
	default:
		r.app.Stage = registry.Stage(to)
		if to == posRejected || to == posWithdrawn {
			setStatus(hcxonboard.StatusInactive)
			for i := range r.st.Tasks {
				if t := r.st.Tasks[i]; t.State == TaskOpen || t.State == TaskLocked {
					t.State = TaskSuperseded
				}
			}
		}
	}
}

// touchParticipant marks the participant record as changed by this write.
func (r *record) touchParticipant() {
	r.part.UpdatedAt = r.now
	r.partChanged = true
}

func (r *record) notify(m Message) {
	m.ApplicationID = r.app.ID
	m.ParticipantCode = r.app.ParticipantCode
	r.messages = append(r.messages, m)
}

// write stores the record: the application at its read version (or a new
// one), the participant if it changed, and the queued events chained after
// the stored trail, all in one store write.
func (s *Service) write(ctx context.Context, r *record, create bool) error {
	if len(r.events) == 0 {
		return fmt.Errorf("onboarding: internal error: a write of application %q without an audit event", r.app.ID)
	}
	var prev *registry.Event
	if r.st.Last != nil {
		prev = &registry.Event{Seq: r.st.Last.Seq, Hash: r.st.Last.Hash}
	}
	// Every event of the write names the request that caused it (Submit
	// and every mutate write through here).
	for i := range r.events {
		r.events[i].RequestID = RequestIDFrom(ctx)
	}
	if path := registry.UnstorableText(r.events); path != "" {
		// An actor or a reason a caller gave, which no check refused.
		return fmt.Errorf("%w: audit event %s is not UTF-8 text without NUL", ErrInvalidArgument, path)
	}
	events := registry.Chain(prev, r.events...)
	if s.auditKey != nil {
		// A checkpoint: the seal over the write's last event covers, through
		// the hash chain, every event before it.
		if err := registry.SealEvent(&events[len(events)-1], s.auditKey); err != nil {
			return fmt.Errorf("onboarding: seal audit event of application %q: %w", r.app.ID, err)
		}
	}
	last := events[len(events)-1]
	r.st.Last = &anchor{Seq: last.Seq, Hash: last.Hash}
	r.app.Waiting = r.waiting()
	r.app.WaitingOn = r.waitingOn()
	r.app.Claims = r.claims()
	if r.st.ChangedAt.IsZero() {
		// A state stored before changed_at: its last change is the row's.
		r.st.ChangedAt = r.app.UpdatedAt
	}
	r.app.UpdatedAt = r.now
	if !onlyViews(r.events) {
		r.st.ChangedAt = r.now
	}
	r.app.DueAt = s.nextDue(r)
	endsBefore := r.st.EndsAt
	r.st.EndsAt = r.st.Deboarding.ends()
	st, err := json.Marshal(r.st)
	if err != nil {
		return fmt.Errorf("onboarding: encode state of application %q: %w", r.app.ID, err)
	}
	r.app.State = st
	w := registry.Write{Application: r.app, Events: events, RequireActive: r.requireActive}
	if s.outbox != nil && len(r.messages) > 0 {
		if w.Outbox, err = s.outboxMessages(r, last.Seq); err != nil {
			return err
		}
		r.outboxed = w.Outbox
	}
	if r.partChanged {
		w.Participant = r.part
	}
	if create {
		return s.store.Create(ctx, w)
	}
	err = s.store.Update(ctx, w)
	if !sameTime(endsBefore, r.st.EndsAt) {
		// A de-boarding announced, appealed or done: EndedDeboardings
		// reads them again (after the write, failed or not, so that no
		// read of the old state outlives it).
		s.pending.changed()
	}
	return err
}

// sameTime reports whether a and b are both nil or the same instant.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// mutate is the read–apply–write loop every change runs through. op is the
// whole operation: it is applied to a fresh read each time, and after a
// version conflict (another call changed the application first) it is
// applied again to the newer record, so its checks see what the winner
// did. After maxAttempts lost races it gives up with ErrConflict.
// Messages op queued are delivered once the write is stored.
func (s *Service) mutate(ctx context.Context, id string, op func(r *record) error) (*record, error) {
	return s.mutateFrom(ctx, id, nil, op)
}

// mutateFrom is mutate starting from held, the application as the caller
// last read or stored it, when it has one: the first attempt applies op to
// held without reading the store. That is safe because every write is
// conditional on the version read — if the application changed since
// held was read, the write is a version conflict, and the next attempt
// reads afresh like mutate. held is spent: whatever the outcome, the
// caller must not use it again (see savepoint). Reusing a record after
// its write relies on the store keeping copies of what a Write points to,
// never the pointers, as registry's stores do (the memory store clones,
// the SQL stores encode).
func (s *Service) mutateFrom(ctx context.Context, id string, held *record, op func(r *record) error) (*record, error) {
	for attempt := 1; ; attempt++ {
		r := held
		held = nil
		if r == nil {
			var err error
			if r, err = s.load(ctx, id); err != nil {
				return nil, err
			}
		}
		r.begin(s.clock())
		if err := op(r); err != nil {
			return nil, err
		}
		err := s.write(ctx, r, false)
		if err == nil {
			s.logEvents(ctx, r)
			r.undelivered = s.deliverAfterWrite(ctx, r)
			if r.outcome != nil {
				return nil, r.outcome
			}
			return r, nil
		}
		var ce *registry.ClaimError
		if errors.As(err, &ce) {
			return nil, &claimTakenError{claim: ce, reason: claimRefusal(r.st.Submitted, r.st.Sandbox, ce)}
		}
		if errors.Is(err, registry.ErrNotActive) {
			// A participant the change relies on stopped being Active
			// after it was checked: the store refused the write.
			return nil, fmt.Errorf("%w: %w; nothing was recorded", ErrNotActive, err)
		}
		if !errors.Is(err, registry.ErrVersionConflict) {
			return nil, fmt.Errorf("onboarding: store application %q: %w", id, err)
		}
		if attempt >= maxAttempts {
			return nil, fmt.Errorf("%w: application %q kept changing; gave up after %d attempts", ErrConflict, id, attempt)
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// begin readies r for a change at now: it forgets what an earlier write
// of r queued, so that a record reused after its write (mutateFrom) starts
// like one just read.
func (r *record) begin(now time.Time) {
	r.now = now
	r.events, r.messages, r.outboxed, r.undelivered = nil, nil, nil, nil
	r.outcome = nil
	r.partChanged = false
	r.requireActive = nil
}

// savepoint is a record as stored, kept so that a caller that hands the
// record to mutateFrom can get it back when the change fails, without a
// store read: a copy of the row and of the participant, whose state is
// decoded only when it is needed.
type savepoint struct {
	app  *registry.Application
	part *hcxonboard.Participant
}

// save returns r's savepoint. r must be as stored: read, or just written.
func (r *record) save() savepoint {
	return savepoint{app: r.app.Clone(), part: r.part.Clone()}
}

// record rebuilds the record as it was saved.
func (p savepoint) record() (*record, error) {
	app := p.app.Clone()
	st, err := decodeState(app)
	if err != nil {
		return nil, err
	}
	return &record{app: app, st: st, part: p.part.Clone()}, nil
}

// backoff waits a little before another attempt, longer each time, so that
// replicas hammering one application spread out.
func backoff(ctx context.Context, attempt int) error {
	if attempt < 2 {
		return ctx.Err()
	}
	t := time.NewTimer(time.Duration(attempt*attempt) * 100 * time.Microsecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Service) logEvents(ctx context.Context, r *record) {
	for _, e := range r.events {
		s.log.LogAttrs(ctx, slog.LevelInfo, "onboarding transition",
			slog.String("application", r.app.ID),
			slog.String("participant", r.app.ParticipantCode),
			slog.String("action", e.Action),
			slog.String("from", e.From),
			slog.String("to", e.To),
			slog.String("actor", e.Actor),
			slog.String("request_id", e.RequestID))
	}
}

// deliver sends messages after the change they report is stored. A
// failure is logged without the code or the body and with the recipient
// masked.
func (s *Service) deliver(ctx context.Context, msgs []Message) []error {
	var errs []error
	for _, m := range msgs {
		if err := s.notifyGuarded(ctx, m); err != nil {
			errs = append(errs, err)
			s.logUndelivered(ctx, m, err)
		}
	}
	return errs
}

// Policies returns the policies the engine's verifier applies (see
// WithVerifier), in report order: the built-in categories, then the
// operator's own. It is nil when the verifier does not list them (one
// without a Policies method, as verifier.Checker has, such as a
// verifier.VerifierFunc).
func (s *Service) Policies() []verifier.Policy {
	if l, ok := s.verifier.(interface{ Policies() []verifier.Policy }); ok {
		return l.Policies()
	}
	return nil
}
