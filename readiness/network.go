package readiness

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/idna"

	"github.com/openhcx/hcxonboard/safefetch"
)

// userAgent names the Checker in the participant's logs.
const userAgent = "hcxonboard-readiness/1"

// attempt is one challenge sent and what came of it.
type attempt struct {
	jti, nonce, sealed string // the attempt's own; sealed is the encrypted nonce's plaintext

	results []Result // the network checks decided, and challenge when refused
	answer  *Answer  // a 200 answer, parsed
	retry   bool     // failed for a reason that may pass
}

// exchange sends one challenge to u and judges the network checks.
func (c *Checker) exchange(ctx context.Context, u *url.URL, s *scene, enc *rsa.PublicKey) *attempt {
	a := &attempt{}
	token, err := c.challenge(a, s.target.ParticipantCode, enc)
	if err != nil {
		// The operator's own failure: nothing was sent.
		a.results = append(a.results, operatorFailure())
		return a
	}
	s.jti = a.jti
	body, err := json.Marshal(Request{Challenge: token})
	if err != nil {
		a.results = append(a.results, operatorFailure())
		return a
	}

	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tr := &tracer{clock: c.clock}
	start := c.clock()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, tr.hooks()), http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		a.results = append(a.results, Result{Check: CheckEndpointURL, Outcome: Failed, Problem: ProblemInvalidTarget,
			Message: "endpoint_url cannot be requested", Hint: "Register an absolute https URL, such as https://hcx.hospital.example/api."})
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)

	resp, err := c.post.Do(req)
	if err != nil {
		f := classify(ctx, err, tr.snapshot(), c.clock())
		a.retry = f.retry
		a.results = append(a.results, tr.snapshot().passedBefore(f.stage, s)...)
		r := Result{Check: f.stage, Outcome: Failed, Problem: f.problem,
			Message: f.message, Hint: f.hintFor(s), DurationMS: tr.snapshot().duration(f.stage, start, c.clock())}
		if f.leaf != nil {
			na := f.leaf.NotAfter.UTC()
			r.NotAfter = &na
		}
		a.results = append(a.results, r)
		return a
	}
	defer func() { _ = resp.Body.Close() }()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	end := c.clock()
	t := tr.snapshot()
	a.results = append(a.results, t.passedBefore(CheckTLS, s)...)
	tlsRes := judgeTLS(resp.TLS, s, end)
	tlsRes.DurationMS = t.duration(CheckTLS, start, end)
	a.results = append(a.results, tlsRes)

	httpRes, refusal := judgeHTTP(resp, data, readErr, s)
	httpRes.DurationMS = t.duration(CheckHTTP, start, end)
	a.results = append(a.results, httpRes)
	switch {
	case refusal != nil:
		a.results = append(a.results, *refusal)
		a.retry = refusal.Problem == ProblemOperatorKeys
	case httpRes.Outcome == Failed:
		a.retry = retryStatus(resp.StatusCode) || (httpRes.Problem == ProblemBadAnswer || httpRes.Problem == ProblemTimeout) && readErr != nil
	default:
		var ans Answer
		if err := json.Unmarshal(data, &ans); err == nil {
			a.answer = &ans
		}
	}
	return a
}

// operatorFailure is the result when the operator could not even build
// its challenge (no randomness, a signer that fails).
func operatorFailure() Result {
	return Result{Check: CheckChallenge, Outcome: Failed, Problem: ProblemOperator,
		Message: "the operator could not build the challenge", Hint: "The fault is the operator's, not the endpoint's: ask the operator to run the check again."}
}

