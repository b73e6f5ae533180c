package httpapi

import (
	"reflect"
	"sort"
	"strings"

	"github.com/openhcx/hcxonboard/document"
)

// Examples of the OpenAPI document: each operation's request body and
// success answer carry one, built from the schema (kin-openapi, in the
// tests, checks every example against its schema). A few request bodies
// have a hand-written example that says more than a generated one.

// sampleTime is the time every example shows.
const sampleTime = "2026-01-15T09:30:00Z"

// handExamples are examples by component name.
var handExamples = map[string]any{
	// The smallest application the server takes (a regulator's).
	"hcxonboard.ApplicationInput": map[string]any{
		"participant_name":         "Insurance Regulatory Office",
		"roles":                    []any{"agency.regulator"},
		"primary_mobile":           "9000010001",
		"sandbox_certificate":      "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJyZWctMSJ9.c2lnbmF0dXJl",
		"sandbox_participant_code": "reg-1",
	},
	"hcxonboard.ApplicationPatch": map[string]any{"participant_name": "Insurance Regulatory Office of Karnataka"},
	"registry.Query": map[string]any{
		"filters": map[string]any{
			"roles":      map[string]any{"eq": "provider.hospital"},
			"status":     map[string]any{"or": []any{"Active", "Created"}},
			"created_at": map[string]any{"gte": sampleTime},
		},
		"limit": 10,
	},
	"jwkSet": map[string]any{"keys": []any{map[string]any{
		"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
		"kid": "bKtlHTu3peqdBjzV6dNrEOvUEo_-VwKuE1UBYs4GNSs", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}},
	"openAPIDoc": map[string]any{"openapi": OpenAPIVersion,
		"info": map[string]any{"title": "HCX participant onboarding", "version": "1.0.0"},
		"tags": []any{}, "paths": map[string]any{}, "components": map[string]any{}},
	"DeclineRequest": map[string]any{
		"code":   "K7QW-2M9X-PR4T-N8VB",
		"reason": "this facility never asked to join the HCX",
	},
	"SpecSearchRequest": map[string]any{
		"filters": map[string]any{
			"participant_name": map[string]any{"queryString": "sanjeevani"},
			"roles":            map[string]any{"eq": "provider.hospital"},
		},
		"limit": 10,
	},
}

// textExamples are examples of answers that are not JSON, by media type.
var textExamples = map[string]string{
	"text/html":  "<!doctype html><html lang=\"en\"><title>HCX onboarding console</title>…</html>",
	"text/css":   "body { font-family: system-ui, sans-serif; }",
	pemMediaType: "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIU…\n-----END CERTIFICATE-----\n",
	document.PDF: "%PDF-1.7 …",
}

// addExamples gives every operation of paths examples: its request
// bodies, its success answers and, for a redirect, the Location.
func addExamples(paths map[string]any, components map[string]any) {
	ex := exampler{components: components}
	for _, item := range paths {
		for _, o := range item.(map[string]any) {
			op := o.(map[string]any)
			if body, ok := op["requestBody"].(map[string]any); ok {
				ex.content(body["content"])
			}
			for status, r := range op["responses"].(map[string]any) {
				resp, ok := r.(map[string]any)
				if !ok || status[0] != '2' && status[0] != '3' {
					continue
				}
				ex.content(resp["content"])
				if h, ok := resp["headers"].(map[string]any); ok {
					if loc, ok := h["Location"].(map[string]any); ok {
						loc["example"] = "/console/queue"
					}
				}
			}
		}
	}
}

type exampler struct{ components map[string]any }

func (e exampler) content(c any) {
	content, ok := c.(map[string]any)
	if !ok {
		return
	}
	for mt, m := range content {
		media := m.(map[string]any)
		if text, ok := textExamples[mt]; ok {
			media["example"] = text
			continue
		}
		schema, _ := media["schema"].(map[string]any)
		if v, ok := e.value(schema, "", 0); ok {
			media["example"] = v
		}
	}
}

// value is an example of schema for a member called name; false when the
// schema is raw bytes or too deep to show.
func (e exampler) value(s map[string]any, name string, depth int) (any, bool) {
	if s == nil || depth > 8 {
		return nil, false
	}
	if ref, ok := s["$ref"].(string); ok {
		comp := strings.TrimPrefix(ref, "#/components/schemas/")
		if v, ok := handExamples[comp]; ok {
			return v, true
		}
		target, _ := e.components[comp].(map[string]any)
		return e.value(target, name, depth)
	}
	for _, k := range []string{"allOf", "oneOf"} {
		if alts, ok := s[k].([]any); ok && len(alts) > 0 {
			return e.value(alts[0].(map[string]any), name, depth)
		}
	}
	if enum, ok := s["enum"]; ok {
		if v := reflect.ValueOf(enum); v.Kind() == reflect.Slice && v.Len() > 0 {
			return v.Index(0).Interface(), true
		}
	}
	switch s["type"] {
	case "string":
		switch s["format"] {
		case "binary":
			return nil, false
		case "date-time":
			return sampleTime, true
		case "byte":
			return "aGN4", true
		}
		return sampleString(name), true
	case "integer":
		if lo, ok := s["minimum"].(int); ok && lo > 0 {
			return lo, true
		}
		switch name {
		case "limit":
			return 10, true
		case "timestamp":
			return 1768469400000, true
		case "expires_in":
			return 3600, true
		}
		return 1, true
	case "number":
		return 1, true
	case "boolean":
		return true, true
	case "array":
		item, ok := e.value(asMap(s["items"]), strings.TrimSuffix(name, "s"), depth+1)
		if !ok {
			return []any{}, true
		}
		n := 1
		if lo, ok := s["minItems"].(int); ok && lo > n {
			n = lo
		}
		out := make([]any, n)
		for i := range out {
			out[i] = item
		}
		return out, true
	case "object":
		return e.object(s, depth)
	}
	return "any JSON value", true
}

// object shows the required members, or, with none required, every member
// at the top and the first one below it.
func (e exampler) object(s map[string]any, depth int) (any, bool) {
	props, _ := s["properties"].(map[string]any)
	out := map[string]any{}
	names := requiredNames(s["required"])
	if len(names) == 0 {
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		if depth > 0 && len(names) > 1 {
			names = names[:1]
		}
	}
	for _, n := range names {
		if v, ok := e.value(asMap(props[n]), n, depth+1); ok {
			out[n] = v
		}
	}
	if len(props) == 0 {
		if extra, ok := s["additionalProperties"].(map[string]any); ok {
			if v, ok := e.value(extra, "", depth+1); ok {
				out["key"] = v
			}
		}
	}
	return out, true
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func requiredNames(v any) []string {
	switch r := v.(type) {
	case []string:
		return append([]string(nil), r...)
	case []any:
		out := make([]string, 0, len(r))
		for _, n := range r {
			out = append(out, n.(string))
		}
		return out
	}
	return nil
}

// sampleString is a plausible value for a member by its name.
func sampleString(name string) string {
	switch {
	case strings.Contains(name, "email"):
		return "admin@sanjeevani.example"
	case strings.Contains(name, "mobile") || name == "phone":
		return "9000010001"
	case strings.HasSuffix(name, "url") || name == "uri" || name == "signing_cert_path":
		return "https://hcx.sanjeevani.example/v0.9"
	case name == "upi_id":
		return "sanjeevani.claims@okicici"
	case name == "account_number":
		return "123456789012"
	case name == "ifsc_code":
		return "SBIN0001234"
	case name == "id" || strings.HasSuffix(name, "_id"):
		return "01890000-0000-7000-8000-000000000000"
	case strings.Contains(name, "cert"):
		return textExamples[pemMediaType]
	case strings.HasSuffix(name, "participant_code") || name == "code" || name == "payer_code" || name == "username":
		return "sanj_multis_123456@hcx"
	case strings.Contains(name, "name"):
		return "Sanjeevani Multispeciality Hospital"
	case strings.Contains(name, "token"):
		return "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYW5qIn0.c2lnbmF0dXJl"
	case name == "secret" || name == "password":
		return "s3cr3t-shown-once"
	case name == "otp" || name == "step_up_code":
		return "482913"
	case name == "sha256":
		return strings.Repeat("ab", 32)
	case name == "reason" || name == "message":
		return "confirmed with the registrar by phone"
	case name == "queryString":
		return "sanjeevani"
	case name == "role":
		return "provider.hospital"
	case name == "kind":
		return "review"
	case name == "state":
		return "open"
	case name == "requirement":
		return "case_review"
	case name == "openapi":
		return OpenAPIVersion
	}
	return "text"
}
