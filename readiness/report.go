package readiness

import (
	"strings"
	"time"
)

// Check names one check of a Report. The names are stable: consoles and
// tests match on them.
type Check string

// The checks, in the order a Report lists them.
const (
	CheckEndpointURL   Check = "endpoint_url"   // the URL is an https URL with a DNS host name (or a canonical IP address), no user, query or fragment
	CheckDNS           Check = "dns"            // the host name resolves (to public addresses, through the operator's client)
	CheckConnect       Check = "connect"        // a TCP connection is accepted
	CheckTLS           Check = "tls"            // TLS 1.2 or newer, a trusted certificate valid now and for the host
	CheckHTTP          Check = "http"           // POST endpoint_url + Path answers with the handler's JSON
	CheckChallenge     Check = "challenge"      // the answer carries this challenge's jti and nonce
	CheckEncryptionKey Check = "encryption_key" // the nonce encrypted to encryption_cert comes back decrypted
	CheckSigningKey    Check = "signing_key"    // the answer is signed by the key of the signing certificate
)

// Checks lists every check in report order.
var Checks = []Check{CheckEndpointURL, CheckDNS, CheckConnect, CheckTLS, CheckHTTP, CheckChallenge, CheckEncryptionKey, CheckSigningKey}

// Outcome is how a check ended.
type Outcome string

// The outcomes.
const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped" // not run: an earlier check failed, or nothing to check (no signing certificate)
)

// Problem says what went wrong, for a failed check. The names are stable.
type Problem string

// The problems, by the check that reports them.
const (
	// endpoint_url
	ProblemInvalidTarget Problem = "invalid_target" // no participant code, or an unusable endpoint URL
	// dns
	ProblemDNS Problem = "dns" // the host name does not resolve
	// connect
	ProblemAddressNotPublic  Problem = "address_not_public" // the name resolves to a private, loopback … address
	ProblemConnectionRefused Problem = "connection_refused"
	ProblemUnreachable       Problem = "unreachable"
	// any network stage
	ProblemTimeout  Problem = "timeout"
	ProblemCanceled Problem = "canceled"       // the caller's context ended
	ProblemOperator Problem = "operator_error" // the operator could not build its challenge
	// tls
	ProblemTLSVersion            Problem = "tls_version"
	ProblemTLSCertificateExpired Problem = "tls_certificate_expired" // expired, or not valid yet: the message and hint say which
	ProblemTLSCertificateHost    Problem = "tls_certificate_host"
	ProblemTLSUntrusted          Problem = "tls_certificate_untrusted"
	ProblemTLSHandshake          Problem = "tls_handshake"
	// http
	ProblemRedirect   Problem = "redirect"
	ProblemHTTPStatus Problem = "http_status"
	ProblemBadAnswer  Problem = "bad_answer" // not the handler's JSON, too large, cut short
	// challenge
	ProblemOperatorNotTrusted Problem = "operator_not_trusted" // the handler does not trust the operator's key or issuer
	ProblemOperatorKeys       Problem = "operator_keys_unavailable"
	ProblemWrongParticipant   Problem = "wrong_participant" // the handler serves other participant codes
	ProblemClockSkew          Problem = "clock_skew"
	ProblemReplay             Problem = "replay" // an answer to another challenge, or a challenge delivered twice
	ProblemWrongNonce         Problem = "wrong_nonce"
	ProblemRefused            Problem = "challenge_refused" // the handler refused the challenge as malformed
	ProblemHandlerFailed      Problem = "handler_failed"    // the handler failed on a well-formed challenge (its replay cache, its keys)
	// encryption_key, signing_key
	ProblemWrongKey           Problem = "wrong_key"
	ProblemCertificate        Problem = "certificate"         // the registered certificate is unusable
	ProblemCertificateExpired Problem = "certificate_expired" // expired, or not valid yet: the message and hint say which
	ProblemUnsupported        Problem = "unsupported"         // the handler refused the algorithm
	ProblemNoSignature        Problem = "no_signature"
)

// Result is one check's outcome.
type Result struct {
	Check   Check   `json:"check"`
	Outcome Outcome `json:"outcome"`
	Problem Problem `json:"problem,omitempty"`
	// Message says what was found, in plain words; Hint, what the
	// participant's engineer can do about it. A passed check may carry a
	// hint too: a certificate about to expire.
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// DurationMS is how long the check took, in milliseconds, in the
	// last attempt.
	DurationMS int64 `json:"duration_ms"`
	// Details, when the check has them.
	HTTPStatus int    `json:"http_status,omitempty"` // http
	TLSVersion string `json:"tls_version,omitempty"` // tls
	// NotAfter is a certificate's expiry: for tls, the endpoint's
	// certificate whenever the handshake got it, the check passed or not;
	// for encryption_key and signing_key, the registered certificate's.
	NotAfter *time.Time `json:"certificate_not_after,omitempty"`
}

// Report is the outcome of one Check: JSON-serialisable, for the engine to
// keep on the application and show to staff and to the participant.
type Report struct {
	ParticipantCode string `json:"participant_code"`
	EndpointURL     string `json:"endpoint_url"`
	// URL is the URL challenged: EndpointURL + Path.
	URL string `json:"url,omitempty"`
	// Ready is true when no check failed.
	Ready bool `json:"ready"`
	// Issuer and KeyID name the operator's key the challenge was signed
	// with: what the participant's handler must trust.
	Issuer string `json:"issuer"`
	KeyID  string `json:"key_id"`
	// ChallengeID is the jti of the last challenge sent, for the
	// participant's logs.
	ChallengeID string    `json:"challenge_id,omitempty"`
	Attempts    int       `json:"attempts"`
	CheckedAt   time.Time `json:"checked_at"`
	DurationMS  int64     `json:"duration_ms"`
	Checks      []Result  `json:"checks"`
}

// Result returns the result of check c.
func (r Report) Result(c Check) (Result, bool) {
	for _, res := range r.Checks {
		if res.Check == c {
			return res, true
		}
	}
	return Result{}, false
}

// Failures returns the failed checks, in report order.
func (r Report) Failures() []Result {
	var out []Result
	for _, res := range r.Checks {
		if res.Outcome == Failed {
			out = append(out, res)
		}
	}
	return out
}

// Summary is one line: "ready", or "not ready: " and each failed check
// with its problem ("not ready: encryption_key (wrong_key)").
func (r Report) Summary() string {
	if r.Ready {
		return "ready"
	}
	var parts []string
	for _, f := range r.Failures() {
		parts = append(parts, string(f.Check)+" ("+string(f.Problem)+")")
	}
	if len(parts) == 0 {
		return "not ready"
	}
	return "not ready: " + strings.Join(parts, ", ")
}
