package verifier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/rohini"
)

func satisfied(msg string) Result { return Result{Outcome: Satisfied, Message: msg} }
func missing(msg string) Result   { return Result{Outcome: Missing, Message: msg} }
func invalid(msg string) Result   { return Result{Outcome: Invalid, Message: msg} }
func pending(task TaskKind, msg string) Result {
	return Result{Outcome: Pending, Message: msg, Task: task}
}

// MaxParticipantName is the longest participant name accepted, in characters.
const MaxParticipantName = 256

func checkParticipantName(_ context.Context, in *Input) Result {
	name := strings.TrimSpace(in.App.ParticipantName)
	if name == "" {
		return missing("Give the organisation's registered name in participant_name")
	}
	if p := nameProblem(name); p != "" {
		return invalid("participant_name " + p)
	}
	if p := addressProblem(in.App.Address); p != "" {
		return invalid(p)
	}
	return satisfied("Participant name: " + shownName(name))
}

// addressProblem says which line of an address holds a text-direction
// override. The address is shown beside the participant's name (registry
// search, the console, notices), so an override there could make it read
// as another organisation's address, as one in the name could make the
// name. Direction marks (U+200E, U+200F), which right-to-left text may
// carry, are not overrides and pass.
func addressProblem(a *hcxonboard.Address) string {
	if a == nil {
		return ""
	}
	for _, line := range []struct{ field, value string }{
		{"plot", a.Plot}, {"street", a.Street}, {"landmark", a.Landmark}, {"village", a.Village},
		{"district", a.District}, {"state", a.State}, {"pincode", a.Pincode},
	} {
		for _, r := range line.value {
			if directionOverride(r) {
				return fmt.Sprintf("address.%s %s; retype it without one", line.field, overrideProblem(r))
			}
		}
	}
	return ""
}

// overrideProblem says that a text holds the direction override r.
func overrideProblem(r rune) string {
	return fmt.Sprintf("contains a text-direction override (U+%04X), which makes it show in another order than it is written", r)
}

// nameProblem says what is wrong with a person's or organisation's name.
func nameProblem(name string) string {
	if p := textProblem(name); p != "" {
		return p
	}
	for _, r := range name {
		if unicode.IsLetter(r) {
			return ""
		}
	}
	return "has no letters; give the registered name"
}

// textProblem says what is wrong with a short free-text field: broken
// UTF-8, control characters, direction overrides, or more than
// MaxParticipantName characters.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid text (UTF-8); retype it"
	}
	if p, fix := displayProblem(s); p != "" {
		return p + "; " + fix
	}
	if n := utf8.RuneCountInString(s); n > MaxParticipantName {
		return fmt.Sprintf("has %d characters; at most %d", n, MaxParticipantName)
	}
	return ""
}

// DisplayProblem says what in s would make it show other than it is
// stored — a control character, or a text-direction override (see
// addressProblem) — or "" when there is nothing. The checks refuse such
// text from an applicant; the onboarding engine takes none from a
// registry's record either. Direction marks (U+200E, U+200F) and the
// joiners Indic scripts need are text, and pass.
func DisplayProblem(s string) string {
	p, _ := displayProblem(s)
	return p
}

// displayProblem is DisplayProblem, with what an applicant should do.
func displayProblem(s string) (problem, fix string) {
	for _, r := range s {
		if unicode.IsControl(r) {
			return "contains a control character", "retype it"
		}
		if directionOverride(r) {
			return overrideProblem(r), "retype it without one"
		}
	}
	return "", ""
}

