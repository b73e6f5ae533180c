package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// codesFile is where the operator's demo appends every one-time code it
// prints (examples/operator: demoCodesFile), one JSON object a line.
// Demo only: a real operator keeps no copy of a code.
const codesFile = "demo-codes.jsonl"

// demoCode is one line of codesFile.
type demoCode struct {
	At            time.Time `json:"at"`
	Channel       string    `json:"channel"`
	ApplicationID string    `json:"application_id"`
	FacilityID    string    `json:"facility_id"`
	HPRID         string    `json:"hpr_id"`
	Code          string    `json:"code"`
}

// codeLog reads codesFile.
type codeLog struct {
	path string
}

// mark is where the file ends now: codes written later are new.
func (l codeLog) mark() int64 {
	info, err := os.Stat(l.path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// await returns the newest code written after offset from that match
// accepts, polling until one is there or wait has passed.
func (l codeLog) await(ctx context.Context, from int64, wait time.Duration, match func(demoCode) bool) (string, error) {
	deadline := time.Now().Add(wait)
	for {
		code, err := l.find(from, match)
		if err != nil || code != "" {
			return code, err
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no matching one-time code in %s after %s: is the operator's -data this program's -data?", l.path, wait)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (l codeLog) find(from int64, match func(demoCode) bool) (string, error) {
	f, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return "", err
	}
	found := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c demoCode
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Code != "" && match(c) {
			found = c.Code
		}
	}
	return found, sc.Err()
}
