package credential

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestSecrets(t *testing.T, opts ...SecretOption) (*Secrets, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	s, err := NewSecrets(append([]SecretOption{WithClock(clock.Now)}, opts...)...)
	require.NoError(t, err)
	return s, clock
}

func TestSecretFormat(t *testing.T) {
	t.Parallel()
	s, clock := newTestSecrets(t)
	scanner := regexp.MustCompile(`^hcxs_[A-Za-z0-9_-]{49}$`)
	seen := map[string]bool{}
	for range 200 {
		plain, rec, err := s.New()
		require.NoError(t, err)
		require.Regexp(t, scanner, plain)
		require.Len(t, plain, SecretLen)
		require.True(t, strings.HasPrefix(plain, SecretPrefix))

		raw, err := base64.RawURLEncoding.DecodeString(plain[len(SecretPrefix) : len(SecretPrefix)+43])
		require.NoError(t, err)
		assert.Len(t, raw, 32, "256 bits of randomness")

		assert.Regexp(t, `^[0-9a-f]{64}$`, rec.Hash)
		assert.NotEmpty(t, rec.ID)
		assert.Equal(t, clock.Now(), rec.CreatedAt)
		assert.Equal(t, clock.Now().Add(DefaultSecretTTL), rec.ExpiresAt)
		assert.Nil(t, rec.RevokedAt)
		assert.False(t, seen[plain])
		seen[plain] = true
	}
}

