package notify_test

import (
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		to   string
		want notify.AddressKind
	}{
		{"admin@hospital.example", notify.Email},
		{"first.last+hcx@mail.hospital.co.in", notify.Email},
		{"9876543210@sms.example", notify.Email},
		{"admin@mail2.hospital.example", notify.Email},
		{"admin@203.0.113.7.hospital.example", notify.Email},
		{"admin@xn--bcher-kva.example", notify.Email},
		// An address at an IP address, not a domain: the operator's mail
		// relay would deliver wherever the sender chose, its own network
		// included.
		{"admin@[127.0.0.1]", notify.Unknown},
		{"admin@[10.0.0.1]", notify.Unknown},
		{"admin@[169.254.169.254]", notify.Unknown},
		{"admin@127.0.0.1", notify.Unknown},
		{"admin@192.168.1.1", notify.Unknown},
		{"9876543210", notify.Mobile},
		{"+919876543210", notify.Mobile},
		{"+91 98765 43210", notify.Mobile},
		{"+91-98765-43210", notify.Mobile},
		{"919876543210", notify.Mobile},
		{"09876543210", notify.Mobile},
		{"hosp_rakshi_012345@hcx01", notify.Participant},
		{"481516234200@hcx", notify.Participant},
		{"payr_starhe_7@hcx-dev", notify.Participant},
		{"1-29482df3-e875-45ef-a4e9-592b6f565782", notify.Participant},
		{"testprovider1.apollo", notify.Participant},
		{onboarding.Broadcast, notify.Broadcast},
		{onboarding.Staff, notify.Staff},
		{"IN2910000123@hfr", notify.HFR},
		{"", notify.Unknown},
		{"12345", notify.Unknown},
		{"5876543210", notify.Unknown},
		{"+449876543210", notify.Unknown},
		{"98765  43210", notify.Mobile},
		{"98765 43210 ", notify.Mobile},
		{"0091 98765 43210", notify.Mobile},
		{"(98765) 43210", notify.Mobile},
		{"98765_43210", notify.Unknown},
		{"Admin <admin@hospital.example>", notify.Unknown},
		{"admin@@hospital.example", notify.Unknown},
		{"admin@hospital..example", notify.Unknown},
		{"@hfr", notify.Unknown},
		{"IN29 1000@hfr", notify.Unknown},
		{"IN29_1000@hfr", notify.Unknown},
		{"a@b@hcx", notify.Unknown},
		{"code@", notify.Unknown},
		{"@hcx", notify.Unknown},
		{"code with spaces", notify.Unknown},
		{strings.Repeat("a", 129), notify.Unknown},
	} {
		if got := notify.Classify(tc.to); got != tc.want {
			t.Errorf("Classify(%q) = %s, want %s", tc.to, got, tc.want)
		}
	}
}

func TestParseMobile(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"9876543210": "+919876543210", "+919876543210": "+919876543210", "+91 98765 43210": "+919876543210",
		"919876543210": "+919876543210", "09876543210": "+919876543210", "6000000000": "+916000000000",
		"98765-43210": "+919876543210", "": "", "987654321": "", "98765432100": "", "+9876543210": "",
		"+1 9876543210": "", "5876543210": "", "9876 54321a": "", "98765_43210": "", "+91 5876543210": "",
		// Whatever verifier.NormalizeMobile accepts, the form the engine
		// stores numbers in.
		"0091 98765 43210": "+919876543210", "(98765) 43210": "+919876543210", "+91 (98765) 43210": "+919876543210",
		"98765.43210": "+919876543210", "+91 098765 43210": "+919876543210", "-9876543210": "+919876543210",
		"98765--43210": "+919876543210",
	} {
		got, ok := notify.ParseMobile(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseMobile(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestAddressKindString(t *testing.T) {
	t.Parallel()
	if notify.HFR.String() != "hfr" || notify.AddressKind(99).String() != "unknown" || notify.AddressKind(-1).String() != "unknown" {
		t.Error("AddressKind.String")
	}
}
