package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log"
	"math/big"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An ABDM hospital from submission to go-live, against the in-process HFR
// fake: the sandbox certificate is checked, HFR looks the facility up and
// sends its own OTP to the manager it holds, the hospital gives its
// endpoint and certificate, receives its secret and goes live.
func Example() {
	ctx := context.Background()

	// The outside world: HFR (a fake here) and a trusted sandbox operator.
	hfrFake := hfrtest.NewServer(hfrtest.WithSeed(true))
	defer hfrFake.Close()
	hfrClient, err := hfrFake.Client()
	check(err)
	defer hfrClient.Close()
	sandboxKey, err := credential.GenerateEd25519Key(rand.Reader)
	check(err)
	sandboxOperator, err := sandbox.NewIssuer("sandbox.example", sandboxKey, sandbox.WithValidity(24*time.Hour))
	check(err)
	trusted, err := sandboxOperator.TrustedIssuer(hcxonboard.RoleProvider)
	check(err)
	trustList, err := sandbox.NewTrustList(trusted)
	check(err)
	sandboxVerifier, err := sandbox.NewVerifier(sandbox.WithTrustList(trustList))
	check(err)

	// The engine.
	rules, err := verifier.New(verifier.WithSandboxVerifier(sandboxVerifier), verifier.WithFacilityRegistry(hfrClient))
	check(err)
	var sent []onboarding.Message
	// The one-time-code key: a secret kept outside the registry database
	// (a secret manager, an environment variable), the same on every
	// replica. Generated here only because the example has no secrets.
	otpKey := make([]byte, 32)
	_, err = rand.Read(otpKey)
	check(err)
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(otpKey),
		onboarding.WithVerifier(rules),
		onboarding.WithSandbox(sandboxVerifier),
		onboarding.WithFacilityOTP(hfrClient),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(_ context.Context, m onboarding.Message) error {
			sent = append(sent, m)
			return nil
		})),
	)
	check(err)

	// Steps 1 and 2: the hospital applies with its sandbox certificate.
	cert, err := sandboxOperator.Issue(sandbox.Claims{Subject: "sanjeevani-his", Roles: []hcxonboard.Role{hcxonboard.RoleHospital}})
	check(err)
	app, err := svc.Submit(ctx, &hcxonboard.Application{
		ApplicationID:          "sanjeevani-2025-01",
		ParticipantName:        "Sanjeevani Multispeciality Hospital",
		Roles:                  []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:           "it@sanjeevani.example",
		PrimaryMobile:          "9000001905",
		Identifiers:            hcxonboard.Identifiers{HFRID: "IN2910000123"},
		Address:                &hcxonboard.Address{District: "Bengaluru Urban", State: "Karnataka", Pincode: "560034"}, // as HFR has it
		SandboxCertificate:     cert,
		SandboxParticipantCode: "sanjeevani-his", // the certificate's sub: it certifies this applicant
	})
	check(err)
	task := app.OpenTasks()[0]
	fmt.Println("submitted:", app.Stage, app.Status, app.Participant.LinkedRegistryCodes)
	fmt.Println("waiting on:", task.Kind, "via", task.Channel, "to", task.Recipient)
	fmt.Println("manager told:", sent[0].Kind, sent[0].To)

	// The manager reads out the code HFR sent (the fake lets us see it).
	code, _ := hfrFake.LastOTP("IN2910000123")
	app, err = svc.ConfirmOTP(ctx, app.ID, task.ID, code)
	check(err)
	fmt.Println("verified:", app.Stage)

	// Step 3: endpoint and encryption certificate.
	app, err = svc.SubmitDetails(ctx, app.ID, onboarding.Details{
		EndpointURL:    "https://hcx.sanjeevani.example/v0.9",
		EncryptionCert: selfSignedPEM(),
	})
	check(err)
	fmt.Println("details:", app.Stage, app.Participant.EncryptionCertExpiry > 0)

	// Step 4: the secret, shown once.
	creds, err := svc.Provision(ctx, app.ID)
	check(err)
	fmt.Println("secret issued:", strings.HasPrefix(creds.Secret, credential.SecretPrefix))

	// Step 5: go live after the pilot and staff training.
	app, err = svc.GoLive(ctx, app.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops-lead"})
	check(err)
	fmt.Println("live:", app.Stage, app.Status)
	fmt.Println("broadcast:", sent[len(sent)-1].Kind, "to", sent[len(sent)-1].To)
	fmt.Println("audit chain intact:", svc.VerifyChain(ctx, app.ID) == nil)

	// Output:
	// submitted: verifying Created [IN2910000123@hfr]
	// waiting on: otp via hfr to ******1905
	// manager told: hfr_intimation IN2910000123@hfr
	// verified: details
	// details: credentials true
	// secret issued: true
	// live: live Active
	// broadcast: onboarded to broadcast
	// audit chain intact: true
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// selfSignedPEM makes the hospital's encryption certificate: RSA-2048,
// valid for a year.
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
