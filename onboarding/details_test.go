package onboarding_test

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestSubmitDetails(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	certs := testCert(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/certs/enc.pem", func(rw http.ResponseWriter, _ *http.Request) { _, _ = rw.Write([]byte(certs.valid)) })
	mux.HandleFunc("/certs/huge.pem", func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(certs.valid + strings.Repeat("#", 70<<10)))
	})
	mux.HandleFunc("/certs/down.pem", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/certs/fullchain.pem", func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(certs.valid + certs.weak + "# issued by the demo CA\n"))
	})
	mux.HandleFunc("/certs/with-key.pem", func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(certs.valid + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	fetcher := trustingFetcher(t, srv)

	good := w.details("hcx.bsp-one.example")
	with := func(f func(d *onboarding.Details)) onboarding.Details {
		d := good
		f(&d)
		return d
	}
	cases := []struct {
		name    string
		details onboarding.Details
		field   string // "" accepts
		reason  string
	}{
		{name: "valid", details: good},
		{name: "certificate by URL", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/enc.pem" })},
		{name: "certificate by URL, with its chain", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/fullchain.pem" })},
		{name: "certificate by URL, with a private key", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/with-key.pem" }),
			field: "encryption_cert", reason: "private key"},
		{name: "certificate as base64 of PEM", details: with(func(d *onboarding.Details) {
			d.EncryptionCert = base64.StdEncoding.EncodeToString([]byte(certs.valid))
		})},
		{name: "signing certificate", details: with(func(d *onboarding.Details) { d.SigningCertPath = certs.valid })},
		{name: "no endpoint", details: with(func(d *onboarding.Details) { d.EndpointURL = "" }), field: "endpoint_url", reason: "required"},
		{name: "http endpoint", details: with(func(d *onboarding.Details) { d.EndpointURL = "http://hcx.bsp-one.example/" }), field: "endpoint_url", reason: "https"},
		{name: "IPv4 literal", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://203.0.113.7/hcx" }), field: "endpoint_url", reason: "IP address"},
		{name: "IPv6 literal", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://[2001:db8::1]/hcx" }), field: "endpoint_url", reason: "IP address"},
		{name: "port", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://hcx.bsp-one.example:8443/hcx" }), field: "endpoint_url", reason: "port"},
		{name: "single-label host", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://localhost/hcx" }), field: "endpoint_url", reason: "fully qualified"},
		{name: "bad host characters", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://hcx_bsp.example/" }), field: "endpoint_url", reason: "DNS name"},
		{name: "user info", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://user:pw@hcx.bsp-one.example/" }), field: "endpoint_url", reason: "user information"},
		{name: "the HCX's own URL", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://gateway.hcxtest.example/api/" }), field: "endpoint_url", reason: "HCX's own"},
		{name: "under the HCX's own URL", details: with(func(d *onboarding.Details) {
			d.EndpointURL = "https://GATEWAY.hcxtest.example/api/v0.9/coverageeligibility"
		}), field: "endpoint_url", reason: "HCX's own"},
		{name: "next to the HCX's own URL", details: with(func(d *onboarding.Details) { d.EndpointURL = "https://gateway.hcxtest.example/apiary" })},
		{name: "no certificate", details: with(func(d *onboarding.Details) { d.EncryptionCert = "" }), field: "encryption_cert", reason: "required"},
		{name: "not a certificate", details: with(func(d *onboarding.Details) { d.EncryptionCert = "hello" }), field: "encryption_cert", reason: "neither"},
		{name: "expired", details: with(func(d *onboarding.Details) { d.EncryptionCert = certs.expired }), field: "encryption_cert", reason: "expired"},
		{name: "RSA 1024", details: with(func(d *onboarding.Details) { d.EncryptionCert = certs.weak }), field: "encryption_cert", reason: "1024 bits"},
		{name: "EC key", details: with(func(d *onboarding.Details) { d.EncryptionCert = certs.ec }), field: "encryption_cert", reason: "RSA key is required"},
		{name: "private key PEM", details: with(func(d *onboarding.Details) {
			d.EncryptionCert = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
		}), field: "encryption_cert", reason: "want CERTIFICATE"},
		{name: "URL over the size cap", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/huge.pem" }),
			field: "encryption_cert", reason: "could not be fetched: the response is larger than 65536 bytes"},
		{name: "URL not found", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/none.pem" }),
			field: "encryption_cert", reason: "could not be fetched: answered HTTP 404"},
		{name: "URL over http", details: with(func(d *onboarding.Details) { d.EncryptionCert = "http://certs.example.org/enc.pem" }),
			field: "encryption_cert", reason: "could not be fetched: only https URLs are fetched"},
		{name: "URL down", details: with(func(d *onboarding.Details) { d.EncryptionCert = srv.URL + "/certs/down.pem" }),
			field: "encryption_cert", reason: "could not be fetched: answered HTTP 503"},
		{name: "signing certificate by URL", details: with(func(d *onboarding.Details) { d.SigningCertPath = srv.URL + "/certs/enc.pem" })},
		{name: "signing certificate URL not found", details: with(func(d *onboarding.Details) { d.SigningCertPath = srv.URL + "/certs/none.pem" }),
			field: "signing_cert_path", reason: "could not be fetched: answered HTTP 404"},
		{name: "expired signing certificate", details: with(func(d *onboarding.Details) { d.SigningCertPath = certs.expired }), field: "signing_cert_path", reason: "expired"},
		{name: "contact without name", details: with(func(d *onboarding.Details) { d.Contacts = []hcxonboard.Contact{{Email: "a@b.example"}} }), field: "contacts[0]", reason: "no name"},
		{name: "contact name with a direction override", details: with(func(d *onboarding.Details) {
			d.Contacts = []hcxonboard.Contact{{Name: "Integration \u202eksed", Mobile: "9000012345"}}
		}), field: "contacts[0].name", reason: "U+202E"},
		{name: "contact name with a control character", details: with(func(d *onboarding.Details) {
			d.Contacts = []hcxonboard.Contact{{Name: "Desk\x1b[2J", Mobile: "9000012345"}}
		}), field: "contacts[0].name", reason: "control character"},
		{name: "contact name in Urdu with a right-to-left mark", details: with(func(d *onboarding.Details) {
			d.Contacts = []hcxonboard.Contact{{Name: "\u200fانٹیگریشن ڈیسک", Mobile: "9000012345"}}
		})},
		{name: "company registration with an isolate", details: with(func(d *onboarding.Details) {
			d.CompanyRegistration = "U85110KA2001\u2066PTC028912"
		}), field: "company_registration", reason: "U+2066"},
		{name: "contact with bad mobile", details: with(func(d *onboarding.Details) {
			d.Contacts = []hcxonboard.Contact{{Name: "Desk", Mobile: "12345"}}
		}), field: "contacts[0].mobile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(fetcher))
			a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			require.Equal(t, registry.StageDetails, a.Stage)
			got, err := svc.SubmitDetails(ctx, a.ID, tc.details)
			switch {
			case tc.field != "":
				var de *onboarding.DetailsError
				require.ErrorAs(t, err, &de)
				require.ErrorIs(t, err, onboarding.ErrInvalidDetails)
				assert.Equal(t, tc.field, de.Field)
				assert.Contains(t, de.Reason, tc.reason)
				assert.EqualError(t, err, "onboarding: invalid details: "+tc.field+": "+de.Reason)
			default:
				require.NoError(t, err)
				assert.Equal(t, registry.StageCredentials, got.Stage)
				p := got.Participant
				assert.Equal(t, tc.details.EndpointURL, p.EndpointURL)
				assert.Equal(t, strings.TrimSpace(tc.details.EncryptionCert), p.EncryptionCert)
				assert.Equal(t, certs.validNotAfter.UnixMilli(), p.EncryptionCertExpiry, "expiry in epoch milliseconds")
				assert.Equal(t, certs.validNotAfter, got.Details.EncryptionCertExpiry)
				if tc.details.SigningCertPath != "" {
					assert.Equal(t, certs.validNotAfter.UnixMilli(), p.SigningCertExpiry)
				} else {
					assert.Zero(t, p.SigningCertExpiry)
				}
				assert.Equal(t, "U85110KA2001PTC028912", got.Details.CompanyRegistration)
				require.Len(t, got.Details.Contacts, 1)
				assert.Equal(t, "9000012345", got.Details.Contacts[0].Mobile)
				return
			}
			cur, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, registry.StageDetails, cur.Stage, "refused details change nothing")
			assert.Equal(t, a.Version, cur.Version)
		})
	}
}

func TestEndpointPortAllowedByRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	d := w.details("hcx.bsp-one.example")
	d.EndpointURL = "https://hcx.bsp-one.example:8443/hcx"
	a, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	assert.Equal(t, d.EndpointURL, a.Participant.EndpointURL)
}

func TestLiveParticipantRenewsCertificate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	d := w.details("hcx.suraksha.example")
	d.EndpointURL = "https://hcx2.suraksha.example/hcx"
	_, err := svc.SubmitDetails(ctx, a.ID, d)
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "a live participant steps up to move its endpoint")
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.NotEqual(t, d.EndpointURL, cur.Participant.EndpointURL, "nothing changed")
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d.StepUpCode = "000000"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "a wrong code")
	d.StepUpCode = w.notes.code(t, a.ID)
	a, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	told := w.notes.of(onboarding.MessageDetailsChanged, a.ID)
	require.NotEmpty(t, told, "the contacts hear of the change")
	assert.Contains(t, told[0].Body, d.EndpointURL)
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "a code is spent once")
	assert.Equal(t, hcxonboard.StatusActive, a.Status, "renewal keeps the participant live")
	assert.Equal(t, d.EndpointURL, a.Participant.EndpointURL)

	list, err := svc.ExpiringCertificates(ctx, 400*24*time.Hour)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, a.Participant.ParticipantCode, list[0].ParticipantCode)
	assert.Equal(t, "encryption", list[0].Certificate)
	assert.False(t, list[0].Expired)
	list, err = svc.ExpiringCertificates(ctx, 30*24*time.Hour)
	require.NoError(t, err)
	assert.Empty(t, list)
	w.clock.Advance(400 * 24 * time.Hour)
	list, err = svc.ExpiringCertificates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.True(t, list[0].Expired)
	_, err = svc.ExpiringCertificates(ctx, -time.Second)
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}

// A change of a live participant's details is told once to each of its
// contacts: a participant whose system admin has its primary e-mail (in
// whatever case), or none, hears of it once; a distinct admin hears too;
// and so does the contact registered with the details (one here).
func TestDetailsChangeIsToldOncePerContact(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		admin func(primary string) *hcxonboard.Contact
		want  int
	}{
		{"no admin", func(string) *hcxonboard.Contact { return nil }, 2},
		{"the admin has the primary e-mail", func(p string) *hcxonboard.Contact {
			return &hcxonboard.Contact{Name: "Admin", Email: strings.ToUpper(p), Mobile: "9812345670"}
		}, 2},
		{"a distinct admin", func(string) *hcxonboard.Contact {
			return &hcxonboard.Contact{Name: "Admin", Email: "it-admin@suraksha.example", Mobile: "9812345670"}
		}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore(), onboarding.WithStepUp(false))
			app := w.application(verifier.CategoryRegulator)
			app.SystemAdmin = c.admin(app.PrimaryEmail)
			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			a, err = svc.Decide(ctx, a.ID, onlyTask(t, a, onboarding.KindReview).ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha"})
			require.NoError(t, err)
			goLive(t, w, svc, a.ID, w.details("hcx.regulator.example"))
			_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx2.regulator.example"))
			require.NoError(t, err)
			told := w.notes.of(onboarding.MessageDetailsChanged, a.ID)
			assert.Len(t, told, c.want, "%+v", told)
		})
	}
}

