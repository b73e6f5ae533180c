package onboarding

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/pemtext"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

// Fields of step 3, as DetailsError names them.
const (
	FieldEndpointURL         = "endpoint_url"
	FieldEncryptionCert      = "encryption_cert"
	FieldSigningCertPath     = "signing_cert_path"
	FieldContacts            = "contacts"
	FieldCompanyRegistration = "company_registration"
	// FieldPaymentDetails, or one of its members: payment_details.upi_id,
	// payment_details.account_number, payment_details.ifsc_code.
	FieldPaymentDetails = hcxonboard.FieldPaymentDetails
)

// Limits on the free-text parts of step 3.
const (
	maxContacts           = 20
	maxCompanyRegistation = 256
	maxURLLength          = 2048
)

type endpointRules struct {
	allowPort bool
	denied    []*url.URL
}

// SubmitDetails is step 3: it checks and stores the endpoint, the
// certificates, the contacts and the company registration, records the
// certificates' expiry (epoch milliseconds in the participant's
// encryption_cert_expiry and signing_cert_expiry) and moves the
// application on to credentials. A refused field is a *DetailsError
// (ErrInvalidDetails) naming it. Participants that are already live call
// it again to renew a certificate or move their endpoint.
//
// The rules: endpoint_url is https with a DNS name — no IP literal, no
// user info, no port unless EndpointRules.AllowPort, not one of the HCX's
// own URLs; encryption_cert is a PEM X.509 certificate (or its base64, or
// an https URL to one) with an RSA key of at least
// CertificateRules.MinRSABits bits, valid now; signing_cert_path, when
// given, likewise; payment_details, when given, is a UPI ID or an account
// number with its IFSC, as hcxonboard.NormalizePaymentDetails has it
// (refused with the member named: payment_details.ifsc_code …), stored
// normalised in the participant record. Details sent again replace the
// registered ones whole: payment details left out are removed. A live
// participant's contacts are told of a change of its payment details,
// masked.
//
// A certificate given as a URL is fetched through the Service's
// safefetch.Fetcher (WithFetcher), and only once the application is known
// to exist and to stand where it may take details, and, for a live
// participant, once its step-up code is seen to be right: an unknown id,
// an application in the wrong stage, or a missing or wrong step-up code
// makes no outbound request at all. A
// fetch that fails — refused address, no answer, HTTP error, too large,
// too slow — is a *DetailsError for the field whose reason speaks only of
// the URL given ("could not be fetched: the host refused the
// connection"); its *safefetch.Error is the DetailsError's Err.
func (s *Service) SubmitDetails(ctx context.Context, id string, d Details) (*Application, error) {
	return s.SubmitDetailsAs(ctx, id, d, actorApplicant)
}

