package verifier_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/verifier"
)

// kavita is the professional of abdm_practitioner_ready.json as HPR holds
// her: council-verified, with a registration due for renewal in 2029.
func kavita() hfr.Professional {
	return hfr.Professional{
		HPRIDNumber: "71-3012-4567-8901", HPRID: "kavita.sharma@hpr.abdm", Name: "Kavita Sharma",
		AuthMethods:     []string{"PASSWORD", "AADHAAR_OTP", "MOBILE_OTP"},
		CouncilVerified: true,
		Registrations: []hfr.Registration{{Category: "Doctor", CouncilName: "Delhi Medical Council",
			RegistrationNumber: "DMC-12345", RegistrationDate: "2014-02-01", DueDate: "2029-01-31"}},
	}
}

// practitionerApp is the sample application under the professional's own
// name.
func practitionerApp(t *testing.T) *hcxonboard.Application {
	app := loadApp(t, "abdm_practitioner_ready.json")
	app.ParticipantName = "Dr Kavita Sharma"
	return app
}

func TestHPRCheck(t *testing.T) {
	t.Parallel()
	with := func(change func(p *hfr.Professional)) func(context.Context) (hfr.Professional, error) {
		return func(context.Context) (hfr.Professional, error) {
			p := kavita()
			change(&p)
			return p, nil
		}
	}
	compared := map[string]bool{"hpr_id": true, "name": true, "registration": true, "council_verified": true}
	except := func(base map[string]bool, fields ...string) map[string]bool {
		m := maps.Clone(base)
		for _, f := range fields {
			m[f] = false
		}
		return m
	}
	withAuth := except(compared)
	withAuth["auth_methods"] = true

	tests := []struct {
		name    string
		apiOnly bool
		change  func(a *hcxonboard.Application)
		answer  func(ctx context.Context) (hfr.Professional, error)
		want    want
	}{
		// Authentication through HPR is the default.
		{name: "found: the professional authenticates", answer: with(func(*hfr.Professional) {}),
			want: want{outcome: verifier.Pending, task: verifier.TaskHPRAuth,
				msg: "HPR sends a one-time password by Aadhaar OTP (to the mobile linked with the professional's Aadhaar) or mobile OTP", findings: withAuth}},
		{name: "only mobile OTP offered", answer: with(func(p *hfr.Professional) { p.AuthMethods = []string{"PASSWORD", "MOBILE_OTP"} }),
			want: want{outcome: verifier.Pending, task: verifier.TaskHPRAuth, msg: "by mobile OTP (to the mobile in the HPR profile), and", findings: withAuth}},
		{name: "no OTP method: a person confirms identity", answer: with(func(p *hfr.Professional) { p.AuthMethods = []string{"PASSWORD"} }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "no OTP authentication", findings: except(withAuth, "auth_methods")}},
		// What the issue found: another doctor's name, not council-verified.
		{name: "another doctor, not council-verified: still authenticates, then review", answer: with(func(p *hfr.Professional) {
			p.Name, p.CouncilVerified = "Dr. Anil Mehta", false
		}), want: want{outcome: verifier.Pending, task: verifier.TaskHPRAuth,
			msg: `name: application "Dr Kavita Sharma", HPR "Dr. Anil Mehta"; council verified: HPR "false"`, findings: except(withAuth, "name", "council_verified")}},
		{name: "the name is the system admin's", change: func(a *hcxonboard.Application) {
			a.ParticipantName = "Dr. Kavita Sharma Clinic"
			a.SystemAdmin = &hcxonboard.Contact{Name: "Sharma Kavita", Email: "dr.kavita@clinic.example"}
		}, answer: with(func(*hfr.Professional) {}), want: want{outcome: verifier.Pending, task: verifier.TaskHPRAuth, findings: withAuth}},

		// API-only: the look-up settles it when everything matches.
		{name: "API only: every field matches", apiOnly: true, answer: with(func(*hfr.Professional) {}),
			want: want{outcome: verifier.Satisfied, msg: "HPR: 71-3012-4567-8901 is Kavita Sharma, council-verified with an active registration", findings: compared}},
		{name: "API only: initials and titles", apiOnly: true, change: func(a *hcxonboard.Application) { a.ParticipantName = "Prof. (Dr.) K. Sharma" },
			answer: with(func(p *hfr.Professional) { p.Name = "K Sharma" }), want: want{outcome: verifier.Satisfied, findings: compared}},
		{name: "API only: another doctor, not council-verified", apiOnly: true, answer: with(func(p *hfr.Professional) {
			p.Name, p.CouncilVerified = "Dr. Anil Mehta", false
		}), want: want{outcome: verifier.Pending, task: verifier.TaskReview,
			msg: `name: application "Dr Kavita Sharma", HPR "Dr. Anil Mehta"`, findings: except(compared, "name", "council_verified")}},
		{name: "API only: registration lapsed", apiOnly: true, answer: with(func(p *hfr.Professional) { p.Registrations[0].DueDate = "2026-05-31" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "no registration is active", findings: except(compared, "registration")}},
		{name: "API only: due today is still active", apiOnly: true, answer: with(func(p *hfr.Professional) { p.Registrations[0].DueDate = "01-06-2026" }),
			want: want{outcome: verifier.Satisfied, findings: compared}},
		{name: "API only: no registration", apiOnly: true, answer: with(func(p *hfr.Professional) { p.Registrations = nil }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "HPR lists no council registration", findings: except(compared, "registration")}},
		{name: "API only: record deactivated in HPR", apiOnly: true, answer: with(func(p *hfr.Professional) { p.Active = new(bool) }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "not hold the professional's record as active",
				findings: except(compared, "active")}},
		{name: "record deactivated in HPR: still authenticates, then review", answer: with(func(p *hfr.Professional) { p.Active = new(bool) }),
			want: want{outcome: verifier.Pending, task: verifier.TaskHPRAuth, msg: `active: HPR "false"`, findings: except(withAuth, "active")}},
		{name: "API only: no name", apiOnly: true, answer: with(func(p *hfr.Professional) { p.Name = "" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "HPR gives no name", findings: except(compared, "name")}},

		{name: "an answer for another professional proves nothing", answer: with(func(p *hfr.Professional) { p.HPRIDNumber, p.HPRID = "71-9999-4567-8901", "" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "another professional"}},
		{name: "not found", answer: func(context.Context) (hfr.Professional, error) {
			return hfr.Professional{}, fmt.Errorf("hpr: %w", hfr.ErrNotFound)
		}, want: want{outcome: verifier.Invalid, msg: "HPR has no professional 71-3012-4567-8901"}},
		{name: "registry refuses the id", answer: func(context.Context) (hfr.Professional, error) {
			return hfr.Professional{}, fmt.Errorf("%w: HPR ID", hfr.ErrInvalidID)
		}, want: want{outcome: verifier.Invalid, msg: "does not accept"}},
		{name: "outage", answer: func(context.Context) (hfr.Professional, error) {
			return hfr.Professional{}, fmt.Errorf("hpr: %w", hfr.ErrUnavailable)
		}, want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "registry unavailable"}},
		{name: "times out", answer: func(ctx context.Context) (hfr.Professional, error) {
			return hfr.Professional{}, blockUntilDone(ctx)
		}, want: want{outcome: verifier.Pending, task: verifier.TaskRetry}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := professionalFunc(func(ctx context.Context, id string) (hfr.Professional, error) {
				assert.Equal(t, "71-3012-4567-8901", id)
				return tt.answer(ctx)
			})
			c := trustedChecker(t, verifier.WithProfessionalRegistry(reg), verifier.WithLookupTimeout(50*time.Millisecond),
				verifier.WithHPRAPIOnly(tt.apiOnly))
			app := practitionerApp(t)
			if tt.change != nil {
				tt.change(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqHPRCheck
			assertResult(t, r, tt.want)
		})
	}

	t.Run("malformed id is not looked up", func(t *testing.T) {
		t.Parallel()
		c := trustedChecker(t, verifier.WithProfessionalRegistry(professionalFunc(func(context.Context, string) (hfr.Professional, error) {
			t.Error("looked up a malformed HPR ID")
			return hfr.Professional{}, nil
		})))
		app := loadApp(t, "abdm_practitioner_ready.json")
		app.Identifiers.HPRID = "7130124567890"
		r, err := c.Verify(context.Background(), app)
		require.NoError(t, err)
		assertResult(t, r, want{id: verifier.ReqHPRCheck, outcome: verifier.Missing, msg: "see hpr_id"})
	})
}

func TestConfirmProfessional(t *testing.T) {
	t.Parallel()
	compared := map[string]bool{"hpr_id": true, "name": true, "registration": true, "council_verified": true}
	except := func(fields ...string) map[string]bool {
		m := maps.Clone(compared)
		for _, f := range fields {
			m[f] = false
		}
		return m
	}
	tests := []struct {
		name   string
		change func(p *hfr.Professional)
		app    func(a *hcxonboard.Application)
		want   want
	}{
		{name: "the applicant is the professional", want: want{outcome: verifier.Satisfied,
			msg: "Authenticated through HPR as 71-3012-4567-8901 (Kavita Sharma), council-verified", findings: compared}},
		{name: "by address only", change: func(p *hfr.Professional) { p.HPRIDNumber = "" },
			app: func(a *hcxonboard.Application) { a.Identifiers.HPRID = "Kavita.Sharma@hpr.abdm" }, want: want{outcome: verifier.Satisfied, findings: compared}},
		{name: "authenticated as someone else", change: func(p *hfr.Professional) { p.HPRIDNumber, p.HPRID = "71-9999-4567-8901", "anil.mehta@hpr.abdm" },
			want: want{outcome: verifier.Invalid, msg: "HPR authenticated another professional than 71-3012-4567-8901", findings: except("hpr_id")}},
		{name: "profile names no HPR ID", change: func(p *hfr.Professional) { p.HPRIDNumber, p.HPRID = "", "" },
			want: want{outcome: verifier.Invalid, findings: except("hpr_id")}},
		{name: "the application is another doctor's", app: func(a *hcxonboard.Application) { a.ParticipantName = "Dr. Anil Mehta" },
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `name: application "Dr. Anil Mehta", HPR "Kavita Sharma"`, findings: except("name")}},
		{name: "not council-verified", change: func(p *hfr.Professional) { p.CouncilVerified = false },
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "the council has not verified the registration", findings: except("council_verified")}},
		{name: "application without an HPR ID", app: func(a *hcxonboard.Application) { a.Identifiers.HPRID = "" },
			want: want{outcome: verifier.Missing, msg: "hpr_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := kavita()
			if tt.change != nil {
				tt.change(&p)
			}
			app := practitionerApp(t)
			if tt.app != nil {
				tt.app(app)
			}
			res := verifier.ConfirmProfessional(app, p, testNow)
			assert.Equal(t, verifier.ReqHPRCheck, res.ID)
			tt.want.id = verifier.ReqHPRCheck
			assertResult(t, &verifier.Report{Requirements: []verifier.Result{res}}, tt.want)
		})
	}
	res := verifier.ConfirmProfessional(nil, kavita(), testNow)
	assert.Equal(t, verifier.Invalid, res.Outcome)
}

// TestHPRAuthThroughTheFake runs what the workflow does for task hpr_auth,
// with *hfr.Client as ProfessionalRegistry and ProfessionalAuth against the
// in-process HPR fake: the check asks for authentication, the professional
// confirms the code HPR sent, and ConfirmProfessional decides.
func TestHPRAuthThroughTheFake(t *testing.T) {
	t.Parallel()
	srv, client := hfrFake(t)
	var auth verifier.ProfessionalAuth = client
	c := trustedChecker(t, verifier.WithProfessionalRegistry(client))

	tests := []struct {
		name      string
		hprID     string
		applicant string
		want      want
	}{
		{"the professional herself", "71-1234-5678-9012", "Dr. Asha Rao", want{outcome: verifier.Satisfied, msg: "Authenticated through HPR as 71-1234-5678-9012"}},
		{"a clinic under another doctor's HPR ID", "71-3456-7890-1234", "Dr. Asha Rao", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `HPR "K. Meenakshi"`}},
		{"not council-verified", "71-2345-6789-0123", "Vaidya Ganesh Kulkarni", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "council verified"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := practitionerApp(t)
			app.Identifiers.HPRID, app.ParticipantName = tt.hprID, tt.applicant
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			check, _ := r.Result(verifier.ReqHPRCheck)
			require.Equal(t, verifier.TaskHPRAuth, check.Task, check.Message)

			txn, err := auth.StartHPRAuth(context.Background(), tt.hprID, hfr.HPRAadhaarOTP)
			require.NoError(t, err)
			code, ok := srv.LastHPROTP(tt.hprID)
			require.True(t, ok)
			p, err := auth.ConfirmHPRAuth(context.Background(), txn, code)
			require.NoError(t, err)
			tt.want.id = verifier.ReqHPRCheck
			assertResult(t, &verifier.Report{Requirements: []verifier.Result{verifier.ConfirmProfessional(app, p, testNow)}}, tt.want)
		})
	}
}

