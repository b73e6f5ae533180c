package registry

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// The seal algorithms, named as JOSE names them. The key decides which one
// applies; a seal never says.
const (
	sealEdDSA = "EdDSA" // Ed25519
	sealES256 = "ES256" // ECDSA P-256 with SHA-256, ASN.1 DER signature
	sealRS256 = "RS256" // RSA PKCS #1 v1.5 with SHA-256, modulus ≥ 2048 bits
)

// minSealRSABits is the smallest RSA modulus a seal takes.
const minSealRSABits = 2048

// sealEncoding is how Event.Seal carries a signature.
var sealEncoding = base64.RawURLEncoding

// SealEvent signs e's Hash with the operator's key and sets e.Seal: a
// checkpoint that VerifySealedChain checks against the operator's public
// keys, which the store does not hold. The signature covers a
// domain-separated encoding of the hash ("hcxonboard.audit.seal.v1", the
// algorithm and the hash, each length-prefixed), so it cannot be taken for
// a signature over anything else the key signs (access tokens, say), nor
// checked under another algorithm. Seal the event e after Chain gave it
// its Hash; SealEvent refuses an event whose Hash does not match its
// contents.
//
// The key is an Ed25519 key (pure Ed25519), an ECDSA P-256 key (SHA-256,
// the signature in ASN.1 DER) or an RSA key of at least 2048 bits
// (PKCS #1 v1.5, SHA-256); any other is refused. A key in an HSM or a KMS
// works through its crypto.Signer; the signature it returns is checked
// against its public key before it is kept. ECDSA and RSA signers read
// crypto/rand.
//
// Seal the last event of every write (a checkpoint per write), so that
// every stored trail ends in a seal; see VerifySealedChain for what that
// proves.
func SealEvent(e *Event, key crypto.Signer) error {
	if e == nil {
		return errors.New("registry: seal a nil event")
	}
	if key == nil {
		return errors.New("registry: seal an event without a key")
	}
	if e.Hash == "" || e.Hash != e.ComputeHash() {
		return fmt.Errorf("registry: seal event %d of application %q: its hash does not match its contents (chain it first)", e.Seq, e.ApplicationID)
	}
	pub := key.Public()
	alg, err := sealAlgorithm(pub)
	if err != nil {
		return err
	}
	msg := sealMessage(alg, e.Hash)
	var sig []byte
	if alg == sealEdDSA {
		sig, err = key.Sign(rand.Reader, msg, crypto.Hash(0))
	} else {
		digest := sha256.Sum256(msg)
		sig, err = key.Sign(rand.Reader, digest[:], crypto.SHA256)
	}
	if err != nil {
		return fmt.Errorf("registry: seal event %d of application %q: %w", e.Seq, e.ApplicationID, err)
	}
	if !verifySeal(pub, alg, msg, sig) {
		return fmt.Errorf("registry: seal event %d of application %q: the %s signature the key returned does not verify under its public key", e.Seq, e.ApplicationID, alg)
	}
	e.Seal = sealEncoding.EncodeToString(sig)
	return nil
}

// VerifySealedChain checks one application's trail, oldest first, as
// VerifyChain does, and against the operator's public keys: the last event
// must carry a seal, and every seal present must verify under one of keys.
// Give every key that sealed events still kept, the retired ones with the
// current one, so that checkpoints sealed before a key rotation verify. A
// break is a *ChainError naming the first event at fault (an empty trail
// breaks at event 1: it has nothing sealed); no keys, or a key SealEvent
// does not take, is another error.
//
// A seal covers its event's hash, which covers the one before, and so on
// to the first event. So a trail that passes has every event, up to its
// last, as the operator's key sealed it: an event edited, inserted or
// removed, even with every hash after it computed again to match, breaks
// the seal of the checkpoint after it; events appended after the last
// checkpoint leave the trail ending unsealed unless their author holds the
// key.
//
// What it cannot detect: a trail cut back to an earlier sealed checkpoint
// (every event after it deleted) still passes; compare the length or the
// last hash with a copy kept elsewhere (the application's own version,
// a receipt given to the applicant, a replica or a log) to notice that.
// Nor can it tell events written by someone who holds the signing key from
// the operator's own: a seal proves who held the key, not that what was
// sealed is true.
func VerifySealedChain(events []Event, keys ...crypto.PublicKey) error {
	if len(keys) == 0 {
		return errors.New("registry: verify a sealed chain without a key")
	}
	algs := make([]string, len(keys))
	for i, k := range keys {
		alg, err := sealAlgorithm(k)
		if err != nil {
			return err
		}
		algs[i] = alg
	}
	if err := VerifyChain(events); err != nil {
		return err
	}
	if len(events) == 0 {
		return &ChainError{Seq: 1, Reason: "the trail is empty: there is no sealed event"}
	}
	for i := range events {
		e := &events[i]
		if e.Seal == "" {
			continue
		}
		sig, err := sealEncoding.Strict().DecodeString(e.Seal)
		if err != nil {
			return &ChainError{Seq: e.Seq, Reason: "the seal is not base64url without padding"}
		}
		verified := false
		for j, k := range keys {
			if verifySeal(k, algs[j], sealMessage(algs[j], e.Hash), sig) {
				verified = true
				break
			}
		}
		if !verified {
			return &ChainError{Seq: e.Seq, Reason: "the seal does not verify under any of the keys: the trail up to this event was changed and its hashes computed again, or another key sealed it"}
		}
	}
	if last := &events[len(events)-1]; last.Seal == "" {
		return &ChainError{Seq: last.Seq, Reason: "the last event is not sealed: events were appended after the last checkpoint, or its seal was removed"}
	}
	return nil
}

// sealAlgorithm returns the seal algorithm of a public key, or an error for
// a key a seal does not take.
func sealAlgorithm(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("registry: seal key: an Ed25519 public key of %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		return sealEdDSA, nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return "", errors.New("registry: seal key: an ECDSA key must be on the P-256 curve")
		}
		return sealES256, nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil || k.N.BitLen() < minSealRSABits {
			return "", fmt.Errorf("registry: seal key: an RSA key must have at least %d bits", minSealRSABits)
		}
		return sealRS256, nil
	}
	return "", fmt.Errorf("registry: seal key of type %T: want Ed25519, ECDSA P-256 or RSA of at least %d bits", pub, minSealRSABits)
}

// sealMessage is what a seal signs: the domain, the algorithm and the
// event's hash, each length-prefixed as ComputeHash encodes fields.
func sealMessage(alg, hash string) []byte {
	var msg []byte
	for _, f := range []string{"hcxonboard.audit.seal.v1", alg, hash} {
		msg = binary.BigEndian.AppendUint64(msg, uint64(len(f)))
		msg = append(msg, f...)
	}
	return msg
}

// verifySeal reports whether sig is alg's signature over msg under pub,
// whose algorithm sealAlgorithm found to be alg.
func verifySeal(pub crypto.PublicKey, alg string, msg, sig []byte) bool {
	switch alg {
	case sealEdDSA:
		return ed25519.Verify(pub.(ed25519.PublicKey), msg, sig)
	case sealES256:
		digest := sha256.Sum256(msg)
		return ecdsa.VerifyASN1(pub.(*ecdsa.PublicKey), digest[:], sig)
	case sealRS256:
		digest := sha256.Sum256(msg)
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest[:], sig) == nil
	}
	return false
}
