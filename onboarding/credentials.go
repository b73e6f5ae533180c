package onboarding

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// Provision is step 4: it mints the participant's production access secret
// and returns it with the participant code. The secret is shown exactly
// once: the store keeps only its SHA-256, and neither the audit trail nor
// the log ever sees it. A second Provision while a live secret exists is
// ErrAlreadyProvisioned (use RotateSecret); after a compromise report, or
// once every secret expired, Provision issues a fresh one. A live
// participant's registered contacts are told of it
// (MessageCredentialsIssued, without the secret), in the same write.
func (s *Service) Provision(ctx context.Context, id string) (Credentials, error) {
	return s.ProvisionBy(ctx, id, actorSystem)
}

// ProvisionBy is Provision on behalf of actor, the audit trail's actor:
// "applicant", the applicant asking for its own (step 4, as Provision);
// or the operator's staff ("staff:asha") issuing a new secret to a live
// participant, Active or suspended, whose secrets expired, or were revoked
// by a compromise report, since such a participant cannot authenticate to
// ask for one itself. Hand the secret to the participant over a channel
// you trust; it is shown only here.
func (s *Service) ProvisionBy(ctx context.Context, id, actor string) (Credentials, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return Credentials{}, fmt.Errorf("%w: provisioning needs an actor", ErrInvalidArgument)
	}
	var out Credentials
	_, err := s.mutate(ctx, id, func(r *record) error {
		if err := r.transition(ActionProvision, actor, ""); err != nil {
			return err
		}
		byStaff := actor != actorSystem && actor != actorApplicant
		if byStaff && !r.isLive() {
			// Before go-live the applicant provisions its own secret
			// (step 4): the first secret is never in staff's hands. A
			// suspended participant gets one too: with it (CheckSecret),
			// not with an access token, it mends what it was suspended for.
			return &TransitionError{Action: ActionProvision, From: positionName(r.position()),
				Reason: "staff issue a secret only to a live participant; before go-live the applicant provisions its own"}
		}
		if liveSecrets(r.st.Secrets, r.now) {
			return fmt.Errorf("%w: participant %s holds a live secret; rotate it instead with RotateSecret", ErrAlreadyProvisioned, r.app.ParticipantCode)
		}
		plain, rec, err := s.secrets.New()
		if err != nil {
			return fmt.Errorf("onboarding: mint secret: %w", err)
		}
		r.st.Secrets = append(r.st.Secrets, rec)
		now := r.now
		r.st.ProvisionedAt = &now
		r.events[len(r.events)-1].Reason = fmt.Sprintf("secret %s issued, expires %s", rec.ID, rec.ExpiresAt.Format(time.RFC3339))
		out = Credentials{ParticipantCode: r.app.ParticipantCode, Secret: plain, ExpiresAt: rec.ExpiresAt}
		if r.isLive() {
			by := "The HCX operator issued participant %s a new production secret"
			if !byStaff {
				by = "Participant %s was issued a new production secret"
			}
			s.tellNewSecret(r, by, rec)
		}
		return nil
	})
	if err != nil {
		return Credentials{}, err
	}
	return out, nil
}

