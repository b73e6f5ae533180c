package onboarding

import (
	"context"
	"fmt"
	"time"

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

// pageLimit checks a page size: 0 is registry.DefaultLimit; a negative
// one, or one over registry.MaxLimit, is an invalid argument.
func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return registry.DefaultLimit, nil
	case limit < 0 || limit > registry.MaxLimit:
		return 0, fmt.Errorf("%w: limit %d is outside 1..%d", ErrInvalidArgument, limit, registry.MaxLimit)
	}
	return limit, nil
}

// SearchPage is Search with the cursor of the page after it: pass
// Page.Next as q.Cursor for the next page; Next is empty after the last.
// Paging by cursor costs the same on every page, where an offset is
// bounded by registry.MaxOffset.
func (s *Service) SearchPage(ctx context.Context, q registry.Query) (registry.Page[hcxonboard.Participant], error) {
	var page registry.Page[hcxonboard.Participant]
	var err error
	if pager, ok := s.store.(registry.ParticipantPager); ok {
		page, err = pager.SearchParticipantsPage(ctx, q)
	} else if page.Items, err = s.store.SearchParticipants(ctx, q); err == nil && len(page.Items) > 0 && len(page.Items) == effectiveLimit(q.Limit) {
		last := page.Items[len(page.Items)-1]
		page.Next = registry.EncodeCursor(registry.Position{CreatedAt: last.CreatedAt, Key: last.ParticipantCode})
	}
	if err != nil {
		return page, fmt.Errorf("onboarding: search participants: %w", err)
	}
	return page, nil
}

// QueuePage is Queue with the cursor of the page after it: pass Page.Next
// as f.Cursor for the next page; Next is empty after the last.
func (s *Service) QueuePage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[*Application], error) {
	var out registry.Page[*Application]
	page, err := s.listApplicationsPage(ctx, f)
	if err != nil {
		return out, fmt.Errorf("onboarding: list applications: %w", err)
	}
	out.Next = page.Next
	out.Items = make([]*Application, 0, len(page.Items))
	for i := range page.Items {
		r, err := s.loadFrom(ctx, &page.Items[i])
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, s.view(r))
	}
	return out, nil
}

// listApplicationsPage reads a page of applications with the cursor of
// the next, from any store.
func (s *Service) listApplicationsPage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[registry.Application], error) {
	if pager, ok := s.store.(registry.ApplicationPager); ok {
		return pager.ListApplicationsPage(ctx, f)
	}
	var page registry.Page[registry.Application]
	var err error
	if page.Items, err = s.store.ListApplications(ctx, f); err == nil && len(page.Items) > 0 && len(page.Items) == effectiveLimit(f.Limit) {
		page.Next = applicationCursor(&page.Items[len(page.Items)-1])
	}
	return page, err
}

// effectiveLimit is the page size a store gives a query's limit.
func effectiveLimit(limit int) int {
	if limit == 0 {
		return registry.DefaultLimit
	}
	return limit
}

// applicationCursor is the cursor of the page after a.
func applicationCursor(a *registry.Application) string {
	return registry.EncodeCursor(registry.Position{CreatedAt: a.CreatedAt, Key: a.ID})
}

// ExpiringCertificatesPage is ExpiringCertificates a page of at most
// limit participants at a time (0: registry.DefaultLimit): each brings
// its encryption and signing certificates that expire within the window,
// soonest first within the page. Pages follow one another in the order
// the store finds the participants; pass Page.Next as cursor for the
// next, which is empty after the last (a page may then be empty).
func (s *Service) ExpiringCertificatesPage(ctx context.Context, within time.Duration, limit int, cursor string) (registry.Page[CertificateExpiry], error) {
	var out registry.Page[CertificateExpiry]
	if within < 0 {
		return out, fmt.Errorf("%w: negative window %v", ErrInvalidArgument, within)
	}
	limit, err := pageLimit(limit)
	if err != nil {
		return out, err
	}
	now := s.clock()
	by := now.Add(within)
	var ps []hcxonboard.Participant
	if x, ok := s.store.(registry.CertificateExpiries); ok {
		var page registry.Page[hcxonboard.Participant]
		page, err = x.CertificatesExpiring(ctx, by, limit, cursor)
		ps, out.Next = page.Items, page.Next
	} else {
		// Every participant that is not Inactive, in search order,
		// keeping those with a certificate in the window.
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldStatus: registry.Neq(string(hcxonboard.StatusInactive))}}
		ps, out.Next, err = scanPage(limit, cursor, func(cursor string) (registry.Page[hcxonboard.Participant], error) {
			q.Cursor, q.Limit = cursor, registry.MaxLimit
			return s.SearchPage(ctx, q)
		}, func(p *hcxonboard.Participant) (bool, string) {
			return registry.ExpiresBy(p, by), registry.EncodeCursor(registry.Position{CreatedAt: p.CreatedAt, Key: p.ParticipantCode})
		})
	}
	if err != nil {
		return out, fmt.Errorf("onboarding: list expiring certificates: %w", err)
	}
	out.Items = expiries(ps, now, by)
	sortExpiries(out.Items)
	return out, nil
}

// expiries returns the certificates of ps that expire by the given time.
func expiries(ps []hcxonboard.Participant, now, by time.Time) []CertificateExpiry {
	out := []CertificateExpiry{}
	for _, p := range ps {
		for _, c := range []struct {
			which string
			ms    int64
		}{{"encryption", p.EncryptionCertExpiry}, {"signing", p.SigningCertExpiry}} {
			if c.ms == 0 {
				continue
			}
			at := time.UnixMilli(c.ms).UTC()
			if at.After(by) {
				continue
			}
			out = append(out, CertificateExpiry{
				ParticipantCode: p.ParticipantCode, ParticipantName: p.ParticipantName, Status: p.Status,
				Certificate: c.which, ExpiresAt: at, Expired: !now.Before(at),
			})
		}
	}
	return out
}

// scanPage reads pages with read from cursor on and keeps the items keep
// accepts, until it holds limit of them or the pages end. keep also
// returns the cursor of the page after an item. It returns the items kept
// and the cursor after the last of them when it stopped at limit ("" when
// the pages ended).
func scanPage[T any](limit int, cursor string, read func(cursor string) (registry.Page[T], error), keep func(*T) (bool, string)) ([]T, string, error) {
	var kept []T
	for {
		page, err := read(cursor)
		if err != nil {
			return nil, "", err
		}
		for i := range page.Items {
			ok, after := keep(&page.Items[i])
			if !ok {
				continue
			}
			kept = append(kept, page.Items[i])
			if len(kept) == limit {
				if i == len(page.Items)-1 && page.Next == "" {
					after = ""
				}
				return kept, after, nil
			}
		}
		if page.Next == "" {
			return kept, "", nil
		}
		cursor = page.Next
	}
}
