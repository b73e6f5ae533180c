package hfr_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// The OTP's digits may turn up inside an unrelated JSON number of an
// error body (here a millisecond timestamp). Secrets are scrubbed from the
// text the decoder takes, never from the bytes it decodes, so the body's
// code survives: a 400 with the API manager's 900901 (token rejected) is
// no wrong OTP, and the rejected token is dropped.
func TestScrubbedOTPDoesNotHideTheErrorCode(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, validateURL, jsonResponder(http.StatusBadRequest,
		`{"code":"900901","message":"Invalid Credentials","timestamp":1768469482913}`))

	err := m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", "4c8d1f3e-6d0a-4a54-9d64-2b7f3c1e8a90", "482913")
	require.Error(t, err)
	var ae *hfr.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, "900901", ae.Code, "the body's code was lost: %v", err)
	assert.ErrorIs(t, err, hfr.ErrUnauthorized, "a rejected token is not a wrong OTP: %v", err)
	assert.NotErrorIs(t, err, hfr.ErrOTPRejected, "a rejected token is not a wrong OTP: %v", err)

	// The rejected token was dropped, and the request sent once more with a
	// new session; the next call opens yet another.
	assert.Equal(t, int32(2), m.sessions.Load(), "the token the registry rejected was used again")
	_ = m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", "4c8d1f3e-6d0a-4a54-9d64-2b7f3c1e8a90", "482913")
	assert.Equal(t, int32(4), m.sessions.Load(), "the token the registry rejected was used again")
}
