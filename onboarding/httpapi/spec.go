package httpapi

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// The HCX specification's registry and token routes, for software that
// already speaks them (the integrator SDKs, the reference platform's
// tools): POST {base}/participant/search, {base}/participant/read and
// {base}/participant/auth/token/generate under each base path, the
// Keycloak-style token route and the certificates by URL.

// DefaultSpecBasePath is where the specification's routes are served
// unless WithSpecAPI says otherwise.
const DefaultSpecBasePath = "/v0.9"

// DefaultKeycloakRealms are the realms the Keycloak-style token route
// answers for unless WithKeycloakRealms says otherwise: the one the
// specification suggests, the reference platform's participants realm,
// and the realm the integrator SDKs' documentation configures
// (swasth-health-claim-exchange), which the platform's gateway routes to
// its token route.
var DefaultKeycloakRealms = []string{"hcx", "swasth-hcx-participants", "swasth-health-claim-exchange"}

// tagRegistry groups the specification's routes in the OpenAPI document.
const tagRegistry = "registry"

// specConfig is what the options say about the specification's routes.
type specConfig struct {
	basePaths []string
	profile   credential.Profile
	publicURL string // scheme://host[:port][/prefix], no trailing slash; "" means the request's own
	realms    []string
	scanLimit int // scanPerBranch; lower in tests
}

func defaultSpecConfig() specConfig {
	return specConfig{
		basePaths: []string{DefaultSpecBasePath},
		profile:   credential.ProfileSpec,
		realms:    slices.Clone(DefaultKeycloakRealms),
		scanLimit: scanPerBranch,
	}
}

var basePathRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// WithSpecAPI sets the base paths under which the HCX specification's
// registry and token routes are served: "/v0.9" (the default,
// DefaultSpecBasePath), "/v0.8", "" for the unversioned paths
// (/participant/search …), or any other path of plain segments. Several
// may be given; WithSpecAPI() with none serves none of them (the
// Keycloak-style token route and the certificates stay: see
// WithKeycloakRealms).
func WithSpecAPI(basePaths ...string) Option {
	return func(h *Handler) error {
		seen := map[string]bool{}
		for _, p := range basePaths {
			if p != "" && !basePathRE.MatchString(p) {
				return fmt.Errorf("%w: base path %q is not \"\" or /segment[/segment…]", ErrInvalidOption, p)
			}
			if seen[p] {
				return fmt.Errorf("%w: base path %q given twice", ErrInvalidOption, p)
			}
			seen[p] = true
		}
		h.spec.basePaths = slices.Clone(basePaths)
		return nil
	}
}

// WithProfile sets how the specification's routes write participant
// records (default credential.ProfileSpec): role spellings ("payor" under
// credential.ProfilePlatform, NHCX's numeric codes under
// credential.ProfileNHCX), certificates inline (credential.ProfileOwn), by
// URL (ProfileSpec, ProfilePlatform) or as the base64 of their PEM
// (ProfileNHCX), and the platform's osid and osOwner. Under
// ProfilePlatform only records the platform's participant schema can hold
// are served (see SpecSearchRequest). Give the Tokens the same profile
// (credential.WithProfile). Searches read every spelling whatever the
// profile.
func WithProfile(p credential.Profile) Option {
	return func(h *Handler) error {
		if !p.Valid() {
			return fmt.Errorf("%w: unknown profile %q", ErrInvalidOption, p)
		}
		h.spec.profile = p
		return nil
	}
}

// WithPublicURL sets the public URL of this handler
// ("https://hcx.example.org", or with a path prefix where a proxy mounts it
// under one), which the certificate URLs in records start with. Default:
// the scheme and host of each request as the server sees it, which is
// right only without a proxy in front.
func WithPublicURL(raw string) Option {
	return func(h *Handler) error {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("%w: public URL %q is not scheme://host[:port][/path]", ErrInvalidOption, raw)
		}
		h.spec.publicURL = strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
		return nil
	}
}

var realmRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// WithKeycloakRealms sets the realms whose Keycloak-style token route,
// POST /auth/realms/{realm}/protocol/openid-connect/token, and key set,
// GET /auth/realms/{realm}/protocol/openid-connect/certs (the token keys,
// as at /v1/onboarding/jwks), answer (default DefaultKeycloakRealms); with
// none the routes answer 404 for every realm.
func WithKeycloakRealms(realms ...string) Option {
	return func(h *Handler) error {
		for _, r := range realms {
			if !realmRE.MatchString(r) {
				return fmt.Errorf("%w: realm %q is not 1 to 64 letters, digits, '.', '_' or '-'", ErrInvalidOption, r)
			}
		}
		h.spec.realms = slices.Clone(realms)
		return nil
	}
}

