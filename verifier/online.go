package verifier

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/internal/textclip"
	"github.com/openhcx/hcxonboard/rohini"
)

// The online checks follow one rule: what a registry says about the
// application (not found, a Draft facility) can make a requirement invalid;
// a registry that cannot be reached (down, rate limiting, refusing our
// credentials, timing out, answering in a shape nobody knows) never does —
// the requirement stays pending with task "retry" and the cause. A registry
// that is not wired at all leaves the requirement pending for a person
// (task "review"). What a registry holds is compared with the application
// field by field, each field a Finding; a difference never satisfies a
// requirement.

// cause is an error's text fit for a message, which the engine stores and
// shows the applicant: the e-mail addresses and mobile numbers in it
// masked (a registry's words may name the people it holds), control
// characters made spaces, capped. Registry adapters already keep
// credentials, tokens and OTPs out of their errors.
func cause(err error) string {
	return textclip.Clip(hcxonboard.RedactText(err.Error()), 160)
}

// checkHFRLookup looks the facility up in HFR and compares, field by
// field, what HFR holds with what the application says: the status (one
// HFR uses for verified facilities), the facility type (fits the roles
// applied for), the name and the pincode. A facility still in HFR's own
// process waits (await_registry); any other difference goes to a person
// (review); only a full match is satisfied.
func checkHFRLookup(ctx context.Context, in *Input) Result {
	id, _, ok := hfrID(in.App)
	if !ok {
		return missing("Needs a valid HFR ID first (see hfr_id)")
	}
	if in.Facilities == nil {
		return pending(TaskReview, "No HFR connection here: the operator looks facility "+id+" up in HFR")
	}
	lctx, cancel := in.lookupContext(ctx)
	f, err := in.Facilities.Facility(lctx, id)
	cancel()
	switch {
	case errors.Is(err, hfr.ErrNotFound):
		return invalid("HFR has no facility " + id + ": check the ID on the facility's HFR page, or register the facility in HFR first")
	case errors.Is(err, hfr.ErrInvalidID):
		return invalid("HFR does not accept " + id + " as a facility ID: copy the ID from the facility's HFR page")
	case err != nil:
		return pending(TaskRetry, "HFR could not be reached to look up facility "+id+" ("+cause(err)+"); the check runs again later")
	}
	if other := normalizeHFRID(f.ID); other != "" && other != id {
		// An answer about another facility says nothing of this one:
		// what it holds is shown beside the application for a person, and
		// never satisfies the look-up, whatever else matches.
		return withFindings(pending(TaskReview, "HFR answered with the record of facility "+shown(other)+", not of "+id+
			"; the operator looks "+id+" up in HFR"), otherFacilityFindings(in.App, id, other, f.Name, f.Pincode, sourceHFR))
	}
	rules := in.rulesOrDefault()
	status := strings.TrimSpace(f.Status)
	findings := []Finding{hfrStatusFinding(status, rules)}
	findings = append(findings, facilityTypeFinding(in.App, f.FacilityType, rules)...)
	findings = append(findings,
		nameFinding(in.App.ParticipantName, f.Name, sourceHFR),
		pincodeFinding(in.App, f.Pincode, sourceHFR))
	who := "HFR facility " + id + " (" + shownName(f.Name) + ")"
	diffs := mismatched(findings[1:])
	if rules.hfrPipeline[strings.ToLower(status)] {
		msg := who + " is " + shown(status) + " in HFR, not yet verified"
		if strings.EqualFold(status, "Draft") {
			msg = who + " is only a Draft in HFR: submit it there"
		}
		msg += "; the application waits and is checked again, and goes on once HFR has verified the facility"
		if len(diffs) > 0 {
			msg += ". HFR's record also differs from the application — " + differences(diffs) + " — which the operator reviews then"
		}
		return withFindings(pending(TaskAwaitRegistry, msg), findings)
	}
	if diffs := mismatched(findings); len(diffs) > 0 {
		return withFindings(pending(TaskReview, "HFR's record of facility "+id+" differs from the application — "+differences(diffs)+"; the operator reviews it"), findings)
	}
	return withFindings(satisfied("HFR facility "+id+": "+shownName(f.Name)+", status "+shown(status)+
		"; name, facility type and pincode match the application"), findings)
}

// otherFacilityFindings are the findings of a registry answer about
// facility other when id was asked for: the id that differs, then its
// name and pincode beside the application's.
func otherFacilityFindings(app *hcxonboard.Application, id, other, name, pincode, source string) []Finding {
	field := "hfr_id"
	if source == sourceRohini {
		field = "rohini_id"
	}
	return []Finding{
		found(field, id, other, source, false, "the registry answered for another facility"),
		nameFinding(app.ParticipantName, name, source),
		pincodeFinding(app, pincode, source),
	}
}

func hfrStatusFinding(status string, rules *rules) Finding {
	key := strings.ToLower(status)
	switch {
	case status == "":
		return found("status", "", "", sourceHFR, false, "HFR gives no status")
	case rules.hfrVerified[key]:
		return found("status", "", status, sourceHFR, true, "verified in HFR")
	case rules.hfrPipeline[key]:
		return found("status", "", status, sourceHFR, false, "still in HFR's registration process")
	}
	return found("status", "", status, sourceHFR, false, "not a status of a verified facility")
}

