package onboarding_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

// storeFactory makes a fresh, empty store for one test. The end-to-end
// suite takes one, so every registry.Store implementation can run it.
type storeFactory func(t testing.TB) registry.Store

func memoryStore(testing.TB) registry.Store { return registry.NewMemoryStore() }

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is a Notifier that keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs []onboarding.Message
	fail error // when set, Notify fails with it
}

func (r *recorder) Notify(_ context.Context, m onboarding.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) setFail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

// of returns the messages of one kind for one application ("" for all).
func (r *recorder) of(kind, appID string) []onboarding.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []onboarding.Message
	for _, m := range r.msgs {
		if m.Kind == kind && (appID == "" || m.ApplicationID == appID) {
			out = append(out, m)
		}
	}
	return out
}

// code returns the latest one-time code sent for an application.
func (r *recorder) code(t testing.TB, appID string) string {
	t.Helper()
	otps := r.of(onboarding.MessageOTP, appID)
	require.NotEmpty(t, otps, "no OTP was sent for application %s", appID)
	return otps[len(otps)-1].Code
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Fixed identities of the test world.
const (
	instanceCode  = "hcxtest"
	sandboxIssuer = "sandbox-operator-1"
	payerCode     = "1000001234@hcxtest"
	abdmFacility  = "IN2910000123" // hfrtest's verified Karnataka hospital
	draftFacility = "IN2710000456" // hfrtest's Draft clinic
	hprNumber     = "71-1234-5678-9012"
	// empanelledLicence is the licence of the empanelled-only hospital.
	empanelledLicence = "KPME/BR/2020/0311"
)

// Where the registries have the fixtures' facilities.
var (
	hfrAddress    = &hcxonboard.Address{Plot: "12", Street: "Sarjapur Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560034"}
	rohiniAddress = &hcxonboard.Address{Street: "Old Mumbai-Pune Highway", District: "Raigad", State: "Maharashtra", Pincode: "410210"}
)

// world is one test's outside world: the HFR and ROHINI fakes, a trusted
// and a rogue sandbox operator, an empanelling payer's key, the clock,
// the notifier, the token issuer and a log buffer.
type world struct {
	t        testing.TB
	clock    *clock
	notes    *recorder
	logs     *syncBuffer
	hfr      *hfrtest.Server
	hfrCli   *hfr.Client
	rohini   *rohinitest.Server
	issuer   *sandbox.Issuer
	rogue    *sandbox.Issuer
	sandbox  *sandbox.Verifier
	payerKey ed25519.PrivateKey
	tokenKey *credential.Tokens
	verifier verifier.Verifier
	cert     certPEM
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, clock: newClock(), notes: &recorder{}, logs: &syncBuffer{}, cert: testCert(t)}
	w.hfr = hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(w.hfr.Close)
	var err error
	w.hfrCli, err = w.hfr.Client(hfr.WithRetry(1, 0, 0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.hfrCli.Close() })
	w.rohini = rohinitest.NewServer()
	t.Cleanup(w.rohini.Close)
	lookup, err := w.rohini.Lookup()
	require.NoError(t, err)
	t.Cleanup(lookup.CloseIdleConnections)

	w.issuer = newIssuer(t, sandboxIssuer)
	w.rogue = newIssuer(t, sandboxIssuer) // same name, another key
	trusted, err := w.issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	list, err := sandbox.NewTrustList(trusted)
	require.NoError(t, err)
	w.sandbox, err = sandbox.NewVerifier(sandbox.WithTrustList(list))
	require.NoError(t, err)

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	w.payerKey = priv
	w.verifier, err = verifier.New(
		verifier.WithSandboxVerifier(w.sandbox),
		verifier.WithFacilityRegistry(w.hfrCli),
		verifier.WithProfessionalRegistry(w.hfrCli),
		verifier.WithRohiniLookup(lookup),
		verifier.WithPayerDirectory(verifier.StaticPayerDirectory{payerCode: pub}),
		verifier.WithClock(w.clock.Now),
	)
	require.NoError(t, err)

	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	w.tokenKey, err = credential.NewTokens(key, credential.WithIssuer(instanceCode), credential.WithClock(w.clock.Now))
	require.NoError(t, err)
	return w
}

func newIssuer(t testing.TB, id string) *sandbox.Issuer {
	t.Helper()
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	iss, err := sandbox.NewIssuer(id, key, sandbox.WithValidity(365*24*time.Hour))
	require.NoError(t, err)
	return iss
}

// otpKey is the tests' one-time-code key.
var otpKey = bytes.Repeat([]byte{7}, 32)

