package crashtest_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/verifier"
)

// Environment of a child process: what it does and the world file it
// shares with the parent.
const (
	envMode  = "HCX_CRASHTEST_MODE"  // modeWork, modeDrain or modeDispatch
	envWorld = "HCX_CRASHTEST_WORLD" // the world file
	envRound = "HCX_CRASHTEST_ROUND" // modeWork: the round, numbering its applications
	envLabel = "HCX_CRASHTEST_LABEL" // modeDispatch, modeSchedule: the process's name, sent in labelHeader
	envLease = "HCX_CRASHTEST_LEASE" // modeSchedule: "1" runs RunScheduler, else RunDue in a loop
)

// Child modes.
const (
	modeWork     = "work"     // submit and drive applications until killed
	modeDrain    = "drain"    // dispatch until the outbox is drained
	modeDispatch = "dispatch" // wait for a line on stdin, then RunOutbox until nothing is pending
	modeSchedule = "schedule" // run scheduled work and RunOutbox, the clock set by commands on stdin
)

// labelHeader names the dispatcher process that sent a delivery, so the
// receiver can tell two dispatchers apart.
const labelHeader = "X-Crashtest-Process"

// Fixed identities of the test world.
const (
	instanceCode = "hcxcrash"
	payerCode    = "1000009999@hcxcrash" // the payer empanelled providers name
)

// world is what the parent and every child share: the store, the keys
// of the sandbox operator, the empanelling payer and the operator's
// webhook signing key (as seeds), the certificates every application
// uses, and where the receiver listens.
type world struct {
	Dialect        string `json:"dialect"` // "sqlite" or "postgres"
	Target         string `json:"target"`  // the SQLite file or the PostgreSQL DSN
	SandboxSeed    []byte `json:"sandbox_seed"`
	PayerSeed      []byte `json:"payer_seed"`
	WebhookSeed    []byte `json:"webhook_seed"`
	Certificate    string `json:"certificate"`     // a sandbox solution certificate
	EncryptionCert string `json:"encryption_cert"` // step 3's encryption certificate
	ReceiverURL    string `json:"receiver_url"`
	ReceiverCA     string `json:"receiver_ca"` // PEM of the receiver's TLS certificate
}

