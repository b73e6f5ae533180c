// Package safefetch is the one way the operator fetches a URL that came
// from outside: a certificate URL an applicant gives in step 3, a sandbox
// operator's jwks_url. Such a URL must not make the operator's server
// connect to itself, to its private network or to a cloud metadata
// service, and the answer must not tell the caller what lives there.
//
// A Fetcher:
//
//   - fetches https URLs only, with no user information, and no proxy
//     from the environment;
//   - checks every address it is about to connect to at dial time: the
//     host name is resolved once, every address it resolves to must be a
//     public internet address (see IsPublic), and the connection is made
//     to the checked address, so a DNS answer that changes between a
//     check and the connection (DNS rebinding) cannot slip through;
//   - follows at most a few redirects (DefaultMaxRedirects), each again
//     https and checked at dial time;
//   - caps the body (DefaultMaxBytes) and the time (DefaultTimeout);
//   - reports failures as an *Error whose text says what went wrong in
//     plain words ("the host refused the connection", "answered HTTP
//     404") and never carries an address, a port or a raw network error.
//     The raw cause is kept for logs, behind Error.Cause.
//
// Operators may allow listed internal hosts (WithAllowedHosts) for their
// own test rigs; tests resolve names with WithResolver and trust a test CA
// with WithRootCAs.
//
// Get fetches a body; Client hands the same guard to code that wants an
// *http.Client.
package safefetch