// A PEM certificate pasted on one line — its line breaks turned into
// spaces by a form or a shell, or written as the two characters \n by a
// client that escaped them twice — is read as the PEM it was, as the
// reference platform's update reads it, and stored with its line breaks
// back, so that what the registry publishes parses anywhere. A value that
// is not a certificate stays refused.
func TestSubmitDetailsCertificateOnOneLine(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	certs := testCert(t)
	valid := strings.TrimSpace(certs.valid)
	cases := map[string]string{
		"spaces for line breaks":      strings.Join(strings.Fields(valid), " "),
		"escaped line breaks":         strings.ReplaceAll(valid, "\n", `\n`),
		"escaped CR LF":               strings.ReplaceAll(valid, "\n", `\r\n`),
		"no breaks at all":            "-----BEGIN CERTIFICATE-----" + strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimPrefix(valid, "-----BEGIN CERTIFICATE-----"), "-----END CERTIFICATE-----")), "") + "-----END CERTIFICATE-----",
		"with its chain, spaced":      strings.Join(strings.Fields(valid+"\n"+strings.TrimSpace(certs.weak)), " "),
		"signing cert, one line":      "",
		"not a certificate, one line": "-----BEGIN CERTIFICATE----- bm90IGEgY2VydGlmaWNhdGU= -----END CERTIFICATE-----",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := w.service(registry.NewMemoryStore())
			a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			d := w.details("hcx.bsp-one.example")
			if name == "signing cert, one line" {
				d.SigningCertPath = strings.Join(strings.Fields(valid), " ")
			} else {
				d.EncryptionCert = value
			}
			got, err := svc.SubmitDetails(ctx, a.ID, d)
			if strings.HasPrefix(name, "not a certificate") {
				var de *onboarding.DetailsError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, "encryption_cert", de.Field)
				return
			}
			require.NoError(t, err)
			p := got.Participant
			cert := p.EncryptionCert
			if name == "signing cert, one line" {
				cert = p.SigningCertPath
			}
			block, rest := pem.Decode([]byte(cert))
			require.NotNil(t, block, "stored with its line breaks: %q", cert)
			assert.Equal(t, "CERTIFICATE", block.Type)
			first, _ := pem.Decode([]byte(certs.valid))
			assert.Equal(t, first.Bytes, block.Bytes, "the same certificate")
			assert.Equal(t, certs.validNotAfter.UnixMilli(), p.EncryptionCertExpiry)
			if strings.Contains(name, "chain") {
				next, _ := pem.Decode(rest)
				require.NotNil(t, next, "the chain is kept")
			}
		})
	}
}
