package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// DefaultScrapeTimeout bounds the store reads of one scrape.
const DefaultScrapeTimeout = 5 * time.Second

// ErrInvalidOption marks a construction error.
var ErrInvalidOption = errors.New("metrics: invalid option")

// Source is what the StateCollector reads at each scrape.
// *onboarding.Service is one.
type Source interface {
	// CountApplications counts applications by stage; a stage it
	// leaves out is scraped as 0.
	CountApplications(ctx context.Context) (map[registry.Stage]int, error)
	// OldestWaiting returns when the oldest wait of kind still under way
	// opened (a task's creation, not its application's submission), and
	// false when none waits on it.
	OldestWaiting(ctx context.Context, kind string) (time.Time, bool, error)
	// OutboxDepth counts pending and dead outbox messages; an error
	// wrapping onboarding.ErrNotConfigured means there is no outbox, and
	// the family is left out.
	OutboxDepth(ctx context.Context) (map[registry.OutboxState]int, error)
}

var _ Source = (*onboarding.Service)(nil)

// StateCollector reads the store's families at each scrape:
// hcxonboard_applications, hcxonboard_task_oldest_age_seconds and
// hcxonboard_outbox_messages. It is a prometheus.Collector, safe for
// concurrent use. Each scrape makes two indexed reads, and one indexed
// walk of the staff queue per waiting kind (onboarding.Service.OldestWaiting
// says how far it goes); a read that fails is reported as that family's
// error, and the other families are still collected.
type StateCollector struct {
	source  Source
	kinds   []string
	timeout time.Duration
	now     func() time.Time

	applications *prometheus.Desc
	taskAge      *prometheus.Desc
	outbox       *prometheus.Desc
}

var _ prometheus.Collector = (*StateCollector)(nil)

// Option configures a StateCollector.
type Option func(*StateCollector) error

// WithWaitingKinds sets the kinds of task whose oldest waiting
// application is measured (default onboarding.WaitingKinds()).
func WithWaitingKinds(kinds ...string) Option {
	return func(c *StateCollector) error {
		seen := map[string]bool{}
		for _, k := range kinds {
			if k == "" || seen[k] {
				return fmt.Errorf("%w: waiting kinds must be distinct and not empty", ErrInvalidOption)
			}
			seen[k] = true
		}
		c.kinds = append([]string(nil), kinds...)
		return nil
	}
}

// WithScrapeTimeout bounds the store reads of one scrape (default
// DefaultScrapeTimeout).
func WithScrapeTimeout(d time.Duration) Option {
	return func(c *StateCollector) error {
		if d <= 0 {
			return fmt.Errorf("%w: scrape timeout %s is not positive", ErrInvalidOption, d)
		}
		c.timeout = d
		return nil
	}
}

// WithClock sets the clock task ages are measured with (default
// time.Now); give the engine's (onboarding.WithClock).
func WithClock(now func() time.Time) Option {
	return func(c *StateCollector) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		c.now = now
		return nil
	}
}

// NewStateCollector returns a collector reading src, the engine.
func NewStateCollector(src Source, opts ...Option) (*StateCollector, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: nil source", ErrInvalidOption)
	}
	c := &StateCollector{source: src, kinds: onboarding.WaitingKinds(), timeout: DefaultScrapeTimeout, now: time.Now,
		applications: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", "applications"),
			"Onboarding applications in each stage, read from the store at scrape time.", []string{"stage"}, nil),
		taskAge: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "task", "oldest_age_seconds"),
			"Seconds since the oldest open task (or wait) of each kind opened; 0 when none is open.", []string{"waiting"}, nil),
		outbox: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "outbox", "messages"),
			"Outbox messages pending delivery and dead letters waiting for staff.", []string{"state"}, nil),
	}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: option %d is nil", ErrInvalidOption, i)
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Describe sends the descriptions of the three families.
func (c *StateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.applications
	ch <- c.taskAge
	ch <- c.outbox
}

// Collect reads the three families from the source.
func (c *StateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	c.collectApplications(ctx, ch)
	c.collectTaskAge(ctx, ch)
	c.collectOutbox(ctx, ch)
}

func (c *StateCollector) collectApplications(ctx context.Context, ch chan<- prometheus.Metric) {
	counts, err := c.source.CountApplications(ctx)
	if err != nil {
		ch <- invalid(c.applications, "count applications", err)
		return
	}
	// Every stage, zero included, whatever stages the source named: a
	// stage emptied since the last scrape reads 0.
	all := registry.NewStageCounts()
	for stage, n := range counts {
		all[stage] = n
	}
	for stage, n := range all {
		ch <- gauge(c.applications, float64(n), string(stage))
	}
}

func (c *StateCollector) collectTaskAge(ctx context.Context, ch chan<- prometheus.Metric) {
	now := c.now()
	for _, kind := range c.kinds {
		since, ok, err := c.source.OldestWaiting(ctx, kind)
		if err != nil {
			ch <- invalid(c.taskAge, "oldest application waiting on "+kind, err)
			continue
		}
		age := 0.0
		if ok {
			age = max(0, now.Sub(since).Seconds())
		}
		ch <- gauge(c.taskAge, age, kind)
	}
}

func (c *StateCollector) collectOutbox(ctx context.Context, ch chan<- prometheus.Metric) {
	depth, err := c.source.OutboxDepth(ctx)
	switch {
	case errors.Is(err, onboarding.ErrNotConfigured):
		return
	case err != nil:
		ch <- invalid(c.outbox, "outbox depth", err)
		return
	}
	for _, state := range []registry.OutboxState{registry.OutboxPending, registry.OutboxDead} {
		ch <- gauge(c.outbox, float64(depth[state]), string(state))
	}
}

// gauge is one gauge sample, or the error of a label value Prometheus
// refuses (not valid UTF-8).
func gauge(d *prometheus.Desc, v float64, label string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(d, prometheus.GaugeValue, v, label)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

// invalid reports a failed read; the error's text is redacted, since a
// store's error may quote what it was given.
func invalid(d *prometheus.Desc, what string, err error) prometheus.Metric {
	return prometheus.NewInvalidMetric(d, fmt.Errorf("metrics: %s: %s", what, hcxonboard.RedactText(err.Error())))
}
