package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// TestPayerSignedProofIsChecked: the operator checks a payer-signed
// empanelment proof against the signing key the payer registered with
// it. A proof in the name of a payer code no participant holds proves
// nothing and is refused with the report, nothing stored, where it used
// to wait on an approval as if nothing had been shown.
func TestPayerSignedProofIsChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, _, _ := start(t, "-data", dir, "-db", filepath.Join(dir, "registry.db"))

	raw, err := os.ReadFile(filepath.Join(dir, "application-empanelled-hospital.json"))
	require.NoError(t, err)
	var app map[string]any
	require.NoError(t, json.Unmarshal(raw, &app))
	const payer = "1000001234@hcx"
	emp := app["empanelment"].(map[string]any)
	emp["payer_code"] = payer

	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	claims, err := json.Marshal(map[string]any{"iss": payer, "sub": emp["empanelment_id"], "jti": "proof-1",
		"facility_licence": "KPME/BR/2020/0311", "participant_name": app["participant_name"], "pincode": "562114"})
	require.NoError(t, err)
	hdr := jws.NewHeaders()
	require.NoError(t, hdr.Set(jws.TypeKey, verifier.EmpanelmentProofType))
	tok, err := jws.Sign(claims, jws.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(hdr)))
	require.NoError(t, err)
	emp["proof"] = string(tok)
	body, err := json.Marshal(app)
	require.NoError(t, err)

	res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", answer)
	assert.Contains(t, string(answer), "Payer 1000001234@hcx is not registered on this HCX")
}
