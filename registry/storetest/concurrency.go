package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// race starts n goroutines that call fn(i) at once and returns their
// errors. fn must not call t.FailNow.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors matching want; anything else is
// returned in others.
func tally(errs []error, want error) (ok, matched int, others []error) {
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, want):
			matched++
		default:
			others = append(others, err)
		}
	}
	return ok, matched, others
}

func testConcurrency(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("of several updates from one version exactly one wins", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := newParticipant("1000001@hcx", at(0))
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
		for round := range 5 {
			const n = 8
			prev := lastEvent(t, s, "app-1")
			errs := race(n, func(i int) error {
				mine := a.Clone()
				mine.State = []byte(fmt.Sprintf(`{"round":%d,"writer":%d}`, round, i))
				mp := p.Clone()
				mp.ParticipantName = fmt.Sprintf("writer %d of round %d", i, round)
				e := registry.Chain(prev, event("app-1", fmt.Sprintf("write-%d", i), "", "", at(time.Duration(round+1)*time.Hour)))
				return s.Update(ctx, registry.Write{Application: mine, Participant: mp, Events: e})
			})
			ok, conflicts, others := tally(errs, registry.ErrVersionConflict)
			require.Empty(t, others)
			require.Equal(t, 1, ok, "round %d: winners", round)
			require.Equal(t, n-1, conflicts, "round %d: losers", round)

			var winner int
			for i, err := range errs {
				if err == nil {
					winner = i
				}
			}
			got, err := s.Application(ctx, "app-1")
			require.NoError(t, err)
			require.Equal(t, a.Version+1, got.Version)
			require.JSONEq(t, fmt.Sprintf(`{"round":%d,"writer":%d}`, round, winner), string(got.State), "the stored state is the winner's")
			gotP, err := s.Participant(ctx, "1000001@hcx")
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("writer %d of round %d", winner, round), gotP.ParticipantName, "the stored participant is the winner's")
			events, err := s.Events(ctx, "app-1")
			require.NoError(t, err)
			require.Len(t, events, round+2)
			require.Equal(t, fmt.Sprintf("write-%d", winner), events[len(events)-1].Action, "the appended event is the winner's")
			require.NoError(t, registry.VerifyChain(events))
			a = got
		}
	})

	t.Run("16 writers retrying on conflict lose no update", func(t *testing.T) {
		t.Parallel()
		const writers, updates = 16, 8
		s := newStore(t)
		seed(t, s, newApp("app-1", "key-1", "", at(0)), nil)
		var succeeded, conflicts atomic.Int64
		errs := race(writers, func(w int) error {
			for u := 0; u < updates; {
				a, err := s.Application(ctx, "app-1")
				if err != nil {
					return err
				}
				events, err := s.Events(ctx, "app-1")
				if err != nil {
					return err
				}
				a.State = []byte(fmt.Sprintf(`{"writer":%d,"update":%d}`, w, u))
				a.UpdatedAt = at(time.Duration(a.Version) * time.Second)
				e := registry.Chain(&events[len(events)-1], event("app-1", fmt.Sprintf("w%d-u%d", w, u), "", "", a.UpdatedAt))
				switch err := s.Update(ctx, registry.Write{Application: a, Events: e}); {
				case err == nil:
					succeeded.Add(1)
					u++
				case errors.Is(err, registry.ErrVersionConflict), errors.Is(err, registry.ErrConflict):
					// The application or its trail moved on since it was read.
					if conflicts.Add(1) > writers*updates*1000 {
						return fmt.Errorf("writer %d starved: %w", w, err)
					}
				default:
					return err
				}
			}
			return nil
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		require.EqualValues(t, writers*updates, succeeded.Load())
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.EqualValues(t, 1+writers*updates, got.Version, "one version per successful update")
		events, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, events, 1+writers*updates, "one event per successful update")
		require.NoError(t, registry.VerifyChain(events))
		seen := make(map[string]bool)
		for _, e := range events[1:] {
			assert.False(t, seen[e.Action], "event %s appended twice", e.Action)
			seen[e.Action] = true
		}
		t.Logf("%d updates, %d conflicts retried", succeeded.Load(), conflicts.Load())
	})

	t.Run("racing creates with one key store one application", func(t *testing.T) {
		t.Parallel()
		const n = 8
		s := newStore(t)
		errs := race(n, func(i int) error {
			id := fmt.Sprintf("app-%d", i)
			code := fmt.Sprintf("100000%d@hcx", i)
			return s.Create(ctx, registry.Write{Application: newApp(id, "same-key", code, at(0)), Participant: newParticipant(code, at(0)), Events: submitted(id, at(0))})
		})
		ok, dups, others := tally(errs, registry.ErrDuplicateKey)
		require.Empty(t, others)
		require.Equal(t, 1, ok)
		require.Equal(t, n-1, dups)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		hits, err := s.SearchParticipants(ctx, registry.Query{})
		require.NoError(t, err)
		require.Equal(t, []string{list[0].ParticipantCode}, codes(hits), "only the winner's participant is stored")
	})

	t.Run("racing creates of one participant store one record", func(t *testing.T) {
		t.Parallel()
		const n = 8
		s := newStore(t)
		errs := race(n, func(i int) error {
			id := fmt.Sprintf("app-%d", i)
			p := newParticipant("1000001@hcx", at(0))
			p.ParticipantName = id
			return s.Create(ctx, registry.Write{Application: newApp(id, "key-"+id, "1000001@hcx", at(0)), Participant: p, Events: submitted(id, at(0))})
		})
		ok, conflicts, others := tally(errs, registry.ErrConflict)
		require.Empty(t, others)
		require.Equal(t, 1, ok)
		require.Equal(t, n-1, conflicts)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		p, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		require.Equal(t, list[0].ID, p.ParticipantName, "the participant is the winner's")
	})

	t.Run("concurrent creates of distinct applications all land", func(t *testing.T) {
		t.Parallel()
		const n = 32
		s := newStore(t)
		errs := race(n, func(i int) error {
			id := fmt.Sprintf("app-%02d", i)
			code := fmt.Sprintf("10000%02d@hcx", i)
			return s.Create(ctx, registry.Write{Application: newApp(id, "key-"+id, code, at(0)), Participant: newParticipant(code, at(0)), Events: submitted(id, at(0))})
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Len(t, list, n)
		hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleHospital))}})
		require.NoError(t, err)
		require.Len(t, hits, n)
	})
}

