package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A payer, with its own access token, lists the approval requests
// addressed to it and approves two in one call.
func TestPayerApprovesTwoInOneCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	creds, tok := f.livePayer()

	var apps []*onboarding.Application
	for i := range 2 {
		app, _ := f.submit(f.empanelled(i, creds.ParticipantCode))
		apps = append(apps, app)
	}

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var list httpapi.ApprovalRequestsResponse
	res.decode(t, &list)
	require.Len(t, list.Requests, 2)

	var body httpapi.ApprovalDecisionsRequest
	for _, q := range list.Requests {
		body.Decisions = append(body.Decisions, httpapi.ApprovalDecision{ApplicationID: q.ApplicationID, TaskID: q.TaskID,
			Decision: httpapi.DecisionApprove, Reason: "on our empanelled list"})
	}
	// Staff credentials are not a payer's.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(staffToken), body: body})
	require.Equal(t, http.StatusUnauthorized, res.status, "body: %s", res.body)

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value), body: body})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var out httpapi.ApprovalDecisionsResponse
	res.decode(t, &out)
	require.Len(t, out.Results, 2)
	for _, r := range out.Results {
		assert.Nil(t, r.Error)
	}
	for _, app := range apps {
		events, err := f.svc.Events(ctx, app.ID)
		require.NoError(t, err)
		found := false
		for _, e := range events {
			if e.Action == onboarding.ActionApprove {
				found = true
				assert.Equal(t, "payer:"+creds.ParticipantCode, e.Actor)
			}
		}
		assert.True(t, found)
	}
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value)})
	res.decode(t, &list)
	assert.Empty(t, list.Requests, "answered")
}

// livePayer takes the fixture's payer application to Active and returns
// its credentials and an access token.
func (f *fixture) livePayer() (onboarding.Credentials, credential.Token) {
	f.t.Helper()
	ctx := context.Background()
	a, _ := f.submit(f.payer())
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindOTP {
			_, err := f.svc.ConfirmOTP(ctx, a.ID, tk.ID, f.out.lastCode(a.ID))
			require.NoError(f.t, err)
		}
	}
	_, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(f.t))
	require.NoError(f.t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(f.t, err)
	_, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(f.t, err)
	tok, err := f.svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(f.t, err)
	return creds, tok
}

// empanelled is the i-th hospital empanelled by the payer payerCode
// alone: its application waits on the payer's approval.
func (f *fixture) empanelled(i int, payerCode string) *hcxonboard.Application {
	code := fmt.Sprintf("hosp-emp-%d", i)
	return &hcxonboard.Application{
		ParticipantName: fmt.Sprintf("Shanti Community Hospital %d", i), Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail: fmt.Sprintf("desk%d@hospital.example", i), PrimaryMobile: fmt.Sprintf("90000120%02d", i),
		Address: &hcxonboard.Address{Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"},
		Identifiers: hcxonboard.Identifiers{FacilityLicence: &hcxonboard.FacilityLicence{
			Number: fmt.Sprintf("KPME/BR/2020/03%02d", i), ValidUntil: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}},
		SystemAdmin: &hcxonboard.Contact{Name: "Prakash Gowda", Email: fmt.Sprintf("it%d@hospital.example", i), Mobile: fmt.Sprintf("90000121%02d", i)},
		Documents: []hcxonboard.Document{{Kind: hcxonboard.DocEmpanelmentProof, URI: "https://docs.hospital.example/empanelment.pdf",
			SHA256: "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2", MediaType: "application/pdf"}},
		Empanelment:            &hcxonboard.Empanelment{PayerCode: payerCode, Scheme: "SHAS", EmpanelmentID: fmt.Sprintf("EMP-%d", i)},
		SandboxCertificate:     f.cert(code, hcxonboard.RoleHospital),
		SandboxParticipantCode: code,
	}
}

// A payer's decision on an application or task that does not exist, or
// that is another's, has one answer: the payer learns nothing of other
// applicants' applications or progress from it.
func TestPayerDecisionsTellNothingOfOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, tok := f.livePayer()
	other, _ := f.submit(f.regulator("Someone Else's Regulator"))
	var review string
	for _, tk := range other.OpenTasks() {
		review = tk.ID
	}
	require.NotEmpty(t, review)
	body := httpapi.ApprovalDecisionsRequest{Decisions: []httpapi.ApprovalDecision{
		{ApplicationID: "01a24d4a-0000-7000-8000-000000000000", TaskID: review, Decision: httpapi.DecisionApprove},
		{ApplicationID: other.ID, TaskID: "review-99", Decision: httpapi.DecisionApprove},
		{ApplicationID: other.ID, TaskID: review, Decision: httpapi.DecisionApprove},
	}}
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", auth: bearer(tok.Value), body: body})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var out httpapi.ApprovalDecisionsResponse
	res.decode(t, &out)
	require.Len(t, out.Results, 3)
	shapes := map[string]bool{}
	for i, r := range out.Results {
		require.NotNil(t, r.Error, "result %d", i)
		// The message names what was asked, and nothing else differs.
		shape := strings.NewReplacer(r.ApplicationID, "APP", r.TaskID, "TASK").Replace(r.Error.Code + " " + r.Error.Message)
		shapes[shape] = true
	}
	assert.Len(t, shapes, 1, "one answer for an unknown application, an unknown task and another's task: %s", res.body)
	got, err := f.svc.Application(context.Background(), other.ID)
	require.NoError(t, err)
	assert.Len(t, got.OpenTasks(), 1, "the other's review is untouched")
}
