package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openhcx/hcxonboard"
)

// Sentinel errors every Store returns; match them with errors.Is.
var (
	// ErrNotFound: no record with that key.
	ErrNotFound = errors.New("registry: not found")
	// ErrVersionConflict: the application changed since it was read.
	ErrVersionConflict = errors.New("registry: version conflict")
	// ErrDuplicateKey: an application with that idempotency key exists.
	ErrDuplicateKey = errors.New("registry: duplicate idempotency key")
	// ErrConflict: a record with that application id or participant code
	// exists, or an audit event's sequence number is taken.
	ErrConflict = errors.New("registry: conflict")
	// ErrNotActive: a participant an update requires to be Active
	// (Write.RequireActive) is not, or does not exist, when the write
	// would commit; nothing was written.
	ErrNotActive = errors.New("registry: participant not active")
	// ErrInvalidQuery: a search names an unknown field or misuses an operator.
	ErrInvalidQuery = errors.New("registry: invalid query")
	// ErrClaimed: an identity the write claims is held by another
	// application. The error is a *ClaimError naming the holder.
	ErrClaimed = errors.New("registry: identity already claimed")
)

// ClaimError reports a write refused because one of the identities it
// claims (Application.Claims) is held by another application. It names the
// holder, never the holder's contact data; its text shows the claim as
// ShownClaim does (an HPR ID masked), its Claim field as it is.
type ClaimError struct {
	Claim           string // the contested identity, e.g. "hfr:IN2910000123"
	ApplicationID   string // the application holding it
	ParticipantCode string // that application's participant, if registered
}

func (e *ClaimError) Error() string {
	if e.ParticipantCode != "" {
		return fmt.Sprintf("registry: identity %q is held by participant %q", ShownClaim(e.Claim), e.ParticipantCode)
	}
	return fmt.Sprintf("registry: identity %q is held by application %q", ShownClaim(e.Claim), e.ApplicationID)
}

// Unwrap makes errors.Is(err, ErrClaimed) hold.
func (e *ClaimError) Unwrap() error { return ErrClaimed }

// MaxClaims bounds the identities one application may claim, and
// MaxClaimLength the length of each.
const (
	MaxClaims      = 16
	MaxClaimLength = 256
)

// Stage is where an application stands in the guideline's steps.
type Stage string

// The stages. An application moves submitted → verifying → details →
// credentials → live; rejected and withdrawn are ends.
const (
	StageSubmitted   Stage = "submitted"
	StageVerifying   Stage = "verifying"
	StageDetails     Stage = "details"
	StageCredentials Stage = "credentials"
	StageLive        Stage = "live"
	StageRejected    Stage = "rejected"
	StageWithdrawn   Stage = "withdrawn"
)

