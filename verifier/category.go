package verifier

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Category is a row of the verification table: who the applicant is, which
// decides what it must show. The guideline's eleven rows are built in;
// an operator adds its own with [WithPolicy] and places applications in
// them with a [Resolver].
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

// categories lists every built-in category in report order.
var categories = [...]Category{
	CategoryPayer, CategoryStateScheme, CategoryCorporateSponsor, CategoryTPA, CategoryISNP,
	CategoryABDMProvider, CategoryABDMPractitioner, CategoryRohiniProvider, CategoryEmpanelledProvider,
	CategoryRegulator, CategoryBSP,
}

// Categories lists the built-in categories, in the order reports list
// them. A Checker's own list, operator categories included, is in
// [Checker.Policies].
func Categories() []Category { return append([]Category(nil), categories[:]...) }

// Valid reports whether c is one of the built-in categories. An operator
// category is valid where a Checker has a policy for it.
func (c Category) Valid() bool { return c.index() >= 0 }

func (c Category) index() int {
	for i, x := range categories {
		if x == c {
			return i
		}
	}
	return -1
}

// MaxCategoryName is the longest category name WithPolicy accepts.
const MaxCategoryName = 64

// categoryNameProblem says why name cannot name a category, or "": a
// category is a lower-case word that goes into reports, URLs and file
// names — a letter, then letters, digits, '_', '-' or '.'.
func categoryNameProblem(name Category) string {
	s := string(name)
	switch {
	case s == "":
		return "a category needs a name"
	case len(s) > MaxCategoryName:
		return fmt.Sprintf("category %q has %d characters; at most %d", shown(s), len(s), MaxCategoryName)
	case s[0] < 'a' || s[0] > 'z':
		return fmt.Sprintf("category %q must start with a lower-case letter", shown(s))
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Sprintf("category %q contains %s; use lower-case letters, digits, '_', '-' or '.'", shown(s), quoteRuneAt(s, i))
		}
	}
	return ""
}

// Errors from the resolvers; match them with errors.Is.
var (
	// ErrNoRoles: the application names no role.
	ErrNoRoles = errors.New("verifier: application names no role")
	// ErrSponsorKind: an agency.sponsor without a known sponsor_kind.
	ErrSponsorKind = errors.New("verifier: agency.sponsor needs sponsor_kind")
	// ErrNilApplication: a nil *hcxonboard.Application was passed.
	ErrNilApplication = errors.New("verifier: nil application")
)

// Resolver places an application in categories, from the roles it
// applies for, the identifiers it offers and its sponsor_kind; the
// Checker then runs each category's policy. Resolve must not change app
// and must be safe for concurrent use.
//
// An error says which part of the application could not be placed,
// together with the categories that could. Errors wrapping [ErrNoRoles],
// [hcxonboard.ErrUnknownRole] or [ErrSponsorKind] are reported as
// [Checker.Verify] describes; any other error is shown to the applicant
// and staff in a pending case_review result (task review), so it should
// say what the application lacks, without personal data.
//
// The built-in resolver is [Categorize], as a [ResolverFunc], or
// ByRole([ResolveRole]), the same rule one role at a time: wrap either
// rather than copy it (see [WithResolver]).
type Resolver interface {
	Resolve(app *hcxonboard.Application) ([]Category, error)
}

// ResolverFunc adapts a function to the Resolver interface.
type ResolverFunc func(app *hcxonboard.Application) ([]Category, error)

// Resolve calls f(app).
func (f ResolverFunc) Resolve(app *hcxonboard.Application) ([]Category, error) { return f(app) }

// ByRole is a Resolver that places each role of an application on its own
// (seeing the whole application: identifiers, sponsor_kind, other roles)
// and unites the categories: the shape of the built-in rule, and the
// easiest one to extend. A role listed twice is resolved once; an
// application without roles is an error wrapping [ErrNoRoles]; the errors
// of the roles are joined. A role may fall into no category (nil, nil):
// it then adds no requirement; an application none of whose roles falls
// into one, and that no role verifier checks, goes case by case (see
// [Checker.Verify]).
type ByRole func(role hcxonboard.Role, app *hcxonboard.Application) ([]Category, error)

