package bulk_test

import (
	"context"
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
// (registry calls × latency ÷ workers) as x-ideal — the README's load
// figure, in small — and the CPU used per hospital. The memory store is
// the baseline: the engine and the fakes without a database; the SQLite
// runs show what each synchronous mode adds.
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
	sqlite := func(durable bool) func(b *testing.B) registry.Store {
		return func(b *testing.B) registry.Store {
			sync := sqlstore.SyncNormal
			if durable {
				sync = sqlstore.SyncFull
			}
			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlstore.WithSynchronous(sync))
			require.NoError(b, err)
			b.Cleanup(func() { _ = s.Close() })
			return s
		}
	}
	stores := []struct {
		name string
		open func(b *testing.B) registry.Store
	}{
		{"memory", func(*testing.B) registry.Store { return registry.NewMemoryStore() }},
		{"sqlite-full", sqlite(true)},
		{"sqlite-normal", sqlite(false)},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			var ratio, cpuPer float64
			for range b.N {
				b.StopTimer()
				store := st.open(b)
				demo, err := bulk.NewDemo(list, bulk.DemoOptions{Latency: latency, Conns: workers})
				require.NoError(b, err)
				svc, err := demo.Service(store)
				require.NoError(b, err)
				ob := &bulk.Onboarder{Service: svc, Store: store, Certify: demo.Certify, Workers: workers}
				b.StartTimer()
				cpu0, _ := bulk.ProcessCPU()
				start := time.Now()
				before := demo.Calls()
				results, err := ob.Run(context.Background(), list)
				wall := time.Since(start)
				cpu1, _ := bulk.ProcessCPU()
				b.StopTimer()
				require.NoError(b, err)
				load := bulk.NewLoad(rows, workers, latency, demo.Calls().Sub(before), wall)
				demo.Close()
				sum := bulk.Summarize(list, results, nil, 0)
				require.Zero(b, sum.Failed, fmt.Sprint(sum.Failures))
				ratio = load.Ratio
				cpuPer = float64(cpu1-cpu0) / float64(time.Millisecond) / rows
			}
			b.ReportMetric(ratio, "x-ideal")
			b.ReportMetric(cpuPer, "cpu-ms/hospital")
		})
	}
}