// facilityTypeFinding compares HFR's facility type with the provider roles
// applied for; an application without a provider role has nothing to
// compare.
func facilityTypeFinding(app *hcxonboard.Application, facilityType string, rules *rules) []Finding {
	var roles, unfit []string
	for _, r := range app.Roles {
		if !r.IsProvider() || !r.Valid() {
			continue
		}
		roles = append(roles, string(r))
		if !rules.facilityTypeFits(r, facilityType) {
			unfit = append(unfit, string(r))
		}
	}
	if len(roles) == 0 {
		return nil
	}
	switch {
	case len(unfit) == 0:
		return []Finding{found("facility_type", strings.Join(roles, ", "), facilityType, sourceHFR, true, "")}
	case strings.TrimSpace(facilityType) == "":
		return []Finding{found("facility_type", strings.Join(roles, ", "), "", sourceHFR, false, "HFR gives no facility type")}
	}
	return []Finding{found("facility_type", strings.Join(roles, ", "), facilityType, sourceHFR, false,
		"the type does not fit "+strings.Join(unfit, ", "))}
}

// nameFinding compares an organisation's name (SameName).
func nameFinding(applicant, registry, source string) Finding {
	switch {
	case strings.TrimSpace(registry) == "":
		return found("name", applicant, "", source, false, sourceName(source)+" gives no name")
	case SameName(applicant, registry):
		return found("name", applicant, registry, source, true, "")
	}
	return found("name", applicant, registry, source, false, "")
}

// pincodeFinding compares the application's address.pincode with a
// registry's.
func pincodeFinding(app *hcxonboard.Application, registry, source string) Finding {
	var given string
	if app.Address != nil {
		given = strings.TrimSpace(app.Address.Pincode)
	}
	a, r := pincodeOf(given), pincodeOf(registry)
	switch {
	case a == "":
		return found("pincode", given, registry, source, false, "the application gives no valid address.pincode")
	case r == "":
		return found("pincode", given, registry, source, false, sourceName(source)+" gives no valid pincode")
	}
	return found("pincode", a, r, source, a == r, "")
}

// checkHFRManagerOTP is always pending while the HFR ID is usable: the
// onboarding workflow asks HFR to send its own OTP to the manager HFR has
// on record — never to a number typed in the application — and the manager
// confirms it.
func checkHFRManagerOTP(_ context.Context, in *Input) Result {
	id, _, ok := hfrID(in.App)
	if !ok {
		return missing("Needs a valid HFR ID first (see hfr_id)")
	}
	return pending(TaskHFROTP, "HFR will send a one-time password to the facility manager it holds for "+id+
		" (not to the numbers in this application); the manager confirms it and is told of this onboarding")
}

// checkRohiniVerification looks the hospital up in ROHINI and compares the
// name and pincode ROHINI holds with the application's, and reports the
// registration's status and validity: an expired registration is invalid,
// any other difference goes to a person.
func checkRohiniVerification(ctx context.Context, in *Input) Result {
	id, _, ok := rohiniID(in.App)
	if !ok {
		return missing("Needs a valid ROHINI ID first (see rohini_id)")
	}
	if in.Rohini == nil {
		return pending(TaskReview, "No ROHINI look-up here: a ROHINI administrator confirms hospital "+id+" by hand")
	}
	lctx, cancel := in.lookupContext(ctx)
	h, err := in.Rohini.Hospital(lctx, id)
	cancel()
	switch {
	case errors.Is(err, rohini.ErrNotFound):
		return invalid("ROHINI has no hospital " + id + ": check the ID on the hospital's ROHINI registration")
	case errors.Is(err, rohini.ErrInvalidID):
		return invalid("ROHINI does not accept " + id + " as an ID: copy it from the hospital's ROHINI registration")
	case errors.Is(err, rohini.ErrManualReview):
		return pending(TaskReview, "A ROHINI administrator confirms hospital "+id+" by hand")
	case err != nil:
		return pending(TaskRetry, "ROHINI could not be reached to check hospital "+id+" ("+cause(err)+"); the check runs again later")
	}
	if other := rohini.Normalize(strings.TrimSpace(h.ID)); other != "" && other != id {
		// As for HFR: the record of another hospital settles nothing.
		return withFindings(pending(TaskReview, "ROHINI answered with the record of hospital "+shown(other)+", not of "+id+
			"; a ROHINI administrator confirms hospital "+id+" by hand"), otherFacilityFindings(in.App, id, other, h.Name, h.Pincode, sourceRohini))
	}
	findings := []Finding{
		nameFinding(in.App.ParticipantName, h.Name, sourceRohini),
		pincodeFinding(in.App, h.Pincode, sourceRohini),
	}
	if st := strings.TrimSpace(h.Status); st != "" {
		active := strings.EqualFold(st, "active")
		note := ""
		if !active {
			note = "not active"
		}
		findings = append(findings, found("status", "", st, sourceRohini, active, note))
	}
	if !h.ValidUntil.IsZero() {
		until := indianDay(h.ValidUntil).Format(time.DateOnly)
		if !in.Now.Before(endOfDayInIndia(h.ValidUntil)) {
			findings = append(findings, found("valid_until", "", until, sourceRohini, false, "expired"))
			return withFindings(invalid("The ROHINI registration of "+id+" expired on "+until+": renew it with IIB, then apply again"), findings)
		}
		findings = append(findings, found("valid_until", "", until, sourceRohini, true, ""))
	}
	if diffs := mismatched(findings); len(diffs) > 0 {
		return withFindings(pending(TaskReview, "ROHINI's record of hospital "+id+" differs from the application — "+differences(diffs)+
			"; the operator confirms they are the same hospital and that it may onboard"), findings)
	}
	return withFindings(satisfied("ROHINI: "+id+" is "+shownName(h.Name)+"; name and pincode match the application"), findings)
}

func quote(s string) string { return `"` + shownName(strings.TrimSpace(s)) + `"` }
