package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// A startsWith "" on a list field holds when some element starts with
// "" (Query.Match): a participant with no linked codes (or no roles) has
// none, so it does not match.
func TestRegressionListStartsWithEmptyNeedsAnElement(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "db")
		require.NoError(t, err)
		defer s.Close()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		with := benchParticipant("000001@hcx", now)
		without := benchParticipant("000002@hcx", now.Add(time.Minute))
		without.LinkedRegistryCodes = nil
		for i, p := range []*hcxonboard.Participant{with, without} {
			a := &registry.Application{ID: "app-" + p.ParticipantCode, ParticipantCode: p.ParticipantCode,
				Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt}
			require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p}), i)
		}
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.StartsWith("")}}
		require.False(t, q.Match(without))
		got, err := s.SearchParticipants(ctx, q)
		require.NoError(t, err)
		require.Equal(t, []string{"000001@hcx"}, codes(got), "only the participant with a linked code")
	})
}

// A start of a code, e-mail or mobile that most participants share (every
// Indian mobile starts with 9) does not lead (its count passes the lead
// limit), so the page is read in paging order and stops at its end, as
// before schema version 14 — not the whole range from the new index,
// sorted.
func TestRegressionCommonPrefixReadsInOrder(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := planStore(t, b, "plans", func(s *sqlstore.Store) { sqlstore.SetDriveLimit(s, 50) })
		for name, f := range map[string]map[string]registry.Condition{
			"email":  {registry.FieldEmail: registry.StartsWith("admin@")},
			"mobile": {registry.FieldMobile: registry.StartsWith("98")},
			"code":   {registry.FieldCode: registry.StartsWith("000")},
		} {
			t.Run(name, func(t *testing.T) {
				q := registry.Query{Filters: f, Limit: 10}
				text, args, err := sqlstore.SearchSQL(ctx, s, q)
				require.NoError(t, err)
				requirePlan(t, s.Dialect(), explain(t, s, text, args, pgSettings(true)...), true, "participants_created")
			})
		}
	})
}
