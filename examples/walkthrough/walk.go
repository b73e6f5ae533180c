package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/verifier"
)

// walker takes samples live, one after the other.
type walker struct {
	cfg     config
	api     *client
	out     io.Writer
	codes   codeLog
	docs    map[string]string // SHA-256 → file
	details onboarding.Details
	// endpoints serve the participants' readiness handlers; nil when the
	// operator checks no readiness (-readiness off).
	endpoints *endpoints
	// payer is the insurer this run took live: the empanelled hospital
	// names it, and it answers the approval request itself.
	payer *liveParticipant
}

// liveParticipant is a live participant's production credentials.
type liveParticipant struct {
	name, code, secret string
}

// result is what became of one sample.
type result struct {
	category verifier.Category
	code     string
	status   hcxonboard.Status
	took     time.Duration
	err      error
}

// Stages and task states as the API spells them.
const (
	stageVerifying   = "verifying"
	stageDetails     = "details"
	stageCredentials = "credentials"
	stageLive        = "live"
	stageRejected    = "rejected"
	taskOpen         = "open"
)

func (w *walker) step(name, format string, args ...any) {
	fmt.Fprintf(w.out, "  %-15s %s\n", name, fmt.Sprintf(format, args...))
}

// walk takes one sample from submission to go-live.
func (w *walker) walk(ctx context.Context, s sample) result {
	start := time.Now()
	r := result{category: s.category}
	fmt.Fprintf(w.out, "%s — %s (%s)\n", s.category, s.app.ParticipantName, s.file)
	code, status, err := w.onboard(ctx, s)
	r.code, r.status, r.err, r.took = code, status, err, time.Since(start)
	return r
}

func (w *walker) onboard(ctx context.Context, s sample) (string, hcxonboard.Status, error) {
	app := s.app
	if e := app.Empanelment; e != nil && strings.TrimSpace(e.PayerCode) == "" && w.payer != nil && w.payer.name == e.PayerName {
		e.PayerCode = w.payer.code
		w.step("empanelment", "payer_code set to %s, the insurer taken live above: it answers the approval request itself", w.payer.code)
	}

	// Steps 1 and 2: submit. Codes written from now on are this
	// application's.
	mark := w.codes.mark()
	var applied httpapi.ApplyResponse
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/applications", "", app, &applied); err != nil {
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.status == http.StatusConflict {
			return "", "", fmt.Errorf("submit: %w\n%s", err, w.rerunHint())
		}
		if errors.As(err, &apiErr) && len(apiErr.problems) > 0 {
			var b strings.Builder
			for _, r := range apiErr.problems {
				fmt.Fprintf(&b, "\n                  %s (%s): %s", r.ID, r.Outcome, r.Message)
			}
			return "", "", fmt.Errorf("submit: %w%s\n                  The operator's samples pass on the operator that wrote them: "+
				"is -data %s the data directory of the operator at %s? Give the -url and -data its banner prints", err, b.String(), w.cfg.data, w.cfg.url)
		}
		return "", "", fmt.Errorf("submit: %w", err)
	}
	a, token := applied.Application, applied.ApplicantToken
	w.step("submit", "application %s: stage %s%s", a.ID, a.Stage, waitingOn(a))
	if a.Stage == stageRejected {
		return "", "", fmt.Errorf("rejected: %s\n%s", strings.Join(a.Reasons, "; "), w.rerunHint())
	}

	// Step 2: settle what the application waits on, one task at a time.
	a, err := w.settle(ctx, s, a, token, mark)
	if err != nil {
		return "", "", err
	}

	// Step 3: the endpoint and certificates. With readiness checks, the
	// endpoint is this program's: a readiness handler for this
	// participant code, with the keys of details.json's certificates.
	if a.Stage == stageDetails {
		details := w.details
		if w.endpoints != nil {
			if a.ParticipantCode == "" {
				return "", "", errors.New("step-3 details: the application names no participant code to serve a readiness handler for")
			}
			url, err := w.endpoints.add(a.ParticipantCode)
			if err != nil {
				return "", "", err
			}
			details.EndpointURL = url
		}
		if err := w.api.call(ctx, http.MethodPut, "/v1/onboarding/applications/"+a.ID+"/details", token, details, &a); err != nil {
			return "", "", fmt.Errorf("step-3 details: %w", err)
		}
		w.step("details", "endpoint %s, %s (details.json): stage %s", details.EndpointURL, certificates(details), a.Stage)
	}
	if a.Stage != stageCredentials {
		return "", "", fmt.Errorf("after step 3 the application is at stage %s, not %s", a.Stage, stageCredentials)
	}

	// The readiness checks: the operator challenges the endpoint, which
	// must decrypt a nonce with the encryption key and sign one with the
	// signing key. Go-live waits on a passed report.
	if w.endpoints != nil {
		if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/applications/"+a.ID+"/readiness", token, nil, &a); err != nil {
			return a.ParticipantCode, "", fmt.Errorf("readiness: %w", err)
		}
		if a.Readiness == nil {
			return a.ParticipantCode, "", errors.New("readiness: the operator kept no report")
		}
		w.printReadiness(a.Readiness.Report)
		if !a.Readiness.Report.Ready {
			return a.ParticipantCode, "", fmt.Errorf("readiness: %s", a.Readiness.Report.Summary())
		}
	} else {
		w.step("readiness", "not checked: the operator runs with -readiness off")
	}

	// Step 4: the participant code and the production secret, shown once.
	var creds httpapi.CredentialsResponse
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/applications/"+a.ID+"/credentials", token, nil, &creds); err != nil {
		return "", "", fmt.Errorf("credentials: %w", err)
	}
	w.step("credentials", "participant code %s; secret %s (shown once, kept in memory only)", creds.ParticipantCode, masked(creds.Secret))

	// Step 5: another person than the reviewer confirms the checklist.
	err = w.api.call(ctx, http.MethodPost, "/v1/onboarding/staff/applications/"+a.ID+"/go-live", w.cfg.approverToken,
		httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true, Note: "demo walkthrough: pilot and staff training confirmed"}, &a)
	if err != nil {
		return creds.ParticipantCode, "", fmt.Errorf("go-live (approver): %w", err)
	}
	w.step("go-live", "the approver confirmed the checklist: stage %s, status %s", a.Stage, a.Status)

	// The secret works: an access token, which now also reads the record.
	var tok httpapi.TokenResponse
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/token", "",
		httpapi.TokenRequest{ParticipantCode: creds.ParticipantCode, Secret: creds.Secret}, &tok); err != nil {
		return creds.ParticipantCode, a.Status, fmt.Errorf("access token: %w", err)
	}
	if err := w.api.call(ctx, http.MethodGet, "/v1/onboarding/applications/"+a.ID, tok.AccessToken, nil, &a); err != nil {
		return creds.ParticipantCode, a.Status, fmt.Errorf("read back with the access token: %w", err)
	}
	w.step("access token", "%s token for %s, valid %d s; the registry says %s", tok.TokenType, creds.ParticipantCode, tok.ExpiresIn, a.Participant.Status)
	if a.Stage != stageLive || a.Participant.Status != hcxonboard.StatusActive {
		return creds.ParticipantCode, a.Participant.Status, fmt.Errorf("not live: stage %s, status %s", a.Stage, a.Participant.Status)
	}
	if s.category == verifier.CategoryPayer {
		w.payer = &liveParticipant{name: app.ParticipantName, code: creds.ParticipantCode, secret: creds.Secret}
	}
	return creds.ParticipantCode, a.Participant.Status, nil
}

