package verifier

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// DefaultHFRStatuses returns the HFR facility statuses hfr_lookup accepts
// as a facility HFR has verified. HFR publishes no list of statuses; these
// are the ones its sources show for a finished registration:
//
//   - Verified: HFR's verifier (state or district) has verified the
//     facility — the status care integrations see for a live facility;
//   - Approved: approved by that verifier, the spelling some answers use;
//   - Active: an operational facility, as some registries report it.
//
// Change the set with WithHFRStatuses.
func DefaultHFRStatuses() []string { return []string{"Approved", "Verified", "Active"} }

// DefaultHFRPipelineStatuses returns the HFR statuses of a facility still
// in HFR's own registration process, for which hfr_lookup waits (task
// await_registry) instead of refusing — the guideline's option 2.1 lets an
// applicant complete the HFR process:
//
//   - Draft: created by the facility manager, never submitted;
//   - Submitted: submitted, awaiting HFR's verification;
//   - Created and Saved: records part-way through registration.
//
// Any other status (Rejected, say, or an unknown word) goes to a person.
// Change the set with WithHFRPipelineStatuses.
func DefaultHFRPipelineStatuses() []string {
	return []string{"Draft", "Submitted", "Created", "Saved"}
}

// DefaultFacilityTypes returns which HFR facility types fit each provider
// role, the table hfr_lookup compares the facility's type with. A type fits
// when it contains one of the role's words as whole words, compared like
// names (NormalizeName): "Clinic/ Dispensary" fits provider.clinic by
// "clinic", "Imaging Center" fits provider.diagnostics by "imaging". A role
// the table does not name, or names with no words — provider, which covers
// every kind of provider, and provider.practitioner, who may practise in
// any facility — accepts every type.
//
//   - provider.hospital: hospital, nursing home, medical college, community
//     health centre
//   - provider.clinic: clinic, dispensary, health centre, wellness centre,
//     sub centre, day care
//   - provider.diagnostics: diagnostic, diagnostics, laboratory,
//     laboratories, imaging, radiology, pathology, scan
//   - provider.pharmacy: pharmacy, pharmacies, chemist, drug store,
//     medical store
//
// The map is new on every call; change it and pass it to WithFacilityTypes.
func DefaultFacilityTypes() map[hcxonboard.Role][]string {
	return map[hcxonboard.Role][]string{
		hcxonboard.RoleHospital:     {"hospital", "nursing home", "medical college", "community health centre"},
		hcxonboard.RoleClinic:       {"clinic", "dispensary", "health centre", "wellness centre", "sub centre", "day care"},
		hcxonboard.RoleDiagnostics:  {"diagnostic", "diagnostics", "laboratory", "laboratories", "imaging", "radiology", "pathology", "scan"},
		hcxonboard.RolePharmacy:     {"pharmacy", "pharmacies", "chemist", "drug store", "medical store"},
		hcxonboard.RoleProvider:     nil,
		hcxonboard.RolePractitioner: nil,
	}
}

// rules are the operator's choices the online checks apply; the Checker
// holds one and hands it to the checks through Input.
type rules struct {
	hfrVerified   map[string]bool // lower case
	hfrPipeline   map[string]bool // lower case
	facilityTypes map[hcxonboard.Role][][]string
	hprAPIOnly    bool
	// documentKinds are the kinds the Checker's policies ask for
	// (DocumentKinds) beyond the contract's, set by New.
	documentKinds []string
}

var builtinRules = newRules()

func newRules() *rules {
	r := &rules{}
	r.hfrVerified = statusSet(DefaultHFRStatuses())
	r.hfrPipeline = statusSet(DefaultHFRPipelineStatuses())
	r.facilityTypes = map[hcxonboard.Role][][]string{}
	for role, words := range DefaultFacilityTypes() {
		r.facilityTypes[role] = typeWords(words)
	}
	return r
}

func (r *rules) clone() *rules {
	c := *r
	c.hfrVerified = maps.Clone(r.hfrVerified)
	c.hfrPipeline = maps.Clone(r.hfrPipeline)
	c.facilityTypes = maps.Clone(r.facilityTypes)
	return &c
}

func statusSet(statuses []string) map[string]bool {
	m := make(map[string]bool, len(statuses))
	for _, s := range statuses {
		m[strings.ToLower(strings.TrimSpace(s))] = true
	}
	return m
}

func typeWords(words []string) [][]string {
	out := make([][]string, 0, len(words))
	for _, w := range words {
		if t := nameTokens(w); len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// statusesOption validates a status list for the option named name.
func statusesOption(name string, statuses []string) (map[string]bool, error) {
	if len(statuses) == 0 {
		return nil, fmt.Errorf("verifier: %s: no statuses", name)
	}
	for _, s := range statuses {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("verifier: %s: an empty status", name)
		}
	}
	return statusSet(statuses), nil
}

// check reports a rule set that contradicts itself.
func (r *rules) check() error {
	for s := range r.hfrVerified {
		if r.hfrPipeline[s] {
			return fmt.Errorf("verifier: HFR status %q is both accepted (WithHFRStatuses) and awaited (WithHFRPipelineStatuses)", s)
		}
	}
	return nil
}

// facilityTypeFits reports whether an HFR facility type fits role.
func (r *rules) facilityTypeFits(role hcxonboard.Role, facilityType string) bool {
	words := r.facilityTypes[role]
	if len(words) == 0 {
		return true
	}
	t := nameTokens(facilityType)
	for _, w := range words {
		if containsRun(t, w) {
			return true
		}
	}
	return false
}

// containsRun reports whether words holds run as consecutive words.
func containsRun(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}
