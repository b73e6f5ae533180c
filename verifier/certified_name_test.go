package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestCertifiedName: a practitioner's certificate names a person, compared
// as a person's name (title aside, names in any order); anyone else's
// names an organisation, compared as SameName does.
func TestCertifiedName(t *testing.T) {
	t.Parallel()
	app := func(name string, roles ...hcxonboard.Role) *hcxonboard.Application {
		return &hcxonboard.Application{ParticipantName: name, Roles: roles}
	}
	practitioner, hospital := hcxonboard.RolePractitioner, hcxonboard.RoleHospital
	tests := []struct {
		app  *hcxonboard.Application
		cert string
		want bool
	}{
		{app("Dr. Asha Rao", practitioner), "Asha Rao", true},
		{app("Asha Rao", practitioner), "Dr Rao, Asha", true},
		{app("Dr. Asha Rao", practitioner, hospital), "ASHA RAO", true},
		{app("Sunrise Hospital Pvt Ltd", hospital), "Sunrise Hospital", true},

		{app("Dr. Asha Rao", practitioner), "Dr. Meera Iyer", false},
		{app("Asha Rao", practitioner), "Asha Rao Kumar", false},
		{app("Dr. Asha Rao", hospital), "Asha Rao", false},
		{app("Sunrise Hospital", hospital), "Hospital Sunrise", false},
		{app("Asha Rao", practitioner), "", false},
		{nil, "Asha Rao", false},
	}
	for _, tt := range tests {
		var name string
		if tt.app != nil {
			name = tt.app.ParticipantName
		}
		assert.Equal(t, tt.want, verifier.CertifiedName(tt.app, tt.cert), "%q certified, %q applying", tt.cert, name)
	}
}
