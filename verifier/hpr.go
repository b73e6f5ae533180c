package verifier

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
)

// checkHPR looks the professional up in HPR and compares what HPR holds
// with the application: the name, an active council registration, the
// council's verification, and, when HPR sends them, that HPR holds the
// record as active and has approved the application. By default the professional must then prove to
// be the holder of the HPR ID through HPR's own authentication (task
// hpr_auth), whatever the look-up found; WithHPRAPIOnly settles it from the
// look-up when everything matches. A difference goes to a person.
func checkHPR(ctx context.Context, in *Input) Result {
	id, _, ok := hprID(in.App)
	if !ok {
		return missing("Needs a valid HPR ID first (see hpr_id)")
	}
	if in.Professionals == nil {
		return pending(TaskReview, "No HPR connection here: the operator checks "+id+" in HPR")
	}
	lctx, cancel := in.lookupContext(ctx)
	p, err := in.Professionals.Professional(lctx, id)
	cancel()
	switch {
	case errors.Is(err, hfr.ErrNotFound):
		return invalid("HPR has no professional " + id + ": check the ID in your HPR profile")
	case errors.Is(err, hfr.ErrInvalidID):
		return invalid("HPR does not accept " + id + " as an HPR ID: copy it from your HPR profile")
	case err != nil:
		return pending(TaskRetry, "HPR could not be reached to check "+id+" ("+cause(err)+"); the check runs again later")
	}
	findings := professionalFindings(in.App, id, p, in.Now, false)
	if hprIDDiffers(findings) {
		// The adapter's contract is to answer for the ID asked: an answer
		// for another one proves nothing either way.
		return withFindings(pending(TaskRetry, "HPR answered for another professional than "+id+"; the check runs again later"), findings)
	}
	diffs := mismatched(findings)
	if in.rulesOrDefault().hprAPIOnly {
		if len(diffs) > 0 {
			res := withFindings(pending(TaskReview, "HPR's record of "+id+" differs from the application — "+differences(diffs)+"; the operator reviews it"), findings)
			res.Claims = HPRClaims(p) // held while staff review, as below
			return res
		}
		res := withFindings(satisfied("HPR: "+id+" is "+shownName(p.Name)+", council-verified with an active registration; checked through the HPR API"), findings)
		// HPR's record names the professional's every id: the number and
		// the address. Held as identities, they keep a second application
		// under the other form out, as authentication does otherwise.
		res.Claims = HPRClaims(p)
		return res
	}
	methods := p.OTPMethods()
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = authMethodName(m)
	}
	if len(methods) == 0 {
		findings = append(findings, found("auth_methods", "", strings.Join(p.AuthMethods, ", "), sourceHPR, false, "no OTP method"))
		return withFindings(pending(TaskReview, "HPR offers "+id+" no OTP authentication, so the professional cannot prove to be its holder through HPR; "+
			"the operator confirms the professional's identity by other means"), findings)
	}
	var offered []string
	for _, m := range methods {
		offered = append(offered, string(m))
	}
	findings = append(findings, found("auth_methods", "", strings.Join(offered, ", "), sourceHPR, true, ""))
	msg := "HPR lists " + id + " as " + shownName(p.Name) + ". The professional proves to be its holder through HPR: HPR sends a one-time password by " +
		strings.Join(names, " or ") + ", and the professional confirms it"
	if len(diffs) > 0 {
		msg += ". HPR's record also differs from the application — " + differences(diffs) + " — which the operator reviews after the authentication"
	}
	return withFindings(pending(TaskHPRAuth, msg), findings)
}

func authMethodName(m hfr.HPRAuthMethod) string {
	if m == hfr.HPRMobileOTP {
		return "mobile OTP (to the mobile in the HPR profile)"
	}
	return "Aadhaar OTP (to the mobile linked with the professional's Aadhaar)"
}

// ConfirmProfessional decides hpr_check once the professional has
// authenticated through HPR (task hpr_auth): p is the profile HPR returned
// for the authenticated professional (ProfessionalAuth.ConfirmHPRAuth) and
// now the time of the decision. The result, with ID hpr_check, is
//
//   - invalid when p is not the professional app names (another HPR ID, or
//     none), or app's HPR ID is missing or malformed;
//   - pending review, with the differences, when the name, an active
//     council registration or the council's verification do not match,
//     HPR holds the record as not active, or HPR's application status is
//     other than Approved or Verified;
//   - satisfied when everything matches.
//
// Its Findings are hpr_id, name, registration and council_verified, and
// active and application_status when HPR sends them (p.Active,
// p.ApplicationStatus).
func ConfirmProfessional(app *hcxonboard.Application, p hfr.Professional, now time.Time) Result {
	r := confirmProfessional(app, p, now)
	r.ID = ReqHPRCheck
	return r
}

