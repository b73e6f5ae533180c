package verifier_test

import (
	"context"
	"crypto"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// Small in-test fakes of the consumer-side interfaces: each is a function,
// so a test states the registry's answer where it uses it.

type hfrFacility = hfr.Facility

type facilityFunc func(ctx context.Context, id string) (hfr.Facility, error)

func (f facilityFunc) Facility(ctx context.Context, id string) (hfr.Facility, error) {
	return f(ctx, id)
}

type professionalFunc func(ctx context.Context, hprID string) (hfr.Professional, error)

func (f professionalFunc) Professional(ctx context.Context, hprID string) (hfr.Professional, error) {
	return f(ctx, hprID)
}

type rohiniFunc func(ctx context.Context, id string) (rohini.Hospital, error)

func (f rohiniFunc) Hospital(ctx context.Context, id string) (rohini.Hospital, error) {
	return f(ctx, id)
}

type payerFunc func(ctx context.Context, payerCode string) (crypto.PublicKey, error)

func (f payerFunc) SigningKey(ctx context.Context, payerCode string) (crypto.PublicKey, error) {
	return f(ctx, payerCode)
}

var (
	_ verifier.FacilityRegistry     = facilityFunc(nil)
	_ verifier.ProfessionalRegistry = professionalFunc(nil)
	_ verifier.RohiniLookup         = rohiniFunc(nil)
	_ verifier.PayerDirectory       = payerFunc(nil)
)
