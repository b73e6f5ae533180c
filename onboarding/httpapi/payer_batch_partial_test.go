package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// oneFailingStore refuses every write of one application, as a database
// failing on one row would; the others are written.
type oneFailingStore struct {
	registry.Store
	fail atomic.Value // application id
}

func (s *oneFailingStore) Update(ctx context.Context, w registry.Write) error {
	if id, _ := s.fail.Load().(string); id != "" && w.Application != nil && w.Application.ID == id {
		return errors.New("disk I/O error")
	}
	return s.Store.Update(ctx, w)
}

// A payer answering many requests at once learns, answer by answer, which
// were recorded: one that the server failed to record is reported as such
// in its result, and the answers recorded before and after it are
// reported as recorded, never hidden behind an error for the whole call.
func TestPayerBatchReportsEachAnswerWhenOneFails(t *testing.T) {
	t.Parallel()
	st := &oneFailingStore{Store: registry.NewMemoryStore()}
	f := newFixtureOn(t, st, nil)
	creds, tok := f.livePayer()
	for i := range 3 {
		f.submit(f.empanelled(i, creds.ParticipantCode))
	}
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var list httpapi.ApprovalRequestsResponse
	res.decode(t, &list)
	require.Len(t, list.Requests, 3)
	var body httpapi.ApprovalDecisionsRequest
	for _, q := range list.Requests {
		body.Decisions = append(body.Decisions, httpapi.ApprovalDecision{ApplicationID: q.ApplicationID, TaskID: q.TaskID,
			Decision: httpapi.DecisionApprove, Reason: "on our empanelled list"})
	}
	st.fail.Store(list.Requests[1].ApplicationID)

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value), body: body})
	require.Equal(t, http.StatusOK, res.status, "the answers recorded are reported: %s", res.body)
	var out httpapi.ApprovalDecisionsResponse
	res.decode(t, &out)
	require.Len(t, out.Results, 3)
	assert.Nil(t, out.Results[0].Error)
	assert.NotEmpty(t, out.Results[0].Stage)
	require.NotNil(t, out.Results[1].Error, "the answer not recorded says so")
	assert.Equal(t, httpapi.CodeInternal, out.Results[1].Error.Code)
	assert.NotContains(t, out.Results[1].Error.Message, "disk", "no internal detail reaches the payer")
	assert.Empty(t, out.Results[1].Stage)
	assert.Nil(t, out.Results[2].Error)
	assert.NotEmpty(t, out.Results[2].Stage)

	st.fail.Store("")
	for i, q := range list.Requests {
		a, err := f.svc.Application(context.Background(), q.ApplicationID)
		require.NoError(t, err)
		approved := false
		for _, tk := range a.Tasks {
			if tk.ID == q.TaskID {
				approved = tk.State == onboarding.TaskDone
			}
		}
		assert.Equal(t, i != 1, approved, "request %d", i)
	}
}
