package verifier_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// benchFile is a typical application: a payer with documents, identifiers,
// a system admin and a sandbox certificate.
const benchFile = "payer_ready.json"

// BenchmarkVerifyOffline is the participant's pre-validation: every
// offline check of one application, with the sandbox certificate checked
// for structure, time window and roles (no trust list, no registries).
// Compare with BenchmarkUnmarshalBaseline on the same bytes; the goal is
// at most 3×.
func BenchmarkVerifyOffline(b *testing.B) {
	c := offlineChecker(b)
	app := loadApp(b, benchFile)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := c.Verify(ctx, app)
		if err != nil || r.Verdict != verifier.VerdictReady {
			b.Fatalf("verdict %v, err %v", r, err)
		}
	}
}

// BenchmarkUnmarshalBaseline decodes the same application with plain
// json.Unmarshal: the cost any consumer pays just to read it.
func BenchmarkUnmarshalBaseline(b *testing.B) {
	data := readTestdata(b, benchFile)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var app hcxonboard.Application
		if err := json.Unmarshal(data, &app); err != nil {
			b.Fatal(err)
		}
	}
}
