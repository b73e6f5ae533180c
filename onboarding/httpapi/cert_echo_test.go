package httpapi_test

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/safefetch"
)

// A live participant reads its record and posts it back through
// participant/update with a new endpoint, as HCX clients do (read, change,
// update). The record's encryption_cert is this operator's own URL; after
// the update that URL must still serve the certificate.
func TestUpdateEchoingOwnCertificateURL(t *testing.T) {
	var hp atomic.Pointer[httpapi.Handler]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hp.Load().ServeHTTP(w, r) }))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	fetcher, err := safefetch.New(safefetch.WithAllowedHosts(srv.Listener.Addr().String()), safefetch.WithRootCAs(pool))
	require.NoError(t, err)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithFetcher(fetcher)}, httpapi.WithPublicURL(srv.URL))
	hp.Store(f.h)
	ctx := context.Background()
	a, secret := f.live("Echoing Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)

	client := srv.Client()
	post := func(path, auth, body string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		res, err := client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	st, body := post("/v0.9/participant/read", "Bearer "+tok.Value, `{"participant_code":"`+code+`"}`)
	require.Equal(t, http.StatusOK, st, "%s", body)
	certURL := srv.URL + "/certificates/" + code + "/encryption_cert.pem"
	require.Contains(t, string(body), certURL)

	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	st, body = post("/v0.9/participant/update", "Bearer "+tok.Value,
		`{"participant_code":"`+code+`","endpoint_url":"https://hcx2.regulator.example/v0.9","encryption_cert":"`+certURL+
			`","step_up_code":"`+f.out.lastCode(a.ID)+`"}`)
	require.Equal(t, http.StatusOK, st, "%s", body)

	res, err := client.Get(certURL)
	require.NoError(t, err, "the certificate URL in the record must still serve the certificate")
	defer res.Body.Close()
	pemText, _ := io.ReadAll(res.Body)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(string(pemText), "-----BEGIN CERTIFICATE-----"), "%s", pemText)

	// Another participant's certificate URL on this HCX is refused.
	other, _ := f.live("Other Regulator")
	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	st, body = post("/v0.9/participant/update", "Bearer "+tok.Value,
		`{"participant_code":"`+code+`","encryption_cert":"`+srv.URL+"/certificates/"+other.Participant.ParticipantCode+
			`/encryption_cert.pem","step_up_code":"`+f.out.lastCode(a.ID)+`"}`)
	require.Equal(t, http.StatusBadRequest, st, "%s", body)
	require.Contains(t, string(body), "own certificate routes")

	// Such a URL stored by other means is not served as a redirect to
	// itself.
	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	app, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	d := app.Details.Details
	d.EncryptionCert, d.StepUpCode = certURL, f.out.lastCode(a.ID)
	_, err = f.svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	res, err = client.Get(certURL)
	require.NoError(t, err, "no redirect loop")
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}
