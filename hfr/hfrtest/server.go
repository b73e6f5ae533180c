package hfrtest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard/hfr"
)

// RegistryPath is the version prefix under which the fake serves HFR and
// HPR, as the HSP host does; RegistryURL includes it.
const RegistryPath = "/v4/int"

// Defaults of the options.
const (
	DefaultClientID     = "test-client"
	DefaultClientSecret = "test-secret"
	DefaultTokenTTL     = 1200 * time.Second
	// OTPTTL is how long an OTP the fake sends stays valid.
	OTPTTL = 10 * time.Minute
	// MaxOTPAttempts wrong codes end a transaction.
	MaxOTPAttempts = 3
)

// Server is an in-process fake of the ABDM gateway (v3 and v0.5 sessions),
// HFR (facility search, contact, OTP) and HPR (search by HPR ID,
// professional details, OTP authentication of a professional) on one httptest.Server. It checks credentials and
// bearer tokens, answers in the registries' own error shapes, and offers
// fault injection. It is safe for concurrent use and needs no testing.T, so
// demos can run it too.
type Server struct {
	// URL is the base URL of the fake: the gateway URL. The registry URL is
	// URL + RegistryPath (see RegistryURL).
	URL string

	srv          *httptest.Server
	mux          *http.ServeMux
	clientID     string
	clientSecret string
	tokenTTL     time.Duration
	done         chan struct{}
	closeOnce    sync.Once

	mu            sync.Mutex
	facilities    map[string]FacilitySeed     // by upper-case ID
	professionals map[string]hfr.Professional // by 14 digits
	byAddress     map[string]string           // lower-case address → digits
	tokens        map[string]time.Time        // token → expiry
	otps          map[string]*otpTxn          // transaction ID → pending OTP
	lastOTP       map[string]string           // facility ID → last OTP sent
	hprTxns       map[string]*hprTxn          // HPR txnId → pending authentication
	lastHPROTP    map[string]string           // HPR number digits → last OTP sent
	personTokens  map[string]personToken      // a professional's token → whose
	requests      map[string]int              // URL path → count
	sessions      int
	now           func() time.Time // the fake's clock
	maxSkew       time.Duration    // 0: TIMESTAMP's drift not checked
	latency       time.Duration
	failures      []*failure
	malformed     map[string]bool // path suffix → on
}

type otpTxn struct {
	facilityID string
	code       string
	expires    time.Time
	attempts   int
}

type failure struct {
	suffix     string
	status     int
	remaining  int
	retryAfter string
}

// FacilitySeed is a facility the fake serves, with its manager in clear;
// the fake masks the mobile and e-mail as HFR does.
type FacilitySeed struct {
	Facility      hfr.Facility
	ManagerName   string
	ManagerMobile string
	ManagerEmail  string
	ManagerHPRID  string
}

// An Option configures a Server.
type Option func(*Server)

// WithClientCredentials sets the client ID and secret the fake's gateway
// accepts (default DefaultClientID / DefaultClientSecret).
func WithClientCredentials(id, secret string) Option {
	return func(s *Server) { s.clientID, s.clientSecret = id, secret }
}

// WithTokenTTL sets the expiresIn of issued tokens (default 1200 s, as the
// sandbox answers). Values under a second are raised to one second.
func WithTokenTTL(d time.Duration) Option {
	return func(s *Server) { s.tokenTTL = max(d, time.Second) }
}

// WithClock sets the fake's clock (default time.Now): tokens, one-time
// codes and person tokens expire by it, and WithClockSkew measures
// TIMESTAMP against it. Client gives the clients it makes the same clock.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithClockSkew makes the gateway refuse (400) a session request whose
// TIMESTAMP is further than d from the fake's clock, as the real gateway
// refuses drift. Default: not checked, since the gateway does not publish
// its tolerance and tests move their clients' clocks (hfr.WithClock) to
// expire tokens.
func WithClockSkew(d time.Duration) Option {
	return func(s *Server) { s.maxSkew = max(d, 0) }
}

// WithSeed loads DemoFacilities and DemoProfessionals when on (default off).
func WithSeed(on bool) Option {
	return func(s *Server) {
		if !on {
			return
		}
		for _, f := range DemoFacilities() {
			s.addFacility(f)
		}
		for _, p := range DemoProfessionals() {
			s.addProfessional(p)
		}
	}
}

