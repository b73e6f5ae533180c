package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/openhcx/hcxonboard/readiness"
)

// ActionReadinessChecked records a readiness check of the participant's
// endpoint and keys, with its summary.
const ActionReadinessChecked = "readiness_checked"

// WithReadiness has the engine prove a participant's readiness before
// go-live: CheckReadiness challenges its endpoint_url with a challenge the
// operator signed, has it decrypt a nonce encrypted to its registered
// encryption certificate and sign one with its signing key (package
// readiness; the participant mounts readiness/participant). With required,
// GoLive refuses a participant whose latest report is not ready, was made
// for other details, or is older than maxAge (0: any age). Build the
// Checker with the safe fetcher's client ((*safefetch.Fetcher).Client()).
func WithReadiness(c *readiness.Checker, required bool, maxAge time.Duration) Option {
	return func(s *Service) error {
		if c == nil {
			return fmt.Errorf("%w: nil readiness checker", ErrInvalidOption)
		}
		if maxAge < 0 {
			return fmt.Errorf("%w: negative readiness age", ErrInvalidOption)
		}
		s.ready = &readinessConfig{checker: c, required: required, maxAge: maxAge}
		return nil
	}
}

type readinessConfig struct {
	checker  *readiness.Checker
	required bool
	maxAge   time.Duration
}

// ReadinessRecord is the latest readiness report, with the details it
// was made for.
type ReadinessRecord struct {
	Report      readiness.Report `json:"report"`
	Fingerprint string           `json:"fingerprint"`
}

// detailsFingerprint identifies what a readiness report was made for: the
// endpoint and the certificates.
func detailsFingerprint(t readiness.Target) string {
	h := sha256.New()
	for _, s := range []string{t.ParticipantCode, t.EndpointURL, t.EncryptionCert, t.SigningCert} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readinessTarget is what a record's participant registered.
func readinessTarget(r *record) (readiness.Target, bool) {
	if r.part == nil || r.part.EndpointURL == "" || r.part.EncryptionCert == "" {
		return readiness.Target{}, false
	}
	return readiness.Target{ParticipantCode: r.part.ParticipantCode, EndpointURL: r.part.EndpointURL,
		EncryptionCert: r.part.EncryptionCert, SigningCert: r.part.SigningCertPath}, true
}

// CheckReadiness runs the readiness checks against the participant's
// registered endpoint and certificates — outside any store write, since a
// check may take tens of seconds — and keeps the report on the
// application, with an audit event. A live participant that fails is
// told, and so are staff. It needs step-3 details.
func (s *Service) CheckReadiness(ctx context.Context, id string) (*Application, error) {
	if s.ready == nil {
		return nil, fmt.Errorf("%w: readiness checks (WithReadiness)", ErrNotConfigured)
	}
	first, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	target, ok := readinessTarget(first)
	if !ok {
		return nil, fmt.Errorf("%w: the participant has not given its endpoint and certificates (step 3)", ErrNotReady)
	}
	rep := s.ready.checker.Check(ctx, target)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := s.mutateFrom(ctx, id, first, func(r *record) error {
		if err := r.transition(ActionReadinessChecked, actorSystem, rep.Summary()); err != nil {
			return err
		}
		r.st.Readiness = &ReadinessRecord{Report: rep, Fingerprint: detailsFingerprint(target)}
		if !rep.Ready && isStatus(r.position()) {
			r.tell(MessageReadinessFailed, "Your HCX endpoint failed its readiness check",
				"The HCX operator's readiness check of your endpoint failed: "+rep.Summary()+". Counterparties may not reach you or read what they send you.")
			r.notify(Message{Kind: MessageReadinessFailed, To: Staff, Subject: "A live participant failed its readiness check",
				Body: fmt.Sprintf("Participant %s: %s", r.app.ParticipantCode, rep.Summary())})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// ChecksReadiness reports whether the engine checks readiness
// (WithReadiness).
func (s *Service) ChecksReadiness() bool { return s.ready != nil }

// readinessMissing says why go-live waits on readiness, or "".
func (s *Service) readinessMissing(r *record) string {
	if s.ready == nil || !s.ready.required {
		return ""
	}
	rec := r.st.Readiness
	target, ok := readinessTarget(r)
	switch {
	case !ok:
		return ""
	case rec == nil:
		return "the endpoint's readiness was not checked (POST …/readiness)"
	case rec.Fingerprint != detailsFingerprint(target):
		return "the readiness check was made for other details; check again"
	case !rec.Report.Ready:
		return "the readiness check failed: " + rec.Report.Summary()
	case s.ready.maxAge > 0 && r.now.Sub(rec.Report.CheckedAt) > s.ready.maxAge:
		return "the readiness check is too old; check again"
	}
	return ""
}