// newWorld makes a world over a fresh store of the dialect ("sqlite", or
// "postgres" in a schema of its own: skipping t without a server), with a
// receiver, and writes it to a file for the children. The store is
// opened once here, so that the children find it migrated.
func newWorld(t *testing.T, dialect string, rcv *receiver) (*world, string) {
	t.Helper()
	dir := t.TempDir()
	w := &world{Dialect: dialect, SandboxSeed: seed(t), PayerSeed: seed(t), WebhookSeed: seed(t),
		ReceiverURL: rcv.URL + "/hcx/notify", ReceiverCA: rcv.ca()}
	switch dialect {
	case "sqlite":
		w.Target = filepath.Join(dir, "registry.db")
	case "postgres":
		w.Target = sqlstoretest.FreshSchema(t, sqlstoretest.PostgresDSN(t))
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	s, err := w.open(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.Close())

	iss, err := w.issuer()
	require.NoError(t, err)
	w.Certificate, err = iss.Issue(sandbox.Claims{Subject: "crash-test-solution", Kind: sandbox.KindSolution,
		Solution: &sandbox.Solution{Name: "crash-test", Version: "1"}, Roles: worldRoles})
	require.NoError(t, err)
	w.EncryptionCert = encryptionCert(t)
	_, jwks, err := w.signingKey()
	require.NoError(t, err)
	rcv.trust(jwks)

	raw, err := json.Marshal(w)
	require.NoError(t, err)
	path := filepath.Join(dir, "world.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return w, path
}

// worldRoles are the roles of the applications the tests submit.
var worldRoles = []hcxonboard.Role{hcxonboard.RolePayer, hcxonboard.RoleRegulator, hcxonboard.RoleHospital}

func seed(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, ed25519.SeedSize)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func readWorld(path string) (*world, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w world
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// open opens the world's store.
func (w *world) open(ctx context.Context) (*sqlstore.Store, error) {
	if w.Dialect == "postgres" {
		return sqlstore.OpenPostgres(ctx, w.Target)
	}
	return sqlstore.OpenSQLite(ctx, w.Target)
}

func (w *world) issuer() (*sandbox.Issuer, error) {
	key, err := credential.GenerateEd25519Key(bytes.NewReader(w.SandboxSeed))
	if err != nil {
		return nil, err
	}
	return sandbox.NewIssuer("crash-sandbox", key, sandbox.WithValidity(24*time.Hour))
}

// signingKey is the operator's webhook key, and jwks the set it publishes.
func (w *world) signingKey() (key jwk.Key, jwks jwk.Set, err error) {
	key, err = jwk.FromRaw(ed25519.NewKeyFromSeed(w.WebhookSeed))
	if err != nil {
		return nil, nil, err
	}
	if err := key.Set(jwk.KeyIDKey, "crash-operator"); err != nil {
		return nil, nil, err
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil, nil, err
	}
	jwks = jwk.NewSet()
	if err := jwks.AddKey(pub); err != nil {
		return nil, nil, err
	}
	return key, jwks, nil
}

// sender is a webhook Sender posting every message, whatever its address,
// to the receiver, trusting its certificate; each request carries label
// in labelHeader.
func (w *world) sender(label string) (*webhook.Sender, error) {
	key, _, err := w.signingKey()
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(w.ReceiverCA)) {
		return nil, errors.New("the receiver's certificate does not parse")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 8}
	client := &http.Client{Transport: labelled{label: label, next: tr}, Timeout: 10 * time.Second}
	endpoint := func(context.Context, string) (string, error) { return w.ReceiverURL, nil }
	return webhook.New(key, endpoint, webhook.WithClient(client), webhook.WithMaxAttempts(2),
		webhook.WithBackoff(2*time.Millisecond, 10*time.Millisecond))
}

// labelled adds labelHeader to each request.
type labelled struct {
	label string
	next  http.RoundTripper
}

func (l labelled) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(labelHeader, l.label)
	return l.next.RoundTrip(r)
}

// service wires an engine over store: the sandbox operator trusted for
// the tests' roles, the payer's key in the directory for empanelments,
// no online registry (these categories need none), n for messages.
func (w *world) service(store registry.Store, n onboarding.Notifier, opts ...onboarding.Option) (*onboarding.Service, error) {
	iss, err := w.issuer()
	if err != nil {
		return nil, err
	}
	trusted, err := iss.TrustedIssuer(worldRoles...)
	if err != nil {
		return nil, err
	}
	list, err := sandbox.NewTrustList(trusted)
	if err != nil {
		return nil, err
	}
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(list))
	if err != nil {
		return nil, err
	}
	payer := ed25519.NewKeyFromSeed(w.PayerSeed)
	rules, err := verifier.New(verifier.WithSandboxVerifier(sv),
		verifier.WithPayerDirectory(verifier.StaticPayerDirectory{payerCode: payer.Public()}))
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	base := []onboarding.Option{onboarding.WithInstanceCode(instanceCode), onboarding.WithOTPKey(bytes.Repeat([]byte{9}, 32)),
		onboarding.WithVerifier(rules), onboarding.WithSandbox(sv), onboarding.WithNotifier(n), onboarding.WithLogger(log)}
	return onboarding.New(store, append(base, opts...)...)
}

// Application categories the tests cycle through, each with its own
// messages: a payer gets a one-time code by e-mail, a regulator's review
// request goes to staff, an empanelled provider's approval request to its
// payer; every one that goes live is broadcast.
const (
	kindPayer      = 0
	kindRegulator  = 1
	kindEmpanelled = 2
	kinds          = 3
)

// application returns the application named appID of the given kind; n
// numbers it among all applications of its test (unique, below 999).
func (w *world) application(appID string, kind, n int) *hcxonboard.Application {
	host := strings.ReplaceAll(appID, "/", "-") + ".example"
	a := &hcxonboard.Application{
		ApplicationID:      appID,
		ParticipantName:    "Crash Test " + appID,
		PrimaryEmail:       "onboarding@" + host,
		PrimaryMobile:      "9000011001",
		Address:            &hcxonboard.Address{Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"},
		SandboxCertificate: w.Certificate,
	}
	letter := hcxonboard.Document{Kind: hcxonboard.DocSignatoryLetter, URI: "https://docs.example.org/letter.pdf",
		SHA256: strings.Repeat("ab", 32), MediaType: "application/pdf"}
	switch kind {
	case kindPayer:
		a.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		a.Identifiers = hcxonboard.Identifiers{IRDARegistrationNumber: fmt.Sprintf("%03d", 1+n%999), IRDAUserID: "CRASH-" + appID, SchemeCode: "default"}
		a.SystemAdmin = &hcxonboard.Contact{Name: "Anita Rao", Email: "admin@" + host, Mobile: "9000011002"}
		a.Documents = []hcxonboard.Document{letter}
	case kindRegulator:
		a.Roles = []hcxonboard.Role{hcxonboard.RoleRegulator}
	case kindEmpanelled:
		a.Roles = []hcxonboard.Role{hcxonboard.RoleHospital}
		a.Identifiers = hcxonboard.Identifiers{FacilityLicence: &hcxonboard.FacilityLicence{Number: fmt.Sprintf("KPME/BR/2020/%04d", n),
			ValidUntil: time.Now().AddDate(2, 0, 0).Format(time.DateOnly)}}
		a.SystemAdmin = &hcxonboard.Contact{Name: "Prakash Gowda", Email: "admin@" + host, Mobile: "9000011003"}
		a.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocEmpanelmentProof, URI: "https://docs.example.org/empanelment.pdf",
			SHA256: strings.Repeat("cd", 32), MediaType: "application/pdf"}}
		a.Empanelment = &hcxonboard.Empanelment{PayerCode: payerCode, PayerName: "State Health Assurance Society",
			Scheme: "SHAS-PMJAY", EmpanelmentID: "EMP-" + appID}
	}
	return a
}

