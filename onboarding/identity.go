package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// RequirementIdentityDispute is the requirement of the staff review that
// an application claiming an identity another participant holds waits on
// under WithIdentityDisputes.
const RequirementIdentityDispute verifier.RequirementID = "identity_dispute"

// Prefixes of the claims (registry.Application.Claims) the engine makes.
// Registry identities are held while an application is in flight and
// while its participant is not Inactive; single-use evidence (a
// participant sandbox certificate, a payer-signed empanelment proof) stays
// consumed after de-boarding. Rejection and withdrawal free both.
const (
	claimHFR     = "hfr:"
	claimHPR     = "hpr:"
	claimRohini  = "rohini:"
	claimIRDA    = "irda:" // followed by the register: insurer, tpa, isnp
	claimSandbox = "sandbox:"
)

// identity is one registry identity an application claims, with the words
// that name it to a person.
type identity struct {
	claim, label string
}

// identities lists the registry identities app claims: its HFR facility,
// HPR professional, ROHINI hospital and IRDA registration (per register:
// insurers, TPAs and ISNPs are registered separately). With a report, only
// the ids its requirements check: an id the application's category does
// not check (a practitioner's HFR id, an HFR hospital's ROHINI id) proves
// nothing, so it is neither held nor published. Without one (labels), all.
func identities(app *hcxonboard.Application, rep *verifier.Report) []identity {
	var out []identity
	ids := app.Identifiers
	if v := hfrFacilityID(app); v != "" && checked(rep, verifier.IdentityHFR, hfrChecks...) {
		out = append(out, identity{claimHFR + v, "HFR facility " + v})
	}
	if v := strings.TrimSpace(ids.HPRID); v != "" && checked(rep, verifier.IdentityHPR, hprChecks...) {
		if n, err := verifier.NormalizeHPRID(v); err == nil {
			v = n
		}
		out = append(out, identity{claimHPR + v, "HPR professional " + v})
	}
	if v := rohini.Normalize(ids.RohiniID); v != "" && checked(rep, verifier.IdentityRohini, rohiniChecks...) {
		out = append(out, identity{claimRohini + v, "ROHINI hospital " + v})
	}
	if v := irdaNumber(ids.IRDARegistrationNumber); v != "" && checked(rep, verifier.IdentityIRDA, irdaChecks...) {
		for _, reg := range irdaRegisters(app.Roles) {
			out = append(out, identity{claimIRDA + reg + ":" + v, "IRDA " + reg + " registration " + v})
		}
	}
	for i := range out {
		out[i].claim = boundClaim(out[i].claim)
	}
	return out
}

// hfrFacilityID is app's HFR facility id as the engine names the facility
// — to HFR, in the identity it holds, the linked registry code and the
// manager's intimation: trimmed and in upper case, as HFR writes it
// (the checks look the facility up so).
func hfrFacilityID(app *hcxonboard.Application) string {
	return strings.ToUpper(strings.TrimSpace(app.Identifiers.HFRID))
}

// The requirements that check each registry's id in a report stored
// before results named the registry whose id they checked
// (verifier.Result.Identity).
var (
	hfrChecks    = []verifier.RequirementID{verifier.ReqHFRID, verifier.ReqHFRLookup, verifier.ReqHFRManagerOTP}
	hprChecks    = []verifier.RequirementID{verifier.ReqHPRID, verifier.ReqHPRCheck}
	rohiniChecks = []verifier.RequirementID{verifier.ReqRohiniID, verifier.ReqRohiniVerification}
	irdaChecks   = []verifier.RequirementID{verifier.ReqIRDARegistrationNumber, verifier.ReqIRDAUserID}
)

// checked reports whether rep, when there is one, has a result that
// checked the id of registry, whatever requirement ID the verifier's
// policy gave it. A report none of whose results name a registry may have
// been stored before results did: there, a result for any of ids counts.
func checked(rep *verifier.Report, registry string, ids ...verifier.RequirementID) bool {
	if rep == nil {
		return true
	}
	marked := false
	for _, res := range rep.Requirements {
		if res.Identity == registry {
			return true
		}
		marked = marked || res.Identity != ""
	}
	if marked {
		return false
	}
	for _, id := range ids {
		if _, ok := rep.Result(id); ok {
			return true
		}
	}
	return false
}

