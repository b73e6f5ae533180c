package onboarding

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Application returns an application by id.
func (s *Service) Application(ctx context.Context, id string) (*Application, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// ApplicationByParticipant returns the application that registered the
// participant with the given code.
func (s *Service) ApplicationByParticipant(ctx context.Context, code string) (*Application, error) {
	r, err := s.loadByParticipant(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

func (s *Service) applicationID(ctx context.Context, code string) (string, error) {
	a, err := s.findByParticipant(ctx, code)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

func (s *Service) loadByParticipant(ctx context.Context, code string) (*record, error) {
	a, err := s.findByParticipant(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.loadFrom(ctx, a)
}

// findByParticipant finds the application that registered a participant
// code (codes are unique, so there is one).
func (s *Service) findByParticipant(ctx context.Context, code string) (*registry.Application, error) {
	if code == "" {
		return nil, fmt.Errorf("%w: empty participant code", ErrInvalidArgument)
	}
	as, err := s.store.ListApplications(ctx, registry.ApplicationFilter{ParticipantCode: code, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("onboarding: find application of participant %q: %w", clip(code), err)
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("%w: participant %q", ErrNotFound, clip(code))
	}
	return &as[0], nil
}

// Events returns an application's audit trail, oldest first.
func (s *Service) Events(ctx context.Context, id string) ([]registry.Event, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: empty application id", ErrInvalidArgument)
	}
	es, err := s.store.Events(ctx, id)
	if err != nil {
		return nil, notFound(err, "application", id)
	}
	return es, nil
}

// EventsPage returns a page of an application's audit trail, oldest
// first: at most limit events (default registry.DefaultLimit, at most
// registry.MaxLimit) after the cursor (the Next of the page before; "" for
// the first), with the cursor of the next page in Next ("" at the end).
// A cursor that is not one this method answered is ErrInvalidArgument.
// From a store that is a registry.EventPager (every store of this module
// is) it reads the page alone, whatever the trail's length; from another
// store, the whole trail.
func (s *Service) EventsPage(ctx context.Context, id string, limit int, cursor string) (registry.Page[registry.Event], error) {
	switch {
	case limit < 0 || limit > registry.MaxLimit:
		return registry.Page[registry.Event]{}, fmt.Errorf("%w: limit %d is not from 0 to %d", ErrInvalidArgument, limit, registry.MaxLimit)
	case limit == 0:
		limit = registry.DefaultLimit
	}
	after := int64(0)
	if cursor != "" {
		pos, err := registry.DecodeCursor(cursor)
		if err == nil {
			after, err = strconv.ParseInt(pos.Key, 10, 64)
		}
		if err != nil || after < 1 {
			return registry.Page[registry.Event]{}, fmt.Errorf("%w: cursor %q is not one this audit trail answered", ErrInvalidArgument, clip(cursor))
		}
	}
	// One event more than the page tells whether another follows.
	es, err := s.eventsAfter(ctx, id, after, limit+1)
	if err != nil {
		return registry.Page[registry.Event]{}, err
	}
	var page registry.Page[registry.Event]
	page.Items = es[:min(len(es), limit)]
	if len(es) > limit {
		last := page.Items[len(page.Items)-1]
		page.Next = registry.EncodeCursor(registry.Position{CreatedAt: last.Time, Key: strconv.FormatInt(last.Seq, 10)})
	}
	return page, nil
}

// eventsAfter returns at most n events of application id's trail after
// sequence number after, oldest first, never nil: a page read from the
// store's index when it is a registry.EventPager, else cut from the whole
// trail.
func (s *Service) eventsAfter(ctx context.Context, id string, after int64, n int) ([]registry.Event, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: empty application id", ErrInvalidArgument)
	}
	var es []registry.Event
	var err error
	if pager, ok := s.store.(registry.EventPager); ok {
		if es, err = pager.EventsAfter(ctx, id, after, n); err != nil {
			return nil, notFound(err, "application", id)
		}
	} else {
		if es, err = s.Events(ctx, id); err != nil {
			return nil, err
		}
		es = es[sort.Search(len(es), func(i int) bool { return es[i].Seq > after }):]
	}
	if es == nil {
		// An empty page holds an empty list, as one cut from past the
		// end of a whole trail always did.
		es = []registry.Event{}
	}
	return es[:min(len(es), n)], nil
}

// VerifyChain checks an application's audit trail: numbered without gaps,
// each event linked to its predecessor's hash, none edited
// (registry.VerifyChain), and ending at the event the application record
// was last written with, so that events cut off the end are caught too.
// With WithAuditKey it also checks the seals (registry.VerifySealedChain):
// the trail must end in a seal by the operator's key, so someone who can
// write to the database but does not hold the key cannot edit an event
// and recompute the chain and the anchor unnoticed. A break is a
// *registry.ChainError.
func (s *Service) VerifyChain(ctx context.Context, id string) error {
	r, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	es, err := s.store.Events(ctx, id)
	if err != nil {
		return notFound(err, "application", id)
	}
	for _, e := range es {
		if e.ApplicationID != r.app.ID {
			// Another application's trail, however well sealed, is not
			// this one's.
			return &registry.ChainError{Seq: e.Seq, Reason: "the event belongs to another application"}
		}
	}
	if s.auditKey != nil {
		if err := registry.VerifySealedChain(es, s.auditKeys...); err != nil {
			return err
		}
	} else if err := registry.VerifyChain(es); err != nil {
		return err
	}
	last := r.st.Last
	switch {
	case last == nil && len(es) == 0:
		return nil
	case last == nil:
		return &registry.ChainError{Seq: 1, Reason: "the application record anchors no audit event"}
	case int64(len(es)) < last.Seq:
		return &registry.ChainError{Seq: int64(len(es)) + 1, Reason: fmt.Sprintf("the trail ends at event %d but the application was written with event %d: events were removed", len(es), last.Seq)}
	case int64(len(es)) > last.Seq:
		return &registry.ChainError{Seq: last.Seq + 1, Reason: "the trail has events the application was never written with"}
	case es[len(es)-1].Hash != last.Hash:
		return &registry.ChainError{Seq: last.Seq, Reason: "the last event is not the one the application was written with"}
	}
	return nil
}

// Queue lists applications for the staff console: by stage, by the kind of
// task they wait on (registry.ApplicationFilter.Waiting: "review",
// "approval", "otp", "retry", WaitingDeboarding), oldest first.
func (s *Service) Queue(ctx context.Context, f registry.ApplicationFilter) ([]*Application, error) {
	as, err := s.store.ListApplications(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("onboarding: list applications: %w", err)
	}
	out := make([]*Application, 0, len(as))
	for i := range as {
		r, err := s.loadFrom(ctx, &as[i])
		if err != nil {
			return nil, err
		}
		out = append(out, s.view(r))
	}
	return out, nil
}

// Search finds participants with the registry's search semantics.
func (s *Service) Search(ctx context.Context, q registry.Query) ([]hcxonboard.Participant, error) {
	ps, err := s.store.SearchParticipants(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("onboarding: search participants: %w", err)
	}
	return ps, nil
}
