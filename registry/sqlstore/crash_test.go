package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// The crash test re-executes the test binary as a writer that the parent
// kills with SIGKILL; these variables tell the child what to do.
const (
	crashDBEnv    = "HCX_SQLSTORE_CRASH_DB"
	crashRoundEnv = "HCX_SQLSTORE_CRASH_ROUND"
	ackPrefix     = "ACK "
)

// submit is one acknowledged unit of work of the crash writer: it returns
// once the application n of the round is durably stored. It creates the
// application with its participant and first audit event, then moves it
// on with an Update, as the onboarding engine's Submit will (which will
// take this function's place).
func submit(ctx context.Context, s registry.Store, round, n int) (string, error) {
	id := fmt.Sprintf("app-%d-%05d", round, n)
	code := fmt.Sprintf("%d%06d@hcx", round+1, n)
	now := time.Now()
	a := &registry.Application{ID: id, Key: "key-" + id, ParticipantCode: code, Stage: registry.StageSubmitted,
		Waiting: []string{"review"}, CreatedAt: now, UpdatedAt: now, State: []byte(`{"n":` + fmt.Sprint(n) + `}`)}
	p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "Hospital " + id, Status: hcxonboard.StatusCreated,
		Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, CreatedAt: now, UpdatedAt: now}
	first := registry.Chain(nil, registry.Event{ApplicationID: id, Time: now, Actor: "engine", Action: "submit", To: "submitted"})
	if err := s.Create(ctx, registry.Write{Application: a, Participant: p, Events: first}); err != nil {
		return "", err
	}
	a.Stage, a.Waiting, a.UpdatedAt = registry.StageVerifying, []string{"otp"}, time.Now()
	next := registry.Chain(&first[0], registry.Event{ApplicationID: id, Time: a.UpdatedAt, Actor: "engine", Action: "verify", From: "submitted", To: "verifying"})
	if err := s.Update(ctx, registry.Write{Application: a, Events: next}); err != nil {
		return "", err
	}
	return id, nil
}

// crashChild writes applications until it is killed, printing each id once
// its submit returned. It gives up after a minute so that it can never
// outlive a parent that failed to kill it.
func crashChild(path string, round int) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.OpenSQLite(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	for n := 0; ctx.Err() == nil; n++ {
		id, err := submit(ctx, s, round, n)
		if err != nil {
			return err
		}
		// os.Stdout is unbuffered: the line is in the pipe when this returns.
		fmt.Println(ackPrefix + id)
	}
	return nil
}

func TestSQLiteKeepsAcknowledgedWritesAcrossSIGKILL(t *testing.T) {
	if path := os.Getenv(crashDBEnv); path != "" {
		var round int
		fmt.Sscan(os.Getenv(crashRoundEnv), &round)
		if err := crashChild(path, round); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(3)
		}
		return
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and kills subprocesses")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	var acked []string
	for round := range 3 {
		ids := runAndKill(t, path, round, 20+rand.IntN(30))
		require.NotEmpty(t, ids, "round %d acknowledged nothing", round)
		acked = append(acked, ids...)
		checkAfterCrash(t, path, acked)
	}
	t.Logf("%d acknowledged applications survived 3 SIGKILLs", len(acked))
}

// runAndKill starts a crash writer on path, kills it with SIGKILL a short
// random while after its want-th acknowledgement, and returns every id it
// acknowledged.
func runAndKill(t *testing.T, path string, round, want int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteKeepsAcknowledgedWritesAcrossSIGKILL$")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path, fmt.Sprintf("%s=%d", crashRoundEnv, round))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	var ids []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, ackPrefix) {
			continue
		}
		ids = append(ids, strings.TrimPrefix(line, ackPrefix))
		if len(ids) == want && !killed {
			// Land the kill anywhere in the next writes, not only
			// between them.
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
			require.NoError(t, cmd.Process.Kill())
			killed = true
		}
	}
	// Lines the child wrote before it died are still read above: the
	// scanner stops at EOF, after the last of them.
	err = cmd.Wait()
	require.True(t, killed, "the child exited on its own: %v\n%s", err, stderr.String())
	require.ErrorContains(t, err, "killed", "stderr:\n%s", stderr.String())
	return ids
}

// checkAfterCrash reopens the database and checks that every acknowledged
// application is there, updated, with its participant and a verifiable
// trail, and that no participant or application is stored twice; an
// application that was in flight at the kill must be whole as of its
// Create or of its Update.
func checkAfterCrash(t *testing.T, path string, acked []string) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer s.Close()

	var apps []registry.Application
	for offset := 0; ; offset += registry.MaxLimit {
		page, err := s.ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit, Offset: offset})
		require.NoError(t, err)
		apps = append(apps, page...)
		if len(page) < registry.MaxLimit {
			break
		}
	}
	stored := make(map[string]registry.Application, len(apps))
	for _, a := range apps {
		_, dup := stored[a.ID]
		require.False(t, dup, "application %s listed twice", a.ID)
		stored[a.ID] = a
	}
	for _, id := range acked {
		a, ok := stored[id]
		require.True(t, ok, "acknowledged application %s is lost", id)
		require.EqualValues(t, 2, a.Version, "acknowledged application %s lost its update", id)
		require.Equal(t, registry.StageVerifying, a.Stage)
	}
	require.LessOrEqual(t, len(apps)-len(acked), 3, "at most the in-flight application of each round is unacknowledged")

	codes := make(map[string]bool)
	for offset := 0; ; offset += registry.MaxLimit {
		page, err := s.SearchParticipants(ctx, registry.Query{Limit: registry.MaxLimit, Offset: offset})
		require.NoError(t, err)
		for _, p := range page {
			require.False(t, codes[p.ParticipantCode], "participant %s stored twice", p.ParticipantCode)
			codes[p.ParticipantCode] = true
		}
		if len(page) < registry.MaxLimit {
			break
		}
	}
	require.Len(t, codes, len(apps), "one participant per application")

	for _, a := range apps {
		require.True(t, codes[a.ParticipantCode], "application %s without its participant", a.ID)
		events, err := s.Events(ctx, a.ID)
		require.NoError(t, err)
		require.NoError(t, registry.VerifyChain(events), "application %s", a.ID)
		require.Len(t, events, int(a.Version), "application %s: one event per write", a.ID)
		byKey, err := s.ApplicationByKey(ctx, a.Key)
		require.NoError(t, err)
		require.Equal(t, a.ID, byKey.ID)
	}
}
