package bulk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

// DemoIssuerID is the demo sandbox operator that certifies every hospital.
const DemoIssuerID = "demo-sandbox"

// DemoOptions configure NewDemo.
type DemoOptions struct {
	// Latency is added to every answer of the fake registries, the HFR
	// gateway's session call included (0: none).
	Latency time.Duration
	// Conns is how many connections to each fake the clients keep open
	// for reuse; set it to the number of workers (default 16).
	Conns int
	// Now is the clock of the engine, the verifier and the issuer
	// (default time.Now).
	Now func() time.Time
}

// Demo is the outside world of a bulk run on embedded defaults: fake HFR
// (with the ABDM gateway) and ROHINI servers seeded from the list, a demo
// sandbox operator whose trust list the engine holds, an operator token
// key, and a Notifier that only counts. Close it when done.
type Demo struct {
	HFR    *hfrtest.Server
	Rohini *rohinitest.Server
	Issuer *sandbox.Issuer
	Notes  *Counter

	hfrClient *hfr.Client
	lookup    *rohini.HTTPLookup
	trust     *sandbox.TrustList
	sandbox   *sandbox.Verifier
	verifier  *verifier.Checker
	tokens    *credential.Tokens
	now       func() time.Time
	transport []*http.Transport
}

// NewDemo starts the fakes and seeds them from rows: every well-formed
// HFR id becomes a Verified facility (a Draft one when demo_registry says
// "draft") whose manager is the row's admin, every well-formed ROHINI id
// an Active hospital (Suspended for "suspended") with the row's name and
// address; rows marked "absent" are left out, so their look-ups find
// nothing. Ids that are not well formed are never looked up.
func NewDemo(rows []Row, opts DemoOptions) (_ *Demo, err error) {
	if opts.Latency < 0 {
		return nil, fmt.Errorf("latency %v is negative", opts.Latency)
	}
	if opts.Conns <= 0 {
		opts.Conns = 16
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &Demo{Notes: &Counter{}, now: opts.Now}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()

	d.HFR = hfrtest.NewServer()
	d.Rohini = rohinitest.NewServer(rohinitest.WithHospitals())
	seed(d.HFR, d.Rohini, rows, opts.Now())

	hfrHTTP := d.httpClient(opts.Conns)
	// As hfr.New's own client: a registry API that redirects is
	// misconfigured, and its 3xx is reported rather than followed.
	hfrHTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if d.hfrClient, err = d.HFR.Client(hfr.WithHTTPClient(hfrHTTP), hfr.WithClock(opts.Now)); err != nil {
		return nil, fmt.Errorf("HFR client: %w", err)
	}
	if d.lookup, err = d.Rohini.Lookup(rohini.WithHTTPClient(d.httpClient(opts.Conns))); err != nil {
		return nil, fmt.Errorf("ROHINI look-up: %w", err)
	}

	key, err := credential.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sandbox issuer key: %w", err)
	}
	if d.Issuer, err = sandbox.NewIssuer(DemoIssuerID, key, sandbox.WithValidity(365*24*time.Hour), sandbox.WithClock(opts.Now)); err != nil {
		return nil, fmt.Errorf("sandbox issuer: %w", err)
	}
	trusted, err := d.Issuer.TrustedIssuer(hcxonboard.RoleProvider)
	if err != nil {
		return nil, fmt.Errorf("sandbox trust list: %w", err)
	}
	if d.trust, err = sandbox.NewTrustList(trusted); err != nil {
		return nil, fmt.Errorf("sandbox trust list: %w", err)
	}
	if d.sandbox, err = sandbox.NewVerifier(sandbox.WithTrustList(d.trust), sandbox.WithClock(opts.Now)); err != nil {
		return nil, fmt.Errorf("sandbox verifier: %w", err)
	}
	// The engine checks the certificate against the trust list itself
	// (WithSandbox), puts its result in place of the verifier's
	// sandbox_certificate result, and hands the verifier the application
	// without the certificate: one signature check per hospital, so the
	// verifier needs no sandbox verifier of its own.
	if d.verifier, err = verifier.New(
		verifier.WithFacilityRegistry(d.hfrClient),
		verifier.WithRohiniLookup(d.lookup),
		verifier.WithClock(opts.Now),
	); err != nil {
		return nil, fmt.Errorf("verifier: %w", err)
	}

	tokenKey, err := credential.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("operator token key: %w", err)
	}
	if d.tokens, err = credential.NewTokens(tokenKey, credential.WithIssuer(InstanceCode), credential.WithClock(opts.Now)); err != nil {
		return nil, fmt.Errorf("operator tokens: %w", err)
	}

	// Seeding ran at full speed; the latency applies to the run.
	d.HFR.SetLatency(opts.Latency)
	d.Rohini.SetLatency(opts.Latency)
	return d, nil
}

