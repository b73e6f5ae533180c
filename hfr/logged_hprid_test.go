package hfr_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
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
		})
	}
}
