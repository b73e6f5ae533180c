package onboarding

import (
	"fmt"
	"slices"
	"strings"
)

// The items of the go-live checklist, by their JSON names.
const (
	ChecklistPilotCompleted     = "pilot_completed"     // a pilot with a few counterparties completed
	ChecklistStaffTrained       = "staff_trained"       // the participant's staff trained
	ChecklistCertificateFetched = "certificate_fetched" // its own certificates fetched back from the registry
	ChecklistFirewallAllowsHCX  = "firewall_allows_hcx" // its firewall lets in the HCX's egress addresses
)

// checklistItems are every item, in the order they are shown, with what
// a missing one says.
var checklistItems = []struct {
	name, missing string
	done          func(Checklist) bool
}{
	{ChecklistPilotCompleted, "the pilot is not confirmed as completed (pilot_completed)", func(c Checklist) bool { return c.PilotCompleted }},
	{ChecklistStaffTrained, "staff training is not confirmed (staff_trained)", func(c Checklist) bool { return c.StaffTrained }},
	{ChecklistCertificateFetched, "the participant has not confirmed fetching its own certificates back from the registry (certificate_fetched)",
		func(c Checklist) bool { return c.CertificateFetched }},
	{ChecklistFirewallAllowsHCX, "the participant has not confirmed that its firewall lets in the HCX's egress addresses (firewall_allows_hcx)",
		func(c Checklist) bool { return c.FirewallAllowsHCX }},
}

// DefaultGoLiveChecklist is what GoLive requires unless WithGoLiveChecklist
// says otherwise: the guideline's pilot and staff training.
var DefaultGoLiveChecklist = []string{ChecklistPilotCompleted, ChecklistStaffTrained}

// WithGoLiveChecklist sets the checklist items GoLive requires, by name
// (Checklist… constants), for example every one of them:
//
//	onboarding.WithGoLiveChecklist(onboarding.ChecklistPilotCompleted, onboarding.ChecklistStaffTrained,
//		onboarding.ChecklistCertificateFetched, onboarding.ChecklistFirewallAllowsHCX)
//
// Items not required are still recorded when confirmed. None at all is
// allowed: the readiness checks (WithReadiness) and the tasks still gate
// go-live.
func WithGoLiveChecklist(required ...string) Option {
	return func(s *Service) error {
		var names []string
		for _, it := range checklistItems {
			names = append(names, it.name)
		}
		for _, r := range required {
			if !slices.Contains(names, r) {
				return fmt.Errorf("%w: go-live checklist item %q: must be one of %s", ErrInvalidOption, clip(r), strings.Join(names, ", "))
			}
		}
		s.checklist = slices.Clone(required)
		if s.checklist == nil {
			s.checklist = []string{}
		}
		return nil
	}
}

// checklistMissing says which required items c does not confirm.
func (s *Service) checklistMissing(c Checklist) []string {
	required := s.checklist
	if required == nil {
		required = DefaultGoLiveChecklist
	}
	var out []string
	for _, it := range checklistItems {
		if slices.Contains(required, it.name) && !it.done(c) {
			out = append(out, it.missing)
		}
	}
	return out
}

// GoLiveChecklist returns the checklist items GoLive requires, by name.
func (s *Service) GoLiveChecklist() []string {
	if s.checklist == nil {
		return slices.Clone(DefaultGoLiveChecklist)
	}
	return slices.Clone(s.checklist)
}
