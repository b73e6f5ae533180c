package verifier

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/rohini"
)

// The online checks follow one rule: what a registry says about the
// application (not found, a Draft facility) can make a requirement invalid;
// a registry that cannot be reached (down, rate limiting, refusing our
// credentials, timing out, answering in a shape nobody knows) never does —
// the requirement stays pending with task "retry" and the cause. A registry
// that is not wired at all leaves the requirement pending for a person
// (task "review").

// cause is an error's text fit for a message: trimmed of control
// characters and capped. Registry adapters already keep credentials, tokens
// and OTPs out of their errors.
func cause(err error) string {
	s := err.Error()
	const max = 160
	clean := len(s) <= max
	for i := 0; clean && i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, max+4)
	for i, r := range s {
		if i >= max {
			b = append(b, "…"...)
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = ' '
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

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
	case f.IsDraft():
		return invalid("HFR facility " + id + " (" + shownName(f.Name) + ") is only a Draft: submit it in HFR and wait for it to be verified, then apply again")
	}
	status := strings.TrimSpace(f.Status)
	if status == "" {
		status = "not given"
	}
	return satisfied("HFR facility " + id + ": " + shownName(f.Name) + ", status " + shown(status))
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
	council := "registration not yet verified by the council"
	if p.CouncilVerified {
		council = "council-verified"
	}
	return satisfied("HPR: " + id + " is " + shownName(p.Name) + ", " + council)
}

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
	if !h.ValidUntil.IsZero() && !in.Now.Before(h.ValidUntil.AddDate(0, 0, 1)) {
		return invalid("The ROHINI registration of " + id + " expired on " + h.ValidUntil.Format("2006-01-02") + ": renew it with IIB, then apply again")
	}
	if st := strings.TrimSpace(h.Status); st != "" && !strings.EqualFold(st, "active") {
		return pending(TaskReview, "ROHINI lists hospital "+id+" with status "+shown(st)+"; the operator confirms it may onboard")
	}
	if !sameName(h.Name, in.App.ParticipantName) {
		return pending(TaskReview, "ROHINI lists "+id+" as "+quote(h.Name)+", the application says "+quote(in.App.ParticipantName)+
			"; the operator confirms they are the same hospital")
	}
	return satisfied("ROHINI: " + id + " is " + shownName(h.Name))
}

func quote(s string) string { return `"` + shownName(strings.TrimSpace(s)) + `"` }

// sameName compares two names of one organisation loosely: case,
// punctuation and spacing are ignored, and one may extend the other by
// whole words ("Sunrise Hospital" and "Sunrise Hospital Pvt Ltd" match).
// Anything else is for a person to judge, never invalid.
func sameName(a, b string) bool {
	var ab, bb [128]byte
	na, nb := foldName(ab[:0], a), foldName(bb[:0], b)
	if len(na) == 0 || len(nb) == 0 {
		return false
	}
	if len(na) > len(nb) {
		na, nb = nb, na
	}
	return string(nb) == string(na) || (len(nb) > len(na) && string(nb[:len(na)]) == string(na) && nb[len(na)] == ' ')
}

// foldName lower-cases s and reduces every run of non-alphanumerics to one
// space, appending to dst.
func foldName(dst []byte, s string) []byte {
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		default:
			space = true
		}
	}
	return dst
}
