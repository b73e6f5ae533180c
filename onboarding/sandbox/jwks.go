package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/safefetch"
)

// Timing of jwks_url fetches.
const (
	defaultJWKSTTL = 10 * time.Minute
	// kidRefresh is the least time between fetches caused by a kid the
	// cached set lacks, so random kids cannot make us hammer an issuer.
	kidRefresh = time.Minute
	// failureBackoff is how long a failed fetch is remembered before the
	// next certificate may try again.
	failureBackoff = 5 * time.Second
	// fetchTimeout bounds one fetch, which runs detached from any single
	// caller's context so that one impatient caller cannot fail the others.
	fetchTimeout = 30 * time.Second
)

// remoteKeys caches the key set of one jwks_url issuer.
type remoteKeys struct {
	issuer string
	url    *url.URL

	mu        sync.Mutex
	keys      []publicKey
	fetchedAt time.Time
	failure   error
	failedAt  time.Time
	call      *fetchCall // the fetch in flight, if any
}

type fetchCall struct {
	done chan struct{}
	keys []publicKey
	err  error
}

// keysFor returns the issuer's keys, fetching them when the cache is empty,
// older than the TTL, or lacks kid (at most once per kidRefresh).
// Concurrent callers share one fetch.
func (v *Verifier) keysFor(ctx context.Context, r *remoteKeys, kid string) ([]publicKey, error) {
	now := v.now()
	r.mu.Lock()
	if r.keys != nil && now.Sub(r.fetchedAt) < v.ttl {
		if kid == "" || hasKID(r.keys, kid) || now.Sub(r.fetchedAt) < min(kidRefresh, v.ttl) {
			keys := r.keys
			r.mu.Unlock()
			return keys, nil
		}
	}
	if r.call == nil && r.failure != nil && now.Sub(r.failedAt) < failureBackoff {
		err := r.failure
		r.mu.Unlock()
		return nil, err
	}
	c := r.call
	if c == nil {
		c = &fetchCall{done: make(chan struct{})}
		r.call = c
		go v.runFetch(context.WithoutCancel(ctx), r, c)
	}
	r.mu.Unlock()

	select {
	case <-c.done:
		return c.keys, c.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: sandbox operator %q: waiting for its key set: %w", ErrKeysUnavailable, clip(r.issuer), ctx.Err())
	}
}

func (v *Verifier) runFetch(ctx context.Context, r *remoteKeys, c *fetchCall) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	keys, err := v.fetch(ctx, r)
	if err != nil {
		// No URL in the text: it reaches applicants (as the reason a
		// certificate check is pending), and the URL is the operator's.
		err = fmt.Errorf("%w: sandbox operator %q: %w", ErrKeysUnavailable, clip(r.issuer), err)
	}
	now := v.now()
	r.mu.Lock()
	if err != nil {
		r.failure, r.failedAt = err, now
	} else {
		r.keys, r.fetchedAt, r.failure = keys, now, nil
	}
	r.call = nil
	r.mu.Unlock()
	c.keys, c.err = keys, err
	close(c.done)
}

// fetch downloads and checks the key set. Its errors carry no response
// body: a body is attacker-influenced and may be large. Through the
// default fetcher they carry no address or network error either.
func (v *Verifier) fetch(ctx context.Context, r *remoteKeys) ([]publicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, query included
		}
		return nil, fetchFailure(err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxJWKSSize))
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSSize+1))
	var fe *safefetch.Error
	switch {
	case errors.As(err, &fe) && fe.Kind == safefetch.TooLarge:
		return nil, fmt.Errorf("%w: key set is more than %d bytes", hcxonboard.ErrTooLarge, fe.Limit)
	case err != nil:
		// Failing before or after the headers is one failure to fetch:
		// a timeout reads the same whenever it strikes.
		return nil, fetchFailure(err)
	}
	if len(body) > MaxJWKSSize {
		return nil, fmt.Errorf("%w: key set is more than %d bytes", hcxonboard.ErrTooLarge, MaxJWKSSize)
	}
	set, err := parseJWKS(body)
	if err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	keys, err := publicKeysFrom(set)
	if err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	return keys, nil
}

// fetchFailure words a failed fetch: a *safefetch.Error by its reason
// ("the host refused the connection"), still matching it and its
// sentinels; anything else (from a WithHTTPClient client) as it is.
func fetchFailure(err error) error {
	var fe *safefetch.Error
	if errors.As(err, &fe) {
		return &keySetError{fe}
	}
	return err
}

// keySetError is a failed key-set fetch.
type keySetError struct{ fe *safefetch.Error }

func (e *keySetError) Error() string { return "fetching the key set: " + e.fe.Reason() }
func (e *keySetError) Unwrap() error { return e.fe }

func hasKID(keys []publicKey, kid string) bool {
	return slices.ContainsFunc(keys, func(k publicKey) bool { return k.kid == kid })
}

// guardRedirects returns a copy of c that refuses redirects to plain http
// (unless allowed) and chains of more than 3.
func guardRedirects(c *http.Client, allowHTTP bool) *http.Client {
	cp := *c
	next := c.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" && !(allowHTTP && req.URL.Scheme == "http") {
			return fmt.Errorf("redirect to a %q URL refused", req.URL.Scheme)
		}
		if len(via) > 3 { // via holds the request and the redirects so far
			return errors.New("more than 3 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &cp
}
