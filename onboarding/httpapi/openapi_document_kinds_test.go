package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/onboarding"
)

// The OpenAPI document's upload kinds are the kinds the engine takes: a
// document store's own (as examples/operator configures for its -policy
// file), or, for a store that does not tell them, the contract's and
// those WithDocumentReview names.
func TestOpenAPIUploadKindListsTheStoresKinds(t *testing.T) {
	t.Parallel()
	for name, wrap := range map[string]func(*document.Dir) document.Store{
		"a store that tells its kinds":    func(d *document.Dir) document.Store { return d },
		"a store that does not tell them": func(d *document.Dir) document.Store { return ownStore{d} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			apps := &engineApps{}
			dir, err := document.NewDir(t.TempDir(), apps, document.WithKinds(append(slices.Clone(document.Kinds), "ethics_approval")...))
			require.NoError(t, err)
			t.Cleanup(func() { _ = dir.Close() })
			f := newFixtureWith(t, []onboarding.Option{onboarding.WithDocuments(wrap(dir)), onboarding.WithDocumentReview("ethics_approval")})
			apps.svc = f.svc
			require.Contains(t, f.svc.DocumentKinds(), "ethics_approval")
			enum := uploadKinds(t, f)
			assert.Contains(t, enum, "ethics_approval")
			assert.Contains(t, enum, document.Kinds[0])
		})
	}
}

// ownStore is an operator's own document store, which does not tell the
// kinds it takes (no Policy method).
type ownStore struct{ document.Store }

// uploadKinds reads the upload route's kind enum from /openapi.json.
func uploadKinds(t *testing.T, f *fixture) []string {
	t.Helper()
	res := f.do(request{method: http.MethodGet, path: "/openapi.json"})
	require.Equal(t, http.StatusOK, res.status)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(res.body, &doc))
	for path, ops := range doc.Paths {
		if !strings.HasSuffix(path, "/documents") {
			continue
		}
		for _, p := range ops["post"].Parameters {
			if p.Name == "kind" {
				return p.Schema.Enum
			}
		}
	}
	t.Fatal("the upload route's kind parameter is not documented")
	return nil
}
