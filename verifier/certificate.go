package verifier

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
)

// checkSandboxCertificate is step 1 of the guideline: the sandbox
// certificate is valid and applies to the roles applied for. It is shared
// by every policy, so its result is worked out once per verification.
func checkSandboxCertificate(ctx context.Context, in *Input) Result {
	if !in.sandboxDone {
		in.sandboxRes = sandboxResult(ctx, in)
		in.sandboxDone = true
	}
	return in.sandboxRes
}

func sandboxResult(ctx context.Context, in *Input) Result {
	roles, problem := appliedRoles(in.App.Roles)
	if problem != "" {
		return invalid(problem)
	}
	token := strings.TrimSpace(in.App.SandboxCertificate)
	if token == "" {
		return missing("Attach the sandbox certificate your sandbox operator issued (sandbox_certificate: the compact JWS, pasted whole)")
	}
	if in.Sandbox == nil {
		return pending(TaskReview, "No sandbox-certificate verifier here: the operator checks the certificate")
	}
	lctx, cancel := in.lookupContext(ctx) // a trust list may fetch keys from a jwks_url
	cert, err := in.Sandbox.Verify(lctx, token, roles)
	cancel()
	if err != nil {
		return SandboxErrorResult(err)
	}
	if r, bound := bindCertificate(cert, in.App); !bound {
		return r
	}
	what := "Sandbox certificate from " + quote(cert.Issuer) + " for " + roleList(cert.Roles) +
		", valid until " + cert.Expiry.In(ist).Format(time.DateOnly)
	if !cert.Trusted {
		return pending(TaskReview, what+": structure, validity and roles checked, but the signature is not checked without a trust list; the operator checks it")
	}
	r := satisfied(what + ", signature verified")
	if cert.Kind != sandbox.KindSolution && cert.Issuer != "" && cert.ID != "" {
		// A participant certificate backs one participant: its issuer and
		// id are single-use evidence, as the engine's own check records
		// them (a solution certificate backs every participant relying on
		// the software). An unchecked signature records nothing, since
		// anyone can write any issuer and id into one.
		r.Claims = []string{SandboxClaim(cert.Issuer, cert.ID)}
	}
	return r
}

// SandboxClaim is the single-use key of a participant sandbox certificate
// in Result.Claims: "sandbox:<iss>|<jti>".
func SandboxClaim(issuer, id string) string {
	return "sandbox:" + issuer + "|" + id
}

// bindCertificate checks that a participant certificate belongs to the
// applicant, as the operator will: its sub is the application's
// sandbox_participant_code, and its participant_name, when it has one,
// names the applicant (CertifiedName). A solution certificate certifies
// software that many participants rely on, and is not bound.
func bindCertificate(cert *sandbox.Certificate, app *hcxonboard.Application) (Result, bool) {
	if cert.Kind == sandbox.KindSolution {
		return Result{}, true
	}
	code := strings.TrimSpace(app.SandboxParticipantCode)
	switch {
	case code == "":
		return missing("Give sandbox_participant_code: the code your sandbox knew you by, which the sandbox certificate names as its subject (" +
			quote(cert.Subject) + ")"), false
	case code != cert.Subject:
		return invalid("The sandbox certificate was issued to sandbox participant " + quote(cert.Subject) + ", not to " + quote(code) +
			" (sandbox_participant_code): attach your own certificate, or correct sandbox_participant_code"), false
	case cert.ParticipantName != "" && !CertifiedName(app, cert.ParticipantName):
		return invalid("The sandbox certificate was issued to " + quote(cert.ParticipantName) + ", not to " + quote(app.ParticipantName) +
			" (participant_name): apply under the name your sandbox certified, or ask it for a certificate in your registered name"), false
	}
	return Result{}, true
}

// appliedRoles returns the roles to check the certificate against, or why
// there are none usable. Roles that are not HCX roles only come from
// applications built in code (decoding rejects them).
func appliedRoles(roles []hcxonboard.Role) ([]hcxonboard.Role, string) {
	if len(roles) == 0 {
		return nil, "The application names no role: list the roles you apply for in roles (such as provider.hospital), as certified by your sandbox certificate"
	}
	for _, r := range roles {
		if !r.Valid() {
			return nil, "Role " + quote(string(r)) + " is not an HCX role: use the roles of the HCX specification (such as provider.hospital, payer, agency.tpa, bsp)"
		}
	}
	return roles, ""
}

// roleList names roles for a message: each once, as listed, and at most
// maxListedRoles of them (more are only values no HCX role has, from an
// application built in code), the number of the others after.
func roleList(roles []hcxonboard.Role) string {
	var s []string
	more := 0
	for _, r := range roles {
		switch q := shown(string(r)); {
		case slices.Contains(s, q):
		case len(s) < maxListedRoles:
			s = append(s, q)
		default:
			more++
		}
	}
	switch {
	case len(s) == 0:
		return "no roles"
	case len(s) == 1:
		return "role " + s[0]
	case more > 0:
		return "roles " + strings.Join(s, ", ") + " and " + strconv.Itoa(more) + " more"
	}
	return "roles " + strings.Join(s, ", ")
}

// maxListedRoles is how many roles roleList names: every HCX role.
const maxListedRoles = 14

// SandboxErrorResult is the sandbox_certificate result of an error from
// a sandbox verifier (onboarding/sandbox): what is wrong and what to do
// about it. A revocation or key service that could not be reached, or a
// check that timed out, says nothing about the certificate, so those are
// Pending with TaskRetry; everything else is Invalid.
func SandboxErrorResult(err error) Result {
	detail := strings.TrimPrefix(cause(err), "sandbox: ")
	var advice string
	switch {
	case errors.Is(err, sandbox.ErrRevocationUnavailable), errors.Is(err, sandbox.ErrKeysUnavailable):
		return pending(TaskRetry, "The sandbox certificate could not be fully checked ("+detail+"); the check runs again later")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return pending(TaskRetry, "The sandbox certificate check timed out; it runs again later")
	case errors.Is(err, sandbox.ErrExpired):
		advice = "ask your sandbox operator for a new certificate"
	case errors.Is(err, sandbox.ErrNotYetValid):
		advice = "wait until it is valid, or ask your sandbox operator why it starts in the future"
	case errors.Is(err, sandbox.ErrRoleNotCovered):
		advice = "apply only for the roles your certificate lists, or get certified for the others in the sandbox"
	case errors.Is(err, sandbox.ErrIssuerNotAllowed):
		advice = "this HCX does not accept that sandbox operator's certification for the role; get certified by an accepted sandbox"
	case errors.Is(err, sandbox.ErrUntrustedIssuer):
		advice = "this HCX does not accept certificates from that sandbox operator; get certified by an accepted sandbox"
	case errors.Is(err, sandbox.ErrRevoked):
		advice = "the sandbox operator withdrew it; contact them"
	default: // ErrMalformed, ErrType, ErrAlgorithm, ErrSignature and anything unforeseen
		advice = "paste the certificate exactly as your sandbox operator issued it, or ask them for a new one"
	}
	return invalid("Sandbox certificate rejected: " + detail + " — " + advice)
}