// RotateSecret issues a new secret to a participant that proves it holds
// its newest live one; the old secrets keep working for overlap (0 retires
// them at once), so clients switch over without downtime — for tokens
// only: a secret a rotation replaced rotates no more. Every refusal of the
// code and secret — unknown code, malformed, wrong, revoked, expired or
// replaced secret, a participant that may not rotate (suspended,
// de-boarded) — is the bare ErrInvalidCredentials, and the reason goes to
// the log only. A live participant's registered contacts are told of the
// new secret (MessageCredentialsIssued, without it), in the same write:
// someone else holding the old one may be the one rotating.
func (s *Service) RotateSecret(ctx context.Context, code, secret string, overlap time.Duration) (Credentials, error) {
	if overlap < 0 {
		return Credentials{}, fmt.Errorf("%w: negative overlap %v", ErrInvalidArgument, overlap)
	}
	id, err := s.applicationOfCode(ctx, code)
	if err != nil {
		if unknownCode(err) {
			return Credentials{}, s.refuseUnknown(ctx, "rotate", code, secret)
		}
		return Credentials{}, err
	}
	var out Credentials
	var refused string // why the credentials were refused, for the log
	_, err = s.mutate(ctx, id, func(r *record) error {
		refused = ""
		got, err := s.secrets.Check(secret, r.st.Secrets)
		if err != nil {
			refused = secretRefusal(err)
			return ErrInvalidCredentials
		}
		if superseded(got, r.st.Secrets, r.now) {
			// A secret a rotation replaced still gets tokens during the
			// overlap, so that clients switch over; it rotates no more.
			// Else whoever else knew it — the reason to rotate — would
			// mint a secret of their own and cut the new one short.
			refused = "the secret was replaced by a rotation: only the newest may rotate"
			return ErrInvalidCredentials
		}
		if err := r.transition(ActionRotateSecret, ParticipantActor(r.app.ParticipantCode), ""); err != nil {
			if errors.Is(err, ErrIllegalTransition) {
				refused = "the participant may not rotate now: " + err.Error()
				return ErrInvalidCredentials
			}
			return err
		}
		plain, updated, err := s.secrets.Rotate(r.st.Secrets, overlap)
		if err != nil {
			return fmt.Errorf("onboarding: rotate secret: %w", err)
		}
		rec := updated[len(updated)-1]
		r.st.Secrets = updated
		r.events[len(r.events)-1].Reason = fmt.Sprintf("secret %s issued, older secrets retire by %s", rec.ID, r.now.Add(overlap).Format(time.RFC3339))
		out = Credentials{ParticipantCode: r.app.ParticipantCode, Secret: plain, ExpiresAt: rec.ExpiresAt}
		if r.isLive() {
			s.tellNewSecret(r, "Participant %s rotated its production secret", rec)
		}
		return nil
	})
	switch {
	case refused != "":
		return Credentials{}, s.refuse(ctx, "rotate", code, true, refused)
	case err != nil && errors.Is(err, ErrNotFound):
		return Credentials{}, s.refuse(ctx, "rotate", code, false, "the participant's application is gone")
	case err != nil:
		return Credentials{}, err
	}
	return out, nil
}

// tellNewSecret tells a live participant's registered contacts (those
// SubmitDetails tells of a change: its primary e-mail, its admin, the
// contacts of its details) that a new production secret was issued —
// how, in by, a format naming the participant — in the write that issues
// it. Whoever asked may hold what they should not (a leaked secret
// rotates), so the contacts hear of it and can report a compromise. The message
// never holds the secret, nor its record's id.
func (s *Service) tellNewSecret(r *record, by string, rec credential.SecretRecord) {
	for _, to := range s.detailsContacts(r) {
		r.notify(Message{Kind: MessageCredentialsIssued, To: to,
			Subject: "A new HCX production secret was issued to you",
			Body: fmt.Sprintf(by+", valid until %s. If you did not ask for it, report a compromise to the HCX operator at once, "+
				"quoting participant %s: every secret and token is then revoked.", r.app.ParticipantCode, day(rec.ExpiresAt), r.app.ParticipantCode)})
	}
}

// superseded reports whether rec, one of recs, was replaced by a later
// record still live at now.
func superseded(rec credential.SecretRecord, recs []credential.SecretRecord, now time.Time) bool {
	after := false
	for _, r := range recs {
		if after && r.Live(now) {
			return true
		}
		after = after || r.ID == rec.ID
	}
	return false
}

// Refusing a participant code and secret. Whatever was wrong, the caller
// gets the same bare ErrInvalidCredentials, and about the same work is
// done, so that neither the words nor the time tell a known code from an
// unknown one, a malformed secret from a wrong, revoked or expired one, or
// a suspended participant from an active one. Only the log says why.

