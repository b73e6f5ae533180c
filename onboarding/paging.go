package onboarding

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// eachParticipant calls fn with every page of participants q selects, in
// paging order, pages of registry.MaxLimit read by cursor: a sweep reads
// past registry.MaxOffset on every store (the Store contract has searches
// honour Query.Cursor; a store without registry.ParticipantPager gets
// its cursors made from its pages).
func (s *Service) eachParticipant(ctx context.Context, q registry.Query, fn func([]hcxonboard.Participant) error) error {
	q.Limit, q.Offset = registry.MaxLimit, 0
	return eachPage(func(cursor string) (registry.Page[hcxonboard.Participant], error) {
		q.Cursor = cursor
		return s.searchParticipantsPage(ctx, q)
	}, fn)
}

// eachApplication is eachParticipant for applications.
func (s *Service) eachApplication(ctx context.Context, f registry.ApplicationFilter, fn func([]registry.Application) error) error {
	f.Limit, f.Offset = registry.MaxLimit, 0
	return eachPage(func(cursor string) (registry.Page[registry.Application], error) {
		f.Cursor = cursor
		return s.listApplicationsPage(ctx, f)
	}, fn)
}

// eachPage calls fn with every page read reads, following each page's
// Next.
func eachPage[T any](read func(cursor string) (registry.Page[T], error), fn func([]T) error) error {
	cursor := ""
	for {
		page, err := read(cursor)
		if err != nil {
			return err
		}
		if err := fn(page.Items); err != nil {
			return err
		}
		if len(page.Items) < registry.MaxLimit || page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

// searchParticipantsPage is the store's SearchParticipantsPage, made from
// its SearchParticipants when it has none.
func (s *Service) searchParticipantsPage(ctx context.Context, q registry.Query) (registry.Page[hcxonboard.Participant], error) {
	if pager, ok := s.store.(registry.ParticipantPager); ok {
		return pager.SearchParticipantsPage(ctx, q)
	}
	var page registry.Page[hcxonboard.Participant]
	var err error
	if page.Items, err = s.store.SearchParticipants(ctx, q); err == nil {
		err = honoursCursor(q.Cursor, page.Items, func(p *hcxonboard.Participant) (time.Time, string) { return p.CreatedAt, p.ParticipantCode })
		page.Next = fullPage(page.Items, q.Limit, participantCursor)
	}
	return page, err
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
// Page.Next as q.Cursor for the next page. The last page answers no
// Next, even when it is full (the store is asked for one record more;
// for a page of registry.MaxLimit, the store's own Next stands). Paging
// by cursor costs the same on every page, where an offset is bounded by
// registry.MaxOffset.
func (s *Service) SearchPage(ctx context.Context, q registry.Query) (registry.Page[hcxonboard.Participant], error) {
	limit, ask := oneMore(q.Limit)
	q.Limit = ask
	page, err := s.searchParticipantsPage(ctx, q)
	if err != nil {
		return page, fmt.Errorf("onboarding: search participants: %w", err)
	}
	return exactPage(page, limit, ask, participantCursor), nil
}

// oneMore returns the page size a limit stands for and the size to ask a
// store for: one more, so that the answer tells whether a page follows
// (see exactPage). A limit the store would refuse, or one of
// registry.MaxLimit, is asked as it is.
func oneMore(limit int) (size, ask int) {
	size = effectiveLimit(limit)
	if size > 0 && size < registry.MaxLimit {
		return size, size + 1
	}
	return size, limit
}

// exactPage trims a page read with oneMore's ask to size, and gives it the
// cursor after its last item only when an item followed: the last page
// answers no next. A page asked at its own size keeps the store's next,
// which a full last page also has.
func exactPage[T any](page registry.Page[T], size, ask int, cursor func(*T) string) registry.Page[T] {
	if ask != size+1 {
		return page
	}
	page.Next = ""
	if len(page.Items) > size {
		page.Items = page.Items[:size]
		page.Next = cursor(&page.Items[size-1])
	}
	return page
}

// fullPage is the next of a page read from a store that answers none: the
// cursor after its last item when the page is full.
func fullPage[T any](items []T, limit int, cursor func(*T) string) string {
	if n := len(items); n > 0 && n == effectiveLimit(limit) {
		return cursor(&items[n-1])
	}
	return ""
}

// participantCursor is the cursor of the page after p, in search order.
func participantCursor(p *hcxonboard.Participant) string {
	return registry.EncodeCursor(registry.Position{CreatedAt: p.CreatedAt, Key: p.ParticipantCode})
}

// QueuePage is Queue with the cursor of the page after it: pass Page.Next
// as f.Cursor for the next page; the last page answers none, as with
// SearchPage.
func (s *Service) QueuePage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[*Application], error) {
	var out registry.Page[*Application]
	limit, ask := oneMore(f.Limit)
	f.Limit = ask
	page, err := s.listApplicationsPage(ctx, f)
	if err != nil {
		return out, fmt.Errorf("onboarding: list applications: %w", err)
	}
	page = exactPage(page, limit, ask, applicationCursor)
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

// QueueKindsPage is QueuePage over the applications with an open task of
// any of kinds ("" stands for any application): the lists of each kind
// are read from the same cursor (or, with an offset, from their start up
// to offset+limit, which must stay within registry.MaxLimit) and merged
// in paging order, and only the page is loaded. The page after its last
// application is the same position in every list.
func (s *Service) QueueKindsPage(ctx context.Context, f registry.ApplicationFilter, kinds []string) (registry.Page[*Application], error) {
	lanes := make([]registry.ApplicationFilter, len(kinds))
	for i, k := range kinds {
		lanes[i] = f
		lanes[i].Waiting = k
	}
	return s.QueueLanesPage(ctx, f, lanes)
}

// QueueLanesPage is QueueKindsPage over lanes, each a filter of its own
// (its stage, what it waits on, its participant): a lane's cursor, limit
// and offset are f's. The staff queue merges the applications with an
// open task of a kind with those at a stage no task marks.
func (s *Service) QueueLanesPage(ctx context.Context, f registry.ApplicationFilter, lanes []registry.ApplicationFilter) (registry.Page[*Application], error) {
	at := func(l registry.ApplicationFilter) registry.ApplicationFilter {
		l.Cursor, l.Limit, l.Offset = f.Cursor, f.Limit, f.Offset
		return l
	}
	switch len(lanes) {
	case 0:
		return s.QueuePage(ctx, f)
	case 1:
		return s.QueuePage(ctx, at(lanes[0]))
	}
	var out registry.Page[*Application]
	limit, offset := effectiveLimit(f.Limit), f.Offset
	if limit < 0 || offset < 0 || offset+limit > registry.MaxLimit {
		return out, fmt.Errorf("%w: offset %d plus limit %d is past %d on a queue of several kinds of wait: page on with the cursor of the page before (cursor, Page.Next)",
			ErrInvalidArgument, offset, limit, registry.MaxLimit)
	}
	var as []registry.Application
	seen := make(map[string]bool)
	more := false
	size, ask := oneMore(offset + limit)
	for _, l := range lanes {
		l = at(l)
		l.Offset, l.Limit = 0, ask
		page, err := s.listApplicationsPage(ctx, l)
		if err != nil {
			return out, fmt.Errorf("onboarding: list applications: %w", err)
		}
		page = exactPage(page, size, ask, applicationCursor)
		more = more || page.Next != ""
		for _, a := range page.Items {
			if !seen[a.ID] {
				seen[a.ID] = true
				as = append(as, a)
			}
		}
	}
	slices.SortFunc(as, func(a, b registry.Application) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	more = more || len(as) > offset+limit
	as = as[min(offset, len(as)):]
	as = as[:min(limit, len(as))]
	if more && len(as) > 0 {
		out.Next = applicationCursor(&as[len(as)-1])
	}
	out.Items = make([]*Application, 0, len(as))
	for i := range as {
		r, err := s.loadFrom(ctx, &as[i])
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
	if page.Items, err = s.store.ListApplications(ctx, f); err == nil {
		err = honoursCursor(f.Cursor, page.Items, func(a *registry.Application) (time.Time, string) { return a.CreatedAt, a.ID })
		page.Next = fullPage(page.Items, f.Limit, applicationCursor)
	}
	return page, err
}

// errCursorIgnored reports a store that answered a page from before the
// cursor it was given: a caller following its cursors would never end.
var errCursorIgnored = errors.New("onboarding: the store ignored the cursor it was given: it does not page by cursor (registry.Query.Cursor)")

// honoursCursor checks that every item a store without a pager answered
// for cursor comes after it.
func honoursCursor[T any](cursor string, items []T, at func(*T) (time.Time, string)) error {
	if cursor == "" || len(items) == 0 {
		return nil
	}
	pos, err := registry.DecodeCursor(cursor)
	if err != nil {
		return err
	}
	if created, key := at(&items[0]); !pos.After(created, key) {
		return errCursorIgnored
	}
	return nil
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
// next. The last page answers none.
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
		if err == nil && out.Next != "" {
			// A full page: the last answers no next, so look one ahead.
			var ahead registry.Page[hcxonboard.Participant]
			if ahead, err = x.CertificatesExpiring(ctx, by, 1, out.Next); err == nil && len(ahead.Items) == 0 {
				out.Next = ""
			}
		}
	} else {
		// Every participant that is not Inactive, in search order,
		// keeping those with a certificate in the window.
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldStatus: registry.Neq(string(hcxonboard.StatusInactive))}}
		ps, out.Next, err = scanPage(limit, cursor, func(cursor string) (registry.Page[hcxonboard.Participant], error) {
			q.Cursor, q.Limit = cursor, registry.MaxLimit
			return s.SearchPage(ctx, q)
		}, func(p *hcxonboard.Participant) (bool, string) {
			return registry.ExpiresBy(p, by), participantCursor(p)
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
// accepts, until it holds limit of them and has seen whether one more
// follows, or the pages end. keep also returns the cursor of the page
// after an item; it is not called past the item after the limit. It
// returns the items kept and, when another followed them, the cursor
// after the last ("" when the pages ended).
func scanPage[T any](limit int, cursor string, read func(cursor string) (registry.Page[T], error), keep func(*T) (bool, string)) ([]T, string, error) {
	var (
		kept []T
		last string // the cursor after the last item kept
	)
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
			if len(kept) == limit {
				return kept, last, nil // one more follows
			}
			kept, last = append(kept, page.Items[i]), after
		}
		if page.Next == "" {
			return kept, "", nil
		}
		cursor = page.Next
	}
}
