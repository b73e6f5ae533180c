package safefetch

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Fetcher fetches URLs that came from outside without letting them reach
// addresses that are not public. It is safe for concurrent use; make one
// and share it, so that connections are reused.
type Fetcher struct {
	cfg    config
	client *http.Client
}

// New returns a Fetcher. With no options: https only, public addresses
// only, DefaultTimeout, DefaultMaxBytes, DefaultMaxRedirects, the
// system's resolver and certificate authorities, no proxy.
func New(opts ...Option) (*Fetcher, error) {
	f := &Fetcher{cfg: config{
		timeout:      DefaultTimeout,
		maxBytes:     DefaultMaxBytes,
		maxRedirects: DefaultMaxRedirects,
		resolver:     net.DefaultResolver,
	}}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("safefetch: nil option")
		}
		if err := o(&f.cfg); err != nil {
			return nil, err
		}
	}
	d := &dialer{resolver: f.cfg.resolver, allowed: f.cfg.allowed}
	tr := &http.Transport{
		Proxy:                  nil, // never a proxy from the environment
		DialContext:            d.dial,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: f.cfg.roots},
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    f.cfg.timeout,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	f.client = &http.Client{
		Transport:     &guard{f: f, next: tr},
		CheckRedirect: f.checkRedirect,
	}
	return f, nil
}

// Client returns an *http.Client that sends through f's guard: https
// only, addresses checked at dial time, redirects capped and checked,
// each request and its body bounded by the timeout, bodies capped at the
// size limit. Its errors (inside *url.Error) are *Error, or the request
// context's own error when the caller gave up. Each call returns a new
// Client sharing f's connections; changing it does not change f.
func (f *Fetcher) Client() *http.Client {
	c := *f.client
	return &c
}

// FromClient returns the Fetcher whose Client c is, if it is one, so
// that code handed an *http.Client can tell a guarded one.
func FromClient(c *http.Client) (*Fetcher, bool) {
	if c == nil {
		return nil, false
	}
	g, ok := c.Transport.(*guard)
	if !ok {
		return nil, false
	}
	return g.f, true
}

// Get fetches rawURL and returns its body, which must come with status
// 200 and fit the size cap. A failure is an *Error (matching ErrRefused or
// ErrFetch), or ctx's own error when ctx ended first.
func (f *Fetcher) Get(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Kind: URLRefused, cause: withoutURL(err)}
	}
	if err := checkURL(u); err != nil {
		return nil, err
	}
	timer, cancel := context.WithTimeout(ctx, f.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(timer, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: URLRefused, cause: withoutURL(err)}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, outcome(ctx, timer, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Kind: HTTPStatus, Status: resp.StatusCode}
	}
	if resp.ContentLength > f.cfg.maxBytes {
		return nil, &Error{Kind: TooLarge, Limit: f.cfg.maxBytes}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, outcome(ctx, timer, err)
	}
	return body, nil
}

// outcome names a failure of Get: ctx's error when the caller gave up,
// else an *Error.
func outcome(ctx, timer context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return classify(withoutURL(err), timer)
}

// withoutURL takes off the *url.Error around err, which quotes the URL:
// its query and user information may carry a signature, a token or a
// password, and a cause goes to the operator's logs.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// checkURL is the rule for every URL fetched, redirects included.
func checkURL(u *url.URL) *Error {
	switch {
	case u.Scheme != "https":
		return &Error{Kind: SchemeRefused}
	case u.Host == "" || u.Hostname() == "" || u.Opaque != "":
		return &Error{Kind: URLRefused}
	case u.User != nil:
		return &Error{Kind: URLRefused, detail: "URLs carrying user information are not fetched"}
	}
	return nil
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.maxRedirects {
		return &Error{Kind: TooManyRedirects, Limit: int64(f.cfg.maxRedirects)}
	}
	if err := checkURL(req.URL); err != nil {
		if err.Kind == SchemeRefused {
			err.detail = "was redirected to a URL that is not https; only https URLs are fetched"
		}
		return err
	}
	return nil
}

// guard is the RoundTripper of every request f sends: it checks the URL,
// puts the time cap on the request and its body, caps the body, and
// turns every failure into an *Error.
type guard struct {
	f    *Fetcher
	next http.RoundTripper
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkURL(req.URL); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	parent := req.Context()
	timer, cancel := context.WithTimeout(parent, g.f.cfg.timeout)
	resp, err := g.next.RoundTrip(req.WithContext(timer))
	if err != nil {
		defer cancel()
		if perr := parent.Err(); perr != nil {
			return nil, perr
		}
		return nil, classify(err, timer)
	}
	resp.Body = &body{rc: resp.Body, left: g.f.cfg.maxBytes, limit: g.f.cfg.maxBytes,
		parent: parent, timer: timer, cancel: cancel}
	return resp, nil
}

// body caps a response body, ends the time cap when closed, and reports
// read failures as *Error.
type body struct {
	rc     io.ReadCloser
	left   int64
	limit  int64
	parent context.Context
	timer  context.Context
	cancel context.CancelFunc
	err    error
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		b.err = &Error{Kind: TooLarge, Limit: b.limit}
		return n, b.err
	}
	b.left -= int64(n)
	if err == nil {
		return n, nil
	}
	// A body cut short by the time cap can end in a plain io.EOF, so an
	// end is only an end while the time lasts.
	switch {
	case b.parent.Err() != nil:
		b.err = b.parent.Err()
	case b.timer.Err() != nil:
		b.err = &Error{Kind: Timeout, cause: err}
	case err == io.EOF:
		return n, err
	default:
		b.err = classify(err, b.timer)
	}
	return n, b.err
}

func (b *body) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
