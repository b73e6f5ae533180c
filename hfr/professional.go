package hfr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Registration is one council registration of a professional.
type Registration struct {
	Category, CouncilName, RegistrationNumber, RegistrationDate, DueDate string
}

// Professional is an HPR entry: the searchByHprId profile, with the
// registrations, council flag, active flag and application status of the
// professional details when HPR has them.
type Professional struct {
	HPRIDNumber, HPRID, Name, CategoryID, SubCategoryID string
	AuthMethods                                         []string
	CouncilVerified                                     bool
	Registrations                                       []Registration

	// Active is HPR's own active flag for the professional's record
	// (details key "active", a JSON boolean or a string such as "true").
	// It is nil when HPR sent none (no details, the key absent, null or
	// empty), which says nothing either way; false when HPR holds the
	// record as not active, and also when HPR sent a value that reads as
	// neither true nor false, since such a record is not known to be
	// active.
	Active *bool
	// ApplicationStatus is HPR's status of the professional's application
	// (details key "application_status", e.g. "Approved"), trimmed; "" when
	// HPR sent none.
	ApplicationStatus string
}

type hprProfile struct {
	HPRIDNumber   flexString `json:"hprIdNumber"`
	HPRID         flexString `json:"hprId"`
	Name          flexString `json:"name"`
	AuthMethods   []string   `json:"authMethods"`
	CategoryID    flexString `json:"categoryId"`
	SubCategoryID flexString `json:"subCategoryId"`
	envelope
}

type detailsRequest struct {
	Practitioner struct {
		ID string `json:"id"`
	} `json:"practitioner"`
}

// detailsResponse holds practitioners as HPR sends them, an array of arrays;
// a flat array is accepted too.
type detailsResponse struct {
	Practitioners []json.RawMessage `json:"practitioners"`
	envelope
}

type practitioner struct {
	Identifier        flexString   `json:"identifier"`
	HPRID             flexString   `json:"hpr_id"`
	IsCouncilVerified flexBool     `json:"is_council_verified"`
	Active            optionalBool `json:"active"`
	ApplicationStatus flexString   `json:"application_status"`
	Registrations     []struct {
		Category           flexString `json:"category"`
		CouncilName        flexString `json:"councilName"`
		RegistrationNumber flexString `json:"registrationNumber"`
		RegistrationDate   flexString `json:"registrationDate"`
		DueDate            flexString `json:"dueDate"`
	} `json:"registrations"`
}

// Professional looks a professional up by HPR ID: the 14-digit number
// (plain or dashed) or the username@hpr.abdm address. HTTP 404, or 422 with
// HIS-3008, is ErrNotFound. The profile must name the professional asked
// for. Registrations and the council flag come from the professional
// details; when HPR has no details the profile is returned without them.
func (c *Client) Professional(ctx context.Context, hprID string) (Professional, error) {
	id, err := NormalizeHPRID(hprID)
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: professional: %w", err)
	}
	p, err := c.searchProfessional(ctx, id)
	if err != nil {
		return Professional{}, fmt.Errorf("hfr: professional %s: %w", hcxonboard.MaskHPRID(id), err)
	}
	if err := c.professionalDetails(ctx, &p); err != nil {
		return Professional{}, fmt.Errorf("hfr: professional %s: details: %w", hcxonboard.MaskHPRID(id), err)
	}
	return p, nil
}

// searchProfessional reads the searchByHprId profile of a canonical HPR ID
// and checks that it names that professional.
func (c *Client) searchProfessional(ctx context.Context, id string) (Professional, error) {
	rep, err := c.do(ctx, &call{
		op:     "professional search",
		method: http.MethodGet,
		url:    c.registryURL + pathSearchHPR + url.PathEscape(id),
		// The address's @ escaped, as a URL may carry it: the log's
		// redactor would take the URL before it for an address.
		shown:  c.registryURL + pathSearchHPR + strings.ReplaceAll(hcxonboard.MaskHPRID(id), "@", "%40"),
		hprIDs: []string{id},
		auth:   true,
		retry:  true,
	})
	if err != nil {
		return Professional{}, err
	}
	var prof hprProfile
	if err := c.decode(rep, &prof); err != nil {
		return Professional{}, err
	}
	number, address := prof.HPRIDNumber.trim(), prof.HPRID.trim()
	if number == "" && address == "" {
		return Professional{}, fmt.Errorf("%w: profile without hprIdNumber or hprId", ErrUnexpectedResponse)
	}
	if !sameHPR(number, id) && !sameHPR(address, id) {
		return Professional{}, fmt.Errorf("%w: profile is for another professional", ErrUnexpectedResponse)
	}
	return Professional{
		HPRIDNumber:   number,
		HPRID:         address,
		Name:          prof.Name.trim(),
		CategoryID:    prof.CategoryID.trim(),
		SubCategoryID: prof.SubCategoryID.trim(),
		AuthMethods:   prof.AuthMethods,
	}, nil
}

