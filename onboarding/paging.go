package onboarding

import (
	"context"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// eachParticipant calls fn with every page of participants q selects, in
// paging order. A store that answers cursors (registry.ParticipantPager)
// is paged by cursor, so a sweep reads past registry.MaxOffset; any other
// store is paged by offset.
func (s *Service) eachParticipant(ctx context.Context, q registry.Query, fn func([]hcxonboard.Participant) error) error {
	q.Limit, q.Offset, q.Cursor = registry.MaxLimit, 0, ""
	pager, cursors := s.store.(registry.ParticipantPager)
	for {
		var (
			page registry.Page[hcxonboard.Participant]
			err  error
		)
		if cursors {
			page, err = pager.SearchParticipantsPage(ctx, q)
		} else {
			page.Items, err = s.store.SearchParticipants(ctx, q)
		}
		if err != nil {
			return err
		}
		if err := fn(page.Items); err != nil {
			return err
		}
		if len(page.Items) < q.Limit || (cursors && page.Next == "") {
			return nil
		}
		if cursors {
			q.Cursor = page.Next
		} else {
			q.Offset += len(page.Items)
		}
	}
}

// eachApplication is eachParticipant for applications.
func (s *Service) eachApplication(ctx context.Context, f registry.ApplicationFilter, fn func([]registry.Application) error) error {
	f.Limit, f.Offset, f.Cursor = registry.MaxLimit, 0, ""
	pager, cursors := s.store.(registry.ApplicationPager)
	for {
		var (
			page registry.Page[registry.Application]
			err  error
		)
		if cursors {
			page, err = pager.ListApplicationsPage(ctx, f)
		} else {
			page.Items, err = s.store.ListApplications(ctx, f)
		}
		if err != nil {
			return err
		}
		if err := fn(page.Items); err != nil {
			return err
		}
		if len(page.Items) < f.Limit || (cursors && page.Next == "") {
			return nil
		}
		if cursors {
			f.Cursor = page.Next
		} else {
			f.Offset += len(page.Items)
		}
	}
}
