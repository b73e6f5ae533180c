package participant

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ReplayCache remembers the challenges a handler has answered, so that
// none is answered twice. A participant running several replicas of its
// endpoint gives them one shared cache (a SET NX with expiry in Redis, a
// unique row in its database); the default is in memory, per handler.
type ReplayCache interface {
	// Claim records key until the time given and reports whether it was
	// new: false means key was claimed before and has not yet expired.
	Claim(ctx context.Context, key string, until time.Time) (bool, error)
}

// ReplayCacheFunc adapts a function to ReplayCache.
type ReplayCacheFunc func(ctx context.Context, key string, until time.Time) (bool, error)

// Claim calls f.
func (f ReplayCacheFunc) Claim(ctx context.Context, key string, until time.Time) (bool, error) {
	return f(ctx, key, until)
}

// maxMemoryEntries bounds the in-memory cache. Only challenges whose
// signature verified are recorded, so reaching it takes the operator's
// key.
const maxMemoryEntries = 100_000

var errCacheFull = errors.New("participant: replay cache full")

// memoryCache is the default ReplayCache.
type memoryCache struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]time.Time
	inserts int
}

func newMemoryCache(now func() time.Time) *memoryCache {
	return &memoryCache{now: now, entries: make(map[string]time.Time)}
}

func (m *memoryCache) Claim(_ context.Context, key string, until time.Time) (bool, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if exp, ok := m.entries[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.inserts++
	if m.inserts%1024 == 0 || len(m.entries) >= maxMemoryEntries {
		for k, exp := range m.entries {
			if !now.Before(exp) {
				delete(m.entries, k)
			}
		}
	}
	if len(m.entries) >= maxMemoryEntries {
		return false, errCacheFull
	}
	m.entries[key] = until
	return true, nil
}
