package verifier

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/panics"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
)

// DefaultLookupTimeout bounds each registry call a check makes, unless
// WithLookupTimeout says otherwise. A call that runs out of time leaves its
// requirement pending with task "retry".
const DefaultLookupTimeout = 15 * time.Second

// Checker is the built-in Verifier: it resolves an application's
// categories, runs each category's policy and the verifiers of its roles,
// and merges the results. Build it with New; it is immutable and safe for
// concurrent use.
type Checker struct {
	policies      map[Category]Policy
	extra         []Category // operator categories, in the order WithPolicy added them
	resolver      Resolver
	roles         []roleVerifier // in the order of hcxonboard.Roles
	sandbox       *sandbox.Verifier
	facilities    FacilityRegistry
	professionals ProfessionalRegistry
	rohini        RohiniLookup
	payers        PayerDirectory
	now           func() time.Time
	lookupTimeout time.Duration
	rules         *rules
	log           *slog.Logger
}

// Option configures a Checker. Options validate their arguments: bad
// wiring is an error from New, never a surprise at Verify.
type Option func(*Checker) error

// WithSandboxVerifier checks sandbox certificates with v, typically built
// with sandbox.WithTrustList. Default (and with nil): a verifier without a
// trust list, on the Checker's clock — structure, time window and roles are
// checked, the signature is not, and sandbox_certificate is at best pending.
func WithSandboxVerifier(v *sandbox.Verifier) Option {
	return func(c *Checker) error {
		c.sandbox = v
		return nil
	}
}

// WithFacilityRegistry looks HFR facility IDs up (hfr_lookup) in r, such
// as an *hfr.Client. Default: none, and hfr_lookup is pending review.
func WithFacilityRegistry(r FacilityRegistry) Option {
	return func(c *Checker) error {
		if isNil(r) {
			return errors.New("verifier: WithFacilityRegistry: nil registry")
		}
		c.facilities = r
		return nil
	}
}

// WithProfessionalRegistry checks HPR IDs (hpr_check) in r, such as an
// *hfr.Client. Default: none, and hpr_check is pending review.
func WithProfessionalRegistry(r ProfessionalRegistry) Option {
	return func(c *Checker) error {
		if isNil(r) {
			return errors.New("verifier: WithProfessionalRegistry: nil registry")
		}
		c.professionals = r
		return nil
	}
}

// WithRohiniLookup checks ROHINI IDs (rohini_verification) with l, any
// rohini.Lookup. Default: none, and rohini_verification is pending review
// by a ROHINI administrator.
func WithRohiniLookup(l RohiniLookup) Option {
	return func(c *Checker) error {
		if isNil(l) {
			return errors.New("verifier: WithRohiniLookup: nil look-up")
		}
		c.rohini = l
		return nil
	}
}

// WithPayerDirectory checks signed empanelment proofs (payer_approval)
// against the keys payers registered, from d. Default: none, and a signed
// proof leaves payer_approval pending approval.
func WithPayerDirectory(d PayerDirectory) Option {
	return func(c *Checker) error {
		if isNil(d) {
			return errors.New("verifier: WithPayerDirectory: nil directory")
		}
		c.payers = d
		return nil
	}
}

// WithHFRStatuses sets the HFR facility statuses hfr_lookup accepts as a
// facility HFR has verified, compared without regard to case. Default:
// DefaultHFRStatuses (Approved, Verified, Active). A status may not also be
// one of the pipeline statuses (WithHFRPipelineStatuses).
func WithHFRStatuses(statuses ...string) Option {
	return func(c *Checker) error {
		set, err := statusesOption("WithHFRStatuses", statuses)
		if err != nil {
			return err
		}
		c.rules.hfrVerified = set
		return nil
	}
}

// WithHFRPipelineStatuses sets the HFR statuses of a facility still in
// HFR's own registration process, for which hfr_lookup waits (task
// await_registry), compared without regard to case. Default:
// DefaultHFRPipelineStatuses (Draft, Submitted, Created, Saved).
func WithHFRPipelineStatuses(statuses ...string) Option {
	return func(c *Checker) error {
		set, err := statusesOption("WithHFRPipelineStatuses", statuses)
		if err != nil {
			return err
		}
		c.rules.hfrPipeline = set
		return nil
	}
}