func testContext(t *testing.T, newStore NewStore) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()

	for _, c := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"a cancelled context", cancelled, context.Canceled},
		{"an expired deadline", expired, context.DeadlineExceeded},
	} {
		t.Run(c.name+" fails every call and writes nothing", func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			p := newParticipant("1000001@hcx", at(0))
			a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
			want := a.Clone()

			calls := map[string]func() error{
				"Participant": func() error { _, err := s.Participant(c.ctx, "1000001@hcx"); return err },
				"SearchParticipants": func() error {
					_, err := s.SearchParticipants(c.ctx, registry.Query{})
					return err
				},
				"Application":      func() error { _, err := s.Application(c.ctx, "app-1"); return err },
				"ApplicationByKey": func() error { _, err := s.ApplicationByKey(c.ctx, "key-1"); return err },
				"ListApplications": func() error {
					_, err := s.ListApplications(c.ctx, registry.ApplicationFilter{})
					return err
				},
				"Events": func() error { _, err := s.Events(c.ctx, "app-1"); return err },
				"Create": func() error {
					return s.Create(c.ctx, registry.Write{Application: newApp("app-2", "key-2", "1000002@hcx", at(0)), Participant: newParticipant("1000002@hcx", at(0)), Events: submitted("app-2", at(0))})
				},
				"Update": func() error {
					b := a.Clone()
					b.Stage = registry.StageRejected
					p2 := p.Clone()
					p2.Status = hcxonboard.StatusBlocked
					e := registry.Chain(lastEvent(t, s, "app-1"), event("app-1", "reject", "submitted", "rejected", at(time.Hour)))
					return s.Update(c.ctx, registry.Write{Application: b, Participant: p2, Events: e})
				},
			}
			if cr, ok := s.(registry.ClaimReader); ok {
				calls["ApplicationByClaim"] = func() error { _, err := cr.ApplicationByClaim(c.ctx, "hfr:A"); return err }
			}
			for name, call := range calls {
				require.ErrorIs(t, call(), c.want, name)
			}

			requireNoApp(t, s, "app-2")
			requireNoParticipant(t, s, "1000002@hcx")
			requireStored(t, s, want, p, 1)
		})
	}
}
