package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// TestLongValuesAgreeAcrossStores: a write of values of 3,000 bytes is
// treated alike by the memory, SQLite and PostgreSQL stores.
func TestLongValuesAgreeAcrossStores(t *testing.T) {
	sqlstoretest.PostgresDSN(t)
	ctx := context.Background()
	now := time.Unix(1741924613, 0)
	raw := make([]byte, 1500)
	rand.Read(raw)
	long := hex.EncodeToString(raw) // 3,000 bytes that do not compress
	app := func() *registry.Application {
		return &registry.Application{ID: "app-1", ParticipantCode: "1@hcx", Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now}
	}
	part := func() *hcxonboard.Participant {
		return &hcxonboard.Participant{ParticipantCode: "1@hcx", ParticipantName: "n", CreatedAt: now, UpdatedAt: now}
	}
	cases := map[string]func() registry.Write{
		"participant name": func() registry.Write {
			p := part()
			p.ParticipantName = long
			return registry.Write{Application: app(), Participant: p}
		},
		"primary email": func() registry.Write {
			p := part()
			p.PrimaryEmail = long + "@example.in"
			return registry.Write{Application: app(), Participant: p}
		},
		"linked registry code": func() registry.Write {
			p := part()
			p.LinkedRegistryCodes = []string{long}
			return registry.Write{Application: app(), Participant: p}
		},
		"idempotency key": func() registry.Write {
			a := app()
			a.Key = long
			return registry.Write{Application: a}
		},
		"application id": func() registry.Write {
			a := app()
			a.ID = long
			return registry.Write{Application: a}
		},
		"waiting kind": func() registry.Write {
			a := app()
			a.Waiting = []string{long}
			return registry.Write{Application: a}
		},
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			memErr := registry.NewMemoryStore().Create(ctx, w())
			liteErr := sqlstoretest.SQLite(t).Create(ctx, w())
			pgErr := sqlstoretest.Postgres(t).Create(ctx, w())
			if (memErr == nil) != (pgErr == nil) || (memErr == nil) != (liteErr == nil) {
				msg := "<nil>"
				if pgErr != nil {
					msg = pgErr.Error()
					if len(msg) > 200 {
						msg = msg[len(msg)-200:]
					}
				}
				t.Errorf("stores disagree: memory %v; sqlite %v; postgres …%s", memErr, liteErr, msg)
			}
		})
	}

	// At the bounds, every store keeps the write.
	atBound := func() registry.Write {
		p := part()
		p.ParticipantName = long[:registry.MaxIndexedLength]
		p.PrimaryEmail = long[:registry.MaxIndexedLength-len("@example.in")] + "@example.in"
		p.LinkedRegistryCodes = []string{long[:registry.MaxIndexedLength]}
		a := app()
		a.Key = long[:registry.MaxKeyLength]
		a.Waiting = []string{long[:registry.MaxKeyLength]}
		return registry.Write{Application: a, Participant: p}
	}
	require.NoError(t, registry.NewMemoryStore().Create(ctx, atBound()))
	require.NoError(t, sqlstoretest.SQLite(t).Create(ctx, atBound()))
	require.NoError(t, sqlstoretest.Postgres(t).Create(ctx, atBound()))
}
