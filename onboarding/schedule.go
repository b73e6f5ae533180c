package onboarding

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// What scheduled work records and sends.
const (
	// ActionNoticeSent records a scheduled notice: a certificate or a
	// secret about to expire, or expired.
	ActionNoticeSent = "notice_sent"

	// MessageCertificateExpiring tells a participant that its encryption
	// or signing certificate expires soon.
	MessageCertificateExpiring = "certificate_expiring"
	// MessageCertificateExpired tells a participant, and staff, that a
	// certificate of its expired.
	MessageCertificateExpired = "certificate_expired"
	// MessageSecretExpiring tells a participant that its production
	// secret expires soon, or has.
	MessageSecretExpiring = "secret_expiring"
	// MessageApplicationExpired tells an applicant that its application,
	// idle too long, was withdrawn.
	MessageApplicationExpired = "application_expired"

	// KindCertificateExpired is the staff task opened when a live
	// participant's certificate expires: staff see the participant in the
	// queue (waiting=certificate_expired) and reach it; the task closes
	// when the participant registers a new certificate.
	KindCertificateExpired = "certificate_expired"
	// WaitingCertificateExpired is KindCertificateExpired as the queue's
	// waiting filter names it.
	WaitingCertificateExpired = KindCertificateExpired
	// RequirementCertificateExpired is the requirement such a task is
	// about.
	RequirementCertificateExpired verifier.RequirementID = "certificate_expired"
	// WaitingReadinessFailed marks a live participant whose latest
	// readiness check, of its current details, failed.
	WaitingReadinessFailed = "readiness_failed"

	// SchedulerLease names the lease RunScheduler holds in a
	// registry.Leaser store, so that one replica runs the passes.
	SchedulerLease = "hcxonboard.scheduler"
)

// SchedulePolicy says what the engine's scheduled work does. Every write
// of an application works out when its next piece of scheduled work
// falls due (registry.Application.DueAt), and RunDue, or RunScheduler,
// does what is due. Each piece is done once per application, however many
// replicas run: it is a versioned write of the application, and a notice
// is recorded with the write that sends it.
type SchedulePolicy struct {
	// CertificateNotices are how long before a live participant's
	// encryption or signing certificate expires it is told (default 30,
	// 15 and 5 days; an empty, non-nil list: none ahead). At expiry it is told
	// again, staff are told, and the participant waits on staff
	// (WaitingCertificateExpired) until it registers a new certificate.
	// A participant that registers a certificate within a notice's
	// window gets only the latest notice due, not every earlier one.
	CertificateNotices []time.Duration
	// SuspendAtCertificateExpiry suspends an Active participant whose
	// encryption or signing certificate expired
	// (Application.SuspendedAtExpiry). Registering valid certificates
	// (SubmitDetails) reinstates it — unless staff, or the HFR manager's
	// decline, suspended it since: Service.Suspend of such a participant
	// makes the suspension staff's, which only Reinstate ends. A
	// suspended participant's tokens are refused, so the operator
	// registers them for it.
	SuspendAtCertificateExpiry bool
	// SecretNotices are how long before the participant's last
	// production secret expires it is reminded to rotate it (default 30,
	// 7 and 1 days; an empty, non-nil list: none ahead); at expiry it is
	// told to provision a new one.
	SecretNotices []time.Duration
	// IdleAfter withdraws an application that has not gone live, waits
	// on its applicant (no review, payer approval, registry wait or retry is
	// open) and has not changed for this long, and tells the applicant
	// (default 90 days; negative: never).
	IdleAfter time.Duration
	// ReadinessEvery is how often a live participant's readiness is
	// checked again, with WithReadiness (default a day; negative:
	// never). Details changed since the last check are checked at the
	// next pass, live or not.
	ReadinessEvery time.Duration
}

// The defaults of SchedulePolicy.
const (
	DefaultIdleAfter      = 90 * 24 * time.Hour
	DefaultReadinessEvery = 24 * time.Hour
)

// DefaultSchedulePolicy returns the policy New starts with.
func DefaultSchedulePolicy() SchedulePolicy {
	const day = 24 * time.Hour
	return SchedulePolicy{
		CertificateNotices: []time.Duration{30 * day, 15 * day, 5 * day},
		SecretNotices:      []time.Duration{30 * day, 7 * day, day},
		IdleAfter:          DefaultIdleAfter,
		ReadinessEvery:     DefaultReadinessEvery,
	}
}

// maxNoticeLead bounds a notice's lead time.
const maxNoticeLead = 366 * 24 * time.Hour

