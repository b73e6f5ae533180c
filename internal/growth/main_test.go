package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// Flags the command cannot honour are refused before anything is filled,
// each with an error naming what was wrong; none of these runs touches a
// database.
func TestRunRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-sizes", "1k", "extra"}, `unexpected argument "extra"`},
		{[]string{"-sizes", "1.5m"}, `size "1.5m"`},
		{[]string{"-sizes", "99999999999999m"}, `size "99999999999999m"`},
		{[]string{"-sizes", "9223372036854775807"}, `size "9223372036854775807"`},
		{[]string{"-sizes", "0"}, `size "0"`},
		{[]string{"-sizes", "-5k"}, `size "-5k"`},
		{[]string{"-sizes", ",1k"}, `size ""`},
		{[]string{"-backend", "mysql", "-sizes", "1k"}, `-backend "mysql"`},
		{[]string{"-reps", "0", "-sizes", "1k"}, "-reps"},
		{[]string{"-backend", "postgres", "-dsn", "host=db user=u password=hunter2", "-sizes", "1k"}, "-dsn"},
		{[]string{"-backend", "postgres", "-dsn", "mysql://u:hunter2@db/x", "-sizes", "1k"}, "-dsn"},
	} {
		err := run(context.Background(), tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %q = %v, want an error naming %s", tc.args, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("run %q: the error shows the DSN's password: %v", tc.args, err)
		}
	}
}

func TestRunHelp(t *testing.T) {
	if err := run(context.Background(), []string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h = %v, want flag.ErrHelp", err)
	}
}

// The sizes are measured smallest first, each once, so that the ratios
// the report prints are to the smallest size, as it says.
func TestParseSizesSortsAndDeduplicates(t *testing.T) {
	got, err := parseSizes("100k, 10k,1M,10k")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{10000, 100000, 1000000}; !slices.Equal(got, want) {
		t.Fatalf("parseSizes = %v, want %v", got, want)
	}
	if got, err := parseSizes("1"); err != nil || !slices.Equal(got, []int{1}) {
		t.Fatalf("parseSizes(1) = %v, %v", got, err)
	}
}

// A run that ends early — interrupted, or failing to open its store —
// leaves nothing behind: not the database file it was making in -dir,
// nor the temporary directory it made without one.
func TestRunEndedEarlyLeavesNoFiles(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	err := run(ctx, []string{"-dir", dir, "-sizes", "10", "-reps", "1"}, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run with an ended context = %v, want context.Canceled", err)
	}
	requireEmpty(t, dir)

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	err = run(ctx, []string{"-sizes", "10", "-reps", "1"}, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run with an ended context = %v, want context.Canceled", err)
	}
	requireEmpty(t, tmp)
}

func requireEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind in the directory: %s", e.Name())
	}
}

// The command runs end to end at a small size, given out of order: every
// operation is timed at each size, the smallest first, and its ratio is
// to the smallest.
func TestRunMeasuresEverySizeSmallestFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("fills two SQLite stores")
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"-dir", t.TempDir(), "-sizes", "200,100", "-reps", "1"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	head := strings.Fields(lines[0])
	if n := len(head); n < 3 || head[n-3] != "100" || head[n-2] != "200" || head[n-1] != "×200/100" {
		t.Fatalf("header %q: want the sizes 100, 200 and the ratio ×200/100", lines[0])
	}
	for _, op := range []string{"create + get", "get by code", "search linked code eq", "search email eq", "search mobile eq",
		"queue waiting approval, page 1", "certs expiring in 30 days", "fill (bulk Load)", "disk per participant"} {
		if !strings.Contains(out.String(), op) {
			t.Errorf("no row %q in\n%s", op, out.String())
		}
	}
}
