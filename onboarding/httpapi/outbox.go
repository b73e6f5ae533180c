package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// OutboxMessage is a message the operator could not deliver, as staff see
// it: never its payload (it may carry a one-time code).
type OutboxMessage struct {
	ID            string    `json:"id"`
	ApplicationID string    `json:"application_id"`
	Kind          string    `json:"kind"`
	To            string    `json:"to"` // masked
	State         string    `json:"state"`
	Attempts      int       `json:"attempts"`
	LastError     string    `json:"last_error,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// OutboxResponse lists dead letters, oldest first; Next is the cursor of
// the next page ("" at the end).
type OutboxResponse struct {
	Messages []OutboxMessage `json:"messages"`
	Next     string          `json:"next,omitempty"`
}

// RetryRequest names a dead letter to send again.
type RetryRequest struct {
	ID string `json:"id"`
}

func (h *Handler) deadLetters(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 0, registry.MaxLimit)
	if err != nil {
		return err
	}
	cursor := r.URL.Query().Get("cursor")
	if a := r.URL.Query().Get("after"); a != "" {
		if cursor != "" && cursor != a {
			return newError(http.StatusBadRequest, CodeInvalidRequest, "give cursor or after, not both")
		}
		cursor = a
	}
	page, err := h.svc.DeadLettersPage(r.Context(), limit, cursor)
	if err != nil {
		return err
	}
	out := OutboxResponse{Messages: make([]OutboxMessage, 0, len(page.Items)), Next: page.Next}
	for _, m := range page.Items {
		out.Messages = append(out.Messages, OutboxMessage{ID: m.ID, ApplicationID: m.ApplicationID, Kind: m.Kind, To: m.To,
			State: string(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt})
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) retryDeadLetter(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var req RetryRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.ID) == "" {
		return newError(http.StatusBadRequest, CodeInvalidRequest, "id is required")
	}
	if err := h.svc.RetryDeadLetter(r.Context(), req.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