// WithSchedule sets what scheduled work does. Nil lists and zero durations
// keep their defaults (DefaultSchedulePolicy); a notice must come 1 minute
// to 366 days ahead. Applications written under another policy keep its
// due times until Service.Reschedule works them out again.
func WithSchedule(p SchedulePolicy) Option {
	return func(s *Service) error {
		d := DefaultSchedulePolicy()
		for _, l := range []struct {
			what string
			in   []time.Duration
			out  *[]time.Duration
		}{{"certificate", p.CertificateNotices, &d.CertificateNotices}, {"secret", p.SecretNotices, &d.SecretNotices}} {
			if l.in == nil {
				continue
			}
			leads := slices.Clone(l.in)
			for _, lead := range leads {
				if lead < time.Minute || lead > maxNoticeLead {
					return fmt.Errorf("%w: %s notice %v ahead: must be 1 minute to 366 days", ErrInvalidOption, l.what, lead)
				}
			}
			slices.Sort(leads)
			slices.Reverse(leads)
			*l.out = slices.Compact(leads)
		}
		d.SuspendAtCertificateExpiry = p.SuspendAtCertificateExpiry
		if p.IdleAfter != 0 {
			d.IdleAfter = p.IdleAfter
		}
		if p.ReadinessEvery != 0 {
			d.ReadinessEvery = p.ReadinessEvery
		}
		if (d.IdleAfter > 0 && d.IdleAfter < time.Hour) || (d.ReadinessEvery > 0 && d.ReadinessEvery < time.Minute) {
			return fmt.Errorf("%w: idle applications expire after an hour at least, readiness is re-checked every minute at most", ErrInvalidOption)
		}
		s.sched = d
		return nil
	}
}

// notice is one scheduled notice not sent yet.
type notice struct {
	key     string    // in state.Notices once sent
	subject string    // what it is about: notices of one subject go out as one
	at      time.Time // when it falls due
	lead    time.Duration
	expired bool // the notice at expiry
}

// noticeSubject is a certificate or secret that notices are about: its
// key ("cert:<which>:<expiry ms>", "secret:<expiry s>"), expiry and
// notice leads.
type noticeSubject struct {
	key    string
	expiry time.Time
	leads  []time.Duration
}

// noticeSubjects lists what r's notices are about now.
func (s *Service) noticeSubjects(r *record) []noticeSubject {
	pos := r.position()
	var out []noticeSubject
	if r.part != nil && r.isLive() {
		for _, c := range []struct {
			which string
			ms    int64
		}{{"encryption", r.part.EncryptionCertExpiry}, {"signing", r.part.SigningCertExpiry}} {
			if c.ms > 0 {
				out = append(out, noticeSubject{fmt.Sprintf("cert:%s:%d", c.which, c.ms), time.UnixMilli(c.ms).UTC(), s.sched.CertificateNotices})
			}
		}
	}
	if pos == posCredentials || pos == posActive || pos == posBlocked {
		if at := lastSecretExpiry(r.st); !at.IsZero() {
			out = append(out, noticeSubject{fmt.Sprintf("secret:%d", at.Unix()), at, s.sched.SecretNotices})
		}
	}
	return out
}

// pendingNotices lists r's certificate and secret notices not sent yet:
// one per lead, and one at expiry.
func (s *Service) pendingNotices(r *record) []notice {
	var out []notice
	for _, subj := range s.noticeSubjects(r) {
		for _, lead := range subj.leads {
			n := notice{key: fmt.Sprintf("%s:%dm", subj.key, int64(lead/time.Minute)), subject: subj.key, at: subj.expiry.Add(-lead), lead: lead}
			if _, sent := r.st.Notices[n.key]; !sent {
				out = append(out, n)
			}
		}
		n := notice{key: subj.key + ":expired", subject: subj.key, at: subj.expiry, expired: true}
		if _, sent := r.st.Notices[n.key]; !sent {
			out = append(out, n)
		}
	}
	return out
}

// lastSecretExpiry is when the latest unrevoked secret expires (zero for
// none).
func lastSecretExpiry(st *state) time.Time {
	var last time.Time
	for _, rec := range st.Secrets {
		if !rec.Revoked() && rec.ExpiresAt.After(last) {
			last = rec.ExpiresAt
		}
	}
	return last
}

