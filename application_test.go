package hcxonboard_test

import (
	stdjson "encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

const hospitalJSON = `{
  "application_id": "app-42",
  "participant_name": "Sunrise Multispeciality Hospital",
  "roles": ["provider.hospital"],
  "primary_email": "it@sunrise.example",
  "primary_mobile": "+91 98450 12345",
  "address": {"street": "MG Road", "district": "Bengaluru Urban", "state": "Karnataka", "pincode": "560001"},
  "identifiers": {"hfr_id": "IN2910000123", "gstin": "29ABCDE1234F1ZW",
                  "facility_licence": {"number": "KA/BLR/2024/118", "valid_until": "2028-03-31"}},
  "system_admin": {"name": "Asha Rao", "email": "asha@sunrise.example", "mobile": "9845012345"},
  "documents": [{"kind": "address_proof", "uri": "https://docs.sunrise.example/addr.pdf",
                 "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "media_type": "application/pdf"}],
  "sandbox_certificate": "eyJ.x.y",
  "details": {"endpoint_url": "https://hcx.sunrise.example/v1"}
}`

func TestDecodeApplication(t *testing.T) {
	t.Parallel()
	app, err := hcxonboard.DecodeApplication(strings.NewReader(hospitalJSON))
	require.NoError(t, err)
	assert.Equal(t, "app-42", app.ApplicationID)
	assert.Equal(t, []hcxonboard.Role{hcxonboard.RoleHospital}, app.Roles)
	assert.Equal(t, "IN2910000123", app.Identifiers.HFRID)
	assert.Equal(t, "2028-03-31", app.Identifiers.FacilityLicence.ValidUntil)
	assert.Equal(t, "Karnataka", app.Address.State)
	doc, ok := app.Document(hcxonboard.DocAddressProof)
	require.True(t, ok)
	assert.Equal(t, "application/pdf", doc.MediaType)
	_, ok = app.Document(hcxonboard.DocSignatoryLetter)
	assert.False(t, ok)
	assert.True(t, app.HasRole(hcxonboard.RoleHospital))
	assert.Equal(t, "https://hcx.sunrise.example/v1", app.Details.EndpointURL)
}

func TestDecodeApplicationRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantInMessage string
	}{
		{"unknown top-level field", `{"participant_name":"x","colour":"red"}`, `json: unknown field "colour"`},
		{"unknown nested field", `{"identifiers":{"hfr":"IN2910000123"}}`, `unknown field "hfr" in "identifiers"`},
		{"unknown role", `{"roles":["doctor"]}`, `field "roles[0]": hcxonboard: unknown role: "doctor"`},
		{"wrong type", `{"roles":"payer"}`, `field "roles": expected an array, got JSON string`},
		{"wrong nested type", `{"identifiers":{"facility_licence":{"number":5}}}`,
			`field "identifiers.facility_licence.number": expected a string, got JSON number`},
		{"wrong type in a list", `{"documents":[{"kind":"address_proof"},{"kind":7}]}`, `field "documents[1].kind"`},
		{"trailing data", `{"participant_name":"x"} {"participant_name":"y"}`, "after the application"},
		{"trailing garbage", `{"participant_name":"x"}]`, "after the application"},
		{"malformed", `{"participant_name":`, "ends early"},
		{"syntax error", `{"participant_name" "x"}`, "malformed JSON at byte"},
		{"empty", ``, "empty"},
		{"only space", " \n\t ", "empty"},

		// encoding/json took all of these.
		{"null", `null`, "expected a JSON object, got JSON null"},
		{"array", `[]`, "expected a JSON object, got JSON array"},
		{"string", `"payer"`, "expected a JSON object, got JSON string"},
		{"number", `42`, "expected a JSON object, got JSON number"},
		{"boolean", `true`, "expected a JSON object, got JSON boolean"},
		{"duplicate name", `{"roles":["payer"],"roles":["bsp"]}`, `field "roles": given more than once`},
		{"duplicate nested name", `{"identifiers":{"hfr_id":"IN2910000123","hfr_id":"IN2910000124"}}`,
			`field "identifiers.hfr_id": given more than once`},
		{"duplicate name by escape", `{"roles":["payer"],"r\u006fles":["bsp"]}`, `field "roles": given more than once`},
		{"name differing by case", `{"Participant_Name":"x"}`,
			`json: unknown field "Participant_Name" (field names are case-sensitive: "participant_name")`},
		{"nested name differing by case", `{"identifiers":{"HFR_ID":"IN2910000123"}}`,
			`unknown field "HFR_ID" in "identifiers" (field names are case-sensitive: "hfr_id")`},
		{"case twin of a given field", `{"roles":["payer"],"ROLES":["bsp"]}`, `unknown field "ROLES"`},
		{"invalid UTF-8 in a value", "{\"participant_name\":\"Sunrise \xff\"}", "not valid UTF-8 (from byte 29)"},
		{"invalid UTF-8 in a name", "{\"participant_name\xc3\":\"x\"}", "not valid UTF-8 (from byte 18)"},
		{"lone surrogate escape", `{"participant_name":"\udc00"}`, "malformed JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, err := hcxonboard.DecodeApplication(strings.NewReader(tt.in))
			require.ErrorIs(t, err, hcxonboard.ErrInvalidApplication)
			assert.Nil(t, app)
			assert.Contains(t, err.Error(), tt.wantInMessage)
			_, err2 := hcxonboard.UnmarshalApplication([]byte(tt.in))
			assert.Equal(t, err.Error(), err2.Error(), "both entry points say the same")
		})
	}
}