func confirmProfessional(app *hcxonboard.Application, p hfr.Professional, now time.Time) Result {
	if app == nil {
		return invalid("No application to confirm the professional against")
	}
	id, res, ok := hprID(app)
	if !ok {
		return res
	}
	findings := professionalFindings(app, id, p, now, true)
	if hprIDDiffers(findings) {
		return withFindings(invalid("HPR authenticated another professional than "+id+": the application's HPR ID is not the authenticated professional's"), findings)
	}
	if diffs := mismatched(findings); len(diffs) > 0 {
		return withFindings(pending(TaskReview, "Authenticated through HPR as "+id+", but HPR's record differs from the application — "+
			differences(diffs)+"; the operator reviews it"), findings)
	}
	return withFindings(satisfied("Authenticated through HPR as "+id+" ("+shownName(p.Name)+"), council-verified with an active registration"), findings)
}

func hprIDDiffers(fs []Finding) bool {
	for _, f := range fs {
		if f.Field == "hpr_id" && !f.Match {
			return true
		}
	}
	return false
}

// professionalFindings compares an HPR profile with the application.
// requireID demands that the profile name the HPR ID (an authenticated
// profile must); a look-up's adapter has already checked it, so a profile
// without an ID is then not compared.
func professionalFindings(app *hcxonboard.Application, id string, p hfr.Professional, now time.Time, requireID bool) []Finding {
	var fs []Finding
	if reg := firstNonEmpty(p.HPRIDNumber, p.HPRID); reg != "" || requireID {
		fs = append(fs, found("hpr_id", id, reg, sourceHPR, namesProfessional(p, id), ""))
	}
	fs = append(fs, personNameFinding(app, p.Name))
	fs = append(fs, registrationFinding(p.Registrations, now))
	note := "the council has verified the registration"
	if !p.CouncilVerified {
		note = "the council has not verified the registration"
	}
	fs = append(fs, found("council_verified", "", boolText(p.CouncilVerified), sourceHPR, p.CouncilVerified, note))
	return append(fs, recordStateFindings(p)...)
}

// recordStateFindings compares what HPR says of the record itself: its
// active flag and the status of the professional's application. A record
// HPR holds as not active, or an application HPR has not approved or
// verified, does not match, so a person reviews it however old the
// council's verification. What HPR does not send is not compared.
func recordStateFindings(p hfr.Professional) []Finding {
	var fs []Finding
	if p.Active != nil {
		note := ""
		if !*p.Active {
			note = "HPR does not hold the professional's record as active"
		}
		fs = append(fs, found("active", "", boolText(*p.Active), sourceHPR, *p.Active, note))
	}
	if st := strings.TrimSpace(p.ApplicationStatus); st != "" {
		ok := strings.EqualFold(st, "Approved") || strings.EqualFold(st, "Verified")
		note := ""
		if !ok {
			note = "HPR has not approved the professional's application"
		}
		fs = append(fs, found("application_status", "", st, sourceHPR, ok, note))
	}
	return fs
}

// namesProfessional reports whether the profile is the professional with
// canonical HPR ID id.
func namesProfessional(p hfr.Professional, id string) bool {
	for _, v := range [...]string{p.HPRIDNumber, p.HPRID} {
		if n, err := NormalizeRegistryHPRID(v); err == nil && n == id {
			return true
		}
	}
	return false
}

// HPRClaims are the identity claims of every form of the HPR id HPR's
// record of p gives — its number and its address — each "hpr:" and the id
// as NormalizeRegistryHPRID writes it: one professional under either form
// is one identity.
func HPRClaims(p hfr.Professional) []string {
	var out []string
	for _, v := range []string{p.HPRIDNumber, p.HPRID} {
		if n, err := NormalizeRegistryHPRID(v); err == nil && !slices.Contains(out, "hpr:"+n) {
			out = append(out, "hpr:"+n)
		}
	}
	return out
}