// printReadiness prints a readiness report: each check, its outcome and
// time, and what to fix when one failed.
func (w *walker) printReadiness(r readiness.Report) {
	verdict := "ready"
	if !r.Ready {
		verdict = "NOT READY"
	}
	w.step("readiness", "%s: the operator challenged %s as %s (%s, %d ms)", verdict, r.URL, r.Issuer, count(r.Attempts, "attempt"), r.DurationMS)
	for _, c := range r.Checks {
		fmt.Fprintf(w.out, "  %-15s   %-7s %-15s %5d ms  %s\n", "", c.Outcome, c.Check, c.DurationMS, c.Message)
		if c.Outcome == readiness.Failed && c.Hint != "" {
			fmt.Fprintf(w.out, "  %-15s   %-7s %-15s           fix (%s): %s\n", "", "", "", c.Problem, c.Hint)
		}
	}
}

// certificates names the certificates details registers.
func certificates(d onboarding.Details) string {
	if d.SigningCertPath != "" {
		return "encryption and signing certificates"
	}
	return "an encryption certificate"
}

// settle acts on the application's open tasks until it leaves
// verification: uploads, one-time codes, reviews and approvals.
func (w *walker) settle(ctx context.Context, s sample, a *httpapi.Application, token string, mark int64) (*httpapi.Application, error) {
	uploaded := false
	idle := time.Now()
	for a.Stage == stageVerifying {
		var t *httpapi.Task
		for i := range a.Tasks {
			if a.Tasks[i].State == taskOpen && a.Tasks[i].Kind != onboarding.KindRetry && a.Tasks[i].Kind != onboarding.KindAwait {
				t = &a.Tasks[i]
				break
			}
		}
		var err error
		switch {
		case t == nil:
			// Only a registry's answer is awaited: look again shortly.
			if time.Since(idle) > w.cfg.wait {
				return nil, fmt.Errorf("still waiting after %s%s", w.cfg.wait, waitingOn(a))
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		case t.Kind == onboarding.KindUpload && !uploaded:
			uploaded = true
			err = w.upload(ctx, s, a, token)
		case t.Kind == onboarding.KindOTP:
			err = w.otp(ctx, s, a, t, token, mark)
		case t.Kind == onboarding.KindReview:
			err = w.review(ctx, a, t)
		case t.Kind == onboarding.KindApproval:
			err = w.approval(ctx, a, t)
		default:
			return nil, fmt.Errorf("task %s (%s, %s) is not one this walkthrough can settle: %s", t.ID, t.Kind, t.Requirement, t.Message)
		}
		if err != nil {
			return nil, err
		}
		if t != nil {
			idle = time.Now()
		}
		if err := w.api.call(ctx, http.MethodGet, "/v1/onboarding/applications/"+a.ID, token, nil, &a); err != nil {
			return nil, fmt.Errorf("status: %w", err)
		}
	}
	switch a.Stage {
	case stageDetails, stageCredentials:
		return a, nil
	default:
		return nil, fmt.Errorf("the application ended at stage %s: %s", a.Stage, strings.Join(a.Reasons, "; "))
	}
}

// upload sends every document the application references, as its
// applicant would: the operator holds each and opens a staff review.
func (w *walker) upload(ctx context.Context, s sample, a *httpapi.Application, token string) error {
	for _, d := range s.app.Documents {
		path, ok := w.docs[strings.ToLower(d.SHA256)]
		if !ok {
			return fmt.Errorf("upload: no file in %s has the digest of the %s the application references", w.cfg.data, d.Kind)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var held httpapi.Document
		if err := w.api.upload(ctx, "/v1/onboarding/applications/"+a.ID+"/documents?kind="+d.Kind, token, d.MediaType, content, &held); err != nil {
			return fmt.Errorf("upload %s: %w", d.Kind, err)
		}
		w.step("upload", "%s ← %s (%d bytes): held as %s", d.Kind, w.rel(path), len(content), held.ID)
	}
	return nil
}

// otp confirms a one-time code. The operator's demo wrote it to
// demo-codes.jsonl when it "sent" it: the system admin's code by
// application, HFR's by facility, HPR's by professional.
func (w *walker) otp(ctx context.Context, s sample, a *httpapi.Application, t *httpapi.Task, token string, mark int64) error {
	var match func(demoCode) bool
	var who string
	switch t.Channel {
	case onboarding.ChannelSystemAdmin:
		who = "the system admin's code"
		match = func(c demoCode) bool { return c.Channel == t.Channel && c.ApplicationID == a.ID }
	case onboarding.ChannelHFR:
		id := strings.ToUpper(strings.TrimSpace(s.app.Identifiers.HFRID))
		who = "HFR's code to the manager of " + id
		match = func(c demoCode) bool { return c.Channel == t.Channel && strings.EqualFold(c.FacilityID, id) }
	case onboarding.ChannelHPR:
		id := digits(s.app.Identifiers.HPRID)
		who = "HPR's code to professional " + s.app.Identifiers.HPRID
		match = func(c demoCode) bool { return c.Channel == t.Channel && digits(c.HPRID) == id }
	default:
		return fmt.Errorf("one-time code by channel %q: not one the demo writes down", t.Channel)
	}
	code, err := w.codes.await(ctx, mark, w.cfg.wait, match)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Requirement, err)
	}
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/applications/"+a.ID+"/tasks/"+t.ID+"/otp", token,
		httpapi.OTPRequest{OTP: code}, nil); err != nil {
		return fmt.Errorf("%s: %w", t.Requirement, err)
	}
	w.step("one-time code", "%s: %s, sent to %s, read from %s: confirmed", t.Requirement, who, t.Recipient, codesFile)
	return nil
}

