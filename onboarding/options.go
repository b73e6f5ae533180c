package onboarding

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Defaults for the policies the options set.
const (
	// DefaultOTPTTL is how long a one-time code lives: 10 minutes.
	DefaultOTPTTL = 10 * time.Minute
	// DefaultOTPAttempts is how many wrong tries lock a code.
	DefaultOTPAttempts = 3
	// DefaultOTPResendsPerDay is how many new codes a task may ask for in
	// one (UTC) day.
	DefaultOTPResendsPerDay = 5
	// DefaultNoticePeriod is the warning an involuntary de-boarding gives
	// before it takes effect: 30 days.
	DefaultNoticePeriod = 30 * 24 * time.Hour
	// DefaultMinRSABits is the smallest RSA key a certificate may carry.
	DefaultMinRSABits = 2048
	// DefaultCertificateMaxBytes caps a certificate fetched from a URL.
	DefaultCertificateMaxBytes = 64 << 10
	// maxCertificateBytes is the cap's upper bound.
	maxCertificateBytes = 1 << 20
)

// Option configures a Service. Each option checks its argument; New
// returns the first error.
type Option func(*Service) error

// FacilityOTP is what the engine needs of HFR for ABDM facilities: the
// manager's contact as HFR holds it (for the intimation), and HFR's own
// OTP sent to that manager. *hfr.Client satisfies it. ValidateFacilityOTP
// is called once per confirmation and never retried; a wrong code is
// reported as an error wrapping hfr.ErrOTPRejected.
type FacilityOTP interface {
	FacilityContact(ctx context.Context, facilityID string) (hfr.FacilityContact, error)
	SendFacilityOTP(ctx context.Context, facilityID string) (hfr.OTPTransaction, error)
	ValidateFacilityOTP(ctx context.Context, facilityID, txnID, otp string) error
}

var _ FacilityOTP = (*hfr.Client)(nil)

// EndpointRules constrain the endpoint_url a participant registers.
type EndpointRules struct {
	// AllowPort permits an explicit port in the URL (https://host:8443/).
	AllowPort bool
	// Denied are the HCX's own URLs (gateway, APIs): an endpoint equal to
	// one of them, or under its path, is refused.
	Denied []string
}

// CertificateRules constrain the encryption and signing certificates.
type CertificateRules struct {
	// MinRSABits is the smallest RSA modulus accepted (default and floor
	// 2048).
	MinRSABits int
	// HTTPClient is no longer used and must be nil: certificates given as
	// https URLs are fetched through the safe fetcher of WithFetcher, which
	// refuses internal addresses. It stays so that old code fails clearly
	// (WithCertificateRules refuses a non-nil one) rather than silently.
	HTTPClient *http.Client
	// MaxBytes caps a fetched certificate (default 64 KiB, at most 1 MiB).
	MaxBytes int64
}

// OTPPolicy governs one-time codes. Zero fields take the defaults.
type OTPPolicy struct {
	TTL           time.Duration // default DefaultOTPTTL
	Attempts      int           // wrong tries before the code locks; default DefaultOTPAttempts
	ResendsPerDay int           // default DefaultOTPResendsPerDay
}

// WithVerifier sets the verification rules run at Submit and Recheck
// (default: verifier.New() with its built-in policies and no registries,
// so online checks stay pending for review). The requirement IDs of the
// engine's own tasks — RequirementIdentityDispute, RequirementAmendment,
// RequirementCertificateExpired — are not the verifier's to use: New
// refuses a verifier whose policies name one, and a report carrying one
// fails the verification. A verifier that panics fails the Submit or
// Recheck with an error as its error would, nothing stored; the panic is
// logged with its stack, never its value.
func WithVerifier(v verifier.Verifier) Option {
	return func(s *Service) error {
		if v == nil {
			return fmt.Errorf("%w: nil verifier", ErrInvalidOption)
		}
		s.verifier = v
		return nil
	}
}

// WithSandbox makes the engine check the sandbox certificate itself
// (step 1) with v and its trust list: an invalid or inapplicable
// certificate rejects the application before anything is registered.
// Without it the verifier's sandbox_certificate requirement decides.
//
// With it, the certificate is checked once per Submit or Recheck, by v:
// the verifier (WithVerifier) sees the application without its sandbox
// certificate, and the engine's result takes the place of the verifier's
// sandbox_certificate result. So a verifier built with
// verifier.WithSandboxVerifier may be wired too — harmless, and it costs
// no second signature check — but it is never consulted about the
// certificate. One result of the verifier stands all the same: roles
// refused on the operator's own policy (a verifier.Resolver that does
// not take a role; its finding is verifier.FindingRoles from
// verifier.SourceOperator), which no certificate changes. A settled result is kept: Recheck checks the certificate
// again only while it is pending (its keys or revocation status could
// not be fetched, say).
func WithSandbox(v *sandbox.Verifier) Option {
	return func(s *Service) error {
		if v == nil {
			return fmt.Errorf("%w: nil sandbox verifier", ErrInvalidOption)
		}
		s.sandbox = v
		return nil
	}
}

