package onboarding_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A sweep over the registry follows each page's Next: a cursor costs the
// same on every page, where an offset stops at registry.MaxOffset.
func ExampleService_SearchPage() {
	ctx := context.Background()
	store := registry.NewMemoryStore()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		code := fmt.Sprintf("tpa-%d@hcx", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: fmt.Sprintf("Medi Assist TPA %d", i),
			Roles: []hcxonboard.Role{hcxonboard.RoleTPA}, Status: hcxonboard.StatusActive, CreatedAt: at.Add(time.Duration(i) * time.Minute)}
		a := &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt}
		if err := store.Create(ctx, registry.Write{Application: a, Participant: p}); err != nil {
			panic(err)
		}
	}
	otpKey := make([]byte, 32)
	if _, err := rand.Read(otpKey); err != nil {
		panic(err)
	}
	svc, err := onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(otpKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	if err != nil {
		panic(err)
	}
	q := registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleTPA))}, Limit: 2}
	for {
		page, err := svc.SearchPage(ctx, q)
		if err != nil {
			panic(err)
		}
		var codes []string
		for _, p := range page.Items {
			codes = append(codes, p.ParticipantCode)
		}
		fmt.Println(strings.Join(codes, " "))
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	// Output:
	// tpa-0@hcx tpa-1@hcx
	// tpa-2@hcx tpa-3@hcx
	// tpa-4@hcx
}