// review has the reviewer approve a review task, as staff would in the
// console after reading the document or the registry's findings. A
// document is opened first: only a reviewer who was served it may
// approve its review.
func (w *walker) review(ctx context.Context, a *httpapi.Application, t *httpapi.Task) error {
	reason := "demo walkthrough: checked"
	if t.DocumentID != "" {
		path := "/v1/onboarding/staff/applications/" + a.ID + "/documents/" + url.PathEscape(t.DocumentID)
		if err := w.api.call(ctx, http.MethodGet, path, w.cfg.reviewerToken, nil, nil); err != nil {
			return fmt.Errorf("open document %s of %s (reviewer): %w", t.DocumentID, t.Requirement, err)
		}
	}
	if err := w.decide(ctx, a, t, reason); err != nil {
		return err
	}
	what := string(t.Requirement)
	if t.DocumentID != "" {
		what += " (document " + t.DocumentID + ", read first)"
	}
	w.step("review", "%s approved by the reviewer", what)
	return nil
}

// approval settles an empanelling payer's approval: the payer answers
// itself, with its access token, when this run took it live; otherwise
// the reviewer decides on its behalf.
func (w *walker) approval(ctx context.Context, a *httpapi.Application, t *httpapi.Task) error {
	if w.payer == nil || t.Recipient != w.payer.code {
		if err := w.decide(ctx, a, t, "demo walkthrough: the payer confirmed the empanelment by other means"); err != nil {
			return err
		}
		w.step("approval", "%s: the reviewer approved on behalf of %s", t.Requirement, t.Recipient)
		return nil
	}
	var tok httpapi.TokenResponse
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/token", "",
		httpapi.TokenRequest{ParticipantCode: w.payer.code, Secret: w.payer.secret}, &tok); err != nil {
		return fmt.Errorf("the payer's access token: %w", err)
	}
	// The requests come a page at a time, oldest first: follow next.
	var req *httpapi.ApprovalRequestView
	seen := 0
	for path := "/v1/onboarding/payer/approvals"; req == nil && path != ""; {
		var reqs httpapi.ApprovalRequestsResponse
		if err := w.api.call(ctx, http.MethodGet, path, tok.AccessToken, nil, &reqs); err != nil {
			return fmt.Errorf("the payer's approval requests: %w", err)
		}
		for i := range reqs.Requests {
			if reqs.Requests[i].ApplicationID == a.ID && reqs.Requests[i].TaskID == t.ID {
				req = &reqs.Requests[i]
			}
		}
		seen += len(reqs.Requests)
		path = ""
		if reqs.Next != "" {
			path = "/v1/onboarding/payer/approvals?cursor=" + url.QueryEscape(reqs.Next)
		}
	}
	if req == nil {
		return fmt.Errorf("payer %s has no approval request for task %s (it has %d)", w.payer.code, t.ID, seen)
	}
	var answer httpapi.ApprovalDecisionsResponse
	if err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/payer/approvals", tok.AccessToken, httpapi.ApprovalDecisionsRequest{
		Decisions: []httpapi.ApprovalDecision{{ApplicationID: a.ID, TaskID: t.ID, Decision: httpapi.DecisionApprove}},
	}, &answer); err != nil {
		return fmt.Errorf("the payer's answer: %w", err)
	}
	for _, r := range answer.Results {
		if r.Error != nil {
			return fmt.Errorf("the payer's answer was refused: %s: %s", r.Error.Code, r.Error.Message)
		}
	}
	w.step("approval", "%s: payer %s approved empanelment %s itself (GET and POST /v1/onboarding/payer/approvals, its access token)",
		t.Requirement, w.payer.code, req.EmpanelmentID)
	return nil
}

