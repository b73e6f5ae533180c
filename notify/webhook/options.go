package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// ErrInvalidOption marks a construction error.
var ErrInvalidOption = errors.New("webhook: invalid option")

// Defaults.
const (
	// DefaultMaxAttempts is how many times one Notify call tries a
	// delivery.
	DefaultMaxAttempts = 4
	// DefaultBackoff and DefaultMaxBackoff bound the wait between
	// attempts when the receiver names none: DefaultBackoff doubling per
	// attempt, at most DefaultMaxBackoff, each drawn at random from its
	// upper half (jitter).
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = 15 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After one Notify call
	// waits out; a receiver asking for longer gets no further attempt from
	// this call, and the outbox tries again later.
	DefaultMaxRetryAfter = 30 * time.Second
)

// Option configures a Sender.
type Option func(*Sender) error

// WithClient sets the HTTP client. Give the operator's SSRF-safe client
// (safefetch.Fetcher.Client): endpoints are participants' own URLs.
// Default: a safefetch client with its defaults.
func WithClient(c *http.Client) Option {
	return func(s *Sender) error {
		if c == nil {
			return fmt.Errorf("%w: nil HTTP client", ErrInvalidOption)
		}
		s.client = c
		return nil
	}
}

// WithMaxAttempts sets how many times one Notify call tries (default
// DefaultMaxAttempts; 1 turns retries off).
func WithMaxAttempts(n int) Option {
	return func(s *Sender) error {
		if n < 1 || n > 20 {
			return fmt.Errorf("%w: %d attempts (1 to 20)", ErrInvalidOption, n)
		}
		s.maxAttempts = n
		return nil
	}
}

// WithBackoff sets the first wait between attempts and its cap (defaults
// DefaultBackoff, DefaultMaxBackoff).
func WithBackoff(first, most time.Duration) Option {
	return func(s *Sender) error {
		if first <= 0 || most < first {
			return fmt.Errorf("%w: backoff %s up to %s", ErrInvalidOption, first, most)
		}
		s.backoff, s.maxBackoff = first, most
		return nil
	}
}

// WithMaxRetryAfter sets the longest Retry-After one call waits out
// (default DefaultMaxRetryAfter).
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *Sender) error {
		if d < 0 {
			return fmt.Errorf("%w: Retry-After cap %s", ErrInvalidOption, d)
		}
		s.maxRetryAfter = d
		return nil
	}
}

// WithSleep replaces the wait between attempts, for tests. sleep must
// return early with ctx's error when ctx ends.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Sender) error {
		if sleep == nil {
			return fmt.Errorf("%w: nil sleep", ErrInvalidOption)
		}
		s.sleep = sleep
		return nil
	}
}

// WithClock sets the clock that signs (the "iat" header) and reads a
// Retry-After given as a date (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Sender) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		s.now = now
		return nil
	}
}

// WithJitter sets the source of the backoff's jitter: a function
// returning a number in [0, 1) (default math/rand/v2's Float64).
func WithJitter(f func() float64) Option {
	return func(s *Sender) error {
		if f == nil {
			return fmt.Errorf("%w: nil jitter", ErrInvalidOption)
		}
		s.jitter = f
		return nil
	}
}

// WithRandom sets the source of the random keys of messages that have
// none of their own (see notify.Key; default crypto/rand).
func WithRandom(r io.Reader) Option {
	return func(s *Sender) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidOption)
		}
		s.rand = r
		return nil
	}
}

// WithLogger sets where the Sender logs attempts, at debug level: kind,
// recipient, key, attempt and status — never a body or a code. Default:
// no logging.
func WithLogger(l *slog.Logger) Option {
	return func(s *Sender) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		s.log = l
		return nil
	}
}