// SubmitDetailsAs is SubmitDetails by actor, the audit trail's actor:
// "applicant" (SubmitDetails), or a live participant acting with its own
// credential (ParticipantActor).
func (s *Service) SubmitDetailsAs(ctx context.Context, id string, d Details, actor string) (*Application, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return nil, fmt.Errorf("%w: step-3 details need an actor", ErrInvalidArgument)
	}
	d.EndpointURL = strings.TrimSpace(d.EndpointURL)
	d.EncryptionCert = pemtext.Repair(strings.TrimSpace(d.EncryptionCert))
	d.SigningCertPath = pemtext.Repair(strings.TrimSpace(d.SigningCertPath))
	d.CompanyRegistration = strings.TrimSpace(d.CompanyRegistration)
	if path := registry.UnstorableText(d); path != "" {
		return nil, &DetailsError{Field: path, Reason: "is not UTF-8 text without NUL"}
	}
	now := s.clock()
	if err := s.checkEndpoint(d.EndpointURL); err != nil {
		return nil, err
	}
	if d.EncryptionCert == "" {
		return nil, &DetailsError{Field: FieldEncryptionCert, Reason: "is required"}
	}
	enc, err := readCertificate(FieldEncryptionCert, d.EncryptionCert)
	if err != nil {
		return nil, err
	}
	var sig certificateSource
	if d.SigningCertPath != "" {
		if sig, err = readCertificate(FieldSigningCertPath, d.SigningCertPath); err != nil {
			return nil, err
		}
	}
	contacts, err := checkContacts(d.Contacts)
	if err != nil {
		return nil, err
	}
	d.Contacts = contacts
	if len(d.CompanyRegistration) > maxCompanyRegistation {
		return nil, &DetailsError{Field: FieldCompanyRegistration, Reason: fmt.Sprintf("is longer than %d characters", maxCompanyRegistation)}
	}
	if p := verifier.DisplayProblem(d.CompanyRegistration); p != "" {
		return nil, &DetailsError{Field: FieldCompanyRegistration, Reason: p}
	}
	if d.PaymentDetails, err = hcxonboard.NormalizePaymentDetails(d.PaymentDetails); err != nil {
		var pe *hcxonboard.PaymentDetailsError
		if errors.As(err, &pe) {
			return nil, &DetailsError{Field: pe.Field, Reason: pe.Reason, Err: err}
		}
		return nil, err
	}

	// Nothing is fetched for an application that does not exist or cannot
	// take details now: a URL is the caller's to give, the connection the
	// operator's to make.
	held, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if from := held.position(); !admits(from, ActionSubmitDetails) {
		return nil, &TransitionError{Action: ActionSubmitDetails, From: positionName(from), To: nominalTarget(ActionSubmitDetails, from)}
	}
	if ends := held.st.Deboarding.ends(); ends != nil && !now.Before(*ends) {
		return nil, &TransitionError{Action: ActionSubmitDetails, From: positionName(held.position()),
			Reason: "the participant's de-boarding took effect at " + ends.Format(time.RFC3339)}
	}
	stepUpCode := d.StepUpCode
	d.StepUpCode = ""
	// Nor for a live participant's caller without its step-up code: the
	// write below refuses (and counts) a wrong one, with nothing fetched.
	fetch := !held.isLive() || s.noStepUp || s.stepUpWouldPass(held, StepUpDetails, stepUpCode)
	var encExpiry, sigExpiry time.Time
	if fetch {
		if encExpiry, err = s.checkCertificate(ctx, id, enc, now); err != nil {
			return nil, err
		}
		if d.SigningCertPath != "" {
			if sigExpiry, err = s.checkCertificate(ctx, id, sig, now); err != nil {
				return nil, err
			}
		}
	}
	r, err := s.mutateFrom(ctx, id, held, func(r *record) error {
		live := r.isLive()
		if live && !s.noStepUp {
			if ok, err := s.stepUp(r, StepUpDetails, stepUpCode, actor); !ok {
				return err
			}
		}
		if !fetch {
			// A code asked for since the first look: the certificates
			// were not checked, so nothing is stored.
			return fmt.Errorf("%w: the step-up code changed while the details were sent; send them again", ErrConflict)
		}
		if err := r.transition(ActionSubmitDetails, actor, "endpoint "+d.EndpointURL); err != nil {
			return err
		}
		if live {
			// The participant's contacts hear of a change they may not
			// have made: its primary e-mail, its admin, and the contacts
			// registered with the details it changes (not those it sends
			// now, which whoever made the change chose).
			body := fmt.Sprintf("The endpoint or certificates of participant %s were changed to endpoint %s.",
				r.app.ParticipantCode, d.EndpointURL)
			if paid := paymentChange(r.part.PaymentDetails, d.PaymentDetails); paid != "" {
				body += " " + paid
			}
			body += " If this was not you, tell the HCX operator at once."
			for _, to := range s.detailsContacts(r) {
				r.notify(Message{Kind: MessageDetailsChanged, To: to,
					Subject: "Your HCX endpoint or certificates changed", Body: body})
			}
		}
		r.st.Details = &DetailsRecord{
			Details:              d,
			EncryptionCertExpiry: encExpiry,
			SigningCertExpiry:    sigExpiry,
			SubmittedAt:          r.now,
		}
		p := r.part
		p.EndpointURL = d.EndpointURL
		p.EncryptionCert = d.EncryptionCert
		p.EncryptionCertExpiry = encExpiry.UnixMilli()
		p.SigningCertPath = d.SigningCertPath
		p.PaymentDetails = d.PaymentDetails.Clone()
		p.SigningCertExpiry = 0
		if !sigExpiry.IsZero() {
			p.SigningCertExpiry = sigExpiry.UnixMilli()
		}
		r.touchParticipant()
		r.closeCertificateTasks("a new certificate was registered")
		if r.st.SuspendedAtExpiry && r.position() == posBlocked {
			// The scheduler suspended it for an expired certificate
			// (SchedulePolicy.SuspendAtCertificateExpiry); the new ones
			// are valid, so that suspension ends with them.
			why := "valid certificates were registered after the one that expired"
			if err := r.transition(ActionReinstate, actorSystem, why); err != nil {
				return err
			}
			r.st.SuspendedAtExpiry = false
			r.tell(MessageReinstated, "Your HCX participation is reinstated", why)
			r.notify(Message{Kind: MessageReinstated, To: Staff, Subject: "A participant suspended for an expired certificate is reinstated",
				Body: fmt.Sprintf("Participant %s registered valid certificates and was reinstated.", r.app.ParticipantCode)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// admits reports whether action may be taken from position: the edge
// check of record.transition, made before any outside work.
func admits(position, action string) bool {
	_, ok := Allowed(position, action)
	return ok
}

// checkEndpoint applies the endpoint_url rules.
func (s *Service) checkEndpoint(raw string) error {
	bad := func(reason string) error { return &DetailsError{Field: FieldEndpointURL, Reason: reason} }
	switch {
	case raw == "":
		return bad("is required")
	case len(raw) > maxURLLength:
		return bad(fmt.Sprintf("is longer than %d characters", maxURLLength))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("is not a URL")
	}
	if u.Scheme != "https" {
		return bad(fmt.Sprintf("must use https, not %q", clip(u.Scheme)))
	}
	if u.User != nil {
		return bad("must not carry user information")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return bad("must not have a fragment")
	}
	if u.RawQuery != "" || u.ForceQuery {
		// HCX appends its API paths to the endpoint, and the readiness
		// check refuses one with a query: register the base URL only.
		return bad("must not have a query: register the base URL of the HCX API only")
	}
	host := u.Hostname()
	if host == "" {
		return bad("has no host")
	}
	if strings.HasPrefix(u.Host, "[") || net.ParseIP(host) != nil {
		return bad("must name a host by DNS name, not an IP address")
	}
	if reason := dnsNameProblem(host); reason != "" {
		return bad(reason)
	}
	if u.Port() != "" || strings.HasSuffix(u.Host, ":") {
		if !s.endpoints.allowPort {
			return bad("must not name a port")
		}
	}
	for _, d := range s.endpoints.denied {
		if sameOrUnder(u, d) {
			return bad("is one of the HCX's own URLs; register the participant's own endpoint")
		}
	}
	return nil
}

// dnsNameProblem says what is wrong with a host name, or "".
func dnsNameProblem(host string) string {
	host = strings.TrimSuffix(host, ".")
	if len(host) > 253 {
		return "host name is longer than 253 characters"
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("host %q is not a fully qualified DNS name", clip(host))
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return fmt.Sprintf("host %q has an empty or over-long label", clip(host))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' && i > 0 && i < len(l)-1
			if !ok {
				return fmt.Sprintf("host %q is not a valid DNS name (letters, digits and inner hyphens)", clip(host))
			}
		}
	}
	// A top-level label that starts with a digit reads as an IPv4 number
	// to the URL parsers and resolvers of other HCX software (127.0.0.0x1,
	// 0x7f.0x0.0x0.0x1, 10.0x1), though net.ParseIP does not parse it; no
	// top-level domain starts with one.
	if last := labels[len(labels)-1]; last[0] >= '0' && last[0] <= '9' {
		return fmt.Sprintf("host %q is not a valid DNS name (its top-level label starts with a digit, which reads as an IP address)", clip(host))
	}
	return ""
}

// sameOrUnder reports whether u is the denied URL d or lies under its
// path, comparing scheme-insensitively on host and port.
func sameOrUnder(u, d *url.URL) bool {
	if !strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), strings.TrimSuffix(d.Hostname(), ".")) {
		return false
	}
	if effectivePort(u) != effectivePort(d) {
		return false
	}
	// The decoded, cleaned paths: /%61pi and /x/../api are /api to the
	// server that receives them.
	clean := func(u *url.URL) string {
		if u.Path == "" {
			return ""
		}
		return strings.TrimSuffix(path.Clean("/"+u.Path), "/")
	}
	up, dp := clean(u), clean(d)
	return dp == "" || up == dp || strings.HasPrefix(up, dp+"/")
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "443"
}

// certificateSource is a step-3 certificate as given: its PEM, or the
// URL to fetch it from.
type certificateSource struct {
	field string
	pem   []byte
	url   string
}

// readCertificate sorts a certificate given as PEM, as base64 of PEM, or
// as a URL. Nothing is fetched here.
func readCertificate(field, value string) (certificateSource, error) {
	src := certificateSource{field: field}
	lower := strings.ToLower(value)
	switch {
	case strings.HasPrefix(value, "-----BEGIN"):
		src.pem = []byte(value)
	case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
		if len(value) > maxURLLength {
			return src, &DetailsError{Field: field, Reason: fmt.Sprintf("is longer than %d characters", maxURLLength)}
		}
		src.url = value
	default:
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
		if err != nil || !bytes.Contains(dec, []byte("-----BEGIN")) {
			return src, &DetailsError{Field: field, Reason: "is neither a PEM certificate nor an https URL to one"}
		}
		src.pem = dec
	}
	return src, nil
}

// checkCertificate fetches the certificate when it was given as a URL,
// and checks it. It returns the certificate's expiry.
func (s *Service) checkCertificate(ctx context.Context, id string, src certificateSource, now time.Time) (time.Time, error) {
	data := src.pem
	if src.url != "" {
		var err error
		if data, err = s.fetchCertificate(ctx, id, src); err != nil {
			return time.Time{}, err
		}
	}
	return s.parseCertificate(src.field, data, now, src.url == "")
}

// WithFetcher sets the fetcher of certificates given as https URLs in
// step 3. Default: one shared safefetch.New() with its defaults — https
// only, public addresses only (checked when connecting), at most 3
// redirects, 10 seconds — and the size cap of CertificateRules.MaxBytes
// on top. Give a Fetcher of your own to allow an internal host of a test
// rig (safefetch.WithAllowedHosts) or to trust a test CA.
func WithFetcher(f *safefetch.Fetcher) Option {
	return func(s *Service) error {
		if f == nil {
			return fmt.Errorf("%w: nil fetcher", ErrInvalidOption)
		}
		s.fetch = f
		return nil
	}
}

// defaultFetcher is the fetcher of a Service not given one. It holds
// idle connections only, so one is shared by all.
var defaultFetcher = sync.OnceValues(func() (*safefetch.Fetcher, error) { return safefetch.New() })

// fetcher returns the Service's certificate fetcher.
func (s *Service) fetcher() (*safefetch.Fetcher, error) {
	if s.fetch != nil {
		return s.fetch, nil
	}
	return defaultFetcher()
}

// fetchCertificate fetches a certificate URL. Every failure the caller's
// URL explains is a *DetailsError; its cause goes to the log, never to
// the caller.
func (s *Service) fetchCertificate(ctx context.Context, id string, src certificateSource) ([]byte, error) {
	f, err := s.fetcher()
	if err != nil {
		return nil, fmt.Errorf("onboarding: certificate fetcher: %w", err)
	}
	data, err := f.Get(ctx, src.url)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		var fe *safefetch.Error
		if !errors.As(err, &fe) {
			return nil, fmt.Errorf("onboarding: fetch %s: %w", src.field, err)
		}
		s.logFetch(ctx, id, src, fe)
		return nil, &DetailsError{Field: src.field, Reason: "could not be fetched: " + fe.Reason(), Err: fe}
	}
	if int64(len(data)) > s.certs.MaxBytes {
		fe := &safefetch.Error{Kind: safefetch.TooLarge, Limit: s.certs.MaxBytes}
		return nil, &DetailsError{Field: src.field, Reason: "could not be fetched: " + fe.Reason(), Err: fe}
	}
	return data, nil
}

// logFetch records why a certificate URL could not be fetched, with the
// raw cause (which may name addresses) for the operator.
func (s *Service) logFetch(ctx context.Context, id string, src certificateSource, fe *safefetch.Error) {
	attrs := []slog.Attr{
		slog.String("application", id),
		slog.String("field", src.field),
		slog.String("url", redactURL(src.url)),
		slog.String("reason", fe.Reason()),
	}
	if c := fe.Cause(); c != nil {
		attrs = append(attrs, slog.String("cause", c.Error()))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "onboarding: certificate URL not fetched", attrs...)
}

// redactURL drops the query and any user information, which may carry a
// signature or a token.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// parseCertificate checks a step-3 certificate: its first PEM block is the
// participant's CERTIFICATE, checked; further CERTIFICATE blocks (its
// chain, as a certificate authority issues it) may follow. A private key
// anywhere in it is refused, and so, in a pasted value (stored and
// published as given), is any text outside the PEM blocks. A file fetched
// from a URL may carry such text (openssl's own output does); only its URL
// is stored.
func (s *Service) parseCertificate(field string, data []byte, now time.Time, pasted bool) (time.Time, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return time.Time{}, &DetailsError{Field: field, Reason: "holds no PEM block"}
	}
	if block.Type != "CERTIFICATE" {
		return time.Time{}, &DetailsError{Field: field, Reason: fmt.Sprintf("PEM block is %q, want CERTIFICATE", clip(block.Type))}
	}
	if pasted && len(bytes.TrimSpace(data[:bytes.Index(data, []byte("-----BEGIN"))])) > 0 {
		return time.Time{}, &DetailsError{Field: field, Reason: "holds text before the certificate; give the PEM certificate alone"}
	}
	for next := rest; len(bytes.TrimSpace(next)) > 0; {
		if pasted && !bytes.HasPrefix(bytes.TrimSpace(next), []byte("-----BEGIN")) {
			return time.Time{}, &DetailsError{Field: field, Reason: "holds text after the certificate; give the PEM certificate, and its chain if you like, alone"}
		}
		b, after := pem.Decode(next)
		switch {
		case b != nil && strings.Contains(b.Type, "PRIVATE KEY"):
			return time.Time{}, &DetailsError{Field: field, Reason: "holds a private key; give the certificate alone — never send a private key, and replace this one: it has left your hands"}
		case b != nil && b.Type == "CERTIFICATE":
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return time.Time{}, &DetailsError{Field: field, Reason: "has a chain certificate that is not a valid X.509 certificate", Err: err}
			}
		case b != nil:
			return time.Time{}, &DetailsError{Field: field, Reason: fmt.Sprintf("holds a %q PEM block after the certificate; give the certificate, and its chain if you like, alone", clip(b.Type))}
		case pasted:
			return time.Time{}, &DetailsError{Field: field, Reason: "holds text after the certificate; give the PEM certificate, and its chain if you like, alone"}
		default:
			after = nil // text after the last block of a fetched file
		}
		next = after
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return time.Time{}, &DetailsError{Field: field, Reason: "is not a valid X.509 certificate", Err: err}
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return time.Time{}, &DetailsError{Field: field, Reason: fmt.Sprintf("has a %s key; an RSA key is required", cert.PublicKeyAlgorithm)}
	}
	if bits := pub.N.BitLen(); bits < s.certs.MinRSABits {
		return time.Time{}, &DetailsError{Field: field, Reason: fmt.Sprintf("RSA key has %d bits; at least %d are required", bits, s.certs.MinRSABits)}
	}
	if pub.E < 3 || pub.E%2 == 0 || pub.N.Bit(0) == 0 {
		return time.Time{}, &DetailsError{Field: field,
			Reason: "has an RSA key no one can encrypt to or verify with (its public exponent or modulus is even, or the exponent is below 3): use a key made by standard tools (exponent 65537)"}
	}
	if now.Before(cert.NotBefore) {
		return time.Time{}, &DetailsError{Field: field, Reason: "is not valid until " + cert.NotBefore.UTC().Format(time.RFC3339)}
	}
	if !now.Before(cert.NotAfter) {
		return time.Time{}, &DetailsError{Field: field, Reason: "expired on " + cert.NotAfter.UTC().Format(time.RFC3339)}
	}
	return cert.NotAfter.UTC(), nil
}