// WithNotifier sets where outbound messages go. It is required: without
// it no one-time code could reach an applicant.
func WithNotifier(n Notifier) Option {
	return func(s *Service) error {
		if n == nil {
			return fmt.Errorf("%w: nil notifier", ErrInvalidOption)
		}
		s.notifier = n
		return nil
	}
}

// WithCodeGenerator sets the participant-code generator (default:
// credential.PlatformCodes for the instance code, over the random source).
func WithCodeGenerator(g credential.CodeGenerator) Option {
	return func(s *Service) error {
		if g == nil {
			return fmt.Errorf("%w: nil code generator", ErrInvalidOption)
		}
		s.codes = g
		return nil
	}
}

// WithSecrets sets the production-secret minter (default:
// credential.NewSecrets with the engine's clock and random source).
func WithSecrets(x *credential.Secrets) Option {
	return func(s *Service) error {
		if x == nil {
			return fmt.Errorf("%w: nil secrets", ErrInvalidOption)
		}
		s.secrets = x
		return nil
	}
}

// WithTokens sets the access-token issuer. Without it Token and
// VerifyToken return ErrNotConfigured and JWKSHandler answers 404: the
// signing key is the operator's to choose and to share between replicas.
func WithTokens(t *credential.Tokens) Option {
	return func(s *Service) error {
		if t == nil {
			return fmt.Errorf("%w: nil tokens", ErrInvalidOption)
		}
		s.tokens = t
		return nil
	}
}

// WithClock sets the time source (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Service) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		s.now = now
		return nil
	}
}

// WithRand sets the random source for application ids, one-time codes and
// salts (default crypto/rand). It need not be safe for concurrent use.
func WithRand(r io.Reader) Option {
	return func(s *Service) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidOption)
		}
		s.rand = &lockedReader{r: r}
		return nil
	}
}

// WithInstanceCode sets the HCX instance code that ends participant codes
// ("hcx" gives "hosp_apollo_123456@hcx"). Required.
func WithInstanceCode(code string) Option {
	return func(s *Service) error {
		if err := checkInstanceCode(code); err != nil {
			return err
		}
		s.instance = code
		return nil
	}
}

// WithEndpointRules sets the endpoint_url rules (default: no port, nothing
// denied).
func WithEndpointRules(r EndpointRules) Option {
	return func(s *Service) error {
		denied := make([]*url.URL, 0, len(r.Denied))
		for _, d := range r.Denied {
			u, err := url.Parse(strings.TrimSpace(d))
			if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				return fmt.Errorf("%w: denied endpoint %q is not an absolute http(s) URL", ErrInvalidOption, clip(d))
			}
			denied = append(denied, u)
		}
		s.endpoints = endpointRules{allowPort: r.AllowPort, denied: denied}
		return nil
	}
}

// WithCertificateRules sets the certificate rules.
func WithCertificateRules(r CertificateRules) Option {
	return func(s *Service) error {
		switch {
		case r.MinRSABits == 0:
			r.MinRSABits = DefaultMinRSABits
		case r.MinRSABits < DefaultMinRSABits:
			return fmt.Errorf("%w: MinRSABits %d is below %d", ErrInvalidOption, r.MinRSABits, DefaultMinRSABits)
		case r.MinRSABits > 16384:
			return fmt.Errorf("%w: MinRSABits %d is over 16384", ErrInvalidOption, r.MinRSABits)
		}
		switch {
		case r.MaxBytes == 0:
			r.MaxBytes = DefaultCertificateMaxBytes
		case r.MaxBytes < 0 || r.MaxBytes > maxCertificateBytes:
			return fmt.Errorf("%w: MaxBytes %d is outside 1..%d", ErrInvalidOption, r.MaxBytes, maxCertificateBytes)
		}
		if r.HTTPClient != nil {
			return fmt.Errorf("%w: CertificateRules.HTTPClient is not used: certificate URLs are fetched through WithFetcher (a safefetch.Fetcher)", ErrInvalidOption)
		}
		s.certs = r
		return nil
	}
}

// WithFacilityOTP sets the HFR client used for ABDM facilities' OTP and
// the manager's intimation. Without it, a facility-manager OTP the
// verifier asks for becomes a staff review task. A client that panics is
// taken for HFR being unavailable (logged with the stack, never the
// panic's value): no code counts as right, a reserved attempt is given
// back.
func WithFacilityOTP(f FacilityOTP) Option {
	return func(s *Service) error {
		if f == nil {
			return fmt.Errorf("%w: nil facility OTP client", ErrInvalidOption)
		}
		s.facility = f
		return nil
	}
}

