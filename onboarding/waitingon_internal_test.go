package onboarding

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// TestWaitingOnSkipsRecipientsNoCodeCanBe: an open approval task that
// an earlier version addressed to what the applicant typed (a payer's
// name far longer than any participant code, text with a NUL) awaits no
// participant the store indexes, so the application can still be
// written: the store refuses such an awaited code, which would refuse
// every write of the application while the task is open.
func TestWaitingOnSkipsRecipientsNoCodeCanBe(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	r := &record{
		app: &registry.Application{ID: "app-1", Stage: registry.StageVerifying, CreatedAt: now, UpdatedAt: now},
		st: &state{Tasks: []*taskState{
			{ID: "t1", Kind: KindApproval, State: TaskOpen, Recipient: "payer-1@hcx"},
			{ID: "t2", Kind: KindApproval, State: TaskOpen, Recipient: strings.Repeat("Star Health ", 40)},
			{ID: "t3", Kind: KindApproval, State: TaskOpen, Recipient: "payer\x00@hcx"},
			{ID: "t4", Kind: KindApproval, State: TaskOpen, Recipient: strings.Repeat("p", registry.MaxKeyLength)},
		}},
	}
	got := r.waitingOn()
	want := []string{"payer-1@hcx", strings.Repeat("p", registry.MaxKeyLength)}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("waitingOn() = %q, want %q", got, want)
	}
	r.app.Waiting, r.app.WaitingOn = r.waiting(), got
	if err := registry.NewMemoryStore().Create(context.Background(), registry.Write{Application: r.app}); err != nil {
		t.Fatalf("the application cannot be written: %v", err)
	}
}
