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

// A failed HPR look-up is logged without the professional's HPR ID: the
// search URL carries it in its path, and a transport error quotes the
// URL. The log shows it masked; the error returned to the caller, who
// asked about that professional, still names it.
func TestTransportErrorLogMasksHPRID(t *testing.T) {
	for _, tt := range []struct {
		id, hidden, shown string
	}{
		{"12-3456-1234-4321", "3456-1234", "**-****-****-4321"},
		// The log's redactor takes the URL before the address for part
		// of it and masks that too.
		{"asha.verma@hpr.abdm", "asha.verma", "*@hpr.abdm"},
	} {
		t.Run(tt.id, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			m := newMock(t, hfr.WithLogger(logger), hfr.WithRetry(1, 0, 0)).withSession(600)
			m.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				return nil, errors.New("connection reset by peer")
			})
			_, err := m.c.Professional(context.Background(), tt.id)
			require.ErrorIs(t, err, hfr.ErrUnavailable)
			require.Contains(t, err.Error(), tt.id, "the caller's error names the ID it asked about")
			require.Contains(t, err.Error(), "connection reset by peer")
			require.Equal(t, 1, strings.Count(err.Error(), tt.hidden), "the URL does not repeat it: %s", err)

			logged := buf.String()
			require.Contains(t, logged, `op="professional search"`)
			require.Contains(t, logged, "connection reset by peer")
			require.NotContains(t, logged, tt.hidden, "the HPR ID is logged in clear:\n%s", logged)
			require.Contains(t, logged, tt.shown, "the log shows the ID masked:\n%s", logged)
		})
	}
}
