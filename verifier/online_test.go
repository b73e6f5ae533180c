package verifier_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// blockUntilDone stands for a registry that never answers.
func blockUntilDone(ctx context.Context) error {
	<-ctx.Done()
	return fmt.Errorf("%w: %w", hfr.ErrUnavailable, ctx.Err())
}

func TestHFRLookup(t *testing.T) {
	t.Parallel()
	// The sample application: Sunrise Multispeciality Hospital, PIN 570001,
	// applying as provider.hospital.
	verified := hfr.Facility{ID: "IN2910000123", Name: "Sunrise Multispeciality Hospital", Status: "Verified",
		FacilityType: "Hospital", Pincode: "570001"}
	with := func(change func(f *hfr.Facility)) func(context.Context) (hfr.Facility, error) {
		return func(context.Context) (hfr.Facility, error) {
			f := verified
			change(&f)
			return f, nil
		}
	}
	all := map[string]bool{"status": true, "facility_type": true, "name": true, "pincode": true}
	except := func(fields ...string) map[string]bool {
		m := maps.Clone(all)
		for _, f := range fields {
			m[f] = false
		}
		return m
	}
	tests := []struct {
		name   string
		hfrID  string
		roles  []hcxonboard.Role
		answer func(ctx context.Context) (hfr.Facility, error)
		calls  int32 // look-ups expected
		want   want
		otp    want
	}{
		{name: "every field matches", answer: with(func(*hfr.Facility) {}), calls: 1,
			want: want{outcome: verifier.Satisfied, msg: "Sunrise Multispeciality Hospital, status Verified; name, facility type and pincode match", findings: all}},
		{name: "same name written another way", answer: with(func(f *hfr.Facility) {
			f.Name, f.Pincode, f.Status = "The Sunrise Multi-Speciality Hosp.", "570 001", "VERIFIED"
		}), calls: 1, want: want{outcome: verifier.Satisfied, findings: all}},
		{name: "approved", answer: with(func(f *hfr.Facility) { f.Status = "Approved" }), calls: 1,
			want: want{outcome: verifier.Satisfied, findings: all}},
		{name: "generic provider role takes any type", roles: []hcxonboard.Role{hcxonboard.RoleProvider},
			answer: with(func(f *hfr.Facility) { f.FacilityType = "Blood Bank" }), calls: 1, want: want{outcome: verifier.Satisfied, findings: all}},
		{name: "clinic type for a clinic", roles: []hcxonboard.Role{hcxonboard.RoleClinic},
			answer: with(func(f *hfr.Facility) { f.FacilityType = "Clinic/ Dispensary" }), calls: 1, want: want{outcome: verifier.Satisfied, findings: all}},
		{name: "imaging centre for diagnostics", roles: []hcxonboard.Role{hcxonboard.RoleDiagnostics},
			answer: with(func(f *hfr.Facility) { f.FacilityType = "Imaging Center" }), calls: 1, want: want{outcome: verifier.Satisfied, findings: all}},

		// What the issue found: HFR answering Submitted, Pharmacy and
		// another name for a hospital applicant.
		{name: "submitted pharmacy of another name", answer: with(func(f *hfr.Facility) {
			f.Status, f.FacilityType, f.Name = "Submitted", "Pharmacy", "Sanjeevani Medicals"
		}), calls: 1, want: want{outcome: verifier.Pending, task: verifier.TaskAwaitRegistry,
			msg:      `is Submitted in HFR, not yet verified; the application waits and is checked again`,
			findings: except("status", "facility_type", "name")}},
		{name: "submitted", answer: with(func(f *hfr.Facility) { f.Status = "Submitted" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskAwaitRegistry, msg: "goes on once HFR has verified the facility", findings: except("status")}},
		{name: "draft", answer: with(func(f *hfr.Facility) { f.Status = " draft " }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskAwaitRegistry, msg: "is only a Draft in HFR: submit it there", findings: except("status")}},
		{name: "verified pharmacy", answer: with(func(f *hfr.Facility) { f.FacilityType = "Pharmacy" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview,
				msg: `facility type: application "provider.hospital", HFR "Pharmacy" (the type does not fit provider.hospital)`, findings: except("facility_type")}},
		{name: "another name", answer: with(func(f *hfr.Facility) { f.Name = "Sanjeevani Multispeciality Hospital" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview,
				msg: `name: application "Sunrise Multispeciality Hospital", HFR "Sanjeevani Multispeciality Hospital"; the operator reviews it`, findings: except("name")}},
		{name: "another pincode", answer: with(func(f *hfr.Facility) { f.Pincode = "560034" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `pincode: application "570001", HFR "560034"`, findings: except("pincode")}},
		{name: "rejected", answer: with(func(f *hfr.Facility) { f.Status = "Rejected" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "not a status of a verified facility", findings: except("status")}},
		{name: "no status, type or pincode", answer: with(func(f *hfr.Facility) { f.Status, f.FacilityType, f.Pincode = "", "", "" }), calls: 1,
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "HFR gives no status", findings: except("status", "facility_type", "pincode")}},

		{name: "not found", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, fmt.Errorf("hfr: facility IN2910000123: %w", hfr.ErrNotFound)
		}, calls: 1, want: want{outcome: verifier.Invalid, msg: "HFR has no facility IN2910000123"}},
		{name: "registry refuses the id", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, fmt.Errorf("%w: facility ID", hfr.ErrInvalidID)
		}, calls: 1, want: want{outcome: verifier.Invalid, msg: "does not accept IN2910000123"}},
		{name: "outage", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, &hfr.APIError{StatusCode: 503, Code: "ABDM-1099", Message: "service unavailable"}
		}, calls: 1, want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "HFR could not be reached"}},
		{name: "rate limited", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, fmt.Errorf("hfr: %w", hfr.ErrRateLimited)
		}, calls: 1, want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "rate limited"}},
		{name: "our credentials refused", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, fmt.Errorf("hfr: %w", hfr.ErrUnauthorized)
		}, calls: 1, want: want{outcome: verifier.Pending, task: verifier.TaskRetry}},
		{name: "times out", answer: func(ctx context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, blockUntilDone(ctx)
		}, calls: 1, want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "deadline exceeded"}},
		{name: "malformed id is not looked up", hfrID: "IN29-123", calls: 0,
			want: want{outcome: verifier.Missing, msg: "see hfr_id"}, otp: want{outcome: verifier.Missing, msg: "see hfr_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			reg := facilityFunc(func(ctx context.Context, id string) (hfr.Facility, error) {
				calls.Add(1)
				assert.Equal(t, "IN2910000123", id, "the normalised ID is looked up")
				return tt.answer(ctx)
			})
			c := trustedChecker(t, verifier.WithFacilityRegistry(reg), verifier.WithLookupTimeout(50*time.Millisecond))
			app := loadApp(t, "abdm_provider_ready.json")
			app.Identifiers.HFRID = " in2910000123 "
			if tt.hfrID != "" {
				app.Identifiers.HFRID = tt.hfrID
			}
			if tt.roles != nil {
				app.Roles = tt.roles
				app.SandboxCertificate, app.SandboxParticipantCode = issueCert(t, "roles", tt.roles...), "roles"
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqHFRLookup
			assertResult(t, r, tt.want)
			assert.Equal(t, tt.calls, calls.Load())
			if tt.want.outcome == verifier.Pending || tt.want.outcome == verifier.Satisfied {
				assert.Equal(t, verifier.VerdictReady, r.Verdict, "a difference from HFR is never a refusal")
			}

			// The manager's OTP goes through HFR to the contact it holds,
			// whatever the look-up said.
			otp := tt.otp
			if otp.outcome == "" {
				otp = want{outcome: verifier.Pending, task: verifier.TaskHFROTP, msg: "not to the numbers in this application"}
			}
			otp.id = verifier.ReqHFRManagerOTP
			assertResult(t, r, otp)
			hfrResult, _ := r.Result(verifier.ReqHFRManagerOTP)
			assert.NotContains(t, hfrResult.Message, "6001", "the applicant's own number is not the OTP channel")
		})
	}
}