// NewServer starts a fake. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		clientID:      DefaultClientID,
		clientSecret:  DefaultClientSecret,
		tokenTTL:      DefaultTokenTTL,
		now:           time.Now,
		done:          make(chan struct{}),
		facilities:    map[string]FacilitySeed{},
		professionals: map[string]hfr.Professional{},
		byAddress:     map[string]string{},
		tokens:        map[string]time.Time{},
		otps:          map[string]*otpTxn{},
		lastOTP:       map[string]string{},
		hprTxns:       map[string]*hprTxn{},
		lastHPROTP:    map[string]string{},
		personTokens:  map[string]personToken{},
		requests:      map[string]int{},
		malformed:     map[string]bool{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.mux = s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close stops the fake, ending any injected latency at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// RegistryURL is the base URL to pass to hfr.WithRegistryURL.
func (s *Server) RegistryURL() string { return s.URL + RegistryPath }

// Client returns an hfr.Client wired to the fake (gateway and registry
// URLs, the fake's credentials); opts are applied after, and may override
// them. Close the client when done.
func (s *Server) Client(opts ...hfr.Option) (*hfr.Client, error) {
	all := append([]hfr.Option{
		hfr.WithClock(s.now),
		hfr.WithGatewayURL(s.URL),
		hfr.WithRegistryURL(s.RegistryURL()),
		hfr.WithCredentials(s.clientID, s.clientSecret),
	}, opts...)
	return hfr.New(all...)
}

// AddFacility adds or replaces a facility. A facility without an ID is
// ignored.
func (s *Server) AddFacility(f FacilitySeed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addFacility(f)
}

func (s *Server) addFacility(f FacilitySeed) {
	id := strings.ToUpper(strings.TrimSpace(f.Facility.ID))
	if id == "" {
		return
	}
	f.Facility.ID = id
	s.facilities[id] = f
}

// AddProfessional adds or replaces a professional, keyed by HPRIDNumber
// (14 digits, plain or dashed) and reachable by HPRID too. A professional
// without a valid number is ignored. The professional details serve
// p.Active and p.ApplicationStatus, or active and "Approved" when unset.
func (s *Server) AddProfessional(p hfr.Professional) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addProfessional(p)
}

func (s *Server) addProfessional(p hfr.Professional) {
	n, err := hfr.NormalizeHPRID(p.HPRIDNumber)
	if err != nil || strings.Contains(n, "@") {
		return
	}
	digits := strings.ReplaceAll(n, "-", "")
	p.HPRIDNumber = n
	if p.Active != nil { // the fake's own copy: the caller may reuse its flag
		active := *p.Active
		p.Active = &active
	}
	s.professionals[digits] = p
	if p.HPRID != "" {
		addr := strings.ToLower(p.HPRID)
		if !strings.HasSuffix(addr, "@hpr.abdm") {
			addr += "@hpr.abdm"
		}
		s.byAddress[addr] = digits
	}
}

// LastOTP returns the last OTP the fake "sent" to a facility's manager.
func (s *Server) LastOTP(facilityID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	otp, ok := s.lastOTP[strings.ToUpper(strings.TrimSpace(facilityID))]
	return otp, ok
}

// SessionRequests counts session requests on both session paths.
func (s *Server) SessionRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Requests counts requests whose URL path ends with path (all requests if
// path is empty), whatever their outcome.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.requests {
		if strings.HasSuffix(p, path) {
			n += c
		}
	}
	return n
}

// SetLatency delays every answer by d (0 to stop).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// FailNext makes the next n requests whose path ends with pathSuffix fail
// with status, sending retryAfter as the Retry-After header when not empty.
// The body has the shape the real service would use: the gateway's
// {"error":…} on session paths, plain text for 502 and 504 (a proxy's
// answer), the HSP envelope otherwise. A status outside 100..599 or n < 1
// injects nothing.
func (s *Server) FailNext(pathSuffix string, status int, n int, retryAfter string) {
	if status < 100 || status > 599 || n < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{suffix: pathSuffix, status: status, remaining: n, retryAfter: retryAfter})
}

// SetMalformed makes requests whose path ends with pathSuffix answer 200
// with a truncated JSON body while on.
func (s *Server) SetMalformed(pathSuffix string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.malformed[pathSuffix] = true
	} else {
		delete(s.malformed, pathSuffix)
	}
}

// ExpireTokens invalidates every token issued so far, gateway sessions and
// professionals' own tokens alike; the next call with one gets HTTP 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
	clear(s.personTokens)
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomOTP returns a 6-digit code from crypto/rand, every digit equally
// likely (bytes 250..255 are rejected).
func randomOTP() string {
	var code [6]byte
	var one [1]byte
	for i := 0; i < len(code); {
		rand.Read(one[:])
		if one[0] < 250 {
			code[i] = '0' + one[0]%10
			i++
		}
	}
	return string(code[:])
}
