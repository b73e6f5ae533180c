package participant

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/openhcx/hcxonboard/readiness"
)

// DefaultLeeway is the clock difference tolerated on a challenge's iat
// and exp.
const DefaultLeeway = time.Minute

// ErrInvalidOption reports an option NewHandler cannot work with, or a
// required one missing.
var ErrInvalidOption = errors.New("participant: invalid option")

// Option configures NewHandler.
type Option func(*Handler) error

// WithParticipant makes the handler answer challenges addressed to code
// (their aud) with keys. Required at least once; a software vendor whose
// one endpoint serves several participants gives each its code and keys.
func WithParticipant(code string, keys Keys) Option {
	return func(h *Handler) error {
		if code == "" {
			return fmt.Errorf("%w: empty participant code", ErrInvalidOption)
		}
		if _, dup := h.participants[code]; dup {
			return fmt.Errorf("%w: participant %q given twice", ErrInvalidOption, code)
		}
		alg, err := keys.check()
		if err != nil {
			return fmt.Errorf("participant %q: %w", code, err)
		}
		h.participants[code] = &served{code: code, keys: keys, alg: alg}
		return nil
	}
}

// WithOperator trusts challenges whose iss is issuer and whose signature
// verifies with the key keys holds under the challenge's kid. Required
// at least once. The operator's published JWKS is RemoteKeys; a key set
// given out of band is StaticKeys; a self-test's throw-away key is
// FileKeys.
func WithOperator(issuer string, keys KeySource) Option {
	return func(h *Handler) error {
		if issuer == "" {
			return fmt.Errorf("%w: empty operator issuer", ErrInvalidOption)
		}
		if keys == nil {
			return fmt.Errorf("%w: operator %q: nil key source", ErrInvalidOption, issuer)
		}
		if _, dup := h.operators[issuer]; dup {
			return fmt.Errorf("%w: operator %q given twice", ErrInvalidOption, issuer)
		}
		h.operators[issuer] = keys
		return nil
	}
}

// WithLeeway sets the clock difference tolerated on iat and exp (default
// DefaultLeeway, at most readiness.MaxChallengeLifetime).
func WithLeeway(d time.Duration) Option {
	return func(h *Handler) error {
		if d < 0 || d > readiness.MaxChallengeLifetime {
			return fmt.Errorf("%w: leeway %v outside [0, %v]", ErrInvalidOption, d, readiness.MaxChallengeLifetime)
		}
		h.leeway = d
		return nil
	}
}

// WithReplayCache sets where answered challenges are remembered (default:
// in memory, for this handler only). Replicas of one endpoint share one.
func WithReplayCache(c ReplayCache) Option {
	return func(h *Handler) error {
		if c == nil {
			return fmt.Errorf("%w: nil replay cache", ErrInvalidOption)
		}
		h.replay = c
		return nil
	}
}

// WithClock sets the time source (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(h *Handler) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		h.clock = now
		return nil
	}
}

// WithLogger logs every challenge answered or refused, with the reason,
// the issuer, the kid and the jti — never the challenge itself (default:
// no logging).
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		h.log = l
		return nil
	}
}