// directionOverride reports whether r is one of Unicode's explicit
// direction embeddings, overrides or isolates (U+202A–U+202E,
// U+2066–U+2069). Text in right-to-left scripts needs none of them, and a
// name holding one shows in another order than it is stored: it could
// read as another organisation's name.
func directionOverride(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func checkMobile(_ context.Context, in *Input) Result {
	m := strings.TrimSpace(in.App.PrimaryMobile)
	if m == "" {
		return missing("Give the primary mobile number (primary_mobile); the HCX registry requires one")
	}
	n, err := NormalizeMobile(m)
	if err != nil {
		return invalid("primary_mobile: " + err.Error() + " — give a 10-digit Indian mobile number, such as 98765 43210")
	}
	return satisfied("Primary mobile " + hcxonboard.MaskMobile(n))
}

func checkRegisteredEmail(_ context.Context, in *Input) Result {
	e := strings.TrimSpace(in.App.PrimaryEmail)
	if e == "" {
		return missing("Give the organisation's registered e-mail address in primary_email")
	}
	if err := ValidateEmail(e); err != nil {
		return invalid("primary_email: " + err.Error() + " — give the organisation's registered address")
	}
	return satisfied("Registered e-mail " + hcxonboard.MaskEmail(e))
}

// checkSystemAdminOTP wants a system admin with a name and at least one
// well-formed channel (mobile or e-mail; every one given must be valid).
// The OTP itself is sent by the onboarding workflow, so a complete admin
// leaves the requirement pending.
func checkSystemAdminOTP(_ context.Context, in *Input) Result {
	to, res, ok := systemAdmin(in.App, "system admin", "system_admin")
	if !ok {
		return res
	}
	return pending(TaskOTP, "The operator will send a one-time password to "+to+"; the admin confirms it to complete this step")
}

// systemAdmin checks the application's system_admin contact. On success it
// returns a description of the person and channels, masked; otherwise the
// missing or invalid Result.
func systemAdmin(app *hcxonboard.Application, who, field string) (string, Result, bool) {
	sa := app.SystemAdmin
	if sa == nil || (strings.TrimSpace(sa.Name) == "" && strings.TrimSpace(sa.Mobile) == "" && strings.TrimSpace(sa.Email) == "") {
		return "", missing("Name the " + who + " who receives the onboarding OTP: " + field + " with name, mobile and e-mail"), false
	}
	name := strings.TrimSpace(sa.Name)
	mobile := strings.TrimSpace(sa.Mobile)
	email := strings.TrimSpace(sa.Email)
	var bad []string
	if name != "" {
		if p := nameProblem(name); p != "" {
			bad = append(bad, field+".name "+p)
		}
	}
	var channels []string
	if mobile != "" {
		if n, err := NormalizeMobile(mobile); err != nil {
			bad = append(bad, field+".mobile: "+err.Error())
		} else {
			channels = append(channels, hcxonboard.MaskMobile(n))
		}
	}
	if email != "" {
		if err := ValidateEmail(email); err != nil {
			bad = append(bad, field+".email: "+err.Error())
		} else {
			channels = append(channels, hcxonboard.MaskEmail(email))
		}
	}
	if len(bad) > 0 {
		return "", invalid("Correct the " + who + "'s details: " + strings.Join(bad, "; ")), false
	}
	var gaps []string
	if name == "" {
		gaps = append(gaps, field+".name")
	}
	if mobile == "" && email == "" {
		gaps = append(gaps, field+".mobile or "+field+".email")
	}
	if len(gaps) > 0 {
		return "", missing("Give the " + who + "'s " + strings.Join(gaps, " and ")), false
	}
	return who + " " + shownName(name) + " (" + strings.Join(channels, ", ") + ")", Result{}, true
}

// checkIRDARegistration checks the IRDAI registration number for role. An
// optional one (ISNPs: "if applicable") is satisfied when absent and
// checked when given.
func checkIRDARegistration(role hcxonboard.Role, optional bool) Check {
	return func(_ context.Context, in *Input) Result {
		n := strings.TrimSpace(in.App.Identifiers.IRDARegistrationNumber)
		if n == "" {
			if optional {
				return satisfied("Not applicable: no IRDA registration number given (needed only if IRDAI registered you)")
			}
			return missing("Give your IRDAI registration number (identifiers.irda_registration_number) as printed on your IRDAI licence")
		}
		if err := ValidateIRDARegistration(n, role); err != nil {
			return invalid(upperFirst(err.Error()) + " — copy it from your IRDAI certificate of registration")
		}
		return satisfied("IRDA registration number " + n)
	}
}

// MaxIRDAUserID is the longest IRDA user id accepted.
const MaxIRDAUserID = 64

// checkIRDAUserID wants the IRDA user id. Its format is not published, so
// any 1–64 printable characters without spaces are accepted.
func checkIRDAUserID(optional bool) Check {
	return func(_ context.Context, in *Input) Result {
		u := strings.TrimSpace(in.App.Identifiers.IRDAUserID)
		if u == "" {
			if optional && strings.TrimSpace(in.App.Identifiers.IRDARegistrationNumber) == "" {
				return satisfied("Not applicable: no IRDA user ID given (needed only if IRDAI registered you)")
			}
			if optional {
				return missing("IRDAI registered you (identifiers.irda_registration_number): give the IRDA user ID it issued with it (identifiers.irda_user_id)")
			}
			return missing("Give your IRDA user ID (identifiers.irda_user_id), the login IRDAI issued to your organisation")
		}
		if len(u) > MaxIRDAUserID {
			return invalid(fmt.Sprintf("IRDA user ID has %d characters; at most %d", len(u), MaxIRDAUserID))
		}
		for i := 0; i < len(u); i++ {
			if c := u[i]; c <= ' ' || c >= 0x7f {
				return invalid("IRDA user ID " + shown(u) + " contains " + quoteRuneAt(u, i) + "; give it exactly as IRDAI issued it")
			}
		}
		return satisfied("IRDA user ID given")
	}
}

func checkGSTIN(_ context.Context, in *Input) Result {
	g := strings.TrimSpace(in.App.Identifiers.GSTIN)
	if g == "" {
		return missing("Give your GSTIN (identifiers.gstin) from your GST registration certificate")
	}
	n, err := NormalizeGSTIN(g)
	if err != nil {
		return invalid(err.Error() + " — re-check the number on the GST certificate")
	}
	return satisfied("GSTIN " + n + " is well formed")
}

// normalizeHFRID trims s and upper-cases it, allocating only when needed.
func normalizeHFRID(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// hfrID returns the application's HFR ID, normalised, or the Result that
// the hfr_id requirement reports when there is no usable one.
func hfrID(app *hcxonboard.Application) (string, Result, bool) {
	id := normalizeHFRID(app.Identifiers.HFRID)
	if id == "" {
		return "", missing("Give the facility's HFR ID (identifiers.hfr_id), such as IN2910000123"), false
	}
	if err := ValidateHFRID(id); err != nil {
		return "", invalid(err.Error() + " — copy the facility ID from the facility's HFR page"), false
	}
	return id, Result{}, true
}

func checkHFRID(_ context.Context, in *Input) Result {
	id, res, ok := hfrID(in.App)
	if !ok {
		return res
	}
	return satisfied("HFR ID " + id + " is well formed")
}

func hprID(app *hcxonboard.Application) (string, Result, bool) {
	raw := strings.TrimSpace(app.Identifiers.HPRID)
	if raw == "" {
		return "", missing("Give your HPR ID (identifiers.hpr_id): the 14-digit number or name@hpr.abdm"), false
	}
	id, err := NormalizeHPRID(raw)
	if err != nil {
		return "", invalid(err.Error() + " — copy it from your HPR profile (identifiers.hpr_id)"), false
	}
	return id, Result{}, true
}

func checkHPRID(_ context.Context, in *Input) Result {
	id, res, ok := hprID(in.App)
	if !ok {
		return res
	}
	return satisfied("HPR ID " + id + " is well formed")
}

func rohiniID(app *hcxonboard.Application) (string, Result, bool) {
	raw := strings.TrimSpace(app.Identifiers.RohiniID)
	if raw == "" {
		return "", missing("Give the hospital's ROHINI ID (identifiers.rohini_id), the 13-digit number starting 890"), false
	}
	id := rohini.Normalize(raw)
	if err := rohini.Validate(id); err != nil {
		problem := err.Error()
		var ie *rohini.IDError
		if errors.As(err, &ie) {
			problem = ie.Problem
		}
		return "", invalid("ROHINI ID " + shown(id) + ": " + problem + " — copy the 13-digit ID from the hospital's ROHINI registration"), false
	}
	return id, Result{}, true
}

func checkRohiniID(_ context.Context, in *Input) Result {
	id, res, ok := rohiniID(in.App)
	if !ok {
		return res
	}
	return satisfied("ROHINI ID " + id + " is well formed (GS1 check digit matches)")
}

// ist is India Standard Time. A licence "valid until" a date is valid to the
// end of that day in India.
var ist = time.FixedZone("IST", 5*3600+1800)

// parseDate reads a YYYY-MM-DD date. It returns the instant the date ends
// in India.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	d, err := time.ParseInLocation(time.DateOnly, s, ist)
	if err != nil {
		return time.Time{}, false
	}
	return d.AddDate(0, 0, 1), true
}

// endOfDayInIndia returns the instant the day of t ends in India.
func endOfDayInIndia(t time.Time) time.Time {
	return indianDay(t).AddDate(0, 0, 1)
}

// indianDay is the start, in India, of t's day: for a date read without a
// time of day (midnight UTC) that date as given, for an instant its date
// in India (23:59:59Z on the 31st is 05:29:59 on the 1st there).
func indianDay(t time.Time) time.Time {
	if _, offset := t.Zone(); offset != 0 || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
		t = t.In(ist)
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ist)
}

