package credential

import (
	"fmt"
	"io"
	"time"
)

// SecretOption configures NewSecrets.
type SecretOption interface {
	applySecrets(*Secrets) error
}

// TokenOption configures NewTokens.
type TokenOption interface {
	applyTokens(*Tokens) error
}

// Option configures either constructor: WithTTL, WithClock and WithRand
// mean the same thing to both, each checking its value against its own
// limits.
type Option interface {
	SecretOption
	TokenOption
}

type sharedOption struct {
	secrets func(*Secrets) error
	tokens  func(*Tokens) error
}

func (o sharedOption) applySecrets(s *Secrets) error { return o.secrets(s) }
func (o sharedOption) applyTokens(t *Tokens) error   { return o.tokens(t) }

type tokenOption func(*Tokens) error

func (o tokenOption) applyTokens(t *Tokens) error { return o(t) }

var (
	_ Option      = sharedOption{}
	_ TokenOption = tokenOption(nil)
)

// WithTTL sets how long what the constructor mints stays valid. Secrets:
// any positive duration, default DefaultSecretTTL (90 days). Tokens: from
// one second to MaxTokenTTL (24 hours), whole seconds (exp is in seconds),
// default DefaultTokenTTL (1 hour).
func WithTTL(d time.Duration) Option {
	return sharedOption{
		secrets: func(s *Secrets) error {
			if d <= 0 {
				return fmt.Errorf("%w: secret TTL %v must be positive", ErrInvalidOption, d)
			}
			s.ttl = d
			return nil
		},
		tokens: func(t *Tokens) error {
			if d < time.Second || d > MaxTokenTTL {
				return fmt.Errorf("%w: token TTL %v must be between 1s and %v", ErrInvalidOption, d, MaxTokenTTL)
			}
			if d%time.Second != 0 {
				return fmt.Errorf("%w: token TTL %v is not a whole number of seconds", ErrInvalidOption, d)
			}
			t.ttl = d
			return nil
		},
	}
}

// WithClock sets the source of the current time (default time.Now).
func WithClock(now func() time.Time) Option {
	check := func() error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		return nil
	}
	return sharedOption{
		secrets: func(s *Secrets) error {
			if err := check(); err != nil {
				return err
			}
			s.now = now
			return nil
		},
		tokens: func(t *Tokens) error {
			if err := check(); err != nil {
				return err
			}
			t.now = now
			return nil
		},
	}
}

// WithRand sets the random source (default crypto/rand): secrets and
// record IDs for Secrets, token IDs (jti) for Tokens. Anything but a
// cryptographically secure source is for tests only. A source that is not
// safe for concurrent use is fine: reads are serialised.
func WithRand(r io.Reader) Option {
	check := func() error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidOption)
		}
		return nil
	}
	return sharedOption{
		secrets: func(s *Secrets) error {
			if err := check(); err != nil {
				return err
			}
			s.rand = newLockedReader(r)
			return nil
		},
		tokens: func(t *Tokens) error {
			if err := check(); err != nil {
				return err
			}
			t.rand = newLockedReader(r)
			return nil
		},
	}
}
