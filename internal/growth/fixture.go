package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// fixture makes the i-th participant and its application, the same for
// the same i: a registry where nine in ten participants are providers (one
// in fifty of them a pharmacy too), one in ten a TPA, none a regulator;
// four in five Active; each with its own e-mail, mobile and linked registry
// code, and certificates expiring between 31 days and three years from now.
// Applications: live for Active participants, verifying and waiting on
// approval for one in twenty, submitted and waiting on review otherwise.
//
// Some sets hold the same number of participants at every n, so that an
// operation selecting them returns the same result at every size: 200
// payers (the country has a few dozen insurers, not a share of its
// hospitals), 200 announced de-boardings, 500 participants with a
// certificate expiring within 30 days, and 50 names "Lotus Eye Care …
// Netralaya", whose words no other name holds. The proportional shapes (a role held by 2 %, certificates
// expiring within 60 days, a name prefix shared by 1 in 700, a name's
// digits, whose trigrams every size shares in proportion) are measured
// too, and labelled so.
type fixture struct {
	n   int
	now time.Time
}

func newFixture(n int) *fixture {
	return &fixture{n: n, now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
}

var (
	cities = []string{"Pune", "Mumbai", "Nagpur", "Chennai", "Madurai", "Kochi", "Jaipur", "Lucknow", "Patna", "Bhopal", "Indore", "Surat"}
	kinds  = []string{"Hospital", "Clinic", "Nursing Home", "Diagnostics", "Medical Centre", "Multispeciality Hospital"}
	saints = []string{"Sri Sai", "Lifeline", "Sanjivani", "Apollo Care", "City", "Dhanvantari", "Arogya", "Shree", "Sahyadri", "Jeevan"}
)

// The sets of a fixed size at every n.
const (
	fixedPayers      = 200
	fixedDeboardings = 200
	fixedExpiring    = 500
	fixedLotus       = 50
	lotusPrefix      = "Lotus Eye Care"
	lotusWord        = "otus Eye"
	lotusSuffix      = "Netralaya"
)

// fixed reports whether participant i is in a set of k participants spread
// evenly over the n, at offset within each stride; strides are multiples of
// 20, so an offset's status (which repeats every 20) is the same at every
// n.
func (f *fixture) fixed(i, k, offset int) bool {
	stride := max(20, f.n/k/20*20)
	return i%stride == offset && i/stride < k
}

func (f *fixture) participant(i int) *hcxonboard.Participant {
	created := f.now.Add(-time.Duration(f.n-i) * time.Minute)
	code := fmt.Sprintf("1%07d@hcx", i)
	p := &hcxonboard.Participant{
		ParticipantCode: code,
		ParticipantName: fmt.Sprintf("%s %s %s %08d", saints[i%len(saints)], cities[(i/7)%len(cities)], kinds[(i/3)%len(kinds)], i),
		PrimaryEmail:    fmt.Sprintf("admin%d@facility%d.example.in", i, i),
		PrimaryMobile:   fmt.Sprintf("9%09d", i),
		Status:          hcxonboard.StatusActive,
		EndpointURL:     fmt.Sprintf("https://hcx.facility%d.example.in/v0.9", i),
		EncryptionCert:  fmt.Sprintf("https://certs.facility%d.example.in/encryption.pem", i),
		SchemeCode:      []string{"PMJAY", "CGHS", "ECHS", "default"}[i%4],
		Address:         &hcxonboard.Address{District: cities[(i/7)%len(cities)], State: "Maharashtra", Pincode: fmt.Sprintf("4%05d", i%100000)},
		CreatedAt:       created, UpdatedAt: created,
		EncryptionCertExpiry: f.now.Add(time.Duration(31+i%1064) * 24 * time.Hour).UnixMilli(),
		SigningCertExpiry:    f.now.Add(time.Duration(31+(i*7)%1064) * 24 * time.Hour).UnixMilli(),
		SigningCertPath:      fmt.Sprintf("https://certs.facility%d.example.in/signing.pem", i),
	}
	if f.fixed(i, fixedExpiring, 9) { // Active
		p.EncryptionCertExpiry = f.now.Add(time.Duration(i%30) * 24 * time.Hour).UnixMilli()
	}
	if f.fixed(i, fixedLotus, 17) {
		p.ParticipantName = fmt.Sprintf("%s %08d %s %s", lotusPrefix, i, cities[(i/7)%len(cities)], lotusSuffix)
	}
	switch {
	case f.fixed(i, fixedPayers, 0):
		p.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		p.LinkedRegistryCodes = []string{fmt.Sprintf("IRDAI-%06d", i)}
	case i%10 == 1:
		p.Roles = []hcxonboard.Role{hcxonboard.RoleTPA}
		p.LinkedRegistryCodes = []string{fmt.Sprintf("TPA-%06d", i)}
	default:
		p.Roles = []hcxonboard.Role{hcxonboard.RoleProvider, []hcxonboard.Role{hcxonboard.RoleHospital, hcxonboard.RoleClinic}[i%2]}
		if i%50 == 2 {
			p.Roles = append(p.Roles, hcxonboard.RolePharmacy)
		}
		p.LinkedRegistryCodes = []string{fmt.Sprintf("IN%010d", i)}
	}
	switch {
	case i%20 == 3:
		p.Status = hcxonboard.StatusCreated
	case i%20 == 7:
		p.Status = hcxonboard.StatusInactive
	case i%20 == 11:
		p.Status = hcxonboard.StatusCreated
	case i%20 == 13:
		p.Status = hcxonboard.StatusCreated
	}
	return p
}

// write is the i-th application with its participant.
func (f *fixture) write(i int) registry.Write {
	p := f.participant(i)
	a := &registry.Application{ID: "app-" + p.ParticipantCode, Key: fmt.Sprintf("key-%d", i), ParticipantCode: p.ParticipantCode,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	switch {
	case p.Status == hcxonboard.StatusActive && f.fixed(i, fixedDeboardings, 5):
		a.Stage, a.Waiting = registry.StageLive, []string{"deboarding"}
		a.DueAt = f.now.Add(-time.Hour) // its date has come: the scheduler's due list holds it
	case p.Status == hcxonboard.StatusActive:
		a.Stage = registry.StageLive
	case i%20 == 3:
		a.Stage, a.Waiting = registry.StageVerifying, []string{"approval"}
		a.WaitingOn = []string{payerCode(i)} // a payer's approval requests are 1 in 720 of n
	default:
		a.Stage, a.Waiting = registry.StageSubmitted, []string{"review"}
	}
	// The engine's state: about a kilobyte of JSON.
	state, _ := json.Marshal(map[string]any{
		"submitted": map[string]any{"participant_name": p.ParticipantName, "roles": p.Roles, "primary_email": p.PrimaryEmail,
			"primary_mobile": p.PrimaryMobile, "address": p.Address, "linked_registry_codes": p.LinkedRegistryCodes},
		"tasks": []map[string]any{{"id": fmt.Sprintf("task-%d-1", i), "kind": "otp", "state": "done", "created_at": p.CreatedAt},
			{"id": fmt.Sprintf("task-%d-2", i), "kind": "review", "state": "open", "created_at": p.CreatedAt,
				"message": "Verify the facility's HFR registration and the uploaded licence before approving."}},
		"applicant_token_hash": fmt.Sprintf("%064x", i),
	})
	a.State = state
	return registry.Write{Application: a, Participant: p}
}

// payers is how many payers the applications waiting on approval await,
// as many as India's state health schemes.
const payers = 36

// payerCode is the payer the i-th application, if it waits on approval,
// awaits.
func payerCode(i int) string { return fmt.Sprintf("payer-%02d@hcx", (i/20)%payers) }

// writes returns the writes of participants [from, to).
func (f *fixture) writes(from, to int) []registry.Write {
	out := make([]registry.Write, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, f.write(i))
	}
	return out
}

// twoYears is the window of the broad expiry listing, from now.
func (f *fixture) twoYears() time.Time { return f.now.AddDate(2, 0, 0) }

// midExpiryCursor is a CertificateExpiries cursor in the middle of the
// two-year window: a year from now, where the listing is in soonest-expiry
// order. (The cursor of participant n/2 is not: its soonest expiry depends
// on n, and at 10k and 100k lies past the window, whose page after it is
// empty.)
func (f *fixture) midExpiryCursor() string {
	return registry.EncodeExpiryCursor(f.now.AddDate(1, 0, 0).UnixMilli(), "")
}
