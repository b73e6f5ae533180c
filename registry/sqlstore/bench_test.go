package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// The benchmarks compare the store with the least a program could do with
// database/sql: BenchmarkCreateRead stores an application with its
// participant and reads the participant back; BenchmarkRawInsertSelect
// inserts the same participant row (the same columns and JSON record) into
// a bare table of the same database and selects and decodes it. Compare
// them within one run, as a ratio.

func benchStores(b *testing.B) map[string]*sqlstore.Store {
	out := map[string]*sqlstore.Store{"sqlite": openSQLite(b)}
	if dsn := os.Getenv("HCX_TEST_POSTGRES_DSN"); dsn != "" {
		out["postgres"] = openPostgres(b, dsn)
	}
	return out
}

func benchParticipant(code string, now time.Time) *hcxonboard.Participant {
	return &hcxonboard.Participant{
		ParticipantCode: code, ParticipantName: "City Hospital " + code,
		Roles:        []hcxonboard.Role{hcxonboard.RoleProvider, hcxonboard.RoleHospital},
		PrimaryEmail: "admin@" + code + ".example", PrimaryMobile: "9876543210",
		Status: hcxonboard.StatusCreated, SchemeCode: "PMJAY", LinkedRegistryCodes: []string{"HFR-" + code},
		Address:   &hcxonboard.Address{District: "Pune", State: "Maharashtra", Pincode: "411001"},
		CreatedAt: now, UpdatedAt: now,
	}
}

func forEachBenchStore(b *testing.B, fn func(b *testing.B, s *sqlstore.Store)) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, ok := benchStores(b)[name]
			if !ok {
				b.Skip("PostgreSQL benchmarks skipped: set HCX_TEST_POSTGRES_DSN")
			}
			fn(b, s)
		})
	}
}

func BenchmarkCreateRead(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		ctx := context.Background()
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			code := fmt.Sprintf("%07d@bench", i)
			a := &registry.Application{ID: "app-" + code, Key: "key-" + code, ParticipantCode: code,
				Stage: registry.StageSubmitted, Waiting: []string{"review"}, CreatedAt: now, UpdatedAt: now}
			if err := s.Create(ctx, registry.Write{Application: a, Participant: benchParticipant(code, now)}); err != nil {
				b.Fatal(err)
			}
			p, err := s.Participant(ctx, code)
			if err != nil || p.ParticipantCode != code {
				b.Fatal(p, err)
			}
		}
	})
}

func BenchmarkRawInsertSelect(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		ctx := context.Background()
		db := sqlstore.DBOf(s)
		recordType, timeType := "TEXT", "INTEGER"
		if s.Dialect() == sqlstore.Postgres {
			recordType, timeType = "JSONB", "BIGINT"
		}
		if _, err := db.ExecContext(ctx, `CREATE TABLE bench_participants (
			participant_code TEXT NOT NULL PRIMARY KEY, participant_name TEXT NOT NULL, status TEXT NOT NULL,
			primary_email TEXT NOT NULL, primary_mobile TEXT NOT NULL, scheme_code TEXT NOT NULL,
			created_at `+timeType+` NOT NULL, updated_at `+timeType+` NOT NULL, record `+recordType+` NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			code := fmt.Sprintf("%07d@bench", i)
			p := benchParticipant(code, now)
			record, err := json.Marshal(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO bench_participants
				(participant_code, participant_name, status, primary_email, primary_mobile, scheme_code, created_at, updated_at, record)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
				p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano(), string(record)); err != nil {
				b.Fatal(err)
			}
			var got []byte
			var created, updated int64
			if err := db.QueryRowContext(ctx, "SELECT record, created_at, updated_at FROM bench_participants WHERE participant_code = $1", code).
				Scan(&got, &created, &updated); err != nil {
				b.Fatal(err)
			}
			var back hcxonboard.Participant
			if err := json.Unmarshal(got, &back); err != nil || !strings.EqualFold(back.ParticipantCode, code) {
				b.Fatal(back.ParticipantCode, err)
			}
		}
	})
}