// retryStatus reports whether an HTTP status may pass on its own.
func retryStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// judgeTLS checks the connection's TLS on top of what the client
// checked: the version, that the chain was verified at all, the host
// name and the validity window.
func judgeTLS(state *tls.ConnectionState, s *scene, now time.Time) Result {
	r := Result{Check: CheckTLS}
	fail := func(p Problem, msg string) Result {
		r.Outcome, r.Problem, r.Message, r.Hint = Failed, p, msg, hint(p, CheckTLS, s)
		return r
	}
	if state == nil {
		return fail(ProblemTLSHandshake, "the answer did not come over TLS")
	}
	r.TLSVersion = tls.VersionName(state.Version)
	if state.Version < tls.VersionTLS12 {
		return fail(ProblemTLSVersion, fmt.Sprintf("the host speaks %s; TLS 1.2 or newer is required", r.TLSVersion))
	}
	if len(state.PeerCertificates) == 0 {
		return fail(ProblemTLSUntrusted, "the host sent no certificate")
	}
	leaf := state.PeerCertificates[0]
	na := leaf.NotAfter.UTC()
	r.NotAfter = &na
	if len(state.VerifiedChains) == 0 {
		return fail(ProblemTLSUntrusted, "the certificate chain was not verified (the operator's HTTP client skips verification)")
	}
	host := s.host
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a // bücher.example: the certificate names xn--bcher-kva.example, as the handshake read it
	}
	if err := leaf.VerifyHostname(host); err != nil {
		return fail(ProblemTLSCertificateHost, certHostMessage(leaf, s.host))
	}
	switch certWindow(leaf, now) {
	case notYetValid:
		r = fail(ProblemTLSCertificateExpired, notYetValidMessage("the certificate of "+s.host, leaf))
		r.Hint = notYetValidTLSHint(s.host, leaf)
		return r
	case expired:
		return fail(ProblemTLSCertificateExpired, expiredMessage("the certificate of "+s.host, leaf))
	}
	r.Outcome = Passed
	r.Message = fmt.Sprintf("%s; the certificate of %s is trusted and valid until %s", r.TLSVersion, s.host, day(leaf.NotAfter))
	if leaf.NotAfter.Sub(now) < ExpiryWarning {
		r.Hint = fmt.Sprintf("The TLS certificate of %s expires on %s: renew it before then.", s.host, day(leaf.NotAfter))
	}
	return r
}

