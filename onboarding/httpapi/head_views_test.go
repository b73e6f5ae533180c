package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// A HEAD request answers headers and no content: nobody read anything,
// so nothing is recorded as read. A reviewer who only sent HEAD for a
// document has not opened it, and cannot approve its review.
func TestHeadIsNotAView(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	pdf := documenttest.PDF(3000, "address proof")
	a, tok := f.submit(f.bsp(pdf))
	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, "application/pdf", pdf)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var d httpapi.Document
	res.decode(t, &d)
	count := func(action string) int {
		es, err := f.svc.Events(t.Context(), a.ID)
		require.NoError(t, err)
		n := 0
		for _, e := range es {
			if e.Action == action {
				n++
			}
		}
		return n
	}
	app := "/v1/onboarding/staff/applications/" + a.ID
	docPath := app + "/documents/" + d.ID

	res = f.do(request{method: http.MethodHead, path: docPath, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.body)
	assert.Zero(t, count(onboarding.ActionViewDocument), "HEAD shows no content")

	var review string
	for _, task := range a.OpenTasks() {
		if task.Kind == onboarding.KindReview {
			review = task.ID
		}
	}
	if review == "" {
		got, err := f.svc.Application(t.Context(), a.ID)
		require.NoError(t, err)
		for _, task := range got.OpenTasks() {
			if task.Kind == onboarding.KindReview {
				review = task.ID
			}
		}
	}
	require.NotEmpty(t, review)
	decide := request{method: http.MethodPost, path: app + "/tasks/" + review + "/decision",
		auth: bearer(staffToken), body: httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "read it"}}
	res = f.do(decide)
	require.Equal(t, http.StatusConflict, res.status, "HEAD is not reading: %s", res.body)

	var view httpapi.Application
	res = f.do(request{method: http.MethodGet, path: docPath, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, pdf, res.body)
	assert.Equal(t, 1, count(onboarding.ActionViewDocument))
	res = f.do(decide)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	res.decode(t, &view)
	assert.Equal(t, registry.StageDetails, view.Stage)
}

// The console's pages likewise: a HEAD of the application page records
// no view of its contacts or its inline images, and marks no image as
// shown, so the browser's later fetch of one is recorded.
func TestConsoleHeadIsNotAView(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	pdf := documenttest.PDF(2500, "identity proof")
	a, tok := f.submit(f.bsp(pdf))
	res := f.upload(a.ID, tok, hcxonboard.DocFacilityLicence, "image/png", documenttest.PNG(8, 8))
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var img httpapi.Document
	res.decode(t, &img)
	count := func(action string) int {
		es, err := f.svc.Events(t.Context(), a.ID)
		require.NoError(t, err)
		n := 0
		for _, e := range es {
			if e.Action == action {
				n++
			}
		}
		return n
	}
	b := newBrowser(t, srv)
	b.login(staffToken)
	head := func(path string) int {
		req, err := http.NewRequest(http.MethodHead, srv.URL+path, nil)
		require.NoError(t, err)
		res, err := b.c.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, head("/console/applications/"+a.ID))
	require.Equal(t, http.StatusOK, head("/console/applications/"+a.ID+"/documents/"+img.ID))
	assert.Zero(t, count(onboarding.ActionViewContacts))
	assert.Zero(t, count(onboarding.ActionViewDocument))

	require.Equal(t, http.StatusOK, b.get("/console/applications/"+a.ID+"/documents/"+img.ID).status)
	assert.Equal(t, 1, count(onboarding.ActionViewDocument), "the HEAD marked nothing as shown")
	require.Equal(t, http.StatusOK, b.get("/console/applications/"+a.ID).status)
	assert.Equal(t, 1, count(onboarding.ActionViewContacts))
}