// idleAt is when r, waiting on its applicant, expires; false when it
// does not.
func (s *Service) idleAt(r *record) (time.Time, bool) {
	switch r.position() {
	case posSubmitted, posVerifying, posDetails:
	default:
		return time.Time{}, false
	}
	if s.sched.IdleAfter <= 0 {
		return time.Time{}, false
	}
	for _, t := range r.st.Tasks {
		if (t.State == TaskOpen || t.State == TaskLocked) && (t.Kind == KindReview || t.Kind == KindApproval || t.Kind == KindAwait || t.Kind == KindRetry) {
			return time.Time{}, false // it waits on someone else
		}
	}
	changed := r.st.ChangedAt
	if changed.IsZero() {
		changed = r.app.UpdatedAt
	}
	return changed.Add(s.sched.IdleAfter), true
}

// readinessDue is when r's readiness is to be checked again; false when
// it is not.
func (s *Service) readinessDue(r *record) (time.Time, bool) {
	if s.ready == nil {
		return time.Time{}, false
	}
	pos := r.position()
	if pos != posCredentials && pos != posActive {
		return time.Time{}, false
	}
	target, ok := readinessTarget(r)
	if !ok {
		return time.Time{}, false
	}
	rec := r.st.Readiness
	switch {
	case rec == nil || rec.Fingerprint != detailsFingerprint(target):
		return r.app.UpdatedAt, true // details changed since the last check
	case pos == posActive && s.sched.ReadinessEvery > 0:
		return rec.checkedAt().Add(s.sched.ReadinessEvery), true
	}
	return time.Time{}, false
}

// nextDue is when r's next scheduled work falls due; the zero time is
// never. write stores it as the application's DueAt.
func (s *Service) nextDue(r *record) time.Time {
	var due time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (due.IsZero() || t.Before(due)) {
			due = t
		}
	}
	switch r.position() {
	case posRejected, posWithdrawn, posInactive:
		return time.Time{}
	}
	for _, t := range r.st.Tasks {
		if t.Kind == KindAwait && t.State == TaskOpen {
			earliest(t.ExpiresAt)
		}
	}
	if d := r.st.Deboarding; d.Pending() {
		earliest(d.EffectiveAt)
	}
	if at, ok := s.idleAt(r); ok {
		earliest(at)
	}
	for _, n := range s.pendingNotices(r) {
		earliest(n.at)
	}
	if at, ok := s.readinessDue(r); ok {
		earliest(at)
	}
	if due.After(farthestDue) {
		due = farthestDue
	}
	return due
}

// farthestDue bounds a due time: a certificate valid until 9999 (RFC
// 5280's "no expiry") has its notices after the latest time a database
// store keeps (2262). Work due that late is looked at in 2200 instead,
// finds nothing due, and is put off again.
var farthestDue = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// liveWaits are the Waiting marks of a live participant that staff should
// see besides its tasks: a failed readiness check of its current details.
func (r *record) liveWaits() []string {
	pos := r.position()
	if r.part == nil || (pos != posActive && pos != posBlocked) {
		return nil
	}
	var out []string
	if rec := r.st.Readiness; rec != nil && !rec.Report.Ready {
		if target, ok := readinessTarget(r); ok && rec.Fingerprint == detailsFingerprint(target) {
			out = append(out, WaitingReadinessFailed)
		}
	}
	return out
}

// tick does r's scheduled work that is due at r.now — a registry wait
// run out, an announced de-boarding, an idle application, certificate and
// secret notices — and answers errSkip when nothing was.
func (s *Service) tick(r *record) error {
	for _, step := range []func(*record) error{s.expireAwait, s.deboardDue, s.expireIdle} {
		switch err := step(r); {
		case err == nil:
			return nil // the application left the stage the others act in
		case !errors.Is(err, errSkip):
			return err
		}
	}
	return s.sendNotices(r)
}

// expireIdle withdraws r if it waited on its applicant past IdleAfter.
func (s *Service) expireIdle(r *record) error {
	at, ok := s.idleAt(r)
	if !ok || r.now.Before(at) {
		return errSkip
	}
	idle := durationWords(s.sched.IdleAfter)
	if err := r.transition(ActionWithdraw, actorSystem, "no change for "+idle+": the application expired"); err != nil {
		return err
	}
	r.revokeSecrets()
	if to := r.st.Submitted.PrimaryEmail; to != "" {
		r.notify(Message{Kind: MessageApplicationExpired, To: to,
			Subject: "Your HCX onboarding application expired",
			Body: fmt.Sprintf("Application %s waited on you and did not change for %s, so it was withdrawn. "+
				"Apply again when you are ready: POST /v1/onboarding/applications.", r.app.ID, idle)})
	}
	return nil
}