// TestHFRRulesOptions: the accepted statuses, the awaited ones and the
// facility types are the operator's.
func TestHFRRulesOptions(t *testing.T) {
	t.Parallel()
	facility := func(status, typ string) verifier.FacilityRegistry {
		return facilityFunc(func(context.Context, string) (hfr.Facility, error) {
			return hfr.Facility{ID: "IN2910000123", Name: "Sunrise Multispeciality Hospital", Status: status, FacilityType: typ, Pincode: "570001"}, nil
		})
	}
	tests := []struct {
		name   string
		status string
		typ    string
		opts   []verifier.Option
		want   want
	}{
		{"Active is accepted by default", "Active", "Hospital", nil, want{outcome: verifier.Satisfied}},
		{"an operator that accepts only Verified", "Approved", "Hospital", []verifier.Option{verifier.WithHFRStatuses("Verified")},
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "not a status of a verified facility"}},
		{"an operator that waits on Pending too", "Pending", "Hospital", []verifier.Option{verifier.WithHFRPipelineStatuses("Draft", "Submitted", "Pending")},
			want{outcome: verifier.Pending, task: verifier.TaskAwaitRegistry}},
		{"a type the operator adds", "Verified", "Multi Speciality Centre",
			[]verifier.Option{verifier.WithFacilityTypes(map[hcxonboard.Role][]string{hcxonboard.RoleHospital: {"hospital", "multi speciality centre"}})},
			want{outcome: verifier.Satisfied}},
		{"the same type by default", "Verified", "Multi Speciality Centre", nil,
			want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "does not fit provider.hospital"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]verifier.Option{verifier.WithFacilityRegistry(facility(tt.status, tt.typ))}, tt.opts...)
			r, err := trustedChecker(t, opts...).Verify(context.Background(), loadApp(t, "abdm_provider_ready.json"))
			require.NoError(t, err)
			tt.want.id = verifier.ReqHFRLookup
			assertResult(t, r, tt.want)
		})
	}

	for name, opt := range map[string]verifier.Option{
		"no accepted statuses":       verifier.WithHFRStatuses(),
		"an empty status":            verifier.WithHFRStatuses("Verified", " "),
		"no pipeline statuses":       verifier.WithHFRPipelineStatuses(),
		"a status both ways":         verifier.WithHFRStatuses("Verified", "submitted"),
		"types of a non-provider":    verifier.WithFacilityTypes(map[hcxonboard.Role][]string{hcxonboard.RolePayer: {"insurer"}}),
		"a type word of punctuation": verifier.WithFacilityTypes(map[hcxonboard.Role][]string{hcxonboard.RoleClinic: {"clinic", "--"}}),
		"no facility types":          verifier.WithFacilityTypes(nil),
	} {
		_, err := verifier.New(opt)
		assert.Error(t, err, name)
	}
}

