package credential

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// lockedReader serialises reads so that a caller-supplied source that is
// not safe for concurrent use (a seeded test generator, say) can back a
// generator that is.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

// newLockedReader returns r behind a lock, or crypto/rand (safe for
// concurrent use already, so unlocked) when r is nil.
func newLockedReader(r io.Reader) io.Reader {
	if r == nil {
		return crand.Reader
	}
	return &lockedReader{r: r}
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

// readFull fills p from r, naming the failure without exposing any bytes.
func readFull(r io.Reader, p []byte) error {
	if _, err := io.ReadFull(r, p); err != nil {
		return fmt.Errorf("credential: read random source: %w", err)
	}
	return nil
}

// uniform returns a uniformly distributed value in [0, n), n > 0, by
// rejection sampling: 64-bit draws at or above the largest multiple of n
// are discarded, so no value is favoured by a modulo bias.
func uniform(r io.Reader, n uint64) (uint64, error) {
	limit := ^uint64(0) - ^uint64(0)%n // largest multiple of n (exclusive bound)
	var b [8]byte
	for {
		if err := readFull(r, b[:]); err != nil {
			return 0, err
		}
		v := binary.BigEndian.Uint64(b[:])
		if v < limit {
			return v % n, nil
		}
	}
}