// certHostMessage says which names a certificate is for.
func certHostMessage(leaf *x509.Certificate, host string) string {
	names := slices.Clone(leaf.DNSNames)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) > 3 {
		names = append(names[:3:3], "…")
	}
	if len(names) == 0 {
		return fmt.Sprintf("the certificate is not issued for %s", host)
	}
	return fmt.Sprintf("the certificate is not issued for %s but for %s", host, clip(fmt.Sprint(names)))
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// moment names the instant a certificate becomes valid: to the second,
// since a certificate issued with a clock ahead may start later today.
func moment(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// window is where a time lies against a certificate's validity period.
type window int

const (
	valid window = iota
	notYetValid
	expired
)

// certWindow places now against c's NotBefore and NotAfter.
func certWindow(c *x509.Certificate, now time.Time) window {
	switch {
	case now.Before(c.NotBefore):
		return notYetValid
	case now.After(c.NotAfter):
		return expired
	}
	return valid
}

// expiredMessage says that what (“the certificate of host”) has expired.
func expiredMessage(what string, c *x509.Certificate) string {
	return fmt.Sprintf("%s expired on %s (it was valid from %s)", what, day(c.NotAfter), day(c.NotBefore))
}

// notYetValidMessage says that what is not valid yet, and from when.
func notYetValidMessage(what string, c *x509.Certificate) string {
	return fmt.Sprintf("%s is not valid until %s (it is valid from then to %s)", what, moment(c.NotBefore), day(c.NotAfter))
}

// notYetValidTLSHint is the hint for an endpoint certificate whose
// validity has not begun: renewing is no remedy, the start date is.
func notYetValidTLSHint(host string, c *x509.Certificate) string {
	return fmt.Sprintf("The TLS certificate of %s is not valid until %s: it was issued with a start date in the future, or installed before it. "+
		"Check the clock of the server that requested it and ask the issuing CA whether its start date is right (reissue it if not), "+
		"or wait until then and check again, serving a certificate that is valid now meanwhile.", host, moment(c.NotBefore))
}

// judgeHTTP judges the answer's status and body. A refusal by the
// readiness handler itself (its ErrorBody with a known code) passes http —
// the handler is there — and comes back as the failed challenge result.
func judgeHTTP(resp *http.Response, data []byte, readErr error, s *scene) (Result, *Result) {
	r := Result{Check: CheckHTTP, HTTPStatus: resp.StatusCode}
	fail := func(p Problem, msg string) (Result, *Result) {
		r.Outcome, r.Problem, r.Message = Failed, p, msg
		r.Hint = hint(p, CheckHTTP, s)
		if p == ProblemHTTPStatus {
			r.Hint = statusHint(resp.StatusCode, s)
		}
		return r, nil
	}
	if readErr != nil {
		var fe *safefetch.Error
		var ne net.Error
		switch {
		case errors.As(readErr, &fe) && fe.Kind == safefetch.TooLarge:
			return fail(ProblemBadAnswer, fmt.Sprintf("the answer is larger than %d bytes", MaxBodyBytes))
		case errors.As(readErr, &fe) && fe.Kind == safefetch.Timeout,
			errors.Is(readErr, context.DeadlineExceeded), errors.As(readErr, &ne) && ne.Timeout():
			// The handler answered, then took too long to send the rest.
			return fail(ProblemTimeout, "the endpoint did not answer in time: its answer began but did not finish")
		}
		return fail(ProblemBadAnswer, "the answer was cut short")
	}
	if len(data) > MaxBodyBytes {
		return fail(ProblemBadAnswer, fmt.Sprintf("the answer is larger than %d bytes", MaxBodyBytes))
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		// 200, as the handler answers; any success status will do (a
		// framework that answers HCX calls 202 Accepted may answer this
		// one so too): the answer is judged by what it proves.
		var ans Answer
		if err := json.Unmarshal(data, &ans); err != nil || ans.ID == "" {
			return fail(ProblemBadAnswer, fmt.Sprintf("HTTP %d, but the body is not the readiness handler's answer", code))
		}
		r.Outcome, r.Message = Passed, fmt.Sprintf("POST %s answered HTTP %d", s.url, code)
		return r, nil
	case code >= 300 && code < 400:
		msg := fmt.Sprintf("POST %s answered HTTP %d, a redirect", s.url, code)
		if loc, err := resp.Location(); err == nil {
			loc.RawQuery, loc.Fragment, loc.User = "", "", nil
			msg += " to " + clip(loc.String())
		}
		return fail(ProblemRedirect, msg)
	}
	var eb ErrorBody
	isJSON := json.Unmarshal(data, &eb) == nil
	if isJSON {
		if p, ok := refusalProblem(eb.Error); ok {
			r.Outcome = Passed
			r.Message = fmt.Sprintf("the readiness handler at %s answered HTTP %d", s.url, resp.StatusCode)
			msg := "the endpoint refused the challenge (" + string(eb.Error) + ")"
			if eb.Message != "" {
				msg += ": " + clip(eb.Message)
			}
			return r, &Result{Check: CheckChallenge, Outcome: Failed, Problem: p, Message: msg, Hint: hint(p, CheckChallenge, s)}
		}
	}
	msg := fmt.Sprintf("POST %s answered HTTP %d", s.url, resp.StatusCode)
	if isJSON && eb.Error != "" {
		// A JSON error of the endpoint's own: its words say which part
		// refused, and why.
		msg += fmt.Sprintf(" with the error %q", clip(string(eb.Error)))
		if eb.Message != "" {
			msg += ": " + clip(eb.Message)
		}
	}
	return fail(ProblemHTTPStatus, msg)
}

// refusalProblem maps a handler's refusal to a problem.
func refusalProblem(code ErrorCode) (Problem, bool) {
	switch code {
	case CodeUnknownIssuer, CodeUnknownKey, CodeBadSignature:
		return ProblemOperatorNotTrusted, true
	case CodeKeysUnavailable:
		return ProblemOperatorKeys, true
	case CodeWrongAudience:
		return ProblemWrongParticipant, true
	case CodeExpired, CodeNotYetValid:
		return ProblemClockSkew, true
	case CodeReplay:
		return ProblemReplay, true
	case CodeInternal:
		return ProblemHandlerFailed, true
	case CodeBadRequest, CodeUnsupported:
		return ProblemRefused, true
	}
	return "", false
}

// failure is a transport error, placed at the stage it stopped.
type failure struct {
	stage   Check
	problem Problem
	message string
	retry   bool
	// hint, when set, replaces the problem's usual hint: a certificate
	// that is not valid yet is reported as tls_certificate_expired but
	// must not be told to renew.
	hint func(*scene) string
	// leaf is the endpoint's certificate, when the handshake got it: its
	// expiry is the tls check's detail.
	leaf *x509.Certificate
}

// hintFor is the failure's hint for scene s.
func (f failure) hintFor(s *scene) string {
	if f.hint != nil {
		return f.hint(s)
	}
	return hint(f.problem, f.stage, s)
}

// classify places a transport error. It reads *safefetch.Error kinds,
// and the raw errors of any other client, and never puts an address or a
// raw error's text in the message.
func classify(ctx context.Context, err error, t trace, now time.Time) failure {
	stage := t.stage()
	if ctx.Err() != nil {
		return failure{stage: stage, problem: ProblemCanceled, message: "the check was stopped before the endpoint answered"}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var fe *safefetch.Error
	if errors.As(err, &fe) {
		switch fe.Kind {
		case safefetch.SchemeRefused, safefetch.URLRefused:
			return failure{stage: CheckEndpointURL, problem: ProblemInvalidTarget, message: "endpoint_url " + fe.Reason()}
		case safefetch.AddressRefused:
			return failure{stage: CheckConnect, problem: ProblemAddressNotPublic, message: "the host name resolves to an address that is not a public internet address"}
		case safefetch.NoSuchHost:
			return dnsFailure(fe.Cause())
		case safefetch.ConnectionRefused:
			return failure{stage: CheckConnect, problem: ProblemConnectionRefused, message: "the host refused the connection", retry: true}
		case safefetch.Timeout:
			return timeout(stage)
		case safefetch.TLSFailed:
			if f, ok := tlsFailure(fe.Cause(), now); ok {
				return f
			}
			return failure{stage: CheckTLS, problem: ProblemTLSHandshake, message: fe.Reason()}
		case safefetch.TooLarge:
			return failure{stage: CheckHTTP, problem: ProblemBadAnswer, message: fmt.Sprintf("the answer is larger than the operator's cap (%d bytes)", fe.Limit)}
		case safefetch.TooManyRedirects:
			return failure{stage: CheckHTTP, problem: ProblemRedirect, message: "the endpoint redirects"}
		}
		// Unreachable, BadResponse: judged by the cause, like any client's.
		if c := fe.Cause(); c != nil {
			err = c
		}
	}
	if f, ok := tlsFailure(err, now); ok {
		return f
	}
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return timeout(stage)
	case errors.As(err, &dns):
		return dnsFailure(dns)
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure{stage: CheckConnect, problem: ProblemConnectionRefused, message: "the host refused the connection", retry: true}
	case stage == CheckTLS:
		return failure{stage: CheckTLS, problem: ProblemTLSHandshake, message: "the connection failed during the TLS handshake", retry: true}
	case stage == CheckHTTP:
		return failure{stage: CheckHTTP, problem: ProblemBadAnswer, message: "the host closed the connection without a complete answer", retry: true}
	}
	return failure{stage: CheckConnect, problem: ProblemUnreachable, message: "the host could not be reached", retry: true}
}

// dnsFailure places a failed name lookup: a name that does not exist,
// or name servers that failed to answer for it (SERVFAIL: a lame
// delegation, broken DNSSEC), which may pass and is retried. The
// resolver's own text, which names addresses, is not repeated.
func dnsFailure(err error) failure {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsTemporary && !dns.IsNotFound {
		return failure{stage: CheckDNS, problem: ProblemDNS, retry: true,
			message: "the host name's name servers failed to answer for it (a DNS server failure, such as SERVFAIL)",
			hint: func(s *scene) string {
				return fmt.Sprintf("The name servers of %s failed to answer for it: check the domain's delegation, that each of its name servers answers for it, "+
					"and, if the zone is signed, its DNSSEC records (DS and signatures). The HCX resolves names from the internet.", s.host)
			}}
	}
	return failure{stage: CheckDNS, problem: ProblemDNS, message: "the host name does not resolve"}
}

func timeout(stage Check) failure {
	msg := map[Check]string{
		CheckDNS:     "resolving the host name timed out",
		CheckConnect: "connecting timed out",
		CheckTLS:     "the TLS handshake timed out",
		CheckHTTP:    "the endpoint did not answer in time",
	}[stage]
	return failure{stage: stage, problem: ProblemTimeout, message: msg, retry: true}
}

// tlsFailure places a TLS error, if err is one.
func tlsFailure(err error, now time.Time) (failure, bool) {
	if err == nil {
		return failure{}, false
	}
	var (
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		unknown x509.UnknownAuthorityError
		verify  *tls.CertificateVerificationError
		record  tls.RecordHeaderError
	)
	f := failure{stage: CheckTLS}
	if errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0 {
		f.leaf = verify.UnverifiedCertificates[0]
	}
	switch {
	case errors.As(err, &host):
		f.leaf = host.Certificate
		f.problem = ProblemTLSCertificateHost
		f.message = certHostMessage(host.Certificate, host.Host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		f.problem = ProblemTLSCertificateExpired
		f.message = "the certificate has expired or is not yet valid"
		if c := invalid.Cert; c != nil {
			// The client verified the chain at its own time, time.Now
			// unless its TLS configuration says otherwise; the Checker's
			// clock decides first, time.Now when the two disagree.
			w := certWindow(c, now)
			if w == valid {
				w = certWindow(c, time.Now())
			}
			if role := chainRole(err, c); role != leafCert {
				// The server's own certificate passed; a certificate
				// authority's in its chain did not. Renewing the server's
				// certificate, or its start date, is not the remedy.
				f.message, f.hint = authorityOutsideDates(c, role, w)
				break
			}
			f.leaf = c
			switch w {
			case notYetValid:
				f.message = notYetValidMessage("the certificate", c)
				f.hint = func(s *scene) string { return notYetValidTLSHint(s.host, c) }
			case expired:
				f.message = expiredMessage("the certificate", c)
			default:
				f.message = fmt.Sprintf("the certificate is valid from %s to %s, but not at the time it was checked", moment(c.NotBefore), moment(c.NotAfter))
				f.hint = func(s *scene) string {
					return fmt.Sprintf("Check the operator's and your server's clocks: the TLS certificate of %s is valid from %s to %s. "+
						"If it has expired, renew it; if it is not valid yet, wait until its start or have the issuing CA reissue it.", s.host, moment(c.NotBefore), moment(c.NotAfter))
				}
			}
		}
	case errors.As(err, &invalid), errors.As(err, &unknown), errors.As(err, &verify):
		f.problem = ProblemTLSUntrusted
		f.message = "the certificate is not issued by an authority the operator trusts, or its chain is incomplete"
	case errors.As(err, &record):
		f.problem = ProblemTLSHandshake
		f.message = "the host does not speak TLS on that port"
	default:
		a, ok := remoteAlert(err)
		switch {
		case !ok:
			return failure{}, false
		case a == alertProtocolVersion:
			f.problem = ProblemTLSVersion
			f.message = "the host does not speak TLS 1.2 or newer"
		case a == alertCertificateRequired:
			f.problem = ProblemTLSHandshake
			f.message = fmt.Sprintf("the host requires a client certificate (mutual TLS), which the HCX does not present: it ended the TLS handshake with alert %d (%s)",
				a, tls.AlertError(a).Error())
			f.hint = func(s *scene) string {
				return fmt.Sprintf("%s asks its callers for a client certificate, and the HCX calls participants without one: "+
					"make the client certificate optional for POST %s and for the HCX's calls (the HCX's messages are signed and encrypted instead). "+
					"Your own certificate is not at fault.", s.host, s.url)
			}
		default:
			f.problem = ProblemTLSHandshake
			f.message = fmt.Sprintf("the host ended the TLS handshake with alert %d (%s)", a, tls.AlertError(a).Error())
			if a == alertHandshakeFailure || a == alertBadCertificate {
				// What a TLS 1.2 server sends when it wants a client
				// certificate and gets none, as well as when it shares no
				// cipher suite with the client.
				f.hint = func(s *scene) string {
					return hint(ProblemTLSHandshake, CheckTLS, s) + fmt.Sprintf(" If %s asks its callers for a client certificate (mutual TLS), make it optional for the HCX's calls: the HCX presents none.", s.host)
				}
			}
		}
	}
	return f, true
}

// certRole is which certificate of a chain failed verification.
type certRole int

const (
	leafCert           certRole = iota // the server's own
	servedIntermediate                 // an intermediate the server sent with it
	otherAuthority                     // a root the client holds, or an authority not known to be sent
)

// chainRole places c in the chain err was about: crypto/tls reports the
// certificates the server sent, leaf first. Without them, a CA
// certificate is taken for an authority and anything else for the leaf
// (crypto/x509 checks the leaf's dates before it builds a chain).
func chainRole(err error, c *x509.Certificate) certRole {
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0 {
		if c.Equal(verify.UnverifiedCertificates[0]) {
			return leafCert
		}
		for _, s := range verify.UnverifiedCertificates[1:] {
			if c.Equal(s) {
				return servedIntermediate
			}
		}
		return otherAuthority
	}
	if c.IsCA {
		return otherAuthority
	}
	return leafCert
}

// certName names a certificate authority for a message: its subject's
// common name, or its whole subject.
func certName(c *x509.Certificate) string {
	name := c.Subject.CommonName
	if name == "" {
		name = c.Subject.String()
	}
	if name == "" {
		return "without a name"
	}
	return fmt.Sprintf("%q", clip(name))
}

// authorityOutsideDates is the message and hint for a chain whose
// server certificate is within its dates but one of whose certificate
// authorities, c, is not (w; valid when only the client's own clock put
// it outside).
func authorityOutsideDates(c *x509.Certificate, role certRole, w window) (string, func(*scene) string) {
	name := certName(c)
	what, subject := "the certificate authority "+name+" that the chain leads to", "leads to a certificate authority ("+name+") whose certificate"
	if role == servedIntermediate {
		what, subject = "the intermediate certificate "+name+" that the server sends with its certificate", "holds an intermediate certificate ("+name+") that"
	}
	fix := "serve the certificate with the intermediate certificates its issuing CA publishes now (its current full chain), and reload the server (or load balancer)"
	var msg, state string
	switch w {
	case expired:
		msg = fmt.Sprintf("the server's certificate is within its dates, but %s expired on %s", what, day(c.NotAfter))
		state = "expired on " + day(c.NotAfter)
	case notYetValid:
		msg = fmt.Sprintf("the server's certificate is within its dates, but %s is not valid until %s", what, moment(c.NotBefore))
		state = "is not valid until " + moment(c.NotBefore)
	default:
		msg = fmt.Sprintf("the server's certificate is within its dates, but %s, valid from %s to %s, was not valid at the time it was checked", what, moment(c.NotBefore), moment(c.NotAfter))
		return msg, func(s *scene) string {
			return fmt.Sprintf("Check the operator's and your server's clocks: the chain the server of %s sends %s is valid from %s to %s. "+
				"If the chain is out of date, %s.", s.host, subject, moment(c.NotBefore), moment(c.NotAfter), fix)
		}
	}
	return msg, func(s *scene) string {
		h := fmt.Sprintf("The certificate of %s is not at fault: the chain its server sends %s %s. To fix it, %s", s.host, subject, state, fix)
		if w == expired {
			return h + "; renew the certificate of " + s.host + " only if the CA no longer publishes an intermediate that issued it."
		}
		return h + "; if that is the chain it sends, check the operator's clock, or wait until then and check again."
	}
}

// TLS alerts (RFC 8446 section 6) that say what to fix.
const (
	// alertHandshakeFailure and alertBadCertificate end a TLS 1.2
	// handshake whose server wanted a client certificate and got none,
	// among other causes.
	alertHandshakeFailure = 40
	alertBadCertificate   = 42
	// alertProtocolVersion: the peer speaks none of the versions offered.
	alertProtocolVersion = 70
	// alertCertificateRequired: a TLS 1.3 server wanted a client
	// certificate and got none.
	alertCertificateRequired = 116
)

// remoteAlert returns the TLS alert the peer sent, if err is one.
// crypto/tls reports a received alert as a *net.OpError "remote error"
// around its unexported alert type, a uint8; tls.AlertError is matched too.
func remoteAlert(err error) (uint8, bool) {
	var a tls.AlertError
	if errors.As(err, &a) {
		return uint8(a), true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" && op.Err != nil {
		if v := reflect.ValueOf(op.Err); v.Kind() == reflect.Uint8 {
			return uint8(v.Uint()), true
		}
	}
	return 0, false
}

// tracer records how far a request got, for placing a failure and timing
// each stage. The hooks may run on other goroutines.
type tracer struct {
	clock func() time.Time
	mu    sync.Mutex
	t     trace
}

// trace is a snapshot of a tracer.
type trace struct {
	dnsStarted, dnsDone  bool
	connStarted, conned  bool
	tlsStarted, tlsDone  bool
	reused               bool
	dnsAt, dnsEnd        time.Time
	connAt, connEnd      time.Time
	tlsAt, tlsEnd        time.Time
	wroteAt, firstByteAt time.Time
}

func (tr *tracer) snapshot() trace {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.t
}

func (tr *tracer) do(f func(t *trace, now time.Time)) {
	now := tr.clock()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	f(&tr.t, now)
}

func (tr *tracer) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			tr.do(func(t *trace, now time.Time) { t.dnsStarted, t.dnsAt = true, now })
		},
		DNSDone: func(info httptrace.DNSDoneInfo) {
			tr.do(func(t *trace, now time.Time) { t.dnsDone, t.dnsEnd = info.Err == nil, now })
		},
		ConnectStart: func(string, string) {
			tr.do(func(t *trace, now time.Time) {
				if !t.connStarted {
					t.connStarted, t.connAt = true, now
				}
			})
		},
		ConnectDone: func(_, _ string, err error) {
			tr.do(func(t *trace, now time.Time) {
				if err == nil && !t.conned {
					t.conned, t.connEnd = true, now
				}
			})
		},
		TLSHandshakeStart: func() {
			tr.do(func(t *trace, now time.Time) { t.tlsStarted, t.tlsAt = true, now })
		},
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			tr.do(func(t *trace, now time.Time) { t.tlsDone, t.tlsEnd = err == nil, now })
		},
		GotConn: func(info httptrace.GotConnInfo) {
			tr.do(func(t *trace, now time.Time) {
				if info.Reused {
					t.reused = true
				}
			})
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			tr.do(func(t *trace, now time.Time) { t.wroteAt = now })
		},
		GotFirstResponseByte: func() {
			tr.do(func(t *trace, now time.Time) { t.firstByteAt = now })
		},
	}
}

