package participant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// ErrUnknownKey is what a KeySource returns for a kid it does not hold.
// Any other error means the keys could not be loaded.
var ErrUnknownKey = errors.New("participant: unknown key")

// KeySource finds an operator's public key by kid. Implementations must
// be safe for concurrent use. StaticKeys, RemoteKeys and FileKeys are
// provided.
type KeySource interface {
	// LookupKey returns the key with kid, ErrUnknownKey when there is
	// none, or another error when the keys cannot be loaded.
	LookupKey(ctx context.Context, kid string) (jwk.Key, error)
}

// KeySourceFunc adapts a function to KeySource.
type KeySourceFunc func(ctx context.Context, kid string) (jwk.Key, error)

// LookupKey calls f.
func (f KeySourceFunc) LookupKey(ctx context.Context, kid string) (jwk.Key, error) {
	return f(ctx, kid)
}

// find returns the public form of the key with kid in set.
func find(set jwk.Set, kid string) (jwk.Key, error) {
	if set == nil || kid == "" {
		return nil, ErrUnknownKey
	}
	k, ok := set.LookupKeyID(kid)
	if !ok {
		return nil, ErrUnknownKey
	}
	pub, err := jwk.PublicKeyOf(k)
	if err != nil {
		return nil, fmt.Errorf("participant: key %q: %w", kid, err)
	}
	return pub, nil
}

// StaticKeys serves the keys of set, a JWKS the participant was given.
// Only keys with a kid are found; private members are never used.
func StaticKeys(set jwk.Set) KeySource {
	return KeySourceFunc(func(_ context.Context, kid string) (jwk.Key, error) { return find(set, kid) })
}

// Limits of RemoteKeys.
const (
	// RemoteRefresh is how long a fetched JWKS is used before it is
	// fetched again.
	RemoteRefresh = 15 * time.Minute
	// RemoteMinInterval is the least time between two fetches: an
	// unknown kid makes a fetch, but not more often than this, so that
	// callers cannot make the handler hammer the operator.
	RemoteMinInterval = 30 * time.Second
	// MaxJWKSBytes caps a fetched or read JWKS.
	MaxJWKSBytes = 256 << 10
)

// remoteFetchTimeout bounds a JWKS fetch, which does not end with the
// caller that started it.
const remoteFetchTimeout = 10 * time.Second

// remote is a JWKS fetched from an https URL.
type remote struct {
	url    string
	client *http.Client
	now    func() time.Time

	// fetching is held through a fetch, so that there is one at a time;
	// mu guards the fields below and is never held through a fetch, so
	// that a key the set holds is found while a fetch hangs.
	fetching  sync.Mutex
	mu        sync.Mutex
	set       jwk.Set
	fetchedAt time.Time
	triedAt   time.Time
}

// RemoteKeys fetches the operator's JWKS from jwksURL (https) through
// client, keeps it for RemoteRefresh, fetches again on an unknown kid
// (an operator's key rotation) but at most once every RemoteMinInterval,
// and goes on using the last good set while a fetch fails. A kid the
// fresh set holds is found at once, even while a fetch is under way.
func RemoteKeys(jwksURL string, client *http.Client) (KeySource, error) {
	u, err := url.Parse(jwksURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%w: JWKS URL must be an absolute https URL", ErrInvalidOption)
	}
	if client == nil {
		return nil, fmt.Errorf("%w: nil HTTP client for the JWKS", ErrInvalidOption)
	}
	return &remote{url: u.String(), client: client, now: time.Now}, nil
}

