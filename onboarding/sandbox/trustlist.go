package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard"
)

// TrustedIssuer is one sandbox operator on a trust list: the roles it may
// certify, and its public keys either inline (JWKS) or at a URL (JWKSURL),
// never both.
type TrustedIssuer struct {
	ID      string
	Roles   []hcxonboard.Role
	JWKS    jwk.Set
	JWKSURL string
}

var _ json.Marshaler = (*TrustList)(nil)

// TrustList is the set of sandbox operators whose certificates an HCX
// operator accepts. It is immutable once built and safe for concurrent use.
type TrustList struct {
	issuers []*trustedIssuer
	byID    map[string]*trustedIssuer
}

type trustedIssuer struct {
	id    string
	roles []hcxonboard.Role
	jwks  jwk.Set     // own deep copy; nil when keys come from url
	keys  []publicKey // converted from jwks
	url   *url.URL
}

// NewTrustList builds a trust list from issuers. Every issuer needs an id
// used once, at least one valid role, and exactly one of JWKS (public
// keys only, at least one) and JWKSURL (absolute http or https URL without
// credentials). Errors wrap ErrInvalidTrustList and name the issuer.
func NewTrustList(issuers ...TrustedIssuer) (*TrustList, error) {
	if len(issuers) == 0 {
		return nil, fmt.Errorf("%w: no issuers", ErrInvalidTrustList)
	}
	t := &TrustList{byID: make(map[string]*trustedIssuer, len(issuers))}
	for n, in := range issuers {
		ti, err := newTrustedIssuer(in)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidTrustList, issuerName(n, in.ID), err)
		}
		if _, dup := t.byID[ti.id]; dup {
			return nil, fmt.Errorf("%w: %s: id listed twice", ErrInvalidTrustList, issuerName(n, in.ID))
		}
		t.byID[ti.id] = ti
		t.issuers = append(t.issuers, ti)
	}
	return t, nil
}

func issuerName(n int, id string) string {
	if id == "" {
		return fmt.Sprintf("issuer #%d", n+1)
	}
	return fmt.Sprintf("issuer %q", clip(id))
}

func newTrustedIssuer(in TrustedIssuer) (*trustedIssuer, error) {
	if err := checkIssuerID(in.ID); err != nil {
		return nil, err
	}
	ti := &trustedIssuer{id: in.ID}
	if len(in.Roles) == 0 {
		return nil, errors.New("no roles: list the roles it may certify")
	}
	for n, r := range in.Roles {
		canon, err := hcxonboard.ParseRole(string(r))
		if err != nil {
			return nil, fmt.Errorf("roles[%d]: %w", n, err)
		}
		if !slices.Contains(ti.roles, canon) {
			ti.roles = append(ti.roles, canon)
		}
	}
	switch {
	case in.JWKS != nil && in.JWKSURL != "":
		return nil, errors.New("has both jwks and jwks_url; give exactly one")
	case in.JWKS == nil && in.JWKSURL == "":
		return nil, errors.New("has neither jwks nor jwks_url; give exactly one")
	case in.JWKS != nil:
		keys, err := publicKeysFrom(in.JWKS)
		if err != nil {
			return nil, fmt.Errorf("jwks: %w", err)
		}
		set, err := cloneSet(in.JWKS)
		if err != nil {
			return nil, fmt.Errorf("jwks: %w", err)
		}
		ti.keys, ti.jwks = keys, set
	default:
		u, err := parseJWKSURL(in.JWKSURL)
		if err != nil {
			return nil, fmt.Errorf("jwks_url: %w", err)
		}
		ti.url = u
	}
	return ti, nil
}

func parseJWKSURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	switch {
	case u.Scheme == "" || u.Host == "" && u.Opaque == "":
		if u.Scheme == "" {
			return nil, errors.New("must be an absolute https URL")
		}
		return nil, errors.New("has no host")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("scheme %q: want https", clip(u.Scheme))
	case u.Host == "":
		return nil, errors.New("has no host")
	case u.User != nil:
		return nil, errors.New("must not carry credentials")
	case u.Fragment != "":
		return nil, errors.New("must not have a fragment")
	}
	return u, nil
}

// redacted is u without its query, for messages: a query may carry a key.
func redacted(u *url.URL) string {
	c := *u
	if c.RawQuery != "" {
		c.RawQuery = "…"
	}
	return c.String()
}

// wireTrustList and wireIssuer are the trust list file format.
type wireTrustList struct {
	Issuers []json.RawMessage `json:"issuers"`
}

type wireIssuer struct {
	ID      string          `json:"id"`
	JWKS    json.RawMessage `json:"jwks,omitempty"`
	JWKSURL string          `json:"jwks_url,omitempty"`
	Roles   []string        `json:"roles"`
}

var (
	trustListMembers = []string{"issuers"}
	issuerMembers    = []string{"id", "jwks", "jwks_url", "roles"}
)