// details are valid step-3 details for host.
func (w *world) details(host string) onboarding.Details {
	return onboarding.Details{
		EndpointURL:         "https://" + host + "/hcx/v0.9",
		EncryptionCert:      w.EncryptionCert,
		Contacts:            []hcxonboard.Contact{{Name: "Integration Desk", Email: "hcx-desk@" + host, Mobile: "9000012345"}},
		CompanyRegistration: "U85110KA2001PTC028912",
	}
}

// encryptionCert is a self-signed RSA-2048 certificate valid for a year.
func encryptionCert(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "participant.example", Organization: []string{"Crash Test Participant"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// delivery is what the receiver got under one idempotency key.
type delivery struct {
	kind, appID       string
	to, subject, body string
	count             int
	by                map[string]int // deliveries per labelHeader
}

// receiver is the participants' side: a TLS endpoint that verifies each
// delivery's signature against the operator's JWKS and records it by its
// Idempotency-Key. While failing is on, it answers a share of the
// deliveries 503 (after reading them, without recording them), so that
// senders retry and the outbox backs off.
type receiver struct {
	*httptest.Server

	mu      sync.Mutex
	jwks    jwk.Set
	got     map[string]*delivery
	invalid []string // why deliveries were refused
	failing float64  // the share answered 503
	refused int      // deliveries answered 503
	rnd     *mrand.Rand
	// delay slows each delivery, so that a run lasts long enough for
	// several dispatchers to take part on a loaded machine.
	delay time.Duration
}

func newReceiver(t *testing.T, rnd *mrand.Rand) *receiver {
	t.Helper()
	r := &receiver{got: map[string]*delivery{}, rnd: rnd}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	// A child killed mid-handshake is no news.
	r.Config.ErrorLog = log.New(io.Discard, "", 0)
	r.StartTLS()
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	keys, delay := r.jwks, r.delay
	r.mu.Unlock()
	time.Sleep(delay)
	d, err := webhook.Verify(req, keys)
	_, _ = io.Copy(io.Discard, req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		r.invalid = append(r.invalid, err.Error())
		http.Error(w, "invalid delivery", http.StatusUnauthorized)
		return
	case req.Header.Get(webhook.IdempotencyKeyHeader) != d.ID:
		r.invalid = append(r.invalid, "Idempotency-Key differs from the signed id "+d.ID)
		http.Error(w, "invalid delivery", http.StatusUnauthorized)
		return
	case r.failing > 0 && r.rnd.Float64() < r.failing:
		r.refused++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	g := r.got[d.ID]
	if g == nil {
		g = &delivery{kind: d.Kind, appID: d.ApplicationID, to: d.To, subject: d.Subject, body: d.Body, by: map[string]int{}}
		r.got[d.ID] = g
	}
	if g.kind != d.Kind || g.appID != d.ApplicationID {
		r.invalid = append(r.invalid, fmt.Sprintf("key %s delivered as %s of %s and as %s of %s", d.ID, g.kind, g.appID, d.Kind, d.ApplicationID))
	}
	g.count++
	g.by[req.Header.Get(labelHeader)]++
	w.WriteHeader(http.StatusNoContent)
}

// ca is the PEM of the receiver's certificate, for the children to trust.
func (r *receiver) ca() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate().Raw}))
}

// trust sets the operator's JWKS the receiver verifies with.
func (r *receiver) trust(jwks jwk.Set) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jwks = jwks
}

func (r *receiver) setFailing(share float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = share
}

// snapshot copies what was received.
func (r *receiver) snapshot() (map[string]delivery, []string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]delivery, len(r.got))
	for k, v := range r.got {
		c := *v
		c.by = make(map[string]int, len(v.by))
		for l, n := range v.by {
			c.by[l] = n
		}
		out[k] = c
	}
	return out, append([]string(nil), r.invalid...), r.refused
}

// outbox lists every message of the store's outbox, in every state.
func outbox(ctx context.Context, s registry.OutboxStore) ([]registry.OutboxMessage, error) {
	var all []registry.OutboxMessage
	after := ""
	for {
		page, err := s.ListOutbox(ctx, registry.OutboxFilter{Limit: registry.MaxLimit, After: after})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < registry.MaxLimit {
			return all, nil
		}
		after = page[len(page)-1].ID
	}
}
