package sqlstore_test

import (
	"context"
	"database/sql"
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
// a table of the same database and selects and decodes it. That table
// comes twice: indexed as the registry must index that row (by code, which
// is its key, status, e-mail and mobile; roles are a list, which one row
// cannot hold), and bare (the key alone). Compare them within one run, as
// ratios.

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

// rawTable is a baseline table: the participants table's scalar columns
// and the JSON record, keyed by code.
type rawTable struct {
	db   *sql.DB
	name string
	// write, when not nil, is held around the INSERT.
	write *sync.Mutex
}

// newRawTable creates a baseline table; indexed adds the indexes the
// registry must have on the participant row besides its key. On SQLite the
// table gets a database file of its own, opened as the store's is: a
// commit that fills the WAL runs the checkpoint for every table in the
// file, and would charge one unit for another's pages.
func newRawTable(b *testing.B, s *sqlstore.Store, indexed bool) *rawTable {
	if s.Dialect() == sqlstore.SQLite {
		s = sqlstoretest.SQLite(b)
	}
	r := &rawTable{db: sqlstore.DBOf(s), name: "bench_bare"}
	if indexed {
		r.name = "bench_indexed"
	}
	recordType, timeType := "TEXT", "INTEGER"
	if s.Dialect() == sqlstore.Postgres {
		recordType, timeType = "JSONB", "BIGINT"
	}
	ddl := []string{`CREATE TABLE ` + r.name + ` (
		participant_code TEXT NOT NULL PRIMARY KEY, participant_name TEXT NOT NULL, status TEXT NOT NULL,
		primary_email TEXT NOT NULL, primary_mobile TEXT NOT NULL, scheme_code TEXT NOT NULL,
		created_at ` + timeType + ` NOT NULL, updated_at ` + timeType + ` NOT NULL, record ` + recordType + ` NOT NULL)`}
	if indexed {
		for _, col := range []string{"status", "primary_email", "primary_mobile"} {
			ddl = append(ddl, "CREATE INDEX "+r.name+"_"+col+" ON "+r.name+" ("+col+")")
		}
	}
	for _, stmt := range ddl {
		if _, err := r.db.ExecContext(context.Background(), stmt); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// insertSelect is the measured unit of BenchmarkRawInsertSelect.
func (r *rawTable) insertSelect(b *testing.B, i int, now time.Time) {
	ctx := context.Background()
	code := fmt.Sprintf("%07d@bench", i)
	p := benchParticipant(code, now)
	record, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	if r.write != nil {
		r.write.Lock()
	}
	_, err = r.db.ExecContext(ctx, `INSERT INTO `+r.name+`
		(participant_code, participant_name, status, primary_email, primary_mobile, scheme_code, created_at, updated_at, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
		p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano(), string(record))
	if r.write != nil {
		r.write.Unlock()
	}
	if err != nil {
		b.Fatal(err)
	}
	var got []byte
	var created, updated int64
	if err := r.db.QueryRowContext(ctx, "SELECT record, created_at, updated_at FROM "+r.name+" WHERE participant_code = $1", code).
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
	for _, indexed := range []bool{true, false} {
		b.Run(map[bool]string{true: "indexed", false: "bare"}[indexed], func(b *testing.B) {
			forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
				raw := newRawTable(b, s, indexed)
				now := time.Now()
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					raw.insertSelect(b, i, now)
				}
			})
		})
	}
}

// vsRaw accumulates the time of the store's units and of the two
// baselines', and reports them with the store's ratio to each (the goal is
// at most 1.5 against the indexed table).
type vsRaw struct {
	store, indexed, bare time.Duration
}

func (v *vsRaw) report(b *testing.B, units int) {
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(units) }
	b.ReportMetric(per(v.store), "store-ns/unit")
	b.ReportMetric(per(v.indexed), "indexed-raw-ns/unit")
	b.ReportMetric(per(v.bare), "bare-raw-ns/unit")
	b.ReportMetric(float64(v.store)/float64(v.indexed), "x-indexed-raw")
	b.ReportMetric(float64(v.store)/float64(v.bare), "x-bare-raw")
}

// BenchmarkCreateReadVsRaw runs the store's unit and both baselines' in
// turn in one loop, so that all see the same machine load.
func BenchmarkCreateReadVsRaw(b *testing.B) {
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		indexed, bare := newRawTable(b, s, true), newRawTable(b, s, false)
		now := time.Now()
		var v vsRaw
		timed := func(d *time.Duration, unit func()) {
			start := time.Now()
			unit()
			*d += time.Since(start)
		}
		n := 0
		for b.Loop() {
			timed(&v.store, func() { createRead(b, s, n, now) })
			timed(&v.indexed, func() { indexed.insertSelect(b, n, now) })
			timed(&v.bare, func() { bare.insertSelect(b, n, now) })
			n++
		}
		v.report(b, n)
	})
}

// BenchmarkCreateReadVsRawConcurrent is BenchmarkCreateReadVsRaw with 8
// goroutines at once: each iteration runs 8 store units together, then 8
// of each baseline's. On SQLite the raw units take a mutex around their
// INSERT, as a careful program would (SQLite has one writer; without it
// they would sleep in its busy handler), and commit one by one; the store
// commits concurrent writes together.
func BenchmarkCreateReadVsRawConcurrent(b *testing.B) {
	const workers = 8
	forEachBenchStore(b, func(b *testing.B, s *sqlstore.Store) {
		indexed, bare := newRawTable(b, s, true), newRawTable(b, s, false)
		if s.Dialect() == sqlstore.SQLite {
			indexed.write, bare.write = new(sync.Mutex), new(sync.Mutex)
		}
		now := time.Now()
		together := func(d *time.Duration, first int, unit func(i int)) {
			start := time.Now()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() { unit(first + w) })
			}
			wg.Wait()
			*d += time.Since(start)
		}
		var v vsRaw
		n := 0
		for b.Loop() {
			together(&v.store, n, func(i int) { createRead(b, s, i, now) })
			together(&v.indexed, n, func(i int) { indexed.insertSelect(b, i, now) })
			together(&v.bare, n, func(i int) { bare.insertSelect(b, i, now) })
			n += workers
		}
		v.report(b, n)
	})
}