// LoadTrustList reads a trust list in its JSON file format:
//
//	{"issuers": [{"id": "…", "jwks": {"keys": […]}, "roles": ["provider", …]},
//	             {"id": "…", "jwks_url": "https://…", "roles": ["payer"]}]}
//
// It is strict: unknown or duplicated members, trailing data, an input over
// MaxTrustListSize, and everything NewTrustList refuses are errors. Errors
// wrap ErrInvalidTrustList and name the issuer.
func LoadTrustList(r io.Reader) (*TrustList, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxTrustListSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading: %w", ErrInvalidTrustList, err)
	}
	if len(b) > MaxTrustListSize {
		return nil, fmt.Errorf("%w: %w: more than %d bytes", ErrInvalidTrustList, hcxonboard.ErrTooLarge, MaxTrustListSize)
	}
	var w wireTrustList
	if err := decodeStrict(b, &w, trustListMembers); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTrustList, err)
	}
	if w.Issuers == nil {
		return nil, fmt.Errorf("%w: no \"issuers\" array", ErrInvalidTrustList)
	}
	issuers := make([]TrustedIssuer, 0, len(w.Issuers))
	for n, raw := range w.Issuers {
		var wi wireIssuer
		if err := decodeStrict(raw, &wi, issuerMembers); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidTrustList, issuerName(n, peekID(raw)), err)
		}
		ti := TrustedIssuer{ID: wi.ID, JWKSURL: wi.JWKSURL, Roles: make([]hcxonboard.Role, len(wi.Roles))}
		for k, s := range wi.Roles {
			ti.Roles[k] = hcxonboard.Role(s) // NewTrustList parses and names bad ones
		}
		if len(wi.JWKS) > 0 && !bytes.Equal(wi.JWKS, []byte("null")) {
			if ti.JWKS, err = parseJWKS(wi.JWKS); err != nil {
				return nil, fmt.Errorf("%w: %s: jwks: %w", ErrInvalidTrustList, issuerName(n, wi.ID), err)
			}
		}
		issuers = append(issuers, ti)
	}
	return NewTrustList(issuers...)
}

// LoadTrustListFile reads a trust list file; see LoadTrustList.
func LoadTrustListFile(path string) (*TrustList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTrustList, err)
	}
	defer f.Close()
	return LoadTrustList(f)
}

// decodeStrict decodes one JSON object, refusing unknown and duplicated
// members and trailing data.
func decodeStrict(b []byte, v any, known []string) error {
	if err := decodeObject(b, v, known); err != nil {
		return err
	}
	// decodeObject ignores unknown members (a certificate may carry claims
	// this package does not use); a trust list may not.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// peekID extracts an issuer's id for a message when the entry itself is
// not valid.
func peekID(raw json.RawMessage) string {
	var p struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &p)
	return p.ID
}

// parseJWKS parses a JWK Set object: {"keys": […]}. A bare key is refused
// so that a file's meaning does not depend on a parser's leniency.
func parseJWKS(b []byte) (jwk.Set, error) {
	var probe struct {
		Keys json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, errors.New("not a JSON object")
	}
	if len(probe.Keys) == 0 || probe.Keys[0] != '[' {
		return nil, errors.New(`want a JWK Set: an object with a "keys" array`)
	}
	set, err := jwk.Parse(b)
	if err != nil {
		return nil, err
	}
	return set, nil
}

// Issuers returns a copy of the trust list's issuers, in file order.
func (t *TrustList) Issuers() []TrustedIssuer {
	out := make([]TrustedIssuer, 0, len(t.issuers))
	for _, ti := range t.issuers {
		out = append(out, ti.export())
	}
	return out
}

// Issuer returns the issuer with the given id.
func (t *TrustList) Issuer(id string) (TrustedIssuer, bool) {
	ti, ok := t.byID[id]
	if !ok {
		return TrustedIssuer{}, false
	}
	return ti.export(), true
}

func (ti *trustedIssuer) export() TrustedIssuer {
	out := TrustedIssuer{ID: ti.id, Roles: slices.Clone(ti.roles)}
	if ti.url != nil {
		out.JWKSURL = ti.url.String()
	}
	if ti.jwks != nil {
		// Our copy was validated and cloned once; a clone of it cannot fail.
		if set, err := cloneSet(ti.jwks); err == nil {
			out.JWKS = set
		}
	}
	return out
}

// MarshalJSON writes the trust list in the format LoadTrustList reads.
func (t *TrustList) MarshalJSON() ([]byte, error) {
	type issuerOut struct {
		ID      string            `json:"id"`
		JWKS    jwk.Set           `json:"jwks,omitempty"`
		JWKSURL string            `json:"jwks_url,omitempty"`
		Roles   []hcxonboard.Role `json:"roles"`
	}
	out := struct {
		Issuers []issuerOut `json:"issuers"`
	}{Issuers: make([]issuerOut, 0, len(t.issuers))}
	for _, ti := range t.issuers {
		o := issuerOut{ID: ti.id, Roles: ti.roles, JWKS: ti.jwks}
		if ti.url != nil {
			o.JWKSURL = ti.url.String()
		}
		out.Issuers = append(out.Issuers, o)
	}
	return json.Marshal(out)
}
