package webhook_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
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

// A receiver's 401 or 403 refuses the operator's signature rather than the
// message — its JWKS cache still without a key the operator just rotated
// in, say: the call does not hammer it (Final), but the outbox tries the
// message again later instead of making it a dead letter at once. Any
// other 4xx answers the message itself and is permanent.
func TestSignatureRefusalIsNotPermanent(t *testing.T) {
	t.Parallel()
	key, _ := signingKey(t, jwa.EdDSA, "k1")
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{401, false}, {403, false}, {400, true}, {404, true}, {410, true}} {
		e := newEndpoint(t, answer{tc.status, ""})
		s := newSender(t, key, e)
		err := s.Notify(context.Background(), approvalRequest())
		var de *webhook.DeliveryError
		if !errors.As(err, &de) {
			t.Fatalf("HTTP %d: err = %v, want a *DeliveryError", tc.status, err)
		}
		if !de.Final || de.Attempts != 1 || de.Permanent() != tc.permanent {
			t.Errorf("HTTP %d: Final, Attempts, Permanent = %v, %d, %v; want true, 1, %v",
				tc.status, de.Final, de.Attempts, de.Permanent(), tc.permanent)
		}
	}
}