func TestDecodeApplicationMessagesQuoteNoValue(t *testing.T) {
	t.Parallel()
	const secret = "9845012345"
	for _, in := range []string{
		`{"primary_mobile":` + secret + `}`,
		`{"system_admin":{"mobile":` + secret + `}}`,
		`{"primary_mobile":"` + secret + `","primary_mobile":"` + secret + `"}`,
	} {
		_, err := hcxonboard.UnmarshalApplication([]byte(in))
		require.ErrorIs(t, err, hcxonboard.ErrInvalidApplication, in)
		assert.NotContains(t, err.Error(), secret, in)
	}
}

func TestDecodeApplicationAcceptsTheEmptyObject(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{}`, " {\n} \n", `{"address":null,"roles":null}`} {
		app, err := hcxonboard.UnmarshalApplication([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, &hcxonboard.Application{}, app, in)
	}
}

// applicationCorpus is every application document the repository holds,
// for comparing the strict decoder with encoding/json.
func applicationCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{"hospitalJSON": []byte(hospitalJSON)}
	for _, dir := range []string{"verifier/testdata", "examples/prevalidate/testdata"} {
		names, err := filepath.Glob(filepath.Join(dir, "*.json"))
		require.NoError(t, err)
		for _, name := range names {
			if filepath.Base(name) == "trust.json" {
				continue
			}
			b, err := os.ReadFile(name)
			require.NoError(t, err)
			out[name] = b
		}
	}
	require.Greater(t, len(out), 20)
	return out
}

// decodeV1 is the decoder UnmarshalApplication used before: encoding/json
// with unknown fields refused.
func decodeV1(data []byte) (*hcxonboard.Application, error) {
	dec := stdjson.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var app hcxonboard.Application
	if err := dec.Decode(&app); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the application")
	}
	return &app, nil
}

// Every application that decoded before decodes to the same value.
func TestDecodeApplicationAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for name, data := range applicationCorpus(t) {
		want, err := decodeV1(data)
		require.NoError(t, err, name)
		got, err := hcxonboard.UnmarshalApplication(data)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	// NHCX numeric role codes, aliases, escapes and nulls too.
	for _, in := range []string{
		`{"roles":[10001,"payor","BSP"," provider.hospital "]}`,
		`{"participant_name":"S\u00fcrya \"Care\"\n","address":{"state":"Kar\u006eataka"}}`,
		`{"system_admin":null,"documents":[],"bsp":{"stakeholders_serviced":null}}`,
		`{"identifiers":{"facility_licence":{"number":"","valid_until":""}}}`,
	} {
		want, err := decodeV1([]byte(in))
		require.NoError(t, err, in)
		got, err := hcxonboard.UnmarshalApplication([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestDecodeApplicationSizeLimit(t *testing.T) {
	t.Parallel()
	big := `{"participant_name":"` + strings.Repeat("a", hcxonboard.MaxApplicationSize) + `"}`
	_, err := hcxonboard.DecodeApplication(strings.NewReader(big))
	require.ErrorIs(t, err, hcxonboard.ErrTooLarge)
	_, err = hcxonboard.UnmarshalApplication([]byte(big))
	require.ErrorIs(t, err, hcxonboard.ErrTooLarge)
}

func TestApplicationCloneIsDeep(t *testing.T) {
	t.Parallel()
	app, err := hcxonboard.UnmarshalApplication([]byte(hospitalJSON))
	require.NoError(t, err)
	c := app.Clone()
	c.Roles[0] = hcxonboard.RolePayer
	c.Documents[0].URI = "changed"
	c.Address.State = "changed"
	c.Identifiers.FacilityLicence.Number = "changed"
	c.SystemAdmin.Name = "changed"
	c.Details.EndpointURL = "changed"
	again, err := hcxonboard.UnmarshalApplication([]byte(hospitalJSON))
	require.NoError(t, err)
	assert.Equal(t, again, app, "changing the clone changed the original")
	assert.Nil(t, (*hcxonboard.Application)(nil).Clone())
}

func TestMask(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "******3210", hcxonboard.MaskMobile("9876543210"))
	assert.Equal(t, "+**-*****-*3210", hcxonboard.MaskMobile("+91-98765-43210"))
	assert.Equal(t, "***", hcxonboard.MaskMobile("123"))
	assert.Equal(t, "a****@example.org", hcxonboard.MaskEmail("admin@example.org"))
	assert.Equal(t, "********", hcxonboard.MaskEmail("noatsign"))
	assert.Equal(t, "é*@x.in", hcxonboard.MaskEmail("éa@x.in"))
	assert.NotContains(t, hcxonboard.MaskEmail("rahul.sharma@example.org"), "rahul")
	assert.Equal(t, "**-****-****-9012", hcxonboard.MaskHPRID("71-1234-5678-9012"))
	assert.Equal(t, "a*********@hpr.abdm", hcxonboard.MaskHPRID("asha.rao01@hpr.abdm"))
}

// FuzzUnmarshalApplication checks that the strict decoder never panics,
// only accepts what encoding/json accepted (and to the same value), and
// only accepts valid UTF-8 objects with canonical roles.
func FuzzUnmarshalApplication(f *testing.F) {
	for _, data := range applicationCorpus(f) {
		f.Add(data)
	}
	for _, s := range []string{
		`{"roles":[10001]}`, `{}`, `null`, `[]`, `{"roles":["payer"],"roles":["bsp"]}`,
		`{"Participant_Name":"x"}`, "{\"participant_name\":\"\xff\"}", `{"participant_name":"\udc00"}`,
		`{"identifiers":{"facility_licence":{"number":5}}}`, `{"documents":[{"kind":"address_proof"}]} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := hcxonboard.UnmarshalApplication(data)
		if err != nil {
			if app != nil {
				t.Fatal("an error with an application")
			}
			if !errors.Is(err, hcxonboard.ErrInvalidApplication) && !errors.Is(err, hcxonboard.ErrTooLarge) {
				t.Fatalf("error wraps neither sentinel: %v", err)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("accepted invalid UTF-8")
		}
		if trimmed := strings.TrimLeft(string(data), " \t\r\n"); !strings.HasPrefix(trimmed, "{") {
			t.Fatalf("accepted a document that is not an object: %q", data)
		}
		for _, r := range app.Roles {
			if !r.Valid() {
				t.Fatalf("decoded a non-canonical role %q", r)
			}
		}
		old, err := decodeV1(data)
		if err != nil {
			t.Fatalf("accepted what encoding/json refused (%v): %q", err, data)
		}
		if !reflect.DeepEqual(old, app) {
			t.Fatalf("decodes differently from encoding/json: %q\nold %+v\nnew %+v", data, old, app)
		}
	})
}

