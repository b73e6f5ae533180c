package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// errUsage marks a command line that cannot work; the exit status is 2.
var errUsage = errors.New("usage")

type options struct {
	generate int
	out      string
	seed     int64
	workers  int
	db       string
	memory   bool
	sync     string
	latency  time.Duration
	json     bool
	quiet    bool
	examples int
	list     string
}

func parse(args []string, stderr io.Writer) (*options, error) {
	var o options
	fs := flag.NewFlagSet("bulk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.generate, "generate", 0, "write a demo list of `N` hospitals to -o instead of onboarding (-o alone writes 10000)")
	fs.StringVar(&o.out, "o", "", "the `FILE` -generate writes (- for standard output)")
	fs.Int64Var(&o.seed, "seed", 1, "generator seed: the same seed writes the same list")
	fs.IntVar(&o.workers, "workers", bulk.DefaultWorkers, "hospitals onboarded at once")
	fs.StringVar(&o.db, "db", "", "SQLite registry `FILE` (default: the list's path with extension .db)")
	fs.BoolVar(&o.memory, "memory", false, "keep the registry in memory: nothing persists and a re-run starts over")
	fs.StringVar(&o.sync, "sync", syncFull, "SQLite durability `mode`: full (each write is on disk before it returns) or normal (faster; a machine crash may lose the last rows written, which a re-run submits again)")
	fs.DurationVar(&o.latency, "latency", 0, "inject this latency into every fake registry call and print the load figure")
	fs.BoolVar(&o.json, "json", false, "print the summary as JSON")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar (there is none either when standard error is not a terminal)")
	fs.IntVar(&o.examples, "examples", bulk.DefaultExamples, "rows listed per rejection reason")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bulk -generate N -o FILE [-seed S]")
		fmt.Fprintln(stderr, "       bulk [-workers N] [-db FILE | -memory] [-sync full|normal] [-latency D] [-json] [-quiet] LIST.csv")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage // flag has said what is wrong
	}
	bad := func(format string, a ...any) (*options, error) {
		return nil, fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
	}
	if o.generate != 0 || o.out != "" {
		switch {
		case o.out == "":
			return bad("-generate needs -o FILE")
		case fs.NArg() > 0:
			return bad("-generate writes a list; onboard it in a second run (got %q too)", fs.Arg(0))
		case o.generate < 0 || o.generate > bulk.MaxRows:
			return bad("-generate %d is outside 1..%d", o.generate, bulk.MaxRows)
		}
		return &o, nil
	}
	switch {
	case fs.NArg() != 1:
		fs.Usage()
		return bad("give one CSV list to onboard (or -generate N -o FILE to write one)")
	case o.workers < 1 || o.workers > bulk.MaxWorkers:
		return bad("-workers %d is outside 1..%d", o.workers, bulk.MaxWorkers)
	case o.latency < 0:
		return bad("-latency %v is negative", o.latency)
	case o.memory && o.db != "":
		return bad("-memory and -db exclude each other")
	case o.examples < 0:
		return bad("-examples %d is negative", o.examples)
	case o.sync != syncFull && o.sync != syncNormal:
		return bad("-sync %q is neither %q nor %q", o.sync, syncFull, syncNormal)
	}
	o.list = fs.Arg(0)
	if o.db == "" && !o.memory {
		o.db = strings.TrimSuffix(o.list, filepath.Ext(o.list)) + ".db"
	}
	if !o.memory && filepath.Clean(o.db) == filepath.Clean(o.list) {
		return bad("the registry would overwrite the list %s: give -db another file", o.list)
	}
	if !o.memory && filepath.Clean(statePath(o.db)) == filepath.Clean(o.list) {
		return bad("the registry's row state would overwrite the list %s: give -db another file", o.list)
	}
	return &o, nil
}

// run is the whole command; main only wires the process to it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.out != "" {
		return generate(o, stdout, stderr)
	}
	return onboard(ctx, o, stdout, stderr)
}

func generate(o *options, stdout, stderr io.Writer) (err error) {
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: o.generate, Seed: o.seed})
	if err != nil {
		return err
	}
	rows := make([]bulk.Row, len(gen))
	kinds := map[bulk.Kind]int{}
	for i, g := range gen {
		rows[i] = g.Row
		kinds[g.Kind]++
	}
	w, report := stdout, stdout
	if o.out == "-" {
		report = stderr
	} else {
		if fi, err := os.Stat(o.out); err == nil && fi.IsDir() {
			return fmt.Errorf("%w: -o %s: a directory; give the path of the CSV file to write", errUsage, o.out)
		}
		if _, err := os.Stat(filepath.Dir(o.out)); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: -o %s: the directory %s does not exist", errUsage, o.out, filepath.Dir(o.out))
		}
		f, err := os.Create(o.out)
		if err != nil {
			return fmt.Errorf("-o %s: %w", o.out, err)
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		bw := bufio.NewWriter(f)
		defer func() {
			if ferr := bw.Flush(); err == nil {
				err = ferr
			}
		}()
		w = bw
	}
	if err := bulk.WriteRows(w, rows); err != nil {
		return fmt.Errorf("write %s: %w", o.out, err)
	}
	bad := len(rows) - kinds[bulk.KindHFR] - kinds[bulk.KindRohini] - kinds[bulk.KindEmpanelled]
	rare := rareCounts(kinds)
	if rare != "" {
		rare = " (" + rare + ")"
	}
	fmt.Fprintf(report, "wrote %s to %s (seed %d): %d with an HFR id, %d with a ROHINI id, %d empanelled only, %d deliberately awkward or bad%s\n",
		hospitals(len(rows)), o.out, o.seed, kinds[bulk.KindHFR], kinds[bulk.KindRohini], kinds[bulk.KindEmpanelled], bad, rare)
	return nil
}