// service builds an engine over store wired to the world.
func (w *world) service(store registry.Store, opts ...onboarding.Option) *onboarding.Service {
	w.t.Helper()
	base := []onboarding.Option{
		onboarding.WithInstanceCode(instanceCode),
		onboarding.WithNotifier(w.notes),
		onboarding.WithVerifier(w.verifier),
		onboarding.WithSandbox(w.sandbox),
		onboarding.WithFacilityOTP(w.hfrCli),
		onboarding.WithProfessionalAuth(w.hfrCli),
		onboarding.WithTokens(w.tokenKey),
		onboarding.WithClock(w.clock.Now),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithEndpointRules(onboarding.EndpointRules{Denied: []string{"https://gateway.hcxtest.example/api"}}),
		onboarding.WithLogger(slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	svc, err := onboarding.New(store, append(base, opts...)...)
	require.NoError(w.t, err)
	return svc
}

// certificate signs a sandbox certificate for roles with the trusted
// operator's key: a software solution's, which many applicants may share.
func (w *world) certificate(roles ...hcxonboard.Role) string {
	w.t.Helper()
	tok, err := w.issuer.Issue(sandbox.Claims{Subject: "solution-1", Roles: roles,
		Kind: sandbox.KindSolution, Solution: &sandbox.Solution{Name: "Test HMS", Version: "1"}})
	require.NoError(w.t, err)
	return tok
}

// participantCertificate signs a participant certificate: bound to the
// applicant known to the sandbox as subject, single-use.
func (w *world) participantCertificate(subject, name string, roles ...hcxonboard.Role) string {
	w.t.Helper()
	tok, err := w.issuer.Issue(sandbox.Claims{Subject: subject, ParticipantName: name, Roles: roles})
	require.NoError(w.t, err)
	return tok
}

// proof signs an empanelment proof as the payer, naming the empanelled
// facility by its licence number, as payers' proofs must.
func (w *world) proof(empanelmentID string) string {
	w.t.Helper()
	return w.proofFor(empanelmentID, map[string]any{"facility_licence": empanelledLicence, "jti": fmt.Sprintf("proof-%d", appSeq.Add(1))})
}

// proofFor signs an empanelment proof with extra claims.
func (w *world) proofFor(empanelmentID string, extra map[string]any) string {
	w.t.Helper()
	hdr := jws.NewHeaders()
	require.NoError(w.t, hdr.Set(jws.TypeKey, verifier.EmpanelmentProofType))
	c := map[string]any{"iss": payerCode, "sub": empanelmentID, "exp": w.clock.Now().Add(90 * 24 * time.Hour).Unix()}
	for k, v := range extra {
		c[k] = v
	}
	claims, err := json.Marshal(c)
	require.NoError(w.t, err)
	tok, err := jws.Sign(claims, jws.WithKey(jwa.EdDSA, w.payerKey, jws.WithProtectedHeaders(hdr)))
	require.NoError(w.t, err)
	return string(tok)
}

// details are valid step-3 details.
func (w *world) details(host string) onboarding.Details {
	return onboarding.Details{
		EndpointURL:         "https://" + host + "/hcx/v0.9",
		EncryptionCert:      w.cert.valid,
		Contacts:            []hcxonboard.Contact{{Name: "Integration Desk", Email: "hcx-desk@" + host, Mobile: "9000012345"}},
		CompanyRegistration: "U85110KA2001PTC028912",
	}
}

func doc(kind string) hcxonboard.Document {
	return hcxonboard.Document{Kind: kind, URI: "https://docs.example.org/" + kind + ".pdf",
		SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}
}

func admin(name string) *hcxonboard.Contact {
	return &hcxonboard.Contact{Name: name, Email: "admin@" + strings.ToLower(strings.Fields(name)[0]) + ".example", Mobile: "9000011002"}
}

var address = &hcxonboard.Address{Plot: "Plot 14", Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"}

// application returns a ready application of category c, with a fresh
// sandbox certificate and a unique application_id.
func (w *world) application(c verifier.Category) *hcxonboard.Application {
	w.t.Helper()
	seq := appSeq.Add(1)
	// IRDA numbers differ from one application to the next, so that tests
	// may register several payers or TPAs in one store: one registration
	// number is one participant.
	irda := fmt.Sprintf("%03d", 1+seq%999)
	a := &hcxonboard.Application{
		ApplicationID: fmt.Sprintf("app-%s-%d", c, seq),
		PrimaryEmail:  "onboarding@" + strings.ReplaceAll(string(c), "_", "-") + ".example",
		PrimaryMobile: "+91 90000 11001",
		Address:       address,
	}
	switch c {
	case verifier.CategoryPayer:
		a.ParticipantName = "Suraksha General Insurance Company Limited"
		a.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		a.Identifiers = hcxonboard.Identifiers{IRDARegistrationNumber: irda, IRDAUserID: "SGIC-HCX-01", SchemeCode: "default"}
		a.SystemAdmin = admin("Anita Rao")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocSignatoryLetter)}
	case verifier.CategoryStateScheme:
		a.ParticipantName = "State Health Assurance Society"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleSponsor}
		a.SponsorKind = hcxonboard.SponsorStateScheme
		a.SystemAdmin = admin("Ravi Kumar")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocGovernmentApprovalLetter), doc(hcxonboard.DocSignatoryLetter)}
	case verifier.CategoryCorporateSponsor:
		a.ParticipantName = "Infotech Employees Welfare Trust"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleSponsor}
		a.SponsorKind = hcxonboard.SponsorCorporate
		a.SystemAdmin = admin("Meera Iyer")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocSignatoryLetter)}
	case verifier.CategoryTPA:
		a.ParticipantName = "Medi Assist TPA Services"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleTPA}
		a.Identifiers = hcxonboard.Identifiers{IRDARegistrationNumber: irda, IRDAUserID: "MATPA-01"}
		a.SystemAdmin = admin("Sunil Shetty")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocSignatoryLetter)}
	case verifier.CategoryISNP:
		a.ParticipantName = "Care Connect Intermediary"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleISNP}
		a.SystemAdmin = admin("Fatima Khan")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocSignatoryLetter)}
	case verifier.CategoryABDMProvider:
		a.ParticipantName = "Sanjeevani Multispeciality Hospital"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleHospital}
		a.Identifiers = hcxonboard.Identifiers{HFRID: abdmFacility}
		a.Address = hfrAddress
	case verifier.CategoryABDMPractitioner:
		a.ParticipantName = "Dr. Asha Rao"
		a.Roles = []hcxonboard.Role{hcxonboard.RolePractitioner}
		a.Identifiers = hcxonboard.Identifiers{HPRID: hprNumber}
	case verifier.CategoryRohiniProvider:
		h := rohinitest.DemoHospitals()[0]
		a.ParticipantName = h.Name
		a.Roles = []hcxonboard.Role{hcxonboard.RoleHospital}
		a.Address = rohiniAddress
		a.Identifiers = hcxonboard.Identifiers{RohiniID: h.ID, GSTIN: "27AAPFU0939F1ZV",
			FacilityLicence: &hcxonboard.FacilityLicence{Number: "MH/RGD/2019/1142", ValidUntil: w.clock.Now().AddDate(2, 0, 0).Format(time.DateOnly)}}
	case verifier.CategoryEmpanelledProvider:
		a.ParticipantName = "Shanti Community Hospital"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleHospital}
		a.Identifiers = hcxonboard.Identifiers{FacilityLicence: &hcxonboard.FacilityLicence{Number: empanelledLicence,
			ValidUntil: w.clock.Now().AddDate(2, 0, 0).Format(time.DateOnly)}}
		a.SystemAdmin = admin("Prakash Gowda")
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocEmpanelmentProof)}
		a.Empanelment = &hcxonboard.Empanelment{PayerCode: payerCode, PayerName: "State Health Assurance Society",
			Scheme: "SHAS-PMJAY", EmpanelmentID: "SHAS-EMP-2024-0456"}
	case verifier.CategoryRegulator:
		a.ParticipantName = "Insurance Information Bureau"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleRegulator}
	case verifier.CategoryBSP:
		a.ParticipantName = "PolicyPal Beneficiary Platform"
		a.Roles = []hcxonboard.Role{hcxonboard.RoleBSP}
		a.Identifiers = hcxonboard.Identifiers{GSTIN: "27AAPFU0939F1ZV"}
		a.Documents = []hcxonboard.Document{doc(hcxonboard.DocAddressProof)}
		a.BSP = &hcxonboard.BSPDetails{StakeholdersServiced: []string{"policyholder"}}
	default:
		w.t.Fatalf("no fixture for category %s", c)
	}
	a.SandboxCertificate = w.certificate(a.Roles...)
	return a
}

