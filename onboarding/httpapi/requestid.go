package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
)

// RequestIDHeader names the request id a caller may send and every answer
// carries.
const RequestIDHeader = "X-Request-Id"

// serveLogged is the outermost step of every request: it takes the
// caller's X-Request-Id when well-formed (onboarding.WithRequestID says
// what is; any other is replaced by a fresh id, and a request without one
// gets one), answers it in the X-Request-Id response header, puts it in
// the context, so that the audit events the request causes carry it, and
// logs the request as one record: method, route pattern (never the raw
// path, which may hold a participant code or an e-mail address), status,
// duration and request id. Nothing else of the request is logged: no
// query, body, header or token.
func (h *Handler) serveLogged(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := onboarding.WithRequestID(r.Context(), r.Header.Get(RequestIDHeader))
	id := onboarding.RequestIDFrom(ctx)
	w.Header().Set(RequestIDHeader, id)
	// Every answer, the key sets served by the engine included, is to be
	// taken as the type it says.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	sw := &statusWriter{ResponseWriter: w}
	r = r.WithContext(ctx)
	h.mux.ServeHTTP(sw, r) // sets r.Pattern to the route that served it
	status := sw.status
	if status == 0 {
		status = http.StatusOK // a handler that wrote nothing
	}
	level := slog.LevelInfo
	if status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	h.log.LogAttrs(ctx, level, "http request",
		slog.String("method", r.Method),
		slog.String("route", r.Pattern),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", id))
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= http.StatusOK { // 1xx answers come before the final one
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
