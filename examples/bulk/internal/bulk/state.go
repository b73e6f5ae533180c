package bulk

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Digest is the SHA-256, in hex, of the row's content: every column but
// the line it is on, so that moving a row within the list, or adding rows
// around it, changes nothing, while any edit of its cells does. Columns
// left empty are left out of it, so a column added to Columns later does
// not change the digest of rows that leave it empty.
func (r *Row) Digest() string {
	var fields [][2]string
	for _, c := range Columns {
		if v := *c.field(r); v != "" {
			fields = append(fields, [2]string{c.Name, v})
		}
	}
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err) // strings always encode
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ResubmissionKey is the application_id a row is submitted again under
// when its content changed after its earlier application was stored (and
// rejected): the row's key, "~", and the first 12 hex digits of the new
// content's digest. The engine keeps a stored application's
// application_id for good, so a new application needs a new one; deriving
// it from the content makes it the same on every run, so a run that
// stored the resubmission but not its state record finds it again.
func ResubmissionKey(key, digest string) string {
	if len(digest) > 12 {
		digest = digest[:12]
	}
	return key + "~" + digest
}

// RowState is what the state remembers of a row: the digest of the
// content it was last submitted with, and the application_id that
// submission used (the row's key, or a ResubmissionKey).
type RowState struct {
	Key           string `json:"key"`
	Digest        string `json:"digest"`
	ApplicationID string `json:"application_id"`
	// Refused: the engine refused that submission on its face, and
	// stored nothing under ApplicationID. An application found there
	// later is a later submission's, which a crash kept from the state.
	Refused bool `json:"refused,omitempty"`
}

// State is the resumable state of a list beside its registry: a RowState
// per row key. The registry says what became of each application_id; the
// state says which application_id stands for a row and what the row held
// when it was submitted, so that a row corrected in the list is told from
// one left as it was.
//
// A State opened on a file keeps it as JSON lines, one RowState each,
// appended as rows are submitted; the last line for a key wins. It is
// safe for concurrent use.
type State struct {
	mu   sync.Mutex
	rows map[string]RowState
	f    *os.File // nil for a state in memory
	path string
	err  error // the first write error
}

// ErrStateBusy is OpenState's answer when another process, another run
// on the same registry, has the state file open.
var ErrStateBusy = errors.New("the row state is in use by another run")

// NewMemoryState returns an empty state that lives as long as the
// process.
func NewMemoryState() *State {
	return &State{rows: map[string]RowState{}}
}

// OpenState opens the state file at path, creating it if need be, and
// reads it. With fresh it is emptied first: the registry it belonged to
// is gone, and what it says of that registry's applications is void. A
// last line cut short (a crash while it was written) is dropped.
//
// The file stays locked until Close (on unix): while another process
// holds it open, OpenState answers ErrStateBusy and leaves it alone.
func OpenState(path string, fresh bool) (*State, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open state: %w", err)
	}
	if err := lockState(f); err != nil {
		_ = f.Close()
		if errors.Is(err, ErrStateBusy) {
			return nil, err
		}
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	if fresh {
		if err := f.Truncate(0); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("state %s: %w", path, err)
		}
	}
	s := &State{rows: map[string]RowState{}, f: f, path: path}
	if err := s.load(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return s, nil
}

// load reads the file and leaves it positioned at its end, after the last
// whole line.
func (s *State) load() error {
	br := bufio.NewReader(s.f)
	var end int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// An unfinished last line is a write a crash cut short.
			break
		}
		if err != nil {
			return fmt.Errorf("read state %s: %w", s.path, err)
		}
		end += int64(len(line))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r RowState
		if err := json.Unmarshal(line, &r); err != nil || r.Key == "" || r.ApplicationID == "" || r.Digest == "" {
			if err == nil {
				err = errors.New("a record needs key, digest and application_id")
			}
			return fmt.Errorf("state %s, line %d: %v; remove the file to start the state afresh (rows the registry holds are then taken as they stand in the list)", s.path, n, err)
		}
		s.rows[r.Key] = r
	}
	if err := s.f.Truncate(end); err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	if _, err := s.f.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	return nil
}

// Row returns what the state remembers of the row with key.
func (s *State) Row(key string) (RowState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rows[key]
	return r, ok
}

// Len is how many rows the state remembers.
func (s *State) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rows)
}

// Put remembers r, unless the state already holds it as it is. A file
// state appends it as one line; after a write error the state keeps
// working in memory and Close reports the error.
func (s *State) Put(r RowState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows[r.Key] == r {
		return nil
	}
	s.rows[r.Key] = r
	if s.f == nil || s.err != nil {
		return s.err
	}
	b, err := json.Marshal(r)
	if err == nil {
		_, err = s.f.Write(append(b, '\n'))
	}
	if err != nil {
		s.err = fmt.Errorf("write state %s: %w", s.path, err)
	}
	return s.err
}

// Close writes the state file to disk and closes it, and returns the
// first error a Put met.
func (s *State) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return s.err
	}
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if s.err == nil && err != nil {
		s.err = fmt.Errorf("close state %s: %w", s.path, err)
	}
	return s.err
}
