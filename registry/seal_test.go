package registry_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// Test keys are made once per process; RSA keys take a while.
var (
	rsaKeys   = map[int]*rsa.PrivateKey{}
	rsaKeysMu sync.Mutex
)

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	rsaKeysMu.Lock()
	defer rsaKeysMu.Unlock()
	if k, ok := rsaKeys[bits]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	require.NoError(t, err)
	rsaKeys[bits] = k
	return k
}

func ed25519Key(seed byte) ed25519.PrivateKey {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	return ed25519.NewKeyFromSeed(s)
}

func ecdsaKey(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	require.NoError(t, err)
	return k
}

// trail returns n chained events of app-1.
func trail(n int) []registry.Event {
	at := time.Date(2026, 11, 25, 9, 0, 0, 123456789, time.UTC)
	events := make([]registry.Event, n)
	for i := range events {
		events[i] = registry.Event{ApplicationID: "app-1", Time: at.Add(time.Duration(i) * time.Minute), Actor: "staff:asha",
			Action: fmt.Sprintf("step-%d", i+1), Reason: fmt.Sprintf("reason %d", i+1)}
	}
	return registry.Chain(nil, events...)
}

func seal(t *testing.T, e *registry.Event, key crypto.Signer) {
	t.Helper()
	require.NoError(t, registry.SealEvent(e, key))
	require.NotEmpty(t, e.Seal)
}

// requireBreak checks that err is a *registry.ChainError at seq.
func requireBreak(t *testing.T, err error, seq int64) *registry.ChainError {
	t.Helper()
	var ce *registry.ChainError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, seq, ce.Seq, "%v", err)
	return ce
}

// rehash computes every hash and link of events again after an edit, as
// someone with write access to the store but without the key would.
func rehash(events []registry.Event) {
	prev := ""
	for i := range events {
		events[i].PrevHash = prev
		events[i].Hash = events[i].ComputeHash()
		prev = events[i].Hash
	}
}

func TestSealEventAndVerifySealedChain(t *testing.T) {
	t.Parallel()
	keys := []struct {
		name string
		key  func(t *testing.T) crypto.Signer
	}{
		{"Ed25519", func(*testing.T) crypto.Signer { return ed25519Key(1) }},
		{"ECDSA P-256", func(t *testing.T) crypto.Signer { return ecdsaKey(t, elliptic.P256()) }},
		{"RSA 2048", func(t *testing.T) crypto.Signer { return rsaKey(t, 2048) }},
		{"RSA 3072", func(t *testing.T) crypto.Signer { return rsaKey(t, 3072) }},
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			key := k.key(t)
			events := trail(3)
			seal(t, &events[2], key)
			require.NoError(t, registry.VerifySealedChain(events, key.Public()))

			t.Run("an edited event with every hash computed again breaks the seal", func(t *testing.T) {
				forged := append([]registry.Event(nil), events...)
				forged[0].Reason = "approved by the director"
				rehash(forged)
				require.NoError(t, registry.VerifyChain(forged), "the unkeyed chain cannot tell")
				ce := requireBreak(t, registry.VerifySealedChain(forged, key.Public()), 3)
				require.Contains(t, ce.Reason, "seal does not verify")
			})
			t.Run("an event appended without the key leaves the trail unsealed", func(t *testing.T) {
				forged := append([]registry.Event(nil), events...)
				forged = append(forged, registry.Chain(&forged[2], registry.Event{ApplicationID: "app-1", Time: forged[2].Time, Actor: "staff:mallory", Action: "approve"})...)
				require.NoError(t, registry.VerifyChain(forged))
				requireBreak(t, registry.VerifySealedChain(forged, key.Public()), 4)
				forged[3].Seal = events[2].Seal // a seal copied from another event
				requireBreak(t, registry.VerifySealedChain(forged, key.Public()), 4)
			})
			t.Run("another key's seal does not verify", func(t *testing.T) {
				requireBreak(t, registry.VerifySealedChain(events, ed25519Key(99).Public()), 3)
			})
		})
	}
}

