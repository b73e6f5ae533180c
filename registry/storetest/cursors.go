package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// testCursors: the cursors of the listings in another order — the due
// applications (by due time) and the expiring certificates (by soonest
// expiry) — are refused by the searches and listings in creation order,
// and an expiring-certificate cursor by the due listing, with
// ErrInvalidQuery: read as a creation-time position, a due time or an
// expiry in milliseconds names a place in another order, and the page
// it gave was a wrong one. Each listing still pages on with its own.
func testCursors(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	due := capability[registry.DueLister](t, s)
	certs := capability[registry.CertificateExpiries](t, s)
	people := capability[registry.ParticipantPager](t, s)
	apps := capability[registry.ApplicationPager](t, s)
	for i, code := range []string{"1000001@hcx", "1000002@hcx", "1000003@hcx"} {
		a := newApp("app-"+code, "key-"+code, code, at(time.Duration(i)*time.Hour))
		a.DueAt = at(time.Duration(i) * time.Minute)
		seed(t, s, a, newParticipant(code, at(time.Duration(i)*time.Hour)))
	}
	by := at(time.Hour)
	duePage, err := due.DueApplications(ctx, by, 1, "")
	require.NoError(t, err)
	require.NotEmpty(t, duePage.Next)
	expiring, err := certs.CertificatesExpiring(ctx, time.UnixMilli(1767225600000), 1, "")
	require.NoError(t, err)
	require.NotEmpty(t, expiring.Next)
	search, err := people.SearchParticipantsPage(ctx, registry.Query{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, search.Next)

	for name, cursor := range map[string]string{"the due listing's": duePage.Next, "the expiring certificates'": expiring.Next} {
		_, err := people.SearchParticipantsPage(ctx, registry.Query{Cursor: cursor})
		require.ErrorIs(t, err, registry.ErrInvalidQuery, "a search given %s cursor", name)
		_, err = s.SearchParticipants(ctx, registry.Query{Cursor: cursor})
		require.ErrorIs(t, err, registry.ErrInvalidQuery, "a search given %s cursor", name)
		_, err = apps.ListApplicationsPage(ctx, registry.ApplicationFilter{Cursor: cursor})
		require.ErrorIs(t, err, registry.ErrInvalidQuery, "a listing given %s cursor", name)
	}
	_, err = due.DueApplications(ctx, by, 1, expiring.Next)
	require.ErrorIs(t, err, registry.ErrInvalidQuery, "the due listing given the expiring certificates' cursor")
	_, err = certs.CertificatesExpiring(ctx, time.UnixMilli(1767225600000), 1, search.Next)
	require.ErrorIs(t, err, registry.ErrInvalidQuery, "the expiring certificates given a search's cursor")
	_, err = certs.CertificatesExpiring(ctx, time.UnixMilli(1767225600000), 1, duePage.Next)
	require.ErrorIs(t, err, registry.ErrInvalidQuery, "the expiring certificates given the due listing's cursor")

	// Each pages on with its own.
	next, err := due.DueApplications(ctx, by, 1, duePage.Next)
	require.NoError(t, err)
	require.Equal(t, []string{"app-1000002@hcx"}, ids(next.Items))
	more, err := certs.CertificatesExpiring(ctx, time.UnixMilli(1767225600000), 1, expiring.Next)
	require.NoError(t, err)
	require.Len(t, more.Items, 1)
	require.Equal(t, "1000002@hcx", more.Items[0].ParticipantCode)
	page, err := people.SearchParticipantsPage(ctx, registry.Query{Limit: 1, Cursor: search.Next})
	require.NoError(t, err)
	require.Equal(t, []string{"1000002@hcx"}, codes(page.Items))
}