// TestHPRUnreadableDueDateIsNotActive: a registration whose due date HPR
// sends in a shape the check cannot read is not taken as active, and
// lapsed dates in the shapes HPR's backend is known to send are read.
func TestHPRUnreadableDueDateIsNotActive(t *testing.T) {
	t.Parallel()
	for _, due := range []string{"1609372800000", "2020-12-31T00:00:00.000+0000", "31-Dec-2020"} {
		reg := professionalFunc(func(context.Context, string) (hfr.Professional, error) {
			p := kavita()
			p.Registrations[0].DueDate = due
			return p, nil
		})
		c := trustedChecker(t, verifier.WithProfessionalRegistry(reg), verifier.WithHPRAPIOnly(true))
		r, err := c.Verify(context.Background(), practitionerApp(t))
		require.NoError(t, err)
		res, _ := r.Result(verifier.ReqHPRCheck)
		assert.NotEqual(t, verifier.Satisfied, res.Outcome, due)
	}
}

func TestHPRDueDateShapes(t *testing.T) {
	t.Parallel()
	compared := map[string]bool{"hpr_id": true, "name": true, "registration": true, "council_verified": true}
	lapsed := maps.Clone(compared)
	lapsed["registration"] = false
	tests := []struct {
		due  string
		want want
	}{
		// 2029-01-31, after testNow, in each shape HPR's backend may send.
		{"1864512000000", want{outcome: verifier.Satisfied, findings: compared}},
		{"2029-01-31T00:00:00.000+0000", want{outcome: verifier.Satisfied, findings: compared}},
		{"2029-01-30T18:30:00.000+0000", want{outcome: verifier.Satisfied, findings: compared}},
		{"31-Jan-2029", want{outcome: verifier.Satisfied, findings: compared}},
		{"31-JAN-2029", want{outcome: verifier.Satisfied, findings: compared}},
		// The same shapes, lapsed.
		{"1609372800000", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "no registration is active", findings: lapsed}},
		{"2020-12-31T00:00:00.000+0000", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "no registration is active", findings: lapsed}},
		{"31-Dec-2020", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "no registration is active", findings: lapsed}},
		// A due date that cannot be read is neither active nor lapsed: a
		// person reads it.
		{"soon", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "could not be read", findings: lapsed}},
		{"1609372800", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "could not be read", findings: lapsed}},
		{"2029-02-30", want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "could not be read", findings: lapsed}},
	}
	for _, tt := range tests {
		t.Run(tt.due, func(t *testing.T) {
			t.Parallel()
			reg := professionalFunc(func(context.Context, string) (hfr.Professional, error) {
				p := kavita()
				p.Registrations[0].DueDate = tt.due
				return p, nil
			})
			c := trustedChecker(t, verifier.WithProfessionalRegistry(reg), verifier.WithHPRAPIOnly(true))
			r, err := c.Verify(context.Background(), practitionerApp(t))
			require.NoError(t, err)
			tt.want.id = verifier.ReqHPRCheck
			assertResult(t, r, tt.want)

			// After the professional authenticates, the same.
			p := kavita()
			p.Registrations[0].DueDate = tt.due
			assertResult(t, &verifier.Report{Requirements: []verifier.Result{verifier.ConfirmProfessional(practitionerApp(t), p, testNow)}}, tt.want)
		})
	}

	t.Run("an active registration beside an unreadable one", func(t *testing.T) {
		t.Parallel()
		p := kavita()
		p.Registrations = append([]hfr.Registration{{CouncilName: "Medical Council", RegistrationNumber: "MC-1", DueDate: "soon"}}, p.Registrations...)
		res := verifier.ConfirmProfessional(practitionerApp(t), p, testNow)
		assertResult(t, &verifier.Report{Requirements: []verifier.Result{res}}, want{id: verifier.ReqHPRCheck, outcome: verifier.Satisfied, findings: compared})
	})
}

