package onboarding_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestRacingApprovalAnswersOneWinner races, over one store shared by two
// Services (two replicas: one SQLite file, one PostgreSQL schema), a
// payer answering all its approval requests in one call from each replica
// — approving from one, rejecting from the other — against staff deciding
// the same tasks on its behalf from both: each request is settled exactly
// once, by one winner, with one audit event and, when rejected, one
// notice to the applicant; every loser is told the request is settled.
func TestRacingApprovalAnswersOneWinner(t *testing.T) {
	t.Parallel()
	overTwoReplicas(t, raceApprovalAnswers)
}

func raceApprovalAnswers(t *testing.T, a, b registry.Store) {
	ctx := context.Background()
	w := newWorld(t)
	replicas := []*onboarding.Service{w.service(a), w.service(b)}
	payer, _ := live(t, w, replicas[0])
	code := payer.Participant.ParticipantCode
	const apps = 4
	var answers []onboarding.ApprovalAnswer
	for range apps {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = code
		sub, err := replicas[1].Submit(ctx, app)
		require.NoError(t, err)
		task := onlyTask(t, sub, onboarding.KindApproval)
		answers = append(answers, onboarding.ApprovalAnswer{ApplicationID: sub.ID, TaskID: task.ID})
	}

	var mu sync.Mutex
	wins := make(map[string]int)
	var refusals []error
	settled := func(appID string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			refusals = append(refusals, err)
			return
		}
		wins[appID]++
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, svc := range replicas {
		// The payer answers every request at once, from each replica.
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := make([]onboarding.ApprovalAnswer, len(answers))
			for j, ans := range answers {
				ans.Approve, ans.Reason = i == 0, "empanelment register checked"
				batch[j] = ans
			}
			<-start
			outs, err := svc.AnswerApprovals(ctx, code, batch)
			if err != nil {
				settled("", err)
				return
			}
			for _, o := range outs {
				settled(o.ApplicationID, o.Err)
			}
		}()
		// Staff decide each request for the payer, from each replica.
		for _, ans := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := svc.Decide(ctx, ans.ApplicationID, ans.TaskID,
					onboarding.Decision{Reviewer: "staff:asha", Reason: "the payer denied it by letter"})
				settled(ans.ApplicationID, err)
			}()
		}
	}
	close(start)
	wg.Wait()

	for _, err := range refusals {
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "a loser is told the request is settled")
	}
	assert.Len(t, refusals, 3*apps, "three losers per request")
	for _, ans := range answers {
		assert.Equal(t, 1, wins[ans.ApplicationID], "application %s: exactly one winner", ans.ApplicationID)
		events, err := replicas[0].Events(ctx, ans.ApplicationID)
		require.NoError(t, err)
		decided := 0
		for _, e := range events {
			if e.Action == onboarding.ActionApprove || e.Action == onboarding.ActionReject {
				decided++
			}
		}
		assert.Equal(t, 1, decided, "application %s: one decision audited", ans.ApplicationID)
		require.NoError(t, replicas[1].VerifyChain(ctx, ans.ApplicationID))
		final, err := replicas[1].Application(ctx, ans.ApplicationID)
		require.NoError(t, err)
		notices := len(w.notes.of(onboarding.MessageRejected, ans.ApplicationID))
		if final.Stage == registry.StageRejected {
			assert.Equal(t, 1, notices, "application %s: one rejection notice", ans.ApplicationID)
		} else {
			assert.Equal(t, registry.StageDetails, final.Stage)
			assert.Zero(t, notices)
		}
	}
}
