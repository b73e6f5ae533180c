package onboarding

import (
	"context"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// pendingTTL is how long EndedDeboardings trusts the pending
// de-boardings it read: one announced or appealed through another
// replica is seen within it.
const pendingTTL = 5 * time.Second

// pendingDeboardings caches when each pending de-boarding takes effect,
// by participant code, for EndedDeboardings.
type pendingDeboardings struct {
	mu     sync.Mutex
	gen    uint64               // bumped by every write that changes one
	read   time.Time            // when ends was read (the process's clock)
	readAt time.Time            // and by the Service's clock (WithClock)
	valid  bool                 // ends was read, and no write changed one since
	ends   map[string]time.Time // participant code → effective time
	loaded chan struct{}        // closed when a read under way ends
}

// changed drops what the cache holds: this Service wrote a de-boarding.
func (p *pendingDeboardings) changed() {
	p.mu.Lock()
	p.gen++
	p.valid = false
	p.mu.Unlock()
}

// EndedDeboardings returns the codes of the participants whose announced
// de-boarding has taken effect — OffNetwork says they are off the
// network, and Token refuses them — though the store does not hold them
// Inactive yet: the sweep (ProcessDeboardings, or RunScheduler) has not
// run since. Registry answers (search, read) show them Inactive.
//
// It reads the live applications waiting on a de-boarding (an index the
// sweep reads too) at most once every few seconds, keeping when each
// takes effect, and judges them against the clock on every call. A
// de-boarding this Service announces, appeals or finishes drops what it
// read at once; one announced or appealed through another replica is seen
// within seconds, well inside any notice period.
func (s *Service) EndedDeboardings(ctx context.Context) (map[string]bool, error) {
	ends, err := s.pendingEnds(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var out map[string]bool
	for code, at := range ends {
		if !now.Before(at) {
			if out == nil {
				out = make(map[string]bool)
			}
			out[code] = true
		}
	}
	return out, nil
}

// pendingEnds returns when each pending de-boarding takes effect, read
// again when what the cache holds is older than pendingTTL, by the
// process's clock or by the Service's (which a test, or a clock set
// anew, moves on by itself), or was dropped. Concurrent callers share
// one read.
func (s *Service) pendingEnds(ctx context.Context) (map[string]time.Time, error) {
	p := &s.pending
	for {
		p.mu.Lock()
		if age := s.clock().Sub(p.readAt); p.valid && time.Since(p.read) < pendingTTL && age > -pendingTTL && age < pendingTTL {
			ends := p.ends
			p.mu.Unlock()
			return ends, nil
		}
		if wait := p.loaded; wait != nil {
			p.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		p.loaded, p.read, p.readAt = done, time.Now(), s.clock()
		gen := p.gen
		p.mu.Unlock()

		ends, err := s.readPendingEnds(ctx)

		p.mu.Lock()
		p.loaded = nil
		close(done)
		if err != nil {
			p.mu.Unlock()
			return nil, err
		}
		// A write that changed a de-boarding during the read may not be
		// in it: the next call reads again.
		p.ends, p.valid = ends, gen == p.gen
		p.mu.Unlock()
		return ends, nil
	}
}

// readPendingEnds reads every live application waiting on a de-boarding.
func (s *Service) readPendingEnds(ctx context.Context) (map[string]time.Time, error) {
	ends := make(map[string]time.Time)
	f := registry.ApplicationFilter{Stage: registry.StageLive, Waiting: WaitingDeboarding, Limit: registry.MaxLimit}
	for {
		page, err := s.QueuePage(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			if a.Participant == nil || a.Status == hcxonboard.StatusInactive || !a.Deboarding.Pending() {
				continue
			}
			ends[a.Participant.ParticipantCode] = a.Deboarding.EffectiveAt
		}
		if page.Next == "" {
			return ends, nil
		}
		f.Cursor = page.Next
	}
}
