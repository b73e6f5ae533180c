package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
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
	// A null removes a member, so it would never reach the strict
	// decoding below: check every name of every object here.
	if msg := patchMembers(members, reflect.TypeOf(hcxonboard.Application{}), ""); msg != "" {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "%s", msg)
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
		return newError(http.StatusBadRequest, CodeInvalidPayload, "%s", callerWords(err))
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

// patchMembers checks the member names of a merge patch's object against
// struct type t, the contract at that place (path, dotted, "" at the
// top), and into the objects it holds: "" when every name is one, else
// what is wrong. A name that differs from one only by case is named with
// it. Types that decode themselves, and maps, take any names.
func patchMembers(obj map[string]any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return ""
	}
	names := make(map[string]reflect.Type)
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" && f.IsExported() {
			names[name] = f.Type
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		ft, ok := names[name]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", clipParam(name))
			if path != "" {
				msg += fmt.Sprintf(" in %q", path)
			}
			for known := range names {
				if strings.EqualFold(known, name) {
					msg += fmt.Sprintf(" (field names are case-sensitive: %q)", known)
				}
			}
			return msg
		}
		if inner, ok := obj[name].(map[string]any); ok {
			if msg := patchMembers(inner, ft, strings.TrimPrefix(path+"."+name, ".")); msg != "" {
				return msg
			}
		}
	}
	return ""
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
