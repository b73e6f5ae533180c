package sqlstore_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// The crash test re-executes the test binary as an onboarding engine over
// SQLite that submits applications until the parent kills it with SIGKILL;
// these variables tell the child what to do.
const (
	crashDBEnv       = "HCX_SQLSTORE_CRASH_DB"       // the database file
	crashWorldEnv    = "HCX_SQLSTORE_CRASH_WORLD"    // the crashWorld file
	crashRoundEnv    = "HCX_SQLSTORE_CRASH_ROUND"    // the round, numbering the new application_ids
	crashResubmitEnv = "HCX_SQLSTORE_CRASH_RESUBMIT" // application_ids of earlier rounds to submit again, comma-separated
)

// The child's stdout protocol: one line per call that returned, written
// after it returned.
const (
	ackPrefix     = "ACK "     // ACK <application_id> <id> <participant code>: Submit returned
	confirmPrefix = "CONFIRM " // CONFIRM <application_id>: ConfirmOTP returned
)

// crashWorld is what the parent and every child share, so that an
// application submitted again in a later process is the same application:
// the sandbox operator's key (as its seed) and the certificate it issued.
type crashWorld struct {
	Seed        []byte `json:"seed"`
	Certificate string `json:"certificate"`
}

func newCrashWorld() (*crashWorld, error) {
	w := &crashWorld{Seed: make([]byte, 32)}
	if _, err := rand.Read(w.Seed); err != nil {
		return nil, err
	}
	iss, err := w.issuer()
	if err != nil {
		return nil, err
	}
	// A solution certificate: every application of the test relies on it.
	w.Certificate, err = iss.Issue(sandbox.Claims{Subject: "crash-test-solution", Kind: sandbox.KindSolution,
		Solution: &sandbox.Solution{Name: "crash-test", Version: "1"}, Roles: []hcxonboard.Role{hcxonboard.RolePayer}})
	return w, err
}

func (w *crashWorld) issuer() (*sandbox.Issuer, error) {
	key, err := credential.GenerateEd25519Key(bytes.NewReader(w.Seed))
	if err != nil {
		return nil, err
	}
	return sandbox.NewIssuer("sandbox.example", key, sandbox.WithValidity(24*time.Hour))
}

// service wires an engine over store: the sandbox operator trusted for
// the payer role, the verifier without any online registry (a payer needs
// none), and n for the one-time codes.
func (w *crashWorld) service(store registry.Store, n onboarding.Notifier) (*onboarding.Service, error) {
	iss, err := w.issuer()
	if err != nil {
		return nil, err
	}
	trusted, err := iss.TrustedIssuer(hcxonboard.RolePayer)
	if err != nil {
		return nil, err
	}
	list, err := sandbox.NewTrustList(trusted)
	if err != nil {
		return nil, err
	}
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(list))
	if err != nil {
		return nil, err
	}
	rules, err := verifier.New(verifier.WithSandboxVerifier(sv))
	if err != nil {
		return nil, err
	}
	return onboarding.New(store, onboarding.WithInstanceCode("hcxcrash"), onboarding.WithOTPKey(bytes.Repeat([]byte{9}, 32)), onboarding.WithVerifier(rules),
		onboarding.WithSandbox(sv), onboarding.WithNotifier(n))
}

// application returns the payer application with the given application_id;
// the same id gives the same application in every process.
func (w *crashWorld) application(appID string) *hcxonboard.Application {
	return &hcxonboard.Application{
		ApplicationID:   appID,
		ParticipantName: crashName(appID),
		Roles:           []hcxonboard.Role{hcxonboard.RolePayer},
		PrimaryEmail:    "onboarding@" + appID + ".example",
		PrimaryMobile:   "9000011001",
		Address:         &hcxonboard.Address{Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"},
		Identifiers:     hcxonboard.Identifiers{IRDARegistrationNumber: crashIRDANumber(appID), IRDAUserID: "CRASH-" + appID, SchemeCode: "default"},
		SystemAdmin:     &hcxonboard.Contact{Name: "Anita Rao", Email: "admin@" + appID + ".example", Mobile: "9000011002"},
		Documents: []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter, URI: "https://docs.example.org/letter.pdf",
			SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}},
		SandboxCertificate: w.Certificate,
	}
}

// crashIRDANumber is the IRDA registration number of an application: an
// insurer's number (1–999) is an identity one participant holds, so each
// application_id crash-<round>-<worker>-<n> gets its own, the same in
// every process. Each worker of each round has 83 numbers, far more than
// it submits before its kill.
func crashIRDANumber(appID string) string {
	var round, worker, n int
	if _, err := fmt.Sscanf(appID, "crash-%d-%d-%d", &round, &worker, &n); err != nil {
		panic(fmt.Sprintf("application_id %q: %v", appID, err))
	}
	return strconv.Itoa(1 + ((round*crashWorkers+worker)*83+n)%999)
}

