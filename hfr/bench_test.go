package hfr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// BenchmarkFacility is a facility look-up through the client against the
// fake with no latency; compare with BenchmarkFacilityBareHTTP in the same
// run (goal: at most 1.5 times its time).
func BenchmarkFacility(b *testing.B) {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Facility(ctx, "IN2910000123"); err != nil { // session and connection
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := c.Facility(ctx, "IN2910000123")
		if err != nil || f.ID != "IN2910000123" {
			b.Fatal(f.ID, err)
		}
	}
}

// BenchmarkFacilityBareHTTP is the same search as a bare net/http POST with
// a token fetched beforehand, decoding the JSON answer: the floor the
// client's overhead is measured against.
func BenchmarkFacilityBareHTTP(b *testing.B) {
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer srv.Close()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	ctx := context.Background()
	token := bareToken(b, hc, srv)
	body := []byte(`{"facilityId":"IN2910000123","facilityName":"","ownershipCode":"","stateLGDCode":"",` +
		`"districtLGDCode":"","subDistrictLGDCode":"","pincode":"","page":1,"resultsPerPage":10}`)
	url := srv.RegistryURL() + "/FacilityManagement/v1.5/facility/search"
	type row struct {
		FacilityID, FacilityName, FacilityStatus, Ownership, OwnershipCode, SystemOfMedicine, SystemOfMedicineCode string
		FacilityType, FacilityTypeCode, StateName, StateLGDCode, DistrictName, DistrictLGDCode, SubDistrictName    string
		Address, Pincode, Latitude, Longitude                                                                      string
	}
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			Facilities []row `json:"facilities"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(out.Facilities) != 1 || out.Facilities[0].FacilityID != "IN2910000123" {
			b.Fatal(resp.StatusCode, err)
		}
	}
}

func bareToken(b *testing.B, hc *http.Client, srv *hfrtest.Server) string {
	b.Helper()
	resp, err := hc.Post(srv.URL+hfrtest.PathSessionV05, "application/json",
		bytes.NewReader([]byte(`{"clientId":"`+hfrtest.DefaultClientID+`","clientSecret":"`+hfrtest.DefaultClientSecret+`"}`)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || s.AccessToken == "" {
		b.Fatal("no token", err)
	}
	return s.AccessToken
}
