package bulk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// DefaultWorkers is how many hospitals are onboarded at once unless told.
const DefaultWorkers = 16

// MaxWorkers caps the concurrency.
const MaxWorkers = 1024

// Result is what became of one row.
type Result struct {
	// App is the application as the engine holds it (nil when the row
	// was refused, failed or was not reached).
	App *onboarding.Application
	// Refused is the report of the offline checks when the engine refused
	// the row on its face (an *onboarding.RefusedError: a malformed id, a
	// bad check character, a lapsed licence, an untrusted certificate …).
	// The row is rejected, but nothing was stored: App is nil, and a later
	// run submits the row again, so fixing it in the list is enough.
	Refused *verifier.Report
	// Skipped: an earlier run had already stored the row; App is its
	// state now.
	Skipped bool
	// Changed: the row's content is not what its application was last
	// submitted with (see Onboarder.State). With Resubmitted the row was
	// submitted again; with Skipped its application is not a rejected
	// one — it is under way, ready or withdrawn — so it was left as it is
	// and the change does not reach it.
	Changed bool
	// Resubmitted: the row was submitted again because it changed since
	// its last submission (Changed is set too). When that submission had
	// been stored and rejected, the new application has a fresh
	// application_id (ResubmissionKey); App.Key says which.
	Resubmitted bool
	// Err is why the row failed: the engine or the store returned an
	// error. A rejection is not a failure: App.Reasons, or Refused, says
	// why.
	Err error
	// NotReached: the run was interrupted before the row was done.
	NotReached bool
}

// ResultOf is the result of a row the engine's Submit answered with app
// and err: a *onboarding.RefusedError is the row's rejection (Refused),
// any other error a failure.
func ResultOf(app *onboarding.Application, err error) Result {
	var refused *onboarding.RefusedError
	switch {
	case errors.As(err, &refused) && refused.Report != nil:
		return Result{Refused: refused.Report}
	case err != nil:
		return Result{Err: err}
	case app == nil:
		return Result{Err: errors.New("the engine returned no application")}
	}
	return Result{App: app}
}

// Outcome is the row's bucket (see Outcome): OutcomeRejected for a
// refused row, "" for one that failed or was not reached.
func (r Result) Outcome() string {
	switch {
	case r.Refused != nil:
		return OutcomeRejected
	case r.App != nil:
		return Outcome(r.App)
	}
	return ""
}

// Decisive is what decided the row's rejection (see Decisive): for a
// refused row, taken from the refusal's report.
func (r Result) Decisive() []verifier.Result {
	switch {
	case r.Refused != nil:
		if out := decisive(r.Refused); len(out) > 0 {
			return out
		}
		// Not expected: a refusal names what it refused.
		return []verifier.Result{{ID: "other", Outcome: verifier.Invalid, Message: fmt.Sprintf("refused (%s)", r.Refused.Verdict)}}
	case r.App != nil:
		return Decisive(r.App)
	}
	return nil
}

// Onboarder submits rows to the engine.
type Onboarder struct {
	Service *onboarding.Service
	// Store is the engine's store, asked whether a row's key was already
	// submitted.
	Store registry.Applications
	// State remembers, per row, the digest of the content it was last
	// submitted with and the application_id it was submitted under, so
	// that a row changed since is submitted again. Without one, a row
	// whose key the store holds is skipped whatever it holds now.
	State *State
	// Certify returns the row's sandbox certificate.
	Certify func(*Row) (string, error)
	// Workers is how many rows are in flight at once (DefaultWorkers when
	// 0).
	Workers int
	// Done, if set, is called after each row, from the worker that did it.
	Done func()
}

// Run onboards rows concurrently and returns a result per row, in row
// order. A row the store already holds is skipped (and its current state
// reported), so a run that was interrupted, or one that ran to the end,
// can simply be started again; a row the engine refused on its face left
// nothing in the store and is submitted again. A row whose content
// changed since its last submission (see State) is submitted again when
// that submission was refused or rejected — under a ResubmissionKey when
// the rejected application was stored — and otherwise skipped and marked
// Changed. When ctx ends, no new row is started — those left are
// NotReached — and Run returns once the rows in flight are done. They are
// let finish rather than cut off, so that no application is left half-way
// (stored, but HFR's OTP never asked for); the registry clients' own
// timeouts bound how long that takes.
func (o *Onboarder) Run(ctx context.Context, rows []Row) ([]Result, error) {
	switch {
	case o.Service == nil || o.Store == nil || o.Certify == nil:
		return nil, errors.New("onboarder needs a Service, a Store and Certify")
	case o.Workers < 0 || o.Workers > MaxWorkers:
		return nil, fmt.Errorf("workers %d is outside 1..%d", o.Workers, MaxWorkers)
	}
	workers := o.Workers
	if workers == 0 {
		workers = DefaultWorkers
	}
	workers = min(workers, max(len(rows), 1))

	results := make([]Result, len(rows))
	work := context.WithoutCancel(ctx)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = o.one(work, &rows[i])
				if o.Done != nil {
					o.Done()
				}
			}
		}()
	}
	next := 0
