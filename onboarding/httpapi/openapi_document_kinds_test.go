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

// An engine whose document store takes an operator's own kind (as
// examples/operator configures for its -policy file) publishes the upload
// route's kind as the kinds the store takes, that one included.
func TestOpenAPIUploadKindListsTheStoresKinds(t *testing.T) {
	t.Parallel()
	apps := &engineApps{}
	dir, err := document.NewDir(t.TempDir(), apps, document.WithKinds(append(slices.Clone(document.Kinds), "ethics_approval")...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = dir.Close() })
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithDocuments(dir)})
	apps.svc = f.svc
	require.Contains(t, f.svc.DocumentKinds(), "ethics_approval")

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
	found := false
	for path, ops := range doc.Paths {
		if !strings.HasSuffix(path, "/documents") {
			continue
		}
		for _, p := range ops["post"].Parameters {
			if p.Name == "kind" {
				found = true
				assert.Contains(t, p.Schema.Enum, "ethics_approval", "%s kind enum", path)
				assert.Contains(t, p.Schema.Enum, document.Kinds[0], "%s kind enum", path)
			}
		}
	}
	require.True(t, found, "the upload route's kind parameter is documented")
}