// crashName is the participant name of an application: unique, so that a
// search by name finds exactly its participant.
func crashName(appID string) string { return "Crash Test Insurance " + appID }

// otpBox is a Notifier that keeps the latest one-time code per application.
type otpBox struct {
	mu    sync.Mutex
	codes map[string]string
}

func (b *otpBox) Notify(_ context.Context, m onboarding.Message) error {
	if m.Kind == onboarding.MessageOTP {
		b.mu.Lock()
		b.codes[m.ApplicationID] = m.Code
		b.mu.Unlock()
	}
	return nil
}

func (b *otpBox) code(appID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.codes[appID]
}

// crashChild submits applications from crashWorkers goroutines until it
// is killed, so that the store commits them in groups: new ones, every
// second one then confirmed with its one-time code, and every fourth call
// an application acknowledged before (in an earlier round or this one)
// submitted again. It prints each call's line once the call returned, and
// gives up after a minute so that it can never outlive a parent that
// failed to kill it.
func crashChild(path, worldPath string, round int, resubmit []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw, err := os.ReadFile(worldPath)
	if err != nil {
		return err
	}
	var w crashWorld
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	s, err := sqlstore.OpenSQLite(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	box := &otpBox{codes: map[string]string{}}
	svc, err := w.service(s, box)
	if err != nil {
		return err
	}
	errs := make([]error, crashWorkers)
	var wg sync.WaitGroup
	for worker := range crashWorkers {
		wg.Go(func() {
			errs[worker] = crashWorker(ctx, svc, &w, box, fmt.Sprintf("crash-%d-%d", round, worker), resubmit)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// crashWorkers is how many goroutines of a crash child submit at once.
const crashWorkers = 4

// crashWorker is one submitting goroutine of crashChild; its new
// applications are named prefix-00000, prefix-00001 …
func crashWorker(ctx context.Context, svc *onboarding.Service, w *crashWorld, box *otpBox, prefix string, resubmit []string) error {
	acked := append([]string(nil), resubmit...)
	for n := 0; ctx.Err() == nil; n++ {
		appID := fmt.Sprintf("%s-%05d", prefix, n)
		again := n%4 == 3 && len(acked) > 0
		if again {
			appID = acked[mrand.IntN(len(acked))]
		}
		a, err := svc.Submit(ctx, w.application(appID))
		if err != nil {
			return fmt.Errorf("submit %s: %w", appID, err)
		}
		if len(a.Reasons) > 0 || a.Participant == nil {
			return fmt.Errorf("submit %s: rejected: %v", appID, a.Reasons)
		}
		// os.Stdout is unbuffered: the line is in the pipe when this returns.
		fmt.Printf("%s%s %s %s\n", ackPrefix, appID, a.ID, a.Participant.ParticipantCode)
		if again {
			continue
		}
		acked = append(acked, appID)
		if n%2 == 0 {
			task := a.OpenTasks()
			if len(task) != 1 || task[0].Kind != onboarding.KindOTP {
				return fmt.Errorf("submit %s: tasks %+v, want one OTP task", appID, task)
			}
			if _, err := svc.ConfirmOTP(ctx, a.ID, task[0].ID, box.code(a.ID)); err != nil {
				return fmt.Errorf("confirm %s: %w", appID, err)
			}
			fmt.Println(confirmPrefix + appID)
		}
	}
	return nil
}

// ack is what the child acknowledged of one application_id.
type ack struct {
	id, code  string
	confirmed bool
}

func TestSQLiteKeepsAcknowledgedSubmitsAcrossSIGKILL(t *testing.T) {
	if path := os.Getenv(crashDBEnv); path != "" {
		round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
		if err == nil {
			var resubmit []string
			if v := os.Getenv(crashResubmitEnv); v != "" {
				resubmit = strings.Split(v, ",")
			}
			err = crashChild(path, os.Getenv(crashWorldEnv), round, resubmit)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(3)
		}
		return
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and kills subprocesses")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	world, err := newCrashWorld()
	require.NoError(t, err)
	raw, err := json.Marshal(world)
	require.NoError(t, err)
	worldPath := filepath.Join(dir, "world.json")
	require.NoError(t, os.WriteFile(worldPath, raw, 0o600))

	acked := map[string]*ack{}
	var order []string // acknowledged application_ids, first acknowledgement first
	resubmits := 0
	const rounds = 3
	for round := range rounds {
		// A few of the earlier rounds' applications are submitted again.
		var again []string
		for i := 0; i < len(order) && len(again) < 5; i += 7 {
			again = append(again, order[i])
		}
		lines := runAndKill(t, path, worldPath, round, again, 20+mrand.IntN(30))
		require.NotEmpty(t, lines, "round %d acknowledged nothing", round)
		for _, line := range lines {
			if appID, ok := strings.CutPrefix(line, confirmPrefix); ok {
				require.Contains(t, acked, appID, "confirmed before acknowledged")
				acked[appID].confirmed = true
				continue
			}
			f := strings.Fields(strings.TrimPrefix(line, ackPrefix))
			require.Len(t, f, 3, "line %q", line)
			got := &ack{id: f[1], code: f[2]}
			if prev, ok := acked[f[0]]; ok {
				resubmits++
				require.Equal(t, prev.id, got.id, "submitting %s again answered another application", f[0])
				require.Equal(t, prev.code, got.code, "submitting %s again answered another participant", f[0])
				continue
			}
			acked[f[0]] = got
			order = append(order, f[0])
		}
		checkAfterCrash(t, path, world, acked, round+1)
	}
	require.Positive(t, resubmits, "no application was submitted again")
	t.Logf("%d acknowledged applications (%d submitted again) survived %d SIGKILLs", len(acked), resubmits, rounds)
}

// runAndKill starts a crash child on path, kills it with SIGKILL a short
// random while after its want-th line, and returns every line it wrote.
func runAndKill(t *testing.T, path, worldPath string, round int, resubmit []string, want int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteKeepsAcknowledgedSubmitsAcrossSIGKILL$")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path, crashWorldEnv+"="+worldPath,
		fmt.Sprintf("%s=%d", crashRoundEnv, round), crashResubmitEnv+"="+strings.Join(resubmit, ","))
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

	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, ackPrefix) && !strings.HasPrefix(line, confirmPrefix) {
			continue
		}
		lines = append(lines, line)
		if len(lines) == want && !killed {
			// Land the kill anywhere in the next writes, not only
			// between them.
			time.Sleep(time.Duration(mrand.IntN(3000)) * time.Microsecond)
			require.NoError(t, cmd.Process.Kill())
			killed = true
		}
	}
	// Lines the child wrote before it died are still read above: the
	// scanner stops at EOF, after the last of them.
	err = cmd.Wait()
	require.True(t, killed, "the child exited on its own: %v\n%s", err, stderr.String())
	require.ErrorContains(t, err, "killed", "stderr:\n%s", stderr.String())
	return lines
}

// checkAfterCrash reopens the database and checks, through the store and
// through an engine over it, that every acknowledged application is there
// under its application_id with the participant it was acknowledged with,
// found exactly once by code and by name, and a verifiable trail; that
// every acknowledged confirmation holds; and that no participant or
// application is stored twice. At most one application per worker and
// round — those in flight at the kill — may be stored unacknowledged.
func checkAfterCrash(t *testing.T, path string, world *crashWorld, acked map[string]*ack, rounds int) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	svc, err := world.service(s, &otpBox{codes: map[string]string{}})
	require.NoError(t, err)
	one := func(field, value string) []hcxonboard.Participant {
		t.Helper()
		ps, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{field: registry.Eq(value)}})
		require.NoError(t, err)
		return ps
	}

	for appID, want := range acked {
		a, err := s.ApplicationByKey(ctx, appID)
		require.NoError(t, err, "acknowledged application %s is lost", appID)
		require.Equal(t, want.id, a.ID, "application %s", appID)
		require.Equal(t, want.code, a.ParticipantCode, "application %s", appID)
		if want.confirmed {
			require.Equal(t, registry.StageDetails, a.Stage, "application %s lost its confirmed one-time code", appID)
		} else {
			// Confirmed in flight, or not at all.
			require.Contains(t, []registry.Stage{registry.StageVerifying, registry.StageDetails}, a.Stage, "application %s", appID)
		}
		byCode := one(registry.FieldCode, want.code)
		require.Len(t, byCode, 1, "participant %s of application %s", want.code, appID)
		require.Equal(t, crashName(appID), byCode[0].ParticipantName)
		byName := one(registry.FieldName, crashName(appID))
		require.Len(t, byName, 1, "participants named after application %s", appID)
		require.Equal(t, want.code, byName[0].ParticipantCode)
		events, err := s.Events(ctx, a.ID)
		require.NoError(t, err)
		require.NoError(t, registry.VerifyChain(events), "application %s", appID)
		require.NoError(t, svc.VerifyChain(ctx, a.ID), "application %s: the trail ends where the record says", appID)
	}

	var apps []registry.Application
	for offset := 0; ; offset += registry.MaxLimit {
		page, err := s.ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit, Offset: offset})
		require.NoError(t, err)
		apps = append(apps, page...)
		if len(page) < registry.MaxLimit {
			break
		}
	}
	keys := map[string]bool{}
	for _, a := range apps {
		require.False(t, keys[a.Key], "application_id %s stored twice", a.Key)
		keys[a.Key] = true
		require.NotEmpty(t, a.ParticipantCode, "application %s without a participant", a.Key)
	}
	require.LessOrEqual(t, len(apps)-len(acked), rounds*crashWorkers, "at most the applications in flight at each kill are unacknowledged")

	codes := map[string]bool{}
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
		require.True(t, codes[a.ParticipantCode], "application %s without its participant", a.Key)
	}
}
