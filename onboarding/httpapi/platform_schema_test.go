package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// platformSchema is the reference platform's participant schema as the
// project's interop reference restates it (testdata), compiled by a JSON
// Schema (draft 7) validator asserting formats: email as the draft has
// it, url as the platform means it (an http or https URL with a host).
func platformSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	const name = "platform-participant.schema.json"
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "url", Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil // format applies to strings only
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL with a host", s)
		}
		return nil
	}})
	require.NoError(t, c.AddResource(name, doc))
	schema, err := c.Compile(name)
	require.NoError(t, err)
	return schema
}

// The schema refuses what the platform refuses, so that the tests below
// can fail.
func TestPlatformSchemaValidator(t *testing.T) {
	t.Parallel()
	schema := platformSchema(t)
	good := func() map[string]any {
		return map[string]any{
			"participant_code": "payr_surak_000001@hcx", "participant_name": "Suraksha", "roles": []any{"payor", "provider.hospital"},
			"primary_mobile": "9000000001", "primary_email": "ops@suraksha.example", "status": "Active",
			"endpoint_url": "https://hcx.suraksha.example/v0.9", "encryption_cert": "https://hcx.example.org/certificates/x/encryption_cert.pem",
			"additional_email": []any{"a@suraksha.example", "b@suraksha.example"}, "phone": []any{"1", "2", "3"},
			"address": map[string]any{"district": "Pune", "pincode": "411001"}, "payment_details": map[string]any{"upi_id": "x@upi"},
			"encryption_cert_expiry": float64(1893456000000), "osOwner": []any{"u"}, "osid": "o",
		}
	}
	require.NoError(t, schema.Validate(good()))
	for name, tc := range map[string]struct {
		member string
		value  any // nil: removed
	}{
		"no endpoint_url":              {"endpoint_url", nil},
		"no encryption_cert":           {"encryption_cert", nil},
		"no primary_mobile":            {"primary_mobile", nil},
		"no roles":                     {"roles", nil},
		"payer, not payor":             {"roles", []any{"payer"}},
		"bsp":                          {"roles", []any{"provider", "bsp"}},
		"InActive":                     {"status", "InActive"},
		"three additional e-mails":     {"additional_email", []any{"a@x.example", "b@x.example", "c@x.example"}},
		"three additional mobiles":     {"additional_mobile", []any{"1", "2", "3"}},
		"four phones":                  {"phone", []any{"1", "2", "3", "4"}},
		"an e-mail that is none":       {"primary_email", "ops at suraksha"},
		"a PEM, not a URL":             {"encryption_cert", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
		"an endpoint without a host":   {"endpoint_url", "https:///v0.9"},
		"the spec's expiry spelling":   {"signing_cert_expiry", float64(1)},
		"an expiry that is no integer": {"encryption_cert_expiry", "soon"},
		"payment by UPI and account":   {"payment_details", map[string]any{"upi_id": "x@upi", "account_number": "1", "ifsc_code": "B"}},
		"payment by nothing":           {"payment_details", map[string]any{"ifsc_code": "B"}},
		"payment by an unknown member": {"payment_details", map[string]any{"upi_id": "x@upi", "vpa": "x@upi"}},
		"an unknown address member":    {"address", map[string]any{"city": "Pune"}},
	} {
		rec := good()
		if tc.value == nil {
			delete(rec, tc.member)
		} else {
			rec[tc.member] = tc.value
		}
		assert.Error(t, schema.Validate(rec), name)
	}
}

// platformStates is a registry holding a participant in every state the
// platform profile meets: before and after step 3, live, suspended,
// de-boarded, with every optional member and over the schema's limits,
// with a bsp role beside another and alone, and certificates held as PEM,
// as base64 and as a URL.
func platformStates(t *testing.T) (all []*hcxonboard.Participant, served []string) {
	t.Helper()
	pemText := validDetails(t).EncryptionCert
	at := func(h int) time.Time { return time.Date(2026, 2, 1, h, 0, 0, 0, time.UTC) }
	p := func(code, name string, h int, status hcxonboard.Status, roles ...hcxonboard.Role) *hcxonboard.Participant {
		return &hcxonboard.Participant{ParticipantCode: code, ParticipantName: name, Roles: roles, Status: status,
			PrimaryMobile: fmt.Sprintf("90000%05d", h), CreatedAt: at(h), UpdatedAt: at(h)}
	}
	detailed := func(q *hcxonboard.Participant, cert string) *hcxonboard.Participant {
		q.EndpointURL, q.EncryptionCert = "https://hcx."+strings.Split(q.ParticipantCode, "@")[0]+".example/v0.9", cert
		return q
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(pemText))

	bare := p("rese_bare00_000001@hcx", "Bare Research", 1, hcxonboard.StatusCreated, hcxonboard.RoleResearch)
	bare.PrimaryEmail = "bare@research.example"
	stepThree := detailed(p("rese_step30_000002@hcx", "Step Three Research", 2, hcxonboard.StatusCreated, hcxonboard.RoleResearch), pemText)
	payer := detailed(p("payr_surak_000003@hcx", "Suraksha General Insurance", 3, hcxonboard.StatusActive, hcxonboard.RolePayer), b64)
	payer.PrimaryEmail = "ops@suraksha.example"
	payer.AdditionalEmail = []string{"a@suraksha.example", "b@suraksha.example", "c@suraksha.example"}
	payer.AdditionalMobile = []string{"9100000001", "9100000002", "9100000003"}
	payer.Phone = []string{"020 1", "020 2", "020 3", "020 4", "020 5"}
	payer.SigningCertPath, payer.EncryptionCertExpiry, payer.SigningCertExpiry = pemText, 1893456000000, 1893456000001
	payer.LinkedRegistryCodes, payer.SchemeCode = []string{"148@irda"}, "default"
	payer.Address = &hcxonboard.Address{Plot: "1", Street: "MG Road", District: "Pune", State: "Maharashtra", Pincode: "411001"}
	payer.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	tpa := detailed(p("agen_medias_000004@hcx", "MediAssist TPA", 4, hcxonboard.StatusInactive, hcxonboard.RoleTPA), pemText)
	tpa.PaymentDetails = &hcxonboard.PaymentDetails{UPIID: "mediassist.claims@okicici"}
	hosp := detailed(p("hosp_cityho_000005@hcx", "City Hospital", 5, hcxonboard.StatusBlocked,
		hcxonboard.RoleProvider, hcxonboard.RoleHospital, hcxonboard.RoleBSP), pemText)
	bspOnly := detailed(p("bsp0_wallet_000006@hcx", "Wallet App", 6, hcxonboard.StatusActive, hcxonboard.RoleBSP), pemText)
	noCert := p("rese_nocert_000007@hcx", "No Certificate Lab", 7, hcxonboard.StatusCreated, hcxonboard.RoleResearch)
	noCert.EndpointURL = "https://hcx.nocert.example/v0.9"
	byURL := detailed(p("regu_irdai0_000008@hcx", "Insurance Regulator", 8, hcxonboard.StatusActive, hcxonboard.RoleRegulator),
		"https://certs.regulator.example/enc.pem")
	hcx := detailed(p("hiee_hcx000_000009@hcx", "The HCX", 9, hcxonboard.StatusActive, hcxonboard.RoleHCX, hcxonboard.RoleSponsor,
		hcxonboard.RoleISNP, hcxonboard.RoleClinic, hcxonboard.RolePractitioner, hcxonboard.RoleDiagnostics, hcxonboard.RolePharmacy), pemText)

	all = []*hcxonboard.Participant{bare, stepThree, payer, tpa, hosp, bspOnly, noCert, byURL, hcx}
	for _, q := range []*hcxonboard.Participant{stepThree, payer, tpa, hosp, byURL, hcx} {
		served = append(served, q.ParticipantCode)
	}
	return all, served
}

// checkPlatformRecords validates every participant of a specification
// answer against the platform's schema and returns their codes.
func checkPlatformRecords(t *testing.T, schema *jsonschema.Schema, res response) []string {
	t.Helper()
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var a struct {
		Timestamp    int64            `json:"timestamp"`
		Participants []map[string]any `json:"participants"`
	}
	require.NoError(t, json.Unmarshal(res.body, &a))
	codes := []string{}
	for _, p := range a.Participants {
		assert.NoError(t, schema.Validate(p), "%v", p)
		codes = append(codes, p["participant_code"].(string))
	}
	return codes
}

// Every record the platform profile writes validates against the
// platform's schema: through search (whole, paged, by queryString) and
// read, from every state; participants it cannot hold are left out, and
// paging counts only those served.
func TestPlatformProfileRecordsValidate(t *testing.T) {
	t.Parallel()
	eachStore(t, testPlatformProfileRecordsValidate)
}

func testPlatformProfileRecordsValidate(t *testing.T, store registry.Store) {
	schema := platformSchema(t)
	all, served := platformStates(t)
	s := newSeededIn(t, store, all, httpapi.WithProfile(credential.ProfilePlatform), httpapi.WithPublicURL("https://hcx.example.org"))
	search := func(body string) response {
		return s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: body})
	}

	assert.Equal(t, served, checkPlatformRecords(t, schema, search(`{"filters":{}}`)))
	for limit := 1; limit <= 4; limit++ {
		var paged []string
		for offset := 0; offset < len(served)+2; offset += limit {
			page := checkPlatformRecords(t, schema, search(fmt.Sprintf(`{"limit":%d,"offset":%d}`, limit, offset)))
			assert.LessOrEqual(t, len(page), limit)
			if offset < len(served) {
				assert.Len(t, page, min(limit, len(served)-offset), "a page is short only at the end: limit %d offset %d", limit, offset)
			}
			paged = append(paged, page...)
		}
		assert.Equal(t, served, paged, "limit %d", limit)
	}
	// A cursor pages on past the records left out, neither skipping nor
	// repeating one.
	for limit := 1; limit <= 3; limit++ {
		var paged []string
		cursor := ""
		for range len(served) + 1 {
			body := fmt.Sprintf(`{"limit":%d}`, limit)
			if cursor != "" {
				body = fmt.Sprintf(`{"limit":%d,"cursor":%q}`, limit, cursor)
			}
			res := search(body)
			paged = append(paged, checkPlatformRecords(t, schema, res)...)
			var page struct {
				Next string `json:"next"`
			}
			require.NoError(t, json.Unmarshal(res.body, &page))
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		assert.Equal(t, served, paged, "limit %d, by cursor", limit)
	}
	for filters, want := range map[string][]string{
		`{"roles":{"eq":"payor"}}`:                         {served[1]},
		`{"roles":{"eq":"bsp"}}`:                           {served[3]}, // the hospital; the wallet app is not served
		`{"status":{"eq":"Created"}}`:                      {served[0]},
		`{"participant_name":{"queryString":"research"}}`:  {served[0]},
		`{"roles":{"queryString":"ops@SURAKSHA.example"}}`: {served[1]},
	} {
		assert.Equal(t, want, checkPlatformRecords(t, schema, search(`{"filters":`+filters+`}`)), filters)
	}

	for _, p := range all {
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
			body: `{"participant_code":"` + p.ParticipantCode + `"}`})
		if !slices.Contains(served, p.ParticipantCode) {
			require.Equal(t, http.StatusNotFound, res.status, "%s: %s", p.ParticipantCode, res.body)
			e := res.envelope(t)
			assert.Equal(t, httpapi.CodeInvalidParticipantCode, e.Error.Code)
			assert.Contains(t, e.Error.Message, "platform profile", "the 404 says why")
			assert.NotRegexp(t, internalWords, e.Error.Message)
			continue
		}
		assert.Equal(t, []string{p.ParticipantCode}, checkPlatformRecords(t, schema, res))
		res = s.do(request{method: http.MethodGet, path: "/v0.9/participant/read/" + p.ParticipantCode, auth: staffAuth})
		assert.Equal(t, []string{p.ParticipantCode}, checkPlatformRecords(t, schema, res))
	}

	// What the records say beyond the schema's shape.
	res := search(`{"filters":{"participant_code":{"or":["` + served[1] + `","` + served[3] + `"]}}}`)
	var a specAnswer
	res.decode(t, &a)
	require.Len(t, a.Participants, 2)
	payer, hosp := a.Participants[0], a.Participants[1]
	assert.Equal(t, []any{"payor"}, payer["roles"])
	assert.Len(t, payer["phone"], 3)
	assert.Len(t, payer["additional_mobile"], 2)
	assert.Equal(t, "https://hcx.example.org/certificates/"+served[1]+"/encryption_cert.pem", payer["encryption_cert"], "base64 held, a URL written")
	assert.Equal(t, []any{"provider", "provider.hospital"}, hosp["roles"], "bsp left out beside the others")
	assert.Equal(t, "Blocked", hosp["status"])
	assert.Equal(t, map[string]any{"account_number": "123456789012", "ifsc_code": "SBIN0001234"}, payer["payment_details"])
	assert.NotContains(t, hosp, "payment_details", "none registered, none written")
	res = search(`{"filters":{"participant_code":{"eq":"` + served[2] + `"}}}`)
	res.decode(t, &a)
	require.Len(t, a.Participants, 1)
	assert.Equal(t, map[string]any{"upi_id": "mediassist.claims@okicici"}, a.Participants[0]["payment_details"])
}

