package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// openAPIDoc is the shape of the OpenAPI 3 document (for its own entry).
type openAPIDoc struct {
	OpenAPI    string         `json:"openapi"`
	Info       map[string]any `json:"info"`
	Tags       []any          `json:"tags"`
	Paths      map[string]any `json:"paths"`
	Components map[string]any `json:"components"`
}

// OpenAPIVersion is the OpenAPI version the document follows.
const OpenAPIVersion = "3.0.3"

// buildOpenAPI writes the OpenAPI document from the route table: the
// same rows the mux registers. Request and response schemas come from the
// Go types the handlers decode and encode.
func buildOpenAPI(routes []route) ([]byte, error) {
	g := &schemaGen{components: map[string]any{}, names: map[reflect.Type]string{}}
	paths := map[string]any{}
	for _, rt := range routes {
		p := docPath(rt.path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		m := strings.ToLower(rt.method)
		if _, dup := item[m]; dup {
			return nil, fmt.Errorf("httpapi: route table lists %s %s twice", rt.method, rt.path)
		}
		item[m] = g.operation(rt)
	}
	errSchema := g.schema(reflect.TypeFor[ErrorResponse]())
	doc := openAPIDoc{
		OpenAPI: OpenAPIVersion,
		Info: map[string]any{
			"title":   "HCX participant onboarding",
			"version": "1.0.0",
			"description": "Production onboarding of HCX participants (sandbox certificate, registration, details, " +
				"credentials, go-live, suspension and de-boarding) and the operator staff's review console. " +
				"Every error answers the HCX envelope {timestamp, error: {code, message}}.",
		},
		Tags: []any{
			map[string]any{"name": tagApplicant, "description": "The applicant's own application; the applicant token from apply proves ownership."},
			map[string]any{"name": tagPublic, "description": "Credentials, tokens, keys, the registry search and this document."},
			map[string]any{"name": tagStaff, "description": "Operator staff; an operator staff credential is required."},
			map[string]any{"name": tagConsole, "description": "The server-rendered staff review console (HTML; form posts carry a CSRF token)."},
			map[string]any{"name": tagRegistry, "description": "The HCX specification's registry and token routes and the certificates by URL, for existing HCX software."},
		},
		Paths: paths,
		Components: map[string]any{
			"schemas": g.components,
			"responses": map[string]any{
				"Error": map[string]any{
					"description": "The HCX error envelope.",
					"content":     map[string]any{"application/json": map[string]any{"schema": errSchema}},
				},
			},
			"securitySchemes": map[string]any{
				"applicantToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "The applicant_token answered by apply (" + ApplicantTokenPrefix + "…)."},
				"staffToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "An operator staff credential."},
				"participantToken": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A participant access token from /v1/onboarding/token."},
				"consoleSession": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "The console session cookie set by the login form."},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("httpapi: encode OpenAPI document: %w", err)
	}
	return append(b, '\n'), nil
}

// docPath is a mux pattern's path as OpenAPI spells it: "{$}" (the exact
// match marker) dropped.
func docPath(pattern string) string { return strings.TrimSuffix(pattern, "{$}") }

// pathParams lists the {wildcards} of a pattern.
func pathParams(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}"))
		}
	}
	return out
}

var pathParamDocs = map[string]string{
	"id":    "the application id answered by apply",
	"task":  "a task id of the application (otp-1, review-2 …)",
	"code":  "a participant code",
	"realm": "a Keycloak realm name (WithKeycloakRealms)",
	"doc":   "a document id of the application (a UUID)",
}

func (g *schemaGen) operation(rt route) map[string]any {
	op := map[string]any{
		"operationId": rt.operation,
		"summary":     rt.summary,
		"tags":        []string{rt.tag},
	}
	var params []any
	for _, name := range pathParams(rt.path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true,
			"description": pathParamDocs[name], "schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.query {
		s := map[string]any{"type": "string"}
		if q.integer {
			s = map[string]any{"type": "integer", "minimum": 0}
		}
		if len(q.enum) > 0 {
			s["enum"] = q.enum
		}
		params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.description, "schema": s})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.body != nil || rt.form != nil {
		content := map[string]any{}
		if rt.body != nil {
			content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(rt.body))}
		}
		if rt.form != nil {
			content["application/x-www-form-urlencoded"] = map[string]any{"schema": g.schema(reflect.TypeOf(rt.form))}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	}
	if len(rt.media) > 0 && rt.method != http.MethodGet {
		op["requestBody"] = map[string]any{"required": true, "content": binaryContent(rt.media)}
	}
	switch rt.auth {
	case authApplicant:
		op["security"] = []any{map[string]any{"applicantToken": []string{}}}
	case authOwner:
		op["security"] = []any{map[string]any{"applicantToken": []string{}}, map[string]any{"participantToken": []string{}}}
	case authStaff:
		op["security"] = []any{map[string]any{"staffToken": []string{}}}
	case authParticipant:
		op["security"] = []any{map[string]any{"participantToken": []string{}}, map[string]any{"staffToken": []string{}}}
	case authConsole, authConsoleForm:
		op["security"] = []any{map[string]any{"consoleSession": []string{}}}
	default:
		op["security"] = []any{}
	}

	responses := map[string]any{}
	ok := map[string]any{"description": http.StatusText(rt.status)}
	switch {
	case rt.redirect:
		ok["description"] = "See Other: the next page"
		ok["headers"] = map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}
	case rt.html:
		ok["content"] = map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}}
	case len(rt.media) > 0 && rt.method == http.MethodGet:
		ok["content"] = binaryContent(rt.media)
	case rt.raw != "":
		ok["content"] = map[string]any{rt.raw: map[string]any{"schema": map[string]any{"type": "string"}}}
	case rt.resp != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.resp))}}
	case rt.status == http.StatusNoContent:
		// No body.
	default:
		ok["content"] = map[string]any{"text/css": map[string]any{"schema": map[string]any{"type": "string"}}}
	}
	responses[strconv.Itoa(rt.status)] = ok
	for _, st := range errorStatuses(rt) {
		if rt.tag == tagConsole && st != http.StatusMethodNotAllowed {
			responses[strconv.Itoa(st)] = map[string]any{"description": http.StatusText(st) + " (an error page, text/html)"}
			continue
		}
		responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/Error"}
	}
	op["responses"] = responses
	return op
}