func TestRohiniVerification(t *testing.T) {
	t.Parallel()
	// The sample application: Lakeview Nursing Home, PIN 411001.
	hospital := rohini.Hospital{ID: "8900080336704", Name: "Lakeview Nursing Home Pvt. Ltd.", Pincode: "411001", Status: "Active",
		ValidUntil: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	with := func(change func(h *rohini.Hospital)) func(context.Context) (rohini.Hospital, error) {
		return func(context.Context) (rohini.Hospital, error) {
			h := hospital
			change(&h)
			return h, nil
		}
	}
	all := map[string]bool{"name": true, "pincode": true, "status": true, "valid_until": true}
	except := func(fields ...string) map[string]bool {
		m := maps.Clone(all)
		for _, f := range fields {
			m[f] = false
		}
		return m
	}
	tests := []struct {
		name   string
		answer func(ctx context.Context) (rohini.Hospital, error)
		want   want
	}{
		{name: "found", answer: with(func(*rohini.Hospital) {}),
			want: want{outcome: verifier.Satisfied, msg: "8900080336704 is Lakeview Nursing Home Pvt. Ltd.; name and pincode match", findings: all}},
		{name: "found without status or validity", answer: with(func(h *rohini.Hospital) { h.Status, h.ValidUntil = "", time.Time{} }),
			want: want{outcome: verifier.Satisfied, findings: map[string]bool{"name": true, "pincode": true}}},
		{name: "valid through today", answer: with(func(h *rohini.Hospital) { h.ValidUntil = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }),
			want: want{outcome: verifier.Satisfied, findings: all}},
		{name: "registration expired", answer: with(func(h *rohini.Hospital) { h.ValidUntil = time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC) }),
			want: want{outcome: verifier.Invalid, msg: "expired on 2026-05-30", findings: except("valid_until")}},
		{name: "not active", answer: with(func(h *rohini.Hospital) { h.Status = "Suspended" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `status: ROHINI "Suspended" (not active)`, findings: except("status")}},
		{name: "another name", answer: with(func(h *rohini.Hospital) { h.Name = "Lakeside Clinic" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `name: application "Lakeview Nursing Home", ROHINI "Lakeside Clinic"`, findings: except("name")}},
		{name: "another pincode", answer: with(func(h *rohini.Hospital) { h.Pincode = "411038" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `pincode: application "411001", ROHINI "411038"`, findings: except("pincode")}},
		{name: "no pincode in ROHINI", answer: with(func(h *rohini.Hospital) { h.Pincode = "" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "ROHINI gives no valid pincode", findings: except("pincode")}},
		{name: "not found", answer: func(context.Context) (rohini.Hospital, error) {
			return rohini.Hospital{}, fmt.Errorf("%w: 8900080336704", rohini.ErrNotFound)
		}, want: want{outcome: verifier.Invalid, msg: "ROHINI has no hospital 8900080336704"}},
		{name: "manual review", answer: func(ctx context.Context) (rohini.Hospital, error) {
			return rohini.Manual{}.Hospital(ctx, "8900080336704")
		}, want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "ROHINI administrator"}},
		{name: "outage", answer: func(context.Context) (rohini.Hospital, error) {
			return rohini.Hospital{}, fmt.Errorf("%w: HTTP 502", rohini.ErrUnavailable)
		}, want: want{outcome: verifier.Pending, task: verifier.TaskRetry, msg: "HTTP 502"}},
		{name: "look-up rejects the id", answer: func(context.Context) (rohini.Hospital, error) {
			return rohini.Hospital{}, rohini.Validate("8900080336705")
		}, want: want{outcome: verifier.Invalid, msg: "does not accept"}},
		{name: "times out", answer: func(ctx context.Context) (rohini.Hospital, error) {
			<-ctx.Done()
			return rohini.Hospital{}, fmt.Errorf("%w: %w", rohini.ErrUnavailable, ctx.Err())
		}, want: want{outcome: verifier.Pending, task: verifier.TaskRetry}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			look := rohiniFunc(func(ctx context.Context, id string) (rohini.Hospital, error) {
				assert.Equal(t, "8900080336704", id)
				return tt.answer(ctx)
			})
			c := trustedChecker(t, verifier.WithRohiniLookup(look), verifier.WithLookupTimeout(50*time.Millisecond))
			r, err := c.Verify(context.Background(), loadApp(t, "rohini_provider_ready.json"))
			require.NoError(t, err)
			tt.want.id = verifier.ReqRohiniVerification
			assertResult(t, r, tt.want)
		})
	}
}

// hfrFake is the in-process HFR and HPR fake with its demo data, and an
// *hfr.Client wired to it.
func hfrFake(t *testing.T) (*hfrtest.Server, *hfr.Client) {
	t.Helper()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	client, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	return srv, client
}

// TestOnlineAdapters wires the real adapters: *hfr.Client against the
// in-process HFR fake, and a rohini.Directory loaded from an extract.
func TestOnlineAdapters(t *testing.T) {
	t.Parallel()
	_, client := hfrFake(t)

	dir, err := rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name,pincode,status,valid_until\n" +
		"8900080336704,Lakeview Nursing Home,411001,Active,2027-03-31\n"))
	require.NoError(t, err)

	check, err := rohini.CheckDigit("890008012345")
	require.NoError(t, err)
	otherRohiniID := "890008012345" + string(check) // well formed, not in the extract

	// The demo facility IN2910000123 is Sanjeevani Multispeciality
	// Hospital, PIN 560034, Verified.
	sanjeevani := func(a *hcxonboard.Application) {
		a.Identifiers.HFRID, a.ParticipantName, a.Address.Pincode = "IN2910000123", "Sanjeevani Multi Speciality Hospital", "560034"
	}
	c := trustedChecker(t, verifier.WithFacilityRegistry(client), verifier.WithProfessionalRegistry(client), verifier.WithRohiniLookup(dir))
	tests := []struct {
		name   string
		file   string
		change func(a *hcxonboard.Application)
		want   want
	}{
		{"verified facility", "abdm_provider_ready.json", sanjeevani,
			want{id: verifier.ReqHFRLookup, outcome: verifier.Satisfied, msg: "Sanjeevani Multispeciality Hospital, status Verified"}},
		{"verified facility, another applicant", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2910000123" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Pending, task: verifier.TaskReview, msg: `HFR "Sanjeevani Multispeciality Hospital"`}},
		{"draft facility", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2710000456" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Pending, task: verifier.TaskAwaitRegistry, msg: "Draft"}},
		{"unknown facility", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2910000999" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Invalid, msg: "HFR has no facility"}},
		{"known professional", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) {
			a.Identifiers.HPRID, a.ParticipantName = "71-1234-5678-9012", "Dr. Asha Rao"
		}, want{id: verifier.ReqHPRCheck, outcome: verifier.Pending, task: verifier.TaskHPRAuth, msg: "HPR lists 71-1234-5678-9012 as Asha Rao"}},
		{"unknown professional", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HPRID = "71-9999-9999-9999" },
			want{id: verifier.ReqHPRCheck, outcome: verifier.Invalid}},
		{"hospital in the extract", "rohini_provider_ready.json", nil,
			want{id: verifier.ReqRohiniVerification, outcome: verifier.Satisfied}},
		{"hospital not in the extract", "rohini_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.RohiniID = otherRohiniID },
			want{id: verifier.ReqRohiniVerification, outcome: verifier.Invalid, msg: "ROHINI has no hospital"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, tt.file)
			if tt.change != nil {
				tt.change(app)
			}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assertResult(t, r, tt.want)
		})
	}
}

