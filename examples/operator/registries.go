package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

// registries are the HFR/HPR client and the ROHINI look-up, real or fake.
type registries struct {
	hfr          *hfr.Client
	facilityOTP  onboarding.FacilityOTP
	professional verifier.ProfessionalAuth // HPR's authentication of practitioners
	// codes is where the demo writes the one-time codes it prints: the
	// fakes' HFR and HPR codes, and the system admins' (demoNotifier).
	codes        *codeLog
	rohini       *rohini.HTTPLookup
	fakeHFR      *hfrtest.Server
	fakeRohini   *rohinitest.Server
	hfrSource    string
	rohiniSource string
}

// openRegistries opens the HFR/HPR client and the ROHINI look-up, their
// calls timed and counted by m.
func openRegistries(cfg config, out io.Writer, m *metrics.Metrics) (*registries, error) {
	// The HFR client follows no redirect (a registry API that redirects
	// is misconfigured); the client given keeps that.
	hfrHTTP := &http.Client{Transport: m.HFRRoundTripper(nil),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r := &registries{codes: newCodeLog(cfg.data)}
	var err error
	switch {
	case cfg.hfrGateway != "" || cfg.hfrRegistry != "" || cfg.hfrClientID != "":
		if cfg.hfrGateway == "" || cfg.hfrRegistry == "" || cfg.hfrClientID == "" || cfg.hfrSecret == "" {
			return nil, errors.New(realHFRNeeds)
		}
		env := hfr.Sandbox
		switch cfg.hfrEnv {
		case "sandbox":
		case "production":
			env = hfr.Production
		default:
			return nil, fmt.Errorf("-hfr-env %q: want sandbox or production", cfg.hfrEnv)
		}
		r.hfr, err = hfr.New(hfr.WithGatewayURL(cfg.hfrGateway), hfr.WithRegistryURL(cfg.hfrRegistry),
			hfr.WithCredentials(cfg.hfrClientID, cfg.hfrSecret), hfr.WithEnvironment(env), hfr.WithHTTPClient(hfrHTTP))
		if err != nil {
			return nil, fmt.Errorf("HFR client: %w", err)
		}
		r.facilityOTP, r.professional = r.hfr, r.hfr
		r.hfrSource = cfg.hfrRegistry + " (gateway " + cfg.hfrGateway + ")"
	default:
		r.fakeHFR = hfrtest.NewServer(hfrtest.WithSeed(true))
		if r.hfr, err = r.fakeHFR.Client(hfr.WithHTTPClient(hfrHTTP)); err != nil {
			r.close()
			return nil, fmt.Errorf("HFR fake: %w", err)
		}
		r.facilityOTP = fakeHFROTP{FacilityOTP: r.hfr, fake: r.fakeHFR, out: out, codes: r.codes}
		r.professional = fakeHPRAuth{ProfessionalAuth: r.hfr, fake: r.fakeHFR, out: out, codes: r.codes}
		r.hfrSource = "in-process fake with demo facilities (" + r.fakeHFR.URL + ")"
	}
	if cfg.rohiniURL != "" {
		if r.rohini, err = rohini.NewHTTPLookup(cfg.rohiniURL,
			rohini.WithHTTPClient(&http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, nil)})); err != nil {
			r.close()
			return nil, fmt.Errorf("ROHINI look-up: %w", err)
		}
		// The banner shows it: not the password its user info may carry.
		r.rohiniSource = cfg.rohiniURL
		if u, err := url.Parse(cfg.rohiniURL); err == nil {
			r.rohiniSource = u.Redacted()
		}
	} else {
		r.fakeRohini = rohinitest.NewServer()
		if r.rohini, err = r.fakeRohini.Lookup(rohini.WithHTTPClient(
			&http.Client{Transport: m.RoundTripper(metrics.RegistryRohini, r.fakeRohini.Client().Transport)})); err != nil {
			r.close()
			return nil, fmt.Errorf("ROHINI fake: %w", err)
		}
		r.rohiniSource = "in-process fake with demo hospitals (" + r.fakeRohini.URL + ")"
	}
	return r, nil
}

func (r *registries) close() {
	if r.rohini != nil {
		r.rohini.CloseIdleConnections()
	}
	if r.hfr != nil {
		_ = r.hfr.Close()
	}
	if r.fakeHFR != nil {
		r.fakeHFR.Close()
	}
	if r.fakeRohini != nil {
		r.fakeRohini.Close()
	}
}

// fakeHFROTP prints the code the HFR fake "sends" to a facility manager,
// so that a demo user can type it in. Demo behaviour only: the real HFR
// sends the code to the manager's phone and nobody else ever sees it.
type fakeHFROTP struct {
	onboarding.FacilityOTP
	fake  *hfrtest.Server
	out   io.Writer
	codes *codeLog
}

// Facility looks the facility up through the HFR client it wraps, so that
// the engine reads HFR's record after the manager's consent, as it does
// with the real client.
func (f fakeHFROTP) Facility(ctx context.Context, id string) (hfr.Facility, error) {
	fr, ok := f.FacilityOTP.(verifier.FacilityRegistry)
	if !ok {
		return hfr.Facility{}, fmt.Errorf("operator: the HFR client cannot look facilities up")
	}
	return fr.Facility(ctx, id)
}

func (f fakeHFROTP) SendFacilityOTP(ctx context.Context, facilityID string) (hfr.OTPTransaction, error) {
	txn, err := f.FacilityOTP.SendFacilityOTP(ctx, facilityID)
	if err == nil {
		if code, ok := f.fake.LastOTP(facilityID); ok {
			fmt.Fprintf(f.out, "[DEMO ONLY] HFR one-time code for the manager of facility %s: %s\n", facilityID, code)
			f.codes.note(f.out, demoCode{Channel: onboarding.ChannelHFR, FacilityID: facilityID, Code: code})
		}
	}
	return txn, err
}

// fakeHPRAuth prints the code the HPR fake "sends" to a practitioner
// (Aadhaar or mobile OTP). Demo behaviour only, like fakeHFROTP.
type fakeHPRAuth struct {
	verifier.ProfessionalAuth
	fake  *hfrtest.Server
	out   io.Writer
	codes *codeLog
}

func (f fakeHPRAuth) StartHPRAuth(ctx context.Context, hprID string, method hfr.HPRAuthMethod) (hfr.HPRAuthTransaction, error) {
	txn, err := f.ProfessionalAuth.StartHPRAuth(ctx, hprID, method)
	if err == nil {
		if code, ok := f.fake.LastHPROTP(hprID); ok {
			fmt.Fprintf(f.out, "[DEMO ONLY] HPR one-time code (%s) for professional %s: %s\n", txn.Method, hcxonboard.MaskHPRID(hprID), code)
			f.codes.note(f.out, demoCode{Channel: onboarding.ChannelHPR, HPRID: hprID, Code: code})
		}
	}
	return txn, err
}