// An unknown role met while decoding is both an invalid application and
// ErrUnknownRole, and the error names the value.
func TestDecodeUnknownRoleIsErrUnknownRole(t *testing.T) {
	t.Parallel()
	_, err := hcxonboard.DecodeApplication(strings.NewReader(`{"roles":["doctor"]}`))
	require.ErrorIs(t, err, hcxonboard.ErrInvalidApplication)
	require.ErrorIs(t, err, hcxonboard.ErrUnknownRole)
	assert.Contains(t, err.Error(), `"doctor"`)
	_, err = hcxonboard.DecodeApplication(strings.NewReader(`{"roles":["payer"]}`))
	assert.NotErrorIs(t, err, hcxonboard.ErrUnknownRole)
}

// An invalid application's error is ErrInvalidApplication (and
// ErrUnknownRole for an unknown role), never the JSON decoder's own
// errors: a document that ends early is no I/O failure.
func TestDecodeErrorsKeepToTheirSentinels(t *testing.T) {
	t.Parallel()
	_, err := hcxonboard.DecodeApplication(strings.NewReader(`{"participant_name":`))
	require.ErrorIs(t, err, hcxonboard.ErrInvalidApplication)
	assert.NotErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotErrorIs(t, err, hcxonboard.ErrUnknownRole)
}
