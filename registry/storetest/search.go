package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// searchFixture is a small registry whose participants differ in every
// searchable field. Two of them share a creation time, so the order falls
// back to the code; one name holds LIKE wildcards and non-ASCII letters.
func searchFixture() []*hcxonboard.Participant {
	mk := func(code, name string, roles []hcxonboard.Role, status hcxonboard.Status, email, mobile, scheme string, linked []string, created, updated time.Duration) *hcxonboard.Participant {
		return &hcxonboard.Participant{
			ParticipantCode: code, ParticipantName: name, Roles: roles, Status: status,
			PrimaryEmail: email, PrimaryMobile: mobile, SchemeCode: scheme, LinkedRegistryCodes: linked,
			CreatedAt: at(created), UpdatedAt: at(updated),
		}
	}
	r := func(rs ...hcxonboard.Role) []hcxonboard.Role { return rs }
	ps := []*hcxonboard.Participant{
		// Created out of order, so a store that returns rows in insertion
		// order fails.
		mk("1000003@hcx", "MediAssist TPA", r(hcxonboard.RoleTPA), hcxonboard.StatusActive,
			"desk@mediassist.example", "9123400003", "", []string{"IRDA-TPA-003"}, 2*time.Hour, 3*time.Hour),
		mk("1000001@hcx", "City Hospital", r(hcxonboard.RoleProvider, hcxonboard.RoleHospital), hcxonboard.StatusActive,
			"admin@cityhospital.example", "9876500001", "PMJAY", []string{"HFR-IN2710000001", "ROHINI-8900000000017"}, time.Hour, 5*time.Hour),
		mk("1000002@hcx", "Star Health Insurance", r(hcxonboard.RolePayer), hcxonboard.StatusCreated,
			"ops@starhealth.example", "9876500002", "", []string{"IRDA-PAYER-129"}, 2*time.Hour, 2*time.Hour),
		mk("1000004@hcx", "ÉCOLE Clinic 100%_care!", r(hcxonboard.RoleClinic), hcxonboard.StatusBlocked,
			"Front.Desk@Ecole.example", "9988776655", "PMJAY", nil, 3*time.Hour, 4*time.Hour),
		mk("1000005@hcx", "Rural Pharmacy", r(hcxonboard.RolePharmacy, hcxonboard.RoleProvider), hcxonboard.StatusInactive,
			"", "", "CGHS", []string{"HFR-IN2710000005"}, 4*time.Hour, 4*time.Hour),
		mk("2000001@hcx", "Research Lab", r(hcxonboard.RoleResearch), hcxonboard.StatusCreated,
			"lab@research.example", "9000000006", "", nil, 5*time.Hour, 5*time.Hour),
	}
	// Two are paid into bank accounts, one by UPI; the rest have no
	// payment details.
	ps[1].PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	ps[0].PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "987654321098", IFSCCode: "HDFC0000123"}
	ps[4].PaymentDetails = &hcxonboard.PaymentDetails{UPIID: "pharmacy@okicici"}
	return ps
}