// maxCodeLen bounds a participant code worth looking up: longer ones, or
// ones that are not clean UTF-8, cannot exist and never reach the store
// (where a NUL byte fails PostgreSQL).
const maxCodeLen = 256

// decoySecrets stands in for the records of an unknown code: checking a
// secret against it costs what checking against a participant's one
// record does, and nothing hashes to zeros.
var decoySecrets = []credential.SecretRecord{{
	ID: "decoy", Hash: strings.Repeat("0", 64),
	ExpiresAt: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
}}

// applicationOfCode is applicationID for a code from outside.
func (s *Service) applicationOfCode(ctx context.Context, code string) (string, error) {
	if !plausibleCode(code) {
		return "", fmt.Errorf("%w: not a participant code", ErrNotFound)
	}
	return s.applicationID(ctx, code)
}

func plausibleCode(code string) bool {
	return code != "" && len(code) <= maxCodeLen && utf8.ValidString(code) && strings.IndexByte(code, 0) < 0
}

// unknownCode reports whether err says there is no such participant.
func unknownCode(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalidArgument)
}

// refuseUnknown refuses a code that names no participant, after checking
// secret against decoySecrets so that the refusal takes about as long as
// one of a known code.
func (s *Service) refuseUnknown(ctx context.Context, op, code, secret string) error {
	_, _ = s.secrets.Check(secret, decoySecrets)
	reason := "unknown participant code"
	switch {
	case code == "":
		reason = "empty participant code"
	case !plausibleCode(code):
		reason = "not a participant code (over-long, a NUL byte or invalid UTF-8)"
	}
	return s.refuse(ctx, op, code, false, reason)
}

// refuse logs why a code and secret were refused and returns the one
// error every refusal gets. A known code is a public registry identifier
// and is logged as it is; an unknown one may be anything the caller typed
// (a secret pasted into the wrong field), so only a fingerprint of it is.
func (s *Service) refuse(ctx context.Context, op, code string, known bool, reason string) error {
	who := clip(code)
	if !known {
		sum := sha256.Sum256([]byte(code))
		who = "unknown:" + hex.EncodeToString(sum[:4])
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "onboarding: credentials refused",
		slog.String("operation", op), slog.String("participant", who), slog.String("reason", reason))
	return ErrInvalidCredentials
}

// secretRefusal says why Check refused a secret, for the log. Errors from
// credential never carry the secret.
func secretRefusal(err error) string {
	switch {
	case errors.Is(err, credential.ErrMalformedSecret):
		return "malformed secret: " + err.Error()
	case errors.Is(err, credential.ErrSecretExpired):
		return "expired secret: " + err.Error()
	case errors.Is(err, credential.ErrInvalidSecret):
		return "the secret matches no live record (wrong or revoked)"
	}
	return err.Error()
}

