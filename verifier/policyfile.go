package verifier

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/strictjson"
)

// PolicyFileVersion is the version of the policy file format that this
// package reads and writes.
const PolicyFileVersion = 1

// MaxPolicyFile is the largest policy file ParsePolicyFile reads, in bytes.
const MaxPolicyFile = 1 << 20

// PolicyFile is an operator's onboarding policy as data: the JSON form of
// its policies, which an operator loads into its Checker
// ([WithPolicyFile]), publishes for applicants (see [PolicyFile.Complete])
// and applicants check their application against (examples/prevalidate
// -policy). Version 1:
//
//	{
//	  "version": 1,
//	  "name": "Example HCX",
//	  "policies": [
//	    {"category": "tpa", "title": "TPAs (agency.tpa)",
//	     "requirements": [
//	       {"id": "sandbox_certificate"},
//	       {"id": "irda_registration_number", "check": "irda_registration_number.tpa"},
//	       {"id": "irda_licence", "check": "document:irda_licence",
//	        "description": "Copy of the IRDAI certificate of registration"}, …]},
//	    {"category": "research", "title": "Research bodies",
//	     "roles": ["research"],
//	     "requirements": [{"id": "ethics_approval", "check": "review",
//	       "description": "Approval of an institutional ethics committee"}, …]}
//	  ]
//	}
//
// A policy lists all its requirements, in report order, and replaces the
// category's built-in policy; a built-in category the file does not list
// keeps the guideline's. A category the file adds is used for the roles
// its "roles" lists (any spelling ParseRole accepts, NHCX codes included;
// provider covers its sub-roles): an application applying for such a role
// falls into the listed categories instead of the role's built-in one, and
// its other roles resolve as before (see [PolicyFile.Resolver]). A
// requirement's "check" names a check of this package (see [CheckNames]);
// without one it is the check named like the requirement's ID. "review"
// leaves the requirement to staff (pending review) and
// "document:<kind>" wants a document of that kind; both need a
// "description", which the applicant reads. Unknown fields, unknown checks
// and other versions are errors.
type PolicyFile struct {
	Version  int          `json:"version"`
	Name     string       `json:"name,omitempty"` // who publishes it: the operator
	Policies []PolicySpec `json:"policies"`
}

// PolicySpec is one category's policy in a PolicyFile.
type PolicySpec struct {
	Category     Category          `json:"category"`
	Title        string            `json:"title,omitempty"`
	Roles        []hcxonboard.Role `json:"roles,omitempty"`
	Requirements []RequirementSpec `json:"requirements"`
}

// RequirementSpec is one requirement in a PolicyFile: its stable ID, the
// check that decides it, and what it wants in words for the applicant
// (by default the check's own description).
type RequirementSpec struct {
	ID          RequirementID `json:"id"`
	Check       string        `json:"check,omitempty"`
	Description string        `json:"description,omitempty"`
}

// Requirement returns the requirement r describes. An unknown check is an
// error wrapping [ErrUnknownCheck] that lists the checks.
func (r RequirementSpec) Requirement() (Requirement, error) {
	if p := requirementIDProblem(r.ID); p != "" {
		return Requirement{}, errors.New(p)
	}
	if _, ok := lookupCheck(string(r.ID)); r.Check == "" && !ok && string(r.ID) != checkReview {
		// The check defaults to the ID: say so, rather than name a check
		// the file does not write.
		return Requirement{}, uncheckedError(fmt.Sprintf(`requirement %s has no "check", and no check is named %s; give "check": one of %s`,
			r.ID, r.ID, strings.Join(CheckNames(), ", ")))
	}
	req, err := namedRequirement(r.ID, r.Check, r.Description)
	if err != nil {
		return Requirement{}, fmt.Errorf("requirement %s: %w", r.ID, err)
	}
	return req, nil
}

// uncheckedError is a requirement of a policy file that names no check
// where none is named like its ID; it wraps ErrUnknownCheck.
type uncheckedError string

func (e uncheckedError) Error() string { return string(e) }

func (e uncheckedError) Unwrap() error { return ErrUnknownCheck }

// ErrPolicyFileVersion: a policy file of a version this package does not
// read, typically written by a later one.
var ErrPolicyFileVersion = errors.New("verifier: policy file version not read")

// versionError is a policy file of another version; it wraps
// ErrPolicyFileVersion.
type versionError string