func (w *walker) decide(ctx context.Context, a *httpapi.Application, t *httpapi.Task, reason string) error {
	err := w.api.call(ctx, http.MethodPost, "/v1/onboarding/staff/applications/"+a.ID+"/tasks/"+t.ID+"/decision", w.cfg.reviewerToken,
		httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: reason}, nil)
	if err != nil {
		return fmt.Errorf("decide %s (reviewer): %w", t.Requirement, err)
	}
	return nil
}

// rerunHint explains the usual reason a sample is refused on its face.
func (w *walker) rerunHint() string {
	return "                  If this operator already took the sample live, or it was submitted by hand (curl): a sample is onboarded once\n" +
		"                  per data directory, since its sandbox certificate and registry identities then belong to its first\n" +
		"                  application. To run again, stop the operator, delete its data directory (" + w.cfg.data + ")\n" +
		"                  and start it again."
}

// rel names a file of the data directory by its path inside it.
func (w *walker) rel(path string) string {
	if r, err := filepath.Rel(w.cfg.data, path); err == nil {
		return r
	}
	return path
}

// waitingOn lists an application's open tasks: "; waits on: otp
// system_admin_otp, upload signatory_letter".
func waitingOn(a *httpapi.Application) string {
	var open []string
	for _, t := range a.Tasks {
		if t.State == taskOpen {
			open = append(open, t.Kind+" "+string(t.Requirement))
		}
	}
	if len(open) == 0 {
		return ""
	}
	return "; waits on: " + strings.Join(open, ", ")
}

// masked shows a secret's recognisable prefix only.
func masked(secret string) string {
	if i := strings.IndexByte(secret, '_'); i > 0 && i < 12 {
		return secret[:i+1] + "…"
	}
	return "…"
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonStrict decodes one JSON value, refusing unknown fields.
func jsonStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