func TestSecretRecordNeverHoldsTheSecret(t *testing.T) {
	t.Parallel()
	s, _ := newTestSecrets(t)
	plain, rec, err := s.New()
	require.NoError(t, err)
	recs := s.RevokeAll([]SecretRecord{rec})
	for _, r := range []SecretRecord{rec, recs[0]} {
		data, err := json.Marshal(r)
		require.NoError(t, err)
		body := plain[len(SecretPrefix):]
		assert.NotContains(t, string(data), plain)
		assert.NotContains(t, string(data), body)
		assert.NotContains(t, string(data), body[:20], "not even part of it")

		var back SecretRecord
		require.NoError(t, json.Unmarshal(data, &back))
		assert.Equal(t, r, back, "records survive a JSON round trip")
	}
	data, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"`+rec.ID+`","hash":"`+rec.Hash+`","created_at":"2026-03-01T10:00:00Z","expires_at":"2026-05-30T10:00:00Z"}`, string(data))
}

func TestSecretCheck(t *testing.T) {
	t.Parallel()
	s, _ := newTestSecrets(t)
	plain, rec, err := s.New()
	require.NoError(t, err)
	other, otherRec, err := s.New()
	require.NoError(t, err)
	stranger, _, err := s.New()
	require.NoError(t, err)

	revoked := otherRec
	when := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	revoked.RevokedAt = &when
	damaged := rec
	damaged.Hash = "zz" + rec.Hash[2:]

	tests := []struct {
		name    string
		plain   string
		recs    []SecretRecord
		want    SecretRecord
		wantErr error
	}{
		{"right secret", plain, []SecretRecord{rec}, rec, nil},
		{"right secret among several", other, []SecretRecord{rec, otherRec}, otherRec, nil},
		{"unknown secret", stranger, []SecretRecord{rec, otherRec}, SecretRecord{}, ErrInvalidSecret},
		{"no records", plain, nil, SecretRecord{}, ErrInvalidSecret},
		{"revoked", other, []SecretRecord{rec, revoked}, SecretRecord{}, ErrInvalidSecret},
		{"damaged stored hash", plain, []SecretRecord{damaged}, SecretRecord{}, ErrInvalidSecret},
		{"upper-case stored hash", plain, []SecretRecord{{ID: rec.ID, Hash: strings.ToUpper(rec.Hash), CreatedAt: rec.CreatedAt, ExpiresAt: rec.ExpiresAt}},
			SecretRecord{ID: rec.ID, Hash: strings.ToUpper(rec.Hash), CreatedAt: rec.CreatedAt, ExpiresAt: rec.ExpiresAt}, nil},
		{"truncated stored hash", plain, []SecretRecord{{ID: "x", Hash: rec.Hash[:32], ExpiresAt: rec.ExpiresAt}}, SecretRecord{}, ErrInvalidSecret},
		{"lengthened stored hash", plain, []SecretRecord{{ID: "x", Hash: rec.Hash + "00", ExpiresAt: rec.ExpiresAt}}, SecretRecord{}, ErrInvalidSecret},
		{"a long damaged hash before the right one", plain, []SecretRecord{{ID: "x", Hash: rec.Hash + rec.Hash, ExpiresAt: rec.ExpiresAt}, rec}, rec, nil},
		{"record without expiry fails closed", plain, []SecretRecord{{ID: "x", Hash: rec.Hash}}, SecretRecord{}, ErrSecretExpired},
		{"empty", "", []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"no prefix", strings.TrimPrefix(plain, SecretPrefix), []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"other prefix", "ghp_" + plain[len(SecretPrefix)-1:], []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"truncated", plain[:len(plain)-1], []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"extended", plain + "A", []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"surrounding space", " " + plain, []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
		{"not base64url", plain[:10] + "+" + plain[11:], []SecretRecord{rec}, SecretRecord{}, ErrMalformedSecret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Check(tc.plain, tc.recs)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, SecretRecord{}, got)
				if tc.plain != "" {
					assert.NotContains(t, err.Error(), tc.plain[len(tc.plain)/2:], "errors never quote the secret")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// An unknown secret and a revoked one must be indistinguishable.
func TestSecretUnknownAndRevokedLookAlike(t *testing.T) {
	t.Parallel()
	s, _ := newTestSecrets(t)
	plain, rec, err := s.New()
	require.NoError(t, err)
	stranger, _, err := s.New()
	require.NoError(t, err)
	revoked := s.RevokeAll([]SecretRecord{rec})

	_, errRevoked := s.Check(plain, revoked)
	_, errUnknown := s.Check(stranger, revoked)
	require.ErrorIs(t, errRevoked, ErrInvalidSecret)
	assert.Equal(t, errUnknown, errRevoked)
}

// Every single-character typo is caught by the checksum, before any record
// is consulted.
func TestSecretChecksumCatchesTypos(t *testing.T) {
	t.Parallel()
	s, _ := newTestSecrets(t)
	plain, rec, err := s.New()
	require.NoError(t, err)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := len(SecretPrefix); i < len(plain); i++ {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, plain[i])+1)%64], alphabet[(strings.IndexByte(alphabet, plain[i])+37)%64]} {
			typo := plain[:i] + string(c) + plain[i+1:]
			_, err := s.Check(typo, []SecretRecord{rec})
			require.ErrorIs(t, err, ErrMalformedSecret, "typo at %d", i)
		}
	}
	// Two neighbouring characters swapped.
	for i := len(SecretPrefix); i < len(plain)-1; i++ {
		if plain[i] == plain[i+1] {
			continue
		}
		swapped := plain[:i] + string(plain[i+1]) + string(plain[i]) + plain[i+2:]
		_, err := s.Check(swapped, []SecretRecord{rec})
		require.ErrorIs(t, err, ErrMalformedSecret, "swap at %d", i)
	}
	_, err = s.Check(plain, []SecretRecord{rec})
	require.NoError(t, err)
}

func TestSecretExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []SecretOption
		after   time.Duration
		wantErr error
	}{
		{"fresh", nil, 0, nil},
		{"just before 90 days", nil, DefaultSecretTTL - time.Nanosecond, nil},
		{"at 90 days", nil, DefaultSecretTTL, ErrSecretExpired},
		{"after 90 days", nil, DefaultSecretTTL + time.Hour, ErrSecretExpired},
		{"custom TTL, inside", []SecretOption{WithTTL(time.Hour)}, 59 * time.Minute, nil},
		{"custom TTL, past", []SecretOption{WithTTL(time.Hour)}, time.Hour, ErrSecretExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, clock := newTestSecrets(t, tc.opts...)
			plain, rec, err := s.New()
			require.NoError(t, err)
			clock.Advance(tc.after)
			got, err := s.Check(plain, []SecretRecord{rec})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.NotErrorIs(t, err, ErrInvalidSecret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, rec, got)
		})
	}
}

func TestSecretRotate(t *testing.T) {
	t.Parallel()
	s, clock := newTestSecrets(t)
	oldPlain, oldRec, err := s.New()
	require.NoError(t, err)
	clock.Advance(24 * time.Hour)

	recs := []SecretRecord{oldRec}
	snapshot := append([]SecretRecord(nil), recs...)
	newPlain, updated, err := s.Rotate(recs, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, snapshot, recs, "Rotate leaves its input alone")
	require.Len(t, updated, 2)
	assert.Equal(t, clock.Now().Add(time.Hour), updated[0].ExpiresAt)
	assert.Equal(t, clock.Now().Add(DefaultSecretTTL), updated[1].ExpiresAt)
	assert.NotEqual(t, oldPlain, newPlain)

	steps := []struct {
		advance       time.Duration
		oldErr, newOK error
	}{
		{0, nil, nil},
		{59 * time.Minute, nil, nil},
		{time.Minute, ErrSecretExpired, nil}, // the overlap has ended
		{30 * 24 * time.Hour, ErrSecretExpired, nil},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		_, err := s.Check(oldPlain, updated)
		if st.oldErr != nil {
			require.ErrorIs(t, err, st.oldErr)
		} else {
			require.NoError(t, err)
		}
		got, err := s.Check(newPlain, updated)
		require.NoError(t, err)
		assert.Equal(t, updated[1], got)
	}
}

func TestSecretRotateOverlapRules(t *testing.T) {
	t.Parallel()
	s, clock := newTestSecrets(t, WithTTL(2*time.Hour))
	_, live, err := s.New()
	require.NoError(t, err)
	now := clock.Now()
	expired := SecretRecord{ID: "expired", Hash: live.Hash, CreatedAt: now.Add(-3 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	revokedAt := now.Add(-time.Minute)
	revoked := SecretRecord{ID: "revoked", Hash: live.Hash, CreatedAt: now, ExpiresAt: now.Add(time.Hour), RevokedAt: &revokedAt}

	tests := []struct {
		name    string
		overlap time.Duration
		want    []time.Time // expiries of live, expired, revoked after rotation
	}{
		{"overlap shorter than remaining life", 30 * time.Minute, []time.Time{now.Add(30 * time.Minute), expired.ExpiresAt, revoked.ExpiresAt}},
		{"overlap longer than remaining life keeps expiry", 10 * time.Hour, []time.Time{live.ExpiresAt, expired.ExpiresAt, revoked.ExpiresAt}},
		{"zero overlap retires at once", 0, []time.Time{now, expired.ExpiresAt, revoked.ExpiresAt}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, updated, err := s.Rotate([]SecretRecord{live, expired, revoked}, tc.overlap)
			require.NoError(t, err)
			require.Len(t, updated, 4)
			for i, want := range tc.want {
				assert.Equal(t, want, updated[i].ExpiresAt, updated[i].ID)
			}
			assert.Equal(t, &revokedAt, updated[2].RevokedAt)
		})
	}

	_, _, err = s.Rotate([]SecretRecord{live}, -time.Second)
	require.ErrorIs(t, err, ErrInvalidArgument)
}

func TestSecretRevokeAll(t *testing.T) {
	t.Parallel()
	s, clock := newTestSecrets(t)
	p1, r1, err := s.New()
	require.NoError(t, err)
	p2, recs, err := s.Rotate([]SecretRecord{r1}, 24*time.Hour)
	require.NoError(t, err)
	earlier := clock.Now().Add(-time.Hour)
	stored := earlier
	recs = append(recs, SecretRecord{ID: "old", Hash: recs[0].Hash, ExpiresAt: clock.Now().Add(time.Hour), RevokedAt: &stored})
	for _, p := range []string{p1, p2} {
		_, err := s.Check(p, recs)
		require.NoError(t, err)
	}

	clock.Advance(time.Minute)
	revoked := s.RevokeAll(recs)
	require.Len(t, revoked, len(recs))
	assert.Equal(t, clock.Now(), *revoked[0].RevokedAt)
	assert.Equal(t, clock.Now(), *revoked[1].RevokedAt)
	assert.Equal(t, earlier, *revoked[2].RevokedAt, "earlier revocations keep their time")
	assert.Nil(t, recs[0].RevokedAt, "input left alone")
	assert.Nil(t, recs[1].RevokedAt, "input left alone")
	for _, p := range []string{p1, p2} {
		_, err := s.Check(p, revoked)
		require.ErrorIs(t, err, ErrInvalidSecret)
	}
	// The copy is deep: changing a returned time leaves the input's alone.
	*revoked[2].RevokedAt = time.Time{}
	assert.Equal(t, earlier, *recs[2].RevokedAt)
	assert.Empty(t, s.RevokeAll(nil))
}

func TestNewSecretsOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []SecretOption
		ok   bool
	}{
		{"defaults", nil, true},
		{"ttl", []SecretOption{WithTTL(time.Minute)}, true},
		{"zero ttl", []SecretOption{WithTTL(0)}, false},
		{"negative ttl", []SecretOption{WithTTL(-time.Hour)}, false},
		{"nil clock", []SecretOption{WithClock(nil)}, false},
		{"nil rand", []SecretOption{WithRand(nil)}, false},
		{"nil option", []SecretOption{nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSecrets(tc.opts...)
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, s)
				return
			}
			require.ErrorIs(t, err, ErrInvalidOption)
			require.Nil(t, s)
		})
	}
}

func TestSecretsRandomSource(t *testing.T) {
	t.Parallel()
	a, _ := newTestSecrets(t, WithRand(seeded(5)))
	b, _ := newTestSecrets(t, WithRand(seeded(5)))
	pa, ra, err := a.New()
	require.NoError(t, err)
	pb, rb, err := b.New()
	require.NoError(t, err)
	assert.Equal(t, pa, pb, "a fixed source gives fixed secrets")
	assert.Equal(t, ra, rb)

	boom := errors.New("no entropy")
	c, _ := newTestSecrets(t, WithRand(iotest.ErrReader(boom)))
	plain, rec, err := c.New()
	require.ErrorIs(t, err, boom)
	assert.Empty(t, plain)
	assert.Equal(t, SecretRecord{}, rec)
	_, _, err = c.Rotate(nil, time.Hour)
	require.ErrorIs(t, err, boom)
}

func TestSecretRecordState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	tests := []struct {
		name                   string
		rec                    SecretRecord
		revoked, expired, live bool
	}{
		{"live", SecretRecord{ExpiresAt: now.Add(time.Second)}, false, false, true},
		{"expired at the instant", SecretRecord{ExpiresAt: now}, false, true, false},
		{"no expiry", SecretRecord{}, false, true, false},
		{"revoked", SecretRecord{ExpiresAt: now.Add(time.Hour), RevokedAt: &at}, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.revoked, tc.rec.Revoked())
			assert.Equal(t, tc.expired, tc.rec.Expired(now))
			assert.Equal(t, tc.live, tc.rec.Live(now))
		})
	}
}

func FuzzSecretCheck(f *testing.F) {
	s, err := NewSecrets()
	require.NoError(f, err)
	plain, rec, err := s.New()
	require.NoError(f, err)
	f.Add(plain)
	f.Add(plain[:len(plain)-1] + "A")
	f.Add(SecretPrefix)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := s.Check(in, []SecretRecord{rec})
		if in == plain {
			require.NoError(t, err)
			require.Equal(t, rec, got)
			return
		}
		require.Error(t, err)
		require.True(t, errors.Is(err, ErrMalformedSecret) || errors.Is(err, ErrInvalidSecret), "%v", err)
	})
}

func TestZeroSecretsUsesDefaults(t *testing.T) {
	t.Parallel()
	var s Secrets
	plain, rec, err := s.New()
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(DefaultSecretTTL), rec.ExpiresAt, time.Minute)
	got, err := s.Check(plain, []SecretRecord{rec})
	require.NoError(t, err)
	assert.Equal(t, rec, got)
}
