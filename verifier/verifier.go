package verifier

import (
	"context"
	"crypto"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/rohini"
)

// Verifier verifies an application against the onboarding rules. Verify
// must not change app and must be safe for concurrent use. It returns an
// error only when it cannot produce a report (a nil application, a
// cancelled context); everything about the application is in the Report.
type Verifier interface {
	Verify(ctx context.Context, app *hcxonboard.Application) (*Report, error)
}

// VerifierFunc adapts a function to the Verifier interface.
type VerifierFunc func(ctx context.Context, app *hcxonboard.Application) (*Report, error)

// Verify calls f(ctx, app).
func (f VerifierFunc) Verify(ctx context.Context, app *hcxonboard.Application) (*Report, error) {
	return f(ctx, app)
}

// FacilityRegistry looks HFR facilities up; *hfr.Client satisfies it.
// Errors wrapping hfr.ErrNotFound mean the facility does not exist; any
// other error is an outage.
type FacilityRegistry interface {
	Facility(ctx context.Context, id string) (hfr.Facility, error)
}

// ProfessionalRegistry looks HPR professionals up; *hfr.Client satisfies
// it. Errors wrapping hfr.ErrNotFound mean the professional does not exist;
// any other error is an outage.
type ProfessionalRegistry interface {
	Professional(ctx context.Context, hprID string) (hfr.Professional, error)
}

// ProfessionalAuth runs HPR's own authentication of a professional, the
// proof behind task hpr_auth that the applicant is the holder of an HPR ID;
// *hfr.Client satisfies it. StartHPRAuth has HPR send a one-time password
// by method (hfr.HPRAadhaarOTP or hfr.HPRMobileOTP, as the professional's
// HPR profile offers); ConfirmHPRAuth gives HPR the code and returns the
// professional HPR authenticated, which ConfirmProfessional then compares
// with the application. Errors wrapping hfr.ErrOTPRejected mean a wrong,
// expired or used code; hfr.ErrNotFound an unknown HPR ID;
// hfr.ErrAuthMethodUnavailable a method HPR does not offer; any other
// error is an outage. The Checker does not call it: the onboarding
// workflow does, with the applicant.
type ProfessionalAuth interface {
	StartHPRAuth(ctx context.Context, hprID string, method hfr.HPRAuthMethod) (hfr.HPRAuthTransaction, error)
	ConfirmHPRAuth(ctx context.Context, txn hfr.HPRAuthTransaction, otp string) (hfr.Professional, error)
}

// RohiniLookup looks ROHINI hospitals up; every rohini.Lookup satisfies it.
// Errors wrapping rohini.ErrNotFound mean the hospital is unknown,
// rohini.ErrManualReview that a ROHINI administrator must confirm it; any
// other error is an outage.
type RohiniLookup interface {
	Hospital(ctx context.Context, id string) (rohini.Hospital, error)
}

// PayerDirectory gives the signing key a payer registered with the HCX
// operator, by the payer's participant code, to check a signed empanelment
// proof (see [EmpanelmentProofType]). An error wrapping [ErrUnknownPayer]
// means no such payer; any other error is an outage.
type PayerDirectory interface {
	SigningKey(ctx context.Context, payerCode string) (crypto.PublicKey, error)
}

var (
	_ Verifier             = (*Checker)(nil)
	_ Verifier             = VerifierFunc(nil)
	_ FacilityRegistry     = (*hfr.Client)(nil)
	_ ProfessionalRegistry = (*hfr.Client)(nil)
	_ ProfessionalAuth     = (*hfr.Client)(nil)
	_ RohiniLookup         = rohini.Lookup(nil)
	_ RohiniLookup         = (*rohini.Directory)(nil)
	_ RohiniLookup         = (*rohini.HTTPLookup)(nil)
	_ RohiniLookup         = rohini.Manual{}
	_ PayerDirectory       = StaticPayerDirectory(nil)
)
