package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

const goodSHA = "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2"

func doc(kind, uri, sha string) hcxonboard.Document {
	return hcxonboard.Document{Kind: kind, URI: uri, SHA256: sha, MediaType: "application/pdf"}
}

func TestRequireDocument(t *testing.T) {
	t.Parallel()
	const kind = hcxonboard.DocSignatoryLetter
	const uri = "https://docs.example.org/hcx/letter.pdf"
	tests := []struct {
		name    string
		docs    []hcxonboard.Document
		outcome verifier.Outcome
		msg     string
	}{
		{"https with digest", []hcxonboard.Document{doc(kind, uri, goodSHA)}, verifier.Satisfied, "Letter from your authorised signatory attached"},
		{"upper-case digest", []hcxonboard.Document{doc(kind, uri, strings.ToUpper(goodSHA))}, verifier.Satisfied, ""},
		{"sha256: prefix", []hcxonboard.Document{doc(kind, uri, "sha256:"+goodSHA)}, verifier.Satisfied, ""},
		{"http, s3 and gs", []hcxonboard.Document{doc(kind, "http://docs.example.org/a.pdf", goodSHA), doc(kind, "s3://bucket/a.pdf", goodSHA), doc(kind, "gs://bucket/a.pdf", goodSHA)}, verifier.Satisfied, ""},
		{"kind in other case", []hcxonboard.Document{doc(" Authorized_Signatory_Letter ", uri, goodSHA)}, verifier.Satisfied, ""},

		{"no documents", nil, verifier.Missing, "a document of kind authorized_signatory_letter with its uri and sha256"},
		{"other kinds only", []hcxonboard.Document{doc(hcxonboard.DocAddressProof, uri, goodSHA)}, verifier.Missing, "authorized_signatory_letter"},
		{"misspelt kind named", []hcxonboard.Document{doc("authorised_signatory_letter", uri, goodSHA)}, verifier.Missing, `not recognised: "authorised_signatory_letter"`},

		{"no uri", []hcxonboard.Document{doc(kind, " ", goodSHA)}, verifier.Invalid, "has no uri"},
		{"no digest", []hcxonboard.Document{doc(kind, uri, "")}, verifier.Invalid, "has no sha256"},
		{"short digest", []hcxonboard.Document{doc(kind, uri, goodSHA[:63])}, verifier.Invalid, "sha256 has 63 characters"},
		{"long digest", []hcxonboard.Document{doc(kind, uri, goodSHA+"0")}, verifier.Invalid, "sha256 has 65 characters"},
		{"digest not hex", []hcxonboard.Document{doc(kind, uri, "g"+goodSHA[1:])}, verifier.Invalid, `sha256 contains 'g'`},
		{"SHA-1 digest", []hcxonboard.Document{doc(kind, uri, "da39a3ee5e6b4b0d3255bfef95601890afd80709")}, verifier.Invalid, "has 40 characters"},
		{"relative uri", []hcxonboard.Document{doc(kind, "letter.pdf", goodSHA)}, verifier.Invalid, "is not an absolute address"},
		{"file uri", []hcxonboard.Document{doc(kind, "file:///C:/letter.pdf", goodSHA)}, verifier.Invalid, "your own computer"},
		{"data uri", []hcxonboard.Document{doc(kind, "data:application/pdf;base64,JVBERi0=", goodSHA)}, verifier.Invalid, "embeds the document"},
		{"ftp uri", []hcxonboard.Document{doc(kind, "ftp://docs.example.org/a.pdf", goodSHA)}, verifier.Invalid, `uses "ftp:"`},
		{"no host", []hcxonboard.Document{doc(kind, "https:///a.pdf", goodSHA)}, verifier.Invalid, "has no host"},
		{"no slashes", []hcxonboard.Document{doc(kind, "https:docs.example.org", goodSHA)}, verifier.Invalid, "has no host after https:"},
		{"credentials in uri", []hcxonboard.Document{doc(kind, "https://user:pw@docs.example.org/a.pdf", goodSHA)}, verifier.Invalid, "user name or password"},
		{"space in uri", []hcxonboard.Document{doc(kind, "https://docs.example.org/my letter.pdf", goodSHA)}, verifier.Invalid, "%20"},
		{"uri too long", []hcxonboard.Document{doc(kind, "https://docs.example.org/"+strings.Repeat("a", verifier.MaxDocumentURI), goodSHA)}, verifier.Invalid, "at most 2048"},
		{"one good, one bad", []hcxonboard.Document{doc(kind, uri, goodSHA), doc(kind, uri, "nope")}, verifier.Invalid, "sha256 has 4 characters"},
	}
	check := verifier.RequireDocument(kind, "letter from your authorised signatory")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := check(context.Background(), &verifier.Input{App: &hcxonboard.Application{Documents: tt.docs}})
			assert.Equal(t, tt.outcome, res.Outcome, res.Message)
			assert.Contains(t, res.Message, tt.msg)
			assert.Empty(t, res.Task)
		})
	}
}

// TestDocumentRequirements: each document the built-in policies require,
// through the requirement that asks for it.
func TestDocumentRequirements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		id   verifier.RequirementID
		kind string
	}{
		{"payer_ready.json", verifier.ReqSignatoryLetter, hcxonboard.DocSignatoryLetter},
		{"tpa_ready.json", verifier.ReqSignatoryLetter, hcxonboard.DocSignatoryLetter},
		{"isnp_ready.json", verifier.ReqSignatoryLetter, hcxonboard.DocSignatoryLetter},
		{"corporate_sponsor_ready.json", verifier.ReqSignatoryLetter, hcxonboard.DocSignatoryLetter},
		{"state_scheme_ready.json", verifier.ReqSignatoryLetter, hcxonboard.DocSignatoryLetter},
		{"state_scheme_ready.json", verifier.ReqGovernmentApprovalLetter, hcxonboard.DocGovernmentApprovalLetter},
		{"bsp_ready.json", verifier.ReqAddressProof, hcxonboard.DocAddressProof},
		{"empanelled_provider_ready.json", verifier.ReqEmpanelmentProof, hcxonboard.DocEmpanelmentProof},
		{"rohini_provider_ready.json", verifier.ReqFacilityDetails, hcxonboard.DocFacilityLicence},
	}
	c := trustedChecker(t)
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.id), func(t *testing.T) {
			t.Parallel()
			r, err := c.Verify(context.Background(), loadApp(t, tt.file))
			assert.NoError(t, err)
			assertResult(t, r, want{id: tt.id, outcome: verifier.Satisfied})

			// The same document with a broken digest is invalid.
			app := loadApp(t, tt.file)
			for i := range app.Documents {
				if app.Documents[i].Kind == tt.kind {
					app.Documents[i].SHA256 = "abc123"
				}
			}
			r, err = c.Verify(context.Background(), app)
			assert.NoError(t, err)
			assertResult(t, r, want{id: tt.id, outcome: verifier.Invalid, msg: "sha256 has 6 characters"})
			assert.Equal(t, verifier.VerdictInvalid, r.Verdict)
		})
	}
}
