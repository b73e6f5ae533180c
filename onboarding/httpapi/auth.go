package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// StaffAuthFunc checks an operator staff credential on a request and
// returns who the staff member is. It must be safe for concurrent use.
type StaffAuthFunc func(r *http.Request) (staffID string, ok bool)

// MinStaffTokenLength is the shortest staff token StaffTokens accepts:
// 20 characters, about 120 bits when drawn from base64.
const MinStaffTokenLength = 20

// StaffTokens returns a StaffAuthFunc that accepts "Authorization: Bearer
// <token>" when the token is one of tokens, a map from staff ID to that
// member's token. The presented token is compared with every configured
// one in constant time (over SHA-256 digests, so lengths leak nothing
// either). Staff IDs must be non-empty and tokens at least
// MinStaffTokenLength characters and distinct.
func StaffTokens(tokens map[string]string) (StaffAuthFunc, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%w: StaffTokens needs at least one token", ErrInvalidOption)
	}
	type entry struct {
		id     string
		digest [sha256.Size]byte
	}
	ids := make([]string, 0, len(tokens))
	for id := range tokens {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	entries := make([]entry, 0, len(tokens))
	seen := make(map[[sha256.Size]byte]string, len(tokens))
	for _, id := range ids {
		tok := tokens[id]
		if strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("%w: StaffTokens: empty staff ID", ErrInvalidOption)
		}
		if len(tok) < MinStaffTokenLength {
			return nil, fmt.Errorf("%w: StaffTokens: the token of %q is shorter than %d characters", ErrInvalidOption, id, MinStaffTokenLength)
		}
		d := sha256.Sum256([]byte(tok))
		if other, dup := seen[d]; dup {
			return nil, fmt.Errorf("%w: StaffTokens: %q and %q share a token", ErrInvalidOption, other, id)
		}
		seen[d] = id
		entries = append(entries, entry{id: id, digest: d})
	}
	return func(r *http.Request) (string, bool) {
		tok, ok := bearer(r)
		if !ok {
			return "", false
		}
		d := sha256.Sum256([]byte(tok))
		match := -1
		// Look at every entry, whichever matches, so the time taken does
		// not say which one did.
		for i := range entries {
			if subtle.ConstantTimeCompare(d[:], entries[i].digest[:]) == 1 {
				match = i
			}
		}
		if match < 0 {
			return "", false
		}
		return entries[match].id, true
	}, nil
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

// applicantToken is the proof of ownership of one application: an
// HMAC-SHA-256 of its id under the handler's applicant key. It is derived,
// not stored, so replicas sharing the key agree on it and the store holds
// nothing that would let its reader act as the applicant.
func (h *Handler) applicantToken(applicationID string) string {
	return ApplicantTokenPrefix + base64.RawURLEncoding.EncodeToString(h.applicantMAC(applicationID))
}

func (h *Handler) applicantMAC(applicationID string) []byte {
	m := hmac.New(sha256.New, h.applicantKey)
	m.Write([]byte("hcxonboard.httpapi.applicant.v1\x00"))
	m.Write([]byte(applicationID))
	return m.Sum(nil)
}

// checkApplicant verifies the bearer token of a request against an
// application id: 401 without a token, 403 with a wrong one. It needs no
// store read, so it says nothing about whether the id exists.
func (h *Handler) checkApplicant(r *http.Request, applicationID string) error {
	tok, ok := bearer(r)
	if !ok {
		return newError(http.StatusUnauthorized, CodeAccessDenied,
			"this route needs the applicant token returned when the application was submitted (Authorization: Bearer …)")
	}
	raw, found := strings.CutPrefix(tok, ApplicantTokenPrefix)
	got, err := base64.RawURLEncoding.DecodeString(raw)
	if !found || err != nil || !hmac.Equal(got, h.applicantMAC(applicationID)) {
		return newError(http.StatusForbidden, CodeAccessDenied, "the applicant token does not match this application")
	}
	return nil
}

// checkStaff runs the staff check: 401 when the request carries no
// Authorization header, 403 when it carries one the check refuses.
func (h *Handler) checkStaff(r *http.Request) (string, error) {
	if h.staffAuth != nil {
		if id, ok := h.staffAuth(r); ok && strings.TrimSpace(id) != "" {
			return id, nil
		}
	}
	if r.Header.Get("Authorization") == "" {
		return "", newError(http.StatusUnauthorized, CodeAccessDenied, "this route needs an operator staff credential")
	}
	return "", newError(http.StatusForbidden, CodeAccessDenied, "the staff credential was refused")
}

// staffActor is how a staff member appears in the audit trail.
func staffActor(staffID string) string { return "staff:" + staffID }
