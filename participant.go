package hcxonboard

import "time"

// Participant is a record of the HCX participant registry, with the
// specification's JSON field names.
type Participant struct {
	ParticipantCode      string   `json:"participant_code"`
	ParticipantName      string   `json:"participant_name"`
	Roles                []Role   `json:"roles"`
	PrimaryEmail         string   `json:"primary_email,omitempty"`
	PrimaryMobile        string   `json:"primary_mobile"`
	AdditionalEmail      []string `json:"additional_email,omitempty"`
	AdditionalMobile     []string `json:"additional_mobile,omitempty"`
	Phone                []string `json:"phone,omitempty"`
	Status               Status   `json:"status"`
	EndpointURL          string   `json:"endpoint_url,omitempty"`
	EncryptionCert       string   `json:"encryption_cert,omitempty"`
	EncryptionCertExpiry int64    `json:"encryption_cert_expiry,omitempty"` // epoch milliseconds
	SigningCertPath      string   `json:"signing_cert_path,omitempty"`
	SigningCertExpiry    int64    `json:"signing_cert_expiry,omitempty"` // epoch milliseconds
	LinkedRegistryCodes  []string `json:"linked_registry_codes,omitempty"`
	SchemeCode           string   `json:"scheme_code,omitempty"`
	Address              *Address `json:"address,omitempty"`
	// PaymentDetails is, optionally, where the participant is paid: a
	// UPI ID, or an account number with its IFSC (NormalizePaymentDetails
	// checks it). Records stored before it existed have none.
	PaymentDetails *PaymentDetails `json:"payment_details,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// HasRole reports whether p holds r.
func (p *Participant) HasRole(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of p.
func (p *Participant) Clone() *Participant {
	if p == nil {
		return nil
	}
	c := *p
	c.Roles = append([]Role(nil), p.Roles...)
	c.AdditionalEmail = append([]string(nil), p.AdditionalEmail...)
	c.AdditionalMobile = append([]string(nil), p.AdditionalMobile...)
	c.Phone = append([]string(nil), p.Phone...)
	c.LinkedRegistryCodes = append([]string(nil), p.LinkedRegistryCodes...)
	if p.Address != nil {
		a := *p.Address
		c.Address = &a
	}
	c.PaymentDetails = p.PaymentDetails.Clone()
	return &c
}
