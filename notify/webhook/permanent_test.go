package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/webhook"
)

// A final answer (a 4xx other than 408 and 429) is permanent, for the
// outbox to take as a dead letter at once; any other is not.
func TestDeliveryErrorPermanence(t *testing.T) {
	t.Parallel()
	require.True(t, (&webhook.DeliveryError{Status: 410, Final: true}).Permanent())
	require.False(t, (&webhook.DeliveryError{Status: 503}).Permanent())
}
