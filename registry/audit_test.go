package registry_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// oldEvent is an event as written before events carried a request id;
// oldHash is the hash ComputeHash gave it then.
func oldEvent() registry.Event {
	return registry.Event{ApplicationID: "01J9Z3V6Q8K2M4N7P0R5S8T1W3", Seq: 2,
		Time:  time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.FixedZone("IST", 19800)),
		Actor: "staff:asha", Action: "approve", From: "verifying", To: "details", Reason: "documents match",
		PrevHash: "c95b019b346a0f3e8a1d2b4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f"}
}

const oldHash = "edf820e2ca08b900e325b16d1fdd542232939d5b0e19deb34bbb78f57ecd43b5"

// Every stored chain still verifies: an event without a request id hashes
// as it always did.
func TestRequestIDLeavesOldHashes(t *testing.T) {
	t.Parallel()
	e := oldEvent()
	require.Equal(t, oldHash, e.ComputeHash())
	e.RequestID = "req-01J9Z3V6Q8"
	require.NotEqual(t, oldHash, e.ComputeHash(), "a request id is covered by the hash")
}

// A request id is hashed as its own field: moving text between it and the
// fields before it changes the hash.
func TestRequestIDIsItsOwnField(t *testing.T) {
	t.Parallel()
	a, b := oldEvent(), oldEvent()
	a.Reason, a.RequestID = "documents match", "r1"
	b.Reason, b.RequestID = "documents matchr1", ""
	require.NotEqual(t, a.ComputeHash(), b.ComputeHash())
	b.Reason, b.RequestID = "documents matc", "hr1"
	require.NotEqual(t, a.ComputeHash(), b.ComputeHash())
}

// A chain mixing events with and without a request id verifies, and
// changing, adding or removing a request id afterwards breaks it there.
func TestRequestIDTamperingBreaksTheChain(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	events := registry.Chain(nil,
		registry.Event{ApplicationID: "app-1", Time: at, Actor: "applicant", Action: "submit", To: "submitted", RequestID: "req-1"},
		registry.Event{ApplicationID: "app-1", Time: at.Add(time.Second), Actor: "system", Action: "register", From: "submitted", To: "verifying"},
		registry.Event{ApplicationID: "app-1", Time: at.Add(time.Hour), Actor: "staff:asha", Action: "approve", From: "verifying", To: "details", RequestID: "req-2"},
	)
	require.NoError(t, registry.VerifyChain(events))

	for name, tamper := range map[string]struct {
		seq int64
		do  func([]registry.Event)
	}{
		"changed": {3, func(e []registry.Event) { e[2].RequestID = "req-3" }},
		"added":   {2, func(e []registry.Event) { e[1].RequestID = "req-1" }},
		"removed": {1, func(e []registry.Event) { e[0].RequestID = "" }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := append([]registry.Event(nil), events...)
			tamper.do(e)
			var ce *registry.ChainError
			require.ErrorAs(t, registry.VerifyChain(e), &ce)
			require.Equal(t, tamper.seq, ce.Seq)
		})
	}
}
