package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

func TestWithRequestID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Empty(t, onboarding.RequestIDFrom(ctx), "no request, no id")

	for _, id := range []string{
		"0f6e2a9c-5b1d-4c3e-9a7f-2d8b6c4e1a30", "req_42", "a",
		"!#$%&'()*+,-./:;<=>?@[]^_`{|}~", strings.Repeat("x", onboarding.MaxRequestIDLength),
	} {
		assert.Equal(t, id, onboarding.RequestIDFrom(onboarding.WithRequestID(ctx, id)), "kept: %q", id)
	}

	seen := map[string]bool{}
	for _, id := range []string{
		"", strings.Repeat("x", onboarding.MaxRequestIDLength+1), "two words", "tab\there",
		"line\nforged log line", "nul\x00", "del\x7f", "café", "\xff",
	} {
		got := onboarding.RequestIDFrom(onboarding.WithRequestID(ctx, id))
		assert.NotEqual(t, id, got, "replaced: %q", id)
		require.NotEmpty(t, got)
		assert.LessOrEqual(t, len(got), onboarding.MaxRequestIDLength)
		assert.Equal(t, got, onboarding.RequestIDFrom(onboarding.WithRequestID(ctx, got)), "a replacement is itself well-formed")
		assert.False(t, seen[got], "each replacement is fresh")
		seen[got] = true
	}
}

// Every audit event a call writes names the request id of its context;
// a call without one writes none, and the trail verifies throughout.
func TestEventsCarryTheRequestID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	submitCtx := onboarding.WithRequestID(context.Background(), "req-submit")
	a, err := svc.Submit(submitCtx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	events, err := svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	submitted := len(events)
	require.Positive(t, submitted)
	for _, e := range events {
		assert.Equal(t, "req-submit", e.RequestID, "%s", e.Action)
	}

	review := a.OpenTasks()[0].ID
	decideCtx := onboarding.WithRequestID(context.Background(), "req-decide")
	_, err = svc.Decide(decideCtx, a.ID, review, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "called the registrar"})
	require.NoError(t, err)
	_, err = svc.SubmitDetails(context.Background(), a.ID, w.details("hcx.regulator.example"))
	require.NoError(t, err)

	events, err = svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	require.NoError(t, registry.VerifyChain(events))
	byAction := map[string]string{}
	for _, e := range events[submitted:] {
		byAction[e.Action] = e.RequestID
	}
	assert.Equal(t, "req-decide", byAction[onboarding.ActionApprove])
	assert.Contains(t, byAction, onboarding.ActionSubmitDetails)
	assert.Empty(t, byAction[onboarding.ActionSubmitDetails], "a call outside any request")
	assert.Contains(t, w.logs.String(), `"request_id":"req-decide"`, "the engine's log line names it too")
}