// The same through the engine: an application from submission to live,
// its participant/update, a suspension and a de-boarding, with every
// answer of the platform profile validated.
func TestPlatformProfileLifecycleValidates(t *testing.T) {
	t.Parallel()
	schema := platformSchema(t)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithStepUp(false)}, httpapi.WithProfile(credential.ProfilePlatform))
	ctx := context.Background()
	searchAll := func() []string {
		return checkPlatformRecords(t, schema, f.do(request{method: http.MethodPost, path: "/v0.9/participant/search",
			auth: staffAuth, body: `{"limit":1000}`}))
	}
	read := func(code string) response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth, body: `{"participant_code":"` + code + `"}`})
	}

	a, _ := f.submit(f.regulator("Lifecycle Regulator"))
	code := a.Participant.ParticipantCode
	assert.Equal(t, hcxonboard.StatusCreated, a.Participant.Status)
	assert.Empty(t, searchAll(), "registered without step-3 details: not served")
	assert.Equal(t, http.StatusNotFound, read(code).status)

	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	assert.Equal(t, []string{code}, searchAll(), "step 3 done, still Created: served")
	assert.Equal(t, []string{code}, checkPlatformRecords(t, schema, read(code)))

	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:approver"})
	require.NoError(t, err)
	assert.Equal(t, []string{code}, checkPlatformRecords(t, schema, read(code)))

	tok, err := f.svc.Token(ctx, code, creds.Secret)
	require.NoError(t, err)
	renewed, err := selfSigned()
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value),
		body: httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx2.regulator.example/v0.9", EncryptionCert: renewed,
			PaymentDetails: &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "sbin0001234"}}})
	assert.Equal(t, []string{code}, checkPlatformRecords(t, schema, res))
	assert.Contains(t, string(res.body), `"payment_details":{"account_number":"123456789012","ifsc_code":"SBIN0001234"}`)
	assert.Equal(t, []string{code}, checkPlatformRecords(t, schema, read(code)))

	other, _ := f.live("Leaving Regulator")
	_, err = f.svc.Suspend(ctx, a.ID, "staff:test", "audit")
	require.NoError(t, err)
	_, err = f.svc.Deboard(ctx, other.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:test", Reason: "closing"})
	require.NoError(t, err)
	got := searchAll()
	assert.ElementsMatch(t, []string{code, other.Participant.ParticipantCode}, got)
	for _, c := range got {
		checkPlatformRecords(t, schema, read(c))
	}
}