// specRoutes are the specification's routes under each base path, then
// the Keycloak-style token route and the certificates.
func specRoutes(c specConfig) []route {
	var out []route
	for _, base := range c.basePaths {
		op := func(name string) string {
			if base == "" {
				return name
			}
			return name + "_" + strings.NewReplacer("/", "", ".", "_").Replace(base)
		}
		out = append(out,
			route{method: http.MethodPost, path: base + "/participant/search", operation: op("specSearch"), tag: tagRegistry,
				summary: "Search the participant registry (HCX v0.9 filters); a participant access token or a staff credential",
				auth:    authParticipant, body: &SpecSearchRequest{}, resp: &SpecSearchResponse{}, status: http.StatusOK,
				handle: (*Handler).specSearch},
			route{method: http.MethodPost, path: base + "/participant/read", operation: op("specRead"), tag: tagRegistry,
				summary: "Read one participant by participant_code", auth: authParticipant,
				body: &SpecReadRequest{}, resp: &SpecReadResponse{}, status: http.StatusOK,
				extra: []int{http.StatusNotFound}, handle: (*Handler).specRead},
			route{method: http.MethodGet, path: base + "/participant/read/{code}", operation: op("specReadByPath"), tag: tagRegistry,
				summary: "Read one participant by its code in the path", auth: authParticipant,
				resp: &SpecReadResponse{}, status: http.StatusOK, handle: (*Handler).specReadByPath},
			route{method: http.MethodPost, path: base + "/participant/update", operation: op("specUpdate"), tag: tagRegistry,
				summary: "A live participant changes its own endpoint and certificates (its access token, and the step-up code its admin received)",
				auth:    authOwnToken, body: &SpecUpdateRequest{}, resp: &SpecUpdateResponse{}, status: http.StatusOK,
				extra:  []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
				handle: (*Handler).specUpdate},
			route{method: http.MethodPost, path: base + "/participant/auth/token/generate", operation: op("specTokenGenerate"), tag: tagRegistry,
				summary: "HCX v0.9 token: participant_code, username (its primary e-mail or code) and secret, form-encoded or JSON",
				auth:    authPublic, body: &SpecTokenRequest{}, form: &SpecTokenRequest{}, resp: &SpecTokenResponse{},
				status: http.StatusOK, extra: []int{http.StatusUnauthorized, http.StatusNotImplemented},
				handle: (*Handler).specToken},
		)
	}
	out = append(out,
		route{method: http.MethodPost, path: "/auth/realms/{realm}/protocol/openid-connect/token", operation: "keycloakToken", tag: tagRegistry,
			summary: "Keycloak-style password grant (HCX v0.8): username = primary e-mail or participant code, password = secret",
			auth:    authPublic, form: &KeycloakTokenRequest{}, resp: &SpecTokenResponse{}, status: http.StatusOK, oauth: true,
			extra:  []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusNotImplemented},
			handle: (*Handler).keycloakToken},
		route{method: http.MethodGet, path: "/auth/realms/{realm}/protocol/openid-connect/certs", operation: "keycloakCerts", tag: tagRegistry,
			summary: "The realm's key set, as Keycloak publishes it: the keys that verify the tokens of the realm's token route (the platform's gateway reads it as jwt.jwkUrl)",
			auth:    authPublic, resp: &jwkSet{}, status: http.StatusOK, extra: []int{http.StatusNotModified, http.StatusNotFound},
			handle: (*Handler).keycloakCerts},
		route{method: http.MethodGet, path: "/certificates/{code}/" + encryptionCertFile, operation: "encryptionCertificate", tag: tagRegistry,
			summary: "The participant's current encryption certificate (PEM)", auth: authPublic,
			raw: pemMediaType, status: http.StatusOK, extra: []int{http.StatusFound, http.StatusNotModified},
			handle: (*Handler).encryptionCertificate},
		route{method: http.MethodGet, path: "/certificates/{code}/" + signingCertFile, operation: "signingCertificate", tag: tagRegistry,
			summary: "The participant's current signing certificate (PEM)", auth: authPublic,
			raw: pemMediaType, status: http.StatusOK, extra: []int{http.StatusFound, http.StatusNotModified},
			handle: (*Handler).signingCertificate},
	)
	return out
}