// WithFacilityTypes replaces, for each provider role in types, the HFR
// facility types that fit it (see DefaultFacilityTypes for the default
// table and how a type is matched); roles not in types keep their
// default. An empty list accepts every type. Every key must be a provider
// role and every word must have a letter or digit.
func WithFacilityTypes(types map[hcxonboard.Role][]string) Option {
	return func(c *Checker) error {
		if len(types) == 0 {
			return errors.New("verifier: WithFacilityTypes: no roles")
		}
		for role, words := range types {
			if !role.Valid() || !role.IsProvider() {
				return fmt.Errorf("verifier: WithFacilityTypes: %q is not a provider role", shown(string(role)))
			}
			tw := typeWords(words)
			if len(tw) != len(words) {
				return fmt.Errorf("verifier: WithFacilityTypes %s: a facility type word without letters or digits", role)
			}
			c.rules.facilityTypes[role] = tw
		}
		return nil
	}
}

// WithHPRAPIOnly settles hpr_check from the HPR look-up alone — the
// guideline's "API check" — when every field compared matches, without
// the professional authenticating through HPR. Default off: a professional
// found in HPR leaves hpr_check pending with task hpr_auth until HPR has
// authenticated them (see TaskHPRAuth and ConfirmProfessional).
func WithHPRAPIOnly(on bool) Option {
	return func(c *Checker) error {
		c.rules.hprAPIOnly = on
		return nil
	}
}