var appSeq atomic.Int64

func ecCert(now time.Time) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	return selfSigned(key, &key.PublicKey, now.Add(-time.Hour), now.Add(24*time.Hour))
}

// certPEM holds test certificates as PEM.
type certPEM struct {
	valid, expired, weak, ec string
	validNotAfter            time.Time
}

var (
	certOnce sync.Once
	certs    certPEM
	certErr  error
)

// testCert makes (once per test binary) a valid RSA-2048 certificate, an
// expired one, a 1024-bit one and an ECDSA one.
func testCert(t testing.TB) certPEM {
	t.Helper()
	certOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			certErr = err
			return
		}
		now := time.Now()
		certs.validNotAfter = now.Add(365 * 24 * time.Hour).UTC().Truncate(time.Second)
		if certs.valid, err = selfSigned(key, &key.PublicKey, now.Add(-time.Hour), certs.validNotAfter); err != nil {
			certErr = err
			return
		}
		if certs.expired, err = selfSigned(key, &key.PublicKey, now.Add(-48*time.Hour), now.Add(-24*time.Hour)); err != nil {
			certErr = err
			return
		}
		weak, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			certErr = err
			return
		}
		if certs.weak, err = selfSigned(weak, &weak.PublicKey, now.Add(-time.Hour), now.Add(time.Hour*24)); err != nil {
			certErr = err
			return
		}
		certs.ec, certErr = ecCert(now)
	})
	require.NoError(t, certErr)
	return certs
}

func selfSigned(priv any, pub any, notBefore, notAfter time.Time) (string, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "participant.example", Organization: []string{"Test Participant"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
