package registry

import "context"

// StageCounter is what a store that can count its applications by stage
// offers, for metrics: an optional capability of a Store, found by type
// assertion, as OutboxStore is. Every store of this module implements it.
//
//	if sc, ok := store.(registry.StageCounter); ok {
//		counts, err := sc.CountApplications(ctx)
//		…
//	}
type StageCounter interface {
	// CountApplications returns how many applications stand in each
	// stage. Every stage of Stages is a key, zero when none stands
	// there; a stage the store holds that Stages does not list is
	// counted under its own name.
	CountApplications(ctx context.Context) (map[Stage]int, error)
}

// Stages lists the stages in the order an application moves through
// them, the two ends last.
func Stages() []Stage {
	return []Stage{StageSubmitted, StageVerifying, StageDetails, StageCredentials, StageLive, StageRejected, StageWithdrawn}
}

// NewStageCounts returns a count of zero for every stage of Stages, for a
// StageCounter to add to.
func NewStageCounts() map[Stage]int {
	counts := make(map[Stage]int, 7)
	for _, st := range Stages() {
		counts[st] = 0
	}
	return counts
}

// CountApplications counts the applications in each stage, as
// [StageCounter] describes.
func (s *MemoryStore) CountApplications(ctx context.Context) (map[Stage]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	counts := NewStageCounts()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.apps {
		counts[a.Stage]++
	}
	return counts, nil
}
