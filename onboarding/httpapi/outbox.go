package httpapi

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/onboarding"
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
	// RetriedAt is when staff last sent it back to the outbox; absent
	// when they never did.
	RetriedAt time.Time `json:"retried_at,omitzero"`
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
			State: string(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt, RetriedAt: m.RetriedAt})
	}
	h.writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) retryDeadLetter(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
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
	h.logRetry(r, c, req.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// logRetry records who sent a dead letter back to the outbox: the retry
// has the operator send a message to the outside world again, and the
// request log names no member.
func (h *Handler) logRetry(r *http.Request, c *reqCtx, id string) {
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "httpapi: dead letter sent back to the outbox",
		slog.String("staff", c.staffID), slog.String("message", id),
		slog.String("request_id", onboarding.RequestIDFrom(r.Context())))
}

// retryForm is the console's Retry button: the dead letter to send again.
type retryForm struct {
	CSRF string `json:"csrf"`
	ID   string `json:"id"`
}

// deadLetterRow is a dead letter as the console lists it: what the JSON
// API shows (the recipient masked when the message was written, the last
// error redacted when it was recorded, here in the API's words), never
// the payload.
type deadLetterRow struct {
	OutboxMessage
	Retry bool // the Retry button is offered: the member holds the reviewer role
}

type outboxPage struct {
	Kept             bool // false: the engine keeps no outbox, so nothing waits
	Rows             []deadLetterRow
	PrevURL, NextURL template.URL
}

// consoleOutbox lists the dead letters a page at a time, oldest first,
// each with a Retry button for a member who may send it again.
func (h *Handler) consoleOutbox(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cursor := r.URL.Query().Get("cursor")
	p := outboxPage{Kept: true}
	page, err := h.svc.DeadLettersPage(r.Context(), pageSize, cursor)
	switch {
	case errors.Is(err, onboarding.ErrNotConfigured):
		p.Kept = false
	case err != nil:
		return err
	}
	retry := h.staffCan(c.staffID, RoleReviewer)
	for _, m := range page.Items {
		p.Rows = append(p.Rows, deadLetterRow{Retry: retry, OutboxMessage: OutboxMessage{
			ID: m.ID, ApplicationID: m.ApplicationID, Kind: m.Kind, To: m.To, State: string(m.State),
			Attempts: m.Attempts, LastError: clipMessage(callerWords(errors.New(m.LastError))), CreatedAt: m.CreatedAt, RetriedAt: m.RetriedAt}})
	}
	p.PrevURL, p.NextURL = pageLinks("/console/outbox", nil, cursor != "", page.Next)
	return h.render(w, http.StatusOK, "outbox", c, "Dead letters", "outbox", p)
}

// consoleRetry sends a dead letter again, as the JSON retry route does,
// and goes back to the list with a message saying what happened.
func (h *Handler) consoleRetry(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id := strings.TrimSpace(r.PostForm.Get("id"))
	var err error
	if id == "" {
		err = newError(http.StatusBadRequest, CodeInvalidRequest, "id is required")
	} else if err = h.svc.RetryDeadLetter(r.Context(), id); err == nil {
		h.logRetry(r, c, id)
	}
	return h.flashTo(w, r, c, "/console/outbox",
		fmt.Sprintf("Message %s is back in the outbox, due now: the dispatcher sends it on its next pass.", id), err)
}
