package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A payer, with its own access token, lists the approval requests
// addressed to it and approves two in one call.
func TestPayerApprovesTwoInOneCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.submit(f.payer())
	var otp string
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindOTP {
			otp = tk.ID
		}
	}
	_, err := f.svc.ConfirmOTP(ctx, a.ID, otp, f.out.lastCode(a.ID))
	require.NoError(t, err)
	_, err = f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	tok, err := f.svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)

	var apps []*onboarding.Application
	for i, name := range []string{"Shanti Community Hospital", "Karuna Nursing Home"} {
		app, _ := f.submit(&hcxonboard.Application{
			ParticipantName: name, Roles: []hcxonboard.Role{hcxonboard.RoleHospital},
			PrimaryEmail: "desk@hospital.example", PrimaryMobile: "9000012000",
			Address: &hcxonboard.Address{Street: "MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001"},
			Identifiers: hcxonboard.Identifiers{FacilityLicence: &hcxonboard.FacilityLicence{
				Number: "KPME/BR/2020/031" + string(rune('1'+i)), ValidUntil: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}},
			SystemAdmin: &hcxonboard.Contact{Name: "Prakash Gowda", Email: "it@hospital.example", Mobile: "9000012001"},
			Documents: []hcxonboard.Document{{Kind: hcxonboard.DocEmpanelmentProof, URI: "https://docs.hospital.example/empanelment.pdf",
				SHA256: "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2", MediaType: "application/pdf"}},
			Empanelment:            &hcxonboard.Empanelment{PayerCode: creds.ParticipantCode, Scheme: "SHAS", EmpanelmentID: "EMP-" + name[:5]},
			SandboxCertificate:     f.cert("hosp-"+name[:5], hcxonboard.RoleHospital),
			SandboxParticipantCode: "hosp-" + name[:5],
		})
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
	require.Equal(t, http.StatusForbidden, res.status, "body: %s", res.body)

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
