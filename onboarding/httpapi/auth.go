package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/openhcx/hcxonboard/internal/words"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// StaffAuthFunc checks an operator staff credential on a request and
// returns who the staff member is. It must be safe for concurrent use.
type StaffAuthFunc func(r *http.Request) (staffID string, ok bool)

// MinStaffTokenLength is the shortest staff token StaffTokens accepts:
// 20 characters, about 120 bits when drawn from base64.
const MinStaffTokenLength = 20

// StaffTokens returns a StaffAuthFunc that accepts "Authorization: Bearer
// <token>" when the token is one of tokens, a map from staff ID to that
// member's token. It is NewStaffTokenSet(tokens).Check, for a set that
// never changes; to revoke a member's access while the Handler runs, keep
// the StaffTokenSet.
func StaffTokens(tokens map[string]string) (StaffAuthFunc, error) {
	set, err := NewStaffTokenSet(tokens)
	if err != nil {
		return nil, err
	}
	return set.Check, nil
}

// StaffTokenSet holds the staff bearer tokens, a token per staff ID, and
// can change while the Handler runs: Revoke ends a member's access at
// once, on the staff API and in the console, whose sessions check the
// credential they were opened with on every request. Pass its Check to
// WithStaffAuth. Behind a load balancer, revoke on every replica, or use
// a StaffAuthFunc over shared storage. A StaffTokenSet is safe for
// concurrent use.
//
// Presented tokens are compared with every held one in constant time, over
// SHA-256 digests, so neither the time nor the lengths say which matched;
// the set holds only the digests. Staff IDs must be non-empty and tokens at
// least MinStaffTokenLength characters and distinct.
type StaffTokenSet struct {
	mu      sync.RWMutex
	entries []staffEntry // sorted by id
	roles   map[string][]StaffRole
}

type staffEntry struct {
	id     string
	digest [sha256.Size]byte
}

