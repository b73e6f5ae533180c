package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/registry"
)

// An application waiting on an upload waits on the applicant, and the
// next step an out-of-order call names is the upload route.
func TestCallerWordsUploadWaitIsTheApplicants(t *testing.T) {
	f := docFixture(t, document.DefaultMaxSize)
	a, tok := f.submit(f.bsp(documenttest.PDF(3000, "address proof")))
	require.Equal(t, registry.StageVerifying, a.Stage)
	up := a.OpenTasks()[0]
	require.Equal(t, "upload", up.Kind)
	res := f.do(request{method: http.MethodPut, path: "/v1/onboarding/applications/" + a.ID + "/details", auth: bearer(tok),
		body: json.RawMessage(`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"` +
			strings.ReplaceAll(validDetails(t).EncryptionCert, "\n", `\n`) + `"}`)})
	require.Equal(t, http.StatusConflict, res.status)
	msg := res.envelope(t).Error.Message
	t.Log(msg)
	assert.NotContains(t, msg, "staff review (task "+up.ID+")", "an upload task waits on the applicant, not on staff")
	assert.Contains(t, msg, "/documents", "the next step is the upload route")
}

// No internal action name reaches a caller.
func TestCallerWordsNoInternalActionNames(t *testing.T) {
	f := docFixture(t, document.DefaultMaxSize)
	pdf := documenttest.PDF(3000, "address proof")
	a, tok := f.submit(f.bsp(pdf))
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/withdraw", auth: bearer(tok),
		body: json.RawMessage(`{"reason":"changed our mind"}`)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	res = f.upload(a.ID, tok, "address_proof", "application/pdf", pdf)
	require.Equal(t, http.StatusConflict, res.status)
	msg := res.envelope(t).Error.Message
	t.Log(msg)
	assert.NotContains(t, msg, "document uploaded", "internal action name document_uploaded")
}

// No Go package prefix reaches a caller.
func TestCallerWordsNoPackagePrefix(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{`[]`, `{"participant_name":1}`, `{"roles":["nope"]}`} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: body})
		require.Equal(t, http.StatusBadRequest, res.status)
		msg := res.envelope(t).Error.Message
		t.Log(msg)
		assert.NotContains(t, msg, "hcxonboard:", "Go package prefix in %q", msg)
	}
}

// A staff look-up of an unknown application says so once.
func TestCallerWordsNotFoundSaidOnce(t *testing.T) {
	f := newFixture(t)
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/nope", auth: bearer(staffToken)})
	require.Equal(t, http.StatusNotFound, res.status)
	msg := res.envelope(t).Error.Message
	t.Log(msg)
	assert.Equal(t, 1, strings.Count(msg, `application "nope"`), msg)
}

// No route issues a new decline code: its refusal does not send the
// caller for one, and is the same whatever was wrong.
func TestCallerWordsDeclineRefusal(t *testing.T) {
	f := newFixture(t)
	a, _ := f.submit(f.regulator("Some Regulator Of India"))
	var msgs []string
	for _, body := range []string{`{"code":"123"}`, `{"code":""}`} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/decline", body: body})
		require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
		msgs = append(msgs, res.envelope(t).Error.Message)
	}
	assert.NotContains(t, msgs[0], "new code")
	assert.Contains(t, msgs[0], "decline code")
	assert.Equal(t, msgs[0], msgs[1], "one answer whatever was wrong")
}