// Application is one onboarding application as stored: the indexed fields
// the store searches on, and the engine's own State, which the store keeps
// as it is given.
type Application struct {
	ID              string   `json:"id"`
	Key             string   `json:"key,omitempty"` // the client's application_id: an idempotency key
	ParticipantCode string   `json:"participant_code,omitempty"`
	Stage           Stage    `json:"stage"`
	Waiting         []string `json:"waiting,omitempty"` // kinds of open tasks, e.g. "review", "approval", "otp"; none begins with "@"
	// WaitingOn are the participant codes whose answer the application's
	// open tasks await (the payers its open approval requests are
	// addressed to), for ApplicationFilter.WaitingOn. Stores index them
	// beside Waiting.
	WaitingOn []string `json:"waiting_on,omitempty"`
	Version   int64    `json:"version"`
	// Claims are the registry identities the application holds
	// ("hfr:IN2910000123", "rohini:8900080336704", "sandbox:<iss>|<jti>").
	// Each claim is held by at most one application: a Create or Update
	// claiming one another application holds fails with a *ClaimError and
	// stores nothing. Update replaces the set, so dropping a claim (on
	// rejection, withdrawal, de-boarding) frees it for others. The engine
	// decides what the strings mean; stores compare them byte for byte.
	Claims []string `json:"claims,omitempty"`
	// DueAt is when the engine's scheduled work next falls due for the
	// application (a certificate or secret notice, an idle application
	// to expire, a de-boarding to carry out, a readiness re-check); the
	// zero time is never. Stores index it for DueLister.
	DueAt     time.Time       `json:"due_at,omitzero"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	State     json.RawMessage `json:"state,omitempty"`
}

// Clone returns a deep copy of a.
func (a *Application) Clone() *Application {
	if a == nil {
		return nil
	}
	c := *a
	c.Waiting = append([]string(nil), a.Waiting...)
	c.WaitingOn = append([]string(nil), a.WaitingOn...)
	c.Claims = append([]string(nil), a.Claims...)
	c.State = append(json.RawMessage(nil), a.State...)
	return &c
}

// IsWaitingOn reports whether a's open tasks await the participant with
// the given code.
func (a *Application) IsWaitingOn(code string) bool {
	return slices.Contains(a.WaitingOn, code)
}

// IsWaiting reports whether a has an open task of the given kind.
func (a *Application) IsWaiting(kind string) bool {
	for _, w := range a.Waiting {
		if w == kind {
			return true
		}
	}
	return false
}

// Write is one atomic change: an application, optionally its participant
// record, the audit events it appends and the outbox messages it sends.
// Either all of it is stored or none.
type Write struct {
	Application *Application
	Participant *hcxonboard.Participant
	Events      []Event
	// Outbox holds the messages the change calls for, stored pending in
	// the same transaction (see OutboxStore): at most MaxOutboxMessages,
	// each new, with an ID no stored message has (else ErrConflict) and
	// the write's application — unleased, or leased to the writer, who
	// delivers it without a claim (see OutboxMessage).
	Outbox []OutboxMessage
	// RequireActive names participants, other than the write's own, that
	// must be Active when an Update commits, else it fails with
	// ErrNotActive and writes nothing: a payer's answer is recorded only
	// while the payer may answer, whatever the writer read before. The
	// store checks it inside the write's transaction (PostgreSQL holds
	// each participant's row FOR SHARE, so that a change of its status
	// commits wholly before or after the write). At most
	// MaxRequireActive codes; Create takes none.
	RequireActive []string
}

// MaxRequireActive is the most participants one write may require to be
// Active (Write.RequireActive).
const MaxRequireActive = 8

// ApplicationFilter selects applications for listing. Zero fields match
// everything; results come oldest first.
type ApplicationFilter struct {
	Stage   Stage
	Waiting string // an open task kind
	// WaitingOn is a participant code the application's open tasks await
	// (Application.WaitingOn), as a payer lists the approval requests
	// addressed to it.
	WaitingOn       string
	ParticipantCode string
	Limit           int // default DefaultLimit, at most MaxLimit
	Offset          int // at most MaxOffset
	// Cursor, when set, starts the page after the application it names:
	// the Next of the page before (see Page, ApplicationPager).
	Cursor string
}

// Participants reads participant records.
type Participants interface {
	Participant(ctx context.Context, code string) (*hcxonboard.Participant, error)
	SearchParticipants(ctx context.Context, q Query) ([]hcxonboard.Participant, error)
}

// Applications reads onboarding applications.
type Applications interface {
	Application(ctx context.Context, id string) (*Application, error)
	ApplicationByKey(ctx context.Context, key string) (*Application, error)
	ListApplications(ctx context.Context, f ApplicationFilter) ([]Application, error)
}

// AuditLog reads an application's audit trail, oldest first.
type AuditLog interface {
	Events(ctx context.Context, applicationID string) ([]Event, error)
}

// MaxEventsLimit is the most events one EventsAfter call answers: one
// more than MaxLimit, so that a caller showing pages of up to MaxLimit
// events can ask for one more and learn from it whether a page follows.
const MaxEventsLimit = MaxLimit + 1

// EventPager is an AuditLog that reads a stretch of an application's
// audit trail by sequence number, from an index on (application, Seq):
// a page costs the same however long the trail has grown, where Events
// reads it whole. A participant registered for years collects readiness
// checks, staff views and notices without end, so paging its trail must
// not cost its length. An optional capability, found by type assertion;
// every store of this module implements it, and
// onboarding.Service.EventsPage reads through it when the store has it.
type EventPager interface {
	// EventsAfter returns the events of the application's trail whose
	// Seq is greater than afterSeq, oldest first, at most limit of them,
	// each exactly as Events answers it (Seal and RequestID included).
	// afterSeq 0, or less, starts at the first event; afterSeq at or past
	// the last event answers none, as does an application with no events.
	// limit 0 is DefaultLimit, at most MaxEventsLimit; another limit is
	// ErrInvalidQuery (see CheckEventsLimit). An unknown application is
	// ErrNotFound, as with Events.
	EventsAfter(ctx context.Context, applicationID string, afterSeq int64, limit int) ([]Event, error)
}

// CheckEventsLimit checks the limit of EventPager.EventsAfter and returns
// the one to use: DefaultLimit for 0; a limit outside 0..MaxEventsLimit
// is ErrInvalidQuery.
func CheckEventsLimit(limit int) (int, error) {
	switch {
	case limit < 0 || limit > MaxEventsLimit:
		return 0, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, limit, MaxEventsLimit)
	case limit == 0:
		return DefaultLimit, nil
	}
	return limit, nil
}

// Writer changes applications, participants and the audit log together.
type Writer interface {
	// Create stores a new application with Version 0, storing it as
	// version 1 (and setting w.Application.Version to 1), with its
	// participant, claims and events. An existing application ID is
	// ErrConflict, else an existing Key ErrDuplicateKey, else an existing
	// participant code ErrConflict, else a claim another application holds
	// a *ClaimError (ErrClaimed), else an outbox message ID already
	// stored ErrConflict.
	Create(ctx context.Context, w Write) error
	// Update replaces the application whose stored version equals
	// w.Application.Version, increments the version (and
	// w.Application.Version), upserts the participant, replaces the
	// application's claims (freeing those it drops) and appends the
	// events and outbox messages. A stale version is ErrVersionConflict;
	// a missing application is ErrNotFound; a claim another application
	// holds is a *ClaimError (ErrClaimed); an outbox message ID already
	// stored is ErrConflict.
	Update(ctx context.Context, w Write) error
}

// Store is everything the onboarding engine needs. Implementations are
// safe for concurrent use.
type Store interface {
	Participants
	Applications
	AuditLog
	Writer
}
