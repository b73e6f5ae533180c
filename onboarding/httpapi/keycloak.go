package httpapi

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// The token routes existing HCX clients call. Both exchange a participant
// code (or its primary e-mail) and secret for an access token through the
// engine's Service.Token, as /v1/onboarding/token does, so the same rules
// hold: only Active participants, revoked and expired secrets refused,
// every refusal the one 401 of refuseCredentials.

// SpecTokenRequest is HCX v0.9's token request, form-encoded or JSON.
// username must name the participant: its primary e-mail or its code. The
// reference platform's clients send username and password alone: password
// is secret's other name, and without participant_code the username
// finds the participant.
type SpecTokenRequest struct {
	ParticipantCode string `json:"participant_code,omitempty"`
	Username        string `json:"username"`
	Secret          string `json:"secret,omitempty"`
	Password        string `json:"password,omitempty"`
	// GrantType and ClientID are what the integrator SDKs send when their
	// token URL is this route (a Keycloak password grant): a grant type,
	// when given, must be "password"; the client id is ignored.
	GrantType string `json:"grant_type,omitempty" enum:"password"`
	ClientID  string `json:"client_id,omitempty"`
}

// KeycloakTokenRequest is a Keycloak password grant, form-encoded.
// username is the participant's primary e-mail or its code; password its
// secret. client_id, client_secret and scope are accepted and ignored, and
// so, as Keycloak ignores them, is every other parameter (those of other
// grants: code, redirect_uri, totp …).
type KeycloakTokenRequest struct {
	GrantType    string `json:"grant_type" enum:"password"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	Scope        string `json:"scope,omitempty"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

// SpecTokenResponse is the token answer in Keycloak's shape. No refresh
// token is issued: clients ask again with the secret.
type SpecTokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshExpiresIn int64  `json:"refresh_expires_in"`
	TokenType        string `json:"token_type"`
}

// maxTokenFormBytes caps a token request: three short fields.
const maxTokenFormBytes = 16 << 10

// formRead says how readForm reads a form.
type formRead struct {
	// allowJSON reads a JSON body into dst instead of a form.
	allowJSON bool
	// ignoreUnknown skips the fields readForm is not given, as
	// Keycloak's token route ignores the parameters of other grants
	// (scope, code, redirect_uri, totp …), instead of refusing them.
	ignoreUnknown bool
}

// readForm reads a form-encoded body into the named fields, refusing a
// field it does not know (unless how.ignoreUnknown), one given twice and
// text that is not clean UTF-8. With how.allowJSON a JSON body is read
// into dst instead.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request, fields map[string]*string, how formRead, dst any) error {
	allowJSON := how.allowJSON
	want := mediaForm
	if allowJSON {
		want = mediaForm + " or " + mediaJSON
	}
	mt, err := contentType(r, mediaForm, want) // none: a form, as OAuth clients send
	switch {
	case err != nil:
		return err
	case allowJSON && (mt == mediaJSON || strings.HasSuffix(mt, "+json")):
		return h.decodeJSON(w, r, dst)
	case mt != mediaForm:
		return newError(http.StatusUnsupportedMediaType, CodeInvalidPayload, "send the body with Content-Type: %s, not %s", want, clipParam(mt))
	}
	data, err := h.readLimited(w, r, min(h.maxBody, maxTokenFormBytes))
	if err != nil {
		return err
	}
	vals, err := url.ParseQuery(string(data))
	if err != nil {
		return newError(http.StatusBadRequest, CodeInvalidPayload, "the form is malformed")
	}
	for name, vs := range vals {
		dst, ok := fields[name]
		switch {
		case !ok && how.ignoreUnknown:
			continue
		case !ok:
			return newError(http.StatusBadRequest, CodeInvalidPayload, "unknown field %q", clipParam(strings.ToValidUTF8(name, "")))
		case len(vs) > 1:
			return newError(http.StatusBadRequest, CodeInvalidPayload, "field %q: given more than once", name)
		case !cleanText(vs[0]):
			return newError(http.StatusBadRequest, CodeInvalidPayload, "field %q is not valid UTF-8 or holds a NUL byte", name)
		}
		*dst = vs[0]
	}
	return nil
}

// specToken answers POST {base}/participant/auth/token/generate.
func (h *Handler) specToken(w http.ResponseWriter, r *http.Request, _ *reqCtx) (err error) {
	defer func() { h.observeToken(TokenRouteSpec, err) }()
	var req SpecTokenRequest
	fields := map[string]*string{"participant_code": &req.ParticipantCode, "username": &req.Username, "secret": &req.Secret,
		"password": &req.Password, "grant_type": &req.GrantType, "client_id": &req.ClientID}
	if err := h.readForm(w, r, fields, formRead{allowJSON: true}, &req); err != nil {
		return err
	}
	if req.GrantType != "" && req.GrantType != "password" {
		return newError(http.StatusBadRequest, CodeInvalidRequest, `grant_type must be "password"`)
	}
	secret := req.Secret
	if req.Password != "" {
		if secret != "" && secret != req.Password {
			return newError(http.StatusBadRequest, CodeInvalidPayload, "give the secret as secret or as password, not two different ones")
		}
		secret = req.Password
	}
	code := strings.TrimSpace(req.ParticipantCode)
	if code == "" {
		if code, err = h.codeOfUsername(r, strings.TrimSpace(req.Username)); err != nil {
			return err
		}
	}
	tok, err := h.svc.Token(r.Context(), code, secret)
	if err != nil {
		return h.refuseCredentials(r, err)
	}
	// The secret was right; the username must name the same participant.
	if ok, err := h.namesParticipant(r, code, strings.TrimSpace(req.Username)); err != nil {
		return err
	} else if !ok {
		return h.refuseCredentials(r, fmt.Errorf("%w: the username names another participant", onboarding.ErrInvalidCredentials))
	}
	h.writeSpecToken(w, tok)
	return nil
}

