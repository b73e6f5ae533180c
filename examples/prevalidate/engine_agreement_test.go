package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// prevalidate promises to check "the way the operator will". The engine's
// Submit refuses, before any check, an application holding a NUL in any
// text or listing more than onboarding.MaxDocumentUploads documents
// (checkShape). prevalidate must not tell the clerk READY for those.
func TestPrevalidateAgreesWithSubmitOnShape(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/bsp_ready.json")
	require.NoError(t, err)
	for name, edit := range map[string]func(m map[string]any){
		"NUL in the address": func(m map[string]any) {
			m["address"].(map[string]any)["landmark"] = "Opp. bus stand\x00"
		},
		"too many documents": func(m map[string]any) {
			docs := m["documents"].([]any)
			for len(docs) <= onboarding.MaxDocumentUploads {
				docs = append(docs, docs[0])
			}
			m["documents"] = docs
		},
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			edit(m)
			b, err := json.Marshal(m)
			require.NoError(t, err)
			path := filepath.Join(t.TempDir(), "app.json")
			require.NoError(t, os.WriteFile(path, b, 0o600))

			// The operator's engine refuses it outright.
			app, err := hcxonboard.UnmarshalApplication(b)
			require.NoError(t, err)
			svc, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(make([]byte, 32)),
				onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
			require.NoError(t, err)
			_, err = svc.Submit(context.Background(), app)
			require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

			code, out, _ := runArgs(t, "", "-now", testNow, path)
			require.NotEqual(t, exitReady, code, "prevalidate says READY for an application Submit refuses (%v):\n%s", err, out)
		})
	}
}
