package safefetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// Sentinels for errors.Is. Every *Error matches exactly one of them.
var (
	// ErrRefused: the Fetcher would not fetch the URL: not https, not a
	// usable URL, or it leads to an address that is not public.
	ErrRefused = errors.New("safefetch: refused")
	// ErrFetch: the fetch was tried and failed: the host did not resolve
	// or answer, TLS failed, the answer was not 200, too large, too slow,
	// or redirected too often.
	ErrFetch = errors.New("safefetch: fetch failed")
)

// Kind says what went wrong, for callers that branch on more than
// ErrRefused and ErrFetch.
type Kind int

// The kinds of failure. The first three match ErrRefused, the others
// ErrFetch.
const (
	SchemeRefused     Kind = iota + 1 // not https
	URLRefused                        // not an absolute URL with a host, or it carries user information
	AddressRefused                    // the host is, or resolves to, an address that is not public
	NoSuchHost                        // the host name does not resolve
	ConnectionRefused                 // nothing listens there
	Unreachable                       // no route, reset, or another connection failure
	Timeout                           // the time cap (or a network timeout) passed
	TLSFailed                         // the handshake failed: certificate not trusted, not for the host …
	HTTPStatus                        // the final answer was not 200
	TooLarge                          // the body is over the size cap
	TooManyRedirects                  // more redirects than the cap
	BadResponse                       // the host did not give a usable HTTP answer
)

// Error is a failed fetch. Its text speaks only of what went wrong with
// the caller's own URL, in plain words: never an address, a port or a
// network error's text, which would let a caller map the operator's
// network. The raw cause is kept for logs (Cause).
type Error struct {
	Kind Kind
	// Status is the HTTP status code, for HTTPStatus.
	Status int
	// Limit is the cap that was passed, for TooLarge (bytes) and
	// TooManyRedirects (redirects).
	Limit int64

	detail string // a plainer reason than the kind's own, when there is one
	cause  error
}

// Error returns "safefetch: " and Reason.
func (e *Error) Error() string { return "safefetch: " + e.Reason() }

// Reason says what went wrong in plain words, for embedding in a message
// about the caller's input: "the host refused the connection".
func (e *Error) Reason() string {
	if e.detail != "" {
		return e.detail
	}
	switch e.Kind {
	case SchemeRefused:
		return "only https URLs are fetched"
	case URLRefused:
		return "is not an absolute https URL with a host name"
	case AddressRefused:
		return "the address is not allowed (not a public internet address)"
	case NoSuchHost:
		return "the host name does not resolve"
	case ConnectionRefused:
		return "the host refused the connection"
	case Unreachable:
		return "the host could not be reached"
	case Timeout:
		return "timed out"
	case TLSFailed:
		return "TLS handshake failed"
	case HTTPStatus:
		return fmt.Sprintf("answered HTTP %d", e.Status)
	case TooLarge:
		return fmt.Sprintf("the response is larger than %d bytes", e.Limit)
	case TooManyRedirects:
		return fmt.Sprintf("too many redirects (more than %d)", e.Limit)
	default:
		return "the host did not give a usable HTTP answer"
	}
}

// Cause returns the underlying error, for the operator's logs only: it
// may name addresses and ports. It is not returned by Unwrap, so that
// errors.Is and errors.As see only this package's sentinels.
func (e *Error) Cause() error { return e.cause }

// Is makes errors.Is(err, ErrRefused) or errors.Is(err, ErrFetch) true.
func (e *Error) Is(target error) bool {
	switch e.Kind {
	case SchemeRefused, URLRefused, AddressRefused:
		return target == ErrRefused
	default:
		return target == ErrFetch
	}
}

// refused is the error for an address that is not public. cause names
// it, for the logs.
func refused(cause error) *Error { return &Error{Kind: AddressRefused, cause: cause} }

// classify turns a transport error into an *Error. timer is the context
// carrying the Fetcher's time cap: when it has passed, the failure is a
// timeout whatever the transport says.
func classify(err error, timer context.Context) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	e := &Error{Kind: BadResponse, cause: err}
	var (
		host    x509.HostnameError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		alert   tls.AlertError
		verify  *tls.CertificateVerificationError
		ne      net.Error
		dns     *net.DNSError
	)
	switch {
	case timer != nil && errors.Is(timer.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		e.Kind = Timeout
	case errors.As(err, &host):
		e.Kind, e.detail = TLSFailed, "TLS handshake failed: certificate not valid for the host"
	case errors.As(err, &unknown):
		e.Kind, e.detail = TLSFailed, "TLS handshake failed: certificate not issued by a trusted authority"
	case errors.As(err, &invalid):
		e.Kind = TLSFailed
		e.detail = "TLS handshake failed: certificate not valid"
		if invalid.Reason == x509.Expired {
			e.detail = "TLS handshake failed: certificate expired or not yet valid"
		}
	case errors.As(err, &verify):
		e.Kind, e.detail = TLSFailed, "TLS handshake failed: certificate not accepted"
	case errors.As(err, &record):
		e.Kind, e.detail = TLSFailed, "TLS handshake failed: the host does not speak TLS there"
	case errors.As(err, &alert):
		e.Kind = TLSFailed
	case errors.As(err, &dns):
		e.Kind = NoSuchHost
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = ConnectionRefused
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.detail = "the host closed the connection without a complete answer"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTDOWN):
		e.Kind = Unreachable
	case errors.As(err, new(*net.OpError)):
		e.Kind = Unreachable
	}
	return e
}