func testSearch(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	f := func(field string, c registry.Condition) map[string]registry.Condition {
		return map[string]registry.Condition{field: c}
	}
	all := []string{"1000001@hcx", "1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}
	tests := []struct {
		name    string
		filters map[string]registry.Condition
		want    []string
	}{
		{"no filter: everything by creation time, then code", nil, all},

		{"eq on a scalar field", f(registry.FieldStatus, registry.Eq("Active")), []string{"1000001@hcx", "1000003@hcx"}},
		{"eq is exact and case-sensitive", f(registry.FieldName, registry.Eq("city hospital")), nil},
		{"eq on the full name", f(registry.FieldName, registry.Eq("City Hospital")), []string{"1000001@hcx"}},
		{"eq on the code", f(registry.FieldCode, registry.Eq("1000004@hcx")), []string{"1000004@hcx"}},
		{"eq on the e-mail", f(registry.FieldEmail, registry.Eq("ops@starhealth.example")), []string{"1000002@hcx"}},
		{"eq on the mobile", f(registry.FieldMobile, registry.Eq("9988776655")), []string{"1000004@hcx"}},
		{"eq on the empty string finds empty fields", f(registry.FieldEmail, registry.Eq("")), []string{"1000005@hcx"}},
		{"eq on the scheme code", f(registry.FieldSchemeCode, registry.Eq("PMJAY")), []string{"1000001@hcx", "1000004@hcx"}},
		{"neq on a scalar field", f(registry.FieldStatus, registry.Neq("Active")), []string{"1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"neq on the empty string", f(registry.FieldSchemeCode, registry.Neq("")), []string{"1000001@hcx", "1000004@hcx", "1000005@hcx"}},
		{"or on a scalar field", f(registry.FieldStatus, registry.Condition{Or: []string{"Blocked", "Inactive", "Unknown"}}), []string{"1000004@hcx", "1000005@hcx"}},
		{"contains ignores case", f(registry.FieldName, registry.Contains("HOSPITAL")), []string{"1000001@hcx"}},
		{"contains folds non-ASCII letters", f(registry.FieldName, registry.Contains("école")), []string{"1000004@hcx"}},
		{"contains on the e-mail ignores case", f(registry.FieldEmail, registry.Contains("@ecole.EXAMPLE")), []string{"1000004@hcx"}},
		{"contains takes % literally", f(registry.FieldName, registry.Contains("100%")), []string{"1000004@hcx"}},
		{"contains takes %% literally", f(registry.FieldName, registry.Contains("%%")), nil},
		{"contains takes _ literally", f(registry.FieldName, registry.Contains("100_")), nil},
		{"contains matches a literal %_", f(registry.FieldName, registry.Contains("0%_C")), []string{"1000004@hcx"}},
		{"contains takes a backslash literally", f(registry.FieldName, registry.Contains(`\`)), nil},
		{"contains takes ! literally", f(registry.FieldName, registry.Contains("E!")), []string{"1000004@hcx"}},
		{"contains takes !! literally", f(registry.FieldName, registry.Contains("!!")), nil},
		{"startsWith takes ! literally", f(registry.FieldName, registry.StartsWith("!")), nil},
		{"startsWith a letter whose UTF-8 ends in 0xBF", f(registry.FieldName, registry.StartsWith("п")), nil},
		{"startsWith the last character there is", f(registry.FieldName, registry.StartsWith("\U0010FFFF")), nil},
		{"startsWith a non-ASCII prefix", f(registry.FieldName, registry.StartsWith("écOLE c")), []string{"1000004@hcx"}},
		{"contains the empty string matches everything", f(registry.FieldName, registry.Contains("")), all},
		{"startsWith ignores case", f(registry.FieldName, registry.StartsWith("star h")), []string{"1000002@hcx"}},
		{"startsWith is a prefix, not a substring", f(registry.FieldName, registry.StartsWith("Hospital")), nil},
		{"startsWith on the code", f(registry.FieldCode, registry.StartsWith("2000")), []string{"2000001@hcx"}},
		{"startsWith on the mobile", f(registry.FieldMobile, registry.StartsWith("98765")), []string{"1000001@hcx", "1000002@hcx"}},
		{"startsWith takes _ literally", f(registry.FieldMobile, registry.StartsWith("9_")), nil},

		{"eq on roles: some role equals", f(registry.FieldRoles, registry.Eq("provider")), []string{"1000001@hcx", "1000005@hcx"}},
		{"eq on roles is exact", f(registry.FieldRoles, registry.Eq("provider.hospital")), []string{"1000001@hcx"}},
		{"neq on roles: no role equals", f(registry.FieldRoles, registry.Neq("provider")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "2000001@hcx"}},
		{"contains on roles: some role contains", f(registry.FieldRoles, registry.Contains("PROVIDER")), []string{"1000001@hcx", "1000004@hcx", "1000005@hcx"}},
		{"startsWith on roles", f(registry.FieldRoles, registry.StartsWith("agency.")), []string{"1000003@hcx"}},
		{"or on roles: some role is one of them", f(registry.FieldRoles, registry.Condition{Or: []string{"payer", "agency.tpa"}}), []string{"1000002@hcx", "1000003@hcx"}},
		{"eq and contains on roles may match different roles", f(registry.FieldRoles, registry.Condition{Eq: ptr("provider"), Contains: ptr("hospital")}), []string{"1000001@hcx"}},
		{"eq and neq on roles together", f(registry.FieldRoles, registry.Condition{Eq: ptr("provider"), Neq: ptr("provider.hospital")}), []string{"1000005@hcx"}},
		{"eq on linked codes", f(registry.FieldLinkedCodes, registry.Eq("HFR-IN2710000005")), []string{"1000005@hcx"}},
		{"neq on linked codes includes empty lists", f(registry.FieldLinkedCodes, registry.Neq("IRDA-PAYER-129")), []string{"1000001@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"startsWith on linked codes", f(registry.FieldLinkedCodes, registry.StartsWith("hfr-")), []string{"1000001@hcx", "1000005@hcx"}},
		{"contains on linked codes", f(registry.FieldLinkedCodes, registry.Contains("irda")), []string{"1000002@hcx", "1000003@hcx"}},
		{"or on linked codes", f(registry.FieldLinkedCodes, registry.Condition{Or: []string{"ROHINI-8900000000017", "IRDA-TPA-003"}}), []string{"1000001@hcx", "1000003@hcx"}},

		{"gt on created_at is strict", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(at(2 * time.Hour))}), []string{"1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"gt one nanosecond earlier includes the boundary", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(at(2*time.Hour - 1))}), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"lt on created_at is strict", f(registry.FieldCreatedAt, registry.Condition{Lt: registry.At(at(2 * time.Hour))}), []string{"1000001@hcx"}},
		{"lt one nanosecond later includes the boundary", f(registry.FieldCreatedAt, registry.Condition{Lt: registry.At(at(2*time.Hour + 1))}), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx"}},
		{"gt and lt make a window", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(at(time.Hour)), Lt: registry.At(at(4 * time.Hour))}), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx"}},
		{"gt in another time zone compares instants", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(at(4 * time.Hour).UTC())}), []string{"2000001@hcx"}},
		{"gt on updated_at", f(registry.FieldUpdatedAt, registry.Condition{Gt: registry.At(at(4 * time.Hour))}), []string{"1000001@hcx", "2000001@hcx"}},
		{"gt the zero time matches everything", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(time.Time{})}), all},
		{"lt the zero time matches nothing", f(registry.FieldCreatedAt, registry.Condition{Lt: registry.At(time.Time{})}), nil},
		{"gt a time after 2262 matches nothing", f(registry.FieldCreatedAt, registry.Condition{Gt: registry.At(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))}), nil},
		{"lt a time before 1678 matches nothing", f(registry.FieldUpdatedAt, registry.Condition{Lt: registry.At(time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))}), nil},

		{"endsWith ignores case", f(registry.FieldEmail, registry.EndsWith("ECOLE.example")), []string{"1000004@hcx"}},
		{"endsWith is a suffix, not a substring", f(registry.FieldName, registry.EndsWith("City")), nil},
		{"endsWith takes % literally", f(registry.FieldName, registry.EndsWith("%_care!")), []string{"1000004@hcx"}},
		{"endsWith takes _ literally", f(registry.FieldMobile, registry.EndsWith("_")), nil},
		{"endsWith the empty string matches everything", f(registry.FieldCode, registry.EndsWith("")), all},
		{"notContains ignores case", f(registry.FieldName, registry.NotContains("HOSPITAL")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"notContains the empty string matches nothing", f(registry.FieldName, registry.NotContains("")), nil},
		{"notContains takes % literally", f(registry.FieldName, registry.NotContains("%")), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx", "1000005@hcx", "2000001@hcx"}},
		{"notStartsWith", f(registry.FieldCode, registry.NotStartsWith("1000")), []string{"2000001@hcx"}},
		{"notStartsWith folds non-ASCII letters", f(registry.FieldName, registry.NotStartsWith("école")), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx", "1000005@hcx", "2000001@hcx"}},
		{"notEndsWith", f(registry.FieldEmail, registry.NotEndsWith(".EXAMPLE")), []string{"1000005@hcx"}},
		{"gt on a string field compares bytes", f(registry.FieldMobile, registry.Condition{Gt: registry.Text("9876500001")}), []string{"1000002@hcx", "1000004@hcx"}},
		{"gte on a string field includes the value", f(registry.FieldMobile, registry.Condition{Gte: registry.Text("9876500001")}), []string{"1000001@hcx", "1000002@hcx", "1000004@hcx"}},
		{"lt on a string field: the empty string is least", f(registry.FieldMobile, registry.Condition{Lt: registry.Text("9")}), []string{"1000005@hcx"}},
		{"lte on a string field includes the value", f(registry.FieldName, registry.Condition{Lte: registry.Text("Research Lab")}), []string{"1000001@hcx", "1000003@hcx", "2000001@hcx"}},
		{"lte on a string field is case-sensitive: upper case sorts first", f(registry.FieldName, registry.Condition{Lte: registry.Text("research lab")}), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx", "1000005@hcx", "2000001@hcx"}},
		{"gt on a string field: non-ASCII after ASCII", f(registry.FieldName, registry.Condition{Gt: registry.Text("Z")}), []string{"1000004@hcx"}},
		{"between on a string field includes both ends", f(registry.FieldCode, registry.Between(registry.Text("1000002@hcx"), registry.Text("1000004@hcx"))), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx"}},
		{"between with the ends reversed matches nothing", f(registry.FieldCode, registry.Between(registry.Text("1000004@hcx"), registry.Text("1000002@hcx"))), nil},
		{"gt and lt on a string field make a window", f(registry.FieldStatus, registry.Condition{Gt: registry.Text("Active"), Lt: registry.Text("Inactive")}), []string{"1000002@hcx", "1000004@hcx", "2000001@hcx"}},
		{"a string that looks like a time compares as a string", f(registry.FieldName, registry.Condition{Gt: registry.Text("2026-01-01T00:00:00Z")}), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},

		{"endsWith on roles", f(registry.FieldRoles, registry.EndsWith(".TPA")), []string{"1000003@hcx"}},
		{"notContains on roles: no role contains", f(registry.FieldRoles, registry.NotContains("provider")), []string{"1000002@hcx", "1000003@hcx", "2000001@hcx"}},
		{"notStartsWith on linked codes includes empty lists", f(registry.FieldLinkedCodes, registry.NotStartsWith("hfr-")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "2000001@hcx"}},
		{"notEndsWith on linked codes: no element ends so", f(registry.FieldLinkedCodes, registry.NotEndsWith("17")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"gt on roles: some role is greater", f(registry.FieldRoles, registry.Condition{Gt: registry.Text("provider.hospital")}), []string{"1000005@hcx", "2000001@hcx"}},
		{"lte on roles: some role is at most", f(registry.FieldRoles, registry.Condition{Lte: registry.Text("payer")}), []string{"1000002@hcx", "1000003@hcx"}},
		{"between on linked codes: one element within both ends", f(registry.FieldLinkedCodes, registry.Between(registry.Text("HFR-"), registry.Text("HFR-~"))), []string{"1000001@hcx", "1000005@hcx"}},
		{"between on roles needs one role within both ends", f(registry.FieldRoles, registry.Between(registry.Text("provider.a"), registry.Text("provider.c"))), nil},
		{"gte and lte on linked codes may match different elements", f(registry.FieldLinkedCodes, registry.Condition{Gte: registry.Text("ROHINI-"), Lte: registry.Text("HFR-IN2710000001")}), []string{"1000001@hcx"}},

		// payment_details.ifsc_code: 1000001 (SBIN0001234) and 1000003
		// (HDFC0000123) have one; 1000005 is paid by UPI, the rest have no
		// payment details: their IFSC is empty, as an unset scheme code is.
		{"eq on the IFSC", f(registry.FieldIFSCCode, registry.Eq("SBIN0001234")), []string{"1000001@hcx"}},
		{"eq on the IFSC is exact", f(registry.FieldIFSCCode, registry.Eq("sbin0001234")), nil},
		{"eq on an IFSC nobody has", f(registry.FieldIFSCCode, registry.Eq("ICIC0000001")), nil},
		{"neq on the IFSC includes those without", f(registry.FieldIFSCCode, registry.Neq("SBIN0001234")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"or on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Or: []string{"HDFC0000123", "ICIC0000001"}}), []string{"1000003@hcx"}},
		{"startsWith on the IFSC ignores case", f(registry.FieldIFSCCode, registry.StartsWith("sbin0")), []string{"1000001@hcx"}},
		{"endsWith on the IFSC", f(registry.FieldIFSCCode, registry.EndsWith("0123")), []string{"1000003@hcx"}},
		{"contains on the IFSC ignores case", f(registry.FieldIFSCCode, registry.Contains("c0000")), []string{"1000003@hcx"}},
		{"contains on the IFSC takes _ literally", f(registry.FieldIFSCCode, registry.Contains("SBIN_")), nil},
		{"notContains on the IFSC includes those without", f(registry.FieldIFSCCode, registry.NotContains("sbin")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"notStartsWith on the IFSC", f(registry.FieldIFSCCode, registry.NotStartsWith("HDFC")), []string{"1000001@hcx", "1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"notEndsWith on the IFSC", f(registry.FieldIFSCCode, registry.NotEndsWith("1234")), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"gt on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Gt: registry.Text("HDFC0000123")}), []string{"1000001@hcx"}},
		{"gte on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Gte: registry.Text("HDFC0000123")}), []string{"1000001@hcx", "1000003@hcx"}},
		{"lt on the IFSC: the empty string is least", f(registry.FieldIFSCCode, registry.Condition{Lt: registry.Text("SBIN")}), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"lte on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Lte: registry.Text("SBIN0001234")}), all},
		{"between on the IFSC", f(registry.FieldIFSCCode, registry.Between(registry.Text("A"), registry.Text("Z"))), []string{"1000001@hcx", "1000003@hcx"}},
		{"between on the IFSC from the empty string", f(registry.FieldIFSCCode, registry.Between(registry.Text(""), registry.Text("I"))), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"eq on the empty IFSC finds those without", f(registry.FieldIFSCCode, registry.Eq("")), []string{"1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"neq on the empty IFSC finds those with one", f(registry.FieldIFSCCode, registry.Neq("")), []string{"1000001@hcx", "1000003@hcx"}},
		{"or with the empty IFSC", f(registry.FieldIFSCCode, registry.Condition{Or: []string{"", "SBIN0001234"}}), []string{"1000001@hcx", "1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"contains the empty string matches every IFSC, empty or not", f(registry.FieldIFSCCode, registry.Contains("")), all},
		{"startsWith the empty string matches every IFSC", f(registry.FieldIFSCCode, registry.StartsWith("")), all},
		{"notContains the empty string matches no IFSC", f(registry.FieldIFSCCode, registry.NotContains("")), nil},
		{"notEndsWith the empty string matches no IFSC", f(registry.FieldIFSCCode, registry.NotEndsWith("")), nil},
		{"a UPI ID is not an IFSC", f(registry.FieldIFSCCode, registry.Contains("okicici")), nil},
		{"eq and neq on the IFSC together", f(registry.FieldIFSCCode, registry.Condition{Eq: ptr("SBIN0001234"), Neq: ptr("HDFC0000123")}), []string{"1000001@hcx"}},
		{"eq and startsWith on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Eq: ptr("SBIN0001234"), StartsWith: ptr("HDFC")}), nil},
		{"eq on the empty IFSC and notContains", f(registry.FieldIFSCCode, registry.Condition{Eq: ptr(""), NotContains: ptr("x")}), []string{"1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"neq and lt on the IFSC", f(registry.FieldIFSCCode, registry.Condition{Neq: ptr("HDFC0000123"), Lt: registry.Text("SBIN")}), []string{"1000002@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"the IFSC and the status", map[string]registry.Condition{
			registry.FieldIFSCCode: registry.StartsWith("S"),
			registry.FieldStatus:   registry.Eq("Active"),
		}, []string{"1000001@hcx"}},
		{"the IFSC and a role", map[string]registry.Condition{
			registry.FieldIFSCCode: registry.Neq("SBIN0001234"),
			registry.FieldRoles:    registry.Eq("provider"),
		}, []string{"1000005@hcx"}},

		{"gte on created_at includes the boundary", f(registry.FieldCreatedAt, registry.Condition{Gte: registry.At(at(2 * time.Hour))}), []string{"1000002@hcx", "1000003@hcx", "1000004@hcx", "1000005@hcx", "2000001@hcx"}},
		{"lte on created_at includes the boundary", f(registry.FieldCreatedAt, registry.Condition{Lte: registry.At(at(2 * time.Hour))}), []string{"1000001@hcx", "1000002@hcx", "1000003@hcx"}},
		{"between on updated_at includes both ends", f(registry.FieldUpdatedAt, registry.Between(registry.At(at(3*time.Hour)), registry.At(at(4*time.Hour)))), []string{"1000003@hcx", "1000004@hcx", "1000005@hcx"}},
		{"between from a time string", f(registry.FieldCreatedAt, registry.Between(registry.Text(at(4*time.Hour).UTC().Format(time.RFC3339Nano)), registry.Text("2262-01-01T00:00:00Z"))), []string{"1000005@hcx", "2000001@hcx"}},
		{"gte the zero time matches everything", f(registry.FieldCreatedAt, registry.Condition{Gte: registry.At(time.Time{})}), all},
		{"lte the zero time matches nothing", f(registry.FieldCreatedAt, registry.Condition{Lte: registry.At(time.Time{})}), nil},
		{"lte a time after 2262 matches everything", f(registry.FieldCreatedAt, registry.Condition{Lte: registry.At(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))}), all},
		{"gte a time before 1678 matches everything", f(registry.FieldUpdatedAt, registry.Condition{Gte: registry.At(time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))}), all},

		{"conditions on several fields all hold", map[string]registry.Condition{
			registry.FieldRoles:  registry.Eq("provider"),
			registry.FieldStatus: registry.Eq("Active"),
		}, []string{"1000001@hcx"}},
		{"a time window and a list condition", map[string]registry.Condition{
			registry.FieldCreatedAt: {Gt: registry.At(at(time.Hour))},
			registry.FieldRoles:     registry.Contains("provider"),
		}, []string{"1000004@hcx", "1000005@hcx"}},
		{"contradictory operators match nothing", f(registry.FieldStatus, registry.Condition{Eq: ptr("Active"), Neq: ptr("Active")}), nil},
	}

	s := newStore(t)
	fixture := searchFixture()
	for _, p := range fixture {
		seedParticipant(t, s, p)
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := registry.Query{Filters: tt.filters}
			require.Equal(t, tt.want, referenceSearch(fixture, q), "the expectation disagrees with registry.Query.Match")
			hits, err := s.SearchParticipants(ctx, q)
			require.NoError(t, err)
			if len(tt.want) == 0 {
				require.Empty(t, hits)
				return
			}
			require.Equal(t, tt.want, codes(hits))
			for _, h := range hits {
				for _, p := range fixture {
					if p.ParticipantCode == h.ParticipantCode {
						requireParticipant(t, p, &h)
					}
				}
			}
		})
	}

	t.Run("limit and offset page through the hits", func(t *testing.T) {
		t.Parallel()
		var got []string
		for offset := 0; ; offset += 4 {
			hits, err := s.SearchParticipants(ctx, registry.Query{Limit: 4, Offset: offset})
			require.NoError(t, err)
			require.LessOrEqual(t, len(hits), 4)
			got = append(got, codes(hits)...)
			if len(hits) < 4 {
				break
			}
		}
		require.Equal(t, all, got)
		hits, err := s.SearchParticipants(ctx, registry.Query{Offset: 6})
		require.NoError(t, err)
		require.Empty(t, hits, "an offset past the end is an empty page")
	})

	invalid := []struct {
		name string
		q    registry.Query
	}{
		{"an unknown field", registry.Query{Filters: f("email", registry.Eq("x"))}},
		{"a condition without operator", registry.Query{Filters: f(registry.FieldStatus, registry.Condition{})}},
		{"a time bound on a string field", registry.Query{Filters: f(registry.FieldName, registry.Condition{Gt: registry.At(base)})}},
		{"a time bound on a list field", registry.Query{Filters: f(registry.FieldRoles, registry.Condition{Lt: registry.At(base)})}},
		{"eq on a time field", registry.Query{Filters: f(registry.FieldCreatedAt, registry.Eq("2025-03-14"))}},
		{"endsWith on a time field", registry.Query{Filters: f(registry.FieldUpdatedAt, registry.EndsWith("Z"))}},
		{"a bound on a time field that is not a time", registry.Query{Filters: f(registry.FieldCreatedAt, registry.Condition{Gte: registry.Text("yesterday")})}},
		{"between with one value", registry.Query{Filters: f(registry.FieldCode, registry.Condition{Between: []registry.Bound{*registry.Text("a")}})}},
		{"between with three values", registry.Query{Filters: f(registry.FieldCode, registry.Condition{Between: []registry.Bound{*registry.Text("a"), *registry.Text("b"), *registry.Text("c")}})}},
		{"the UPI ID", registry.Query{Filters: f("payment_details.upi_id", registry.Eq("pharmacy@okicici"))}},
		{"the account number", registry.Query{Filters: f("payment_details.account_number", registry.Eq("123456789012"))}},
		{"the payment details whole", registry.Query{Filters: f("payment_details", registry.Contains("SBIN"))}},
		{"a time bound on the IFSC", registry.Query{Filters: f(registry.FieldIFSCCode, registry.Condition{Gt: registry.At(base)})}},
		{"a negative offset", registry.Query{Offset: -1}},
		{"a negative limit", registry.Query{Limit: -1}},
		{"a limit over MaxLimit", registry.Query{Limit: registry.MaxLimit + 1}},
	}
	for _, tt := range invalid {
		t.Run(tt.name+" is ErrInvalidQuery", func(t *testing.T) {
			t.Parallel()
			_, err := s.SearchParticipants(ctx, tt.q)
			require.ErrorIs(t, err, registry.ErrInvalidQuery)
		})
	}
}

// referenceSearch is the search every store must reproduce: the
// participants q.Match accepts, in SortParticipants order, codes only.
func referenceSearch(ps []*hcxonboard.Participant, q registry.Query) []string {
	var hits []hcxonboard.Participant
	for _, p := range ps {
		if q.Match(p) {
			hits = append(hits, *p)
		}
	}
	registry.SortParticipants(hits)
	if len(hits) == 0 {
		return nil
	}
	return codes(hits)
}

func testPaging(t *testing.T, newStore NewStore) {
	const n = 2500
	ctx := context.Background()
	s := newStore(t)

	// Codes are a permutation of 0..n-1 and creation times repeat every
	// 625 participants, so the order differs from insertion order and from
	// code order, and ties on time fall back to the code.
	fixture := make([]*hcxonboard.Participant, n)
	for i := range fixture {
		code := fmt.Sprintf("%05d@bulk", (i*7919)%n)
		p := newParticipant(code, at(time.Duration(i%625)*time.Millisecond))
		if i%3 == 0 {
			p.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		}
		if i%5 == 0 {
			p.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: fmt.Sprintf("SBIN0%06d", i%50)}
		}
		fixture[i] = p
	}
	seedParticipants(t, s, fixture)

	t.Run("a thousand at a time through all 2,500 in order", func(t *testing.T) {
		t.Parallel()
		want := referenceSearch(fixture, registry.Query{})
		require.Len(t, want, n)
		var got []string
		pages := 0
		for offset := 0; ; offset += registry.MaxLimit {
			hits, err := s.SearchParticipants(ctx, registry.Query{Limit: registry.MaxLimit, Offset: offset})
			require.NoError(t, err)
			pages++
			got = append(got, codes(hits)...)
			if len(hits) < registry.MaxLimit {
				break
			}
		}
		require.Equal(t, 3, pages)
		require.Equal(t, want, got)
	})

	t.Run("a filtered search in pages of 97", func(t *testing.T) {
		t.Parallel()
		q := registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq("payer")}, Limit: 97}
		want := referenceSearch(fixture, q)
		require.Len(t, want, (n+2)/3)
		var got []string
		for q.Offset = 0; ; q.Offset += q.Limit {
			hits, err := s.SearchParticipants(ctx, q)
			require.NoError(t, err)
			got = append(got, codes(hits)...)
			if len(hits) < q.Limit {
				break
			}
		}
		require.Equal(t, want, got)
	})

	t.Run("by cursor, filtered and not, in pages of 97", func(t *testing.T) {
		t.Parallel()
		pager := capability[registry.ParticipantPager](t, s)
		for _, filters := range []map[string]registry.Condition{nil, {registry.FieldRoles: registry.Eq("payer")},
			{registry.FieldIFSCCode: registry.StartsWith("sbin")}, {registry.FieldIFSCCode: registry.Eq("SBIN0000010")},
			{registry.FieldIFSCCode: registry.Neq("SBIN0000010")}} {
			q := registry.Query{Filters: filters, Limit: 97}
			want := referenceSearch(fixture, q)
			var got []string
			for pages := 0; ; pages++ {
				require.Less(t, pages, n, "paging ends")
				page, err := pager.SearchParticipantsPage(ctx, q)
				require.NoError(t, err)
				got = append(got, codes(page.Items)...)
				if page.Next == "" {
					require.Less(t, len(page.Items), q.Limit, "a full page has a next")
					break
				}
				require.Len(t, page.Items, q.Limit, "only a full page has a next")
				q.Cursor = page.Next
			}
			require.Equal(t, want, got)
			// SearchParticipants honours a cursor too.
			q.Cursor = registry.EncodeCursor(registry.Position{CreatedAt: at(100 * time.Millisecond), Key: ""})
			hits, err := s.SearchParticipants(ctx, q)
			require.NoError(t, err)
			for _, h := range hits {
				require.False(t, h.CreatedAt.Before(at(100*time.Millisecond)), "after the cursor")
			}
		}
	})

	t.Run("an offset past MaxOffset or a foreign cursor is ErrInvalidQuery", func(t *testing.T) {
		t.Parallel()
		_, err := s.SearchParticipants(ctx, registry.Query{Offset: registry.MaxOffset + 1})
		require.ErrorIs(t, err, registry.ErrInvalidQuery)
		require.ErrorContains(t, err, "cursor")
		_, err = s.SearchParticipants(ctx, registry.Query{Cursor: "page-2"})
		require.ErrorIs(t, err, registry.ErrInvalidQuery)
	})

	t.Run("no limit means DefaultLimit", func(t *testing.T) {
		t.Parallel()
		hits, err := s.SearchParticipants(ctx, registry.Query{Offset: 10})
		require.NoError(t, err)
		require.Len(t, hits, registry.DefaultLimit)
		require.Equal(t, referenceSearch(fixture, registry.Query{})[10:10+registry.DefaultLimit], codes(hits))
	})

	t.Run("the last page is short and the one after it empty", func(t *testing.T) {
		t.Parallel()
		hits, err := s.SearchParticipants(ctx, registry.Query{Limit: 30, Offset: n - 7})
		require.NoError(t, err)
		require.Len(t, hits, 7)
		hits, err = s.SearchParticipants(ctx, registry.Query{Limit: 30, Offset: n})
		require.NoError(t, err)
		require.Empty(t, hits)
	})
}

func testListApplications(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	type spec struct {
		id        string
		stage     registry.Stage
		waiting   []string
		created   time.Duration
		code      string
		waitingOn []string
	}
	specs := []spec{
		{"app-c", registry.StageVerifying, []string{"otp"}, 2 * time.Minute, "1000003@hcx", []string{"payer-2@hcx"}},
		{"app-a", registry.StageSubmitted, []string{"review"}, time.Minute, "", nil},
		{"app-b", registry.StageVerifying, []string{"review", "approval"}, 2 * time.Minute, "1000002@hcx", []string{"payer-1@hcx", "payer-2@hcx"}},
		{"app-d", registry.StageDetails, nil, 3 * time.Minute, "1000004@hcx", []string{"payer-2@hcx"}},
		{"app-e", registry.StageVerifying, []string{"review"}, 4 * time.Minute, "1000005@hcx", []string{"payer-1@hcx"}},
		{"app-f", registry.StageLive, nil, 0, "1000006@hcx", nil},
	}
	for _, sp := range specs {
		a := newApp(sp.id, "key-"+sp.id, sp.code, at(sp.created))
		a.Stage, a.Waiting, a.WaitingOn = sp.stage, sp.waiting, sp.waitingOn
		var p *hcxonboard.Participant
		if sp.code != "" {
			p = newParticipant(sp.code, at(sp.created))
		}
		seed(t, s, a, p)
	}

	tests := []struct {
		name string
		f    registry.ApplicationFilter
		want []string
	}{
		{"everything, oldest first, ties by id", registry.ApplicationFilter{}, []string{"app-f", "app-a", "app-b", "app-c", "app-d", "app-e"}},
		{"by stage", registry.ApplicationFilter{Stage: registry.StageVerifying}, []string{"app-b", "app-c", "app-e"}},
		{"by open task", registry.ApplicationFilter{Waiting: "review"}, []string{"app-a", "app-b", "app-e"}},
		{"by an open task that is not the first", registry.ApplicationFilter{Waiting: "approval"}, []string{"app-b"}},
		{"by stage and open task", registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "review"}, []string{"app-b", "app-e"}},
		{"by a stage nobody is in", registry.ApplicationFilter{Stage: registry.StageWithdrawn}, nil},
		{"by a task nobody waits for", registry.ApplicationFilter{Waiting: "payment"}, nil},
		{"by participant code", registry.ApplicationFilter{ParticipantCode: "1000004@hcx"}, []string{"app-d"}},
		{"by participant code and stage", registry.ApplicationFilter{ParticipantCode: "1000002@hcx", Stage: registry.StageVerifying}, []string{"app-b"}},
		{"by participant code and another stage", registry.ApplicationFilter{ParticipantCode: "1000002@hcx", Stage: registry.StageLive}, nil},
		{"by participant code and open task", registry.ApplicationFilter{ParticipantCode: "1000005@hcx", Waiting: "review"}, []string{"app-e"}},
		{"by a participant code nobody holds", registry.ApplicationFilter{ParticipantCode: "9999999@hcx"}, nil},
		{"by a participant code that differs in case", registry.ApplicationFilter{ParticipantCode: "1000004@HCX"}, nil},
		{"by awaited participant", registry.ApplicationFilter{WaitingOn: "payer-1@hcx"}, []string{"app-b", "app-e"}},
		{"by another awaited participant", registry.ApplicationFilter{WaitingOn: "payer-2@hcx"}, []string{"app-b", "app-c", "app-d"}},
		{"by awaited participant and stage", registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Stage: registry.StageVerifying}, []string{"app-b", "app-c"}},
		{"by awaited participant and a stage none of its are in", registry.ApplicationFilter{WaitingOn: "payer-1@hcx", Stage: registry.StageSubmitted}, nil},
		{"by awaited participant and open task", registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Waiting: "approval"}, []string{"app-b"}},
		{"by awaited participant, stage and open task", registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Stage: registry.StageVerifying, Waiting: "otp"}, []string{"app-c"}},
		{"by awaited participant and participant code", registry.ApplicationFilter{WaitingOn: "payer-1@hcx", ParticipantCode: "1000005@hcx"}, []string{"app-e"}},
		{"by a participant nobody awaits", registry.ApplicationFilter{WaitingOn: "payer-3@hcx"}, nil},
		{"by an awaited participant that differs in case", registry.ApplicationFilter{WaitingOn: "PAYER-1@hcx"}, nil},
		{"by an awaited participant given as an open task", registry.ApplicationFilter{Waiting: "payer-1@hcx"}, nil},
		{"by an awaited participant given as an open task, prefixed", registry.ApplicationFilter{Waiting: "@payer-1@hcx"}, nil},
		{"an awaited participant's page", registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Limit: 1, Offset: 1}, []string{"app-c"}},
		{"a page", registry.ApplicationFilter{Limit: 2, Offset: 1}, []string{"app-a", "app-b"}},
		{"a filtered page", registry.ApplicationFilter{Stage: registry.StageVerifying, Limit: 2, Offset: 2}, []string{"app-e"}},
		{"an offset past the end", registry.ApplicationFilter{Offset: 6}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.ListApplications(ctx, tt.f)
			require.NoError(t, err)
			if tt.want == nil {
				require.Empty(t, got)
				return
			}
			require.Equal(t, tt.want, ids(got))
			for _, a := range got {
				full, err := s.Application(ctx, a.ID)
				require.NoError(t, err)
				requireApp(t, full, &a)
			}
		})
	}

	t.Run("the awaited participants come back as written, apart from the open task kinds", func(t *testing.T) {
		t.Parallel()
		for _, sp := range specs {
			a, err := s.Application(ctx, sp.id)
			require.NoError(t, err)
			require.Equal(t, sp.waiting, a.Waiting, "application %s", sp.id)
			require.Equal(t, sp.waitingOn, a.WaitingOn, "application %s", sp.id)
		}
	})

	t.Run("changed awaited participants move the application between lists", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := newApp("app-1", "", "", at(0))
		a.Stage, a.Waiting, a.WaitingOn = registry.StageVerifying, []string{"approval"}, []string{"payer-1@hcx", "payer-2@hcx"}
		a = seed(t, s, a, nil)
		count := func(f registry.ApplicationFilter) int {
			got, err := s.ListApplications(ctx, f)
			require.NoError(t, err)
			return len(got)
		}
		require.Equal(t, 1, count(registry.ApplicationFilter{WaitingOn: "payer-1@hcx", Stage: registry.StageVerifying}))

		a.WaitingOn = []string{"payer-2@hcx", "payer-3@hcx"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		for f, want := range map[registry.ApplicationFilter]int{
			{WaitingOn: "payer-1@hcx"}: 0, {WaitingOn: "payer-2@hcx"}: 1, {WaitingOn: "payer-3@hcx"}: 1,
			{WaitingOn: "payer-3@hcx", Stage: registry.StageVerifying}: 1,
		} {
			require.Equal(t, want, count(f), "filter %+v", f)
		}

		a.Stage = registry.StageDetails // the kept codes follow the stage
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		for f, want := range map[registry.ApplicationFilter]int{
			{WaitingOn: "payer-2@hcx", Stage: registry.StageVerifying}: 0,
			{WaitingOn: "payer-2@hcx", Stage: registry.StageDetails}:   1,
			{WaitingOn: "payer-3@hcx", Stage: registry.StageDetails}:   1,
		} {
			require.Equal(t, want, count(f), "filter %+v", f)
		}

		a.Waiting, a.WaitingOn = nil, nil
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		for _, code := range []string{"payer-1@hcx", "payer-2@hcx", "payer-3@hcx"} {
			require.Zero(t, count(registry.ApplicationFilter{WaitingOn: code}), code)
		}
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Empty(t, got.WaitingOn)
	})

	t.Run("a changed stage moves the application between lists", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "", "", at(0)), nil)
		a.Stage, a.Waiting = registry.StageDetails, []string{"approval"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		for f, want := range map[registry.ApplicationFilter]int{
			{Stage: registry.StageSubmitted}: 0, {Waiting: "review"}: 0,
			{Stage: registry.StageDetails}: 1, {Waiting: "approval"}: 1,
		} {
			got, err := s.ListApplications(ctx, f)
			require.NoError(t, err)
			require.Len(t, got, want, "filter %+v", f)
		}
	})

	t.Run("a kept task follows its application's stage", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "", "", at(0)), nil) // submitted, waiting on review
		a.Stage = registry.StageVerifying
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		for f, want := range map[registry.ApplicationFilter]int{
			{Stage: registry.StageSubmitted, Waiting: "review"}: 0,
			{Stage: registry.StageVerifying, Waiting: "review"}: 1,
		} {
			got, err := s.ListApplications(ctx, f)
			require.NoError(t, err)
			require.Len(t, got, want, "filter %+v", f)
		}
	})

	t.Run("by cursor", func(t *testing.T) {
		t.Parallel()
		pager := capability[registry.ApplicationPager](t, s)
		for _, tt := range []struct {
			f    registry.ApplicationFilter
			want []string
		}{
			{registry.ApplicationFilter{Limit: 2}, []string{"app-f", "app-a", "app-b", "app-c", "app-d", "app-e"}},
			{registry.ApplicationFilter{Waiting: "review", Limit: 1}, []string{"app-a", "app-b", "app-e"}},
			{registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "review", Limit: 1}, []string{"app-b", "app-e"}},
			{registry.ApplicationFilter{Stage: registry.StageVerifying, Limit: 2}, []string{"app-b", "app-c", "app-e"}},
			{registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Limit: 1}, []string{"app-b", "app-c", "app-d"}},
			{registry.ApplicationFilter{WaitingOn: "payer-2@hcx", Stage: registry.StageVerifying, Limit: 1}, []string{"app-b", "app-c"}},
		} {
			f := tt.f
			var got []string
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10, "paging ends")
				page, err := pager.ListApplicationsPage(ctx, f)
				require.NoError(t, err)
				got = append(got, ids(page.Items)...)
				if page.Next == "" {
					break
				}
				f.Cursor = page.Next
			}
			require.Equal(t, tt.want, got, "filter %+v", tt.f)
		}
	})

	for _, tt := range []struct {
		name string
		f    registry.ApplicationFilter
	}{
		{"an offset past MaxOffset", registry.ApplicationFilter{Offset: registry.MaxOffset + 1}},
		{"a foreign cursor", registry.ApplicationFilter{Cursor: "page-2"}},
		{"a negative offset", registry.ApplicationFilter{Offset: -1}},
		{"a limit over MaxLimit", registry.ApplicationFilter{Limit: registry.MaxLimit + 1}},
	} {
		t.Run(tt.name+" is ErrInvalidQuery", func(t *testing.T) {
			t.Parallel()
			_, err := s.ListApplications(ctx, tt.f)
			require.ErrorIs(t, err, registry.ErrInvalidQuery)
		})
	}
}