// SpecReadRequest names the participant to read.
type SpecReadRequest struct {
	ParticipantCode string `json:"participant_code"`
}

// SpecSearchResponse is the specification's search answer: when it was
// answered (epoch milliseconds) and the participants, never null.
type SpecSearchResponse struct {
	Timestamp    int64             `json:"timestamp"`
	Participants []SpecParticipant `json:"participants"`
	// Next, on a search whose page is full, is the cursor of the page
	// after it (the request's cursor); absent otherwise. It is this
	// registry's addition: clients that page by offset ignore it.
	Next string `json:"next,omitempty"`
}

// SpecReadResponse is participant/read's answer: the participant's
// record at the top level, as the specification's read answers it
// (ParticipantReadResponse), and the search envelope holding the same
// record, as the reference platform's read answers it, so that a client
// of either finds it where it looks.
type SpecReadResponse struct {
	SpecParticipant
	SpecSearchResponse
}

// SpecUpdateResponse is participant/update's answer: the code of the
// participant updated, at the top level as the reference platform's
// participant/update answers it, and its record as it now stands in the
// search envelope (none when the profile does not serve it).
type SpecUpdateResponse struct {
	ParticipantCode string `json:"participant_code"`
	SpecSearchResponse
}

// SpecParticipant is a registry record as the specification's routes write
// it, in the Handler's profile (WithProfile).
type SpecParticipant struct {
	ParticipantCode      string              `json:"participant_code"`
	ParticipantName      string              `json:"participant_name"`
	Roles                []string            `json:"roles"`
	PrimaryEmail         string              `json:"primary_email,omitempty"`
	PrimaryMobile        string              `json:"primary_mobile"`
	AdditionalEmail      []string            `json:"additional_email,omitempty"`
	AdditionalMobile     []string            `json:"additional_mobile,omitempty"`
	Phone                []string            `json:"phone,omitempty"`
	Status               hcxonboard.Status   `json:"status"`
	EndpointURL          string              `json:"endpoint_url,omitempty"`
	EncryptionCert       string              `json:"encryption_cert,omitempty"`
	EncryptionCertExpiry int64               `json:"encryption_cert_expiry,omitempty"`
	SigningCertPath      string              `json:"signing_cert_path,omitempty"`
	SigningCertExpiry    int64               `json:"signing_cert_expiry,omitempty"`
	SiginingCertExpiry   int64               `json:"sigining_cert_expiry,omitempty"` // sic: the reference platform's spelling
	LinkedRegistryCodes  []string            `json:"linked_registry_codes,omitempty"`
	SchemeCode           string              `json:"scheme_code,omitempty"`
	Address              *hcxonboard.Address `json:"address,omitempty"`
	// PaymentDetails is the participant's payment_details, when it
	// registered some: {"upi_id"} or {"account_number", "ifsc_code"}.
	PaymentDetails *hcxonboard.PaymentDetails `json:"payment_details,omitempty"`
	OSID           string                     `json:"osid,omitempty"`
	OSOwner        []string                   `json:"osOwner,omitempty"`
}

// The reference platform's schema limits on additional_email and
// additional_mobile, and on phone.
const (
	platformMaxContacts = 2
	platformMaxPhones   = 3
)