// NormalizeRegistryHPRID is NormalizeHPRID for an HPR id as HPR itself
// gives it, which may be an address's user name without its domain.
func NormalizeRegistryHPRID(v string) (string, error) {
	n, err := NormalizeHPRID(v)
	if err != nil && strings.TrimSpace(v) != "" && !strings.Contains(v, "@") {
		if m, err2 := NormalizeHPRID(strings.TrimSpace(v) + "@" + HPRDomain); err2 == nil {
			return m, nil
		}
	}
	return n, err
}

// personNameFinding compares HPR's name for the professional with the
// application's participant_name or, failing that, the system admin's
// name: the professional may apply under a practice name and handle the
// onboarding personally.
func personNameFinding(app *hcxonboard.Application, registry string) Finding {
	if strings.TrimSpace(registry) == "" {
		return found("name", app.ParticipantName, "", sourceHPR, false, "HPR gives no name")
	}
	if samePersonName(registry, app.ParticipantName) {
		return found("name", app.ParticipantName, registry, sourceHPR, true, "")
	}
	if sa := app.SystemAdmin; sa != nil && samePersonName(registry, sa.Name) {
		return found("name", sa.Name, registry, sourceHPR, true, "matches system_admin.name")
	}
	return found("name", app.ParticipantName, registry, sourceHPR, false, "")
}

// registrationFinding wants at least one council registration that is not
// past its renewal due date (a registration without a due date does not
// lapse). A due date in a shape parseDueDate cannot read is neither active
// nor lapsed: when no registration is known to be active, such a date makes
// the finding a mismatch for a person to read, never a match.
func registrationFinding(regs []hfr.Registration, now time.Time) Finding {
	if len(regs) == 0 {
		return found("registration", "", "", sourceHPR, false, "HPR lists no council registration")
	}
	var lapsed, unread string
	for _, r := range regs {
		what := strings.TrimSpace(strings.TrimSpace(r.CouncilName) + " " + strings.TrimSpace(r.RegistrationNumber))
		due := strings.TrimSpace(r.DueDate)
		if due == "" {
			return found("registration", "", what, sourceHPR, true, "")
		}
		end, ok := parseDueDate(due)
		switch {
		case !ok:
			if unread == "" {
				unread = what + " (due " + due + ")"
			}
		case now.Before(end):
			return found("registration", "", what+" (due "+due+")", sourceHPR, true, "")
		case lapsed == "":
			lapsed = what + " (due " + due + ")"
		}
	}
	if unread != "" {
		return found("registration", "", unread, sourceHPR, false,
			"HPR's renewal due date could not be read, so the registration is not known to be active")
	}
	return found("registration", "", lapsed, sourceHPR, false, "no registration is active: renewal was due")
}

// dueDateLayouts are the shapes of a due date parseDueDate reads besides
// YYYY-MM-DD and epoch milliseconds: day-first dates, and the timestamps
// HPR's Java backend writes. A layout without a zone is read in India.
var dueDateLayouts = [...]string{
	"02-01-2006",
	"02/01/2006",
	"02-Jan-2006",
	time.RFC3339,
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
}

// parseDueDate reads a registration's due date as the instant its day ends
// in India. HPR writes YYYY-MM-DD; day-first dates ("31-12-2020",
// "31/12/2020", "31-Dec-2020"), RFC 3339 and Java timestamps
// ("2020-12-31T00:00:00.000+0000") and epoch milliseconds
// ("1609372800000") are read too, a timestamp as the day it falls on in
// India. It reports false for anything else: the caller must not take such
// a date as either active or lapsed.
func parseDueDate(s string) (time.Time, bool) {
	if end, ok := parseDate(s); ok {
		return end, true
	}
	if ms, ok := epochMillis(s); ok {
		return endOfIndianDay(time.UnixMilli(ms)), true
	}
	for _, layout := range dueDateLayouts {
		if d, err := time.ParseInLocation(layout, s, ist); err == nil {
			return endOfIndianDay(d), true
		}
	}
	return time.Time{}, false
}

// epochMillis reads milliseconds since the Unix epoch written as 12 or 13
// digits (from 1973 to 2286). Ten digits would be epoch seconds, which HPR
// is not known to send for a due date, so they are not read.
func epochMillis(s string) (int64, bool) {
	if len(s) < 12 || len(s) > 13 {
		return 0, false
	}
	var n int64
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// endOfIndianDay returns the instant the day on which t falls in India ends.
func endOfIndianDay(t time.Time) time.Time {
	y, m, d := t.In(ist).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, ist)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