// TestHPRRecordNotActive runs *hfr.Client against an HPR registry whose
// professional details carry HPR's own active flag and application status:
// a record HPR has deactivated, or an application HPR has not approved, does
// not satisfy hpr_check however old the council's verification.
func TestHPRRecordNotActive(t *testing.T) {
	t.Parallel()
	const profile = `{"hprIdNumber":"71-3012-4567-8901","hprId":"kavita.sharma@hpr.abdm","name":"Kavita Sharma",
"authMethods":["PASSWORD","AADHAAR_OTP","MOBILE_OTP"],"categoryId":"1","subCategoryId":"1"}`
	details := func(state string) string {
		return `{"practitioners":[[{"identifier":71301245678901,"hpr_id":"kavita.sharma@hpr.abdm","name":"Kavita Sharma",` + state + `
"is_council_verified":"true","registrations":[{"identifier":"1","category":"Doctor","councilName":"Delhi Medical Council",
"registrationNumber":"DMC-12345","registrationDate":"2014-02-01","isRenewable":true,"dueDate":"2029-01-31"}]}]],
"message":"Data fetched successfully"}`
	}
	compared := map[string]bool{"hpr_id": true, "name": true, "registration": true, "council_verified": true}
	with := func(fields map[string]bool) map[string]bool {
		m := maps.Clone(compared)
		maps.Copy(m, fields)
		return m
	}
	tests := []struct {
		name  string
		state string
		want  want
	}{
		{"deactivated", `"active":false,"application_status":"Approved",`,
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "active: HPR \"false\"",
				findings: with(map[string]bool{"active": false, "application_status": true})}},
		{"deactivated, as a string", `"active":"false","application_status":"Approved",`,
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "active: HPR \"false\"",
				findings: with(map[string]bool{"active": false, "application_status": true})}},
		{"active and approved", `"active":true,"application_status":"Approved",`,
			want{outcome: verifier.Satisfied, findings: with(map[string]bool{"active": true, "application_status": true})}},
		{"active, as a string, and verified", `"active":"TRUE","application_status":"verified",`,
			want{outcome: verifier.Satisfied, findings: with(map[string]bool{"active": true, "application_status": true})}},
		{"application not approved", `"active":true,"application_status":"Pending",`,
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "application status: HPR \"Pending\"",
				findings: with(map[string]bool{"active": true, "application_status": false})}},
		{"application rejected", `"active":true,"application_status":"Rejected",`,
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "application status: HPR \"Rejected\"",
				findings: with(map[string]bool{"active": true, "application_status": false})}},
		{"neither sent: not compared", ``, want{outcome: verifier.Satisfied, findings: compared}},
		{"null: not compared", `"active":null,"application_status":null,`, want{outcome: verifier.Satisfied, findings: compared}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gw := hfrtest.NewServer()
			t.Cleanup(gw.Close)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /v1/search/searchByHprId/{id}", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(profile))
			})
			mux.HandleFunc("POST /apis/v1/doctors/fetch-professional-info", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(details(tt.state)))
			})
			reg := httptest.NewServer(mux)
			t.Cleanup(reg.Close)
			client, err := gw.Client(hfr.WithRegistryURL(reg.URL))
			require.NoError(t, err)
			t.Cleanup(func() { _ = client.Close() })

			c := trustedChecker(t, verifier.WithProfessionalRegistry(client), verifier.WithHPRAPIOnly(true))
			r, err := c.Verify(context.Background(), practitionerApp(t))
			require.NoError(t, err)
			tt.want.id = verifier.ReqHPRCheck
			assertResult(t, r, tt.want)

			// The profile the professional authenticates as carries the
			// same details, and ConfirmProfessional decides the same.
			p, err := client.Professional(context.Background(), "71-3012-4567-8901")
			require.NoError(t, err)
			assertResult(t, &verifier.Report{Requirements: []verifier.Result{verifier.ConfirmProfessional(practitionerApp(t), p, testNow)}}, tt.want)
		})
	}
}

// HPR may give an address's user name without its domain: it still names
// the professional the application names by that address.
func TestConfirmProfessionalAddressWithoutDomain(t *testing.T) {
	t.Parallel()
	app := practitionerApp(t)
	app.Identifiers.HPRID = "kavita.sharma@hpr.abdm"
	p := kavita()
	p.HPRIDNumber, p.HPRID = "", "Kavita.Sharma"
	res := verifier.ConfirmProfessional(app, p, time.Now())
	assert.Equal(t, verifier.Satisfied, res.Outcome, res.Message)

	p.HPRID = "someone.else"
	res = verifier.ConfirmProfessional(app, p, time.Now())
	assert.Equal(t, verifier.Invalid, res.Outcome, "another professional: %s", res.Message)
}