// specRecord writes p in the handler's profile; base is the public URL the
// certificate links start with.
func (h *Handler) specRecord(p *hcxonboard.Participant, base string) SpecParticipant {
	prof := h.spec.profile
	out := SpecParticipant{
		ParticipantCode:      p.ParticipantCode,
		ParticipantName:      p.ParticipantName,
		Roles:                prof.RecordRoles(p.Roles),
		PrimaryEmail:         p.PrimaryEmail,
		PrimaryMobile:        p.PrimaryMobile,
		AdditionalEmail:      p.AdditionalEmail,
		AdditionalMobile:     p.AdditionalMobile,
		Phone:                p.Phone,
		Status:               p.Status,
		EndpointURL:          p.EndpointURL,
		EncryptionCert:       p.EncryptionCert,
		EncryptionCertExpiry: p.EncryptionCertExpiry,
		SigningCertPath:      p.SigningCertPath,
		SigningCertExpiry:    p.SigningCertExpiry,
		LinkedRegistryCodes:  p.LinkedRegistryCodes,
		SchemeCode:           p.SchemeCode,
		Address:              p.Address,
		PaymentDetails:       p.PaymentDetails.Clone(),
	}
	switch {
	case prof.CertificatesByURL():
		if p.EncryptionCert != "" {
			out.EncryptionCert = certificateURL(base, p.ParticipantCode, encryptionCertFile)
		}
		if p.SigningCertPath != "" {
			out.SigningCertPath = certificateURL(base, p.ParticipantCode, signingCertFile)
		}
	case prof.CertificatesBase64():
		out.EncryptionCert = certificateBase64(p.EncryptionCert)
		out.SigningCertPath = certificateBase64(p.SigningCertPath)
	}
	if prof == credential.ProfilePlatform {
		out.Roles = platformRoleNames(p.Roles)
		out.SiginingCertExpiry, out.SigningCertExpiry = p.SigningCertExpiry, 0
		out.OSID = credential.RecordID(p.ParticipantCode)
		out.OSOwner = []string{credential.OwnerID(p.ParticipantCode)}
		if len(out.AdditionalEmail) > platformMaxContacts {
			out.AdditionalEmail = out.AdditionalEmail[:platformMaxContacts]
		}
		if len(out.AdditionalMobile) > platformMaxContacts {
			out.AdditionalMobile = out.AdditionalMobile[:platformMaxContacts]
		}
		if len(out.Phone) > platformMaxPhones {
			out.Phone = out.Phone[:platformMaxPhones]
		}
	}
	return out
}

// certificateBase64 is a held certificate in the NHCX form: the base64 of
// its PEM text, header lines included. A certificate held as a URL (step 3
// accepts one) stays a URL: this handler does not fetch it to inline it.
// Held text that is no certificate (never, for what step 3 accepted) stays
// as it is.
func certificateBase64(held string) string {
	held = strings.TrimSpace(held)
	if held == "" || isCertificateURL(held) {
		return held
	}
	pemText := certificatePEM(held)
	if pemText == nil {
		return held
	}
	return base64.StdEncoding.EncodeToString(pemText)
}

