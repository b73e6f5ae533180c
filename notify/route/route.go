package route

import (
	"context"
	"errors"
	"fmt"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

var (
	// ErrInvalidOption marks a construction error.
	ErrInvalidOption = errors.New("route: invalid option")
	// ErrUnknownAddress: the message's address is of no kind the router
	// knows (see notify.Classify). The fallback does not take these: an
	// address nobody can parse is a bug to surface, not mail to guess at.
	ErrUnknownAddress = notify.Permanent("route: unknown kind of address")
	// ErrNoTransport: the router has no transport for the address's kind
	// and no fallback.
	ErrNoTransport = notify.Permanent("route: no transport for this kind of address")
)

// Router sends each message through the transport for the kind of its
// address. It is an onboarding.Notifier, safe for concurrent use when its
// transports are.
type Router struct {
	byKind   map[notify.AddressKind]onboarding.Notifier
	fallback onboarding.Notifier
}

var _ onboarding.Notifier = (*Router)(nil)

// Option configures a Router.
type Option func(*Router) error

func with(k notify.AddressKind, n onboarding.Notifier) Option {
	return func(r *Router) error {
		if n == nil {
			return fmt.Errorf("%w: nil transport for %s addresses", ErrInvalidOption, k)
		}
		if _, dup := r.byKind[k]; dup {
			return fmt.Errorf("%w: two transports for %s addresses", ErrInvalidOption, k)
		}
		r.byKind[k] = n
		return nil
	}
}

// WithEmail sets the transport for e-mail addresses (an email.Mailer).
func WithEmail(n onboarding.Notifier) Option { return with(notify.Email, n) }

// WithMobile sets the transport for mobile numbers (an sms.Gateway).
func WithMobile(n onboarding.Notifier) Option { return with(notify.Mobile, n) }

// WithParticipant sets the transport for participant codes (a
// webhook.Sender resolving each code to its endpoint).
func WithParticipant(n onboarding.Notifier) Option { return with(notify.Participant, n) }

// WithBroadcast sets the transport for onboarding.Broadcast.
func WithBroadcast(n onboarding.Notifier) Option { return with(notify.Broadcast, n) }

// WithStaff sets the transport for onboarding.Staff — for instance
// Redirect to the review team's mailbox through the Mailer.
func WithStaff(n onboarding.Notifier) Option { return with(notify.Staff, n) }

// WithHFR sets the transport for "<facility id>@hfr": the operator's
// arrangement for reaching the manager HFR holds for a facility.
func WithHFR(n onboarding.Notifier) Option { return with(notify.HFR, n) }

// WithFallback sets the transport for every known kind of address that
// has none of its own (default: none; such a message fails with
// ErrNoTransport). Unknown addresses never reach it.
func WithFallback(n onboarding.Notifier) Option {
	return func(r *Router) error {
		if n == nil {
			return fmt.Errorf("%w: nil fallback", ErrInvalidOption)
		}
		r.fallback = n
		return nil
	}
}

// New returns a Router over the transports the options give; at least
// one is needed.
func New(opts ...Option) (*Router, error) {
	r := &Router{byKind: map[notify.AddressKind]onboarding.Notifier{}}
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := opt(r); err != nil {
			return nil, err
		}
	}
	if len(r.byKind) == 0 && r.fallback == nil {
		return nil, fmt.Errorf("%w: no transport", ErrInvalidOption)
	}
	return r, nil
}

// Notify classifies m.To (notify.Classify) and hands m, unchanged, to that
// kind's transport, or to the fallback. The transport's error is
// returned as it is; the router's own errors name the kind of address,
// never the address.
func (r *Router) Notify(ctx context.Context, m onboarding.Message) error {
	k := notify.Classify(m.To)
	if k == notify.Unknown {
		return fmt.Errorf("%w (message kind %q)", ErrUnknownAddress, m.Kind)
	}
	n, ok := r.byKind[k]
	if !ok {
		n = r.fallback
	}
	if n == nil {
		return fmt.Errorf("%w: %s (message kind %q)", ErrNoTransport, k, m.Kind)
	}
	return n.Notify(ctx, m)
}

// Redirect returns a Notifier that sends every message to the address to
// through n, keeping everything else — the ID above all, so the
// idempotency key does not change. Use it to reach onboarding.Staff at
// the review team's mailbox, or onboarding.Broadcast at a list.
func Redirect(to string, n onboarding.Notifier) onboarding.Notifier {
	return onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if n == nil {
			return errors.New("route: Redirect to a nil transport")
		}
		m.To = to
		return n.Notify(ctx, m)
	})
}
