package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// demoCodesFile is the file in the data directory where the demo appends
// every one-time code it prints, one JSON object a line, so that a script
// on the same machine (examples/walkthrough) can type them in.
const demoCodesFile = "demo-codes.jsonl"

// A demoCode is one line of demoCodesFile.
type demoCode struct {
	At            time.Time `json:"at"`
	Channel       string    `json:"channel"`                  // system_admin, hfr or hpr (the task's channel)
	ApplicationID string    `json:"application_id,omitempty"` // system_admin codes
	FacilityID    string    `json:"facility_id,omitempty"`    // hfr codes: HFR knows the facility, not the application
	HPRID         string    `json:"hpr_id,omitempty"`         // hpr codes
	Code          string    `json:"code"`
}

// codeLog writes demoCodesFile. DEMO ONLY, like printing the codes: a
// real operator never stores a one-time code in clear anywhere. The file
// is readable by its owner only.
type codeLog struct {
	mu   sync.Mutex
	path string
}

func newCodeLog(dir string) *codeLog {
	return &codeLog{path: filepath.Join(dir, demoCodesFile)}
}

// note records c, and says on out when it cannot: the message itself
// was delivered (printed), so a failure here is no delivery failure.
func (l *codeLog) note(out io.Writer, c demoCode) {
	if err := l.record(c); err != nil {
		fmt.Fprintf(out, "[DEMO ONLY] %v\n", err)
	}
}

// record appends c; a nil log records nothing.
func (l *codeLog) record(c demoCode) error {
	if l == nil {
		return nil
	}
	if c.At.IsZero() {
		c.At = time.Now().UTC()
	}
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Never through a link: one planted there would have every code
	// appended to the file it names.
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("demo code log: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("demo code log: %w", err)
	}
	return f.Close()
}
