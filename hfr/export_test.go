package hfr

import (
	"context"
	"time"
)

// WithSleep replaces the wait between retries, so that tests can see the
// wait chosen without spending it.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *config) error {
		c.sleep = f
		return nil
	}
}
