package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The NHCX record profile: certificates as the base64 of their PEM, roles
// as NHCX's numeric codes, whatever form step 3 held the certificate in;
// searches still read every spelling.
func TestNHCXRecordProfile(t *testing.T) {
	t.Parallel()
	ps := specFixture(t)
	pemText := ps[0].EncryptionCert
	b64 := base64.StdEncoding.EncodeToString([]byte(pemText))
	ps[1].EncryptionCert = base64.StdEncoding.EncodeToString([]byte("\n" + pemText)) // as step 3 takes it
	ps[1].EndpointURL = "https://hcx.cityhospital.example/v0.9"
	ps[2].EncryptionCert = "https://certs.mediassist.example/encryption.pem"
	s := newSeeded(t, ps, httpapi.WithProfile(credential.ProfileNHCX))

	search := func(filters string) specAnswer {
		t.Helper()
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: `{"filters":` + filters + `}`})
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		var a specAnswer
		res.decode(t, &a)
		return a
	}
	all := search(`{}`)
	require.Len(t, all.Participants, 4)
	byCode := map[string]map[string]any{}
	for _, p := range all.Participants {
		byCode[p["participant_code"].(string)] = p
	}
	payer, hosp, tpa, lab := byCode[ps[0].ParticipantCode], byCode[ps[1].ParticipantCode], byCode[ps[2].ParticipantCode], byCode[ps[3].ParticipantCode]

	assert.Equal(t, []any{"10002"}, payer["roles"])
	assert.Equal(t, b64, payer["encryption_cert"], "the base64 of the PEM, header lines included")
	dec, err := base64.StdEncoding.DecodeString(payer["encryption_cert"].(string))
	require.NoError(t, err)
	assert.Equal(t, pemText, string(dec))
	assert.Equal(t, b64, payer["signing_cert_path"])
	assert.InDelta(t, 1893456000001, payer["signing_cert_expiry"], 0)
	assert.NotContains(t, payer, "osOwner")

	assert.Equal(t, []any{"10001"}, hosp["roles"], "provider and provider.hospital are both 10001")
	assert.Equal(t, b64, hosp["encryption_cert"], "a base64 certificate is written in the same normal form")
	assert.Equal(t, []any{"10003"}, tpa["roles"])
	assert.Equal(t, "https://certs.mediassist.example/encryption.pem", tpa["encryption_cert"], "a URL stays a URL")
	assert.Equal(t, []any{"10005"}, lab["roles"])
	assert.NotContains(t, lab, "encryption_cert", "no certificate given")

	// Every spelling reads, whatever the profile writes.
	for filters, want := range map[string][]string{
		`{"roles":{"eq":"10002"}}`:           {ps[0].ParticipantCode},
		`{"roles":{"eq":"payor"}}`:           {ps[0].ParticipantCode},
		`{"roles":{"eq":"payer"}}`:           {ps[0].ParticipantCode},
		`{"roles":{"or":["10001","10003"]}}`: {ps[1].ParticipantCode, ps[2].ParticipantCode},
		`{"roles":{"eq":"10010"}}`:           {}, // no role: no participant
	} {
		assert.Equal(t, want, codesOf(search(filters)), filters)
	}

	// participant/read writes the same record.
	res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
		body: `{"participant_code":"` + ps[0].ParticipantCode + `"}`})
	require.Equal(t, http.StatusOK, res.status)
	var read specAnswer
	res.decode(t, &read)
	assert.Equal(t, payer, read.Participants[0])

	for _, name := range []string{"NHCX", "nhcx-v2", " nhcx"} {
		_, err := httpapi.New(newService(t), httpapi.WithProfile(credential.Profile(name)))
		require.ErrorIs(t, err, httpapi.ErrInvalidOption, name)
	}
}

