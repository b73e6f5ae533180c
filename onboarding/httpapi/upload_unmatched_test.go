package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An upload that matches no reference is stored (201) but says so, and
// what is still asked for; the referenced file's answer says nothing more.
func TestUploadThatMatchesNothingSaysSo(t *testing.T) {
	t.Parallel()
	f := docFixture(t, document.DefaultMaxSize)
	pdf := documenttest.PDF(3000, "address proof")
	a, tok := f.submit(f.bsp(pdf))

	res := f.upload(a.ID, tok, hcxonboard.DocAddressProof, document.PDF, documenttest.PDF(3000, "another file"))
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var d httpapi.Document
	res.decode(t, &d)
	assert.Contains(t, d.Note, "settles nothing")
	assert.Contains(t, d.Note, "kind "+hcxonboard.DocAddressProof)
	assert.NotContains(t, d.Note, "a "+hcxonboard.DocAddressProof, "no \"a\" before a kind that starts with a vowel")
	assert.Contains(t, d.Note, "PATCH /v1/onboarding/applications/{id}")

	res = f.upload(a.ID, tok, hcxonboard.DocAddressProof, document.PDF, pdf)
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	d = httpapi.Document{}
	res.decode(t, &d)
	assert.Empty(t, d.Note, "the referenced file settles its task")
}
