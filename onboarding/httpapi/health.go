package httpapi

import (
	"net/http"
)

// HealthResponse answers /healthz and /readyz.
type HealthResponse struct {
	Status string `json:"status"`           // "ok" or "unavailable"
	Reason string `json:"reason,omitempty"` // what is wrong, for /readyz
}

// healthz says the process serves.
func (h *Handler) healthz(w http.ResponseWriter, _ *http.Request, _ *reqCtx) error {
	h.writeJSON(w, http.StatusOK, HealthResponse{Status: "ok"})
	return nil
}

// readyz says whether this replica should take traffic (Service.Ready):
// the store answers, and the outbox dispatcher and the scheduler, once
// started, still run and are alive.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	if err := h.svc.Ready(r.Context()); err != nil {
		h.log.WarnContext(r.Context(), "httpapi: not ready", "error", err.Error())
		h.writeJSON(w, http.StatusServiceUnavailable, HealthResponse{Status: "unavailable", Reason: "not ready; see the operator's log"})
		return nil
	}
	h.writeJSON(w, http.StatusOK, HealthResponse{Status: "ok"})
	return nil
}