// TestOnlineNotWired: without registries every online requirement is
// pending for a person, and the report is still ready.
func TestOnlineNotWired(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	for file, id := range map[string]verifier.RequirementID{
		"abdm_provider_ready.json":     verifier.ReqHFRLookup,
		"abdm_practitioner_ready.json": verifier.ReqHPRCheck,
		"rohini_provider_ready.json":   verifier.ReqRohiniVerification,
	} {
		r, err := c.Verify(context.Background(), loadApp(t, file))
		require.NoError(t, err)
		assertResult(t, r, want{id: id, outcome: verifier.Pending, task: verifier.TaskReview})
		assert.Equal(t, verifier.VerdictReady, r.Verdict)
	}
}

// TestOnlineCauseIsCleaned: a registry error is repeated to the
// applicant clipped and without control characters.
func TestOnlineCauseIsCleaned(t *testing.T) {
	t.Parallel()
	reg := facilityFunc(func(context.Context, string) (hfr.Facility, error) {
		return hfr.Facility{}, errors.New("upstream said:\x1b[2J\n" + strings.Repeat("x", 500))
	})
	r, err := trustedChecker(t, verifier.WithFacilityRegistry(reg)).Verify(context.Background(), loadApp(t, "abdm_provider_ready.json"))
	require.NoError(t, err)
	res, ok := r.Result(verifier.ReqHFRLookup)
	require.True(t, ok)
	assert.Equal(t, verifier.Pending, res.Outcome)
	assert.NotContains(t, res.Message, "\x1b")
	assert.NotContains(t, res.Message, "\n")
	assert.Less(t, len(res.Message), 400)
}

