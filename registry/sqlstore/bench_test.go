package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// The benchmarks compare the store with the least a program could do with
// database/sql: BenchmarkCreateRead stores an application with its
// participant and reads the participant back; BenchmarkRawInsertSelect
// inserts the same participant row (the same columns and JSON record) into
// a bare table of the same database and selects and decodes it. Compare
// them within one run, as a ratio.

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
	b.Run("sqlite", func(b *testing.B) { fn(b, sqlstoretest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		fn(b, sqlstoretest.Postgres(b))
	})
}

// createRead is the measured unit of BenchmarkCreateRead.
func createRead(b *testing.B, s *sqlstore.Store, i int, now time.Time) {
	ctx := context.Background()
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

// createRawTable makes the baseline's table: the participants table's
// scalar columns and the JSON record, keyed by code.
func createRawTable(b *testing.B, s *sqlstore.Store) {
	recordType, timeType := "TEXT", "INTEGER"
	if s.Dialect() == sqlstore.Postgres {
		recordType, timeType = "JSONB", "BIGINT"
	}
	if _, err := sqlstore.DBOf(s).ExecContext(context.Background(), `CREATE TABLE bench_participants (
		participant_code TEXT NOT NULL PRIMARY KEY, participant_name TEXT NOT NULL, status TEXT NOT NULL,
		primary_email TEXT NOT NULL, primary_mobile TEXT NOT NULL, scheme_code TEXT NOT NULL,
		created_at `+timeType+` NOT NULL, updated_at `+timeType+` NOT NULL, record `+recordType+` NOT NULL)`); err != nil {
		b.Fatal(err)
	}
}

// rawInsertSelect is the measured unit of BenchmarkRawInsertSelect.
func rawInsertSelect(b *testing.B, s *sqlstore.Store, i int, now time.Time) {
	rawInsertSelectLocked(b, s, i, now, nil)
}

// rawInsertSelectLocked is rawInsertSelect holding write, when not nil,
// around the INSERT.
func rawInsertSelectLocked(b *testing.B, s *sqlstore.Store, i int, now time.Time, write *sync.Mutex) {
	ctx := context.Background()
	db := sqlstore.DBOf(s)
	code := fmt.Sprintf("%07d@bench", i)
	p := benchParticipant(code, now)
	record, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	if write != nil {
		write.Lock()
	}
	_, err = db.ExecContext(ctx, `INSERT INTO bench_participants
		(participant_code, participant_name, status, primary_email, primary_mobile, scheme_code, created_at, updated_at, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
		p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano(), string(record))
	if write != nil {
		write.Unlock()
	}
	if err != nil {
		b.Fatal(err)
	}
	var got []byte
	var created, updated int64
	if err := db.QueryRowContext(ctx, "SELECT record, created_at, updated_at FROM bench_participants WHERE participant_code = $1", code).
		Scan(&got, &created, &updated); err != nil {
		b.Fatal(err)
	}
	var back hcxonboard.Participant
	if err := json.Unmarshal(got, &back); err != nil || back.ParticipantCode != code {
		b.Fatal(back.ParticipantCode, err)
	}
}

func BenchmarkCreateRead(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			createRead(b, s, i, now)
		}
	})
}

func BenchmarkRawInsertSelect(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		createRawTable(b, s)
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			rawInsertSelect(b, s, i, now)
		}
	})
}

// BenchmarkCreateReadVsRaw alternates the two units in one loop, so that
// both see the same machine load, and reports each one's time and their
// ratio (the goal is at most 1.5).
func BenchmarkCreateReadVsRaw(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		createRawTable(b, s)
		now := time.Now()
		var store, raw time.Duration
		for i := 0; b.Loop(); i++ {
			t0 := time.Now()
			createRead(b, s, i, now)
			t1 := time.Now()
			rawInsertSelect(b, s, i, now)
			store += t1.Sub(t0)
			raw += time.Since(t1)
		}
		b.ReportMetric(float64(store.Nanoseconds())/float64(b.N), "store-ns/op")
		b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/op")
		b.ReportMetric(float64(store)/float64(raw), "ratio")
	})
}

// BenchmarkCreateReadVsRawConcurrent is BenchmarkCreateReadVsRaw with 8
// goroutines at once: each iteration runs 8 store units together, then 8
// raw units together. On SQLite the raw units take a mutex around their
// INSERT, as a careful program would (SQLite has one writer; without it
// they would sleep in its busy handler), and commit one by one; the store
// commits concurrent writes together.
func BenchmarkCreateReadVsRawConcurrent(b *testing.B) {
	const workers = 8
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		createRawTable(b, s)
		now := time.Now()
		var rawWrite *sync.Mutex
		if s.Dialect() == sqlstore.SQLite {
			rawWrite = new(sync.Mutex)
		}
		together := func(first int, unit func(i int)) time.Duration {
			start := time.Now()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() { unit(first + w) })
			}
			wg.Wait()
			return time.Since(start)
		}
		var store, raw time.Duration
		n := 0
		for b.Loop() {
			store += together(n, func(i int) { createRead(b, s, i, now) })
			raw += together(n, func(i int) { rawInsertSelectLocked(b, s, i, now, rawWrite) })
			n += workers
		}
		b.ReportMetric(float64(store.Nanoseconds())/float64(n), "store-ns/unit")
		b.ReportMetric(float64(raw.Nanoseconds())/float64(n), "raw-ns/unit")
		b.ReportMetric(float64(store)/float64(raw), "ratio")
	})
}
