package main_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// The library without the HTTP API: an operator's engine over SQLite takes
// an ABDM hospital through the guideline's five steps, against the
// in-process HFR fake. README.md quotes this function; TestREADMEQuotesExample
// keeps the two the same.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "hcxonboard-example")
	check(err)
	defer os.RemoveAll(dir)

	// Records: SQLite, one file (sqlstore.OpenPostgres for replicas, registry.NewMemoryStore() in tests).
	store, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "registry.db"))
	check(err)
	defer store.Close()

	// The outside world: HFR and HPR (the in-process fake here; hfr.New for the real ones)
	// and a sandbox operator whose certificates this HCX trusts.
	hfrFake := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer hfrFake.Close()
	hfrClient, err := hfrFake.Client()
	check(err)
	defer hfrClient.Close()
	sandboxKey, err := credential.GenerateEd25519Key(nil)
	check(err)
	sandboxOperator, err := sandbox.NewIssuer("sandbox.example", sandboxKey, sandbox.WithValidity(365*24*time.Hour))
	check(err)
	trusted, err := sandboxOperator.TrustedIssuer(hcxonboard.Roles()...)
	check(err)
	trustList, err := sandbox.NewTrustList(trusted)
	check(err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(trustList))
	check(err)

	// The operator's keys: kept outside the database, the same on every replica
	// (generated here only because the example has no secret store).
	otpKey := make([]byte, 32)
	_, err = rand.Read(otpKey)
	check(err)
	_, auditKey, err := ed25519.GenerateKey(nil)
	check(err)
	tokenKey, err := credential.GenerateEd25519Key(nil)
	check(err)
	tokens, err := credential.NewTokens(tokenKey, credential.WithIssuer("hcx"))
	check(err)

	checker, err := verifier.New(verifier.WithSandboxVerifier(sv),
		verifier.WithFacilityRegistry(hfrClient), verifier.WithProfessionalRegistry(hfrClient))
	check(err)
	var sent []string
	notifier := onboarding.NotifierFunc(func(_ context.Context, m onboarding.Message) error {
		sent = append(sent, m.Kind+" to "+m.To) // e-mail, SMS, a webhook …
		return nil
	})
	svc, err := onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(notifier),
		onboarding.WithOTPKey(otpKey),     // required: hashes one-time codes, seals the outbox
		onboarding.WithAuditKey(auditKey), // seals the audit trail
		onboarding.WithVerifier(checker), onboarding.WithSandbox(sv), onboarding.WithTokens(tokens),
		onboarding.WithFacilityOTP(hfrClient), onboarding.WithProfessionalAuth(hfrClient))
	check(err)

	// Steps 1–2: the hospital applies with the certificate its sandbox issued it.
	cert, err := sandboxOperator.Issue(sandbox.Claims{Subject: "sanjeevani-his", Roles: []hcxonboard.Role{hcxonboard.RoleHospital}})
	check(err)
	app, err := svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: "Sanjeevani Multispeciality Hospital",
		Roles:           []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:    "it@sanjeevani.example", PrimaryMobile: "9000001905",
		Address:                &hcxonboard.Address{District: "Bengaluru Urban", State: "Karnataka", Pincode: "560034"},
		Identifiers:            hcxonboard.Identifiers{HFRID: "IN2910000123"},
		SandboxCertificate:     cert,
		SandboxParticipantCode: "sanjeevani-his", // the certificate's sub
	})
	check(err)
	task := app.OpenTasks()[0]
	fmt.Println("submitted:", app.Stage, "- waits on", task.Kind, task.Requirement, "via", task.Channel)

	code, _ := hfrFake.LastOTP("IN2910000123") // the manager reads out the code HFR sent
	app, err = svc.ConfirmOTP(ctx, app.ID, task.ID, code)
	check(err)
	fmt.Println("verified:", app.Stage)

	// Step 3: endpoint and encryption certificate.
	app, err = svc.SubmitDetails(ctx, app.ID, onboarding.Details{
		EndpointURL: "https://hcx.sanjeevani.example/v0.9", EncryptionCert: selfSignedPEM(),
	})
	check(err)
	fmt.Println("details:", app.Stage)

	// Step 4: the participant code and the secret, shown once.
	creds, err := svc.Provision(ctx, app.ID)
	check(err)
	fmt.Println("credentials:", strings.HasSuffix(creds.ParticipantCode, "@hcx"), strings.HasPrefix(creds.Secret, credential.SecretPrefix))

	// Step 5: go-live once the pilot and staff training are confirmed.
	app, err = svc.GoLive(ctx, app.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ops-lead"})
	check(err)
	fmt.Println("live:", app.Stage, app.Status)
	fmt.Println("sent:", strings.Join(sent, "; "))
	fmt.Println("audit chain intact:", svc.VerifyChain(ctx, app.ID) == nil)

	// Output:
	// submitted: verifying - waits on otp hfr_manager_otp via hfr
	// verified: details
	// details: credentials
	// credentials: true true
	// live: live Active
	// sent: hfr_intimation to IN2910000123@hfr; onboarded to broadcast
	// audit chain intact: true
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// selfSignedPEM makes an encryption certificate: RSA-2048, valid for a
// year.
func selfSignedPEM() string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hcx.sanjeevani.example"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	check(err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// README.md's "Using the library" quotes Example verbatim, so the snippet
// newcomers copy is code that compiles and runs.
func TestREADMEQuotesExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "example_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var example string
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Example" {
			example = string(src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset])
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if example == "" || !strings.Contains(string(readme), "```go\n"+example+"\n```\n") {
		t.Errorf("README.md does not quote func Example of examples/walkthrough/example_test.go verbatim in a go block; copy it again")
	}
}