// ReportCompromise answers a participant's report that its secret leaked:
// every secret is revoked and every token issued before now is refused by
// VerifyToken. The operator then issues a fresh secret with ProvisionBy
// (over HTTP, the staff route POST …/staff/applications/{id}/credentials).
// Where replicas' clocks may drift (credential.WithLeeway), tokens stamped
// up to the leeway after the report are refused too, and Token issues none
// until the leeway has passed: a replica whose clock runs ahead stamps a
// token issued before the report with a later time. Every registered
// contact (those a new secret is told to) hears of the revocation, in the
// same write.
func (s *Service) ReportCompromise(ctx context.Context, code, actor, reason string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: a compromise report needs an actor", ErrInvalidArgument)
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	id, err := s.applicationID(ctx, code)
	if err != nil {
		return err
	}
	_, err = s.mutate(ctx, id, func(r *record) error {
		if r.st.CompromisedAt != nil && !r.hasLiveSecret() {
			// Reported already, and nothing since to revoke: the report
			// stands as it is, and a repeat adds nothing to the trail.
			if _, ok := edges[edge{r.position(), ActionReportCompromise}]; ok {
				return errNothingToReport
			}
		}
		if err := r.transition(ActionReportCompromise, actor, reason); err != nil {
			return err
		}
		r.revokeSecrets()
		// The later of two reports stands: a replica whose clock lags must
		// not move the report back and revive the tokens it refused.
		if now := r.now; r.st.CompromisedAt == nil || now.After(*r.st.CompromisedAt) {
			r.st.CompromisedAt = &now
		}
		// Every registered contact hears of it, as of a new secret: the
		// report may come from whoever holds the leaked secret.
		for _, to := range s.detailsContacts(r) {
			r.notify(Message{
				Kind:    MessageCredentialsRevoked,
				To:      to,
				Subject: "Your HCX credentials were revoked",
				Body:    "After a compromise report every production secret and every access token issued so far was revoked. Ask the operator for a new secret.",
			})
		}
		return nil
	})
	if errors.Is(err, errNothingToReport) {
		return nil
	}
	return err
}

// errNothingToReport ends a compromise report that repeats one standing,
// with no secret issued since, without a write.
var errNothingToReport = errors.New("onboarding: compromise reported already")

// hasLiveSecret reports whether the record holds a secret not revoked.
func (r *record) hasLiveSecret() bool {
	for _, sec := range r.st.Secrets {
		if sec.RevokedAt == nil {
			return true
		}
	}
	return false
}

// revokeSecrets revokes every secret the record holds.
func (r *record) revokeSecrets() {
	if len(r.st.Secrets) == 0 {
		return
	}
	for i := range r.st.Secrets {
		if r.st.Secrets[i].RevokedAt == nil {
			t := r.now
			r.st.Secrets[i].RevokedAt = &t
		}
	}
}

// Token exchanges a participant code and secret for an access token. Only
// Active participants get tokens. Every refusal — unknown code, malformed,
// wrong, revoked or expired secret, a participant not Active — is the bare
// ErrInvalidCredentials, and the reason goes to the log only.
func (s *Service) Token(ctx context.Context, code, secret string) (credential.Token, error) {
	if s.tokens == nil {
		return credential.Token{}, fmt.Errorf("%w: token issuer (WithTokens)", ErrNotConfigured)
	}
	c, err := s.secretHolder(ctx, "token", code, secret, hcxonboard.StatusActive)
	if err != nil {
		return credential.Token{}, err
	}
	tok, err := s.tokens.Issue(c.part.ParticipantCode, c.part.Roles)
	if err != nil {
		return credential.Token{}, fmt.Errorf("onboarding: issue token: %w", err)
	}
	// A compromise report, suspension or de-boarding stored since the
	// secrets were read would leave a token stamped after it, which other
	// gateways, checking only its signature, accept until it expires: read
	// the standing again and refuse the token then.
	status, latest, err := s.standingOf(ctx, code)
	if err != nil {
		return credential.Token{}, err
	}
	if status != hcxonboard.StatusActive {
		return credential.Token{}, s.refuse(ctx, "token", code, true,
			fmt.Sprintf("the participant became %s while the token was issued", status))
	}
	if latest.ended(s.clock()) {
		return credential.Token{}, s.refuse(ctx, "token", code, true,
			"the participant's de-boarding took effect while the token was issued")
	}
	compromisedAt := latest.CompromisedAt
	if compromisedAt != nil && (c.CompromisedAt == nil || compromisedAt.After(*c.CompromisedAt)) {
		return credential.Token{}, s.refuse(ctx, "token", code, true, "a compromise was reported while the token was issued")
	}
	if compromisedAt != nil && !s.afterCompromise(tok.IssuedAt, *compromisedAt) {
		// VerifyToken would refuse it: say so now.
		return credential.Token{}, s.refuse(ctx, "token", code, true,
			fmt.Sprintf("a compromise was reported less than the clock leeway (%v) ago; ask again after it", s.tokens.Leeway()))
	}
	return tok, nil
}