func (e versionError) Error() string { return string(e) }

func (e versionError) Unwrap() error { return ErrPolicyFileVersion }

// MaxRequirementID is the longest requirement ID a policy file may use.
const MaxRequirementID = 64

func requirementIDProblem(id RequirementID) string {
	s := string(id)
	if s == "" {
		return "a requirement has no id"
	}
	if len(s) > MaxRequirementID {
		return fmt.Sprintf("requirement id %q has %d characters; at most %d", shown(s), len(s), MaxRequirementID)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Sprintf("requirement id %q contains %s; use lower-case letters, digits, '_', '-' or '.'", shown(s), quoteRuneAt(s, i))
		}
	}
	return ""
}

// Policy returns the policy p describes, for [WithPolicy].
func (p PolicySpec) Policy() (Policy, error) {
	if problem := categoryNameProblem(p.Category); problem != "" {
		return Policy{}, errors.New(problem)
	}
	if len(p.Requirements) == 0 {
		return Policy{}, fmt.Errorf("%s: no requirements", p.Category)
	}
	out := Policy{Category: p.Category, Title: strings.TrimSpace(p.Title), Requirements: make([]Requirement, 0, len(p.Requirements))}
	for _, rs := range p.Requirements {
		r, err := rs.Requirement()
		if err != nil {
			return Policy{}, fmt.Errorf("%s: %w", p.Category, err)
		}
		if _, dup := out.Requirement(r.ID); dup {
			return Policy{}, fmt.Errorf("%s: requirement %s listed twice", p.Category, r.ID)
		}
		out.Requirements = append(out.Requirements, r)
	}
	for _, r := range p.Roles {
		if _, err := canonicalRole(r); err != nil {
			return Policy{}, fmt.Errorf("%s: %w", p.Category, err)
		}
	}
	return out, nil
}

