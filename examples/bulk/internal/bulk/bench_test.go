package bulk_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// BenchmarkOnboard onboards a generated list against the fakes with 20 ms
// injected per registry call and reports the wall time over the ideal
// (registry calls × latency ÷ workers) as x-ideal: the README's load
// figure, in small. The memory store is the baseline that shows what the
// engine and the fakes cost without a database.
//
//	go test -run '^$' -bench Onboard -benchtime 1x ./examples/bulk/internal/bulk
func BenchmarkOnboard(b *testing.B) {
	const rows, workers, latency = 2000, 64, 20 * time.Millisecond
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: rows, Seed: 7})
	require.NoError(b, err)
	list := make([]bulk.Row, len(gen))
	for i := range gen {
		list[i] = gen[i].Row
	}
	stores := []struct {
		name string
		open func(b *testing.B) registry.Store
	}{
		{"memory", func(*testing.B) registry.Store { return registry.NewMemoryStore() }},
		{"sqlite", func(b *testing.B) registry.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"sqlite-conns16", func(b *testing.B) registry.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlstore.WithMaxOpenConns(16))
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"sqlite-normal", func(b *testing.B) registry.Store {
			path := filepath.Join(b.TempDir(), "bench.db")
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate")
			require.NoError(b, err)
			db.SetMaxOpenConns(16)
			s, err := sqlstore.New(context.Background(), db, sqlstore.SQLite)
			require.NoError(b, err)
			b.Cleanup(func() { _ = db.Close() })
			return s
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			var ratio float64
			for range b.N {
				b.StopTimer()
				store := st.open(b)
				demo, err := bulk.NewDemo(list, bulk.DemoOptions{Latency: latency, Conns: workers})
				require.NoError(b, err)
				svc, err := demo.Service(store)
				require.NoError(b, err)
				ob := &bulk.Onboarder{Service: svc, Store: store, Certify: demo.Certify, Workers: workers}
				b.StartTimer()
				start := time.Now()
				before := demo.Calls()
				results, err := ob.Run(context.Background(), list)
				wall := time.Since(start)
				b.StopTimer()
				require.NoError(b, err)
				load := bulk.NewLoad(rows, workers, latency, demo.Calls().Sub(before), wall)
				demo.Close()
				sum := bulk.Summarize(list, results, nil, 0)
				require.Zero(b, sum.Failed, fmt.Sprint(sum.Failures))
				ratio = load.Ratio
			}
			b.ReportMetric(ratio, "x-ideal")
		})
	}
}