// irdaNumber is an IRDA registration number as a claim holds it: without
// spaces, in upper case, and a number of digits alone without its leading
// zeros — IRDAI writes insurer 7 as 7, 07 or 007, and all three are one
// registration. An intermediary's number in parts (IRDAI/INT/007/2021) is
// held with its parts joined by '/' whatever separated them, each part of
// digits alone without its leading zeros, for the same reason.
func irdaNumber(s string) string {
	v := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if !strings.ContainsAny(v, "/-.") {
		return unpadded(v)
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	for i, p := range parts {
		parts[i] = unpadded(p)
	}
	return strings.Join(parts, "/")
}

// unpadded is s without its leading zeros when it is digits alone ("0"
// for zeros alone), else s.
func unpadded(s string) string {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return s
	}
	if s = strings.TrimLeft(s, "0"); s == "" {
		return "0"
	}
	return s
}

// irdaRegisters names the IRDA registers an application's roles belong to.
func irdaRegisters(roles []hcxonboard.Role) []string {
	var regs []string
	add := func(r string) {
		if !slices.Contains(regs, r) {
			regs = append(regs, r)
		}
	}
	for _, r := range roles {
		switch {
		case r == hcxonboard.RolePayer:
			add("insurer")
		case r == hcxonboard.RoleTPA:
			add("tpa")
		case r == hcxonboard.RoleISNP:
			add("isnp")
		}
	}
	if len(regs) == 0 {
		add("other")
	}
	return regs
}

// boundClaim keeps a claim within registry.MaxClaimLength: a longer one is
// replaced by its prefix and a digest of the whole.
func boundClaim(c string) string {
	if len(c) <= registry.MaxClaimLength {
		return c
	}
	prefix, _, _ := strings.Cut(c, ":")
	sum := sha256.Sum256([]byte(c))
	return prefix + ":sha256:" + hex.EncodeToString(sum[:])
}

// sandboxClaim is the claim that consumes a participant certificate; ""
// for a solution certificate, which many participants may rely on.
func sandboxClaim(sb *SandboxResult) string {
	if sb == nil || sb.Issuer == "" || sb.CertificateID == "" || sb.Kind == sandbox.KindSolution || refused(sb.Outcome) {
		return ""
	}
	return boundClaim(verifier.SandboxClaim(sb.Issuer, sb.CertificateID))
}