// WithOTPPolicy sets the one-time code policy; zero fields keep the
// defaults.
func WithOTPPolicy(p OTPPolicy) Option {
	return func(s *Service) error {
		switch {
		case p.TTL < 0 || p.TTL > 24*time.Hour:
			return fmt.Errorf("%w: OTP TTL %v is outside 0..24h", ErrInvalidOption, p.TTL)
		case p.Attempts < 0 || p.Attempts > 10:
			return fmt.Errorf("%w: OTP attempts %d is outside 0..10", ErrInvalidOption, p.Attempts)
		case p.ResendsPerDay < 0 || p.ResendsPerDay > 100:
			return fmt.Errorf("%w: OTP resends per day %d is outside 0..100", ErrInvalidOption, p.ResendsPerDay)
		}
		if p.TTL == 0 {
			p.TTL = DefaultOTPTTL
		}
		if p.Attempts == 0 {
			p.Attempts = DefaultOTPAttempts
		}
		if p.ResendsPerDay == 0 {
			p.ResendsPerDay = DefaultOTPResendsPerDay
		}
		s.otp = p
		return nil
	}
}

// WithOTPKey sets a server-side key mixed into every one-time-code hash
// (HMAC-SHA-256 over the per-task salt and the code). Without it a copy of
// the store would let someone try all million codes of a live task
// offline; with it they also need the key. Share it between replicas and
// keep it outside the registry database. At least 32 bytes; required.
func WithOTPKey(key []byte) Option {
	return func(s *Service) error {
		if len(key) < 32 {
			return fmt.Errorf("%w: OTP key has %d bytes, want at least 32", ErrInvalidOption, len(key))
		}
		s.otpKey = append([]byte(nil), key...)
		return nil
	}
}

// WithNoticePeriod sets how long an involuntary de-boarding waits, after
// its warning, before it takes effect (default DefaultNoticePeriod).
func WithNoticePeriod(d time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return fmt.Errorf("%w: notice period %v is not positive", ErrInvalidOption, d)
		}
		s.notice = d
		return nil
	}
}

// WithLogger sets the logger (default: discard). The engine logs
// transitions and delivery failures, never a code, a secret or a token.
// Everything it logs passes through hcxonboard.RedactingHandler, so e-mail
// addresses and mobile numbers are masked even inside error texts that
// came from elsewhere (a mail server's "550 <address> rejected").
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		s.log = slog.New(hcxonboard.RedactingHandler(l.Handler()))
		return nil
	}
}

// checkInstanceCode applies the participant-code rule for the instance
// part: 1–63 ASCII letters, digits, inner '-' or '.'.
func checkInstanceCode(code string) error {
	if code == "" || len(code) > 63 {
		return fmt.Errorf("%w: instance code must have 1 to 63 characters", ErrInvalidOption)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		inner := (c == '-' || c == '.') && i > 0 && i < len(code)-1
		if !alnum && !inner {
			return fmt.Errorf("%w: instance code %q: only letters, digits and inner '-' or '.'", ErrInvalidOption, clip(code))
		}
	}
	return nil
}

// clip shortens untrusted text before it goes into an error message.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return strings.ToValidUTF8(s, "?")
	}
	return strings.ToValidUTF8(s[:n], "?") + "…"
}

// WithAuditKey has the engine seal the last audit event of every write
// with key (Ed25519, ECDSA P-256 or RSA of at least 2048 bits: the
// operator's signing key, kept outside the database), and VerifyChain
// check the seals against key's public key and previous — the public keys
// of earlier audit keys, so that trails sealed before a rotation still
// verify. The hash chain alone can be rewritten by anyone who can write to
// the database; the seals cannot without the key. See
// registry.VerifySealedChain for what a seal proves and what it cannot
// (a trail cut back to an earlier checkpoint). Default: no seals.
func WithAuditKey(key crypto.Signer, previous ...crypto.PublicKey) Option {
	return func(s *Service) error {
		if key == nil {
			return fmt.Errorf("%w: nil audit key", ErrInvalidOption)
		}
		probe := registry.Chain(nil, registry.Event{ApplicationID: "probe", Action: "probe"})
		if err := registry.SealEvent(&probe[0], key); err != nil {
			return fmt.Errorf("%w: audit key: %w", ErrInvalidOption, err)
		}
		s.auditKey = key
		s.auditKeys = append([]crypto.PublicKey{key.Public()}, previous...)
		return nil
	}
}

// WithReadBeforeApproval sets whether a document review (a task that
// reads a held document, Task.Document) is approved only by a reviewer
// who was served that document — that very upload, which an amendment or
// a new upload replaces with another — as RecordDocumentView records it
// (the console and the staff API record every document they serve).
// Otherwise Decide refuses the approval with ErrNotRead. Rejecting needs
// no reading: a document that will not open is rejected too. Default:
// on. Turn it off only where staff read documents somewhere that does not
// call RecordDocumentView.
func WithReadBeforeApproval(on bool) Option {
	return func(s *Service) error {
		s.readFirst = on
		return nil
	}
}

// WithFourEyes sets whether the person who approved an application's
// reviews or approvals is refused when they try to take it live
// (ErrFourEyes). Every round counts: a review approved before a send-back
// is superseded by the amendment, but its approver still may not take the
// application live. Default: on. Turn it off only where one person runs the
// operator.
func WithFourEyes(on bool) Option {
	return func(s *Service) error {
		s.fourEyes = on
		return nil
	}
}