// httpClient is a client whose pool keeps a connection per worker, so
// that concurrent look-ups reuse connections instead of opening (and
// leaving in TIME_WAIT) one per call; http.DefaultTransport keeps two.
func (d *Demo) httpClient(conns int) *http.Client {
	t := &http.Transport{
		Proxy:               nil, // the fakes are local
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
	}
	d.transport = append(d.transport, t)
	return &http.Client{Transport: t}
}

// seed loads the fakes from the list.
func seed(h *hfrtest.Server, r *rohinitest.Server, rows []Row, now time.Time) {
	for i := range rows {
		row := &rows[i]
		if row.DemoRegistry == DemoAbsent {
			continue
		}
		if id, err := hfr.NormalizeFacilityID(row.HFRID); err == nil {
			status := "Verified"
			if row.DemoRegistry == DemoDraft {
				status = "Draft"
			}
			mobile, _ := verifier.NormalizeMobile(row.AdminMobile)
			h.AddFacility(hfrtest.FacilitySeed{
				Facility: hfr.Facility{
					ID: id, Name: row.HospitalName, Status: status,
					FacilityType: "Hospital", FacilityTypeCode: "5",
					StateName: strings.ToUpper(row.State), StateLGDCode: id[2:4],
					DistrictName: strings.ToUpper(row.District),
					Address:      row.Address, Pincode: row.Pincode,
				},
				ManagerName:   row.AdminName,
				ManagerMobile: mobile,
				ManagerEmail:  row.AdminEmail,
			})
			continue
		}
		if id := rohini.Normalize(row.RohiniID); rohini.Validate(id) == nil {
			status := "Active"
			if row.DemoRegistry == DemoSuspended {
				status = "Suspended"
			}
			until := now.AddDate(3, 0, 0).UTC().Truncate(24 * time.Hour)
			r.Add(rohini.Hospital{
				ID: id, Name: row.HospitalName, Address: row.Address, District: row.District,
				State: row.State, Pincode: row.Pincode, Status: status, ValidUntil: until,
			})
		}
	}
}

// demoOTPKey hashes the demo's one-time codes. A constant, so that a
// resumed run can still check codes issued before; a real operator keeps
// a secret outside the database instead.
var demoOTPKey = sha256.Sum256([]byte("hcxonboard examples/bulk demo one-time-code key"))

// Service builds the engine over store, wired to the demo world.
func (d *Demo) Service(store registry.Store) (*onboarding.Service, error) {
	return onboarding.New(store,
		onboarding.WithInstanceCode(InstanceCode),
		onboarding.WithOTPKey(demoOTPKey[:]),
		onboarding.WithNotifier(d.Notes),
		onboarding.WithVerifier(d.verifier),
		onboarding.WithSandbox(d.sandbox),
		onboarding.WithFacilityOTP(d.hfrClient),
		onboarding.WithTokens(d.tokens),
		onboarding.WithClock(d.now),
	)
}

// Certify issues the hospital's sandbox certificate: subject its key,
// role provider.hospital.
func (d *Demo) Certify(row *Row) (string, error) {
	return d.Issuer.Issue(sandbox.Claims{
		Subject:         row.Key,
		Roles:           []hcxonboard.Role{hcxonboard.RoleHospital},
		ParticipantName: row.HospitalName,
	})
}

// TrustList is the demo sandbox operator's trust list, as the engine
// holds it.
func (d *Demo) TrustList() *sandbox.TrustList { return d.trust }

// Calls counts the registry calls that reached the fakes.
type Calls struct {
	HFR         int `json:"hfr"`          // HFR registry calls, sessions excluded
	HFRSessions int `json:"hfr_sessions"` // ABDM gateway session calls
	Rohini      int `json:"rohini"`
}

// Total is every registry call, sessions included.
func (c Calls) Total() int { return c.HFR + c.HFRSessions + c.Rohini }

// Sub is c minus an earlier count.
func (c Calls) Sub(earlier Calls) Calls {
	return Calls{HFR: c.HFR - earlier.HFR, HFRSessions: c.HFRSessions - earlier.HFRSessions, Rohini: c.Rohini - earlier.Rohini}
}

// Calls reads the fakes' counters.
func (d *Demo) Calls() Calls {
	s := d.HFR.SessionRequests()
	return Calls{HFR: d.HFR.Requests("") - s, HFRSessions: s, Rohini: d.Rohini.Requests()}
}

// Close stops the fakes and the clients.
func (d *Demo) Close() {
	if d.hfrClient != nil {
		_ = d.hfrClient.Close()
	}
	for _, t := range d.transport {
		t.CloseIdleConnections()
	}
	if d.HFR != nil {
		d.HFR.Close()
	}
	if d.Rohini != nil {
		d.Rohini.Close()
	}
}

// Counter is a Notifier that counts messages by kind and sends nothing.
// A real operator sends e-mail and SMS here; a bulk run of thousands of
// hospitals must not print a line each.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

var _ onboarding.Notifier = (*Counter)(nil)

// Notify counts m.
func (c *Counter) Notify(_ context.Context, m onboarding.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	c.n[m.Kind]++
	return nil
}

// Counts returns a copy of the counts by message kind.
func (c *Counter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}