// sendNotices sends r's certificate and secret notices that are due:
// for each certificate or secret, the most urgent one due, recording it
// and every earlier one of the same subject as sent; certificates that
// expire together and are due the same notice are told of in one.
func (s *Service) sendNotices(r *record) error {
	due := map[string][]notice{}
	var subjects []string
	for _, n := range s.pendingNotices(r) {
		if r.now.Before(n.at) {
			continue
		}
		if _, seen := due[n.subject]; !seen {
			subjects = append(subjects, n.subject)
		}
		due[n.subject] = append(due[n.subject], n)
	}
	if len(subjects) == 0 {
		return errSkip
	}
	if r.st.Notices == nil {
		r.st.Notices = map[string]time.Time{}
	}
	s.pruneNotices(r)
	suspend := ""
	for _, g := range noticeGroups(subjects, due, r.st.Notices, r.now) {
		what, expiry := g.what, g.expiry
		var m Message
		switch {
		case g.cert && g.urgent.expired:
			m = Message{Kind: MessageCertificateExpired, Subject: "Your HCX " + what + " " + g.verb("has", "have") + " expired",
				Body: fmt.Sprintf("Your %s expired on %s. Counterparties cannot use %s: register %s at PUT /v1/onboarding/applications/%s/details.",
					what, day(expiry), g.verb("it", "them"), g.verb("a new one", "new ones"), r.app.ID)}
			r.notify(Message{Kind: MessageCertificateExpired, To: Staff, Subject: "A live participant's certificate expired",
				Body: fmt.Sprintf("Participant %s: its %s expired on %s.", r.app.ParticipantCode, what, day(expiry))})
			r.openCertificateTask(fmt.Sprintf("the participant's %s expired on %s: reach it to register %s (it was told how)",
				what, day(expiry), g.verb("a new one", "new ones")))
			if s.sched.SuspendAtCertificateExpiry && r.position() == posActive {
				suspend = fmt.Sprintf("its %s expired on %s", what, day(expiry))
			}
		case g.cert:
			m = Message{Kind: MessageCertificateExpiring, Subject: "Your HCX " + what + " " + g.verb("expires", "expire") + " on " + day(expiry),
				Body: fmt.Sprintf("Your %s %s on %s (in %s). Register the new %s before then at PUT /v1/onboarding/applications/%s/details.",
					what, g.verb("expires", "expire"), day(expiry), timeLeft(expiry.Sub(r.now)), g.verb("one", "ones"), r.app.ID)}
		case g.urgent.expired:
			m = Message{Kind: MessageSecretExpiring, Subject: "Your HCX production secret has expired",
				Body: fmt.Sprintf("Your production secret expired on %s: tokens are refused until you have a new one. "+
					"Before go-live, provision it at POST /v1/onboarding/applications/%s/credentials; once live, ask the HCX operator, "+
					"quoting application %s, to issue you one.",
					day(expiry), r.app.ID, r.app.ID)}
		case r.position() == posBlocked:
			// A suspended participant cannot rotate its own secret.
			m = Message{Kind: MessageSecretExpiring, Subject: "Your HCX production secret expires on " + day(expiry),
				Body: fmt.Sprintf("Your production secret expires on %s. Your participation is suspended, and a suspended participant "+
					"cannot rotate its secret: once it is reinstated, rotate it at POST /v1/onboarding/credentials/rotate, "+
					"or ask the HCX operator, quoting application %s.",
					day(expiry), r.app.ID)}
		default:
			m = Message{Kind: MessageSecretExpiring, Subject: "Your HCX production secret expires on " + day(expiry),
				Body: fmt.Sprintf("Your production secret expires on %s. Rotate it before then at POST /v1/onboarding/credentials/rotate.", day(expiry))}
		}
		if err := r.transition(ActionNoticeSent, actorSystem, m.Subject); err != nil {
			return err
		}
		for _, to := range r.contacts() {
			m.To = to
			r.notify(m)
		}
	}
	if suspend != "" {
		if err := r.transition(ActionSuspend, actorSystem, suspend); err != nil {
			return err
		}
		r.st.SuspendedAtExpiry = true
		r.tell(MessageSuspended, "Your HCX participation is suspended", "The HCX operator suspended your participation: "+suspend+
			". It is reinstated when a valid certificate is registered. While it is suspended no access token is issued: register the new certificate "+
			"with your participant code and secret (HTTP Basic) at PUT /v1/onboarding/applications/"+r.app.ID+"/details, after asking for a step-up code, or send it to the operator.")
	}
	return nil
}