func TestVerifySealedChainBreaks(t *testing.T) {
	t.Parallel()
	key := ed25519Key(1)

	t.Run("an unsealed head", func(t *testing.T) {
		t.Parallel()
		events := trail(3)
		seal(t, &events[1], key)
		ce := requireBreak(t, registry.VerifySealedChain(events, key.Public()), 3)
		require.Contains(t, ce.Reason, "last event is not sealed")
	})
	t.Run("no seal at all", func(t *testing.T) {
		t.Parallel()
		requireBreak(t, registry.VerifySealedChain(trail(2), key.Public()), 2)
	})
	t.Run("an empty trail", func(t *testing.T) {
		t.Parallel()
		requireBreak(t, registry.VerifySealedChain(nil, key.Public()), 1)
	})
	t.Run("a broken chain is reported as VerifyChain reports it", func(t *testing.T) {
		t.Parallel()
		events := trail(3)
		seal(t, &events[2], key)
		events[1].Reason = "edited"
		require.Equal(t, registry.VerifyChain(events), registry.VerifySealedChain(events, key.Public()))
	})
	t.Run("a seal that is not base64url", func(t *testing.T) {
		t.Parallel()
		for _, bad := range []string{"not base64!", "AAAA====", "AAAB"} {
			events := trail(1)
			seal(t, &events[0], key)
			events[0].Seal = bad
			requireBreak(t, registry.VerifySealedChain(events, key.Public()), 1)
		}
	})
	t.Run("a seal moved to another application's event of the same number", func(t *testing.T) {
		t.Parallel()
		events := trail(1)
		seal(t, &events[0], key)
		other := registry.Chain(nil, registry.Event{ApplicationID: "app-2", Time: events[0].Time, Actor: events[0].Actor, Action: events[0].Action, Reason: events[0].Reason})
		other[0].Seal = events[0].Seal
		requireBreak(t, registry.VerifySealedChain(other, key.Public()), 1)
	})
}

func TestVerifySealedChainCheckpointsAndRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := ed25519Key(1), ecdsaKey(t, elliptic.P256())
	events := trail(6)
	seal(t, &events[1], oldKey) // a checkpoint at each write's last event
	seal(t, &events[3], oldKey)
	seal(t, &events[5], newKey) // after the operator rotated its key

	require.NoError(t, registry.VerifySealedChain(events, oldKey.Public(), newKey.Public()))
	require.NoError(t, registry.VerifySealedChain(events, newKey.Public(), oldKey.Public()), "keys in any order")
	requireBreak(t, registry.VerifySealedChain(events, newKey.Public()), 2) // the retired key is still needed
	requireBreak(t, registry.VerifySealedChain(events, oldKey.Public()), 6)

	t.Run("an edit before a checkpoint breaks the first seal after it", func(t *testing.T) {
		forged := append([]registry.Event(nil), events...)
		forged[2].Actor = "staff:mallory"
		rehash(forged)
		requireBreak(t, registry.VerifySealedChain(forged, oldKey.Public(), newKey.Public()), 4)
	})
	t.Run("what it cannot detect: a trail cut back to a sealed checkpoint", func(t *testing.T) {
		require.NoError(t, registry.VerifySealedChain(events[:4], oldKey.Public(), newKey.Public()))
	})
}

func TestSealAlgorithmConfusion(t *testing.T) {
	t.Parallel()
	edKey, ecKey, rsaK := ed25519Key(1), ecdsaKey(t, elliptic.P256()), rsaKey(t, 2048)
	signers := map[string]crypto.Signer{"Ed25519": edKey, "ECDSA": ecKey, "RSA": rsaK}
	for signedBy, signer := range signers {
		events := trail(1)
		seal(t, &events[0], signer)
		for checkedBy, other := range signers {
			err := registry.VerifySealedChain(events, other.Public())
			if signedBy == checkedBy {
				require.NoError(t, err)
				continue
			}
			requireBreak(t, err, 1)
		}
	}
}

