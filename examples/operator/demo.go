package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
)

// keys are the operator's secrets, all derived from one seed kept in the
// data directory, so that a restart keeps applicant tokens, outstanding
// one-time codes, access tokens and the demo sandbox certificates valid.
type keys struct {
	applicant []byte             // applicant tokens (httpapi.WithApplicantKey)
	otp       []byte             // one-time code hashes (onboarding.WithOTPKey)
	token     jwk.Key            // access tokens, Ed25519
	audit     ed25519.PrivateKey // seals audit checkpoints (onboarding.WithAuditKey)
	sandbox   jwk.Key            // the demo sandbox issuer, Ed25519
}

func loadKeys(path string) (keys, error) {
	seed, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		seed = make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return keys{}, fmt.Errorf("key seed: %w", err)
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
			return keys{}, fmt.Errorf("write key seed: %w", err)
		}
	case err != nil:
		return keys{}, fmt.Errorf("read key seed: %w", err)
	default:
		seed, err = hex.DecodeString(strings.TrimSpace(string(seed)))
		if err != nil || len(seed) != 32 {
			return keys{}, fmt.Errorf("key seed %s is not 64 hex digits; delete it to start afresh", path)
		}
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, seed)
		m.Write([]byte("hcxonboard.examples.operator." + label))
		return m.Sum(nil)
	}
	var k keys
	k.applicant, k.otp = derive("applicant"), derive("otp")
	k.audit = ed25519.NewKeyFromSeed(derive("audit"))
	if k.token, err = jwk.FromRaw(ed25519.NewKeyFromSeed(derive("token"))); err != nil {
		return keys{}, fmt.Errorf("token key: %w", err)
	}
	if k.sandbox, err = jwk.FromRaw(ed25519.NewKeyFromSeed(derive("sandbox"))); err != nil {
		return keys{}, fmt.Errorf("sandbox key: %w", err)
	}
	return k, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("staff token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// demoSandbox is a sandbox operator the demo trusts for every role.
type demoSandbox struct {
	issuer *sandbox.Issuer
	trust  *sandbox.TrustList
}

const demoSandboxID = "demo-sandbox"

func newDemoSandbox(key jwk.Key) (*demoSandbox, error) {
	issuer, err := sandbox.NewIssuer(demoSandboxID, key, sandbox.WithValidity(365*24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("demo sandbox issuer: %w", err)
	}
	entry, err := issuer.TrustedIssuer(hcxonboard.Roles()...)
	if err != nil {
		return nil, fmt.Errorf("demo trust list: %w", err)
	}
	trust, err := sandbox.NewTrustList(entry)
	if err != nil {
		return nil, fmt.Errorf("demo trust list: %w", err)
	}
	return &demoSandbox{issuer: issuer, trust: trust}, nil
}

func (d *demoSandbox) certificate(subject string, roles ...hcxonboard.Role) (string, error) {
	return d.issuer.Issue(sandbox.Claims{Subject: subject, Roles: roles, Solution: &sandbox.Solution{Name: "demo", Version: "1"}})
}

// samples are the files the banner points at.
type samples struct {
	trustList, certificate, details string
	applications                    []sample
	// letter is the insurer's signatory letter, which its application
	// references by digest: the applicant uploads it.
	letter string
}

type sample struct {
	path, what string
}

// writeSamples writes the trust list, a sample certificate, applications
// ready to submit and step-3 details (with a fresh self-signed RSA
// certificate). The applications carry no application_id, so each curl
// makes a new application.
func writeSamples(dir string, demo *demoSandbox, fakeHFR bool) (samples, error) {
	var s samples
	write := func(name string, v any) (string, error) {
		path := filepath.Join(dir, name)
		var data []byte
		var err error
		if str, ok := v.(string); ok {
			data = []byte(str + "\n")
		} else if data, err = json.MarshalIndent(v, "", "  "); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return "", fmt.Errorf("write %s: %w", path, err)
		}
		return path, nil
	}
	var err error
	if s.trustList, err = write("trust-list.json", demo.trust); err != nil {
		return s, err
	}
	reg, err := demo.certificate("demo-regulator", hcxonboard.RoleRegulator)
	if err != nil {
		return s, err
	}
	if s.certificate, err = write("sandbox-certificate.jwt", reg); err != nil {
		return s, err
	}
	letter := demoLetter()
	s.letter = filepath.Join(dir, "signatory-letter.pdf")
	if err := os.WriteFile(s.letter, letter, 0o600); err != nil {
		return s, fmt.Errorf("write %s: %w", s.letter, err)
	}
	letterSum := sha256.Sum256(letter)
	apps := []struct {
		name, what string
		app        *hcxonboard.Application
		roles      []hcxonboard.Role
	}{
		{"application-regulator.json", "a regulator: waits on a staff review in the console", &hcxonboard.Application{
			ParticipantName: "Demo Insurance Regulatory Office", Roles: []hcxonboard.Role{hcxonboard.RoleRegulator},
			PrimaryEmail: "hcx@regulator.example", PrimaryMobile: "9000010001",
		}, nil},
		{"application-payer.json", "an insurer: waits on its system admin's one-time code (printed here)", &hcxonboard.Application{
			ParticipantName: "Demo General Insurance Company Limited", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
			PrimaryEmail: "hcx.onboarding@insurer.example", PrimaryMobile: "9000011001",
			Identifiers: hcxonboard.Identifiers{IRDARegistrationNumber: "148", IRDAUserID: "DEMO-HCX-01"},
			SystemAdmin: &hcxonboard.Contact{Name: "Anita Rao", Email: "anita.rao@insurer.example", Mobile: "9000011002"},
			Documents: []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter,
				URI:    "https://docs.insurer.example/hcx/signatory-letter.pdf",
				SHA256: hex.EncodeToString(letterSum[:]), MediaType: "application/pdf"}},
		}, nil},
	}
	if fakeHFR {
		apps = append(apps, struct {
			name, what string
			app        *hcxonboard.Application
			roles      []hcxonboard.Role
		}{"application-hospital.json", "an ABDM hospital (HFR demo facility): waits on HFR's code to its manager (printed here)", &hcxonboard.Application{
			ParticipantName: "Sanjeevani Multispeciality Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
			PrimaryEmail: "admin@sanjeevani.example", PrimaryMobile: "9000066001",
			Identifiers: hcxonboard.Identifiers{HFRID: "IN2910000123"},
		}, nil})
	}
	for _, a := range apps {
		// A participant certificate: the sandbox knew the applicant by
		// this code, which the application repeats.
		a.app.SandboxParticipantCode = "demo-" + strings.TrimSuffix(a.name, ".json")
		if a.app.SandboxCertificate, err = demo.certificate(a.app.SandboxParticipantCode, a.app.Roles...); err != nil {
			return s, err
		}
		path, err := write(a.name, a.app)
		if err != nil {
			return s, err
		}
		s.applications = append(s.applications, sample{path: path, what: a.what})
	}
	cert, err := selfSignedPEM("hcx.participant.example")
	if err != nil {
		return s, err
	}
	if s.details, err = write("details.json", onboarding.Details{
		EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: cert,
	}); err != nil {
		return s, err
	}
	return s, nil
}

