package crashtest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// The children's stdout protocol: one line per event, written once it
// happened.
const (
	// ackPrefix: ACK <transition> <application> <message ids, comma-separated, or ->:
	// the engine call returned, and its write produced those messages.
	ackPrefix     = "ACK "
	drainedPrefix = "DRAINED " // DRAINED <messages sent>: nothing is pending
	readyLine     = "READY"    // a dispatcher waits for its go
	doneLine      = "DONE"     // a dispatcher saw nothing pending and stopped
)

// childTimeout bounds a child's life, so that none outlives a parent that
// failed to end it.
const childTimeout = time.Minute

// TestHelperProcess is the children's entry point: without envMode it
// does nothing.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envMode)
	if mode == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	err := runChild(ctx, mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest child:", err)
		os.Exit(3)
	}
}

func runChild(ctx context.Context, mode string) error {
	w, err := readWorld(os.Getenv(envWorld))
	if err != nil {
		return err
	}
	s, err := w.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch mode {
	case modeWork:
		round, err := strconv.Atoi(os.Getenv(envRound))
		if err != nil {
			return fmt.Errorf("round: %w", err)
		}
		return work(ctx, w, s, round)
	case modeDrain:
		return drain(ctx, w, s)
	case modeDispatch:
		return dispatch(ctx, w, s, os.Getenv(envLabel))
	case modeSchedule:
		return schedule(ctx, w, s, os.Getenv(envLabel), os.Getenv(envLease) == "1")
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// outMu keeps the protocol's lines whole.
var outMu sync.Mutex

// say writes one protocol line, in one write.
func say(format string, args ...any) {
	outMu.Lock()
	defer outMu.Unlock()
	// os.Stdout is unbuffered: the line is in the pipe when this returns.
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

// codeTee sends each message through the webhook Sender and, once it is
// delivered, keeps a one-time code for the worker that will confirm it.
type codeTee struct {
	next  onboarding.Notifier
	mu    sync.Mutex
	codes map[string]string
}

func (c *codeTee) Notify(ctx context.Context, m onboarding.Message) error {
	if err := c.next.Notify(ctx, m); err != nil {
		return err
	}
	if m.Kind == onboarding.MessageOTP {
		c.mu.Lock()
		c.codes[m.ApplicationID] = m.Code
		c.mu.Unlock()
	}
	return nil
}

func (c *codeTee) code(appID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codes[appID]
}

// A work child runs workers goroutines, each taking applications from
// Submit to go-live, at most payersPerWorker payers each per round.
const (
	workers         = 3
	payersPerWorker = 40
	maxRounds       = 8 // IRDA numbers: workers*payersPerWorker*maxRounds < 999
)

// work submits applications and drives them to go-live from several
// goroutines, with a dispatcher running beside them, until ctx ends or
// the parent kills it. After each engine call returns it prints the
// transition and the ids of the outbox messages its write produced.
func work(ctx context.Context, w *world, s *sqlstore.Store, round int) error {
	if round < 0 || round >= maxRounds {
		return fmt.Errorf("round %d outside 0..%d", round, maxRounds-1)
	}
	snd, err := w.sender("work")
	if err != nil {
		return err
	}
	tee := &codeTee{next: snd, codes: map[string]string{}}
	svc, err := w.service(s, tee)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = svc.RunOutbox(ctx, 20*time.Millisecond) }()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for worker := range workers {
		wg.Go(func() {
			errs[worker] = workLoop(ctx, w, svc, s, tee, round, worker)
			if errs[worker] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func workLoop(ctx context.Context, w *world, svc *onboarding.Service, s *sqlstore.Store, tee *codeTee, round, worker int) error {
	for k := 0; ctx.Err() == nil; k++ {
		kind := (k + worker) % kinds
		payer := k / kinds
		if payer >= payersPerWorker {
			<-ctx.Done()
			return nil
		}
		n := (round*workers+worker)*payersPerWorker + payer
		appID := fmt.Sprintf("crash-%d-%d-%03d", round, worker, k)
		if err := drive(ctx, w, svc, s, tee, w.application(appID, kind, n)); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s: %w", appID, err)
		}
	}
	return nil
}

// drive takes one application from Submit to go-live, acknowledging each
// transition. An application whose one-time code did not reach the
// receiver (the receiver refused it) is left where it is.
func drive(ctx context.Context, w *world, svc *onboarding.Service, s *sqlstore.Store, tee *codeTee, app *hcxonboard.Application) error {
	seen := map[string]bool{}
	ack := func(transition, id string) error {
		ms, err := s.ListOutbox(ctx, registry.OutboxFilter{ApplicationID: id, Limit: registry.MaxLimit})
		if err != nil {
			return err
		}
		var fresh []string
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				fresh = append(fresh, m.ID)
			}
		}
		slices.Sort(fresh)
		list := strings.Join(fresh, ",")
		if list == "" {
			list = "-"
		}
		say("%s%s %s %s", ackPrefix, transition, id, list)
		return nil
	}

	a, err := svc.Submit(ctx, app)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if len(a.Reasons) > 0 {
		return fmt.Errorf("submit: rejected: %v", a.Reasons)
	}
	if err := ack("submit", a.ID); err != nil {
		return err
	}
	for a.Stage == registry.StageVerifying {
		open := a.OpenTasks()
		if len(open) != 1 {
			return fmt.Errorf("tasks %+v, want one", open)
		}
		task := open[0]
		switch task.Kind {
		case onboarding.KindOTP:
			code := tee.code(a.ID)
			if code == "" {
				return nil
			}
			if a, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code); err != nil {
				return fmt.Errorf("confirm: %w", err)
			}
			err = ack("confirm_otp", a.ID)
		case onboarding.KindApproval, onboarding.KindReview:
			if a, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "officer-7", Reason: "confirmed"}); err != nil {
				return fmt.Errorf("decide: %w", err)
			}
			err = ack("decide", a.ID)
		default:
			return fmt.Errorf("unexpected task %s", task.Kind)
		}
		if err != nil {
			return err
		}
	}
	host := "hcx." + app.ApplicationID + ".example"
	if a, err = svc.SubmitDetails(ctx, a.ID, w.details(host)); err != nil {
		return fmt.Errorf("details: %w", err)
	}
	if err := ack("details", a.ID); err != nil {
		return err
	}
	if _, err := svc.Provision(ctx, a.ID); err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	if err := ack("provision", a.ID); err != nil {
		return err
	}
	if _, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ops-lead"}); err != nil {
		return fmt.Errorf("go-live: %w", err)
	}
	return ack("go_live", a.ID)
}

