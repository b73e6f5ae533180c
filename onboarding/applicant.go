package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// ActionRotateApplicantToken: the applicant's token was replaced; earlier
// ones stop working.
const ActionRotateApplicantToken = "rotate_applicant_token"

// RotateApplicantToken starts a new generation of the application's
// applicant token (Application.ApplicantTokenGeneration): tokens of
// earlier generations stop working at once. The applicant does it with
// its current token, or staff for an applicant who lost it. A live
// participant has no applicant token to rotate: it uses its participant
// credential.
func (s *Service) RotateApplicantToken(ctx context.Context, id, actor string) (*Application, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return nil, fmt.Errorf("%w: rotating the applicant token needs an actor", ErrInvalidArgument)
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		if err := r.transition(ActionRotateApplicantToken, actor, ""); err != nil {
			return err
		}
		r.st.ApplicantGen++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// ActionApplicantTokenUsed: the applicant used its token, noted at most
// once an hour (NoteApplicantUse).
const ActionApplicantTokenUsed = "applicant_token_used"

// ApplicantUseGranularity is how often NoteApplicantUse writes at most:
// a use less than this after the last one noted is not noted.
const ApplicantUseGranularity = time.Hour

// NoteApplicantUse records that the applicant used its token on the
// application at at (the zero time: now, by the engine's clock), so that
// a token whose life counts from its last use (httpapi's applicant token:
// 30 days without use) lives on. It writes only when at is
// ApplicantUseGranularity or more after the last use noted (an
// ActionApplicantTokenUsed event, which, like a staff member's view, does
// not reset the idle clock); otherwise, and for an application that has
// ended or gone live, it changes nothing. It answers the application as
// stored.
func (s *Service) NoteApplicantUse(ctx context.Context, id string, at time.Time) (*Application, error) {
	r, err := s.mutate(ctx, id, func(r *record) error {
		if at.IsZero() {
			at = r.now
		}
		if at.Sub(r.st.ApplicantUsedAt) < ApplicantUseGranularity {
			return errNoteless
		}
		if _, ok := Allowed(r.position(), ActionApplicantTokenUsed); !ok {
			return errNoteless
		}
		r.st.ApplicantUsedAt = at.UTC().Truncate(time.Second)
		return r.transition(ActionApplicantTokenUsed, actorApplicant, "")
	})
	if errors.Is(err, errNoteless) {
		return s.Application(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// errNoteless ends a NoteApplicantUse that has nothing to write.
var errNoteless = errors.New("onboarding: applicant use noted already")

// ActionViewContacts: a staff member saw the applicant's contact data
// unmasked.
const ActionViewContacts = "view_contacts"

// ActionViewDocument: a staff member was shown one of the application's
// documents.
const ActionViewDocument = "view_document"

// RecordDocumentView audits, in one event, that actor (a staff member)
// was shown the application's documents docIDs. Staff consoles call it
// before serving a document's content, or as they render a page that
// shows documents inline.
func (s *Service) RecordDocumentView(ctx context.Context, id, actor string, docIDs ...string) error {
	if actor = strings.TrimSpace(actor); actor == "" {
		return fmt.Errorf("%w: a view needs a viewer", ErrInvalidArgument)
	}
	if len(docIDs) == 0 {
		return nil
	}
	shown := make([]string, len(docIDs))
	for i, d := range docIDs {
		shown[i] = clip(d)
	}
	what := "document " + shown[0] + " shown"
	if len(shown) > 1 {
		what = "documents " + strings.Join(shown, ", ") + " shown"
	}
	_, err := s.mutate(ctx, id, func(r *record) error {
		return r.transition(ActionViewDocument, actor, what)
	})
	return err
}

// onlyViews reports whether events record nothing but someone looking at
// an application (staff, or the applicant using its token): such a write
// changes nothing the idle clock counts.
func onlyViews(events []registry.Event) bool {
	for _, e := range events {
		if e.Action != ActionViewContacts && e.Action != ActionViewDocument && e.Action != ActionApplicantTokenUsed {
			return false
		}
	}
	return len(events) > 0
}

// RecordContactView audits that actor (a staff member) was shown the
// application's contact data unmasked. Staff consoles call it on every
// such view; logs stay masked.
func (s *Service) RecordContactView(ctx context.Context, id, actor string) error {
	if actor = strings.TrimSpace(actor); actor == "" {
		return fmt.Errorf("%w: a view needs a viewer", ErrInvalidArgument)
	}
	_, err := s.mutate(ctx, id, func(r *record) error {
		return r.transition(ActionViewContacts, actor, "contact data shown unmasked")
	})
	return err
}
