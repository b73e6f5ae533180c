package onboarding

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// shows documents inline. For a document a review reads, it is also what
// lets actor approve that review (WithReadBeforeApproval): call it only
// once the content is in hand to serve.
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
		if err := r.transition(ActionViewDocument, actor, what); err != nil {
			return err
		}
		for _, d := range docIDs {
			r.noteRead(d, actor)
		}
		return nil
	})
	return err
}

// maxReaders bounds the readers kept of one document: the staff who
// last read it, enough for a team reviewing it.
const maxReaders = 16

// maxReaderLength bounds a reader's id as kept: one longer is never
// taken as a reader, so its approvals of documents are refused.
const maxReaderLength = 256

// noteRead records that actor was served document doc, when a review
// task of the application reads it (no other document is noted, so the
// state grows no further than the application's reviews).
func (r *record) noteRead(doc, actor string) {
	if len(actor) > maxReaderLength || !slices.ContainsFunc(r.st.Tasks, func(t *taskState) bool { return t.Kind == KindReview && t.Document == doc }) {
		return
	}
	readers := slices.DeleteFunc(r.st.Read[doc], func(a string) bool { return samePerson(a, actor) })
	readers = append(readers, actor)
	if len(readers) > maxReaders {
		readers = readers[len(readers)-maxReaders:]
	}
	if r.st.Read == nil {
		r.st.Read = make(map[string][]string)
	}
	r.st.Read[doc] = readers
}

// hasRead reports whether actor was served document doc.
func (r *record) hasRead(doc, actor string) bool {
	return slices.ContainsFunc(r.st.Read[doc], func(a string) bool { return samePerson(a, actor) })
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
