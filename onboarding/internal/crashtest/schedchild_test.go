package crashtest_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// The scheduler children's protocol. On stdin, one command a line:
// "at <unix ms>" sets the child's clock to that time (it runs on from
// there), "check" runs one RunDue pass; end of input stops the scheduled
// work, and once nothing is pending the dispatcher. On stdout, after
// readyLine, one line per command, and doneLine at the end.
const (
	atPrefix = "AT " // AT <unix ms>: the clock is set
	// CHECKED <applications the check pass changed> <applications the
	// scheduled passes changed so far>: the "check" pass ran. Without the
	// lease the count is exact: the check waits for the pass under way.
	checkedPrefix = "CHECKED "
	// DONE <applications its passes changed> <warnings and errors logged>
)

// passMessage is the message RunScheduler logs after each pass, with the
// number of applications it changed as "changed": the child sums them.
const passMessage = "scheduler: pass"

// passLog is a slog.Handler that sums the "changed" of passMessage
// records and counts the records at warning level and above, which it
// also writes to stderr.
type passLog struct {
	next     slog.Handler
	changed  *atomic.Int64
	problems *atomic.Int64
}

func newPassLog() *passLog {
	return &passLog{next: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}),
		changed: new(atomic.Int64), problems: new(atomic.Int64)}
}

func (h *passLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *passLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == passMessage {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "changed" && a.Value.Kind() == slog.KindInt64 {
				h.changed.Add(a.Value.Int64())
			}
			return true
		})
	}
	if r.Level < slog.LevelWarn {
		return nil
	}
	h.problems.Add(1)
	return h.next.Handle(ctx, r)
}

func (h *passLog) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	return &c
}

func (h *passLog) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}

// schedule is one operator replica: it runs the engine's scheduled work —
// RunScheduler when leased, else RunDue over and over, with no lease —
// and the outbox dispatcher, delivering through the webhook Sender, on a
// clock the parent sets with "at" commands.
func schedule(ctx context.Context, w *world, s *sqlstore.Store, label string, leased bool) error {
	snd, err := w.sender(label)
	if err != nil {
		return err
	}
	var ahead atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	logs := newPassLog()
	svc, err := w.service(s, snd, onboarding.WithClock(clock), onboarding.WithLogger(slog.New(logs)))
	if err != nil {
		return err
	}

	outCtx, stopOutbox := context.WithCancel(ctx)
	schedCtx, stopSchedule := context.WithCancel(ctx)
	var outbox, scheduled sync.WaitGroup
	var pass sync.Mutex // held by each RunDue of the loop
	outbox.Go(func() { _ = svc.RunOutbox(outCtx, 10*time.Millisecond) })
	scheduled.Go(func() {
		if leased {
			if err := svc.RunScheduler(schedCtx, onboarding.SchedulerOptions{Interval: time.Second, Owner: label}); err != nil {
				logs.problems.Add(1)
				fmt.Fprintln(os.Stderr, "RunScheduler:", err)
			}
			return
		}
		for schedCtx.Err() == nil {
			pass.Lock()
			n, err := svc.RunDue(schedCtx)
			logs.changed.Add(int64(n))
			pass.Unlock()
			if err != nil && schedCtx.Err() == nil {
				logs.problems.Add(1)
				fmt.Fprintln(os.Stderr, "RunDue:", err)
			}
			select {
			case <-schedCtx.Done():
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	defer func() {
		stopSchedule()
		scheduled.Wait()
		stopOutbox()
		outbox.Wait()
	}()

	say(readyLine)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "at":
			ms, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return fmt.Errorf("command %q: %w", sc.Text(), err)
			}
			ahead.Store(int64(time.Until(time.UnixMilli(ms))))
			say("%s%d", atPrefix, ms)
		case len(f) == 1 && f[0] == "check":
			pass.Lock()
			changed := logs.changed.Load()
			n, err := svc.RunDue(ctx)
			pass.Unlock()
			if err != nil {
				return fmt.Errorf("check pass: %w", err)
			}
			say("%s%d %d", checkedPrefix, n, changed)
		default:
			return fmt.Errorf("unknown command %q", sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading commands: %w", err)
	}

	stopSchedule()
	scheduled.Wait()
	for {
		depth, err := s.OutboxDepth(ctx)
		if err != nil {
			return err
		}
		if depth[registry.OutboxPending] == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	say("%s %d %d", doneLine, logs.changed.Load(), logs.problems.Load())
	return nil
}
