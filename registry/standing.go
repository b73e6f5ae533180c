package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/openhcx/hcxonboard"
)

// Standing is what checking a participant's credential needs on every
// call: the participant's status and its application's engine state (the
// state holds the secrets and any compromise report), read together.
type Standing struct {
	// Status is the participant's status, as its stored record says.
	Status hcxonboard.Status
	// ApplicationID names the application of the participant: the oldest
	// one with its code, as ListApplications orders them.
	ApplicationID string
	// State is that application's engine state (Application.State), or
	// its first StandingPrefix bytes when StateTruncated says so.
	State json.RawMessage
	// StateTruncated reports a State cut after StandingPrefix bytes: a
	// store may read only the head of a long state, where the engine
	// encodes what a credential check needs (the secrets and any
	// compromise report); a reader that finds the head too short reads
	// the whole application.
	StateTruncated bool
	// Waiting is that application's open task kinds and waits
	// (Application.Waiting), when WaitingKnown says the store filled it: a
	// reader may learn from it that the state holds nothing more it needs
	// (the engine's "deboarding" wait is absent) without reading the state
	// whole. A store that leaves WaitingKnown false makes such a reader
	// read the whole state when the head is too short.
	Waiting      []string
	WaitingKnown bool
}

// StandingPrefix is how much of a state ParticipantStanding may return
// (see Standing.StateTruncated). The engine writes what a token check
// needs as its state's first field, well within it; a state written before
// that order (until its next write) is read whole by the engine.
const StandingPrefix = 256

// StandingReader reads a participant's Standing in one store read instead
// of two (Participant, then ListApplications by participant code). It is
// an optional capability of a Store, found by type assertion:
//
//	if sr, ok := store.(registry.StandingReader); ok {
//		st, err := sr.ParticipantStanding(ctx, "1000012345@hcx")
//		…
//	}
//
// It reads what is stored at the time of the call, never a copy kept from
// earlier, so a change of status or state is seen by the next call. Every
// store of this module implements it.
type StandingReader interface {
	// ParticipantStanding returns the standing of the participant with
	// the given code, with ErrNotFound when there is no such participant
	// or no application holds its code.
	ParticipantStanding(ctx context.Context, code string) (*Standing, error)
}

// ParticipantStanding returns the participant's status and its oldest
// application's state (StandingReader).
func (s *MemoryStore) ParticipantStanding(ctx context.Context, code string) (*Standing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.participants[code]
	if !ok {
		return nil, fmt.Errorf("%w: participant %q", ErrNotFound, code)
	}
	var first *Application
	for _, a := range s.apps {
		if a.ParticipantCode != code {
			continue
		}
		if first == nil || a.CreatedAt.Before(first.CreatedAt) || (a.CreatedAt.Equal(first.CreatedAt) && a.ID < first.ID) {
			first = a
		}
	}
	if first == nil {
		return nil, fmt.Errorf("%w: application of participant %q", ErrNotFound, code)
	}
	return &Standing{Status: p.Status, ApplicationID: first.ID, State: append(json.RawMessage(nil), first.State...),
		Waiting: slices.Clone(first.Waiting), WaitingKnown: true}, nil
}
