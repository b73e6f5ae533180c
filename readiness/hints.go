package readiness

import (
	"fmt"
	"net/http"
)

// scene is what hints speak of: the target and where it was challenged.
type scene struct {
	target      Target
	issuer, kid string
	host, port  string
	url         string // the challenge URL
	jti         string
}

// hint says what the participant's engineer can do about a problem.
func hint(p Problem, check Check, s *scene) string {
	switch p {
	case ProblemDNS:
		return fmt.Sprintf("Publish an A or AAAA record for %s in public DNS: the HCX resolves names from the internet, not from your internal network.", s.host)
	case ProblemAddressNotPublic:
		return fmt.Sprintf("%s resolves to a private, loopback or otherwise non-public address. Publish the public address of your endpoint (your load balancer's) in DNS.", s.host)
	case ProblemConnectionRefused:
		return fmt.Sprintf("Nothing accepts connections on %s port %s. Check that the server is running and listening there, and that your firewall or security group lets in HTTPS from the HCX's addresses.", s.host, s.port)
	case ProblemUnreachable:
		return fmt.Sprintf("%s could not be reached on port %s. Check routes and firewalls, and add the HCX's outbound addresses to any IP allow-list.", s.host, s.port)
	case ProblemTimeout:
		switch check {
		case CheckDNS:
			return fmt.Sprintf("The DNS servers for %s did not answer in time; check the domain's delegation and name servers.", s.host)
		case CheckConnect:
			return fmt.Sprintf("Connections to %s port %s go unanswered: a firewall is probably dropping them. Allow HTTPS from the HCX's addresses.", s.host, s.port)
		case CheckTLS:
			return "The TLS handshake did not finish in time; check the TLS terminator (load balancer, reverse proxy) in front of your software."
		}
		return fmt.Sprintf("Your software must answer POST %s within the operator's timeout; the HCX expects quick acknowledgements of its calls too.", s.url)
	case ProblemCanceled:
		return "The check was stopped before it finished; run it again."
	case ProblemTLSVersion:
		return fmt.Sprintf("Enable TLS 1.2 or 1.3 on %s; older versions are refused.", s.host)
	case ProblemTLSCertificateExpired:
		return fmt.Sprintf("Renew the TLS certificate of %s and reload the server (or load balancer) that serves it.", s.host)
	case ProblemTLSCertificateHost:
		return fmt.Sprintf("Serve a certificate whose subject alternative names include %s, or register the endpoint_url under a name the certificate covers.", s.host)
	case ProblemTLSUntrusted:
		return "Serve a certificate from a public certificate authority, with the full chain (the certificate and its intermediates); self-signed and private-CA certificates are refused by the HCX and by other participants."
	case ProblemTLSHandshake:
		return fmt.Sprintf("Serve https on %s port %s with TLS 1.2 or 1.3 and a publicly trusted certificate for %s.", s.host, s.port, s.host)
	case ProblemRedirect:
		return "The HCX does not follow redirects: register as endpoint_url the URL your software answers at, without a redirect in between."
	case ProblemBadAnswer:
		if check == CheckHTTP {
			return fmt.Sprintf("Something other than the readiness handler answers at %s (a default page, a proxy's error page): mount the handler of package readiness/participant there.", s.url)
		}
		return "The readiness handler's answer is malformed; use the handler of package readiness/participant, or follow its wire format exactly."
	case ProblemOperatorNotTrusted:
		return fmt.Sprintf("Your readiness handler does not trust the operator: configure it with the operator %q and the operator's published JWKS, which holds the key %q. If it fetches the JWKS, your server must reach the JWKS URL.", s.issuer, s.kid)
	case ProblemOperatorKeys:
		return "Your readiness handler could not load the operator's JWKS: let your server reach the operator's JWKS URL (outbound HTTPS), or give the handler the key set directly."
	case ProblemWrongParticipant:
		if check == CheckSigningKey {
			return fmt.Sprintf("Sign the answer in your own name: its claims' iss must be your participant code %q, the challenge's aud. "+
				"The handler of package readiness/participant does so.", s.target.ParticipantCode)
		}
		return fmt.Sprintf("Your readiness handler is configured for other participant codes: add %q to it.", s.target.ParticipantCode)
	case ProblemClockSkew:
		return "Your server's clock differs from the HCX's by more than the handler's leeway: synchronise it with NTP."
	case ProblemReplay:
		return fmt.Sprintf("The answer does not belong to the challenge just sent, or the challenge reached your handler twice: something between the HCX and your software (a cache, a proxy or load balancer retrying POSTs, a stub) answers or delivers twice. Let POST %s through uncached and without retries.", s.url)
	case ProblemWrongNonce:
		if check == CheckEncryptionKey {
			return "Decrypt the challenge's encrypted_nonce (a compact JWE, RSA-OAEP-256 or RSA-OAEP with A256GCM) with the private key of the registered encryption_cert, " +
				`and answer as decrypted_nonce the "nonce" member of its plaintext {"purpose", "jti", "nonce"}: not the challenge's nonce, the whole plaintext or a stored value.`
		}
		return "The answer does not carry the challenge's own values: answer each challenge from the challenge itself, never from a stored answer."
	case ProblemRefused:
		return "Your readiness handler refused the operator's challenge as malformed: update it to the current version of package readiness/participant."
	case ProblemHandlerFailed:
		return fmt.Sprintf("Your readiness handler failed on a well-formed challenge (its replay cache or its keys): look in its logs for the challenge %s, mend what failed, and check again.", s.jti)
	case ProblemWrongKey:
		if check == CheckEncryptionKey {
			return "The private key your endpoint decrypts with does not belong to the registered encryption_cert, so nothing counterparties encrypt to that certificate can be read: register the certificate of the key in use, or deploy the private key of the registered certificate."
		}
		return "Your endpoint signs with a key that does not belong to the registered signing certificate: register the certificate of the signing key in use, or deploy the signing key of the registered certificate."
	case ProblemUnsupported:
		return "Accept RSA-OAEP-256 (and RSA-OAEP) with A256GCM when decrypting: these are what HCX participants send."
	case ProblemNoSignature:
		return "Give your readiness handler the private key of the registered signing certificate (participant.Keys.Signing)."
	}
	return ""
}

// statusHint explains an HTTP status that is not the handler's.
func statusHint(code int, s *scene) string {
	switch {
	case code == http.StatusNotFound:
		return fmt.Sprintf("Nothing answers at %s. Mount the readiness handler (package readiness/participant) at that path under your endpoint, and route it through any gateway in front.", s.url)
	case code == http.StatusMethodNotAllowed:
		return fmt.Sprintf("%s does not take POST: mount the readiness handler there.", s.url)
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		return fmt.Sprintf("Something in front of your software refuses the HCX's request: an API gateway, a WAF, an IP allow-list or an authentication proxy. Let POST %s through; the handler checks the operator's signature itself. The HCX's own calls will meet the same wall.", s.url)
	case code == http.StatusTooManyRequests:
		return "Your endpoint rate-limits the HCX: raise the limit for the HCX's calls."
	case code >= 500 && code != http.StatusBadGateway && code != http.StatusServiceUnavailable && code != http.StatusGatewayTimeout:
		return fmt.Sprintf("Your software failed on the challenge: look in its logs for the challenge %s.", s.jti)
	case code >= 500:
		return "A proxy or load balancer answered because it could not reach your application behind it: check the upstream's health and address."
	}
	return fmt.Sprintf("Your endpoint must answer POST %s with the readiness handler's JSON and HTTP 200.", s.url)
}