// claims is what the application holds as written now: nothing before
// registration or after rejection and withdrawal; its registry identities
// (less any still in dispute) until its participant is Inactive; its
// single-use evidence for good.
func (r *record) claims() []string {
	if r.app.ParticipantCode == "" {
		return nil
	}
	switch r.app.Stage {
	case registry.StageSubmitted, registry.StageRejected, registry.StageWithdrawn:
		return nil
	}
	var out []string
	if r.position() != posInactive {
		for _, id := range identities(r.st.Submitted, r.st.Report) {
			if !slices.Contains(r.st.Disputed, id.claim) {
				out = append(out, id.claim)
			}
		}
		for _, c := range r.st.Aliases {
			if !slices.Contains(r.st.Disputed, c) {
				out = append(out, c)
			}
		}
	}
	if c := sandboxClaim(r.st.Sandbox); c != "" && r.sandboxProven() {
		out = append(out, c)
	}
	if c := r.st.ProofApproved; c != "" && c == proofClaim(r.st.Submitted) {
		out = append(out, c)
	}
	if rep := r.st.Report; rep != nil {
		for _, res := range rep.Requirements {
			for _, c := range res.Claims {
				c = boundClaim(c)
				if isIdentity(c) && (r.position() == posInactive || slices.Contains(r.st.Disputed, c)) {
					// A registry identity a check learnt (the other
					// form of an HPR id) is held as the others are.
					continue
				}
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > registry.MaxClaims {
		out = out[:registry.MaxClaims]
	}
	return out
}

// proofClaim is the claim of the signed empanelment proof app carries,
// "" when it carries none.
func proofClaim(app *hcxonboard.Application) string {
	if c := verifier.EmpanelmentProofClaim(app); c != "" {
		return boundClaim(c)
	}
	return ""
}

// sandboxProven reports whether r's sandbox certificate is known to be
// what it says: its signature was checked against the trust list, or a
// person approved the review of a certificate that could not be checked
// (and it is still that certificate: an amendment that keeps it keeps the
// approval). An unchecked certificate consumes nothing: anyone can write
// any issuer and id into one, and would spend the real holder's.
func (r *record) sandboxProven() bool {
	if r.st.Sandbox.Trusted {
		return true
	}
	if r.st.SandboxApproved != "" && r.st.SandboxApproved == sandboxClaim(r.st.Sandbox) {
		return true
	}
	t := r.taskFor(verifier.ReqSandboxCertificate)
	return t != nil && t.Kind == KindReview && t.State == TaskDone && t.DecidedBy != ""
}

// claimLabel names a claim to a person: to staff, or to the applicant.
func claimLabel(app *hcxonboard.Application, sb *SandboxResult, claim string, staff bool) string {
	for _, id := range identities(app, nil) {
		if id.claim == claim {
			return id.label
		}
	}
	if sb != nil && claim == sandboxClaim(sb) {
		return fmt.Sprintf("sandbox certificate %s of %s", clip(sb.CertificateID), clip(sb.Issuer))
	}
	if rest, ok := strings.CutPrefix(claim, claimHPR); ok {
		if staff {
			return "HPR professional " + clip(rest)
		}
		// A form of the HPR id the applicant did not give (HPR's record
		// taught it) is not named to the applicant, or typing one form
		// would reveal the other.
		return "the HPR professional you named (under another form of the id)"
	}
	if rest, ok := strings.CutPrefix(claim, "empanelment:"); ok {
		return "empanelment proof " + clip(rest)
	}
	return clip(claim)
}

// isIdentity reports whether claim is a registry identity, which
// WithIdentityDisputes may route to staff, rather than single-use evidence.
func isIdentity(claim string) bool {
	for _, p := range []string{claimHFR, claimHPR, claimRohini, claimIRDA} {
		if strings.HasPrefix(claim, p) {
			return true
		}
	}
	return false
}

// linkedCode is the linked registry code that publishes the registry
// identity claim ("hfr:IN2910000123" is "IN2910000123@hfr"), or "" for a
// claim no linked code publishes.
func linkedCode(claim string) string {
	for _, p := range [...]struct{ prefix, registry string }{
		{claimHFR, verifier.IdentityHFR}, {claimRohini, verifier.IdentityRohini}, {claimHPR, verifier.IdentityHPR},
	} {
		if id, ok := strings.CutPrefix(claim, p.prefix); ok {
			return id + "@" + p.registry
		}
	}
	return ""
}

// unpublishDisputed leaves the identities r disputes out of its
// participant's linked registry codes: the holder's record alone names
// each until staff approve the claim (publishApproved).
func (r *record) unpublishDisputed() {
	if r.part == nil || len(r.st.Disputed) == 0 {
		return
	}
	out := slices.DeleteFunc(slices.Clone(r.part.LinkedRegistryCodes), func(c string) bool {
		return slices.ContainsFunc(r.st.Disputed, func(d string) bool { return linkedCode(d) == c })
	})
	if len(out) != len(r.part.LinkedRegistryCodes) {
		r.part.LinkedRegistryCodes = out
		r.touchParticipant()
	}
}

// publishApproved adds the linked registry code of claim, an identity
// whose dispute staff approved, when it is one of the application's own
// (see linkedCodes).
func (r *record) publishApproved(claim string) {
	c := linkedCode(claim)
	if r.part == nil || c == "" || slices.Contains(r.part.LinkedRegistryCodes, c) ||
		!slices.Contains(linkedCodes(r.st.Submitted, r.st.Report), c) {
		return
	}
	r.part.LinkedRegistryCodes = append(r.part.LinkedRegistryCodes, c)
	r.touchParticipant()
}

// heldBy says who holds a contested claim, without any contact data.
func heldBy(ce *registry.ClaimError) string {
	if ce.ParticipantCode != "" {
		return "participant " + ce.ParticipantCode
	}
	return "another application in progress"
}

// hprAliases are the claims of every form of an authenticated
// professional's HPR id (verifier.HPRClaims).
func hprAliases(p hfr.Professional) []string {
	out := verifier.HPRClaims(p)
	for i := range out {
		out[i] = boundClaim(out[i])
	}
	return out
}

// claimTakenError is a write refused a claim another application holds:
// it is ErrIdentityTaken, with the reason to tell the applicant.
type claimTakenError struct {
	claim  *registry.ClaimError
	reason string
}

func (e *claimTakenError) Error() string        { return ErrIdentityTaken.Error() + ": " + e.reason }
func (e *claimTakenError) Is(target error) bool { return target == ErrIdentityTaken }

// claimRefusal is the reason an application is refused an identity or a
// piece of evidence another application holds.
func claimRefusal(app *hcxonboard.Application, sb *SandboxResult, ce *registry.ClaimError) string {
	label := claimLabel(app, sb, ce.Claim, false)
	if isIdentity(ce.Claim) {
		return fmt.Sprintf("identity: %s is already registered with this HCX as %s; if you operate it, contact the operator",
			label, heldBy(ce))
	}
	req := "evidence"
	switch {
	case strings.HasPrefix(ce.Claim, claimSandbox):
		req = string(verifier.ReqSandboxCertificate)
	case strings.HasPrefix(ce.Claim, "empanelment:"):
		req = string(verifier.ReqEmpanelmentProof)
	}
	return fmt.Sprintf("%s: %s already backs %s; each may back one participant only", req, label, heldBy(ce))
}

// WithIdentityDisputes routes an application that claims a registry
// identity (HFR facility, HPR professional, ROHINI hospital, IRDA
// registration) held by another participant to a staff review
// (requirement identity_dispute) instead of rejecting it. Approving the
// review takes the identity, which works only once its holder is
// Inactive; rejecting it rejects the application. Default: off — such an
// application is rejected with a reason naming the holder.
func WithIdentityDisputes(on bool) Option {
	return func(s *Service) error {
		s.disputes = on
		return nil
	}
}

// solutionCode is the linked registry code that records a participant's
// reliance on a solution certificate: "<issuer>/<certificate id>@sandbox".
// "" unless sb is a solution certificate that was accepted.
func solutionCode(sb *SandboxResult) string {
	if sb == nil || sb.Kind != sandbox.KindSolution || sb.Issuer == "" || sb.CertificateID == "" || refused(sb.Outcome) {
		return ""
	}
	return sb.Issuer + "/" + sb.CertificateID + "@sandbox"
}

// RelyingOnPage is RelyingOn a page at a time: at most limit
// participants (0 for registry.DefaultLimit) after the cursor (the Next
// of the page before), with the cursor of the next page in Next.
func (s *Service) RelyingOnPage(ctx context.Context, issuer, certID string, limit int, cursor string) (registry.Page[hcxonboard.Participant], error) {
	if issuer == "" || certID == "" {
		return registry.Page[hcxonboard.Participant]{}, fmt.Errorf("%w: RelyingOnPage needs the issuer and the certificate id", ErrInvalidArgument)
	}
	code := solutionCode(&SandboxResult{Issuer: issuer, CertificateID: certID, Kind: sandbox.KindSolution, Outcome: verifier.Satisfied})
	return s.SearchPage(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldLinkedCodes: {Eq: &code}},
		Limit: limit, Cursor: cursor})
}

// RelyingOn lists the participants registered on the solution
// certificate certID of the sandbox operator issuer — what an operator
// reviews when that certificate is revoked. Participant certificates back
// one participant each; ask ApplicationByParticipant for those.
func (s *Service) RelyingOn(ctx context.Context, issuer, certID string) ([]hcxonboard.Participant, error) {
	if issuer == "" || certID == "" {
		return nil, fmt.Errorf("%w: RelyingOn needs the issuer and the certificate id", ErrInvalidArgument)
	}
	code := solutionCode(&SandboxResult{Issuer: issuer, CertificateID: certID, Kind: sandbox.KindSolution, Outcome: verifier.Satisfied})
	var out []hcxonboard.Participant
	q := registry.Query{Filters: map[string]registry.Condition{registry.FieldLinkedCodes: {Eq: &code}}}
	err := s.eachParticipant(ctx, q, func(page []hcxonboard.Participant) error {
		out = append(out, page...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding: participants relying on %s: %w", clip(code), err)
	}
	return out, nil
}