// A participant sends its certificate in NHCX's form through
// participant/update and reads it back in that form; what is not a
// certificate is refused.
func TestNHCXParticipantUpdate(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithStepUp(false)}, httpapi.WithProfile(credential.ProfileNHCX))
	ctx := context.Background()
	a, secret := f.live("NHCX Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	renewed, err := selfSigned()
	require.NoError(t, err)
	update := func(cert string) response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value),
			body: httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx.nhcx-regulator.example/v0.9", EncryptionCert: cert}})
	}

	res := update(base64.StdEncoding.EncodeToString([]byte(renewed)))
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var ans specAnswer
	res.decode(t, &ans)
	require.Len(t, ans.Participants, 1)
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte(renewed)), ans.Participants[0]["encryption_cert"])
	assert.Equal(t, []any{"10004"}, ans.Participants[0]["roles"])
	cert := f.do(request{method: http.MethodGet, path: "/certificates/" + code + "/encryption_cert.pem"})
	require.Equal(t, http.StatusOK, cert.status)
	assert.Equal(t, renewed, string(cert.body), "the certificate URL serves the PEM whatever the record's form")

	for name, bad := range map[string]string{
		"base64 of no certificate": base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n")),
		"not base64 either":        "%%%",
	} {
		res := update(bad)
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, httpapi.CodeInvalidCertificate, res.envelope(t).Error.Code, name)
	}
}

// Under the NHCX profile a hospital's record carries 10001, the code of
// every provider role; a search by 10001 finds it, as it finds any
// provider — whichever sub-role it holds — and a search by the hospital's
// own role still finds it alone among providers of other kinds.
func TestNHCXRoleCodeFindsWhatItWrites(t *testing.T) {
	t.Parallel()
	hosp := liveRecord(t, "hosp_cityho_000002@hcx", "City Hospital", hcxonboard.RoleHospital)
	lab := liveRecord(t, "diag_lab_000003@hcx", "City Lab", hcxonboard.RoleDiagnostics)
	payer := liveRecord(t, "payr_suraks_000004@hcx", "Suraksha Insurance", hcxonboard.RolePayer)
	s := newSeeded(t, []*hcxonboard.Participant{hosp, lab, payer}, httpapi.WithProfile(credential.ProfileNHCX))
	search := func(filters string) []string {
		t.Helper()
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: `{"filters":` + filters + `}`})
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		var a specAnswer
		res.decode(t, &a)
		codes := codesOf(a)
		slices.Sort(codes)
		return codes
	}
	providers := []string{lab.ParticipantCode, hosp.ParticipantCode}
	slices.Sort(providers)
	assert.Equal(t, providers, search(`{"roles":{"eq":"10001"}}`))
	assert.Equal(t, providers, search(`{"roles":{"or":["10001"]}}`))
	all := append(slices.Clone(providers), payer.ParticipantCode)
	slices.Sort(all)
	assert.Equal(t, all, search(`{"roles":{"or":["10001","10002"]}}`))
	assert.Equal(t, []string{payer.ParticipantCode}, search(`{"roles":{"eq":"10002"}}`))
	assert.Equal(t, []string{hosp.ParticipantCode}, search(`{"roles":{"eq":"provider.hospital"}}`))
	assert.Equal(t, providers, search(`{"roles":{"neq":"10002"}}`), "a code for one role excludes it")
	// neq cannot exclude a family: a clear refusal, not a wrong answer.
	for _, path := range []string{"/v0.9/participant/search", "/v1/onboarding/participants/search"} {
		res := s.do(request{method: http.MethodPost, path: path, auth: staffAuth, body: `{"filters":{"roles":{"neq":"10001"}}}`})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", path, res.body)
		assert.Contains(t, string(res.body), "or for the roles wanted", path)
	}
}

// liveRecord is an Active participant's record holding one role, with an
// endpoint and an encryption certificate, for seeding a store.
func liveRecord(t *testing.T, code, name string, role hcxonboard.Role) *hcxonboard.Participant {
	t.Helper()
	at := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	return &hcxonboard.Participant{ParticipantCode: code, ParticipantName: name, Roles: []hcxonboard.Role{role},
		PrimaryMobile: "9000000002", Status: hcxonboard.StatusActive, EndpointURL: "https://hcx." + strings.Split(code, "@")[0] + ".example/v0.9",
		EncryptionCert: validDetails(t).EncryptionCert, CreatedAt: at, UpdatedAt: at}
}