// professionalDetails adds registrations, the council flag, the active flag
// and the application status to p. Only an
// entry that carries p's own HPR ID counts; no such entry, an empty list or
// "not found" leaves p without details.
func (c *Client) professionalDetails(ctx context.Context, p *Professional) error {
	var req detailsRequest
	req.Practitioner.ID = p.HPRIDNumber
	if req.Practitioner.ID == "" {
		req.Practitioner.ID = p.HPRID
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	rep, err := c.do(ctx, &call{
		op:     "professional details",
		method: http.MethodPost,
		url:    c.registryURL + pathProfessional,
		body:   body,
		hprIDs: p.ids(),
		auth:   true,
		retry:  true,
	})
	var apiErr *APIError
	if errors.Is(err, ErrNotFound) || errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		// Any 404, a web page's too: the details are optional, and a host
		// that does not serve them leaves the profile as it is.
		return nil
	}
	if err != nil {
		return err
	}
	var res detailsResponse
	if err := c.decode(rep, &res); err != nil {
		return err
	}
	// Every record of this professional must say the same of its standing
	// (council verification, active, application status): records that
	// disagree prove nothing, in whichever order they come. The first
	// record's registrations are kept: a professional registered with
	// more than one council may be listed once per registration.
	var found *practitionerDetails
	for _, raw := range res.Practitioners {
		var group []practitioner
		if len(raw) > 0 && raw[0] == '[' {
			if err := json.Unmarshal(raw, &group); err != nil {
				return fmt.Errorf("%w: practitioners: %s", ErrUnexpectedResponse, strings.TrimPrefix(err.Error(), "json: "))
			}
		} else {
			group = make([]practitioner, 1)
			if err := json.Unmarshal(raw, &group[0]); err != nil {
				return fmt.Errorf("%w: practitioners: %s", ErrUnexpectedResponse, strings.TrimPrefix(err.Error(), "json: "))
			}
		}
		for _, pr := range group {
			if !p.names(pr.HPRID.trim()) && !p.names(pr.Identifier.trim()) {
				continue
			}
			d := pr.details()
			if found == nil {
				found = &d
				continue
			}
			if !d.same(*found) {
				return fmt.Errorf("%w: practitioners: contradictory records of this professional", ErrUnexpectedResponse)
			}
		}
	}
	if found != nil {
		p.CouncilVerified, p.Active, p.ApplicationStatus, p.Registrations = found.verified, found.active, found.status, found.registrations
	}
	return nil
}

// practitionerDetails is what a details record says of a professional;
// same compares its standing, not its registrations.
type practitionerDetails struct {
	verified      bool
	active        *bool
	status        string
	registrations []Registration
}

func (pr *practitioner) details() practitionerDetails {
	d := practitionerDetails{verified: bool(pr.IsCouncilVerified), active: pr.Active.value, status: pr.ApplicationStatus.trim()}
	for _, r := range pr.Registrations {
		d.registrations = append(d.registrations, Registration{
			Category:           r.Category.trim(),
			CouncilName:        r.CouncilName.trim(),
			RegistrationNumber: r.RegistrationNumber.trim(),
			RegistrationDate:   r.RegistrationDate.trim(),
			DueDate:            r.DueDate.trim(),
		})
	}
	return d
}

func (d practitionerDetails) same(o practitionerDetails) bool {
	return d.verified == o.verified && (d.active == nil) == (o.active == nil) && (d.active == nil || *d.active == *o.active) &&
		d.status == o.status
}

// ids returns p's HPR IDs that read as HPR IDs, canonical, for masking in
// the registry's text.
func (p *Professional) ids() []string {
	var out []string
	for _, v := range []string{p.HPRIDNumber, p.HPRID} {
		if id, err := NormalizeHPRID(v); err == nil {
			out = append(out, id)
		} else if id, err := NormalizeHPRID(v + hprDomain); err == nil && !strings.Contains(v, "@") {
			out = append(out, id)
		}
	}
	return out
}

// names reports whether a registry value is p's HPR number or address.
func (p *Professional) names(v string) bool {
	if v == "" {
		return false
	}
	if d, ok := hprNumberDigits(strings.TrimSpace(v)); ok {
		pd, ok := hprNumberDigits(p.HPRIDNumber)
		return ok && pd == d
	}
	if p.HPRID == "" {
		return false
	}
	return sameHPR(v, strings.ToLower(p.HPRID))
}