// binaryContent describes a raw body of any of the media types.
func binaryContent(mediaTypes []string) map[string]any {
	content := map[string]any{}
	for _, mt := range mediaTypes {
		content[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	return content
}

// errorStatuses are the error statuses a route may answer.
func errorStatuses(rt route) []int {
	set := map[int]bool{http.StatusMethodNotAllowed: true, http.StatusInternalServerError: true}
	if rt.body != nil {
		set[http.StatusBadRequest], set[http.StatusRequestEntityTooLarge], set[http.StatusUnsupportedMediaType] = true, true, true
	}
	if rt.form != nil {
		set[http.StatusBadRequest], set[http.StatusRequestEntityTooLarge] = true, true
		if rt.tag == tagConsole {
			set[http.StatusForbidden] = true // the CSRF check
		} else {
			set[http.StatusUnsupportedMediaType] = true
		}
	}
	switch rt.auth {
	case authApplicant, authOwner, authStaff, authParticipant:
		set[http.StatusUnauthorized], set[http.StatusForbidden] = true, true
	}
	if len(pathParams(rt.path)) > 0 {
		set[http.StatusNotFound] = true
	}
	if (rt.tag == tagApplicant || rt.tag == tagStaff) && rt.method != http.MethodGet {
		set[http.StatusConflict], set[http.StatusBadRequest] = true, true
	}
	if len(rt.query) > 0 {
		set[http.StatusBadRequest] = true
	}
	for _, st := range rt.extra {
		set[st] = true
	}
	out := make([]int, 0, len(set))
	for st := range set {
		out = append(out, st)
	}
	sort.Ints(out)
	return out
}

// schemaGen derives JSON schemas from Go types by their encoding/json
// tags; named structs become components.
type schemaGen struct {
	components map[string]any
	names      map[reflect.Type]string
}

var (
	timeType  = reflect.TypeFor[time.Time]()
	rawType   = reflect.TypeFor[json.RawMessage]()
	boundType = reflect.TypeFor[registry.Bound]()
)

// enums are the closed vocabularies of the contract.
var enums = map[reflect.Type]func() []string{
	reflect.TypeFor[hcxonboard.Role](): func() []string {
		var out []string
		for _, r := range hcxonboard.Roles() {
			out = append(out, string(r))
		}
		return out
	},
	reflect.TypeFor[hcxonboard.Status](): func() []string {
		return []string{string(hcxonboard.StatusCreated), string(hcxonboard.StatusActive),
			string(hcxonboard.StatusInactive), string(hcxonboard.StatusBlocked)}
	},
	reflect.TypeFor[registry.Stage](): func() []string { return stages },
	reflect.TypeFor[verifier.Outcome](): func() []string {
		return []string{string(verifier.Satisfied), string(verifier.Missing), string(verifier.Invalid), string(verifier.Pending)}
	},
	reflect.TypeFor[verifier.Verdict](): func() []string {
		return []string{string(verifier.VerdictReady), string(verifier.VerdictIncomplete), string(verifier.VerdictInvalid)}
	},
	// Categories and requirement ids are open: an operator adds its own
	// (verifier.WithPolicy), so they are plain strings here.
}

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case boundType:
		return map[string]any{"type": "string",
			"description": "a string; on created_at and updated_at an RFC 3339 time"}
	case rawType:
		return map[string]any{}
	}
	if enum, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": enum()}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object", "additionalProperties": true}
		}
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.structRef(t)
	default: // interfaces: any JSON value
		return map[string]any{}
	}
}

func (g *schemaGen) structRef(t reflect.Type) map[string]any {
	if t.Name() == "" {
		return g.structSchema(t)
	}
	name, ok := g.names[t]
	if !ok {
		name = componentName(t)
		g.names[t] = name
		g.components[name] = map[string]any{} // placeholder: recursion ends here
		g.components[name] = g.structSchema(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// componentName names a component: this package's types by their own
// name, others with their package's ("hcxonboard.Application").
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	if pkg == reflect.TypeFor[Handler]().PkgPath() {
		return t.Name()
	}
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

// fields adds t's JSON members, flattening embedded structs as
// encoding/json does.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if e := f.Tag.Get("enum"); e != "" {
			// A closed vocabulary on a plain string field.
			props[name] = map[string]any{"type": "string", "enum": strings.Split(e, ",")}
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if !optional && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}