func (r *remote) LookupKey(ctx context.Context, kid string) (jwk.Key, error) {
	if k, ok := r.fresh(kid); ok {
		return k, nil
	}
	r.fetching.Lock()
	defer r.fetching.Unlock()
	r.mu.Lock()
	now := r.now()
	set := r.set
	if set != nil && now.Sub(r.fetchedAt) < RemoteRefresh {
		// The fetch this call waited for may have brought the key.
		if k, err := find(set, kid); err == nil {
			r.mu.Unlock()
			return k, nil
		}
	}
	if err := ctx.Err(); err != nil && set == nil {
		r.mu.Unlock()
		// The caller is gone: it makes no fetch, and so cannot keep the
		// operator's keys out for everyone else.
		return nil, fmt.Errorf("participant: JWKS not fetched: %w", err)
	}
	try := ctx.Err() == nil && (r.triedAt.IsZero() || now.Sub(r.triedAt) >= RemoteMinInterval)
	if try {
		r.triedAt = now
	}
	r.mu.Unlock()
	if try {
		// The fetch runs to its end even when the caller hangs up
		// meanwhile, and counts against the interval either way: callers
		// that hang up cannot make one fetch each, and what was fetched
		// serves everyone after them.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), remoteFetchTimeout)
		fetched, err := r.fetch(fctx)
		cancel()
		switch {
		case err == nil:
			r.mu.Lock()
			r.set, r.fetchedAt = fetched, now
			r.mu.Unlock()
			set = fetched
		case set == nil:
			return nil, err
		}
	}
	if set == nil {
		return nil, errors.New("participant: the operator's JWKS could not be fetched")
	}
	return find(set, kid)
}

// fresh finds kid in the set when the set is fresh, without waiting for a
// fetch.
func (r *remote) fresh(kid string) (jwk.Key, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil || r.now().Sub(r.fetchedAt) >= RemoteRefresh {
		return nil, false
	}
	k, err := find(r.set, kid)
	return k, err == nil
}

func (r *remote) fetch(ctx context.Context) (jwk.Set, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fmt.Errorf("participant: JWKS request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("participant: fetch JWKS: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("participant: fetch JWKS: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("participant: read JWKS: %w", err)
	}
	return parseJWKS(data)
}

func parseJWKS(data []byte) (jwk.Set, error) {
	if len(data) > MaxJWKSBytes {
		return nil, fmt.Errorf("participant: JWKS larger than %d bytes", MaxJWKSBytes)
	}
	set, err := jwk.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("participant: parse JWKS: %w", err)
	}
	return set, nil
}

// file is a JWKS read from a file.
type file struct {
	path string

	mu     sync.Mutex
	set    jwk.Set
	info   os.FileInfo // of the file the set was read from
	readAt time.Time   // when it was read
}

// fileTick is the coarsest modification-time resolution among the file
// systems a key set may live on (FAT keeps two seconds): a file read
// less than this after its modification time may have been written again
// since, at the same size, without its time changing.
const fileTick = 2 * time.Second

// FileKeys reads a JWKS from a file, and reads it again when a kid is
// unknown and the file has changed since. The file may appear later: a
// lookup before then is an error. This is how a participant trusts the
// throw-away key of the examples/readiness command during a self-test:
// that command writes its public key set to the file.
func FileKeys(path string) KeySource {
	return &file{path: path}
}

func (f *file) LookupKey(_ context.Context, kid string) (jwk.Key, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.set != nil {
		if k, err := find(f.set, kid); err == nil {
			return k, nil
		}
	}
	info, err := os.Stat(f.path)
	if err != nil {
		if f.set != nil {
			return nil, ErrUnknownKey
		}
		return nil, fmt.Errorf("participant: JWKS file: %w", err)
	}
	if f.changed(info) {
		readAt := time.Now()
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("participant: JWKS file: %w", err)
		}
		set, err := parseJWKS(data)
		if err != nil {
			if f.set != nil {
				return nil, ErrUnknownKey
			}
			return nil, err
		}
		f.set, f.info, f.readAt = set, info, readAt
	}
	return find(f.set, kid)
}

// changed reports whether the file, as info describes it now, may hold
// another key set than the one read: nothing read yet, another file put
// in its place (the self-test replaces it), another time or size, or a
// set read within a tick of the file's time, which a rewrite in that
// tick would not have changed. The last reads the file again on unknown
// kids only until a read comes a tick after the file's time.
func (f *file) changed(info os.FileInfo) bool {
	return f.set == nil || !os.SameFile(info, f.info) || !info.ModTime().Equal(f.info.ModTime()) ||
		info.Size() != f.info.Size() || f.readAt.Sub(info.ModTime()) < fileTick
}