// NewStaffTokenSet returns a set holding tokens, a map from staff ID to
// that member's token (at least one).
func NewStaffTokenSet(tokens map[string]string) (*StaffTokenSet, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%w: StaffTokens needs at least one token", ErrInvalidOption)
	}
	ids := make([]string, 0, len(tokens))
	for id := range tokens {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	s := &StaffTokenSet{}
	for _, id := range ids {
		if err := s.Set(id, tokens[id]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Set gives staffID the token, replacing (and so revoking) any token it
// held before.
func (s *StaffTokenSet) Set(staffID, token string) error {
	if strings.TrimSpace(staffID) == "" {
		return fmt.Errorf("%w: StaffTokens: empty staff ID", ErrInvalidOption)
	}
	if strings.TrimSpace(staffID) != staffID {
		// " asha" and "asha" would be two people to the four-eyes check.
		return fmt.Errorf("%w: StaffTokens: staff ID %q has spaces around it", ErrInvalidOption, staffID)
	}
	if len(token) < MinStaffTokenLength {
		return fmt.Errorf("%w: StaffTokens: the token of %q is shorter than %d characters", ErrInvalidOption, staffID, MinStaffTokenLength)
	}
	d := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.entries {
		if e.id != staffID && e.digest == d {
			return fmt.Errorf("%w: StaffTokens: %q and %q share a token", ErrInvalidOption, e.id, staffID)
		}
	}
	i, found := sort.Find(len(s.entries), func(i int) int { return strings.Compare(staffID, s.entries[i].id) })
	if found {
		s.entries[i].digest = d
		return nil
	}
	s.entries = slices.Insert(s.entries, i, staffEntry{id: staffID, digest: d})
	return nil
}

// Revoke removes staffID's token: from now on the staff API refuses it
// and every console session opened with it ends at its next request. It
// reports whether the set held staffID.
func (s *StaffTokenSet) Revoke(staffID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, found := sort.Find(len(s.entries), func(i int) int { return strings.Compare(staffID, s.entries[i].id) })
	if found {
		s.entries = slices.Delete(s.entries, i, i+1)
	}
	return found
}

// Check is the StaffAuthFunc of the set: it returns the staff ID whose
// token the request's bearer credential is.
func (s *StaffTokenSet) Check(r *http.Request) (string, bool) {
	tok, ok := bearer(r)
	if !ok {
		return "", false
	}
	d := sha256.Sum256([]byte(tok))
	s.mu.RLock()
	defer s.mu.RUnlock()
	match := -1
	// Look at every entry, whichever matches, so the time taken does not
	// say which one did.
	for i := range s.entries {
		if subtle.ConstantTimeCompare(d[:], s.entries[i].digest[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return "", false
	}
	return s.entries[match].id, true
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// ApplicantTokenPrefix starts every applicant token, so that one found in
// a log or a repository is recognisable.
const ApplicantTokenPrefix = "hcxapp_"

// applicantToken is the proof of ownership of one application, before it
// goes live: "hcxapp_" + base64url(payload) + "." + base64url(MAC), the
// payload naming the application, the token generation (RotateApplicant
// Token starts a new one) and when the token was issued, the MAC an
// HMAC-SHA-256 under the handler's applicant key. It is derived, not
// stored, so replicas sharing the key agree on it and the store holds
// nothing that would let its reader act as the applicant. A token expires
// WithApplicantTokenTTL without use (30 days by default): after it was
// issued, or after the application's last noted use of its token
// (onboarding.Service.NoteApplicantUse, written at most once an hour), so
// an applicant that keeps using its application keeps its access. Every
// answer to a request made with a token more than a day old also carries
// a fresh one in the X-Applicant-Token header.
func (h *Handler) applicantToken(applicationID string) string {
	return h.applicantTokenAt(applicationID, 0, h.now())
}

func (h *Handler) applicantTokenAt(applicationID string, gen int, issued time.Time) string {
	payload := fmt.Sprintf("2|%s|%d|%d", applicationID, gen, issued.Unix())
	return ApplicantTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." +
		base64.RawURLEncoding.EncodeToString(h.applicantMACv2(payload))
}

func (h *Handler) applicantMACv2(payload string) []byte {
	m := hmac.New(sha256.New, h.applicantKey)
	m.Write([]byte("hcxonboard.httpapi.applicant.v2\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// applicantMAC is the MAC of a token of the first format, which named
// only the application and never expired: it is still accepted for an
// application of token generation 0 that is not live, as if issued when
// the application was created, and exchanged for a new one.
func (h *Handler) applicantMAC(applicationID string) []byte {
	m := hmac.New(sha256.New, h.applicantKey)
	m.Write([]byte("hcxonboard.httpapi.applicant.v1\x00"))
	m.Write([]byte(applicationID))
	return m.Sum(nil)
}

// applicantClaim is what a well-formed applicant token says.
type applicantClaim struct {
	gen    int
	issued time.Time
	legacy bool
}

// parseApplicantToken checks tok's MAC for applicationID.
func (h *Handler) parseApplicantToken(tok, applicationID string) (applicantClaim, bool) {
	raw, found := strings.CutPrefix(tok, ApplicantTokenPrefix)
	if !found {
		return applicantClaim{}, false
	}
	body, mac, dotted := strings.Cut(raw, ".")
	if !dotted {
		got, err := base64.RawURLEncoding.DecodeString(raw)
		return applicantClaim{legacy: true}, err == nil && hmac.Equal(got, h.applicantMAC(applicationID))
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(body)
	got, err2 := base64.RawURLEncoding.DecodeString(mac)
	if err1 != nil || err2 != nil || !hmac.Equal(got, h.applicantMACv2(string(payload))) {
		return applicantClaim{}, false
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 4 || parts[0] != "2" || parts[1] != applicationID {
		return applicantClaim{}, false
	}
	gen, err1 := strconv.Atoi(parts[2])
	sec, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return applicantClaim{}, false
	}
	return applicantClaim{gen: gen, issued: time.Unix(sec, 0)}, true
}

// staffOnApplicantRoute answers a staff credential on a route of the
// applicant's or the participant's with the staff's own routes, with the
// status the route gives any credential not its own; nil for any other
// credential.
func (h *Handler) staffOnApplicantRoute(r *http.Request, status int, applicationID string) error {
	if h.staffAuth == nil {
		return nil
	}
	if id, ok := h.staffAuth(r); !ok || strings.TrimSpace(id) == "" {
		return nil
	}
	return newError(status, CodeAccessDenied,
		"this is the applicant's and the participant's route, and a staff credential is not theirs: staff read the application "+
			"at GET /v1/onboarding/staff/applications/%s and act on it under /v1/onboarding/staff/applications/%s/…, or in the console",
		clipParam(applicationID), clipParam(applicationID))
}

// checkApplicant verifies the bearer token of a request against an
// application id: 401 without a token; 403 with a wrong one, one of an
// earlier generation, an expired one, or any once the participant is
// live (it then uses its participant credential). A token more than a
// day old is answered with a fresh one (X-Applicant-Token).
func (h *Handler) checkApplicant(w http.ResponseWriter, r *http.Request, applicationID string) error {
	tok, ok := bearer(r)
	if !ok {
		return newError(http.StatusUnauthorized, CodeAccessDenied,
			"this route needs the applicant token returned when the application was submitted (Authorization: Bearer …)")
	}
	claim, ok := h.parseApplicantToken(tok, applicationID)
	if !ok {
		if err := h.staffOnApplicantRoute(r, http.StatusForbidden, applicationID); err != nil {
			return err
		}
		return newError(http.StatusForbidden, CodeAccessDenied, "the applicant token does not match this application: "+
			"use the token returned when this application was submitted (or the newest an answer gave in X-Applicant-Token); "+
			"if it is lost, submit the application again, with the same application_id, for a new one")
	}
	a, err := h.svc.Application(r.Context(), applicationID)
	if err != nil {
		return err // the token is ours, so the id is no secret to its holder
	}
	issued := claim.issued
	if claim.legacy {
		issued = a.CreatedAt
	}
	// The token's life counts from its last use: its issue, or the latest
	// use the engine noted.
	used := issued
	if a.ApplicantUsedAt.After(used) {
		used = a.ApplicantUsedAt
	}
	switch {
	case a.Stage == registry.StageLive:
		return newError(http.StatusForbidden, CodeAccessDenied,
			"the participant is live: authenticate with its participant credential (an access token), not the applicant token")
	case claim.gen != a.ApplicantTokenGeneration:
		return newError(http.StatusForbidden, CodeAccessDenied, "this applicant token was replaced by a newer one; use the newest, "+
			"or submit the application again, with the same application_id, for the current one")
	case !h.now().Before(used.Add(h.applicantTTL)):
		return newError(http.StatusForbidden, CodeAccessDenied,
			"the applicant token expired after %s without use; submit the application again, with the same application_id, for a new one", words.Duration(h.applicantTTL))
	}
	if h.now().Sub(used) >= onboarding.ApplicantUseGranularity {
		// The use is noted, so that the token lives on from it (once an
		// hour at most).
		h.noteApplicantUse(r, applicationID)
	}
	if claim.legacy || h.now().Sub(issued) > 24*time.Hour {
		w.Header().Set("X-Applicant-Token", h.applicantTokenAt(applicationID, a.ApplicantTokenGeneration, h.now()))
	}
	return nil
}

// noteApplicantUse notes a use of the application's applicant token now.
// A note that cannot be written fails nothing: the request goes on, and a
// later use is noted.
func (h *Handler) noteApplicantUse(r *http.Request, applicationID string) {
	if _, err := h.svc.NoteApplicantUse(r.Context(), applicationID, h.now()); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "httpapi: applicant token use not noted",
			slog.String("application", clipMessage(applicationID)), slog.String("error", err.Error()))
	}
}

// checkOwner admits whoever owns an application: its applicant token
// before go-live, its participant's access token after, or the
// participant's code and secret (HTTP Basic), which a suspended
// participant, refused access tokens, uses to mend its certificates,
// appeal or report a compromise.
func (h *Handler) checkOwner(w http.ResponseWriter, r *http.Request, applicationID string, c *reqCtx) error {
	if code, secret, ok := r.BasicAuth(); ok {
		return h.checkParticipantSecret(r, applicationID, code, secret, c)
	}
	tok, ok := bearer(r)
	if !ok && r.Header.Get("Authorization") == "" {
		return newError(http.StatusUnauthorized, CodeAccessDenied,
			"this route needs the applicant token before go-live (Authorization: Bearer hcxapp_…), and after it the participant's "+
				"access token (Bearer) or its participant code and secret (Basic)")
	}
	if !ok || strings.HasPrefix(tok, ApplicantTokenPrefix) {
		c.owner = actorApplicant
		return h.checkApplicant(w, r, applicationID)
	}
	claims, err := h.svc.VerifyToken(r.Context(), tok)
	if err != nil {
		if errors.Is(err, onboarding.ErrNotActive) {
			e := tokenRefused(err)
			e.message += "; a suspended one reaches its own application " +
				"with its participant code and secret (Authorization: Basic), a de-boarded one nothing"
			return e
		}
		if errors.Is(err, credential.ErrInvalidToken) || errors.Is(err, onboarding.ErrNotConfigured) {
			// As any bearer token that is no access token: 401.
			if err := h.staffOnApplicantRoute(r, http.StatusUnauthorized, applicationID); err != nil {
				return err
			}
			return tokenRefused(err)
		}
		return err
	}
	a, err := h.svc.Application(r.Context(), applicationID)
	if err != nil && !errors.Is(err, onboarding.ErrNotFound) {
		return err
	}
	if err != nil || a.Participant == nil || a.Participant.ParticipantCode != claims.ParticipantCode {
		return newError(http.StatusForbidden, CodeAccessDenied, "the access token is not this application's participant's: "+ownApplicationOnly)
	}
	c.owner = onboarding.ParticipantActor(claims.ParticipantCode)
	return nil
}

// checkParticipantSecret admits the participant of an application by its
// code and secret: 401 for any credential the engine refuses, alike; 403
// for a good one of another participant.
func (h *Handler) checkParticipantSecret(r *http.Request, applicationID, code, secret string, c *reqCtx) error {
	if err := h.svc.CheckSecret(r.Context(), code, secret); err != nil {
		return h.refuseCredentials(r, err)
	}
	a, err := h.svc.Application(r.Context(), applicationID)
	if err != nil && !errors.Is(err, onboarding.ErrNotFound) {
		return err
	}
	if err != nil || a.Participant == nil || a.Participant.ParticipantCode != code {
		return newError(http.StatusForbidden, CodeAccessDenied, "the participant code is not this application's participant's: "+ownApplicationOnly)
	}
	c.owner = onboarding.ParticipantActor(code)
	return nil
}

// checkStaff runs the staff check: 401 when the request carries no
// Authorization header, 403 when it carries one the check refuses.
func (h *Handler) checkStaff(r *http.Request) (string, error) {
	if h.staffAuth != nil {
		// Trimmed, as the console trims it: one member is one actor to
		// the four-eyes check, whichever way it came in.
		if id, ok := h.staffAuth(r); ok && strings.TrimSpace(id) != "" {
			return strings.TrimSpace(id), nil
		}
	}
	if r.Header.Get("Authorization") == "" {
		return "", newError(http.StatusUnauthorized, CodeAccessDenied, "this route needs an operator staff credential: send your staff token (Authorization: Bearer …)")
	}
	return "", newError(http.StatusForbidden, CodeAccessDenied, "the staff credential was refused: send your own staff token "+
		"(Authorization: Bearer …); if it was replaced or revoked, ask an administrator for a new one")
}

// ownApplicationOnly ends the refusal of a participant's credential on
// another participant's application.
const ownApplicationOnly = "a participant reaches its own application only, the application that registered it " +
	"(GET /v1/onboarding/applications/{id} with that application's id)"

// staffOfToken runs the staff check on token as the bearer credential of
// a copy of r (so TLS state and the like stay visible to the check), and
// returns whom it names.
func (h *Handler) staffOfToken(r *http.Request, token string) (string, bool) {
	if h.staffAuth == nil || token == "" {
		return "", false
	}
	probe := r.Clone(r.Context())
	probe.Header = http.Header{"Authorization": {"Bearer " + token}}
	id, ok := h.staffAuth(probe)
	id = strings.TrimSpace(id)
	return id, ok && id != ""
}

// staffActor is how a staff member appears in the audit trail.
func staffActor(staffID string) string { return "staff:" + staffID }

// StaffRole is what a staff member may do.
type StaffRole string

// The staff roles. Read-only staff routes need any of them.
const (
	// RoleReviewer decides reviews: documents, registry evidence, identity
	// disputes, and runs the checks again.
	RoleReviewer StaffRole = "reviewer"
	// RoleApprover takes participants live, suspends, reinstates and
	// de-boards them.
	RoleApprover StaffRole = "approver"
	// RoleAdmin may do everything, and manages staff.
	RoleAdmin StaffRole = "admin"
)

// StaffRoles are every staff role.
func StaffRoles() []StaffRole { return []StaffRole{RoleReviewer, RoleApprover, RoleAdmin} }

// StaffRolesFunc says which roles a staff member holds.
type StaffRolesFunc func(staffID string) []StaffRole

// SetRoles gives staffID its roles. A member the set holds without roles
// set is an admin, as every member was before roles existed; give each
// person only what they do.
func (s *StaffTokenSet) SetRoles(staffID string, roles ...StaffRole) error {
	for _, r := range roles {
		if !slices.Contains(StaffRoles(), r) {
			return fmt.Errorf("%w: StaffTokens: unknown role %q (reviewer, approver or admin)", ErrInvalidOption, r)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roles == nil {
		s.roles = make(map[string][]StaffRole)
	}
	s.roles[staffID] = slices.Clone(roles)
	return nil
}

// Roles is the StaffRolesFunc of the set: the roles SetRoles gave
// staffID, or admin when none were given; none for an ID it does not hold.
func (s *StaffTokenSet) Roles(staffID string) []StaffRole {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, found := sort.Find(len(s.entries), func(i int) int { return strings.Compare(staffID, s.entries[i].id) }); !found {
		return nil
	}
	if rs, ok := s.roles[staffID]; ok {
		return slices.Clone(rs)
	}
	return []StaffRole{RoleAdmin}
}

// hasRole reports whether roles grant role ("" is any staff role).
func hasRole(roles []StaffRole, role StaffRole) bool {
	return role == "" || slices.Contains(roles, role) || slices.Contains(roles, RoleAdmin)
}

// requireRole refuses a staff member without the role a route needs: 403.
// Where roles are given, a route that names none (a read-only one) needs
// some role: a member whose roles were all taken away reads nothing.
func (h *Handler) requireRole(staffID string, role StaffRole) error {
	if h.staffRoles == nil {
		return nil
	}
	roles := h.staffRoles(staffID)
	if len(roles) == 0 {
		return newError(http.StatusForbidden, CodeAccessDenied, "staff:%s holds no staff role", staffID)
	}
	if !hasRole(roles, role) {
		return newError(http.StatusForbidden, CodeAccessDenied, "staff:%s does not hold the %s role this needs; ask a staff member who holds it, with their own credential", staffID, role)
	}
	return nil
}

// staffCan reports what a console page may offer staffID.
func (h *Handler) staffCan(staffID string, role StaffRole) bool {
	if h.staffRoles == nil {
		return true
	}
	roles := h.staffRoles(staffID)
	return len(roles) > 0 && hasRole(roles, role)
}
