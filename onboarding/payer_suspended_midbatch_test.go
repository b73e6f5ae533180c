package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/verifier"
)

// A payer suspended while its answers are being recorded answers no
// more of them: each answer is taken from a payer that may answer then,
// not only at the start of the call.
func TestPayerSuspendedMidBatchAnswersNoMore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var (
		svc       *onboarding.Service
		armed     bool
		payerID   string
		suspErr   error
		suspended bool
	)
	notes := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if armed && !suspended {
			// The first answer's rejection is told: staff suspend the
			// payer before its next answer is recorded.
			suspended = true // Suspend's own notices come back here
			_, suspErr = svc.Suspend(ctx, payerID, "staff:asha", "fraud investigation")
		}
		return w.notes.Notify(ctx, m)
	})
	svc = w.service(registry.NewMemoryStore(), onboarding.WithNotifier(notes))
	payer, _ := live(t, w, svc)
	payerID = payer.ID
	code := payer.Participant.ParticipantCode
	for range 2 {
		app := w.application(verifier.CategoryEmpanelledProvider)
		app.Empanelment.PayerCode = code
		_, err := svc.Submit(ctx, app)
		require.NoError(t, err)
	}
	reqs, err := svc.ApprovalRequests(ctx, code)
	require.NoError(t, err)
	require.Len(t, reqs, 2)

	armed = true
	outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{
		{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Reason: "not empanelled with us"},
		{ApplicationID: reqs[1].ApplicationID, TaskID: reqs[1].TaskID, Approve: true},
	})
	require.NoError(t, err)
	require.True(t, suspended, "the payer was suspended during the call")
	require.NoError(t, suspErr)
	require.NoError(t, outs[0].Err, "answered before the suspension")
	require.ErrorIs(t, outs[1].Err, onboarding.ErrNotActive, "answered after the payer's suspension")
	a, err := svc.Application(ctx, reqs[1].ApplicationID)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "the request still waits")
}

// suspendingStore is a store whose Update of one application first has
// another replica suspend the payer: the suspension commits after the
// engine checked the payer and before its answer is written.
type suspendingStore struct {
	registry.Store
	target  string
	suspend func()
}

func (s *suspendingStore) Update(ctx context.Context, w registry.Write) error {
	if w.Application.ID == s.target && s.suspend != nil {
		suspend := s.suspend
		s.suspend = nil
		suspend()
	}
	return s.Store.Update(ctx, w)
}

// A payer suspended by another replica between the engine's check of it
// and the write of its answer answers nothing: the store refuses the
// write, since the payer is no longer Active when it commits. Whether a
// payer may answer is the database's to say, at the write.
func TestPayerSuspendedBeforeTheAnswerCommitsAnswersNothing(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) registry.Store{
		"memory":     func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"SQLite":     func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
		"PostgreSQL": func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			w := newWorld(t)
			shared := open(t)
			other := w.service(shared) // another replica
			payer, _ := live(t, w, other)
			code := payer.Participant.ParticipantCode
			app := w.application(verifier.CategoryEmpanelledProvider)
			app.Empanelment.PayerCode = code
			a, err := other.Submit(ctx, app)
			require.NoError(t, err)
			task := onlyTask(t, a, onboarding.KindApproval)

			store := &suspendingStore{Store: shared, target: a.ID, suspend: func() {
				_, err := other.Suspend(ctx, payer.ID, "staff:asha", "fraud investigation")
				require.NoError(t, err)
			}}
			svc := w.service(store)
			outs, err := svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{{ApplicationID: a.ID, TaskID: task.ID, Approve: true}})
			require.NoError(t, err)
			require.Nil(t, store.suspend, "the payer was suspended before the answer's write")
			require.ErrorIs(t, outs[0].Err, onboarding.ErrNotActive, "the suspension committed first")
			assert.Contains(t, outs[0].Err.Error(), code)
			cur, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, registry.StageVerifying, cur.Stage, "the request still waits")
			got, _ := cur.Task(task.ID)
			assert.Equal(t, onboarding.TaskOpen, got.State)
		})
	}
}