// WithLogger sets where the Checker reports a check, resolver or role
// verifier that panicked — a bug in an operator's code or in a registry
// client it wired — with the stack but never the panic's value, which may
// hold the application's personal data. Default: slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *Checker) error {
		if l == nil {
			return errors.New("verifier: WithLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// WithClock sets the clock deciding expiry (licences, proofs, and sandbox
// certificates when the default sandbox verifier is used). Default:
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *Checker) error {
		if now == nil {
			return errors.New("verifier: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLookupTimeout bounds each registry call; default
// DefaultLookupTimeout. It must be positive.
func WithLookupTimeout(d time.Duration) Option {
	return func(c *Checker) error {
		if d <= 0 {
			return fmt.Errorf("verifier: WithLookupTimeout: %v is not positive", d)
		}
		c.lookupTimeout = d
		return nil
	}
}

// WithPolicy sets the policy of p.Category. For a built-in category it
// replaces the guideline's row: start from DefaultPolicies()[c] and use
// Policy.With / Policy.Without to extend or trim it. Any other category is
// the operator's own — a lower-case name of letters, digits, '_', '-' and
// '.', starting with a letter — and applies to the applications a
// [Resolver] places in it (see [WithResolver]); reports list it after the
// built-in ones, in the order WithPolicy added it. Every requirement needs
// a Check and an ID not used twice in the policy, written as a policy file
// writes it: lower-case letters, digits, '_', '-' and '.', at most
// [MaxRequirementID] bytes; a document kind it names (Document) is
// lower-case letters, digits and '_', at most [MaxDocumentKind] bytes.
// Default: the policies of DefaultPolicies.
func WithPolicy(p Policy) Option {
	return func(c *Checker) error {
		if problem := categoryNameProblem(p.Category); problem != "" {
			return fmt.Errorf("verifier: WithPolicy: %s", problem)
		}
		if len(p.Requirements) == 0 {
			return fmt.Errorf("verifier: WithPolicy %s: no requirements", p.Category)
		}
		seen := make(map[RequirementID]bool, len(p.Requirements))
		for i, r := range p.Requirements {
			switch {
			case r.ID == "":
				return fmt.Errorf("verifier: WithPolicy %s: requirement %d has no ID", p.Category, i)
			case requirementIDProblem(r.ID) != "":
				return fmt.Errorf("verifier: WithPolicy %s: %s", p.Category, requirementIDProblem(r.ID))
			case r.Check == nil:
				return fmt.Errorf("verifier: WithPolicy %s: requirement %s has no Check", p.Category, r.ID)
			case r.Document != "" && documentKindProblem(r.Document) != "":
				return fmt.Errorf("verifier: WithPolicy %s: requirement %s: document kind %q: %s",
					p.Category, r.ID, shown(r.Document), documentKindProblem(r.Document))
			case seen[r.ID]:
				return fmt.Errorf("verifier: WithPolicy %s: requirement %s listed twice", p.Category, r.ID)
			}
			seen[r.ID] = true
		}
		p.Requirements = append([]Requirement(nil), p.Requirements...)
		if !p.Category.Valid() && !slices.Contains(c.extra, p.Category) {
			c.extra = append(c.extra, p.Category)
		}
		c.policies[p.Category] = p
		return nil
	}
}

// WithResolver places applications in categories with r instead of the
// built-in [Categorize]. Wrap the built-in rule rather than copy it: a
// [ByRole] that answers for the roles it cares about and hands every other
// role to [ResolveRole], or a [ResolverFunc] that calls Categorize. A
// category r returns without a policy in the Checker, or no category at
// all (for roles no [WithRoleVerifier] checks), leaves case_review
// pending (task review): staff judge the application case by case.
func WithResolver(r Resolver) Option {
	return func(c *Checker) error {
		if isNil(r) {
			return errors.New("verifier: WithResolver: nil resolver")
		}
		c.resolver = r
		return nil
	}
}

// roleVerifier is a Verifier an operator plugged in for one role.
type roleVerifier struct {
	role hcxonboard.Role
	v    Verifier
}

// WithRoleVerifier runs v for every application that applies for role —
// for provider, for any of its sub-roles too (Role.Covers) — after the
// policies of the application's categories, for operators who would rather
// write code than policy data. v sees the same context (Offline included)
// and the same application; its results join the report by requirement
// ID: a new ID is added after the policies' results, and an ID a policy
// also decided keeps the worse outcome (invalid > missing > pending >
// satisfied), so a role verifier can make a requirement stricter but never
// looser. Its categories are added to the report's. Every result needs an
// ID, which must be as stable as the built-in ones: tools and the
// onboarding engine match on it, and the engine opens a task for each
// pending one by its task kind (review, or none given: a person
// decides). An error from v fails the verification; a result without an
// ID, or with one a policy file could not hold (see [WithPolicy]), is
// such an error. One verifier per role; role may be spelt as
// [hcxonboard.ParseRole] reads it ("payor", NHCX's "10002"), and anything
// else is an error wrapping [hcxonboard.ErrUnknownRole].
func WithRoleVerifier(role hcxonboard.Role, v Verifier) Option {
	return func(c *Checker) error {
		canon, err := canonicalRole(role)
		if err != nil {
			return fmt.Errorf("verifier: WithRoleVerifier: %w", err)
		}
		role = canon
		if isNil(v) {
			return fmt.Errorf("verifier: WithRoleVerifier %s: nil verifier", role)
		}
		for _, rv := range c.roles {
			if rv.role == role {
				return fmt.Errorf("verifier: WithRoleVerifier %s: the role already has a verifier; combine them in one", role)
			}
		}
		c.roles = append(c.roles, roleVerifier{role: role, v: v})
		all := hcxonboard.Roles()
		slices.SortStableFunc(c.roles, func(a, b roleVerifier) int {
			return slices.Index(all, a.role) - slices.Index(all, b.role)
		})
		return nil
	}
}

// canonicalRole returns the HCX role r stands for in any spelling
// hcxonboard.ParseRole reads, or an error wrapping
// hcxonboard.ErrUnknownRole that names r.
func canonicalRole(r hcxonboard.Role) (hcxonboard.Role, error) {
	c, err := hcxonboard.ParseRole(string(r))
	if err != nil {
		return "", unknownRoleError(shown(string(r)))
	}
	return c, nil
}

// unknownRoleError is a role that is no HCX role, in an operator's
// wiring; it wraps hcxonboard.ErrUnknownRole.
type unknownRoleError string

func (e unknownRoleError) Error() string {
	return fmt.Sprintf("%q is not an HCX role (such as provider.hospital, payer, agency.tpa, bsp, or an NHCX code 10001–10009)", string(e))
}

func (e unknownRoleError) Unwrap() error { return hcxonboard.ErrUnknownRole }

// isNil reports whether v is nil or a typed nil pointer (or map, func …)
// inside an interface: wiring a nil *hfr.Client would otherwise pass a
// plain nil check and panic later.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Slice, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// New returns a Checker with the built-in policies (DefaultPolicies) and
// the given options. Without registries every online requirement is
// pending; see the options for what each one turns on.
func New(opts ...Option) (*Checker, error) {
	c := &Checker{
		policies:      DefaultPolicies(),
		resolver:      ResolverFunc(Categorize),
		now:           time.Now,
		lookupTimeout: DefaultLookupTimeout,
		rules:         builtinRules.clone(),
		log:           slog.Default(),
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("verifier: New: nil option")
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if err := c.rules.check(); err != nil {
		return nil, err
	}
	for _, k := range DocumentKinds(c.Policies()...) {
		if !slices.Contains(knownKinds[:], k) {
			c.rules.documentKinds = append(c.rules.documentKinds, k)
		}
	}
	if c.sandbox == nil {
		v, err := sandbox.NewVerifier(sandbox.WithClock(c.now))
		if err != nil {
			return nil, fmt.Errorf("verifier: default sandbox verifier: %w", err)
		}
		c.sandbox = v
	}
	return c, nil
}

// Policy returns the policy the Checker applies to category c.
func (c *Checker) Policy(cat Category) (Policy, bool) {
	p, ok := c.policies[cat]
	if ok {
		p.Requirements = append([]Requirement(nil), p.Requirements...)
	}
	return p, ok
}

// Policies returns every policy the Checker applies, in report order: the
// built-in categories, then the operator's in the order WithPolicy added
// them. Tools list what each category must show from it.
func (c *Checker) Policies() []Policy {
	out := make([]Policy, 0, len(c.policies))
	for _, cat := range append(Categories(), c.extra...) {
		if p, ok := c.Policy(cat); ok {
			out = append(out, p)
		}
	}
	return out
}

// Verify checks app against the policy of every category it falls into
// (see [Resolver]; by default [Categorize]) and then with the verifiers of
// its roles ([WithRoleVerifier]), and merges the results by requirement
// ID, the worse outcome winning (invalid > missing > pending > satisfied).
// It never changes app: roles spelled as [hcxonboard.ParseRole] reads them
// ("payor", the NHCX codes), which an application built in code may carry,
// are checked as the HCX roles they stand for.
//
// It returns an error only for a nil application or context, when a role
// verifier fails, or when ctx ends before the report is complete. Problems
// with the application itself are results:
//   - no roles, a value that is not an HCX role, or a role the resolver
//     refuses (an error wrapping [ErrNoRoles] or
//     [hcxonboard.ErrUnknownRole]): sandbox_certificate is invalid (the
//     certificate cannot be matched to the roles applied for), and the
//     requirements every category shares still run;
//   - agency.sponsor without a usable sponsor_kind: the stricter
//     state-scheme list applies and government_approval_letter is missing
//     (no sponsor_kind) or invalid (an unknown word), its message saying to
//     set sponsor_kind; the category is not listed in the report;
//   - any other error of the resolver, no category at all without an
//     error (and no role verifier for its roles), or a category it
//     returns that has no policy: case_review is pending (task review),
//     saying why, and staff judge the application case by case.
//
// Operator code it runs that panics does not take the caller down; the
// panic is logged (WithLogger) with its stack, never its value. A check
// that panics (an operator's, or a built-in one calling a registry client
// that panics) leaves its requirement pending review; a resolver that
// panics is an error of the resolver, as above; a role verifier that
// panics fails the verification, as its error would.
func (c *Checker) Verify(ctx context.Context, app *hcxonboard.Application) (*Report, error) {
	if app == nil {
		return nil, ErrNilApplication
	}
	if ctx == nil {
		return nil, errors.New("verifier: nil context")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if roles := hcxonboard.CanonicalRoles(app.Roles); !slices.Equal(roles, app.Roles) {
		// Built in code with "payor" or an NHCX code: every check, and
		// the operator's resolver, sees the roles decoding would give.
		cp := *app
		cp.Roles = roles
		app = &cp
	}
	resolved, rerr := c.resolve(ctx, app)
	cats := reportOrder(resolved, c.extra)
	sponsorKind, refusedRoles, unplaced := resolverProblems(app, rerr)
	if len(cats) == 0 && rerr == nil && !c.hasRoleVerifier(app.Roles) {
		// A resolver that places the application nowhere, and says
		// nothing, must not leave it with only the requirements every
		// category shares (unless a role verifier checks it in code):
		// that report would read ready.
		unplaced = append(unplaced, "no category takes "+roleList(app.Roles))
	}
	in := &Input{
		App:           app,
		Categories:    cats,
		Now:           c.now(),
		Sandbox:       c.sandbox,
		Facilities:    c.facilities,
		Professionals: c.professionals,
		Rohini:        c.rohini,
		Payers:        c.payers,
		LookupTimeout: c.lookupTimeout,
		rules:         c.rules,
		log:           c.log,
	}
	if IsOffline(ctx) {
		in.Facilities, in.Professionals, in.Rohini = nil, nil, nil
	}
	report := &Report{Categories: cats, Requirements: make([]Result, 0, 12)}
	runs := cats
	if sponsorKind != "" && !slices.Contains(cats, CategoryStateScheme) {
		runs = reportOrder(append(slices.Clip(cats), CategoryStateScheme), c.extra)
	}
	ran := false
	var unknown []Category
	for _, cat := range runs {
		p, ok := c.policies[cat]
		if !ok {
			unknown = append(unknown, cat)
			continue
		}
		var err error
		if report.Requirements, err = run(ctx, in, p.Requirements, report.Requirements); err != nil {
			return nil, err
		}
		if cat == CategoryStateScheme && sponsorKind != "" {
			report.Requirements = sponsorKindResult(app, sponsorKind, report.Requirements)
		}
		ran = true
	}
	if !ran {
		var err error
		if report.Requirements, err = run(ctx, in, common, report.Requirements); err != nil {
			return nil, err
		}
	}
	if len(refusedRoles) > 0 {
		res := invalid("This HCX operator does not take the application for " + roleList(app.Roles) + " (" +
			strings.Join(refusedRoles, "; ") + "): apply for the roles it onboards, as certified by your sandbox certificate")
		res.ID = ReqSandboxCertificate
		roles := make([]string, len(app.Roles))
		for i, r := range app.Roles {
			roles[i] = string(r)
		}
		// The finding tells this refusal from a check of the certificate
		// itself, which an engine that checks certificates replaces.
		res.Findings = []Finding{{Field: FindingRoles, Applicant: strings.Join(roles, ", "), Source: SourceOperator,
			Note: "not onboarded by this HCX operator"}}
		report.Requirements = merge(report.Requirements, res)
	}
	if len(unplaced) > 0 {
		report.Requirements = merge(report.Requirements, caseByCase(
			"This HCX operator could not place the application in a category ("+strings.Join(unplaced, "; ")+")"))
	}
	for _, cat := range unknown {
		report.Requirements = merge(report.Requirements, caseByCase(
			"This HCX operator has no checks for category "+quote(string(cat))))
	}
	if err := c.runRoleVerifiers(ctx, app, report); err != nil {
		return nil, err
	}
	report.Requirements = malformedEmail(app, report.Requirements)
	report.Verdict = VerdictOf(report.Requirements)
	return report, nil
}

// malformedEmail holds a category that does not ask for the registered
// e-mail (registered_email) to the same form when the applicant gives a
// primary_email all the same: the registry publishes it and the operator
// writes to it, so one given must be an address. None given is no
// finding: those categories may leave it out.
func malformedEmail(app *hcxonboard.Application, results []Result) []Result {
	e := strings.TrimSpace(app.PrimaryEmail)
	if e == "" || slices.ContainsFunc(results, func(r Result) bool { return r.ID == ReqRegisteredEmail }) {
		return results
	}
	err := ValidateEmail(e)
	if err == nil {
		return results
	}
	res := invalid("primary_email: " + err.Error() + " — give the organisation's e-mail address, or leave primary_email out")
	res.ID = ReqRegisteredEmail
	return merge(results, res)
}

// caseByCase is the case_review result for an application the operator's
// categories do not cover.
func caseByCase(why string) Result {
	r := pending(TaskReview, why+": it reviews the application case by case and will contact you")
	r.ID = ReqCaseReview
	return r
}

// resolverProblems sorts a resolver's error: a sponsor_kind problem (the
// state-scheme list applies, see sponsorKindResult), role problems, and
// anything else, returned as messages for case_review. The sandbox
// certificate's check reports roles that are missing or not HCX roles;
// a role it accepts but the resolver refuses (an operator's resolver
// that does not onboard it) is returned in refusedRoles, for
// sandbox_certificate to be invalid all the same.
func resolverProblems(app *hcxonboard.Application, err error) (sponsorKind Outcome, refusedRoles, unplaced []string) {
	for _, e := range errorLeaves(err) {
		msg := shownN(strings.Join(strings.Fields(e.Error()), " "), 200)
		switch {
		case errors.Is(e, ErrSponsorKind):
			sponsorKind = Invalid
			if strings.TrimSpace(app.SponsorKind) == "" {
				sponsorKind = Missing
			}
		case errors.Is(e, ErrNoRoles), errors.Is(e, hcxonboard.ErrUnknownRole):
			if _, why := appliedRoles(app.Roles); why == "" {
				refusedRoles = append(refusedRoles, msg)
			}
		default:
			unplaced = append(unplaced, msg)
		}
	}
	return sponsorKind, refusedRoles, unplaced
}

// errorLeaves splits joined errors into their parts.
func errorLeaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, errorLeaves(e)...)
		}
		return out
	}
	return []error{err}
}

// hasRoleVerifier reports whether a role verifier runs for any of roles.
func (c *Checker) hasRoleVerifier(roles []hcxonboard.Role) bool {
	return slices.ContainsFunc(c.roles, func(rv roleVerifier) bool { return slices.ContainsFunc(roles, rv.role.Covers) })
}

// runRoleVerifiers runs the verifiers of the roles app applies for and
// merges their results and categories into report.
func (c *Checker) runRoleVerifiers(ctx context.Context, app *hcxonboard.Application, report *Report) error {
	for _, rv := range c.roles {
		if !slices.ContainsFunc(app.Roles, rv.role.Covers) {
			continue
		}
		rep, err := c.roleVerify(ctx, rv, app)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			return fmt.Errorf("verifier: the verifier of role %s: %w", rv.role, err)
		}
		if rep == nil {
			return fmt.Errorf("verifier: the verifier of role %s returned no report", rv.role)
		}
		for _, res := range rep.Requirements {
			if res.ID == "" {
				return fmt.Errorf("verifier: the verifier of role %s returned a result without an ID (%s)", rv.role, shown(res.Message))
			}
			if problem := requirementIDProblem(res.ID); problem != "" {
				return fmt.Errorf("verifier: the verifier of role %s returned %s", rv.role, problem)
			}
			report.Requirements = merge(report.Requirements, tidy(res.ID, res))
		}
		for _, cat := range rep.Categories {
			if !slices.Contains(report.Categories, cat) {
				report.Categories = append(report.Categories, cat)
			}
		}
	}
	return nil
}

// errPanicked is what a panic in an operator's resolver or role verifier
// becomes: the panic's value, which may hold personal data, is logged
// nowhere but its type.
var errPanicked = errors.New("it panicked (a bug in it; the operator's log has the details)")

// logPanic logs a recovered panic p of what, with its type and the
// stack, never its value.
func logPanic(ctx context.Context, log *slog.Logger, what string, p any) {
	panics.Log(ctx, log, "verifier: "+what+" panicked", p)
}

// resolve runs the resolver, a panic in it becoming its error: the
// application is then judged case by case (case_review).
func (c *Checker) resolve(ctx context.Context, app *hcxonboard.Application) (cats []Category, err error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(ctx, c.log, "the resolver", p)
			cats, err = nil, fmt.Errorf("the resolver failed: %w", errPanicked)
		}
	}()
	return c.resolver.Resolve(app)
}

