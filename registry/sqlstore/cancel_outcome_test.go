package sqlstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// cancelHoldingProxy forwards connections to a PostgreSQL server, except
// that it holds each cancel request until release is called: the server
// then learns of a cancelled statement only after the test has let it
// finish, as it does when a cancel request loses the race with a commit.
type cancelHoldingProxy struct {
	addr     string
	released chan struct{}
	once     sync.Once
}

func (p *cancelHoldingProxy) release() { p.once.Do(func() { close(p.released) }) }

func startCancelHoldingProxy(t *testing.T, server string) *cancelHoldingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cancelHoldingProxy{addr: l.Addr().String(), released: make(chan struct{})}
	t.Cleanup(func() { p.release(); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var head [8]byte
				if _, err := io.ReadFull(c, head[:]); err != nil {
					return
				}
				if binary.BigEndian.Uint32(head[4:]) == 80877102 { // CancelRequest
					<-p.released
				}
				s, err := net.Dial("tcp", server)
				if err != nil {
					return
				}
				defer s.Close()
				if _, err := s.Write(head[:]); err != nil {
					return
				}
				go func() { _, _ = io.Copy(s, c) }()
				_, _ = io.Copy(c, s)
			}()
		}
	}()
	return p
}

// throughProxy returns dsn with its host and port those of addr.
func throughProxy(t *testing.T, dsn, addr string) string {
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Host = addr
		return u.String()
	}
	return dsn + " host=" + host + " port=" + port
}

// A PostgreSQL write whose context ends while the server runs it reports
// what the server did. A Create waits for a lock another session holds on
// the applications table, and its context is cancelled:
//   - when the cancel request reaches the server while it waits, the
//     Create fails with the context's error and nothing is stored;
//   - when the lock is released first (the cancel request held back until
//     the server has committed, as when a cancel loses the race with a
//     commit), the Create is stored and must succeed — not report the
//     context's error for a write that is stored, which a client dropping
//     the connection at the context's end did.
func TestPostgresCancelledWriteReportsItsOutcome(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		holdCancel bool
		wantStored bool
	}{
		{"the cancel reaches the server first", false, false},
		{"the commit comes first", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cancelledWrite(t, tc.holdCancel, tc.wantStored)
		})
	}
}

func cancelledWrite(t *testing.T, holdCancel, wantStored bool) {
	dsn := sqlstoretest.FreshSchema(t, sqlstoretest.PostgresDSN(t))
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	proxy := startCancelHoldingProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	if !holdCancel {
		proxy.release()
	}
	ctx := context.Background()
	// Two connections: the lock holder's, and one for the Creates, on
	// which the first prepares the statements the second runs (a prepare
	// would wait for the lock too).
	s, err := sqlstore.OpenPostgres(ctx, throughProxy(t, dsn, proxy.addr), sqlstore.WithMaxOpenConns(2))
	require.NoError(t, err)
	defer s.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	create := func(ctx context.Context, n int) error {
		code := fmt.Sprintf("%06d@hcx", n)
		a := &registry.Application{ID: fmt.Sprintf("app-%d", n), Key: fmt.Sprintf("key-%d", n), ParticipantCode: code,
			Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now, State: []byte(`{}`)}
		return s.Create(ctx, registry.Write{Application: a, Participant: benchParticipant(code, now)})
	}

	holder, err := sqlstore.DBOf(s).Conn(ctx)
	require.NoError(t, err)
	defer holder.Close()
	require.NoError(t, create(ctx, 0))
	_, err = holder.ExecContext(ctx, "BEGIN")
	require.NoError(t, err)
	_, err = holder.ExecContext(ctx, "LOCK TABLE applications IN EXCLUSIVE MODE")
	require.NoError(t, err)
	var table int64
	require.NoError(t, holder.QueryRowContext(ctx, "SELECT 'applications'::regclass::oid::bigint").Scan(&table))
	waiting := func() bool {
		var n int
		require.NoError(t, holder.QueryRowContext(ctx, "SELECT count(*) FROM pg_locks WHERE relation = $1::bigint::oid AND NOT granted", table).Scan(&n))
		return n > 0
	}

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- create(wctx, 1) }()
	for !waiting() {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	var werr error
	if holdCancel {
		// The server goes on once the lock is free; the cancel request
		// reaches it after.
		_, err = holder.ExecContext(ctx, "ROLLBACK")
		require.NoError(t, err)
		for waiting() {
			time.Sleep(5 * time.Millisecond)
		}
		returned := false
		select {
		case werr = <-done:
			returned = true
		case <-time.After(time.Second):
			// Still reading the server's answer, or waiting for the
			// cancel request to go through: it returns once it has.
		}
		proxy.release()
		if !returned {
			werr = <-done
		}
	} else {
		werr = <-done
		_, err = holder.ExecContext(ctx, "ROLLBACK")
		require.NoError(t, err)
	}
	_, gerr := s.Application(ctx, "app-1")
	if wantStored {
		require.NoError(t, werr, "the Create was committed")
		require.NoError(t, gerr)
	} else {
		require.ErrorIs(t, werr, context.Canceled)
		require.ErrorIs(t, gerr, registry.ErrNotFound, "a Create that failed (%v) is not stored", werr)
	}
	// The connection serves the next call.
	require.NoError(t, create(ctx, 2))
}
