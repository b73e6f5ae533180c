package credential

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// jwksMaxAge is how long clients may cache the key set. After a rotation
// the new key is used at once, so a verifier with a stale set fetches again
// on the unknown kid; the old key stays published (WithPreviousKeys) for
// its tokens' lifetime.
const jwksMaxAge = 5 * time.Minute

func (t *Tokens) buildJWKS() error {
	set := t.JWKS()
	data, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("credential: encode JWKS: %w", err)
	}
	sum := sha256.Sum256(data)
	t.jwksJSON = data
	t.jwksETag = `"` + hex.EncodeToString(sum[:12]) + `"`
	return nil
}

// JWKS returns the public keys tokens are verified with, the signing key
// first, then the previous keys, each with kid, alg and use "sig". The set
// holds public members only and is a fresh copy: changing it changes
// nothing here.
func (t *Tokens) JWKS() jwk.Set {
	set := jwk.NewSet()
	for _, k := range t.ordered {
		// Neither call can fail: the key was built and checked by loadKey,
		// and kids are distinct.
		if c, err := k.jwk.Clone(); err == nil {
			_ = set.AddKey(c)
		}
	}
	return set
}

// JWKSHandler serves JWKS as application/json to GET and HEAD (other
// methods get 405), with Cache-Control and an ETag so clients revalidate
// cheaply. The body is encoded once, when the Tokens is built.
func (t *Tokens) JWKSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(jwksMaxAge/time.Second)))
		h.Set("ETag", t.jwksETag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(t.jwksJSON))
	})
}
