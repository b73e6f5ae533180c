package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// testCertificatesExpiring checks registry.CertificateExpiries on the
// stores that have it: which participants a window selects, their order,
// paging by cursor, updates moving a participant in and out, and the
// refused arguments. Participants come soonest expiry first (the earlier
// of a participant's two expiries in the window), then by code, so that a
// page after a cursor starts where the index of soonest expiries does.
func testCertificatesExpiring(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	x := capability[registry.CertificateExpiries](t, s)
	by := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ms := by.UnixMilli()
	type expiry struct {
		code       string
		enc, sig   int64
		status     hcxonboard.Status
		wantWithin bool
	}
	fixture := []expiry{
		{"1000009@hcx", ms - 1, 0, hcxonboard.StatusActive, true},             // encryption certificate, just before
		{"1000002@hcx", ms, 0, hcxonboard.StatusCreated, true},                // exactly at by
		{"1000007@hcx", ms + 1, 0, hcxonboard.StatusActive, false},            // just after
		{"1000004@hcx", ms + 86400000, ms - 5, hcxonboard.StatusActive, true}, // the signing certificate
		{"1000005@hcx", 1, 0, hcxonboard.StatusBlocked, true},                 // long expired, Blocked
		{"1000006@hcx", ms - 1, ms - 1, hcxonboard.StatusInactive, false},     // Inactive: never
		{"1000003@hcx", 0, 0, hcxonboard.StatusActive, false},                 // no certificate
		{"1000008@hcx", 0, ms + 1, hcxonboard.StatusActive, false},            // signing, after
		{"1000001@hcx", ms - 1000, ms - 2000, hcxonboard.StatusActive, true},  // both: listed once
		{"1000010@hcx", 0, ms - 1, hcxonboard.StatusActive, true},             // as soon as 1000009: by code
	}
	// Soonest first, then by code.
	want := []string{"1000005@hcx", "1000001@hcx", "1000004@hcx", "1000009@hcx", "1000010@hcx", "1000002@hcx"}
	for i, e := range fixture {
		// Creation order differs from code order, so a store paging in
		// creation order fails.
		p := newParticipant(e.code, at(time.Duration(len(fixture)-i)*time.Second))
		p.EncryptionCertExpiry, p.SigningCertExpiry, p.Status = e.enc, e.sig, e.status
		seedParticipant(t, s, p)
		require.Equal(t, e.wantWithin, slices.Contains(want, e.code), e.code)
	}

	t.Run("selects the certificates expiring by the time, once each, soonest first", func(t *testing.T) {
		page, err := x.CertificatesExpiring(ctx, by, 0, "")
		require.NoError(t, err)
		require.Equal(t, want, codes(page.Items))
		require.Empty(t, page.Next)
		for _, p := range page.Items {
			got, err := s.Participant(ctx, p.ParticipantCode)
			require.NoError(t, err)
			requireParticipant(t, got, &p)
		}
	})

	t.Run("an earlier time selects fewer", func(t *testing.T) {
		page, err := x.CertificatesExpiring(ctx, by.Add(-time.Second), 0, "")
		require.NoError(t, err)
		require.Equal(t, []string{"1000005@hcx", "1000001@hcx"}, codes(page.Items))
		page, err = x.CertificatesExpiring(ctx, time.UnixMilli(0), 0, "")
		require.NoError(t, err)
		require.Empty(t, page.Items)
	})

	t.Run("pages of two and of one by cursor", func(t *testing.T) {
		for _, size := range []int{2, 1} {
			var got []string
			cursor := ""
			for range 10 {
				page, err := x.CertificatesExpiring(ctx, by, size, cursor)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page.Items), size)
				got = append(got, codes(page.Items)...)
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			require.Equal(t, want, got, "pages of %d", size)
		}
	})

	t.Run("an update moves a participant in and out", func(t *testing.T) {
		s := newStore(t)
		x := s.(registry.CertificateExpiries)
		p := newParticipant("1000001@hcx", at(0))
		p.EncryptionCertExpiry = ms + 1
		a := seed(t, s, newApp("app-1", "key-1", p.ParticipantCode, at(0)), p)
		page, err := x.CertificatesExpiring(ctx, by, 0, "")
		require.NoError(t, err)
		require.Empty(t, page.Items)

		p = p.Clone()
		p.EncryptionCertExpiry = ms
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
		page, err = x.CertificatesExpiring(ctx, by, 0, "")
		require.NoError(t, err)
		require.Equal(t, []string{"1000001@hcx"}, codes(page.Items))
		requireParticipant(t, p, &page.Items[0])

		a, err = s.Application(ctx, "app-1")
		require.NoError(t, err)
		p = p.Clone()
		p.Status = hcxonboard.StatusInactive
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
		page, err = x.CertificatesExpiring(ctx, by, 0, "")
		require.NoError(t, err)
		require.Empty(t, page.Items)
	})

	t.Run("a bad limit or cursor is ErrInvalidQuery; a cancelled context fails", func(t *testing.T) {
		for _, limit := range []int{-1, registry.MaxLimit + 1} {
			_, err := x.CertificatesExpiring(ctx, by, limit, "")
			require.ErrorIs(t, err, registry.ErrInvalidQuery, "limit %d", limit)
		}
		_, err := x.CertificatesExpiring(ctx, by, registry.MaxLimit, "")
		require.NoError(t, err)
		_, err = x.CertificatesExpiring(ctx, by, 0, "not-a-cursor")
		require.ErrorIs(t, err, registry.ErrInvalidQuery)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = x.CertificatesExpiring(cancelled, by, 0, "")
		require.ErrorIs(t, err, context.Canceled)
	})
}