// CheckSecret admits a participant that authenticates with its code and
// a live secret, as a suspended participant must: Token issues it no
// access token, since other gateways check only a token's signature and
// would let it transact. It admits an Active or suspended (Blocked)
// participant whose de-boarding has not taken effect, so that a
// participant suspended for an expired certificate can register new
// certificates (SubmitDetails, which reinstates it), appeal or report a
// compromise. Every refusal is the bare ErrInvalidCredentials, as Token's
// are, and the reason goes to the log only.
//
// CheckSecret grants nothing by itself: the caller acts on the
// participant's own application only, as ParticipantActor(code).
func (s *Service) CheckSecret(ctx context.Context, code, secret string) error {
	_, err := s.secretHolder(ctx, "secret", code, secret, hcxonboard.StatusActive, hcxonboard.StatusBlocked)
	return err
}

// secretHolder reads the credentials of the participant code names when
// secret is one of its live secrets, it holds one of the statuses, and
// no de-boarding of it has taken effect. Every refusal is the bare
// ErrInvalidCredentials, logged under op with its reason.
func (s *Service) secretHolder(ctx context.Context, op, code, secret string, statuses ...hcxonboard.Status) (*credentials, error) {
	var c *credentials
	err := fmt.Errorf("%w: not a participant code", ErrNotFound)
	if plausibleCode(code) {
		c, err = s.credentialsOf(ctx, code)
	}
	if err != nil {
		if unknownCode(err) {
			return nil, s.refuseUnknown(ctx, op, code, secret)
		}
		return nil, err
	}
	if _, err := s.secrets.Check(secret, c.Secrets); err != nil {
		return nil, s.refuse(ctx, op, code, true, secretRefusal(err))
	}
	if !slices.Contains(statuses, c.part.Status) {
		return nil, s.refuse(ctx, op, code, true, fmt.Sprintf("the participant is %s, not %s", c.part.Status, statusWords(statuses)))
	}
	if c.ended(s.clock()) {
		return nil, s.refuse(ctx, op, code, true, "the participant's de-boarding took effect at "+c.EndsAt.Format(time.RFC3339))
	}
	return c, nil
}

// statusWords is "Active", or "Active or Blocked".
func statusWords(statuses []hcxonboard.Status) string {
	out := make([]string, len(statuses))
	for i, st := range statuses {
		out[i] = string(st)
	}
	return strings.Join(out, " or ")
}

// VerifyToken checks an access token: signature, algorithm, issuer,
// audience and expiry (credential.Tokens.Verify), and then that the
// participant is still Active and reported no compromise after the token
// was issued. Every refusal wraps credential.ErrInvalidToken.
func (s *Service) VerifyToken(ctx context.Context, token string) (*credential.TokenClaims, error) {
	if s.tokens == nil {
		return nil, fmt.Errorf("%w: token issuer (WithTokens)", ErrNotConfigured)
	}
	claims, err := s.tokens.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	status, c, err := s.standingOf(ctx, claims.ParticipantCode)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: unknown participant", credential.ErrInvalidToken)
		}
		return nil, err
	}
	// A token void by a compromise report is refused as such first: its
	// holder, perhaps the thief, learns nothing of the participant's
	// standing from how it is refused.
	if compromisedAt := c.CompromisedAt; compromisedAt != nil && !s.afterCompromise(claims.IssuedAt, *compromisedAt) {
		return nil, fmt.Errorf("%w: issued before a compromise report", credential.ErrInvalidToken)
	}
	if status != hcxonboard.StatusActive {
		return nil, fmt.Errorf("%w: %w: participant %s", credential.ErrInvalidToken, ErrNotActive, claims.ParticipantCode)
	}
	if c.ended(s.clock()) {
		return nil, fmt.Errorf("%w: %w: participant %s was de-boarded", credential.ErrInvalidToken, ErrNotActive, claims.ParticipantCode)
	}
	return claims, nil
}

