package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// TestWriteTextNotEveryStoreKeepsIsRefusedByAll: text no store can keep
// as given — NUL, invalid UTF-8 — in what a write adds (the stage, the
// open task kinds, the audit events) is refused by every store alike.
// Before, the memory store kept it and PostgreSQL refused it with a
// driver error.
func TestWriteTextNotEveryStoreKeepsIsRefusedByAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	when := time.Unix(1741924613, 0)
	cases := []struct {
		name string
		w    func() registry.Write
	}{
		{"event reason with NUL", func() registry.Write {
			a := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, CreatedAt: when, UpdatedAt: when}
			return registry.Write{Application: a, Events: registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: when, Actor: "staff", Action: "submit", Reason: "bad\x00reason"})}
		}},
		{"waiting kind with NUL", func() registry.Write {
			return registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, Waiting: []string{"re\x00view"}, CreatedAt: when, UpdatedAt: when}}
		}},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mem := registry.NewMemoryStore()
				memErr := mem.Create(ctx, tc.w())
				s, err := b.open(t, fmt.Sprintf("text%d", i))
				require.NoError(t, err)
				defer s.Close()
				sqlErr := s.Create(ctx, tc.w())
				require.Error(t, memErr, "memory store")
				require.Error(t, sqlErr, "%s store", b.dialect)
				require.NotContains(t, sqlErr.Error(), "SQLSTATE", "refused before the database")
				ok := tc.w()
				ok.Events, ok.Application.Waiting = nil, nil
				require.NoError(t, s.Create(ctx, ok), "the same write without the text")
			})
		}
	})
}