// roleVerify runs a role verifier, a panic in it becoming its error.
func (c *Checker) roleVerify(ctx context.Context, rv roleVerifier, app *hcxonboard.Application) (rep *Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(ctx, c.log, "the verifier of role "+string(rv.role), p)
			rep, err = nil, errPanicked
		}
	}()
	return rv.v.Verify(ctx, app)
}

// check runs req's check. A check that panics — an operator's, or a
// built-in one calling the operator's registry client — leaves its
// requirement pending staff review rather than taking the caller down:
// nothing was decided, so nothing is satisfied.
func check(ctx context.Context, in *Input, req Requirement) (r Result) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(ctx, in.log, "the check of requirement "+string(req.ID), p)
			r = pending(TaskReview, "This requirement could not be checked (its check failed with an internal error); the HCX operator reviews it")
		}
	}()
	return req.Check(ctx, in)
}

// run decides reqs in order and merges the results into results.
func run(ctx context.Context, in *Input, reqs []Requirement, results []Result) ([]Result, error) {
	for _, req := range reqs {
		r := check(ctx, in, req)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.Document == req.Document {
			r.Document = "" // the requirement names it: the result need not
		}
		results = merge(results, tidy(req.ID, r))
	}
	return results, nil
}

// tidy gives r the ID id, drops a task from a result that is not pending,
// gives a pending one without a task TaskReview (a person decides, as the
// onboarding engine does for it), and turns an unknown outcome into
// invalid: a broken check never makes a report look better than it is.
func tidy(id RequirementID, r Result) Result {
	r.ID = id
	switch {
	case r.Outcome != Pending:
		r.Task = ""
	case r.Task == "":
		r.Task = TaskReview
	}
	if !r.Outcome.Valid() {
		r = invalid(fmt.Sprintf("Check %s returned the unknown outcome %q; the operator must fix the check (%s)",
			id, shown(string(r.Outcome)), shown(r.Message)))
		r.ID = id
	}
	return r
}

// sponsorKindResult reports an agency.sponsor without a usable
// sponsor_kind under government_approval_letter, the requirement that
// tells the two kinds of sponsor apart.
func sponsorKindResult(app *hcxonboard.Application, o Outcome, results []Result) []Result {
	var r Result
	if o == Missing {
		r = missing(`Set sponsor_kind to "state_scheme" (a government scheme, which also attaches its government licence or approval letter) or "corporate" (a company paying for its employees)`)
	} else {
		r = invalid(fmt.Sprintf(`sponsor_kind %q is neither "state_scheme" nor "corporate": set it to "state_scheme" for a government scheme or "corporate" for a company paying for its employees`,
			shown(app.SponsorKind)))
	}
	r.ID = ReqGovernmentApprovalLetter
	for i := range results {
		if results[i].ID != ReqGovernmentApprovalLetter {
			continue
		}
		if prev := results[i]; prev.Outcome != Satisfied {
			if prev.Outcome.Worse(r.Outcome) {
				r.Outcome = prev.Outcome
			}
			r.Message += "; also: " + prev.Message
		}
		results[i] = r
		return results
	}
	return append(results, r)
}
