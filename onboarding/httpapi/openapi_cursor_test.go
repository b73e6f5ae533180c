package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

func docsHandler(t *testing.T) http.Handler {
	t.Helper()
	svc, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"),
		onboarding.WithOTPKey(bytes.Repeat([]byte{7}, 32)),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	staff, err := httpapi.StaffTokens(map[string]string{"asha": "docs-staff-token-0123456789abcdef"})
	require.NoError(t, err)
	h, err := httpapi.New(svc, httpapi.WithStaffAuth(staff), httpapi.WithConsole(true))
	require.NoError(t, err)
	return h
}

// Every listing the OpenAPI document shows paging (offset or limit) also
// documents the cursor that pages on.
func TestEveryPagedListingDocumentsACursor(t *testing.T) {
	rec := httptest.NewRecorder()
	docsHandler(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                      `json:"operationId"`
			Parameters  []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var paged, cursor bool
			for _, p := range op.Parameters {
				paged = paged || (p.In == "query" && (p.Name == "offset" || p.Name == "limit"))
				cursor = cursor || (p.In == "query" && p.Name == "cursor")
			}
			if paged {
				assert.True(t, cursor, "%s %s (%s) pages but documents no cursor", method, path, op.OperationID)
			}
		}
	}
}

// The staff queue documents offsets up to 10,000 (registry.MaxOffset); an
// offset within it is answered, whatever filter the queue has.
