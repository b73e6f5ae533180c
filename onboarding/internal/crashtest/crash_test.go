package crashtest_test

import (
	"context"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// envSeed repeats a run's random choices: where the kills land, and
// which deliveries the receiver refuses.
const envSeed = "HCX_CRASHTEST_SEED"

// crashRounds is how many times a test kills a working engine.
const crashRounds = 5

func TestSIGKILLLosesNoMessageSQLite(t *testing.T) {
	t.Parallel()
	testSIGKILL(t, "sqlite")
}

func TestSIGKILLLosesNoMessagePostgres(t *testing.T) {
	t.Parallel()
	testSIGKILL(t, "postgres")
}

// testSIGKILL runs an engine in a child process that submits applications
// and drives them to go-live, its messages going through the outbox to a
// signed webhook receiver that refuses a share of them; it kills the
// child with SIGKILL at a random point, restarts it to drain the outbox,
// and checks that every message of every transition the child
// acknowledged was received, that every message received is one a
// committed write produced, and that every committed message was
// received. It repeats that crashRounds times on one database.
func testSIGKILL(t *testing.T, dialect string) {
	if testing.Short() {
		t.Skip("starts and kills subprocesses")
	}
	if dialect == "postgres" {
		sqlstoretest.PostgresDSN(t) // skips, or fails where services are required
	}
	seed := testSeed(t)
	rnd := mrand.New(mrand.NewPCG(seed, 0x6372617368))
	rcv := newReceiver(t, mrand.New(mrand.NewPCG(seed, 0x72637672)))
	w, path := newWorld(t, dialect, rcv)

	acked := map[string]string{} // message id → the transition that acknowledged it
	transitions, drained, committed := 0, 0, 0
	for round := range crashRounds {
		rcv.setFailing(0.2)
		want := 10 + rnd.IntN(60)
		delay := time.Duration(rnd.IntN(4000)) * time.Microsecond
		lines := runAndKill(t, startChild(t, modeWork, path, envRound+"="+strconv.Itoa(round)), want, delay)
		for _, line := range lines {
			f := strings.Fields(strings.TrimPrefix(line, ackPrefix))
			require.Len(t, f, 3, "line %q", line)
			transitions++
			if f[2] == "-" {
				continue
			}
			for _, id := range strings.Split(f[2], ",") {
				require.NotContains(t, acked, id, "two transitions acknowledged message %s", id)
				acked[id] = f[0] + " of " + f[1]
			}
		}

		// The restart: nothing refused now, the outbox drains.
		rcv.setFailing(0)
		drained += runDrain(t, path)
		committed = checkDelivered(t, w, rcv, acked, round)
	}

	got, _, refused := rcv.snapshot()
	dups := 0
	byKind := map[string]int{}
	for _, d := range got {
		dups += d.count - 1
		byKind[d.kind]++
	}
	require.Positive(t, len(acked), "no transition produced a message")
	t.Logf("%s, seed %d: %d kills; %d acknowledged transitions with %d messages, %d more committed by transitions in flight at a kill; "+
		"received %d distinct messages %v, %d of them twice (a kill between the send and its record), %d deliveries refused and retried, %d sent by the restarts",
		dialect, seed, crashRounds, transitions, len(acked), committed-len(acked), len(got), byKind, dups, refused, drained)
}

// testSeed is envSeed's value, or a fresh seed; it is logged so a failing
// run can be repeated.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	if v := os.Getenv(envSeed); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "%s", envSeed)
		t.Logf("seed %d (from %s)", s, envSeed)
		return s
	}
	s := mrand.Uint64()
	t.Logf("seed %d (set %s=%d to repeat the kills and refusals)", s, envSeed, s)
	return s
}

// runAndKill reads c's lines and kills it with SIGKILL delay after its
// want-th line — so the kill lands anywhere in what follows, within a
// write, a send or between them — and returns every line it wrote.
func runAndKill(t *testing.T, c *child, want int, delay time.Duration) []string {
	t.Helper()
	var lines []string
	killed := false
	for line := range c.lines {
		lines = append(lines, line)
		if len(lines) == want && !killed {
			time.Sleep(delay)
			require.NoError(t, c.cmd.Process.Kill())
			killed = true
		}
	}
	err := c.cmd.Wait()
	require.True(t, killed, "the child stopped after %d lines of %d: %v\n%s", len(lines), want, err, c.stderr.String())
	require.ErrorContains(t, err, "killed", "stderr:\n%s", c.stderr.String())
	return lines
}

// runDrain runs a draining child to its end and returns how many
// messages it sent.
func runDrain(t *testing.T, path string) int {
	t.Helper()
	c := startChild(t, modeDrain, path)
	var lines []string
	for line := range c.lines {
		lines = append(lines, line)
	}
	require.NoError(t, c.cmd.Wait(), "drain: %s", c.stderr.String())
	require.Len(t, lines, 1, "drain: %s", c.stderr.String())
	n, err := strconv.Atoi(strings.TrimPrefix(lines[0], drainedPrefix))
	require.NoError(t, err, "line %q", lines[0])
	return n
}

// checkDelivered compares the receiver's deliveries with the store's
// outbox once it drained: nothing pending or dead; every acknowledged
// message is stored and was received; every stored message was
// received; every message received is stored, with the kind and the
// application it was received with. It returns how many are stored.
func checkDelivered(t *testing.T, w *world, rcv *receiver, acked map[string]string, round int) (committed int) {
	t.Helper()
	ctx := context.Background()
	s, err := w.open(ctx)
	require.NoError(t, err)
	defer s.Close()
	rows, err := outbox(ctx, s)
	require.NoError(t, err)
	got, invalid, _ := rcv.snapshot()
	require.Empty(t, invalid, "the receiver refused deliveries")

	stored := make(map[string]registry.OutboxMessage, len(rows))
	for _, m := range rows {
		stored[m.ID] = m
		require.Equal(t, registry.OutboxSent, m.State, "round %d: message %s (%s) after the drain", round, m.ID, m.Kind)
		_, ok := got[m.ID]
		require.True(t, ok, "round %d: committed message %s (%s) was never received", round, m.ID, m.Kind)
	}
	for id, by := range acked {
		_, ok := stored[id]
		require.True(t, ok, "round %d: message %s of the acknowledged %s is not in the outbox", round, id, by)
		_, ok = got[id]
		require.True(t, ok, "round %d: message %s of the acknowledged %s was never received", round, id, by)
	}
	for id, d := range got {
		m, ok := stored[id]
		require.True(t, ok, "round %d: received message %s (%s of %s) that no committed write produced", round, id, d.kind, d.appID)
		require.Equal(t, m.Kind, d.kind, "message %s", id)
		require.Equal(t, m.ApplicationID, d.appID, "message %s", id)
	}
	return len(rows)
}