// OffNetwork reports whether participant code is off the network: it is
// Inactive (de-boarded), or its announced de-boarding has taken effect
// though ProcessDeboardings has not yet made it Inactive — as Token and
// VerifyToken judge it, from the store as it is now. A code the engine
// holds no application for is ErrNotFound.
func (s *Service) OffNetwork(ctx context.Context, code string) (bool, error) {
	status, c, err := s.standingOf(ctx, code)
	if err != nil {
		return false, err
	}
	return status == hcxonboard.StatusInactive || c.ended(s.clock()), nil
}

// afterCompromise reports whether a token stamped iat was issued after a
// compromise report stamped at. The stamps come from the clocks of the
// replicas that issued the token and stored the report, which may differ by
// the tokens' leeway: a replica running ahead stamps a token issued before
// the report with a later time. So a token counts as later only when its
// iat is past the report by more than the leeway. iat has whole seconds: a
// token stamped with the very second is refused too (fail closed).
func (s *Service) afterCompromise(iat, at time.Time) bool {
	return iat.After(at.Add(s.tokens.Leeway()))
}

// JWKSHandler serves the public keys that verify access tokens, as a JWK
// set (404 without WithTokens).
func (s *Service) JWKSHandler() http.Handler {
	if s.tokens == nil {
		return http.NotFoundHandler()
	}
	return s.tokens.JWKSHandler()
}

// credentials is the part of an application that tokens need: decoded
// alone, without the submitted application, the report or the tasks, since
// Token and VerifyToken run on every API call.
type credentials struct {
	Secrets       []credential.SecretRecord `json:"secrets"`
	CompromisedAt *time.Time                `json:"compromised_at"`
	EndsAt        *time.Time                `json:"ends_at"`
	part          *hcxonboard.Participant
}

// ended reports whether an announced de-boarding has taken effect at now:
// the participant is off the network, though ProcessDeboardings may not
// have made it Inactive yet.
func (c *credentials) ended(now time.Time) bool {
	return c.EndsAt != nil && !now.Before(*c.EndsAt)
}

func (s *Service) credentialsOf(ctx context.Context, code string) (*credentials, error) {
	a, err := s.findByParticipant(ctx, code)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			// The participant is read all the same, so that an unknown
			// code makes the store reads a known one does: a refusal
			// (secretHolder) takes as many round trips either way.
			_, _ = s.store.Participant(ctx, code)
		}
		return nil, err
	}
	c, err := decodeCredentials(a.State)
	if err != nil {
		return nil, fmt.Errorf("onboarding: application %q: decode state: %w", a.ID, err)
	}
	if c.part, err = s.store.Participant(ctx, code); err != nil {
		return nil, notFound(err, "participant", code)
	}
	return c, nil
}

// standingOf reads what VerifyToken checks on every call: the
// participant's status, when it last reported a compromise (nil for
// never) and when an announced de-boarding takes effect (nil for none),
// the secrets left out. All come from the store as it is now — nothing is
// kept between calls, so a suspension, de-boarding or compromise report
// refuses the very next call. A store that implements
// registry.StandingReader answers in one read, and only the head of the
// state is decoded.
func (s *Service) standingOf(ctx context.Context, code string) (hcxonboard.Status, *credentials, error) {
	sr, ok := s.store.(registry.StandingReader)
	if !ok {
		c, err := s.credentialsOf(ctx, code)
		if err != nil {
			return "", nil, err
		}
		c.Secrets = nil
		return c.part.Status, c, nil
	}
	if code == "" {
		return "", nil, fmt.Errorf("%w: empty participant code", ErrInvalidArgument)
	}
	return readStanding(ctx, sr, s.store, code)
}

