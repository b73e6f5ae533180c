package registry

import (
	"context"
	"encoding/json"
	"errors"
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
	// ErrInvalidQuery: a search names an unknown field or misuses an operator.
	ErrInvalidQuery = errors.New("registry: invalid query")
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
	ID              string          `json:"id"`
	Key             string          `json:"key,omitempty"` // the client's application_id: an idempotency key
	ParticipantCode string          `json:"participant_code,omitempty"`
	Stage           Stage           `json:"stage"`
	Waiting         []string        `json:"waiting,omitempty"` // kinds of open tasks, e.g. "review", "approval", "otp"
	Version         int64           `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	State           json.RawMessage `json:"state,omitempty"`
}

// Clone returns a deep copy of a.
func (a *Application) Clone() *Application {
	if a == nil {
		return nil
	}
	c := *a
	c.Waiting = append([]string(nil), a.Waiting...)
	c.State = append(json.RawMessage(nil), a.State...)
	return &c
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
// record, and the audit events it appends. Either all of it is stored or
// none.
type Write struct {
	Application *Application
	Participant *hcxonboard.Participant
	Events      []Event
}

// ApplicationFilter selects applications for listing. Zero fields match
// everything; results come oldest first.
type ApplicationFilter struct {
	Stage           Stage
	Waiting         string // an open task kind
	ParticipantCode string
	Limit           int // default DefaultLimit, at most MaxLimit
	Offset          int
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

// Writer changes applications, participants and the audit log together.
type Writer interface {
	// Create stores a new application with Version 0, storing it as
	// version 1 (and setting w.Application.Version to 1), with its
	// participant and events. An existing Key is ErrDuplicateKey; an
	// existing application ID or participant code is ErrConflict.
	Create(ctx context.Context, w Write) error
	// Update replaces the application whose stored version equals
	// w.Application.Version, increments the version (and
	// w.Application.Version), upserts the participant and appends the
	// events. A stale version is ErrVersionConflict; a missing
	// application is ErrNotFound.
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
