package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// amend applies the applicant's JSON merge patch (RFC 7396) to the
// application as submitted and hands the result to the engine, which
// verifies it again. Only an application sent back takes an amendment.
func (h *Handler) amend(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	data, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	var patch any
	if err := unmarshalStrict(data, &patch); err != nil {
		return err
	}
	members, ok := patch.(map[string]any)
	if !ok {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the amendment must be a JSON object (a merge patch of the application)")
	}
	for name := range members {
		// A null removes a member, so it would never reach the strict
		// decoding below: check every name here.
		if !slices.Contains(applicationMembers, name) {
			return newError(http.StatusBadRequest, CodeInvalidPayload, "unknown field %q", clipParam(name))
		}
	}
	cur, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	doc, err := json.Marshal(cur.Submitted)
	if err != nil {
		return err
	}
	var base any
	if err := json.Unmarshal(doc, &base); err != nil {
		return err
	}
	merged, err := json.Marshal(mergePatch(base, patch))
	if err != nil {
		return err
	}
	app, err := hcxonboard.DecodeApplication(bytes.NewReader(merged))
	if err != nil {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "%s", err.Error())
	}
	a, err := h.svc.Amend(r.Context(), r.PathValue("id"), app)
	return h.answer(w, c, a, err)
}

// mergePatch applies an RFC 7396 merge patch: objects merge member by
// member, null removes a member, anything else replaces.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

func (h *Handler) sendBack(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	reason, err := h.decodeReason(w, r)
	if err != nil {
		return err
	}
	a, err := h.svc.SendBack(r.Context(), r.PathValue("id"), staffActor(c.staffID), reason)
	return h.answer(w, c, a, err)
}

// applicationMembers are the application contract's member names.
var applicationMembers = func() []string {
	var out []string
	t := reflect.TypeOf(hcxonboard.Application{})
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}()