// ParsePolicyFile reads a policy file (at most MaxPolicyFile bytes, one
// JSON object, no unknown fields) and checks it as Validate does.
func ParsePolicyFile(r io.Reader) (*PolicyFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPolicyFile+1))
	if err != nil {
		return nil, fmt.Errorf("verifier: policy file: %w", err)
	}
	if len(data) > MaxPolicyFile {
		return nil, fmt.Errorf("verifier: policy file: larger than %d bytes", MaxPolicyFile)
	}
	// Strictly, as an application is read: a member given twice, or again
	// in another case, would silently replace the first (a policy list
	// lost after a merge, a requirement decided by another check).
	var f PolicyFile
	if err := strictjson.Unmarshal(data, &f, &strictjson.Words{Noun: "policy file", Trailing: "more than one JSON value"}); err != nil {
		return nil, fmt.Errorf("verifier: policy file: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate reports the first problem of f: a version other than
// PolicyFileVersion (an error wrapping [ErrPolicyFileVersion]), a category named twice or badly, a policy without
// requirements, a requirement ID missing, malformed or listed twice, an
// unknown check (the error wraps [ErrUnknownCheck] and lists the checks),
// a "review" or "document:<kind>" check without a description, or a role
// that is not an HCX role.
func (f *PolicyFile) Validate() error {
	_, err := f.policies()
	return err
}

func (f *PolicyFile) policies() ([]Policy, error) {
	switch {
	case f == nil:
		return nil, errors.New("verifier: policy file: nil")
	case f.Version == 0:
		return nil, fmt.Errorf(`verifier: policy file: no version; this library reads "version": %d`, PolicyFileVersion)
	case f.Version != PolicyFileVersion:
		return nil, versionError(fmt.Sprintf("verifier: policy file: version %d; this library reads version %d", f.Version, PolicyFileVersion))
	}
	out := make([]Policy, 0, len(f.Policies))
	for i, ps := range f.Policies {
		p, err := ps.Policy()
		if err != nil {
			return nil, fmt.Errorf("verifier: policy file: policies[%d]: %w", i, err)
		}
		if slices.ContainsFunc(out, func(q Policy) bool { return q.Category == p.Category }) {
			return nil, fmt.Errorf("verifier: policy file: policies[%d]: category %s listed twice", i, p.Category)
		}
		out = append(out, p)
	}
	return out, nil
}

// roleRule sends a role to a category of the file.
type roleRule struct {
	role hcxonboard.Role
	cat  Category
}

func (f *PolicyFile) roleRules() []roleRule {
	if f == nil {
		return nil
	}
	var rules []roleRule
	for _, p := range f.Policies {
		for _, r := range p.Roles {
			if c, err := canonicalRole(r); err == nil { // built in code: "payor", "10002"
				rules = append(rules, roleRule{c, p.Category})
			}
		}
	}
	return rules
}

// Resolver returns base (nil: [Categorize]) extended by the file's
// "roles": a role some policy lists — or covers, as provider covers
// provider.hospital — falls into those policies' categories; the
// application's other roles go to base as before. A nil file sends no
// role anywhere: its resolver is base.
func (f *PolicyFile) Resolver(base Resolver) Resolver {
	if base == nil {
		base = ResolverFunc(Categorize)
	}
	rules := f.roleRules()
	if len(rules) == 0 {
		return base
	}
	return ResolverFunc(func(app *hcxonboard.Application) ([]Category, error) {
		if app == nil {
			return nil, ErrNilApplication
		}
		var cats []Category
		rest := make([]hcxonboard.Role, 0, len(app.Roles))
		for _, r := range app.Roles {
			matched := false
			canon, _ := hcxonboard.ParseRole(string(r)) // "" for no role, which no rule covers
			for _, rule := range rules {
				if rule.role.Covers(canon) {
					cats, matched = append(cats, rule.cat), true
				}
			}
			if !matched {
				rest = append(rest, r)
			}
		}
		var err error
		if len(rest) > 0 || len(cats) == 0 {
			others := *app // a shallow copy: base sees the other roles only
			others.Roles = rest
			var more []Category
			more, err = base.Resolve(&others)
			cats = append(cats, more...)
		}
		return reportOrder(cats, nil), err
	})
}

// WithPolicyFile installs the policies of f (see [WithPolicy]) and, when
// it sends roles to categories, wraps the Checker's resolver at that point
// with [PolicyFile.Resolver]: put a WithResolver before it to extend your
// own resolver, after it to replace the file's rules. A file that does not
// validate is an error from New.
func WithPolicyFile(f *PolicyFile) Option {
	return func(c *Checker) error {
		ps, err := f.policies()
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := WithPolicy(p)(c); err != nil {
				return err
			}
		}
		if len(f.roleRules()) > 0 {
			c.resolver = f.Resolver(c.resolver)
		}
		return nil
	}
}

// DefaultPolicyFile returns the guideline's table (DefaultPolicies) as a
// policy file, every requirement with its check and description: the
// starting point for an operator's own file.
func DefaultPolicyFile() *PolicyFile {
	return (&PolicyFile{Version: PolicyFileVersion}).Complete()
}

// Complete returns f as applicants should see it: every built-in category
// (the file's policy where it has one, else the guideline's), then the
// file's own categories, each requirement with its check and description
// spelt out. An operator publishes this form (say, at /policy.json), so
// that an applicant's tool checks against the operator's policy whatever
// defaults the tool's own version carries. f is not changed; a file that
// does not validate comes back as it is, for Validate to report.
func (f *PolicyFile) Complete() *PolicyFile {
	if f.Validate() != nil {
		return f
	}
	out := &PolicyFile{Version: f.Version, Name: f.Name}
	mine := func(c Category) (PolicySpec, bool) {
		i := slices.IndexFunc(f.Policies, func(p PolicySpec) bool { return p.Category == c })
		if i < 0 {
			return PolicySpec{}, false
		}
		return f.Policies[i], true
	}
	for _, d := range defaultSpecs() {
		p, ok := mine(d.Category)
		if !ok {
			p = d
		}
		if p.Title == "" {
			p.Title = d.Title
		}
		out.Policies = append(out.Policies, spelt(p))
	}
	for _, p := range f.Policies {
		if !p.Category.Valid() {
			out.Policies = append(out.Policies, spelt(p))
		}
	}
	return out
}

// spelt returns p with every requirement's check and description filled
// in.
func spelt(p PolicySpec) PolicySpec {
	p.Roles = hcxonboard.CanonicalRoles(slices.Clone(p.Roles))
	reqs := make([]RequirementSpec, len(p.Requirements))
	for i, r := range p.Requirements {
		if r.Check == "" {
			r.Check = string(r.ID)
		}
		if r.Description == "" {
			if c, ok := lookupCheck(r.Check); ok {
				r.Description = c.description
			}
		}
		reqs[i] = r
	}
	p.Requirements = reqs
	return p
}
