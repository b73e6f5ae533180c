package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// session is one staff member's console login. Sessions live in the
// Handler's memory: behind a load balancer, send a staff member's requests
// to one replica (or log in again after a switch).
//
// A session keeps the staff credential it was opened with and has it
// checked again on every request (Handler.currentSession), so revoking the
// credential ends the session at once rather than after its TTL. The
// credential stays in memory, as the cookie's own digest does; it is never
// written anywhere.
type session struct {
	staffID    string
	credential string // the staff token the login presented
	csrf       string // the token every form post must carry
	expires    time.Time
	flash      *flash // a message for the next page, shown once
	// shown are the documents ("application/document") this session's
	// pages showed inline, recorded in the audit trail as the page was
	// rendered: the browser's fetch of each then needs no write of its own.
	shown map[string]time.Time
}

// maxShown bounds a session's shown documents.
const maxShown = 512

// shownFor is how long a page's inline documents may be fetched on the
// strength of the page's own audit record.
const shownFor = 10 * time.Minute

type flash struct {
	Error bool
	Text  string
}

// maxSessions bounds the store: only successful logins create sessions,
// but a leaked staff token must not be able to exhaust memory.
const maxSessions = 10000

// maxStaffSessions bounds one staff member's sessions: a member's new
// login past it ends that member's own oldest session, so that one
// credential logging in over and over cannot push everyone else's out.
const maxStaffSessions = 16

type sessionStore struct {
	mu  sync.Mutex
	m   map[[sha256.Size]byte]*session // by SHA-256 of the cookie value
	now func() time.Time
	ttl time.Duration
}

func newSessionStore(now func() time.Time, ttl time.Duration) *sessionStore {
	return &sessionStore{m: make(map[[sha256.Size]byte]*session), now: now, ttl: ttl}
}

// randomToken returns 32 random bytes, base64url.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// create starts a session for staffID, who logged in with credential,
// and returns its cookie value.
func (s *sessionStore) create(staffID, credential string) (string, *session, error) {
	id, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	sess := &session{staffID: staffID, credential: credential, csrf: csrf, expires: s.now().Add(s.ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked()
	// Drop the session closest to its end: the member's own when it holds
	// maxStaffSessions, else anyone's when the store is full.
	var own, oldest [sha256.Size]byte
	var ownAt, oldestAt time.Time
	n := 0
	for k, v := range s.m {
		if v.staffID == staffID {
			n++
			if ownAt.IsZero() || v.expires.Before(ownAt) {
				own, ownAt = k, v.expires
			}
		}
		if oldestAt.IsZero() || v.expires.Before(oldestAt) {
			oldest, oldestAt = k, v.expires
		}
	}
	switch {
	case n >= maxStaffSessions:
		delete(s.m, own)
	case len(s.m) >= maxSessions:
		delete(s.m, oldest)
	}
	s.m[sha256.Sum256([]byte(id))] = sess
	return id, sess, nil
}

// get returns the live session for a cookie value, or nil.
func (s *sessionStore) get(id string) *session {
	if id == "" {
		return nil
	}
	k := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[k]
	if !ok {
		return nil
	}
	if !s.now().Before(sess.expires) {
		delete(s.m, k)
		return nil
	}
	return sess
}

func (s *sessionStore) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sha256.Sum256([]byte(id)))
}

// markShown notes that sess's page, just recorded, shows docs inline.
func (s *sessionStore) markShown(sess *session, appID string, docs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess.shown == nil || len(sess.shown)+len(docs) > maxShown {
		sess.shown = make(map[string]time.Time, len(docs))
	}
	now := s.now()
	for _, d := range docs {
		sess.shown[appID+"/"+d] = now
	}
}

// wasShown reports whether sess's page recorded showing the document
// within shownFor.
func (s *sessionStore) wasShown(sess *session, appID, doc string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := sess.shown[appID+"/"+doc]
	return ok && s.now().Sub(at) < shownFor
}

// setFlash and takeFlash pass a message to the next page.
func (s *sessionStore) setFlash(sess *session, f flash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess.flash = &f
}

func (s *sessionStore) takeFlash(sess *session) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := sess.flash
	sess.flash = nil
	return f
}

func (s *sessionStore) sweepLocked() {
	now := s.now()
	for k, v := range s.m {
		if !now.Before(v.expires) {
			delete(s.m, k)
		}
	}
}

// len reports how many sessions are stored (for tests).
func (s *sessionStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