// facilityParts collects what is missing and what is wrong in facility
// details, so that one message lists everything to fix.
type facilityParts struct {
	missing, bad []string
}

func (f *facilityParts) result(ok string) Result {
	switch {
	case len(f.bad) > 0:
		msg := "Correct the facility details: " + strings.Join(f.bad, "; ")
		if len(f.missing) > 0 {
			msg += "; also give " + strings.Join(f.missing, "; ")
		}
		return invalid(msg)
	case len(f.missing) > 0:
		return missing("Give the missing facility details: " + strings.Join(f.missing, "; "))
	}
	return satisfied(ok)
}

// licence checks identifiers.facility_licence: the number is required; the
// validity date is required when needValidity, and checked whenever given.
// A facility_licence document, if attached, must be well formed.
func (f *facilityParts) licence(in *Input, needValidity bool) string {
	lic := in.App.Identifiers.FacilityLicence
	var number, until string
	if lic != nil {
		number, until = strings.TrimSpace(lic.Number), strings.TrimSpace(lic.ValidUntil)
	}
	if number == "" {
		f.missing = append(f.missing, "licence number (identifiers.facility_licence.number)")
	} else if p := textProblem(number); p != "" {
		f.bad = append(f.bad, "licence number "+p)
	}
	summary := "licence " + shown(number)
	switch {
	case until == "" && needValidity:
		f.missing = append(f.missing, "licence validity date (identifiers.facility_licence.valid_until, YYYY-MM-DD)")
	case until == "":
	default:
		end, ok := parseDate(until)
		switch {
		case !ok:
			f.bad = append(f.bad, "licence validity date "+shown(until)+" is not a date in YYYY-MM-DD form")
		case !in.Now.Before(end):
			f.bad = append(f.bad, "the licence expired on "+until+"; renew it and give the new licence's number and validity date")
		default:
			summary += " valid until " + until
		}
	}
	if found, p := validDocument(in.App, hcxonboard.DocFacilityLicence); found && p != "" {
		f.bad = append(f.bad, "licence document ("+hcxonboard.DocFacilityLicence+") "+p)
	}
	return summary
}

