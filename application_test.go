package hcxonboard_test

import (
	"strings"
	"testing"

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
		{"unknown top-level field", `{"participant_name":"x","colour":"red"}`, `"colour"`},
		{"unknown nested field", `{"identifiers":{"hfr":"IN2910000123"}}`, `"hfr"`},
		{"unknown role", `{"roles":["doctor"]}`, `"doctor"`},
		{"wrong type", `{"roles":"payer"}`, "roles"},
		{"wrong nested type", `{"identifiers":{"facility_licence":{"number":5}}}`, "number"},
		{"trailing data", `{"participant_name":"x"} {"participant_name":"y"}`, "after the application"},
		{"not an object", `[]`, "expected"},
		{"malformed", `{"participant_name":`, "ends early"},
		{"empty", ``, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := hcxonboard.DecodeApplication(strings.NewReader(tt.in))
			require.ErrorIs(t, err, hcxonboard.ErrInvalidApplication)
			assert.Contains(t, err.Error(), tt.wantInMessage)
		})
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
}

func FuzzUnmarshalApplication(f *testing.F) {
	f.Add([]byte(hospitalJSON))
	f.Add([]byte(`{"roles":[10001]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := hcxonboard.UnmarshalApplication(data)
		if err != nil {
			return
		}
		for _, r := range app.Roles {
			if !r.Valid() {
				t.Fatalf("decoded a non-canonical role %q", r)
			}
		}
	})
}
