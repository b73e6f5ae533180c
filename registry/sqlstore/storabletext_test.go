package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
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

// TestRecordHoldingNULStaysWritable: a participant record stored before
// writes were checked, holding a NUL (SQLite kept it; PostgreSQL never
// could), stays writable — the participant can still be suspended —
// while an Update putting a NUL into a clean record is refused before the
// database, on either backend.
func TestRecordHoldingNULStaysWritable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	when := time.Unix(1741924613, 0).UTC()
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := b.open(t, "legacy-nul")
		require.NoError(t, err)
		defer s.Close()
		seed := func(code string) (*registry.Application, *hcxonboard.Participant) {
			a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: when, UpdatedAt: when}
			p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "n", Status: hcxonboard.StatusActive,
				Address: &hcxonboard.Address{District: "Pune"}, CreatedAt: when, UpdatedAt: when}
			require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p}))
			return a, p
		}

		a, p := seed("clean@hcx")
		p.Address.District = "Pu\x00ne"
		err = s.Update(ctx, registry.Write{Application: a, Participant: p})
		require.ErrorContains(t, err, "participant.address.district must be UTF-8 text without NUL")
		require.NotContains(t, err.Error(), "SQLSTATE", "refused before the database")
		got, err := s.Participant(ctx, "clean@hcx")
		require.NoError(t, err)
		require.Equal(t, "Pune", got.Address.District, "nothing was written")

		if b.dialect != sqlstore.SQLite {
			return // PostgreSQL never kept a NUL
		}
		a, p = seed("legacy@hcx")
		p.Address.District = "Pu\x00ne"
		record, err := json.Marshal(p)
		require.NoError(t, err)
		_, err = sqlstore.DBOf(s).ExecContext(ctx, "UPDATE participants SET record = $1 WHERE participant_code = $2", string(record), "legacy@hcx")
		require.NoError(t, err)
		p.Status = hcxonboard.StatusInactive
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}), "the stored NUL is the participant's own")
		got, err = s.Participant(ctx, "legacy@hcx")
		require.NoError(t, err)
		require.Equal(t, hcxonboard.StatusInactive, got.Status)
	})
}