func (f *facilityParts) name(app *hcxonboard.Application) string {
	name := strings.TrimSpace(app.ParticipantName)
	if name == "" {
		f.missing = append(f.missing, "name (participant_name)")
	} else if p := nameProblem(name); p != "" {
		f.bad = append(f.bad, "name "+p)
	}
	return shownName(name)
}

// checkFacilityDetailsRohini: "Facility details — Name, License, validity,
// GSTN etc." for a hospital outside HFR with a ROHINI ID. The GSTIN is its
// own requirement.
func checkFacilityDetailsRohini(_ context.Context, in *Input) Result {
	var f facilityParts
	name := f.name(in.App)
	lic := f.licence(in, true)
	return f.result(name + ", " + lic)
}

// checkFacilityDetailsEmpanelled: "Facility details — Name, License,
// facility manager details, location address" for a provider in neither
// HFR nor ROHINI. The facility manager is the application's system admin.
func checkFacilityDetailsEmpanelled(_ context.Context, in *Input) Result {
	var f facilityParts
	name := f.name(in.App)
	lic := f.licence(in, false)
	manager, res, ok := systemAdmin(in.App, "facility manager", "system_admin")
	if !ok {
		switch res.Outcome {
		case Invalid:
			f.bad = append(f.bad, strings.TrimPrefix(res.Message, "Correct the facility manager's details: "))
		default:
			f.missing = append(f.missing, "facility manager (system_admin: name, and mobile or e-mail)")
		}
	}
	where := f.address(in.App)
	return f.result(name + ", " + lic + ", " + manager + ", " + where)
}

