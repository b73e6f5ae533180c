package verifier

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Category is a row of the guideline's verification table: who the
// applicant is, which decides what it must show.
type Category string

// The categories of the guideline's table.
const (
	CategoryPayer              Category = "payer"               // insurers (payer)
	CategoryStateScheme        Category = "state_scheme"        // agency.sponsor with sponsor_kind state_scheme
	CategoryCorporateSponsor   Category = "corporate_sponsor"   // agency.sponsor with sponsor_kind corporate
	CategoryTPA                Category = "tpa"                 // agency.tpa
	CategoryISNP               Category = "isnp"                // member.isnp and other user intermediaries
	CategoryABDMProvider       Category = "abdm_provider"       // a provider with an HFR facility id
	CategoryABDMPractitioner   Category = "abdm_practitioner"   // provider.practitioner with an HPR id
	CategoryRohiniProvider     Category = "rohini_provider"     // a provider outside HFR with a ROHINI id
	CategoryEmpanelledProvider Category = "empanelled_provider" // a provider in neither HFR nor ROHINI
	CategoryRegulator          Category = "regulator"           // agency.regulator; also research and HIE/HIO.HCX
	CategoryBSP                Category = "bsp"                 // beneficiary service platforms
)

// categories lists every category in report order; a category's index is
// its bit in a catSet.
var categories = [...]Category{
	CategoryPayer, CategoryStateScheme, CategoryCorporateSponsor, CategoryTPA, CategoryISNP,
	CategoryABDMProvider, CategoryABDMPractitioner, CategoryRohiniProvider, CategoryEmpanelledProvider,
	CategoryRegulator, CategoryBSP,
}

// Categories lists every category, in the order reports list them.
func Categories() []Category { return append([]Category(nil), categories[:]...) }

// Valid reports whether c is one of the built-in categories.
func (c Category) Valid() bool { return c.index() >= 0 }

func (c Category) index() int {
	for i, x := range categories {
		if x == c {
			return i
		}
	}
	return -1
}

// catSet is a set of categories as bits, so that resolving an application
// allocates nothing.
type catSet uint16

func (s catSet) has(c Category) bool { return s&(1<<c.index()) != 0 }
func (s *catSet) add(c Category)     { *s |= 1 << c.index() }

func (s catSet) list() []Category {
	if s == 0 {
		return []Category{}
	}
	out := make([]Category, 0, 2)
	for i, c := range categories {
		if s&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// Errors from Categorize; match them with errors.Is.
var (
	// ErrNoRoles: the application names no role.
	ErrNoRoles = errors.New("verifier: application names no role")
	// ErrSponsorKind: an agency.sponsor without a known sponsor_kind.
	ErrSponsorKind = errors.New("verifier: agency.sponsor needs sponsor_kind")
	// ErrNilApplication: a nil *hcxonboard.Application was passed.
	ErrNilApplication = errors.New("verifier: nil application")
)

// resolution is what category resolution found out about an application.
type resolution struct {
	cats     catSet
	noRoles  bool
	badRoles []hcxonboard.Role // roles that are not HCX roles (only possible from code, not JSON)
	// sponsorKind is set when an agency.sponsor has no usable sponsor_kind:
	// Missing when it is empty, Invalid when it is an unknown word.
	sponsorKind Outcome
}

// resolve maps roles and identifiers onto categories, as the architecture
// defines: a provider role with an HFR id is abdm_provider, else with a
// ROHINI id rohini_provider, else empanelled_provider; provider.practitioner
// with an HPR id is abdm_practitioner instead. research and HIE/HIO.HCX,
// which the guideline does not name, go case by case like regulators.
func resolve(app *hcxonboard.Application) resolution {
	var res resolution
	if len(app.Roles) == 0 {
		res.noRoles = true
		return res
	}
	ids := &app.Identifiers
	for _, r := range app.Roles {
		switch {
		case r == hcxonboard.RolePractitioner && present(ids.HPRID):
			res.cats.add(CategoryABDMPractitioner)
		case r.IsProvider() && r.Valid():
			switch {
			case present(ids.HFRID):
				res.cats.add(CategoryABDMProvider)
			case present(ids.RohiniID):
				res.cats.add(CategoryRohiniProvider)
			default:
				res.cats.add(CategoryEmpanelledProvider)
			}
		case r == hcxonboard.RolePayer:
			res.cats.add(CategoryPayer)
		case r == hcxonboard.RoleTPA:
			res.cats.add(CategoryTPA)
		case r == hcxonboard.RoleISNP:
			res.cats.add(CategoryISNP)
		case r == hcxonboard.RoleRegulator || r == hcxonboard.RoleResearch || r == hcxonboard.RoleHCX:
			res.cats.add(CategoryRegulator)
		case r == hcxonboard.RoleBSP:
			res.cats.add(CategoryBSP)
		case r == hcxonboard.RoleSponsor:
			switch strings.ToLower(strings.TrimSpace(app.SponsorKind)) {
			case hcxonboard.SponsorStateScheme:
				res.cats.add(CategoryStateScheme)
			case hcxonboard.SponsorCorporate:
				res.cats.add(CategoryCorporateSponsor)
			case "":
				res.sponsorKind = Missing
			default:
				res.sponsorKind = Invalid
			}
		default:
			res.badRoles = append(res.badRoles, r)
		}
	}
	return res
}

func present(s string) bool { return strings.TrimSpace(s) != "" }

// Categorize returns the categories an application falls into, in report
// order; an application whose roles span several categories gets them all.
//
// When some role cannot be placed — no roles at all, a value that is not an
// HCX role (possible only for applications built in code: decoding rejects
// unknown roles), or an agency.sponsor whose sponsor_kind is missing or
// unknown — Categorize returns the categories it could resolve together
// with an error wrapping [ErrNoRoles], [hcxonboard.ErrUnknownRole] or
// [ErrSponsorKind]. [Checker.Verify] does not fail on these: it reports them
// as results a person can act on (see [Checker.Verify]).
func Categorize(app *hcxonboard.Application) ([]Category, error) {
	if app == nil {
		return nil, ErrNilApplication
	}
	res := resolve(app)
	return res.cats.list(), res.err(app)
}

func (res *resolution) err(app *hcxonboard.Application) error {
	var errs []error
	if res.noRoles {
		errs = append(errs, ErrNoRoles)
	}
	for _, r := range res.badRoles {
		errs = append(errs, fmt.Errorf("%w: %q", hcxonboard.ErrUnknownRole, shown(string(r))))
	}
	switch res.sponsorKind {
	case Missing:
		errs = append(errs, fmt.Errorf("%w: set sponsor_kind to %q or %q", ErrSponsorKind,
			hcxonboard.SponsorStateScheme, hcxonboard.SponsorCorporate))
	case Invalid:
		errs = append(errs, fmt.Errorf("%w: sponsor_kind %q is neither %q nor %q", ErrSponsorKind,
			shown(app.SponsorKind), hcxonboard.SponsorStateScheme, hcxonboard.SponsorCorporate))
	}
	return errors.Join(errs...)
}
