package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves what g gathers in the Prometheus exposition formats, for
// /metrics. A family that fails to gather (a store read that failed) is
// left out and logged to log at warning level, and the rest is served;
// log may be nil.
func Handler(g prometheus.Gatherer, log *slog.Logger) http.Handler {
	opts := promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}
	if log != nil {
		opts.ErrorLog = slogLogger{log}
	}
	return promhttp.HandlerFor(g, opts)
}

// slogLogger is promhttp's Logger over slog.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Println(v ...any) {
	l.log.Warn("metrics: gather", "error", fmt.Sprint(v...))
}
