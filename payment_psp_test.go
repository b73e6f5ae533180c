package hcxonboard_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// Payment service providers' UPI handles are letters, and sometimes
// digits after them: Kotak's 811 app pays to name@kotak811. Such a UPI ID
// is taken; a provider handle that is digits alone, or starts with one,
// is still not one.
func TestUPIProviderHandleWithDigits(t *testing.T) {
	t.Parallel()
	for _, upi := range []string{"9876543210@kotak811", "city.hospital@kotak811", "ravi@ab1"} {
		got, err := hcxonboard.NormalizePaymentDetails(&hcxonboard.PaymentDetails{UPIID: upi})
		require.NoError(t, err, upi)
		assert.Equal(t, upi, got.UPIID)
	}
	for _, upi := range []string{"ravi@123", "ravi@811kotak", "ravi@a", "ravi@kotak_811"} {
		_, err := hcxonboard.NormalizePaymentDetails(&hcxonboard.PaymentDetails{UPIID: upi})
		var pe *hcxonboard.PaymentDetailsError
		require.ErrorAs(t, err, &pe, upi)
		assert.Equal(t, hcxonboard.FieldUPIID, pe.Field, upi)
	}
}
