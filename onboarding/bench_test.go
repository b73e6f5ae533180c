package onboarding_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// BenchmarkSubmitToGoLive takes one application per iteration through
// every step over the memory store. "payer" runs entirely in process (the
// engine's own OTP); "abdm_hospital" talks to the HFR fake over loopback
// HTTP with no added latency (look-up, OTP send and validation, contact).
func BenchmarkSubmitToGoLive(b *testing.B) {
	for _, c := range []struct {
		name     string
		category verifier.Category
	}{
		{"payer", verifier.CategoryPayer},
		{"abdm_hospital", verifier.CategoryABDMProvider},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			w := newWorld(b)
			svc := w.service(registry.NewMemoryStore())
			template := w.application(c.category)
			details := w.details("hcx.bench.example")
			ready := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				app := template.Clone()
				app.ApplicationID = fmt.Sprintf("bench-%s-%d", c.name, i)
				a, err := svc.Submit(ctx, app)
				if err != nil {
					b.Fatal(err)
				}
				task := a.OpenTasks()[0]
				code := ""
				if task.Channel == onboarding.ChannelHFR {
					code, _ = w.hfr.LastOTP(abdmFacility)
				} else {
					code = w.notes.code(b, a.ID)
				}
				if _, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.SubmitDetails(ctx, a.ID, details); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.Provision(ctx, a.ID); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.GoLive(ctx, a.ID, ready); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToken and BenchmarkTokenBaseline compare issuing a token
// through the Service (participant look-up, secret check, signing) with a
// bare Ed25519 signature over a signing input of the same size.
func BenchmarkToken(b *testing.B) {
	ctx := context.Background()
	w := newWorld(b)
	svc := w.service(registry.NewMemoryStore())
	_, creds := liveB(b, w, svc)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTokenBaseline(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	input := []byte(signingInput(b))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = ed25519.Sign(priv, input)
	}
}

// BenchmarkVerifyToken and BenchmarkVerifyTokenBaseline compare verifying
// a token through the Service (signature, claims, participant status,
// compromise check) with a bare Ed25519 verification of the same input.
func BenchmarkVerifyToken(b *testing.B) {
	ctx := context.Background()
	w := newWorld(b)
	svc := w.service(registry.NewMemoryStore())
	_, creds := liveB(b, w, svc)
	tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := svc.VerifyToken(ctx, tok.Value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyTokenBaseline(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	input := []byte(signingInput(b))
	sig := ed25519.Sign(priv, input)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("verify failed")
		}
	}
}

// signingInput is the header.payload of a real token, so the baselines
// hash as many bytes as the Service does.
func signingInput(b *testing.B) string {
	w := newWorld(b)
	svc := w.service(registry.NewMemoryStore())
	_, creds := liveB(b, w, svc)
	tok, err := svc.Token(context.Background(), creds.ParticipantCode, creds.Secret)
	if err != nil {
		b.Fatal(err)
	}
	return tok.Value[:strings.LastIndexByte(tok.Value, '.')]
}

// liveB is live for benchmarks.
func liveB(b *testing.B, w *world, svc *onboarding.Service) (*onboarding.Application, onboarding.Credentials) {
	b.Helper()
	ctx := context.Background()
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	if err != nil {
		b.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := svc.ConfirmOTP(ctx, a.ID, a.OpenTasks()[0].ID, w.notes.code(b, a.ID))
			return err
		},
		func() error { _, err := svc.SubmitDetails(ctx, a.ID, w.details("hcx.bench.example")); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	creds, err := svc.Provision(ctx, a.ID)
	if err != nil {
		b.Fatal(err)
	}
	a, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
	if err != nil {
		b.Fatal(err)
	}
	return a, creds
}
