package onboarding

import (
	"context"
	"fmt"
	"strings"

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

// onlyViews reports whether events record nothing but staff looking at
// an application: such a write changes nothing the idle clock counts.
func onlyViews(events []registry.Event) bool {
	for _, e := range events {
		if e.Action != ActionViewContacts && e.Action != ActionViewDocument {
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
