package verifier_test

import (
	"context"
	"errors"
	"fmt"
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
	verified := hfr.Facility{ID: "IN2910000123", Name: "Sunrise Multispeciality Hospital", Status: "Verified"}
	tests := []struct {
		name   string
		hfrID  string
		answer func(ctx context.Context) (hfr.Facility, error)
		calls  int32 // look-ups expected
		want   want
		otp    want
	}{
		{name: "found", answer: func(context.Context) (hfr.Facility, error) { return verified, nil }, calls: 1,
			want: want{outcome: verifier.Satisfied, msg: "Sunrise Multispeciality Hospital, status Verified"}},
		{name: "found without a status", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{ID: "IN2910000123", Name: "Sunrise"}, nil
		}, calls: 1, want: want{outcome: verifier.Satisfied, msg: "status not given"}},
		{name: "not found", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{}, fmt.Errorf("hfr: facility IN2910000123: %w", hfr.ErrNotFound)
		}, calls: 1, want: want{outcome: verifier.Invalid, msg: "HFR has no facility IN2910000123"}},
		{name: "draft", answer: func(context.Context) (hfr.Facility, error) {
			return hfr.Facility{ID: "IN2910000123", Name: "Sunrise", Status: " draft "}, nil
		}, calls: 1, want: want{outcome: verifier.Invalid, msg: "is only a Draft"}},
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
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			tt.want.id = verifier.ReqHFRLookup
			assertResult(t, r, tt.want)
			assert.Equal(t, tt.calls, calls.Load())

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

func TestHPRCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(ctx context.Context) (hfr.Professional, error)
		want   want
	}{
		{name: "council verified", answer: func(context.Context) (hfr.Professional, error) {
			return hfr.Professional{HPRIDNumber: "71-3012-4567-8901", Name: "Dr. Kavita Sharma", CouncilVerified: true}, nil
		}, want: want{outcome: verifier.Satisfied, msg: "Dr. Kavita Sharma, council-verified"}},
		{name: "not yet council verified", answer: func(context.Context) (hfr.Professional, error) {
			return hfr.Professional{Name: "Dr. Kavita Sharma"}, nil
		}, want: want{outcome: verifier.Satisfied, msg: "not yet verified by the council"}},
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
			c := trustedChecker(t, verifier.WithProfessionalRegistry(reg), verifier.WithLookupTimeout(50*time.Millisecond))
			r, err := c.Verify(context.Background(), loadApp(t, "abdm_practitioner_ready.json"))
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

func TestRohiniVerification(t *testing.T) {
	t.Parallel()
	hospital := rohini.Hospital{ID: "8900080336704", Name: "Lakeview Nursing Home Pvt. Ltd.", Status: "Active",
		ValidUntil: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	with := func(change func(h *rohini.Hospital)) func(context.Context) (rohini.Hospital, error) {
		return func(context.Context) (rohini.Hospital, error) {
			h := hospital
			change(&h)
			return h, nil
		}
	}
	tests := []struct {
		name   string
		answer func(ctx context.Context) (rohini.Hospital, error)
		want   want
	}{
		{name: "found", answer: with(func(*rohini.Hospital) {}),
			want: want{outcome: verifier.Satisfied, msg: "8900080336704 is Lakeview Nursing Home Pvt. Ltd."}},
		{name: "found without status or validity", answer: with(func(h *rohini.Hospital) { h.Status, h.ValidUntil = "", time.Time{} }),
			want: want{outcome: verifier.Satisfied}},
		{name: "valid through today", answer: with(func(h *rohini.Hospital) { h.ValidUntil = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }),
			want: want{outcome: verifier.Satisfied}},
		{name: "registration expired", answer: with(func(h *rohini.Hospital) { h.ValidUntil = time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC) }),
			want: want{outcome: verifier.Invalid, msg: "expired on 2026-05-30"}},
		{name: "not active", answer: with(func(h *rohini.Hospital) { h.Status = "Suspended" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: "status Suspended"}},
		{name: "another name", answer: with(func(h *rohini.Hospital) { h.Name = "Lakeside Clinic" }),
			want: want{outcome: verifier.Pending, task: verifier.TaskReview, msg: `ROHINI lists 8900080336704 as "Lakeside Clinic"`}},
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

// TestOnlineAdapters wires the real adapters: *hfr.Client against the
// in-process HFR fake, and a rohini.Directory loaded from an extract.
func TestOnlineAdapters(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	client, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	dir, err := rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name,status,valid_until\n" +
		"8900080336704,Lakeview Nursing Home,Active,2027-03-31\n"))
	require.NoError(t, err)

	check, err := rohini.CheckDigit("890008012345")
	require.NoError(t, err)
	otherRohiniID := "890008012345" + string(check) // well formed, not in the extract

	c := trustedChecker(t, verifier.WithFacilityRegistry(client), verifier.WithProfessionalRegistry(client), verifier.WithRohiniLookup(dir))
	tests := []struct {
		name   string
		file   string
		change func(a *hcxonboard.Application)
		want   want
	}{
		{"verified facility", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2910000123" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Satisfied, msg: "Sanjeevani Multispeciality Hospital, status Verified"}},
		{"draft facility", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2710000456" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Invalid, msg: "Draft"}},
		{"unknown facility", "abdm_provider_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HFRID = "IN2910000999" },
			want{id: verifier.ReqHFRLookup, outcome: verifier.Invalid, msg: "HFR has no facility"}},
		{"known professional", "abdm_practitioner_ready.json", func(a *hcxonboard.Application) { a.Identifiers.HPRID = "71-1234-5678-9012" },
			want{id: verifier.ReqHPRCheck, outcome: verifier.Satisfied, msg: "council-verified"}},
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
