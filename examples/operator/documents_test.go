package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The insurer's sample application waits for its signatory letter; the
// sample letter uploads, lands under the data directory, and opens a
// staff review of it.
func TestRunHoldsUploadedDocuments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, out, _ := start(t, "-data", dir, "-db", filepath.Join(dir, "registry.db"))
	assert.Contains(t, out.String(), "--data-binary @"+filepath.Join(dir, "signatory-letter.pdf"))

	app, err := os.ReadFile(filepath.Join(dir, "application-payer.json"))
	require.NoError(t, err)
	res, err := http.Post(base+"/v1/onboarding/applications", "application/json", bytes.NewReader(app))
	require.NoError(t, err)
	var applied struct {
		ApplicantToken string `json:"applicant_token"`
		Application    struct {
			ID    string `json:"id"`
			Tasks []struct {
				ID, Kind, State, Requirement string
				DocumentID                   string `json:"document_id"`
			} `json:"tasks"`
		} `json:"application"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&applied))
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	kinds := map[string]string{}
	for _, task := range applied.Application.Tasks {
		kinds[task.Requirement] = task.Kind
	}
	assert.Equal(t, "upload", kinds["signatory_letter"], "the letter waits for its upload: %+v", applied.Application.Tasks)

	letter, err := os.ReadFile(filepath.Join(dir, "signatory-letter.pdf"))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+"/v1/onboarding/applications/"+applied.Application.ID+
		"/documents?kind=authorized_signatory_letter", bytes.NewReader(letter))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+applied.ApplicantToken)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var d struct {
		ID, SHA256 string
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&d))
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)

	status, body := get(t, base+"/v1/onboarding/applications/"+applied.Application.ID, "Authorization", "Bearer "+applied.ApplicantToken)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"document_id":"`+d.ID+`"`)
	entries, err := os.ReadDir(filepath.Join(dir, "documents"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "one application's directory")
}
