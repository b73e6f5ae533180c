package credential

import (
	crand "crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SecretPrefix starts every production access secret. A secret is
//
//	"hcxs_" + base64url(32 random bytes) + base64url(CRC-32 of what precedes)
//
// 54 characters in all (5 + 43 + 6), matched by the pattern
// hcxs_[A-Za-z0-9_-]{49}. The prefix lets secret scanners find a leaked
// secret in a repository or a log; the checksum lets them (and Check)
// tell a real secret from a typo without any lookup.
const SecretPrefix = "hcxs_"

const (
	secretBytes   = 32 // 256 bits of entropy
	secretBodyLen = 43 // base64url(32 bytes), unpadded
	secretSumLen  = 6  // base64url(4 bytes), unpadded
	// SecretLen is the length of every production access secret.
	SecretLen = len(SecretPrefix) + secretBodyLen + secretSumLen

	// DefaultSecretTTL is how long a secret lives unless WithTTL says
	// otherwise: 90 days, the reference platform's api-access expiry.
	DefaultSecretTTL = 90 * 24 * time.Hour
)

var b64 = base64.RawURLEncoding.Strict()

// SecretRecord is what the operator keeps of a secret: never the secret,
// only its SHA-256. A fast hash is right here, unlike for passwords: the
// secret holds 256 random bits, so nobody can guess it from the hash
// however many guesses per second the hash allows, and a slow KDF would
// only slow every API call down.
//
// Records marshal to JSON for storage inside the application record.
type SecretRecord struct {
	// ID names the record (a random UUID); it is not secret.
	ID string `json:"id"`
	// Hash is the lower-case hex SHA-256 of the whole secret string.
	Hash      string     `json:"hash"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Revoked reports whether r has been revoked.
func (r SecretRecord) Revoked() bool { return r.RevokedAt != nil }

// Expired reports whether r's expiry has passed at now. A record with no
// expiry counts as expired: a damaged record must fail closed.
func (r SecretRecord) Expired(now time.Time) bool {
	return r.ExpiresAt.IsZero() || !now.Before(r.ExpiresAt)
}

// Live reports whether r would accept its secret at now.
func (r SecretRecord) Live(now time.Time) bool { return !r.Revoked() && !r.Expired(now) }

func (r SecretRecord) clone() SecretRecord {
	if r.RevokedAt != nil {
		t := *r.RevokedAt
		r.RevokedAt = &t
	}
	return r
}

// Secrets mints and checks production access secrets. It keeps no state of
// its own: the caller stores the records it returns. A Secrets is safe for
// concurrent use; the zero value uses the defaults.
type Secrets struct {
	ttl  time.Duration
	now  func() time.Time
	rand io.Reader
}

// NewSecrets returns a Secrets configured by opts.
func NewSecrets(opts ...SecretOption) (*Secrets, error) {
	s := &Secrets{ttl: DefaultSecretTTL, now: time.Now, rand: newLockedReader(nil)}
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: nil SecretOption", ErrInvalidOption)
		}
		if err := opt.applySecrets(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// time returns the clock's time in UTC without a monotonic reading, so that
// records compare equal after a JSON round trip.
func (s *Secrets) time() time.Time {
	if s.now == nil {
		return time.Now().UTC()
	}
	return s.now().UTC()
}

// New mints a secret and its record. Show plain to the participant once and
// store only rec.
func (s *Secrets) New() (plain string, rec SecretRecord, err error) {
	return s.mint(s.time())
}

func (s *Secrets) mint(now time.Time) (string, SecretRecord, error) {
	r, ttl := s.rand, s.ttl
	if r == nil {
		r = crand.Reader
	}
	if ttl <= 0 {
		ttl = DefaultSecretTTL
	}
	var raw [secretBytes]byte
	if err := readFull(r, raw[:]); err != nil {
		return "", SecretRecord{}, err
	}
	id, err := uuid.NewRandomFromReader(r)
	if err != nil {
		return "", SecretRecord{}, fmt.Errorf("credential: record id: %w", err)
	}
	buf := make([]byte, 0, SecretLen)
	buf = append(buf, SecretPrefix...)
	buf = b64.AppendEncode(buf, raw[:])
	buf = appendChecksum(buf)
	plain := string(buf)
	return plain, SecretRecord{
		ID:        id.String(),
		Hash:      hashSecret(plain),
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
	}, nil
}

// appendChecksum appends the base64url CRC-32 (IEEE) of buf to buf.
func appendChecksum(buf []byte) []byte {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(buf))
	return b64.AppendEncode(buf, sum[:])
}

func hashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// parseSecret checks the shape of plain: prefix, length, encoding and
// checksum. Errors never include the input.
func parseSecret(plain string) error {
	if !strings.HasPrefix(plain, SecretPrefix) {
		return fmt.Errorf("%w: missing the %q prefix", ErrMalformedSecret, SecretPrefix)
	}
	if len(plain) != SecretLen {
		return fmt.Errorf("%w: %d characters, want %d", ErrMalformedSecret, len(plain), SecretLen)
	}
	body := plain[len(SecretPrefix) : len(SecretPrefix)+secretBodyLen]
	var raw [secretBytes]byte
	if n, err := b64.Decode(raw[:], []byte(body)); err != nil || n != secretBytes {
		return fmt.Errorf("%w: not base64url", ErrMalformedSecret)
	}
	var sum [4]byte
	if n, err := b64.Decode(sum[:], []byte(plain[len(plain)-secretSumLen:])); err != nil || n != len(sum) {
		return fmt.Errorf("%w: checksum is not base64url", ErrMalformedSecret)
	}
	if binary.BigEndian.Uint32(sum[:]) != crc32.ChecksumIEEE([]byte(plain[:len(plain)-secretSumLen])) {
		return fmt.Errorf("%w: checksum mismatch (mistyped?)", ErrMalformedSecret)
	}
	return nil
}

// Check returns the record that plain belongs to. It hashes plain once and
// compares the hash with every record's in constant time, without stopping
// at the first match, so timing tells nothing about which record matched.
// It does that work before it looks at plain's shape, so a malformed secret
// costs what a well-formed one does.
//
// Errors: ErrMalformedSecret when plain is not shaped like a secret;
// ErrInvalidSecret when it matches no record or only a revoked one (one
// error for both, so a caller cannot probe for secrets that once existed);
// ErrSecretExpired when it matches a record past its expiry. The errors
// tell the operator what went wrong; a caller that answers someone outside
// should answer every one of them alike (onboarding does).
func (s *Secrets) Check(plain string, recs []SecretRecord) (SecretRecord, error) {
	want := sha256.Sum256([]byte(plain))
	match := -1
	var got [sha256.Size]byte
	for i := range recs {
		// A damaged hash — short, long or not hex — can never match; it
		// still costs a comparison like any other record. No more than a
		// hash's length is decoded, so a long one cannot overrun got.
		h := recs[i].Hash
		if len(h) > 2*sha256.Size {
			h = h[:2*sha256.Size]
		}
		n, _ := hex.Decode(got[:], []byte(h))
		eq := subtle.ConstantTimeCompare(got[:], want[:]) & subtle.ConstantTimeEq(int32(n), sha256.Size) &
			subtle.ConstantTimeEq(int32(len(recs[i].Hash)), 2*sha256.Size)
		if eq == 1 && match < 0 {
			match = i
		}
	}
	if err := parseSecret(plain); err != nil {
		return SecretRecord{}, err
	}
	if match < 0 || recs[match].Revoked() {
		return SecretRecord{}, ErrInvalidSecret
	}
	if recs[match].Expired(s.time()) {
		return SecretRecord{}, fmt.Errorf("%w: record %s expired at %s", ErrSecretExpired,
			recs[match].ID, recs[match].ExpiresAt.Format(time.RFC3339))
	}
	return recs[match].clone(), nil
}

// Rotate mints a new secret and shortens the life of the ones it replaces:
// every older live record now expires at the earlier of its own expiry and
// now+overlap, so clients can switch over without downtime. overlap 0
// retires the old secrets at once; a negative overlap is an error. recs is
// not modified; updated holds copies of recs followed by the new record.
func (s *Secrets) Rotate(recs []SecretRecord, overlap time.Duration) (plain string, updated []SecretRecord, err error) {
	if overlap < 0 {
		return "", nil, fmt.Errorf("%w: rotation overlap %v is negative", ErrInvalidArgument, overlap)
	}
	now := s.time()
	plain, rec, err := s.mint(now)
	if err != nil {
		return "", nil, err
	}
	cutoff := now.Add(overlap)
	updated = make([]SecretRecord, 0, len(recs)+1)
	for _, r := range recs {
		r = r.clone()
		if r.Live(now) && cutoff.Before(r.ExpiresAt) {
			r.ExpiresAt = cutoff
		}
		updated = append(updated, r)
	}
	return plain, append(updated, rec), nil
}

// RevokeAll answers a compromise report: it returns copies of recs with
// every record revoked now (records revoked earlier keep their time). Tokens
// issued before the report are the caller's to refuse: see NotIssuedBefore.
func (s *Secrets) RevokeAll(recs []SecretRecord) []SecretRecord {
	now := s.time()
	out := make([]SecretRecord, len(recs))
	for i, r := range recs {
		r = r.clone()
		if r.RevokedAt == nil {
			t := now
			r.RevokedAt = &t
		}
		out[i] = r
	}
	return out
}
