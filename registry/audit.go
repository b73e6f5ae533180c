package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Event is one audit record: who did what to an application, from which
// stage to which, why and when. Events of one application form a chain:
// Seq counts from 1, PrevHash is the predecessor's Hash ("" for the first),
// and Hash covers every other field but Seal.
//
// Seal, when set, is the operator's signature over Hash (see SealEvent): a
// checkpoint that VerifySealedChain checks against keys the store does not
// hold. It is not part of Hash, so hashes of events from before seals
// existed are unchanged.
type Event struct {
	ApplicationID string    `json:"application_id"`
	Seq           int64     `json:"seq"`
	Time          time.Time `json:"time"`
	Actor         string    `json:"actor"`
	Action        string    `json:"action"`
	From          string    `json:"from,omitempty"`
	To            string    `json:"to,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	// RequestID names the request that caused the event (an HTTP
	// request's X-Request-Id), so that the event and the request's log
	// line can be matched; "" when no request did, or before it was kept.
	RequestID string `json:"request_id,omitempty"`
	PrevHash  string `json:"prev_hash,omitempty"`
	Hash      string `json:"hash"`
	Seal      string `json:"seal,omitempty"`
}

// ComputeHash returns the hex SHA-256 of e's fields other than Hash and
// Seal, in an unambiguous length-prefixed encoding. Time is taken in UTC at nanosecond
// precision, so stores must keep it exactly (they store UnixNano).
// RequestID, added later, is covered only when it is not empty, after the
// other fields: events written before it existed, or outside any request,
// keep the hash they always had.
func (e *Event) ComputeHash() string {
	h := sha256.New()
	var buf [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	field("hcxonboard.audit.v1")
	field(e.ApplicationID)
	binary.BigEndian.PutUint64(buf[:], uint64(e.Seq))
	h.Write(buf[:])
	binary.BigEndian.PutUint64(buf[:], uint64(e.Time.UnixNano()))
	h.Write(buf[:])
	for _, s := range []string{e.Actor, e.Action, e.From, e.To, e.Reason, e.PrevHash} {
		field(s)
	}
	if e.RequestID != "" {
		field("request_id")
		field(e.RequestID)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Chain fills in Seq, PrevHash and Hash of events so that they continue the
// chain after prev (nil for an application's first events), and clears
// their Seal, which covered their old Hash. It returns the events it was
// given.
func Chain(prev *Event, events ...Event) []Event {
	var seq int64
	var hash string
	if prev != nil {
		seq, hash = prev.Seq, prev.Hash
	}
	for i := range events {
		seq++
		events[i].Seq = seq
		events[i].PrevHash = hash
		events[i].Hash = events[i].ComputeHash()
		events[i].Seal = ""
		hash = events[i].Hash
	}
	return events
}

// ChainError reports where a chain breaks.
type ChainError struct {
	Seq    int64 // the sequence number at which the chain breaks
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("registry: audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// VerifyChain checks that events, one application's trail oldest first, are
// numbered 1, 2, 3 … with no gap, that each links to its predecessor's hash
// and that no event was edited. It returns a *ChainError naming the first
// break.
//
// The chain is unkeyed: whoever can write the store can edit an event and
// compute every hash after it again, and VerifyChain still passes. Use
// VerifySealedChain to check the trail against the operator's keys.
func VerifyChain(events []Event) error {
	prev := ""
	for i := range events {
		e := &events[i]
		want := int64(i + 1)
		switch {
		case e.Seq != want:
			return &ChainError{Seq: want, Reason: fmt.Sprintf("found sequence number %d: an event is missing or out of order", e.Seq)}
		case i > 0 && e.ApplicationID != events[0].ApplicationID:
			return &ChainError{Seq: want, Reason: "event belongs to another application"}
		case e.PrevHash != prev:
			return &ChainError{Seq: want, Reason: "previous-hash link does not match: an earlier event was changed or removed"}
		case e.ComputeHash() != e.Hash:
			return &ChainError{Seq: want, Reason: "hash does not match the event's contents: the event was edited"}
		}
		prev = e.Hash
	}
	return nil
}
