package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Switching a new SQLite file to WAL takes an exclusive lock that SQLite
// does not wait for: pools racing to switch one new file must all get WAL
// (enableWAL retries SQLITE_BUSY). A round loses the race only now and
// then, so this runs many, without the migrations OpenSQLite runs after
// the switch (TestConcurrentOpensOfANewSQLiteFile races whole opens).
func TestEnableWALOnANewFileRacedByPools(t *testing.T) {
	t.Parallel()
	cfg, err := newConfig(SQLite, nil)
	require.NoError(t, err)
	dir := t.TempDir()
	const rounds, n = 256, 8
	for round := range rounds {
		dsn, err := sqliteDSN(filepath.Join(dir, fmt.Sprintf("new-%d.db", round)), cfg)
		require.NoError(t, err)
		dbs := make([]*sql.DB, n)
		for i := range dbs {
			dbs[i], err = sql.Open("sqlite", dsn)
			require.NoError(t, err)
			cfg.configure(dbs[i])
		}
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, db := range dbs {
			wg.Go(func() {
				<-start
				errs[i] = enableWAL(context.Background(), db, cfg.busyTimeout)
			})
		}
		close(start)
		wg.Wait()
		for i, db := range dbs {
			require.NoError(t, db.Close())
			require.NoError(t, errs[i], "pool %d of round %d", i, round)
		}
	}
}