// readStanding is standingOf on a store that implements
// registry.StandingReader; apps reads the whole state when the head the
// store sent is too short.
func readStanding(ctx context.Context, sr registry.StandingReader, apps registry.Applications, code string) (hcxonboard.Status, *credentials, error) {
	st, err := sr.ParticipantStanding(ctx, code)
	if err != nil {
		return "", nil, notFound(err, "participant", code)
	}
	// Only an application waiting on a de-boarding has one pending: the
	// others' states need not be read for it, which those written before
	// ends_at would otherwise be, to their end.
	ends := !st.WaitingKnown || slices.Contains(st.Waiting, WaitingDeboarding)
	c, err := decodeCredentialFields(st.State, false, ends)
	if err != nil && st.StateTruncated {
		// The credential fields run past the head the store sent.
		a, aerr := apps.Application(ctx, st.ApplicationID)
		if aerr != nil {
			return "", nil, notFound(aerr, "application", st.ApplicationID)
		}
		c, err = decodeCredentialFields(a.State, false, ends)
	}
	if err != nil {
		return "", nil, fmt.Errorf("onboarding: application %q: decode state: %w", st.ApplicationID, err)
	}
	return st.Status, c, nil
}

// decodeCredentials reads the secrets, the compromise time and the end of
// a pending de-boarding from a stored state. The state encodes them
// first, before the submitted application that every state holds, so
// reading stops there and the bulk of the state — the application, the
// report, the tasks — is never even scanned. The result does not depend
// on that order, only the speed.
func decodeCredentials(raw []byte) (*credentials, error) {
	return decodeCredentialFields(raw, true, true)
}

// decodeCredentialFields is decodeCredentials, leaving the secrets
// undecoded (skipped) unless withSecrets. Without the secrets it stops at
// the de-boarding's end (ends_at), which a state has once, second, after
// the compromise time (both null when there is none): a state written
// since is read no further than its first two fields, so the store's head
// of it (registry.StandingPrefix) holds all a token check needs. A state
// written before ends_at has no field to stop at: it is read to its end,
// where its de-boarding is — the head alone is then too short, and the
// caller reads the whole state. That holds too for older states, with the
// secrets first and the compromise time left out when nil, and for the
// oldest, which put the submitted application first. Without ends, the
// caller knows no de-boarding is pending (the application does not wait on
// one): reading stops at the compromise time, ends_at unread.
func decodeCredentialFields(raw []byte, withSecrets, ends bool) (*credentials, error) {
	c := new(credentials)
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("state is not a JSON object")
	}
	credentialsFirst := false // the state leads with its credential fields
	endsRead := false         // the state has ends_at: it follows the de-boarding
	for first := true; dec.More(); first = false {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if first {
			credentialsFirst = t == "secrets" || t == "compromised_at"
		}
		switch t {
		case stateFirstAfterCredentials:
			if credentialsFirst && endsRead {
				return c, nil
			}
			var skip json.RawMessage
			err = dec.Decode(&skip)
		case "secrets":
			if withSecrets {
				err = dec.Decode(&c.Secrets)
			} else {
				var skip json.RawMessage
				err = dec.Decode(&skip)
			}
		case "compromised_at":
			if err = dec.Decode(&c.CompromisedAt); err == nil && !withSecrets && !ends {
				return c, nil // no de-boarding to look for
			}
		case "ends_at":
			if err = dec.Decode(&c.EndsAt); err == nil {
				endsRead = true
				if !withSecrets {
					return c, nil
				}
			}
		case "deboarding":
			// A state written before ends_at: the de-boarding says.
			var d *Deboarding
			if err = dec.Decode(&d); err == nil && !endsRead {
				c.EndsAt = d.ends()
			}
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, err
		}
	}
	// The object must close here: a head of a state cut just after a
	// value ends the fields as well, and the fields after the cut (a
	// compromise time) are unread, not absent.
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, errors.New("state is cut short")
	}
	return c, nil
}