// TestOnlineCauseIsMasked: a registry's error may name the people it
// holds (a facility manager's mobile and e-mail); the result's message,
// which the engine stores as a task message and shows the applicant,
// carries them masked, as the log does.
func TestOnlineCauseIsMasked(t *testing.T) {
	t.Parallel()
	reg := facilityFunc(func(context.Context, string) (hfr.Facility, error) {
		return hfr.Facility{}, errors.New("gateway: manager 9876543210 (ravi.kumar@sunrisehospital.example) has no session")
	})
	r, err := trustedChecker(t, verifier.WithFacilityRegistry(reg)).Verify(context.Background(), loadApp(t, "abdm_provider_ready.json"))
	require.NoError(t, err)
	res, ok := r.Result(verifier.ReqHFRLookup)
	require.True(t, ok)
	assert.Equal(t, verifier.Pending, res.Outcome)
	assert.Contains(t, res.Message, "has no session", "the registry's words are still told")
	assert.NotContains(t, res.Message, "9876543210")
	assert.NotContains(t, res.Message, "ravi.kumar")
}

// TestRohiniValidityEndsAtMidnightInIndia checks that a ROHINI
// registration valid until a date — which the look-ups read as midnight
// UTC — is valid to the end of that day in India, and not for the five and
// a half hours after it that midnight UTC would add.
func TestRohiniValidityEndsAtMidnightInIndia(t *testing.T) {
	t.Parallel()
	look := rohiniFunc(func(context.Context, string) (rohini.Hospital, error) {
		return rohini.Hospital{ID: "8900080336704", Name: "Lakeview Nursing Home Pvt. Ltd.", Pincode: "411001", Status: "Active",
			ValidUntil: time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)}, nil
	})
	ist := time.FixedZone("IST", 5*3600+1800)
	for _, tc := range []struct {
		now  time.Time
		want verifier.Outcome
	}{
		{time.Date(2026, 5, 31, 23, 59, 59, 0, ist), verifier.Satisfied},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, ist), verifier.Invalid},
		{time.Date(2026, 6, 1, 3, 0, 0, 0, ist), verifier.Invalid},
	} {
		c := trustedChecker(t, verifier.WithRohiniLookup(look), verifier.WithClock(func() time.Time { return tc.now }))
		r, err := c.Verify(context.Background(), loadApp(t, "rohini_provider_ready.json"))
		require.NoError(t, err)
		res, ok := r.Result(verifier.ReqRohiniVerification)
		require.True(t, ok)
		assert.Equal(t, tc.want, res.Outcome, "at %s: %s", tc.now, res.Message)
	}
}
