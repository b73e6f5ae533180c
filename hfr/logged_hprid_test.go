package hfr_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A professional's HPR ID is personal data: a failed HPR call names it
// masked, as contacts are, in its error and in the client's log. The
// search URL carries the ID in its path and a transport error quotes the
// URL, so the request log held it in clear before.
func TestHPRErrorsAndLogMaskTheHPRID(t *testing.T) {
	for _, tt := range []struct {
		id, hidden, shown string
	}{
		{"12-3456-1234-4321", "3456-1234", "**-****-****-4321"},
		{"12345612344321", "3456-1234", "**-****-****-4321"},
		{"asha.verma@hpr.abdm", "asha.verma", "a*********@hpr.abdm"},
	} {
		t.Run(tt.id, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			m := newMock(t, hfr.WithLogger(logger), hfr.WithRetry(1, 0, 0)).withSession(600)
			m.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				return nil, errors.New("connection reset by peer")
			})
			ctx := context.Background()
			_, err := m.c.Professional(ctx, tt.id)
			require.ErrorIs(t, err, hfr.ErrUnavailable)
			_, serr := m.c.StartHPRAuth(ctx, tt.id, hfr.HPRMobileOTP)
			require.ErrorIs(t, serr, hfr.ErrUnavailable)
			_, cerr := m.c.ConfirmHPRAuth(ctx, hfr.HPRAuthTransaction{HPRID: tt.id, Method: hfr.HPRMobileOTP, TransactionID: "txn-1"}, "123456")
			require.ErrorIs(t, cerr, hfr.ErrUnavailable)
			_, merr := m.c.StartHPRAuth(ctx, tt.id, "PASSWORD")
			require.ErrorIs(t, merr, hfr.ErrAuthMethodUnavailable)
			for _, e := range []error{err, serr, cerr, merr} {
				require.NotContains(t, e.Error(), tt.hidden, "the error names the HPR ID in clear")
				require.Contains(t, e.Error(), tt.shown, "the error names the HPR ID masked")
			}
			require.Contains(t, err.Error(), "connection reset by peer", "the cause stays")

			logged := buf.String()
			require.Contains(t, logged, `op="professional search"`)
			require.Contains(t, logged, "connection reset by peer")
			require.NotContains(t, logged, tt.hidden, "the HPR ID is logged in clear:\n%s", logged)
			// The URL stays readable: the log's contact redactor does not
			// take it for an address.
			require.Contains(t, logged, "https://registry.test/v4/int/v1/search/searchByHprId/"+strings.ReplaceAll(tt.shown, "@", "%40"), "%s", logged)
		})
	}
}

// HPR's own text about a professional, an error answer's message, names
// the HPR ID masked in whichever form HPR writes it.
func TestRegistryTextMasksTheHPRID(t *testing.T) {
	const id = "12-3456-1234-4321"
	for _, tt := range []struct {
		name   string
		status int
		body   string
	}{
		{"error answer, dashed", http.StatusUnprocessableEntity, `{"code":"HIS-1070","message":"HPR ID 12-3456-1234-4321 is suspended"}`},
		{"error answer, plain", http.StatusBadRequest, `{"error":{"code":"ABDM-1017","message":"No record for 12345612344321: is suspended"}}`},
		{"error in a success body, spaced", http.StatusOK, `{"error":{"code":"HIS-1070","message":"12 3456 1234 4321 is suspended"}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t, hfr.WithRetry(1, 0, 0)).withSession(600)
			m.mt.RegisterResponder(http.MethodGet, hprURL+id, jsonResponder(tt.status, tt.body))
			_, err := m.c.Professional(context.Background(), id)
			require.Error(t, err)
			require.Contains(t, err.Error(), "is suspended", "HPR's words stay")
			require.Contains(t, err.Error(), "**-****-****-4321")
			for _, form := range []string{"3456-1234", "34561234", "3456 1234"} {
				require.NotContains(t, err.Error(), form, "HPR's text names the HPR ID in clear")
			}
		})
	}
}

// An HPR ID refused as malformed, a near miss of the real one or another
// number the professional typed (a mobile), is quoted masked too.
func TestMalformedHPRIDQuotedMasked(t *testing.T) {
	for in, shown := range map[string]string{
		"12-3456-1234-432":   `"**-****-***4-432"`,
		"9876543210":         `"******3210"`,
		"asha.verma@hpr.abd": `"a*********@hpr.abd"`,
	} {
		_, err := hfr.NormalizeHPRID(in)
		require.ErrorIs(t, err, hfr.ErrInvalidID)
		require.Contains(t, err.Error(), shown)
		require.Contains(t, err.Error(), "want 14 digits (NN-NNNN-NNNN-NNNN) or username@hpr.abdm")
		require.NotContains(t, err.Error(), in)
	}
}

// So does HPR's answer about the account of the professional who has just
// confirmed the code.
func TestAccountErrorMasksTheHPRID(t *testing.T) {
	m := newMock(t, hfr.WithRetry(1, 0, 0)).withSession(600)
	m.mt.RegisterResponder(http.MethodPost, confirmMobileURL, jsonResponder(200, `{"token":"`+personToken+`","expiresIn":1800}`))
	m.mt.RegisterResponder(http.MethodGet, accountURL, jsonResponder(http.StatusBadRequest, `{"code":"HIS-1070","message":"account of 71-1234-5678-9012 is locked"}`))
	_, err := m.c.ConfirmHPRAuth(context.Background(), hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRMobileOTP, TransactionID: hprTxn}, "123456")
	require.Error(t, err)
	require.Contains(t, err.Error(), "account of **-****-****-9012 is locked")
	require.NotContains(t, err.Error(), "1234-5678")
}
