package onboarding

import (
	"cmp"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// PayerActor is the audit actor of a payer answering for itself:
// "payer:<participant code>".
func PayerActor(code string) string { return "payer:" + code }

// ParticipantActor is the audit actor of a live participant acting on its
// own application with its access token (a compromise report, an appeal,
// a change of details, its secret's rotation).
func ParticipantActor(code string) string { return "participant:" + code }

// payerRoles may receive and answer approval requests: the insurer, the
// scheme or sponsor, the TPA acting for them.
var payerRoles = []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleSponsor, hcxonboard.RoleTPA}

// ApprovalRequest is an open request for a payer to confirm an
// empanelment, as the payer sees it.
type ApprovalRequest struct {
	ApplicationID   string
	TaskID          string
	ParticipantName string // the provider applying
	EmpanelmentID   string
	Scheme          string
	Message         string
	CreatedAt       time.Time
}

// ApprovalAnswer is a payer's answer to one request.
type ApprovalAnswer struct {
	ApplicationID, TaskID string
	Approve               bool
	Reason                string
}

// ApprovalOutcome is what became of one answer: the application as it now
// stands, or why the answer was refused.
type ApprovalOutcome struct {
	ApplicationID, TaskID string
	Application           *Application
	Err                   error
}

// ApprovalRequests lists the open approval requests addressed to the
// payer with participant code payerCode, oldest first. The payer must be
// an Active participant holding a payer, sponsor or TPA role.
func (s *Service) ApprovalRequests(ctx context.Context, payerCode string) ([]ApprovalRequest, error) {
	if err := s.checkPayer(ctx, payerCode); err != nil {
		return nil, err
	}
	var out []ApprovalRequest
	err := s.eachApplication(ctx, approvalsFilter(payerCode), func(page []registry.Application) error {
		for i := range page {
			reqs, err := approvalRequestsOf(&page[i], payerCode)
			if err != nil {
				return err
			}
			out = append(out, reqs...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding: list approval requests: %w", err)
	}
	return out, nil
}

// approvalsFilter selects the applications that wait on the payer
// payerCode: the store reads only theirs, through an index
// (registry.Application WaitingOn), not every application waiting on
// approval.
func approvalsFilter(payerCode string) registry.ApplicationFilter {
	return registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: payerCode}
}

// approvalRequestsOf returns the open approval requests of application a
// addressed to the payer payerCode.
func approvalRequestsOf(a *registry.Application, payerCode string) ([]ApprovalRequest, error) {
	st, err := decodeState(a)
	if err != nil {
		return nil, err
	}
	var out []ApprovalRequest
	for _, t := range st.Tasks {
		if t.Kind != KindApproval || t.State != TaskOpen || t.Recipient != payerCode {
			continue
		}
		req := ApprovalRequest{ApplicationID: a.ID, TaskID: t.ID, ParticipantName: st.Submitted.ParticipantName,
			Message: t.Message, CreatedAt: t.CreatedAt}
		if e := st.Submitted.Empanelment; e != nil {
			req.EmpanelmentID, req.Scheme = e.EmpanelmentID, e.Scheme
		}
		out = append(out, req)
	}
	return out, nil
}

// ApprovalRequestsPage is ApprovalRequests a page at a time: the requests
// of at most limit applications (0: registry.DefaultLimit), oldest
// application first. Pass Page.Next as cursor for the next page; the last
// page answers none.
func (s *Service) ApprovalRequestsPage(ctx context.Context, payerCode string, limit int, cursor string) (registry.Page[ApprovalRequest], error) {
	var out registry.Page[ApprovalRequest]
	limit, err := pageLimit(limit)
	if err != nil {
		return out, err
	}
	if err := s.checkPayer(ctx, payerCode); err != nil {
		return out, err
	}
	f := approvalsFilter(payerCode)
	// The store answers the payer's applications alone, each with a
	// request: a page and the one after it show whether more follow.
	f.Limit = min(limit+1, registry.MaxLimit)
	var (
		reqs      = make(map[string][]ApprovalRequest) // by application id
		decodeErr error
		kept      []registry.Application
	)
	kept, out.Next, err = scanPage(limit, cursor, func(cursor string) (registry.Page[registry.Application], error) {
		f.Cursor = cursor
		return s.listApplicationsPage(ctx, f)
	}, func(a *registry.Application) (bool, string) {
		rs, err := approvalRequestsOf(a, payerCode)
		if err != nil {
			decodeErr = cmp.Or(decodeErr, err)
		}
		if len(rs) > 0 {
			reqs[a.ID] = rs
		}
		return len(rs) > 0, applicationCursor(a)
	})
	if err = cmp.Or(err, decodeErr); err != nil {
		return registry.Page[ApprovalRequest]{}, fmt.Errorf("onboarding: list approval requests: %w", err)
	}
	out.Items = []ApprovalRequest{}
	for _, a := range kept {
		out.Items = append(out.Items, reqs[a.ID]...)
	}
	return out, nil
}

// AnswerApprovals records a payer's answers to approval requests
// addressed to it — one or many at once — each as its own change with the
// payer as the audit actor (PayerActor). An answer to a request addressed
// to another payer, or no longer open, is refused in its outcome; the
// others still count. A rejection needs a reason. The payer is checked
// again before each answer, and the store records each only while the
// payer is Active (registry.Write.RequireActive): once it is suspended
// or de-boarded, by this replica or another, its remaining answers are
// refused (ErrNotActive).
func (s *Service) AnswerApprovals(ctx context.Context, payerCode string, answers []ApprovalAnswer) ([]ApprovalOutcome, error) {
	if err := s.checkPayer(ctx, payerCode); err != nil {
		return nil, err
	}
	out := make([]ApprovalOutcome, len(answers))
	for i, ans := range answers {
		out[i] = ApprovalOutcome{ApplicationID: ans.ApplicationID, TaskID: ans.TaskID}
		reason := strings.TrimSpace(ans.Reason)
		if !ans.Approve && reason == "" {
			out[i].Err = fmt.Errorf("%w: a rejection needs a reason", ErrInvalidArgument)
			continue
		}
		if err := checkReason(reason); err != nil {
			out[i].Err = err
			continue
		}
		if i > 0 {
			// Staff may suspend or de-board the payer while its answers
			// are recorded: each answer is taken from a payer that may
			// answer then, not only at the start of the call.
			if err := s.checkPayer(ctx, payerCode); err != nil {
				out[i].Err = err
				continue
			}
		}
		r, err := s.mutate(ctx, ans.ApplicationID, func(r *record) error {
			t, err := r.task(ans.TaskID)
			if err != nil {
				return err
			}
			if t.Kind != KindApproval || t.Recipient != payerCode {
				return ErrNotFound
			}
			// The payer was checked above, but staff on another replica
			// may suspend or de-board it before this write commits: the
			// store records the answer only while the payer is Active.
			r.requireActive = []string{payerCode}
			return s.settle(r, t, Decision{Approve: ans.Approve, Reviewer: PayerActor(payerCode), Reason: reason})
		})
		if errors.Is(err, ErrNotFound) {
			// Whether the application or the task exists, or is someone
			// else's, is not the payer's business: one answer for all.
			err = fmt.Errorf("%w: no approval request %s on application %s for payer %s", ErrNotFound, clip(ans.TaskID), clip(ans.ApplicationID), payerCode)
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Application = s.view(r)
	}
	return out, nil
}

// checkPayer requires payerCode to be an Active participant that may answer
// approval requests.
func (s *Service) checkPayer(ctx context.Context, payerCode string) error {
	p, err := s.store.Participant(ctx, payerCode)
	if err != nil {
		return notFound(err, "participant", payerCode)
	}
	if p.Status != hcxonboard.StatusActive {
		return fmt.Errorf("%w: participant %s is %s", ErrNotActive, payerCode, p.Status)
	}
	switch _, c, err := s.standingOf(ctx, payerCode); {
	case errors.Is(err, ErrNotFound):
		// A participant the engine holds no application for: no
		// de-boarding of it is announced here.
	case err != nil:
		return err
	case c.ended(s.clock()):
		return fmt.Errorf("%w: participant %s was de-boarded", ErrNotActive, payerCode)
	}
	for _, r := range payerRoles {
		if p.HasRole(r) {
			return nil
		}
	}
	return fmt.Errorf("%w: participant %s is not a payer, scheme or TPA", ErrInvalidArgument, payerCode)
}

// RegistryPayers is a verifier.PayerDirectory over the registry: a payer's
// key for signed empanelment proofs is the one in the signing certificate
// it registered in step 3 (signing_cert_path, the certificate itself or an
// https URL fetched through f, nil for the default safe fetcher). Only
// Active participants holding a payer, sponsor or TPA role count, whose
// certificate is valid now, and not one whose announced de-boarding has
// taken effect, though ProcessDeboardings has not yet made it Inactive
// (participants that also implement registry.Applications, as every
// registry.Store does, tell). Now is the system clock's unless
// PayersClock gives the engine's (WithClock).
func RegistryPayers(participants registry.Participants, f *safefetch.Fetcher, opts ...PayersOption) verifier.PayerDirectory {
	d := registryPayers{participants: participants, fetch: f, now: time.Now}
	for _, o := range opts {
		o(&d)
	}
	return d
}

// PayersOption configures RegistryPayers.
type PayersOption func(*registryPayers)

// PayersClock sets the clock RegistryPayers judges certificates and
// de-boardings by: give it the engine's (WithClock), so that both agree.
func PayersClock(now func() time.Time) PayersOption {
	return func(d *registryPayers) {
		if now != nil {
			d.now = now
		}
	}
}

type registryPayers struct {
	participants registry.Participants
	fetch        *safefetch.Fetcher
	now          func() time.Time
}

// deboarded reports whether the participant's announced de-boarding has
// taken effect.
func (d registryPayers) deboarded(ctx context.Context, code string) (bool, error) {
	apps, ok := d.participants.(registry.Applications)
	if !ok {
		return false, nil
	}
	var c *credentials
	var err error
	if sr, ok := d.participants.(registry.StandingReader); ok {
		_, c, err = readStanding(ctx, sr, apps, code)
	} else {
		var as []registry.Application
		if as, err = apps.ListApplications(ctx, registry.ApplicationFilter{ParticipantCode: code, Limit: 1}); err == nil {
			if len(as) == 0 {
				return false, nil
			}
			c, err = decodeCredentialFields(as[0].State, false, true)
		}
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return false, nil // no application of the engine's: nothing announced
	case err != nil:
		return false, err
	}
	return c.ended(d.now()), nil
}

func (d registryPayers) SigningKey(ctx context.Context, code string) (crypto.PublicKey, error) {
	p, err := d.participants.Participant(ctx, code)
	if errors.Is(err, registry.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", verifier.ErrUnknownPayer, code)
	}
	if err != nil {
		return nil, err
	}
	payer := false
	for _, r := range payerRoles {
		payer = payer || p.HasRole(r)
	}
	if !payer || p.Status != hcxonboard.StatusActive || strings.TrimSpace(p.SigningCertPath) == "" {
		return nil, fmt.Errorf("%w: %s has no registered signing certificate", verifier.ErrUnknownPayer, code)
	}
	if ended, err := d.deboarded(ctx, code); err != nil {
		return nil, err
	} else if ended {
		return nil, fmt.Errorf("%w: %s was de-boarded", verifier.ErrUnknownPayer, code)
	}
	data := []byte(p.SigningCertPath)
	if strings.HasPrefix(p.SigningCertPath, "https://") {
		f := d.fetch
		if f == nil {
			if f, err = defaultFetcher(); err != nil {
				return nil, err
			}
		}
		if data, err = f.Get(ctx, p.SigningCertPath); err != nil {
			return nil, fmt.Errorf("payer %s signing certificate: %w", code, err)
		}
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%w: %s's signing certificate is not PEM", verifier.ErrUnknownPayer, code)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s's signing certificate: %v", verifier.ErrUnknownPayer, code, err)
	}
	if now := d.now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		// A lapsed key, or one retired and perhaps leaked since, vouches
		// for no empanelment.
		return nil, fmt.Errorf("%w: %s's signing certificate is valid from %s to %s, not now", verifier.ErrUnknownPayer, code,
			cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return cert.PublicKey, nil
}
