package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
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
	g := newSchemaGen(routes)
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
	addExamples(paths, g.components)
	errSchema := g.schema(reflect.TypeFor[ErrorResponse]())
	refusalSchema := g.schema(reflect.TypeFor[RefusalResponse]())
	doc := openAPIDoc{
		OpenAPI: OpenAPIVersion,
		Info: map[string]any{
			"title":   "HCX participant onboarding",
			"version": "1.0.0",
			"description": "Production onboarding of HCX participants (sandbox certificate, registration, details, " +
				"credentials, go-live, suspension and de-boarding) and the operator staff's review console. " +
				"Every error answers the HCX envelope {timestamp, error: {code, message}}, " +
				"but on the Keycloak token route, which answers OAuth's {error, error_description} as Keycloak does. " +
				"A query parameter an operation does not list, or one given twice, is refused 400 naming it and the ones the operation takes; " +
				"the registry operations (the specification's) ignore parameters of a client's own, such as cache-busters, " +
				"but refuse one named like a member of their body.",
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
					"content": map[string]any{"application/json": map[string]any{"schema": errSchema,
						"example": map[string]any{"timestamp": 1768469400000,
							"error": map[string]any{"code": CodeInvalidRequest, "message": "reason is required"}}}},
				},
				"OAuthError": map[string]any{
					"description": "An OAuth 2.0 error, as Keycloak answers it on its token route.",
					"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeFor[OAuthError]()),
						"example": map[string]any{"error": "invalid_grant", "error_description": "the participant code or secret is wrong"}}},
				},
				"Refused": map[string]any{
					"description": "The HCX error envelope; for an application refused on its face, with the verifier's report.",
					"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
						"oneOf": []any{errSchema, refusalSchema}}}},
				},
			},
			"securitySchemes": map[string]any{
				"applicantToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "The applicant_token answered by apply (" + ApplicantTokenPrefix + "…)."},
				"staffToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "An operator staff credential."},
				"participantToken": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A participant access token from /v1/onboarding/token."},
				"participantSecret": map[string]any{"type": "http", "scheme": "basic",
					"description": "The participant code and its production secret: how a suspended participant, which gets no access token, reaches its own application."},
				"consoleSession": map[string]any{"type": "apiKey", "in": "cookie", "name": hostPrefix + sessionCookie,
					"description": "The console session cookie set by the login form: __Host-hcx_console under TLS and on a loopback host; " +
						"hcx_console (Path=/console/) over plain http elsewhere."},
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
			if q.max > 0 {
				s["maximum"] = q.max
			}
		}
		if len(q.enum) > 0 {
			s["enum"] = q.enum
		}
		p := map[string]any{"name": q.name, "in": "query", "description": q.description, "schema": s}
		if q.required {
			p["required"] = true
		} else {
			// Given empty (limit=, as a page's form sends a field left
			// blank) it counts as not given.
			p["allowEmptyValue"] = true
		}
		params = append(params, p)
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.body != nil || rt.form != nil {
		content := map[string]any{}
		if rt.body != nil {
			if rt.method == http.MethodPatch {
				// A JSON merge patch, as application/merge-patch+json or
				// plain JSON (the server reads any JSON media type).
				patch := map[string]any{"schema": g.schemaFor(reflect.TypeOf(rt.body), forPatch)}
				content["application/merge-patch+json"] = patch
				content["application/json"] = patch
			} else {
				content["application/json"] = map[string]any{"schema": g.schemaFor(reflect.TypeOf(rt.body), forRequest)}
			}
		}
		if rt.form != nil {
			content["application/x-www-form-urlencoded"] = map[string]any{"schema": g.schemaFor(reflect.TypeOf(rt.form), forRequest)}
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
		op["security"] = []any{map[string]any{"applicantToken": []string{}}, map[string]any{"participantToken": []string{}},
			map[string]any{"participantSecret": []string{}}}
	case authStaff:
		op["security"] = []any{map[string]any{"staffToken": []string{}}}
	case authParticipant:
		op["security"] = []any{map[string]any{"participantToken": []string{}}, map[string]any{"staffToken": []string{}}}
	case authConsole, authConsoleForm:
		op["security"] = []any{map[string]any{"consoleSession": []string{}}}
	case authOwnToken:
		op["security"] = []any{map[string]any{"participantToken": []string{}}}
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
	case rt.raw != "" && isJSONMedia(rt.raw):
		ok["content"] = map[string]any{rt.raw: map[string]any{"schema": map[string]any{"type": "object"}}}
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
		if st == http.StatusFound {
			responses[strconv.Itoa(st)] = map[string]any{"description": "Found: served from the URL the participant gave",
				"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}}
			continue
		}
		if st == http.StatusServiceUnavailable && rt.unready != nil {
			responses[strconv.Itoa(st)] = map[string]any{"description": "Not ready",
				"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.unready))}}}
			continue
		}
		if st == http.StatusUnprocessableEntity && isApplicationBody(rt) {
			responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/Refused"}
			continue
		}
		if rt.oauth {
			responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/OAuthError"}
			continue
		}
		responses[strconv.Itoa(st)] = map[string]any{"$ref": "#/components/responses/Error"}
	}
	if see := strconv.Itoa(http.StatusSeeOther); (rt.auth == authConsole || rt.auth == authConsoleForm) && responses[see] == nil {
		responses[see] = map[string]any{"description": "See Other: no console session; the login page",
			"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	op["responses"] = responses
	return op
}

// isApplicationBody says whether the route reads an application (apply,
// amend): the verifier may refuse it with its report.
func isApplicationBody(rt route) bool {
	return rt.body != nil && reflect.TypeOf(rt.body).Elem() == appType
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
	if rt.handle != nil {
		// Every route the Handler serves itself refuses a path or query
		// parameter that is not clean text, or too long (checkRequestText),
		// and answers 503 when the request's context ends before the store
		// or a registry answers (the client gone, a deadline passed).
		set[http.StatusBadRequest], set[http.StatusServiceUnavailable] = true, true
	}
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
	case authConsole, authConsoleForm:
		set[http.StatusForbidden] = true // a member without the page's role
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
	if isApplicationBody(rt) {
		set[http.StatusUnprocessableEntity] = true // refused on its face, with the report
	}
	out := make([]int, 0, len(set))
	for st := range set {
		out = append(out, st)
	}
	sort.Ints(out)
	return out
}

// schemaMode is which side of the wire a schema describes. A type the
// handlers both decode and answer has two schemas: an answer always
// carries its members, while a request needs only those the server
// cannot do without, and may spell some values in more ways than an
// answer does.
type schemaMode int

const (
	forResponse schemaMode = iota
	// forRequest: what the server decodes. Members it fills with their
	// zero value when absent (booleans, numbers, objects) are not
	// required; roles take every spelling hcxonboard.ParseRole reads;
	// search filters name the searchable fields and their operators.
	forRequest
	// forPatch: a JSON merge patch (RFC 7396) of a request type: nothing
	// is required and null removes a member.
	forPatch
)

type schemaKey struct {
	t    reflect.Type
	mode schemaMode
}

// schemaGen derives JSON schemas from Go types by their encoding/json
// tags; named structs become components.
type schemaGen struct {
	components map[string]any
	names      map[schemaKey]string
	// answered are the struct types some answer carries: their request
	// schemas are named apart ("…Input").
	answered map[reflect.Type]bool
}

func newSchemaGen(routes []route) *schemaGen {
	g := &schemaGen{components: map[string]any{}, names: map[schemaKey]string{}, answered: map[reflect.Type]bool{}}
	for _, t := range []reflect.Type{reflect.TypeFor[ErrorResponse](), reflect.TypeFor[RefusalResponse]()} {
		markAnswered(t, g.answered)
	}
	for _, rt := range routes {
		if rt.resp != nil {
			markAnswered(reflect.TypeOf(rt.resp), g.answered)
		}
	}
	return g
}

// markAnswered records t and every struct type reachable from it.
func markAnswered(t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for i := range t.NumField() {
		markAnswered(t.Field(i).Type, seen)
	}
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	boundType   = reflect.TypeFor[registry.Bound]()
	roleType    = reflect.TypeFor[hcxonboard.Role]()
	condType    = reflect.TypeFor[registry.Condition]()
	specCondTyp = reflect.TypeFor[SpecCondition]()
	appType     = reflect.TypeFor[hcxonboard.Application]()
)

// enums are the closed vocabularies of the contract.
var enums = map[reflect.Type]func() []string{
	roleType: func() []string {
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

// roleAliases are the other spellings hcxonboard.ParseRole reads: the
// reference platform's, the specification's, and the NHCX numeric codes
// (as strings; as JSON numbers too, see requestRoleSchema).
var roleAliases = func() []string {
	out := []string{"payor", "BSP", "provider.diagnosticsFacility"}
	for n := 10001; n <= 10009; n++ {
		out = append(out, strconv.Itoa(n))
	}
	return out
}()

// requestRoleSchema is a role as the server reads it: every canonical
// spelling and alias, or an NHCX code as a JSON number.
func requestRoleSchema() map[string]any {
	names := enums[roleType]()
	var codes []int
	for _, a := range roleAliases {
		if _, err := hcxonboard.ParseRole(a); err != nil {
			continue
		}
		names = append(names, a)
		if n, err := strconv.Atoi(a); err == nil {
			codes = append(codes, n)
		}
	}
	return map[string]any{
		"description": "a role in the specification's spelling, or an alias read as the same role (payor, BSP, the NHCX codes)",
		"oneOf": []any{
			map[string]any{"type": "string", "enum": names},
			map[string]any{"type": "integer", "enum": codes},
		},
	}
}

// requiredInRequests names, for request types whose members are checked
// beyond their JSON shape, the members without which the server refuses
// every request; other members of these types, and of the application's
// parts (package hcxonboard), are optional.
var requiredInRequests = map[reflect.Type][]string{
	// A primary_email is not asked of every category (a regulator may go
	// without); identifiers depend on the category.
	appType: {"participant_name", "roles", "primary_mobile", "sandbox_certificate", "sandbox_participant_code"},
}

// requestLimits are bounds the server checks on request members, by the
// struct type that declares them.
var requestLimits = map[reflect.Type]map[string]map[string]any{
	reflect.TypeFor[registry.Query](): {
		"limit":  {"minimum": 0, "maximum": registry.MaxLimit},
		"offset": {"minimum": 0, "maximum": registry.MaxOffset},
	},
	reflect.TypeFor[SpecSearchRequest](): {
		"limit":  {"minimum": 0, "maximum": registry.MaxLimit},
		"offset": {"minimum": 0, "maximum": registry.MaxOffset},
	},
	condType: {
		"or":      {"maxItems": registry.MaxQueryValues},
		"between": {"minItems": 2, "maxItems": 2},
	},
	specCondTyp: {
		// Literal text: the characters of Lucene's syntax are refused.
		"queryString": {"pattern": "^[^" + regexp.QuoteMeta(queryStringRefused) + "]*$"},
	},
}

// timeFields are the searchable fields compared as times: they take only
// the bound operators.
var timeFields = map[string]bool{registry.FieldCreatedAt: true, registry.FieldUpdatedAt: true}

// timeOperators are the operators a time field takes (queryString, which
// does not narrow its field, aside).
var timeOperators = map[string]bool{"gt": true, "gte": true, "lt": true, "lte": true, "between": true, "queryString": true}

func (g *schemaGen) schema(t reflect.Type) map[string]any { return g.schemaFor(t, forResponse) }

func (g *schemaGen) schemaFor(t reflect.Type, mode schemaMode) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case boundType:
		return map[string]any{"type": "string",
			"description": "a string; on created_at and updated_at an RFC 3339 time (a JSON number there is read too, as milliseconds since 1970, as the reference platform writes times)"}
	case rawType:
		return map[string]any{}
	}
	if t == roleType && mode != forResponse {
		return requestRoleSchema()
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
		item := mode
		if mode == forPatch {
			item = forRequest // a patch replaces an array whole
		}
		return map[string]any{"type": "array", "items": g.schemaFor(t.Elem(), item)}
	case reflect.Map:
		if mode != forResponse && (t.Elem() == condType || t.Elem() == specCondTyp) {
			return g.filters(t.Elem())
		}
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object", "additionalProperties": true}
		}
		return map[string]any{"type": "object", "additionalProperties": g.schemaFor(t.Elem(), mode)}
	case reflect.Struct:
		return g.structRef(t, mode)
	default: // interfaces: any JSON value
		return map[string]any{}
	}
}

// filters is a search's filters member: the searchable fields, each with
// a condition of one or more operators; the time fields take only the
// bound operators, with RFC 3339 times.
func (g *schemaGen) filters(cond reflect.Type) map[string]any {
	text := g.schemaFor(cond, forRequest)
	name := g.names[schemaKey{cond, forRequest}]
	timeName := strings.TrimSuffix(name, "Condition") + "TimeCondition"
	if _, done := g.components[timeName]; !done {
		src := g.components[name].(map[string]any)
		props := map[string]any{}
		for op, s := range src["properties"].(map[string]any) {
			if !timeOperators[op] {
				continue
			}
			switch op {
			case "between":
				s = map[string]any{"type": "array", "minItems": 2, "maxItems": 2,
					"items": map[string]any{"type": "string", "format": "date-time"}}
			case "queryString":
			default:
				s = map[string]any{"type": "string", "format": "date-time"}
			}
			props[op] = s
		}
		g.components[timeName] = map[string]any{"type": "object", "properties": props, "additionalProperties": false,
			"minProperties": 1, "description": "a condition on a time field: RFC 3339 times"}
	}
	timeRef := map[string]any{"$ref": "#/components/schemas/" + timeName}
	props := map[string]any{}
	for _, f := range registry.Fields() {
		props[f] = text
		if timeFields[f] {
			props[f] = timeRef
		}
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false,
		"description": "conditions by searchable field, ANDed"}
}

func (g *schemaGen) structRef(t reflect.Type, mode schemaMode) map[string]any {
	if t.Name() == "" {
		return g.structSchema(t, mode)
	}
	key := schemaKey{t, mode}
	name, ok := g.names[key]
	if !ok {
		name = componentName(t)
		switch {
		case mode == forPatch:
			name += "Patch"
		case mode == forRequest && g.answered[t]:
			name += "Input"
		}
		g.names[key] = name
		g.components[name] = map[string]any{} // placeholder: recursion ends here
		g.components[name] = g.structSchema(t, mode)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// openStructs are the request types whose readers skip members they do
// not know rather than refuse them: the Keycloak-style token form, as
// Keycloak ignores the parameters of other grants.
var openStructs = map[reflect.Type]bool{reflect.TypeFor[KeycloakTokenRequest](): true}

// componentName names a component: this package's types by their own
// name, others with their package's ("hcxonboard.Application").
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	if pkg == reflect.TypeFor[Handler]().PkgPath() {
		return t.Name()
	}
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

func (g *schemaGen) structSchema(t reflect.Type, mode schemaMode) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, mode, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": openStructs[t]}
	if len(required) > 0 && mode != forPatch {
		sort.Strings(required)
		s["required"] = required
	}
	if mode != forResponse && (t == condType || t == specCondTyp) {
		s["minProperties"] = 1 // a condition names at least one operator
	}
	if mode == forPatch {
		s["description"] = "a JSON merge patch (RFC 7396): the members to change; null removes one"
	}
	return s
}

// fields adds t's JSON members, flattening embedded structs as
// encoding/json does.
func (g *schemaGen) fields(t reflect.Type, mode schemaMode, props map[string]any, required *[]string) {
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
				g.fields(ft, mode, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schemaFor(f.Type, mode)
		if e := f.Tag.Get("enum"); e != "" {
			// A closed vocabulary on a plain string field.
			s = map[string]any{"type": "string", "enum": strings.Split(e, ",")}
		}
		if mode != forResponse {
			for k, v := range requestLimits[t][name] {
				s[k] = v
			}
		}
		req := isRequired(t, f, name, opts, mode)
		if mode == forPatch || (mode == forRequest && !req) {
			// A patch's null removes a member; an optional member of a
			// request may be null, which the server reads as absent.
			s = nullable(s)
		}
		props[name] = s
		if req {
			*required = append(*required, name)
		}
	}
}

// isRequired says whether member name of t is required. An answer
// carries every member not marked omitempty or omitzero; a request must
// carry the members the server cannot do without: by requiredInRequests,
// else those not optional whose absence it cannot tell from a value it
// accepts (a boolean, a number or an object decode to their zero value
// when absent, so they are never required).
func isRequired(t reflect.Type, f reflect.StructField, name, opts string, mode schemaMode) bool {
	optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") || f.Type.Kind() == reflect.Pointer
	switch mode {
	case forPatch:
		return false
	case forRequest:
		if names, ok := requiredInRequests[t]; ok {
			return slices.Contains(names, name)
		}
		if t.PkgPath() == appType.PkgPath() {
			// The parts of an application: the verifier asks of each
			// category what it needs (a payer's system admin, a
			// facility's licence), not of every member.
			return false
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Slice, reflect.Map:
			return !optional
		}
		return false
	}
	return !optional
}

// nullable lets s also be null.
func nullable(s map[string]any) map[string]any {
	if _, ref := s["$ref"]; ref {
		return map[string]any{"allOf": []any{s}, "nullable": true}
	}
	out := make(map[string]any, len(s)+1)
	for k, v := range s {
		out[k] = v
	}
	out["nullable"] = true
	return out
}

// isJSONMedia reports whether a media type is JSON (application/json,
// application/jwk-set+json …), parameters aside.
func isJSONMedia(mt string) bool {
	mt, _, _ = strings.Cut(mt, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