// drainLease is past the engine's outbox lease (two minutes): a drain
// runs its clock this far ahead, as a restart that long after the crash
// would, so the leases the killed process held have expired.
const drainLease = 3 * time.Minute

// drain dispatches until nothing is pending. Messages a failure put off
// (the outbox backs off for half a minute and more) are reached by
// moving the drain's clock on whenever a pass finds nothing due.
func drain(ctx context.Context, w *world, s *sqlstore.Store) error {
	snd, err := w.sender("drain")
	if err != nil {
		return err
	}
	var ahead atomic.Int64
	ahead.Store(int64(drainLease))
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	svc, err := w.service(s, snd, onboarding.WithClock(clock))
	if err != nil {
		return err
	}
	sent := 0
	for range 500 {
		n, err := svc.DispatchOutbox(ctx)
		if err != nil {
			return err
		}
		sent += n
		depth, err := s.OutboxDepth(ctx)
		if err != nil {
			return err
		}
		if depth[registry.OutboxPending] == 0 {
			say("%s%d", drainedPrefix, sent)
			return nil
		}
		if n == 0 {
			ahead.Add(int64(5 * time.Minute))
		}
	}
	return errors.New("the outbox did not drain in 500 passes")
}

// dispatch waits for a line on stdin, then runs the dispatcher until
// nothing is pending.
func dispatch(ctx context.Context, w *world, s *sqlstore.Store, label string) error {
	snd, err := w.sender(label)
	if err != nil {
		return err
	}
	svc, err := w.service(s, snd)
	if err != nil {
		return err
	}
	say(readyLine)
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return fmt.Errorf("waiting for go: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.RunOutbox(runCtx, 5*time.Millisecond) }()
	defer func() { stop(); <-done }()
	for ctx.Err() == nil {
		depth, err := s.OutboxDepth(ctx)
		if err != nil {
			return err
		}
		if depth[registry.OutboxPending] == 0 {
			say(doneLine)
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ctx.Err()
}

// child is a started child process and its protocol lines.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // closed at EOF
	stderr *strings.Builder
	stdin  io.WriteCloser // a dispatcher's or a scheduler's
}

// startChild starts the test binary in mode with env added.
func startChild(t *testing.T, mode, worldPath string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{envMode + "=" + mode, envWorld + "=" + worldPath}, env...)...)
	c := &child{cmd: cmd, lines: make(chan string, 1024), stderr: &strings.Builder{}}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if mode == modeDispatch || mode == modeSchedule {
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		c.stdin = in
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			for _, p := range []string{ackPrefix, drainedPrefix, readyLine, doneLine, atPrefix, checkedPrefix} {
				if strings.HasPrefix(line, p) {
					c.lines <- line
					break
				}
			}
		}
	}()
	return c
}
