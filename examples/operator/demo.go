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
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
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
	readiness ed25519.PrivateKey // signs readiness challenges (readiness.WithSigner)
}

// loadKeys derives the keys from the seed at path, or makes a seed and
// writes it there, readable by the owner only. A seed that is not a
// regular file of this user's, or that others may read or write, is
// refused (readPrivateFile): it may be someone else's.
func loadKeys(path string) (keys, error) {
	seed, err := readPrivateFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		seed = make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return keys{}, fmt.Errorf("key seed: %w", err)
		}
		if err := writeFileReplacing(path, []byte(hex.EncodeToString(seed)+"\n")); err != nil {
			return keys{}, fmt.Errorf("write key seed: %w", err)
		}
	case err != nil:
		return keys{}, fmt.Errorf("read key seed: %w", err)
	default:
		seed, err = hex.DecodeString(strings.TrimSpace(string(seed)))
		if err != nil || len(seed) != 32 {
			return keys{}, fmt.Errorf("key seed %s is not 64 hex digits: restore it from where it was kept, or delete %s to start afresh", path, filepath.Dir(path))
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
	k.readiness = ed25519.NewKeyFromSeed(derive("readiness"))
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

// certificate issues the demo sandbox's certificate for subject. Its jti
// follows from the subject, so that the certificate a sample
// carries is, for the sandbox, the same one on every start: a sample that
// went live holds it, and the same sample submitted again after a restart
// is refused as the first run's (reset the data directory to run it
// again), not taken as a second participant.
func (d *demoSandbox) certificate(subject string, roles ...hcxonboard.Role) (string, error) {
	jti := uuid.NewSHA1(demoCertificateIDs, []byte(subject)).String()
	return d.issuer.Issue(sandbox.Claims{ID: jti, Subject: subject, Roles: roles, Solution: &sandbox.Solution{Name: "demo", Version: "1"}})
}

// demoCertificateIDs is the namespace of the demo certificates' ids.
var demoCertificateIDs = uuid.MustParse("6f1c2a8e-5b3d-4e7a-9c0f-2d8b7e1a4c53")

// samples are the files the banner points at.
type samples struct {
	trustList, certificate, details string
	applications                    []sample
	// letter is the insurer's signatory letter, which its application
	// references by digest: the applicant uploads it.
	letter string
}

type sample struct {
	category verifier.Category
	path     string
	what     string
}

// demoSample is a sample application of one verification category, with
// the documents it references by digest: the demo writes each beside it,
// for the applicant to upload.
type demoSample struct {
	category verifier.Category
	name     string // file name
	what     string // what happens to it, for the banner
	app      *hcxonboard.Application
	docs     []demoDoc
	fakeHFR  bool // its HFR or HPR data is the in-process fake's
}

type demoDoc struct {
	kind string
	file string // relative to the data directory
	body []byte
}

// uploadsDir holds, under the data directory, the documents the sample
// applications reference, one directory per sample.
const uploadsDir = "uploads"

// demoSamples are one sample application per verification category, each
// ready to pass its category's checks against the in-process registry
// fakes: the HFR hospital, the HPR professional and the ROHINI hospital
// are the fakes' demo records, names and pincodes as the registries hold
// them. What still waits on people — one-time codes, document reviews, a
// payer's approval, a regulator's case review — is what the walkthrough
// shows. Licence dates count from now, so the samples stay valid.
func demoSamples(now time.Time) []demoSample {
	licenceEnd := now.AddDate(3, 0, 0).Format(time.DateOnly)
	pdf := func(sample, kind string, lines ...string) demoDoc {
		return demoDoc{kind: kind, file: filepath.Join(uploadsDir, sample, kind+".pdf"), body: demoPDF(lines...)}
	}
	return []demoSample{
		{verifier.CategoryPayer, "application-payer.json",
			"an insurer: waits on its system admin's one-time code (printed here) and on the upload and review of its signatory letter",
			&hcxonboard.Application{
				ParticipantName: "Demo General Insurance Company Limited", Roles: []hcxonboard.Role{hcxonboard.RolePayer},
				PrimaryEmail: "hcx.onboarding@insurer.example", PrimaryMobile: "9000011001",
				Identifiers: hcxonboard.Identifiers{IRDARegistrationNumber: "148", IRDAUserID: "DEMO-HCX-01"},
				SystemAdmin: &hcxonboard.Contact{Name: "Anita Rao", Email: "anita.rao@insurer.example", Mobile: "9000011002"},
			},
			// The letter keeps its place at the top of the data directory.
			[]demoDoc{{kind: hcxonboard.DocSignatoryLetter, file: "signatory-letter.pdf", body: demoLetter()}}, false},
		{verifier.CategoryStateScheme, "application-state-scheme.json",
			"a state scheme (agency.sponsor): its admin's one-time code, the government order and the signatory letter",
			&hcxonboard.Application{
				ParticipantName: "Demo State Health Assurance Society", Roles: []hcxonboard.Role{hcxonboard.RoleSponsor},
				SponsorKind:  hcxonboard.SponsorStateScheme,
				PrimaryEmail: "ceo@shas.example", PrimaryMobile: "9000022001",
				Identifiers: hcxonboard.Identifiers{SchemeCode: "DSHAS-PMJAY"},
				SystemAdmin: &hcxonboard.Contact{Name: "Rakesh Menon", Email: "it.admin@shas.example", Mobile: "9000022002"},
			},
			[]demoDoc{
				pdf("state-scheme", hcxonboard.DocGovernmentApprovalLetter, "Demo State Health Assurance Society",
					"Government order approving the scheme's participation in the HCX."),
				pdf("state-scheme", hcxonboard.DocSignatoryLetter, "Demo State Health Assurance Society",
					"Letter from the authorised signatory: we apply to join the HCX."),
			}, false},
		{verifier.CategoryCorporateSponsor, "application-corporate-sponsor.json",
			"a corporate paying for its employees (agency.sponsor): its admin's one-time code and the signatory letter",
			&hcxonboard.Application{
				ParticipantName: "Deccan Textiles Private Limited", Roles: []hcxonboard.Role{hcxonboard.RoleSponsor},
				SponsorKind:  hcxonboard.SponsorCorporate,
				PrimaryEmail: "hr.benefits@deccantextiles.example", PrimaryMobile: "9000033001",
				SystemAdmin: &hcxonboard.Contact{Name: "Farah Khan", Email: "farah.khan@deccantextiles.example", Mobile: "9000033002"},
			},
			[]demoDoc{pdf("corporate-sponsor", hcxonboard.DocSignatoryLetter, "Deccan Textiles Private Limited",
				"Letter from the authorised signatory: we apply to join the HCX as a corporate sponsor.")}, false},
		{verifier.CategoryTPA, "application-tpa.json",
			"a TPA (agency.tpa): IRDA numbers, its admin's one-time code and the signatory letter",
			&hcxonboard.Application{
				ParticipantName: "Medilink Health TPA Private Limited", Roles: []hcxonboard.Role{hcxonboard.RoleTPA},
				PrimaryEmail: "compliance@medilinktpa.example", PrimaryMobile: "9000044001",
				Identifiers: hcxonboard.Identifiers{IRDARegistrationNumber: "021", IRDAUserID: "MEDILINK-TPA"},
				SystemAdmin: &hcxonboard.Contact{Name: "Suresh Iyer", Email: "suresh.iyer@medilinktpa.example", Mobile: "9000044002"},
			},
			[]demoDoc{pdf("tpa", hcxonboard.DocSignatoryLetter, "Medilink Health TPA Private Limited",
				"Letter from the authorised signatory: we apply to join the HCX as a TPA.")}, false},
		{verifier.CategoryISNP, "application-isnp.json",
			"an ISNP (member.isnp): its admin's one-time code and the signatory letter",
			&hcxonboard.Application{
				ParticipantName: "PolicyKart Insurance Web Aggregator Private Limited", Roles: []hcxonboard.Role{hcxonboard.RoleISNP},
				PrimaryEmail: "partners@policykart.example", PrimaryMobile: "9000055001",
				SystemAdmin: &hcxonboard.Contact{Name: "Neha Joshi", Email: "neha.joshi@policykart.example", Mobile: "9000055002"},
			},
			[]demoDoc{pdf("isnp", hcxonboard.DocSignatoryLetter, "PolicyKart Insurance Web Aggregator Private Limited",
				"Letter from the authorised signatory: we apply to join the HCX as an ISNP.")}, false},
		{verifier.CategoryABDMProvider, "application-hospital.json",
			"an ABDM hospital (HFR demo facility): waits on HFR's code to its manager (printed here)",
			&hcxonboard.Application{
				ParticipantName: "Sanjeevani Multispeciality Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
				PrimaryEmail: "admin@sanjeevani.example", PrimaryMobile: "9000066001",
				Address: &hcxonboard.Address{Plot: "14", Street: "80 Feet Road, Koramangala 4th Block",
					District: "Bengaluru Urban", State: "Karnataka", Pincode: "560034"},
				Identifiers: hcxonboard.Identifiers{HFRID: "IN2910000123"},
			}, nil, true},
		{verifier.CategoryABDMPractitioner, "application-practitioner.json",
			"an ABDM practitioner (HPR demo professional): authenticates through HPR, whose code is printed here",
			&hcxonboard.Application{
				ParticipantName: "Dr. Asha Rao", Roles: []hcxonboard.Role{hcxonboard.RolePractitioner},
				PrimaryEmail: "dr.asha.rao@clinic.example", PrimaryMobile: "9000077001",
				Identifiers: hcxonboard.Identifiers{HPRID: "71-1234-5678-9012"},
			}, nil, true},
		{verifier.CategoryRohiniProvider, "application-rohini-hospital.json",
			"a hospital with a ROHINI ID (ROHINI demo hospital): ROHINI's look-up settles it",
			&hcxonboard.Application{
				ParticipantName: "Shree Sai Multispeciality Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
				PrimaryEmail: "office@shreesaihospital.example", PrimaryMobile: "9000088001",
				Address: &hcxonboard.Address{Plot: "Plot 14", Street: "Sector 21, Kharghar",
					District: "Raigad", State: "Maharashtra", Pincode: "410210"},
				Identifiers: hcxonboard.Identifiers{RohiniID: rohinitest.DemoID, GSTIN: "27AAGCS5678M1ZJ",
					FacilityLicence: &hcxonboard.FacilityLicence{Number: "NMMC/NH/2019/0112", ValidUntil: licenceEnd}},
			}, nil, false},
		{verifier.CategoryEmpanelledProvider, "application-empanelled-hospital.json",
			"a hospital in neither HFR nor ROHINI, empanelled with the demo insurer: the empanelment letter, and the insurer's approval — " +
				"set empanelment.payer_code to the insurer's participant code once it is live, and it answers; without one, staff decide for it",
			&hcxonboard.Application{
				ParticipantName: "Shanti Community Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
				PrimaryEmail: "shanti.hospital@mail.example", PrimaryMobile: "9000099001",
				Address: &hcxonboard.Address{Village: "Hosakote", District: "Bengaluru Rural", State: "Karnataka", Pincode: "562114"},
				Identifiers: hcxonboard.Identifiers{
					FacilityLicence: &hcxonboard.FacilityLicence{Number: "KPME/BR/2020/0311", ValidUntil: licenceEnd}},
				SystemAdmin: &hcxonboard.Contact{Name: "Dr. Prakash Gowda", Email: "prakash.gowda@mail.example", Mobile: "9000099002"},
				Empanelment: &hcxonboard.Empanelment{PayerName: "Demo General Insurance Company Limited",
					EmpanelmentID: "DGIC-EMP-2025-0456"},
			},
			[]demoDoc{pdf("empanelled-hospital", hcxonboard.DocEmpanelmentProof, "Shanti Community Hospital",
				"Empanelment letter DGIC-EMP-2025-0456 from Demo General Insurance Company Limited.")}, false},
		{verifier.CategoryRegulator, "application-regulator.json",
			"a regulator: waits on a staff review in the console",
			&hcxonboard.Application{
				ParticipantName: "Demo Insurance Regulatory Office", Roles: []hcxonboard.Role{hcxonboard.RoleRegulator},
				PrimaryEmail: "hcx@regulator.example", PrimaryMobile: "9000010001",
			}, nil, false},
		{verifier.CategoryBSP, "application-bsp.json",
			"a beneficiary service platform (bsp): GSTIN, and the upload and review of its address proof",
			&hcxonboard.Application{
				ParticipantName: "CareWallet Technologies Private Limited", Roles: []hcxonboard.Role{hcxonboard.RoleBSP},
				PrimaryEmail: "onboarding@carewallet.example", PrimaryMobile: "9000020001",
				Address: &hcxonboard.Address{Plot: "5th Floor, Tower B", Street: "Baner Road",
					District: "Pune", State: "Maharashtra", Pincode: "411045"},
				Identifiers: hcxonboard.Identifiers{GSTIN: "27AAFCC4321P1ZG"},
				BSP:         &hcxonboard.BSPDetails{StakeholdersServiced: []string{"policyholder"}},
			},
			[]demoDoc{pdf("bsp", hcxonboard.DocAddressProof, "CareWallet Technologies Private Limited",
				"Lease of the registered office, 5th Floor, Tower B, Baner Road, Pune 411045.")}, false},
	}
}

// writeSamples writes the trust list, a sample certificate, one
// application ready to submit per verification category (each with a
// participant sandbox certificate of its own), the documents they
// reference, and step-3 details (self-signed encryption and signing
// certificates for the demo participants' keys, pk). The applications
// carry no application_id, so each curl makes a new application; a
// certificate backs one participant, so each sample goes live once per
// data directory.
func writeSamples(dir string, demo *demoSandbox, fakeHFR bool, pk participantKeys) (samples, error) {
	var s samples
	write := func(name string, v any) (string, error) {
		path := filepath.Join(dir, name)
		var data []byte
		var err error
		switch v := v.(type) {
		case []byte:
			data = v
		case string:
			data = []byte(v + "\n")
		default:
			if data, err = json.MarshalIndent(v, "", "  "); err != nil {
				return "", err
			}
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", err
		}
		if err := writeFileReplacing(path, data); err != nil {
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
	for _, a := range demoSamples(time.Now()) {
		if a.fakeHFR && !fakeHFR {
			continue // the demo facility and professional exist only in the fake
		}
		for _, d := range a.docs {
			path, err := write(d.file, d.body)
			if err != nil {
				return s, err
			}
			if d.kind == hcxonboard.DocSignatoryLetter && a.category == verifier.CategoryPayer {
				s.letter = path
			}
			sum := sha256.Sum256(d.body)
			a.app.Documents = append(a.app.Documents, hcxonboard.Document{Kind: d.kind,
				URI:    "https://docs.example/hcx-onboarding/" + strings.TrimSuffix(a.name, ".json") + "/" + d.kind + ".pdf",
				SHA256: hex.EncodeToString(sum[:]), MediaType: "application/pdf"})
		}
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
		s.applications = append(s.applications, sample{category: a.category, path: path, what: a.what})
	}
	enc, err := selfSignedPEM(pk.encryption, "hcx.participant.example encryption")
	if err != nil {
		return s, err
	}
	sig, err := selfSignedPEM(pk.signing, "hcx.participant.example signing")
	if err != nil {
		return s, err
	}
	if s.details, err = write("details.json", onboarding.Details{
		EndpointURL: "https://hcx.participant.example/v0.9", EncryptionCert: enc, SigningCertPath: sig,
	}); err != nil {
		return s, err
	}
	return s, nil
}

// selfSignedPEM makes a certificate for key valid for a year: what a
// participant registers as its encryption or signing certificate in step
// 3.
func selfSignedPEM(key *rsa.PrivateKey, cn string) (string, error) {
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"hcxonboard demo"}},
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

func printBanner(w io.Writer, cfg config, base, staffToken, approverToken string, demo *demoSandbox, s samples, regs *registries, delivery string, ready *demoReadiness) error {
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
	p("  Messages: %s", delivery)
	p("  Metrics:  %s%s (Prometheus); health at %s/healthz and %s/readyz", base, metricsPath, base, base)
	p("  Records:  the specification's routes write the %s profile (-profile)", cfg.profile)
	p("  Schedule: due work every %s: certificate and secret notices, idle applications, de-boardings,", cfg.scheduleInterval)
	if ready.checker != nil {
		p("            registry waits, readiness re-checks")
	} else {
		p("            registry waits")
	}
	switch {
	case ready.checker == nil:
		p("  Readiness: off (-readiness off): go-live does not wait on the endpoint and keys being proven")
	default:
		when := "required before go-live"
		if ready.mode == readinessOptional {
			when = "optional: go-live does not wait on it"
		}
		p("  Readiness: %s; POST …/applications/<id>/readiness challenges the participant's endpoint", when)
		p("            as issuer %q, key %s, published at %s%s", ready.checker.Issuer(), ready.checker.KeyID(), base, readinessJWKSPath)
		p("            DEMO ONLY: endpoints may name a port, and https://%s:<port>/… reaches this machine's", demoEndpointHost)
		p("            loopback, with a TLS certificate from the demo CA (%s); nothing else private is reachable.", ready.caFile)
		p("            The demo participants' private keys are in %s and %s.", demoEncryptionKeyFile, demoSigningKeyFile)
		if ready.mode == readinessRequired {
			p("            By hand, with no readiness handler at your endpoint, go-live waits: start with -readiness optional or off.")
		}
	}
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
	p("  Sample applications, one per verification category, each with a sandbox certificate of its own")
	p("  (%s):", cfg.data)
	width := 0
	for _, a := range s.applications {
		width = max(width, len(a.category))
	}
	for _, a := range s.applications {
		p("    %-*s  %s", width, a.category, filepath.Base(a.path))
		p("    %-*s    %s", width, "", a.what)
	}
	if len(s.applications) > 0 {
		a := s.applications[0]
		p("  Submit one:")
		p("    curl -s -H 'Content-Type: application/json' --data @%s %s/v1/onboarding/applications", a.path, base)
	}
	p("  The answer carries applicant_token: send it as 'Authorization: Bearer <token>' to")
	p("  %s/v1/onboarding/applications/<id>/…, e.g. PUT …/details with --data @%s", base, s.details)
	p("  The documents an application references by digest wait for their upload; staff then read them in the console:")
	p("    curl -s -H 'Authorization: Bearer <token>' -H 'Content-Type: application/pdf' --data-binary @%s \\", s.letter)
	p("      '%s/v1/onboarding/applications/<id>/documents?kind=%s'", base, hcxonboard.DocSignatoryLetter)
	p("  (the others are under %s).", filepath.Join(cfg.data, uploadsDir))
	p("")
	p("  Or take every sample to Active in one go, from another terminal:")
	p("    go run ./examples/walkthrough -url %s -data %s \\", base, cfg.data)
	p("      -reviewer-token %s -approver-token %s", staffToken, approverToken)
	p("  Stop the operator and delete %s to start afresh.", stateToDelete(cfg))
	p("")
	p("  One-time codes are printed below, marked DEMO ONLY, and appended to %s for the walkthrough:", filepath.Join(cfg.data, demoCodesFile))
	p("  a real operator sends them by e-mail or SMS and keeps no copy.")
	return nil
}

// demoLetter is a one-page PDF: the insurer's signatory letter of the
// sample application.
func demoLetter() []byte {
	return demoPDF("Demo General Insurance Company Limited", "Letter from the authorised signatory: we apply to join the HCX.")
}

// demoPDF is a one-page PDF with a line of text each.
func demoPDF(lines ...string) []byte {
	var text strings.Builder
	text.WriteString("BT /F1 14 Tf 72 760 Td")
	for i, l := range lines {
		if i > 0 {
			text.WriteString(" 0 -24 Td")
		}
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&text, " (%s) Tj", l)
	}
	text.WriteString(" ET")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", text.Len(), text.String()),
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