// hospitals says n hospitals, in the right number.
func hospitals(n int) string {
	if n == 1 {
		return "1 hospital"
	}
	return fmt.Sprintf("%d hospitals", n)
}

func rareCounts(kinds map[bulk.Kind]int) string {
	var parts []string
	for _, k := range []bulk.Kind{bulk.KindHFRUnknown, bulk.KindHFRDraft, bulk.KindHFRMalformed, bulk.KindBadMobile,
		bulk.KindRohiniUnknown, bulk.KindRohiniSuspended, bulk.KindRohiniCheckDigit, bulk.KindBadGSTIN, bulk.KindExpiredLicence} {
		if kinds[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, kinds[k]))
		}
	}
	return strings.Join(parts, ", ")
}

func onboard(ctx context.Context, o *options, stdout, stderr io.Writer) (err error) {
	rows, err := readList(o.list)
	if err != nil {
		return err
	}

	// The registry is opened first, so that a -db that cannot be one
	// leaves no row state behind; whether it was there decides whether
	// the state left by an earlier registry of that name still counts.
	fresh := !o.memory && !exists(o.db)
	store, closeStore, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer closeStore()
	state, err := openState(o, fresh)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := state.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%w; run again: rows submitted are found in the registry", cerr)
		}
	}()
	where := "memory"
	if !o.memory {
		where = o.db
	}

	demo, err := bulk.NewDemo(rows, bulk.DemoOptions{Latency: o.latency, Conns: o.workers})
	if err != nil {
		return err
	}
	defer demo.Close()
	svc, err := demo.Service(store)
	if err != nil {
		return err
	}

	bar := progress(len(rows), o.quiet, stderr)
	ob := &bulk.Onboarder{Service: svc, Store: store, State: state, Certify: demo.Certify, Workers: o.workers}
	if bar != nil {
		ob.Done = func() { _ = bar.Add(1) }
	}
	before := demo.Calls()
	cpu0, cpuOK := bulk.ProcessCPU()
	start := time.Now()
	results, err := ob.Run(ctx, rows)
	wall := time.Since(start)
	cpu1, _ := bulk.ProcessCPU()
	calls := demo.Calls().Sub(before)
	if bar != nil {
		_ = bar.Exit()
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}

	sum := bulk.Summarize(rows, results, demo.Notes.Counts(), o.examples)
	if o.latency > 0 {
		sum.Load = bulk.NewLoad(sum.Submitted, o.workers, o.latency, calls, wall)
		if cpuOK {
			sum.Load.CPU, sum.Load.Cores = cpu1-cpu0, runtime.GOMAXPROCS(0)
		}
	}
	if o.json {
		err = sum.WriteJSON(stdout)
	} else {
		fmt.Fprintf(stdout, "list %s, registry %s, %d workers, %v\n\n", o.list, where, o.workers, wall.Round(time.Millisecond))
		err = sum.WriteTable(stdout)
	}
	if err != nil {
		return err
	}
	switch {
	case sum.NotReached == 1:
		return errors.New("interrupted with 1 row not reached; run again to resume")
	case sum.NotReached > 0:
		return fmt.Errorf("interrupted with %d rows not reached; run again to resume", sum.NotReached)
	case sum.Failed == 1:
		return errors.New("1 row failed; run again to retry it")
	case sum.Failed > 0:
		return fmt.Errorf("%d rows failed; run again to retry them", sum.Failed)
	}
	return nil
}

// SQLite synchronous modes (-sync).
const (
	syncFull   = "full"
	syncNormal = "normal"
)

// statePath is where the row state of the registry db is kept: beside
// it, named after it.
func statePath(db string) string { return db + ".rows" }

// exists reports whether there is a file at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}

// openState opens the row state the run keeps with its registry (see
// bulk.State): in memory with -memory, else in the file beside the
// SQLite registry — emptied when the registry is fresh (it did not exist
// before this run), since the state spoke of applications that are gone.
func openState(o *options, fresh bool) (*bulk.State, error) {
	if o.memory {
		return bulk.NewMemoryState(), nil
	}
	s, err := bulk.OpenState(statePath(o.db), fresh)
	if errors.Is(err, bulk.ErrStateBusy) {
		return nil, busyError{o.db}
	}
	return s, err
}

// busyError is a run refused because another is onboarding into its
// registry db.
type busyError struct{ db string }

func (e busyError) Error() string {
	return "another bulk run is onboarding into " + e.db + ": wait for it to end, or give this one another -db"
}

func (e busyError) Unwrap() error { return bulk.ErrStateBusy }

// openStore opens the registry the run writes to: in memory, or a SQLite
// file.
func openStore(ctx context.Context, o *options) (registry.Store, func(), error) {
	if o.memory {
		return registry.NewMemoryStore(), func() {}, nil
	}
	sync := sqlstore.SyncFull
	if o.sync == syncNormal {
		sync = sqlstore.SyncNormal
	}
	s, err := sqlstore.OpenSQLite(ctx, o.db, sqlstore.WithSynchronous(sync))
	if err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close() }, nil
}

func readList(path string) ([]bulk.Row, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		// A command line naming no list cannot work (exit status 2).
		return nil, fmt.Errorf("%w: %w; write a demo list with -generate N -o %s", errUsage, err, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%w: %s is a directory: give the path of the CSV list (or -generate N -o FILE to write one)", errUsage, path)
	}
	rows, err := bulk.ReadRows(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: the list has a header but no hospitals", path)
	}
	return rows, nil
}

// progress returns a progress bar on stderr, or nil when it is off: with
// -quiet, or when stderr is not a terminal (a log file would fill with
// redraws).
func progress(n int, quiet bool, stderr io.Writer) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("onboarding"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("hospitals"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}