// publicBase is the URL certificate links start with.
func (h *Handler) publicBase(r *http.Request) string {
	if h.spec.publicURL != "" {
		return h.spec.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// specSearch answers POST {base}/participant/search.
func (h *Handler) specSearch(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var req SpecSearchRequest
	if err := h.decodeSearch(w, r, &req); err != nil {
		return err
	}
	q, text, err := req.split()
	if err != nil {
		return err
	}
	q, err = readSpellings(q)
	if err != nil {
		return err
	}
	scope := cursorScope("spec-search", q.Filters, text)
	if q.Cursor, err = unbindCursor(scope, q.Cursor, CodeInvalidSearch); err != nil {
		return err
	}
	ps, next, err := h.specParticipants(r.Context(), q, text)
	if err != nil {
		return err
	}
	h.writeSpecPage(w, r, ps, bindCursor(scope, next))
	return nil
}

// writeSpecPage answers the records of ps in the handler's profile, with
// the cursor of the next page (participant/search's answer).
func (h *Handler) writeSpecPage(w http.ResponseWriter, r *http.Request, ps []hcxonboard.Participant, next string) {
	h.writeJSON(w, http.StatusOK, h.specPage(r, ps, next))
}

// specPage is the search envelope of the records of ps in the handler's
// profile, leaving out those it does not serve (for participant/update's
// answer: the search and read never pass one).
func (h *Handler) specPage(r *http.Request, ps []hcxonboard.Participant, next string) SpecSearchResponse {
	base := h.publicBase(r)
	out := SpecSearchResponse{Timestamp: h.now().UnixMilli(), Participants: make([]SpecParticipant, 0, len(ps)), Next: next}
	for i := range ps {
		if h.unserved(&ps[i]) == "" {
			out.Participants = append(out.Participants, h.specRecord(&ps[i], base))
		}
	}
	return out
}

// specRead answers POST {base}/participant/read.
func (h *Handler) specRead(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var req SpecReadRequest
	if err := h.decodeJSON(w, r, &req); err != nil {
		return err
	}
	return h.readParticipant(w, r, strings.TrimSpace(req.ParticipantCode))
}

// specReadByPath answers GET {base}/participant/read/{code}.
func (h *Handler) specReadByPath(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	return h.readParticipant(w, r, r.PathValue("code"))
}

func (h *Handler) readParticipant(w http.ResponseWriter, r *http.Request, code string) error {
	p, err := h.participant(r, code)
	if err != nil {
		return err
	}
	if err := h.statusNow(r, p); err != nil {
		return err
	}
	if why := h.unserved(p); why != "" {
		return unservedError(why)
	}
	page := h.specPage(r, []hcxonboard.Participant{*p}, "")
	h.writeJSON(w, http.StatusOK, SpecReadResponse{SpecParticipant: page.Participants[0], SpecSearchResponse: page})
	return nil
}

// statusNow makes p Inactive when its announced de-boarding has taken
// effect though the sweep has not yet made it so (as participantsNow
// shows it in a search).
func (h *Handler) statusNow(r *http.Request, p *hcxonboard.Participant) error {
	if p.Status == hcxonboard.StatusInactive {
		return nil
	}
	off, err := h.svc.OffNetwork(r.Context(), p.ParticipantCode)
	switch {
	case errors.Is(err, onboarding.ErrNotFound):
		// A registry record without an application of the engine's: no
		// de-boarding was announced for it.
	case err != nil:
		return err
	case off:
		p.Status = hcxonboard.StatusInactive
	}
	return nil
}

// participant finds a participant by code: ERR_INVALID_PARTICIPANT_CODE
// (404) when there is none, or the code could not be one.
func (h *Handler) participant(r *http.Request, code string) (*hcxonboard.Participant, error) {
	unknown := newError(http.StatusNotFound, CodeInvalidParticipantCode, "no participant with that participant_code")
	if code == "" || len(code) > registry.MaxQueryValueLen || !cleanText(code) {
		return nil, unknown
	}
	ps, err := h.svc.Search(r.Context(), registry.Query{
		Filters: map[string]registry.Condition{registry.FieldCode: registry.Eq(code)}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, unknown
	}
	return &ps[0], nil
}

// roleFamily lists the roles an NHCX numeric role code stands for when it
// stands for several — 10001 for provider and every provider sub-role,
// which NHCX records all carry as 10001 — and nil otherwise.
func roleFamily(field, v string) []string {
	v = strings.TrimSpace(v)
	if field != registry.FieldRoles || v == "" || strings.Trim(v, "0123456789") != "" {
		return nil
	}
	var out []string
	for _, r := range hcxonboard.Roles() {
		if credential.ProfileNHCX.RecordRoles([]hcxonboard.Role{r})[0] == v {
			out = append(out, string(r))
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// readSpellings rewrites the whole-value operands of roles and status
// into this library's spelling, so that a search reads every spelling:
// "payor" finds payers, "InActive" finds Inactive participants. A value
// that is no known spelling stays as it is (and finds nothing).
//
// A numeric role code that stands for several roles (NHCX's 10001, every
// provider) reads as all of them under eq and or; under neq it is refused
// (ErrInvalidQuery): no single condition excludes them all.
func readSpellings(q registry.Query) (registry.Query, error) {
	if len(q.Filters) == 0 {
		return q, nil
	}
	filters := make(map[string]registry.Condition, len(q.Filters))
	for field, c := range q.Filters {
		var canon func(string) string
		switch field {
		case registry.FieldRoles:
			canon = func(s string) string {
				if r, err := hcxonboard.ParseRole(s); err == nil {
					return string(r)
				}
				return s
			}
		case registry.FieldStatus:
			canon = func(s string) string {
				if strings.EqualFold(s, string(hcxonboard.StatusInactive)) {
					return string(hcxonboard.StatusInactive)
				}
				return s
			}
		}
		if canon != nil {
			one := func(v *string) *string {
				if v == nil {
					return nil
				}
				s := canon(*v)
				return &s
			}
			if fam := roleFamily(field, deref(c.Neq)); fam != nil {
				return q, fmt.Errorf("%w: roles neq %q: the code stands for %d roles (%s), which one neq cannot exclude; search with or for the roles wanted",
					registry.ErrInvalidQuery, strings.TrimSpace(*c.Neq), len(fam), strings.Join(fam, ", "))
			}
			eq := c.Eq
			c.Eq, c.Neq = one(c.Eq), one(c.Neq)
			if c.Or != nil {
				or := make([]string, 0, len(c.Or))
				for _, v := range c.Or {
					if fam := roleFamily(field, v); fam != nil {
						or = append(or, fam...)
						continue
					}
					or = append(or, canon(v))
				}
				c.Or = or
			}
			if fam := roleFamily(field, deref(eq)); fam != nil && c.Or == nil {
				// NHCX writes every provider role as 10001: 10001 finds
				// them all, as the record that carries it says.
				c.Eq, c.Or = nil, fam
			}
		}
		if field == registry.FieldRoles {
			var err error
			if c, err = readRoleOperators(c); err != nil {
				return q, err
			}
		}
		if field == registry.FieldEmail {
			c = readEmailCase(c)
		}
		filters[field] = c
	}
	q.Filters = filters
	return q, nil
}

// readEmailCase reads the whole-value operands of primary_email in any
// case, as an e-mail names the same mailbox in any case: the engine keeps
// e-mails in lower case, so that a participant that registered
// Desk@Hospital.example is found by the e-mail as it registered it. eq and
// or find the value as given or in lower case (a record stored by other
// means with capitals is found as before); neq excludes the lower case,
// which is what the engine stores.
func readEmailCase(c registry.Condition) registry.Condition {
	if c.Neq != nil {
		v := strings.ToLower(*c.Neq)
		c.Neq = &v
	}
	if c.Eq != nil && strings.ToLower(*c.Eq) != *c.Eq {
		if c.Or != nil { // eq and or both hold: eq alone cannot be widened
			v := strings.ToLower(*c.Eq)
			c.Eq = &v
		} else {
			c.Or, c.Eq = []string{*c.Eq}, nil
		}
	}
	if len(c.Or) > 0 {
		both, lower := slices.Clone(c.Or), make([]string, 0, len(c.Or))
		for _, v := range c.Or {
			l := strings.ToLower(v)
			if !slices.Contains(both, l) {
				both = append(both, l)
			}
			if !slices.Contains(lower, l) {
				lower = append(lower, l)
			}
		}
		switch {
		case len(c.Or) > registry.MaxQueryValues:
			// Too many already: left as given, for the check to refuse.
		case len(both) > registry.MaxQueryValues:
			c.Or = lower // no room for both: the engine's spelling
		default:
			c.Or = both
		}
	}
	return c
}

// roleSpellings lists the ways records write each role by name: this
// library's spelling first, then the profiles' ("payor", "BSP").
// roleCodes are NHCX's numbers for them.
var roleSpellings, roleCodes = func() (map[hcxonboard.Role][]string, map[hcxonboard.Role]string) {
	names, codes := make(map[hcxonboard.Role][]string), make(map[hcxonboard.Role]string)
	for _, r := range hcxonboard.Roles() {
		sp := []string{string(r)}
		for _, p := range []credential.Profile{credential.ProfileSpec, credential.ProfilePlatform} {
			if w := p.RecordRoles([]hcxonboard.Role{r})[0]; !slices.Contains(sp, w) {
				sp = append(sp, w)
			}
		}
		names[r] = sp
		codes[r] = credential.ProfileNHCX.RecordRoles([]hcxonboard.Role{r})[0]
	}
	return names, codes
}()

// noRole is an or operand no role has: an or that finds nothing.
const noRole = "-"

// readRoleOperators reads the substring and range operators on roles in
// every spelling, as readSpellings reads eq and or: contains "payor" finds
// payers, and so does startsWith "10002". An operand of digits is read
// against NHCX's numbers as well as the names (this library's and the
// profiles'), any other against the names. An operator whose operand
// finds the same roles in this library's spelling alone is left as it is.
// Otherwise a positive one becomes the set of roles it finds, read as the
// condition's or (refused, ErrInvalidQuery, where the condition has an or
// already: two cannot be one), and a negative one keeps what it excludes
// in this library's spelling and adds a neq of the one more role its
// other spellings exclude (notEndsWith "or" leaves out payers, whose
// "payor" ends so, beside regulators and sponsors); one whose other
// spellings exclude several more roles, or whose neq another holds, is
// refused, as no single condition can.
func readRoleOperators(c registry.Condition) (registry.Condition, error) {
	type op struct {
		name string
		val  **string
		test func(s, v string) bool
	}
	fold := func(f func(s, v string) bool) func(s, v string) bool {
		return func(s, v string) bool { return f(strings.ToLower(s), strings.ToLower(v)) }
	}
	// roles lists the roles one of whose spellings passes test: with all,
	// the names, and NHCX's numbers too for operands of digits; else this
	// library's spelling alone.
	roles := func(all bool, test func(string) bool, operands ...string) []string {
		numeric := true
		for _, v := range operands {
			v = strings.TrimSpace(v)
			numeric = numeric && v != "" && strings.Trim(v, "0123456789") == ""
		}
		var out []string
		for _, r := range hcxonboard.Roles() {
			sp := roleSpellings[r][:1]
			if all {
				sp = roleSpellings[r]
				if numeric {
					sp = append(slices.Clip(sp), roleCodes[r])
				}
			}
			if slices.ContainsFunc(sp, test) {
				out = append(out, string(r))
			}
		}
		return out
	}
	// narrow reads a positive operator as or: the roles it finds. One
	// or holds when some role is in it, as each positive operator does on
	// its own; two cannot be one or.
	var narrowErr error
	narrow := func(op, v string, set []string) {
		if len(c.Or) > 0 { // an empty or is no condition
			narrowErr = fmt.Errorf("%w: roles %s %q reads as the roles %s finds in every spelling, and this condition has an or already: search with one of them",
				registry.ErrInvalidQuery, op, v, op)
			return
		}
		c.Or = set
		if len(c.Or) == 0 {
			c.Or = []string{noRole}
		}
	}
	for _, o := range []op{
		{"contains", &c.Contains, fold(strings.Contains)},
		{"startsWith", &c.StartsWith, fold(strings.HasPrefix)},
		{"endsWith", &c.EndsWith, fold(strings.HasSuffix)},
	} {
		if *o.val == nil {
			continue
		}
		v := **o.val
		test := func(s string) bool { return o.test(s, v) }
		if set := roles(true, test, v); !slices.Equal(set, roles(false, test)) {
			*o.val = nil
			narrow(o.name, v, set)
		}
	}
	for _, b := range []struct {
		name string
		val  **registry.Bound
		test func(int) bool
	}{
		{"gt", &c.Gt, func(n int) bool { return n > 0 }},
		{"gte", &c.Gte, func(n int) bool { return n >= 0 }},
		{"lt", &c.Lt, func(n int) bool { return n < 0 }},
		{"lte", &c.Lte, func(n int) bool { return n <= 0 }},
	} {
		if *b.val == nil {
			continue
		}
		if _, isTime := (*b.val).Time(); isTime {
			continue // a time is no role: Normalize judges it
		}
		v := (*b.val).String()
		test := func(s string) bool { return b.test(strings.Compare(s, v)) }
		if set := roles(true, test, v); !slices.Equal(set, roles(false, test)) {
			*b.val = nil
			narrow(b.name, v, set)
		}
	}
	if len(c.Between) == 2 {
		lo, hi := c.Between[0].String(), c.Between[1].String()
		test := func(s string) bool { return lo <= s && s <= hi }
		if set := roles(true, test, lo, hi); !slices.Equal(set, roles(false, test)) {
			c.Between = nil
			narrow("between", lo+"…"+hi, set)
		}
	}
	if narrowErr != nil {
		return c, narrowErr
	}
	for _, o := range []op{
		{"notContains", &c.NotContains, fold(strings.Contains)},
		{"notStartsWith", &c.NotStartsWith, fold(strings.HasPrefix)},
		{"notEndsWith", &c.NotEndsWith, fold(strings.HasSuffix)},
	} {
		if *o.val == nil {
			continue
		}
		v := **o.val
		test := func(s string) bool { return o.test(s, v) }
		set, own := roles(true, test, v), roles(false, test)
		if slices.Equal(set, own) {
			continue
		}
		// The operator itself excludes the roles it finds in this
		// library's spelling; a neq excludes one more.
		more := slices.DeleteFunc(slices.Clone(set), func(r string) bool { return slices.Contains(own, r) })
		if len(more) > 1 || c.Neq != nil && *c.Neq != more[0] {
			return c, fmt.Errorf("%w: roles %s %q: it excludes %d roles (%s), which one condition cannot; search with or for the roles wanted",
				registry.ErrInvalidQuery, o.name, v, len(set), strings.Join(set, ", "))
		}
		if len(own) == 0 {
			*o.val = nil
		}
		c.Neq = &more[0]
	}
	return c, nil
}