feed:
	for ; next < len(rows); next++ {
		select {
		case jobs <- next:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for i := next; i < len(rows); i++ {
		results[i] = Result{NotReached: true}
	}
	return results, nil
}

// resubmitted looks for the row's content under its resubmission key,
// where a run submitted it and may not have lived to remember it; found
// says whether there is an answer (the application, or an error).
func (o *Onboarder) resubmitted(ctx context.Context, row *Row, digest string) (Result, bool) {
	key := ResubmissionKey(row.Key, digest)
	again, err := o.stored(ctx, row, key)
	switch {
	case err != nil:
		return Result{Err: err}, true
	case again != nil:
		o.remember(row, digest, key, false)
		return Result{App: again, Skipped: true}, true
	}
	return Result{}, false
}

// one onboards a row unless an earlier run stored it as it is now.
func (o *Onboarder) one(ctx context.Context, row *Row) Result {
	digest := row.Digest()
	var rec RowState
	known := false
	if o.State != nil {
		rec, known = o.State.Row(row.Key)
	}
	key := row.Key // the application_id that stands for the row
	if known {
		key = rec.ApplicationID
	}
	changed := known && rec.Digest != digest
	stored, err := o.stored(ctx, row, key)
	switch {
	case err != nil:
		return Result{Err: err}
	case stored != nil && changed && rec.Refused && sameSubmission(stored, row):
		// The state says this key's submission was refused, with nothing
		// stored, yet an application holds it: a run stored it after the
		// row was corrected and crashed before the state recorded that.
		// It is this very content: remember it as such.
		o.remember(row, digest, key, false)
		return Result{App: stored, Skipped: true}
	case stored != nil && !changed:
		if !known {
			if stored.Stage == registry.StageRejected {
				// The state is lost, and the row's own key holds a
				// rejection: this very content may have been resubmitted
				// after it, under its own key.
				if res, found := o.resubmitted(ctx, row, digest); found {
					return res
				}
			}
			// Stored before the state knew the row (by an earlier
			// version, or a run whose state was lost): from now on its
			// changes count from what the list holds today.
			o.remember(row, digest, key, false)
		}
		return Result{App: stored, Skipped: true}
	case stored != nil && stored.Stage != registry.StageRejected:
		return Result{App: stored, Skipped: true, Changed: true}
	case stored != nil || (changed && key != row.Key):
		// The rejected application keeps its application_id (and one
		// refused under a resubmission key was for other content): the
		// row's content now gets its own.
		key = ResubmissionKey(row.Key, digest)
		if res, found := o.resubmitted(ctx, row, digest); found {
			return res
		}
	}
	cert, err := o.Certify(row)
	if err != nil {
		return Result{Err: fmt.Errorf("sandbox certificate: %w", err)}
	}
	app := row.Application(cert)
	app.ApplicationID = key
	res := ResultOf(o.Service.Submit(ctx, app))
	if res.Err == nil {
		// Stored, or refused with nothing stored: either way the row was
		// judged as it is now.
		o.remember(row, digest, key, res.Refused != nil)
		res.Changed, res.Resubmitted = changed, changed
	}
	return res
}

// stored returns the application stored under key for row, or nil when
// there is none.
func (o *Onboarder) stored(ctx context.Context, row *Row, key string) (*onboarding.Application, error) {
	a, err := o.Store.ApplicationByKey(ctx, key)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("look up key: %w", err)
	}
	app, err := o.Service.Application(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("read application %s: %w", a.ID, err)
	}
	if key != row.Key && (app.Submitted == nil || app.Submitted.SandboxParticipantCode != row.Key) {
		// Another row's own key, not this row's resubmission.
		return nil, fmt.Errorf("application_id %q, this row's resubmission key, is another hospital's application; give one of them another key", key)
	}
	return app, nil
}

// remember records in the state that row, with digest, stands as the
// application key. A write error stays with the state, which reports it
// when closed: the registry holds what was done either way, and a later
// run finds a resubmission by its key (see ResubmissionKey).
func (o *Onboarder) remember(row *Row, digest, key string, refused bool) {
	if o.State != nil {
		_ = o.State.Put(RowState{Key: row.Key, Digest: digest, ApplicationID: key, Refused: refused})
	}
}

// sameSubmission reports whether app was submitted with what row holds
// now: the same document, but for the sandbox certificate (issued afresh
// for each submission) and the application_id.
func sameSubmission(app *onboarding.Application, row *Row) bool {
	if app.Submitted == nil {
		return false
	}
	got, want := app.Submitted.Clone(), row.Application("")
	got.SandboxCertificate, got.ApplicationID = "", ""
	want.ApplicationID = ""
	a, errA := json.Marshal(got)
	b, errB := json.Marshal(want)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}