// detailsContacts are the addresses told of a live participant's
// change of details: its primary e-mail, its registered admin, and each
// contact of its registered details (its e-mail, else its mobile), as
// many as one write may carry.
func (s *Service) detailsContacts(r *record) []string {
	addrs := []string{r.part.PrimaryEmail, s.registeredAdmin(r)}
	if r.st.Details != nil {
		for _, c := range r.st.Details.Contacts {
			addrs = append(addrs, cmp.Or(strings.TrimSpace(c.Email), strings.TrimSpace(c.Mobile)))
		}
	}
	out := distinctAddresses(addrs...)
	if room := max(registry.MaxOutboxMessages-len(r.messages), 0); len(out) > room {
		out = out[:room]
	}
	return out
}

// checkContacts validates and normalises the contacts.
func checkContacts(in []hcxonboard.Contact) ([]hcxonboard.Contact, error) {
	if len(in) > maxContacts {
		return nil, &DetailsError{Field: FieldContacts, Reason: fmt.Sprintf("more than %d contacts", maxContacts)}
	}
	out := make([]hcxonboard.Contact, 0, len(in))
	for i, c := range in {
		c.Name = strings.TrimSpace(c.Name)
		c.Email = strings.TrimSpace(c.Email)
		field := fmt.Sprintf("%s[%d]", FieldContacts, i)
		if c.Name == "" {
			return nil, &DetailsError{Field: field, Reason: "has no name"}
		}
		if p := verifier.DisplayProblem(c.Name); p != "" {
			// Shown to staff and in notices as the step-1 names are,
			// and refused as they are.
			return nil, &DetailsError{Field: field + ".name", Reason: p}
		}
		if c.Email == "" && strings.TrimSpace(c.Mobile) == "" {
			return nil, &DetailsError{Field: field, Reason: "has neither an e-mail address nor a mobile number"}
		}
		if c.Email != "" {
			if err := verifier.ValidateEmail(c.Email); err != nil {
				return nil, &DetailsError{Field: field + ".email", Reason: err.Error()}
			}
			c.Email = strings.ToLower(c.Email)
		}
		if strings.TrimSpace(c.Mobile) != "" {
			m, err := verifier.NormalizeMobile(c.Mobile)
			if err != nil {
				return nil, &DetailsError{Field: field + ".mobile", Reason: err.Error()}
			}
			c.Mobile = m
		}
		out = append(out, c)
	}
	return out, nil
}

// paymentChange tells of a change of payment details — where the
// participant's money goes — with the new ones masked, or "" when they
// did not change.
func paymentChange(was, now *hcxonboard.PaymentDetails) string {
	switch {
	case was == nil && now == nil, was != nil && now != nil && *was == *now:
		return ""
	case now == nil:
		return "Its payment details were removed."
	}
	return "Its payment details were changed to " + now.String() + "."
}