// address wants a location: a state, a 6-digit PIN code and at least one
// line (plot, street, village or district).
func (f *facilityParts) address(app *hcxonboard.Application) string {
	a := app.Address
	if a == nil {
		f.missing = append(f.missing, "location address (address: street or village, district, state, pincode)")
		return ""
	}
	var gaps []string
	if strings.TrimSpace(a.Plot) == "" && strings.TrimSpace(a.Street) == "" &&
		strings.TrimSpace(a.Village) == "" && strings.TrimSpace(a.District) == "" {
		gaps = append(gaps, "address.street or address.village")
	}
	if strings.TrimSpace(a.State) == "" {
		gaps = append(gaps, "address.state")
	}
	pin := strings.TrimSpace(a.Pincode)
	switch {
	case pin == "":
		gaps = append(gaps, "address.pincode")
	case !isPincode(pin):
		f.bad = append(f.bad, "PIN code "+shown(pin)+" is not 6 digits starting 1–9")
	}
	if len(gaps) > 0 {
		f.missing = append(f.missing, strings.Join(gaps, ", "))
	}
	return "PIN " + shown(pin)
}

// isPincode reports whether s is a PIN code: six digits, the first 1–9,
// written whole or in groups apart by a space or hyphen ("562 114"), as
// India Post prints them and as pincodeOf reads them.
func isPincode(s string) bool { return pincodeOf(s) != "" }

// StakeholderPolicyholder is the one stakeholder a BSP may serve today.
const StakeholderPolicyholder = "policyholder"

func checkStakeholders(_ context.Context, in *Input) Result {
	if in.App.BSP == nil || len(in.App.BSP.StakeholdersServiced) == 0 {
		return missing(`List the stakeholders you serve in bsp.stakeholders_serviced; "policyholder" is the only one defined today`)
	}
	for _, s := range in.App.BSP.StakeholdersServiced {
		if !strings.EqualFold(strings.TrimSpace(s), StakeholderPolicyholder) {
			return invalid(fmt.Sprintf(`Stakeholder %q is not defined: "policyholder" is the only stakeholder a BSP may serve today`, shown(s)))
		}
	}
	return satisfied("Serves policyholders")
}

func checkCaseReview(_ context.Context, in *Input) Result {
	var roles []string
	for _, r := range in.App.Roles {
		if (r == hcxonboard.RoleResearch || r == hcxonboard.RoleHCX) && !slices.Contains(roles, string(r)) {
			roles = append(roles, string(r))
		}
	}
	switch {
	case in.App.HasRole(hcxonboard.RoleRegulator):
		return pending(TaskReview, "Regulators are onboarded case by case: the HCX operator reviews this application and will contact you")
	case len(roles) > 0:
		return pending(TaskReview, "The guideline lists no checks for "+strings.Join(roles, " and ")+
			"; the HCX operator reviews this application case by case, as for regulators, and will contact you")
	}
	// An operator's category that uses this check for other roles.
	return pending(TaskReview, "The HCX operator reviews this application case by case and will contact you")
}
