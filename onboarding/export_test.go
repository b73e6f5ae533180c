package onboarding

import "time"

// WithStallFloor sets the least silence after which Ready calls a
// background loop stopped (two minutes outside tests).
func WithStallFloor(d time.Duration) Option {
	return func(s *Service) error {
		s.stallFloor = d
		return nil
	}
}