// Resolve resolves every role of app with f and returns the categories in
// report order: built-in ones in the table's order, then the others in
// the order first given.
func (f ByRole) Resolve(app *hcxonboard.Application) ([]Category, error) {
	if app == nil {
		return nil, ErrNilApplication
	}
	if len(app.Roles) == 0 {
		return []Category{}, ErrNoRoles
	}
	var cats []Category
	var errs []error
	for i, r := range app.Roles {
		if slices.Contains(app.Roles[:i], r) {
			continue
		}
		got, err := f(r, app)
		cats = append(cats, got...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return reportOrder(cats, nil), errors.Join(errs...)
}

// ResolveRole is the built-in rule for one role: a provider role with an
// HFR facility ID is abdm_provider, else with a ROHINI ID rohini_provider,
// else empanelled_provider; provider.practitioner with an HPR ID is
// abdm_practitioner instead; payer, agency.tpa, member.isnp and bsp have
// their own rows; agency.sponsor is state_scheme or corporate_sponsor by
// sponsor_kind (an error wrapping [ErrSponsorKind] when it is neither);
// agency.regulator, and research and HIE/HIO.HCX, which the guideline does
// not name, are regulator (case by case). Any other value is an error
// wrapping [hcxonboard.ErrUnknownRole].
//
// NHCX's numeric role codes arrive here as the roles they stand for (see
// [hcxonboard.ParseRole]); the package documentation has the table.
func ResolveRole(role hcxonboard.Role, app *hcxonboard.Application) ([]Category, error) {
	if app == nil {
		return nil, ErrNilApplication
	}
	c, err := resolveRole(role, app)
	if c == "" {
		return nil, err
	}
	return []Category{c}, err
}

func resolveRole(r hcxonboard.Role, app *hcxonboard.Application) (Category, error) {
	if c, err := hcxonboard.ParseRole(string(r)); err == nil {
		r = c // an application built in code may carry "payor" or an NHCX code
	}
	ids := &app.Identifiers
	switch {
	case r == hcxonboard.RolePractitioner && present(ids.HPRID):
		return CategoryABDMPractitioner, nil
	case r.IsProvider() && r.Valid():
		switch {
		case present(ids.HFRID):
			return CategoryABDMProvider, nil
		case present(ids.RohiniID):
			return CategoryRohiniProvider, nil
		}
		return CategoryEmpanelledProvider, nil
	case r == hcxonboard.RolePayer:
		return CategoryPayer, nil
	case r == hcxonboard.RoleTPA:
		return CategoryTPA, nil
	case r == hcxonboard.RoleISNP:
		return CategoryISNP, nil
	case r == hcxonboard.RoleRegulator || r == hcxonboard.RoleResearch || r == hcxonboard.RoleHCX:
		return CategoryRegulator, nil
	case r == hcxonboard.RoleBSP:
		return CategoryBSP, nil
	case r == hcxonboard.RoleSponsor:
		switch kind := strings.ToLower(strings.TrimSpace(app.SponsorKind)); kind {
		case hcxonboard.SponsorStateScheme:
			return CategoryStateScheme, nil
		case hcxonboard.SponsorCorporate:
			return CategoryCorporateSponsor, nil
		case "":
			return "", fmt.Errorf("%w: set sponsor_kind to %q or %q", ErrSponsorKind,
				hcxonboard.SponsorStateScheme, hcxonboard.SponsorCorporate)
		default:
			return "", fmt.Errorf("%w: sponsor_kind %q is neither %q nor %q", ErrSponsorKind,
				shown(app.SponsorKind), hcxonboard.SponsorStateScheme, hcxonboard.SponsorCorporate)
		}
	}
	return "", fmt.Errorf("%w: %q", hcxonboard.ErrUnknownRole, shown(string(r)))
}

func present(s string) bool { return strings.TrimSpace(s) != "" }

// Categorize is the built-in resolver: it returns the categories an
// application falls into under [ResolveRole], in report order; an
// application whose roles span several categories gets them all.
//
// When some role cannot be placed — no roles at all, a value that is not an
// HCX role (possible only for applications built in code: decoding rejects
// unknown roles), or an agency.sponsor whose sponsor_kind is missing or
// unknown — Categorize returns the categories it could resolve together
// with an error wrapping [ErrNoRoles], [hcxonboard.ErrUnknownRole] or
// [ErrSponsorKind]. [Checker.Verify] does not fail on these: it reports them
// as results a person can act on (see [Checker.Verify]).
func Categorize(app *hcxonboard.Application) ([]Category, error) {
	return ByRole(ResolveRole).Resolve(app)
}

// reportOrder returns cats without repeats: built-in categories in the
// table's order, then those in extra's order (a Checker's operator
// categories), then the rest in the order given.
func reportOrder(cats []Category, extra []Category) []Category {
	out := make([]Category, 0, len(cats))
	for _, c := range categories {
		if slices.Contains(cats, c) {
			out = append(out, c)
		}
	}
	for _, c := range extra {
		if slices.Contains(cats, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, c := range cats {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