// noticeGroup is one notice a pass sends: about one certificate or
// secret, or about certificates that expire at the same time and are due
// the same notice (one certificate often serves for both encryption and
// signing) — told of once, naming them all.
type noticeGroup struct {
	what   string // "encryption certificate", "encryption and signing certificates", "production secret"
	expiry time.Time
	urgent notice // the most urgent notice due
	cert   bool
	many   bool // what is plural
}

// verb picks the singular or the plural word for g's subject.
func (g noticeGroup) verb(one, many string) string {
	if g.many {
		return many
	}
	return one
}

// noticeGroups records the due notices of each subject as sent at now in
// sent, and returns the notices to send: for each subject the most
// urgent due, certificates expiring together with the same one due going
// as one.
func noticeGroups(subjects []string, due map[string][]notice, sent map[string]time.Time, now time.Time) []noticeGroup {
	var out []noticeGroup
	certs := map[string]int{} // expiry and urgent notice → index in out
	for _, subject := range subjects {
		ns := due[subject]
		urgent := ns[0]
		for _, n := range ns {
			sent[n.key] = now
			if n.at.After(urgent.at) {
				urgent = n
			}
		}
		what, expiry := describeSubject(subject)
		cert := strings.HasPrefix(subject, "cert:")
		if !cert {
			out = append(out, noticeGroup{what: what, expiry: expiry, urgent: urgent})
			continue
		}
		which := strings.TrimSuffix(what, " certificate")
		together := fmt.Sprintf("%d:%d:%t", expiry.UnixMilli(), urgent.lead, urgent.expired)
		if i, ok := certs[together]; ok {
			g := &out[i]
			g.what = strings.TrimSuffix(strings.TrimSuffix(g.what, " certificate"), " certificates")
			g.what, g.many = g.what+" and "+which+" certificates", true
			continue
		}
		certs[together] = len(out)
		out = append(out, noticeGroup{what: what, expiry: expiry, urgent: urgent, cert: true})
	}
	return out
}

// openCertificateTask opens a staff task about an expired certificate,
// unless one is open already.
func (r *record) openCertificateTask(msg string) {
	for _, t := range r.st.Tasks {
		if t.Kind == KindCertificateExpired && t.State == TaskOpen {
			t.Message, t.UpdatedAt = t.Message+"; "+msg, r.now
			return
		}
	}
	r.addTask(KindCertificateExpired, RequirementCertificateExpired, msg)
}

// closeCertificateTasks closes the open expired-certificate tasks.
func (r *record) closeCertificateTasks(why string) {
	for _, t := range r.st.Tasks {
		if t.Kind == KindCertificateExpired && t.State == TaskOpen {
			t.State, t.Reason, t.UpdatedAt = TaskDone, why, r.now
		}
	}
}

// timeLeft says how long is left, in whole days.
func timeLeft(d time.Duration) string {
	if d < 24*time.Hour {
		return "less than a day"
	}
	return durationWords(d.Round(24 * time.Hour))
}

// contacts are where a participant's notices go: its primary e-mail, or
// the applicant's before it has a participant record.
func (r *record) contacts() []string {
	if r.part != nil && r.part.PrimaryEmail != "" {
		return []string{r.part.PrimaryEmail}
	}
	if to := r.st.Submitted.PrimaryEmail; to != "" {
		return []string{to}
	}
	return nil
}

// pruneNotices forgets notices of certificates and secrets r no longer
// has, so that state does not grow with every renewal.
func (s *Service) pruneNotices(r *record) {
	current := map[string]bool{}
	for _, subj := range s.noticeSubjects(r) {
		current[subj.key] = true
	}
	for key := range r.st.Notices {
		// A key of no subject (not one this engine writes) goes too.
		if i := strings.LastIndexByte(key, ':'); i < 0 || !current[key[:i]] {
			delete(r.st.Notices, key)
		}
	}
}

// describeSubject names a notice subject for people, with its expiry.
func describeSubject(subject string) (string, time.Time) {
	parts := strings.Split(subject, ":")
	var n int64
	fmt.Sscan(parts[len(parts)-1], &n)
	if parts[0] == "cert" {
		return parts[1] + " certificate", time.UnixMilli(n).UTC()
	}
	return "production secret", time.Unix(n, 0).UTC()
}

// RunDue does the scheduled work due now — registry waits run out,
// announced de-boardings, idle applications, certificate and secret
// notices, readiness re-checks — for every application whose DueAt has
// come, read from the store's index (registry.DueLister), and returns how
// many applications it changed. Replicas may run it at once: each piece
// of work happens once. Errors of single applications are joined; the
// pass goes on past them.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	return s.runDuePass(ctx, 1, nil)
}