// selfSignedPEM makes an RSA-2048 certificate valid for a year: what a
// participant registers as its encryption certificate in step 3.
func selfSignedPEM(cn string) (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("demo certificate key: %w", err)
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"hcxonboard demo"}},
		DNSNames:     []string{cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return "", fmt.Errorf("demo certificate: %w", err)
	}
	var b strings.Builder
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	enc := base64.StdEncoding.EncodeToString(der)
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n-----END CERTIFICATE-----\n")
	return b.String(), nil
}

func printBanner(w io.Writer, cfg config, base, staffToken, approverToken string, demo *demoSandbox, s samples, regs *registries) error {
	trust, err := json.MarshalIndent(demo.trust, "  ", "  ")
	if err != nil {
		return fmt.Errorf("trust list: %w", err)
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("HCX onboarding operator — demo")
	p("  API:      %s/v1/onboarding/", base)
	p("  Console:  %s/console/", base)
	p("  OpenAPI:  %s/openapi.json", base)
	p("  Database: %s (SQLite)", cfg.db)
	p("  HFR/HPR:  %s", regs.hfrSource)
	p("  ROHINI:   %s", regs.rohiniSource)
	p("")
	p("  Staff token for the console (shown once, valid until this process stops):")
	p("    %s", staffToken)
	p("  It is a reviewer's: it decides reviews. Go-live, suspension and de-boarding take an approver,")
	p("  another person (four eyes) — the approver token:")
	p("    %s", approverToken)
	p("")
	p("  Demo sandbox issuer %q; trust list (%s):", demoSandboxID, s.trustList)
	p("  %s", trust)
	p("  A sample certificate it signed: %s", s.certificate)
	p("")
	p("  Submit a sample application:")
	for _, a := range s.applications {
		p("    # %s", a.what)
		p("    curl -s -H 'Content-Type: application/json' --data @%s %s/v1/onboarding/applications", a.path, base)
	}
	p("  The answer carries applicant_token: send it as 'Authorization: Bearer <token>' to")
	p("  %s/v1/onboarding/applications/<id>/…, e.g. PUT …/details with --data @%s", base, s.details)
	p("  The insurer's signatory letter waits for its upload; staff then read it in the console:")
	p("    curl -s -H 'Authorization: Bearer <token>' -H 'Content-Type: application/pdf' --data-binary @%s \\", s.letter)
	p("      '%s/v1/onboarding/applications/<id>/documents?kind=%s'", base, hcxonboard.DocSignatoryLetter)
	p("")
	p("  One-time codes are printed below, marked DEMO ONLY: a real operator sends them by e-mail or SMS.")
	return nil
}

// demoLetter is a one-page PDF: the insurer's signatory letter of the
// sample application.
func demoLetter() []byte {
	text := "BT /F1 14 Tf 72 760 Td (Demo General Insurance Company Limited) Tj 0 -24 Td " +
		"(Letter from the authorised signatory: we apply to join the HCX.) Tj ET"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
