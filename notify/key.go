package notify

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/openhcx/hcxonboard/onboarding"
)

// Key returns the idempotency key of m, and whether it has one that
// follows from the message itself:
//
//   - m.ID when set. The engine's outbox sets it from the change that
//     queued the message ("<application>/<event>/<n>"), so every retry
//     and every replica sends the same key.
//   - Else "sha256:" and the hex SHA-256 of the message's kind,
//     application, participant code, address, subject and body: a message
//     sent again unchanged keeps its key.
//   - Else, for a message with a Code and no ID, none (ok is false). A
//     digest over the code would let anyone who sees the key — a mail
//     relay, a receiver's logs — try the few million possible codes, and
//     a digest without it would give a resent code the key of the code it
//     replaces, which the receiver would then drop as a duplicate.
//     Transports use a fresh random key for such a message (KeyOrRandom),
//     the same for all of one Notify call's own retries.
func Key(m onboarding.Message) (key string, ok bool) {
	if m.ID != "" {
		return m.ID, true
	}
	if m.Code != "" {
		return "", false
	}
	h := sha256.New()
	for _, f := range []string{"hcxonboard.notify.key.v1", m.Kind, m.ApplicationID, m.ParticipantCode, m.To, m.Subject, m.Body} {
		// Length-prefixed, so that no two field lists hash alike.
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), true
}

// KeyOrRandom returns Key(m), or when m has no key of its own a random one
// ("rand:" and 32 hex digits) read from r (crypto/rand when r is nil).
func KeyOrRandom(m onboarding.Message, r io.Reader) (string, error) {
	if k, ok := Key(m); ok {
		return k, nil
	}
	if r == nil {
		r = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("notify: random source: %w", err)
	}
	return "rand:" + hex.EncodeToString(b[:]), nil
}