// stage is where a request that failed had got to.
func (t trace) stage() Check {
	switch {
	case t.tlsDone || t.reused:
		return CheckHTTP
	case t.conned || t.tlsStarted:
		return CheckTLS
	case t.connStarted:
		return CheckConnect
	case t.dnsStarted && !t.dnsDone:
		return CheckDNS
	}
	return CheckConnect
}

// passedBefore returns the passed results of the network checks before
// stage.
func (t trace) passedBefore(stage Check, s *scene) []Result {
	var out []Result
	for _, c := range []Check{CheckDNS, CheckConnect, CheckTLS} {
		if c == stage {
			break
		}
		r := Result{Check: c, Outcome: Passed, DurationMS: t.duration(c, time.Time{}, time.Time{})}
		switch c {
		case CheckDNS:
			r.Message = s.host + " resolves"
			if _, err := netip.ParseAddr(s.host); err == nil {
				r.Message = s.host + " is an IP address: there is no name to resolve"
			}
		case CheckConnect:
			r.Message = fmt.Sprintf("%s accepts connections on port %s", s.host, s.port)
		case CheckTLS:
			r.Message = "the TLS handshake succeeded"
		}
		if t.reused {
			r.Message += " (a connection still open from an earlier request)"
		}
		out = append(out, r)
	}
	return out
}

// duration of a stage in milliseconds; start and end bound the request,
// for the stages that have no own marks.
func (t trace) duration(c Check, start, end time.Time) int64 {
	ms := func(a, b time.Time) int64 {
		if a.IsZero() || b.IsZero() {
			return 0
		}
		return max(b.Sub(a).Milliseconds(), 0)
	}
	or := func(mark, fallback time.Time) time.Time {
		if mark.IsZero() {
			return fallback
		}
		return mark
	}
	switch c {
	case CheckDNS:
		return ms(t.dnsAt, or(t.dnsEnd, end))
	case CheckConnect:
		return ms(t.connAt, or(t.connEnd, end))
	case CheckTLS:
		return ms(t.tlsAt, or(t.tlsEnd, end))
	case CheckHTTP:
		from := t.wroteAt
		if from.IsZero() {
			from = start
		}
		to := t.firstByteAt
		if to.IsZero() {
			to = end
		}
		return ms(from, to)
	}
	return 0
}