// namesParticipant reports whether username is the participant's code or
// primary e-mail (in any case).
func (h *Handler) namesParticipant(r *http.Request, code, username string) (bool, error) {
	if username == "" {
		return false, nil
	}
	if username == code {
		return true, nil
	}
	p, err := h.participant(r, code)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return false, nil
		}
		return false, err
	}
	return p.PrimaryEmail != "" && strings.EqualFold(username, p.PrimaryEmail), nil
}

// keycloakCerts answers GET /auth/realms/{realm}/protocol/openid-connect/certs:
// the key set of /v1/onboarding/jwks, where a gateway that takes this
// operator for its Keycloak looks for it.
func (h *Handler) keycloakCerts(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if !slices.Contains(h.spec.realms, r.PathValue("realm")) {
		return newError(http.StatusNotFound, CodeInvalidRequest, "no such realm")
	}
	return h.jwks(w, r, rc)
}

// keycloakToken answers POST /auth/realms/{realm}/protocol/openid-connect/token.
func (h *Handler) keycloakToken(w http.ResponseWriter, r *http.Request, _ *reqCtx) (err error) {
	defer func() { h.observeToken(TokenRouteKeycloak, err) }()
	if !slices.Contains(h.spec.realms, r.PathValue("realm")) {
		return newError(http.StatusNotFound, CodeInvalidRequest, "no such realm")
	}
	var req KeycloakTokenRequest
	fields := map[string]*string{"grant_type": &req.GrantType, "client_id": &req.ClientID, "client_secret": &req.ClientSecret,
		"scope": &req.Scope, "username": &req.Username, "password": &req.Password}
	if err := h.readForm(w, r, fields, formRead{ignoreUnknown: true}, &req); err != nil {
		return err
	}
	switch req.GrantType {
	case "password":
	case "":
		// Keycloak's answer: a malformed request, not an unknown grant.
		return newError(http.StatusBadRequest, CodeInvalidRequest, `grant_type is missing: give "password"`)
	default:
		return unsupportedGrant{newError(http.StatusBadRequest, CodeInvalidRequest, `grant_type must be "password"`)}
	}
	code, err := h.codeOfUsername(r, strings.TrimSpace(req.Username))
	if err != nil {
		return err
	}
	tok, err := h.svc.Token(r.Context(), code, req.Password)
	if err != nil {
		return h.refuseCredentials(r, err)
	}
	h.writeSpecToken(w, tok)
	return nil
}

// codeOfUsername resolves a username to a participant code. A username
// that is a participant's code is that code: codes are public, and in the
// platform's form hold "@", so an applicant naming one as its e-mail must
// not take the login from its holder. Else a username with "@" is an
// e-mail: the code of the one Active participant whose primary e-mail it
// is — only an Active participant gets a token, so applications under way
// or ended that name the same e-mail do not make it ambiguous. The e-mail
// is matched in lower case, as the engine stores it: HCX@Regulator.example
// finds the participant that registered it so. An e-mail two Active
// participants share names neither: use the code. Anything else is
// returned as it is (nothing the engine will accept), so that every
// username that names no participant meets the one credential refusal.
func (h *Handler) codeOfUsername(r *http.Request, username string) (string, error) {
	if username == "" || len(username) > registry.MaxQueryValueLen || !strings.Contains(username, "@") || !cleanText(username) {
		return username, nil
	}
	ps, err := h.svc.Search(r.Context(), registry.Query{
		Filters: map[string]registry.Condition{registry.FieldCode: registry.Eq(username)}, Limit: 1})
	if err != nil || len(ps) == 1 {
		return username, err
	}
	ps, err = h.svc.Search(r.Context(), registry.Query{
		Filters: map[string]registry.Condition{
			registry.FieldEmail:  registry.Eq(strings.ToLower(strings.TrimSpace(username))),
			registry.FieldStatus: registry.Eq(string(hcxonboard.StatusActive)),
		}, Limit: 2})
	if err != nil {
		return "", err
	}
	if len(ps) == 1 {
		return ps[0].ParticipantCode, nil
	}
	return username, nil
}

func (h *Handler) writeSpecToken(w http.ResponseWriter, tok credential.Token) {
	h.writeToken(w, SpecTokenResponse{
		AccessToken: tok.Value,
		ExpiresIn:   int64(math.Max(0, tok.ExpiresAt.Sub(tok.IssuedAt).Seconds())),
		TokenType:   "Bearer",
	})
}

// writeToken answers an access token (v, a token route's answer): as
// writeJSON, which forbids caching, and with Pragma: no-cache for HTTP/1.0
// caches, as OAuth 2.0 (RFC 6749, section 5.1) asks of every answer that
// carries a token.
func (h *Handler) writeToken(w http.ResponseWriter, v any) {
	w.Header().Set("Pragma", "no-cache")
	h.writeJSON(w, http.StatusOK, v)
}