// runDuePass is RunDue, working on up to workers applications at once;
// step, when not nil, runs after each application (from any worker), and
// ends the pass early when it returns false.
func (s *Service) runDuePass(ctx context.Context, workers int, step func() bool) (int, error) {
	dl, ok := s.store.(registry.DueLister)
	if !ok {
		return 0, fmt.Errorf("%w: the store cannot list due applications (registry.DueLister)", ErrNotConfigured)
	}
	now := s.clock()
	var (
		mu   sync.Mutex // guards done and errs
		done int
		errs []error
		stop atomic.Bool // step said to end the pass
		wg   sync.WaitGroup
		free = make(chan struct{}, workers)
	)
	over := func() bool { return ctx.Err() != nil || stop.Load() }
	for cursor := ""; ; {
		page, err := dl.DueApplications(ctx, now, registry.MaxLimit, cursor)
		if err != nil {
			wg.Wait()
			return done, errors.Join(append(errs, dueListError{err})...)
		}
		for i := range page.Items {
			select {
			case free <- struct{}{}:
			case <-ctx.Done():
			}
			if over() {
				break // the context's error is joined below, once
			}
			wg.Add(1)
			go func(a *registry.Application) {
				defer func() { <-free; wg.Done() }()
				changed, err := s.runDueGuarded(ctx, dl, a, now)
				mu.Lock()
				if changed {
					done++
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if step != nil && !step() {
					stop.Store(true)
				}
			}(&page.Items[i])
		}
		if cursor = page.Next; cursor == "" || over() {
			break
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return done, errors.Join(errs...)
}

// dueListError is a pass's failure to list the due applications: no
// scheduled work could be found, unlike the failure of one application's.
type dueListError struct{ err error }

func (e dueListError) Error() string { return "onboarding: list due applications: " + e.err.Error() }

func (e dueListError) Unwrap() error { return e.err }

// awaitRunOut reports whether r waits on a registry (an await task) past
// its wait at now.
func awaitRunOut(r *record, now time.Time) bool {
	for _, t := range r.st.Tasks {
		if t.Kind == KindAwait && t.State == TaskOpen && !now.Before(t.ExpiresAt) {
			return true
		}
	}
	return false
}

// runDueGuarded is runDue, with a panic turned into the application's
// error and logged with its stack: a bug met in one application's work
// must not take the process down, nor — the application staying due —
// every replica that runs the next pass.
func (s *Service) runDueGuarded(ctx context.Context, dl registry.DueLister, a *registry.Application, now time.Time) (changed bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			changed, err = false, fmt.Errorf("onboarding: application %q: its scheduled work panicked (a bug; see the log)", a.ID)
			s.logPanic(ctx, "scheduled work", p, slog.String("application", a.ID))
		}
	}()
	return s.runDue(ctx, dl, a, now)
}

// runDue does one application's due work.
func (s *Service) runDue(ctx context.Context, dl registry.DueLister, a *registry.Application, now time.Time) (bool, error) {
	first, err := s.loadFrom(ctx, a)
	if err != nil {
		return false, err
	}
	changed := false
	if awaitRunOut(first, now) {
		// Before a registry wait that ran out rejects the application,
		// the registry is asked again: it may have finished meanwhile.
		if _, err := s.Recheck(ctx, a.ID); err != nil {
			s.log.WarnContext(ctx, "onboarding: recheck before a registry wait runs out failed", "application", a.ID, "error", err.Error())
		} else {
			changed = true
		}
		if first, err = s.load(ctx, a.ID); err != nil {
			return changed, err
		}
	}
	r, err := s.mutateFrom(ctx, a.ID, first, s.tick)
	switch {
	case err == nil:
		changed = true
	case errors.Is(err, errSkip), errors.Is(err, ErrIllegalTransition):
		// Nothing to do (a policy changed since the due time was worked
		// out, or another replica did it): move the due time on without
		// a write, unless another write moved it already.
		if r, err = s.load(ctx, a.ID); err != nil {
			return false, err
		}
		r.begin(now)
		if want := s.nextDue(r); !want.Equal(r.app.DueAt) && (want.IsZero() || want.After(now)) {
			if err := dl.SetDue(ctx, a.ID, r.app.Version, want); err != nil && !errors.Is(err, registry.ErrVersionConflict) {
				return false, fmt.Errorf("onboarding: application %q: move its due time: %w", a.ID, err)
			}
		}
	default:
		return false, err
	}
	if at, ok := s.readinessDue(r); ok && !at.After(now) {
		// Another replica may be checking it too: the first report
		// stored since this one was due is kept, the others dropped.
		before := r.st.Readiness
		_, err := s.checkReadiness(ctx, a.ID, r, func(r *record) error {
			if after := r.st.Readiness; after != nil && (before == nil || !after.checkedAt().Equal(before.checkedAt())) {
				return errSkip // another replica stored a report meanwhile
			}
			return nil
		}, false, actorSystem)
		switch {
		case err == nil:
			changed = true
		case !errors.Is(err, errSkip):
			return changed, fmt.Errorf("onboarding: application %q: readiness re-check: %w", a.ID, err)
		}
	}
	return changed, nil
}

// Reschedule works out again, under the policy now in force, when each
// application's scheduled work falls due, and stores the due times that
// changed; it returns how many. A due time is worked out at each write of
// an application, under the policy of the replica that wrote it, and
// RunDue reads only the applications whose due time has come: after a
// change of policy that brings work forward — a shorter IdleAfter, a
// notice further ahead, readiness re-checked more often or turned on —
// the applications written before would otherwise wait for the due time
// of the old policy (an application idle past the new age stays until
// the old one; a new 60-day notice is passed over for the next one). Call
// it once after starting replicas with a changed SchedulePolicy (or
// WithReadiness); work that the change puts off needs no call, as RunDue
// moves such a due time on when it finds nothing to do. It reads every
// application, a page at a time; replicas may run it at once. Errors of
// single applications are joined; the walk goes on past them.
func (s *Service) Reschedule(ctx context.Context) (int, error) {
	dl, ok := s.store.(registry.DueLister)
	if !ok {
		return 0, fmt.Errorf("%w: the store cannot list due applications (registry.DueLister)", ErrNotConfigured)
	}
	now := s.clock()
	moved := 0
	var errs []error
	err := s.eachApplication(ctx, registry.ApplicationFilter{}, func(page []registry.Application) error {
		for i := range page {
			if err := ctx.Err(); err != nil {
				return err
			}
			a := &page[i]
			r, err := s.loadFrom(ctx, a)
			if err != nil {
				errs = append(errs, err) // the walk goes on past one application
				continue
			}
			r.begin(now)
			want := s.nextDue(r)
			if want.Equal(a.DueAt) {
				continue
			}
			switch err := dl.SetDue(ctx, a.ID, a.Version, want); {
			case err == nil:
				moved++
			case errors.Is(err, registry.ErrVersionConflict):
				// A write since the page was read stored a due time
				// of its own.
			default:
				errs = append(errs, fmt.Errorf("onboarding: application %q: move its due time: %w", a.ID, err))
			}
		}
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("onboarding: reschedule: list applications: %w", err))
	}
	return moved, errors.Join(errs...)
}

// SchedulerOptions tune RunScheduler.
type SchedulerOptions struct {
	// Interval is the time between passes (default a minute, at least a
	// second).
	Interval time.Duration
	// Owner names this replica in the scheduler's lease (default random).
	Owner string
	// Workers is how many applications a pass works on at once (default
	// DefaultSchedulerWorkers, at most MaxSchedulerWorkers), so that a few
	// slow readiness checks — an unreachable endpoint takes the checker's
	// timeout for each attempt — do not hold up every notice, de-boarding
	// and re-check due after them.
	Workers int
}

// leaseReleaseTimeout bounds the release of the scheduler's lease when
// RunScheduler returns.
const leaseReleaseTimeout = 15 * time.Second

// Bounds of SchedulerOptions.Workers.
const (
	DefaultSchedulerWorkers = 8
	MaxSchedulerWorkers     = 64
)

// RunScheduler runs the recurring jobs every interval until ctx ends, and
// then returns nil: each pass first retries the outbox's due messages
// (DispatchOutbox: those whose send failed, once their backoff ends, and
// those a crash left unsent), and then runs RunDue. With a store that
// grants leases (registry.Leaser), one replica at a time runs RunDue,
// holding SchedulerLease for three intervals and renewing it at each pass,
// and within a pass that runs past an interval; the others wait to take
// over. Correctness does not rest on the lease: each piece of work is a
// versioned write. The outbox is retried by every replica's pass, lease or
// not: each message is leased to one dispatcher at a time, so replicas,
// and a RunOutbox loop beside the scheduler, never send one message twice
// at once. A pass retries up to one batch of messages and works on up to
// SchedulerOptions.Workers applications at once. The lease holder's pass
// ends by purging the outbox's delivered messages past their retention
// (PurgeOutbox, WithOutboxRetention). Ready reports an error
// once passes stop or fail (the store failing the outbox claim, the lease
// or the list of due applications), and once RunScheduler has returned
// (see Ready).
// RunOutbox beside it retries the outbox more often than the scheduler's
// interval.
func (s *Service) RunScheduler(ctx context.Context, o SchedulerOptions) error {
	if o.Interval == 0 {
		o.Interval = time.Minute
	}
	if o.Interval < time.Second || o.Interval > registry.MaxOutboxLease/3 {
		return fmt.Errorf("%w: scheduler interval %v: must be a second to 8 hours", ErrInvalidArgument, o.Interval)
	}
	switch {
	case o.Workers == 0:
		o.Workers = DefaultSchedulerWorkers
	case o.Workers < 1 || o.Workers > MaxSchedulerWorkers:
		return fmt.Errorf("%w: scheduler workers %d: must be 1 to %d", ErrInvalidArgument, o.Workers, MaxSchedulerWorkers)
	}
	if o.Owner == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		o.Owner = "scheduler-" + hex.EncodeToString(b[:])
	}
	if err := registry.CheckLease(SchedulerLease, o.Owner, 3*o.Interval); err != nil {
		return fmt.Errorf("%w: scheduler owner: %w", ErrInvalidArgument, err)
	}
	leaser, _ := s.store.(registry.Leaser)
	s.schedBeat.start(o.Interval)
	defer s.schedBeat.stop()
	defer func() {
		if leaser != nil {
			// ctx has ended: the release gets a time of its own, bounded,
			// so that a store that does not answer (a database cut off)
			// does not keep RunScheduler from returning. Unreleased, the
			// lease ends by itself after three intervals.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseReleaseTimeout)
			defer cancel()
			_ = leaser.ReleaseLease(rctx, SchedulerLease, o.Owner)
		}
	}()
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	ctx = withBeat(ctx, &s.schedBeat)
	for {
		s.schedulerPass(ctx, leaser, o)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// schedulerPass runs one pass of RunScheduler. It is a sign of life
// (Ready) only when it worked: a pass whose outbox claim, lease or list of
// due applications failed does no scheduled work, and passes failing for
// three intervals read as a stalled scheduler, as failing passes of
// RunOutbox read as a stalled dispatcher. The failure of one
// application's work is not the pass's.
func (s *Service) schedulerPass(ctx context.Context, leaser registry.Leaser, o SchedulerOptions) {
	worked := true
	defer func() {
		if worked {
			s.schedBeat.alive()
		}
	}()
	if _, err := s.DispatchOutbox(ctx); err != nil {
		worked = false
		if ctx.Err() == nil {
			s.log.WarnContext(ctx, "scheduler: outbox retries", "error", err.Error())
		}
	}
	if leaser != nil {
		held, err := s.holdSchedulerLease(ctx, leaser, o)
		if err != nil {
			worked = false
		}
		if !held {
			return // another replica runs the passes, or the store failed
		}
	}
	// Each application done is a sign of life, and a pass that runs past
	// an interval renews the lease, so that a long pass — readiness checks
	// of unreachable endpoints, each with its retries — neither reads as
	// stalled nor lets another replica start a second pass beside it.
	var mu sync.Mutex
	renewed := time.Now()
	n, err := s.runDuePass(ctx, o.Workers, func() bool {
		s.schedBeat.alive()
		if leaser == nil {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		if time.Since(renewed) < o.Interval {
			return true
		}
		renewed = time.Now()
		held, _ := s.holdSchedulerLease(ctx, leaser, o)
		return held
	})
	if le := (dueListError{}); errors.As(err, &le) {
		worked = false
	}
	if err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "scheduler: pass", "changed", n, "error", err.Error())
	} else if n > 0 {
		s.log.InfoContext(ctx, "scheduler: pass", "changed", n)
	}
	if _, purges := s.store.(registry.OutboxPurger); purges {
		if n, err := s.PurgeOutbox(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "scheduler: outbox purge", "purged", n, "error", err.Error())
		}
	}
}

// holdSchedulerLease takes or renews SchedulerLease for three intervals
// and reports whether this replica holds it, and the store's error if it
// failed.
func (s *Service) holdSchedulerLease(ctx context.Context, leaser registry.Leaser, o SchedulerOptions) (bool, error) {
	held, err := leaser.AcquireLease(ctx, SchedulerLease, o.Owner, s.clock(), 3*o.Interval)
	if err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "scheduler: take the lease", "error", err.Error())
	}
	return err == nil && held, err
}
