package hfr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Token lifetimes: the gateway answers expiresIn (1200 s observed); a
// token is used until a minute before it ends. A missing expiresIn is taken
// as the observed 1200 s.
const (
	defaultTokenLife = 1200 * time.Second
	tokenMargin      = 60 * time.Second
)

// refreshCall is one session request that concurrent callers share.
type refreshCall struct {
	done  chan struct{}
	token string
	err   error
}

// accessToken returns a valid session token, opening a session when there
// is none. Concurrent callers share one session request; each waits for it
// only as long as its own context allows.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return "", ErrClosed
	}
	if c.token != "" && c.now().Before(c.tokenExp) {
		t := c.token
		c.mu.Unlock()
		return t, nil
	}
	rc := c.inflight
	if rc == nil {
		rc = &refreshCall{done: make(chan struct{})}
		c.inflight = rc
		c.wg.Add(1)
		// The refresh runs under the client's lifetime, not the first
		// caller's context: one impatient caller must not fail the others.
		go c.refresh(rc)
	}
	c.mu.Unlock()
	select {
	case <-rc.done:
		return rc.token, rc.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *Client) refresh(rc *refreshCall) {
	defer c.wg.Done()
	token, exp, err := c.openSession(c.life)
	c.mu.Lock()
	if err == nil && !c.closed {
		c.token, c.tokenExp = token, exp
	}
	c.inflight = nil
	c.mu.Unlock()
	rc.token, rc.err = token, err
	close(rc.done)
}

// dropToken forgets token if it is still the current one, so that a late
// 401 for an old token does not discard a fresh one.
func (c *Client) dropToken(token string) {
	c.mu.Lock()
	if c.token == token {
		c.token = ""
	}
	c.mu.Unlock()
}

type sessionRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	GrantType    string `json:"grantType,omitempty"`
}

type sessionResponse struct {
	AccessToken string     `json:"accessToken"`
	ExpiresIn   flexString `json:"expiresIn"`
	envelope
}

// openSession asks the gateway for a token and returns it with the time
// to stop using it.
func (c *Client) openSession(ctx context.Context) (string, time.Time, error) {
	req := sessionRequest{ClientID: c.clientID, ClientSecret: c.clientSecret}
	if c.sessionAPI == V3 {
		req.GrantType = "client_credentials"
	}
	body, err := json.Marshal(req)
	if err != nil {
		return "", time.Time{}, err
	}
	start := c.now()
	rep, err := c.do(ctx, &call{
		op:     "gateway session",
		method: http.MethodPost,
		url:    c.sessionURL,
		body:   body,
		retry:  true,
	})
	if err != nil {
		if errors.Is(err, context.Canceled) && c.life.Err() != nil {
			return "", time.Time{}, ErrClosed
		}
		return "", time.Time{}, err
	}
	var res sessionResponse
	if err := c.decode(rep, &res); err != nil {
		return "", time.Time{}, err
	}
	if res.AccessToken == "" {
		return "", time.Time{}, fmt.Errorf("%w: no accessToken in the answer", ErrUnexpectedResponse)
	}
	return res.AccessToken, start.Add(tokenUse(string(res.ExpiresIn))), nil
}

// tokenUse is how long a token with the given expiresIn is used: until a
// minute before it ends, or half its life if that is short.
func tokenUse(expiresIn string) time.Duration {
	life := defaultTokenLife
	if n, err := strconv.ParseInt(expiresIn, 10, 64); err == nil && n > 0 && n < int64(365*24*time.Hour/time.Second) {
		life = time.Duration(n) * time.Second
	}
	if life <= 2*tokenMargin {
		return life / 2
	}
	return life - tokenMargin
}