// pssSigner signs RSA-PSS whatever it is asked for: a KMS configured for
// another scheme.
type pssSigner struct{ *rsa.PrivateKey }

func (s pssSigner) Sign(r io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return s.PrivateKey.Sign(r, digest, &rsa.PSSOptions{Hash: crypto.SHA256})
}

// failingSigner fails every signature.
type failingSigner struct{ crypto.Signer }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("the HSM is offline")
}

func TestSealEventRefuses(t *testing.T) {
	t.Parallel()
	chained := func() *registry.Event { e := trail(1)[0]; return &e }
	tests := []struct {
		name  string
		event func() *registry.Event
		key   func(t *testing.T) crypto.Signer
		want  string
	}{
		{"a nil event", func() *registry.Event { return nil }, func(*testing.T) crypto.Signer { return ed25519Key(1) }, "nil event"},
		{"a nil key", chained, func(*testing.T) crypto.Signer { return nil }, "without a key"},
		{"an unchained event", func() *registry.Event { return &registry.Event{ApplicationID: "app-1", Seq: 1} }, func(*testing.T) crypto.Signer { return ed25519Key(1) }, "chain it first"},
		{"an event edited after chaining", func() *registry.Event { e := chained(); e.Reason = "edited"; return e }, func(*testing.T) crypto.Signer { return ed25519Key(1) }, "chain it first"},
		{"ECDSA P-384", chained, func(t *testing.T) crypto.Signer { return ecdsaKey(t, elliptic.P384()) }, "P-256"},
		{"RSA 1024", chained, func(t *testing.T) crypto.Signer { return rsaKey(t, 1024) }, "2048"},
		{"a signer of RSA-PSS", chained, func(t *testing.T) crypto.Signer { return pssSigner{rsaKey(t, 2048)} }, "does not verify"},
		{"a failing signer", chained, func(*testing.T) crypto.Signer { return failingSigner{ed25519Key(1)} }, "HSM is offline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := tt.event()
			err := registry.SealEvent(e, tt.key(t))
			require.ErrorContains(t, err, tt.want)
			if e != nil {
				require.Empty(t, e.Seal)
			}
		})
	}
}

func TestVerifySealedChainRefusesKeys(t *testing.T) {
	t.Parallel()
	events := trail(1)
	seal(t, &events[0], ed25519Key(1))
	for name, keys := range map[string][]crypto.PublicKey{
		"no key":               nil,
		"a private key":        {ed25519Key(1)},
		"a short Ed25519 key":  {ed25519.PublicKey(make([]byte, 31))},
		"ECDSA P-384":          {&ecdsaKey(t, elliptic.P384()).PublicKey},
		"RSA 1024":             {&rsaKey(t, 1024).PublicKey},
		"a nil RSA key":        {(*rsa.PublicKey)(nil)},
		"a good and a bad key": {ed25519Key(1).Public(), "not a key"},
	} {
		err := registry.VerifySealedChain(events, keys...)
		require.Error(t, err, name)
		var ce *registry.ChainError
		require.False(t, errors.As(err, &ce), "%s: a bad key is not a broken chain", name)
	}
}

func TestSealIsNotHashed(t *testing.T) {
	t.Parallel()
	events := trail(2)
	before := events[1].ComputeHash()
	seal(t, &events[1], ed25519Key(1))
	require.Equal(t, before, events[1].ComputeHash(), "the hash of an event does not depend on its seal")
	require.Equal(t, before, events[1].Hash)

	// Chain gives a sealed event a new hash and drops the seal that
	// covered the old one.
	rechained := registry.Chain(&events[0], events[1])
	require.Empty(t, rechained[0].Seal)
}
