package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/verifier"
)

// Step 3 takes the participant's payment details (the registry's
// optional payment_details): checked as NormalizePaymentDetails checks
// them, a refusal naming the member, and copied into the participant
// record normalised.
func TestSubmitDetailsPaymentDetails(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tc := range []struct {
		name  string
		given *hcxonboard.PaymentDetails
		want  *hcxonboard.PaymentDetails
		field string // "" accepts
	}{
		{name: "none", given: nil, want: nil},
		{name: "empty", given: &hcxonboard.PaymentDetails{}, want: nil},
		{name: "UPI", given: &hcxonboard.PaymentDetails{UPIID: "citycare@okicici"}, want: &hcxonboard.PaymentDetails{UPIID: "citycare@okicici"}},
		{name: "account", given: &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "sbin0001234"},
			want: &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}},
		{name: "both", given: &hcxonboard.PaymentDetails{UPIID: "citycare@okicici", AccountNumber: "123456789012", IFSCCode: "SBIN0001234"},
			field: "payment_details"},
		{name: "account without IFSC", given: &hcxonboard.PaymentDetails{AccountNumber: "123456789012"}, field: "payment_details.ifsc_code"},
		{name: "bad IFSC", given: &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN1234567"}, field: "payment_details.ifsc_code"},
		{name: "bad account", given: &hcxonboard.PaymentDetails{AccountNumber: "12345", IFSCCode: "SBIN0001234"}, field: "payment_details.account_number"},
		{name: "bad UPI", given: &hcxonboard.PaymentDetails{UPIID: "citycare at okicici"}, field: "payment_details.upi_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := w.service(registry.NewMemoryStore())
			a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			d := w.details("hcx.bsp-one.example")
			d.PaymentDetails = tc.given
			got, err := svc.SubmitDetails(ctx, a.ID, d)
			if tc.field != "" {
				var de *onboarding.DetailsError
				require.ErrorAs(t, err, &de)
				require.ErrorIs(t, err, onboarding.ErrInvalidDetails)
				assert.Equal(t, tc.field, de.Field)
				assert.ErrorIs(t, err, hcxonboard.ErrInvalidPaymentDetails)
				assert.NotContains(t, err.Error(), "123456789012", "the account number is not echoed")
				cur, err := svc.Application(ctx, a.ID)
				require.NoError(t, err)
				assert.Equal(t, a.Version, cur.Version, "refused details change nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Participant.PaymentDetails)
			assert.Equal(t, tc.want, got.Details.PaymentDetails)
			stored, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, stored.Participant.PaymentDetails, "stored in the participant record")
			if tc.want != nil {
				stored.Details.PaymentDetails.IFSCCode = "changed"
				stored.Participant.PaymentDetails.IFSCCode = "changed"
				again, err := svc.Application(ctx, a.ID)
				require.NoError(t, err)
				assert.Equal(t, tc.want, again.Details.PaymentDetails, "a view is a copy")
				assert.Equal(t, tc.want, again.Participant.PaymentDetails, "a view is a copy")
			}
		})
	}
}

// A live participant whose payment details change hears of it: money
// would go elsewhere. Details sent again without them remove them.
func TestLiveParticipantPaymentDetailsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithStepUp(false))
	a, _ := live(t, w, svc)
	d := w.details("hcx.suraksha.example")
	d.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
	a, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	assert.Equal(t, d.PaymentDetails, a.Participant.PaymentDetails)
	told := w.notes.of(onboarding.MessageDetailsChanged, a.ID)
	require.NotEmpty(t, told)
	last := told[len(told)-1]
	assert.Contains(t, last.Body, "payment details")
	assert.NotContains(t, last.Body, "123456789012", "the notice masks the account number")

	d.PaymentDetails = nil
	a, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	assert.Nil(t, a.Participant.PaymentDetails, "step 3 replaces the details whole")
}

// Payment details round-trip through every store — kept in the
// participant record's JSON and the application's state, no migration —
// and a participant stored without them still reads as having none.
func TestPaymentDetailsStored(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) registry.Store{
		"memory":     func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"sqlite":     func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
		"postgresql": func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			store := open(t)
			svc := w.service(store)
			paid, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			d := w.details("hcx.bsp-one.example")
			d.PaymentDetails = &hcxonboard.PaymentDetails{AccountNumber: "123456789012", IFSCCode: "SBIN0001234"}
			paid, err = svc.SubmitDetails(ctx, paid.ID, d)
			require.NoError(t, err)
			plain, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)

			again := w.service(store) // a new engine reads what the store holds
			got, err := again.Application(ctx, paid.ID)
			require.NoError(t, err)
			assert.Equal(t, d.PaymentDetails, got.Participant.PaymentDetails)
			assert.Equal(t, d.PaymentDetails, got.Details.PaymentDetails)
			ps, err := again.Search(ctx, registry.Query{Filters: map[string]registry.Condition{
				registry.FieldCode: registry.Eq(paid.Participant.ParticipantCode)}})
			require.NoError(t, err)
			require.Len(t, ps, 1)
			assert.Equal(t, d.PaymentDetails, ps[0].PaymentDetails)

			got, err = again.Application(ctx, plain.ID)
			require.NoError(t, err)
			assert.Nil(t, got.Participant.PaymentDetails)
		})
	}
}
