// Command growth measures how the registry's SQL store scales: it fills a
// fresh store with n realistic participants and their applications
// through the bulk path (sqlstore.Store.Load), times each query shape the
// engine and the staff run, and prints the medians for every size and
// their ratio to the smallest. An index-backed operation keeps a ratio
// near 1 as n grows tenfold; one that reads every row grows with n.
//
//	go run ./internal/growth -backend sqlite -sizes 10k,100k
//	go run ./internal/growth -backend postgres -dsn postgres://… -sizes 10k,100k,1m
//
// SQLite files go to a temporary directory (or -dir) and are removed;
// PostgreSQL gets a schema of its own per size, dropped at the end. The
// DSN defaults to HCX_TEST_POSTGRES_DSN.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

func main() {
	// An interrupt ends the run through its context, so that the store
	// being filled is removed (a PostgreSQL schema of a million
	// participants would otherwise stay behind); a second one, during
	// that clean-up, ends the process as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "growth:", err)
		os.Exit(1)
	}
}

type config struct {
	backend string
	sizes   []int
	dsn     string
	dir     string
	reps    int
	keep    bool
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("growth", flag.ContinueOnError)
	var c config
	var sizes string
	fs.StringVar(&c.backend, "backend", "sqlite", "sqlite or postgres")
	fs.StringVar(&sizes, "sizes", "10k,100k", "participant counts, comma-separated (k and m suffixes)")
	fs.StringVar(&c.dsn, "dsn", "", "PostgreSQL DSN (URL form; default: $HCX_TEST_POSTGRES_DSN)")
	fs.StringVar(&c.dir, "dir", "", "directory for the SQLite files (default: a temporary one)")
	fs.IntVar(&c.reps, "reps", 9, "timed runs of each operation; the median is reported")
	fs.BoolVar(&c.keep, "keep", false, "keep the filled databases (printed on stderr) for a look at their plans")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: every setting is a flag (see -h)", fs.Arg(0))
	}
	if c.dsn == "" {
		c.dsn = os.Getenv("HCX_TEST_POSTGRES_DSN") // not a flag default: -h would print its password
	}
	var err error
	if c.sizes, err = parseSizes(sizes); err != nil {
		return err
	}
	switch {
	case c.backend != "sqlite" && c.backend != "postgres":
		return fmt.Errorf("-backend %q: want sqlite or postgres", c.backend)
	case c.backend == "postgres" && c.dsn == "":
		return errors.New("-backend postgres needs -dsn or HCX_TEST_POSTGRES_DSN")
	case c.backend == "postgres" && !isPostgresURL(c.dsn):
		// Checked before a schema is made, and not shown: a DSN holds a
		// password.
		return errors.New("-dsn: want the URL form, postgres://user:password@host/database")
	case c.reps < 1:
		return errors.New("-reps must be at least 1")
	}
	var results []result
	for _, n := range c.sizes {
		r, err := measure(ctx, c, n)
		if err != nil {
			return fmt.Errorf("%d participants: %w", n, err)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "growth: %s %s done\n", c.backend, sizeName(n))
	}
	report(out, c, results)
	return nil
}

// maxSize is the most participants one size may ask for.
const maxSize = 1000000000

// parseSizes reads -sizes: the counts, smallest first and each once, so
// that every ratio the report prints is to the smallest.
func parseSizes(list string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(list, ",") {
		n, err := parseSize(s)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes), nil
}

func parseSize(given string) (int, error) {
	s := strings.ToLower(strings.TrimSpace(given))
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1000, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "m"):
		mult, s = 1000000, strings.TrimSuffix(s, "m")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxSize/mult {
		return 0, fmt.Errorf("size %q: want a count from 1 to 1000m, like 10k", strings.TrimSpace(given))
	}
	return n * mult, nil
}

// isPostgresURL reports whether dsn is a PostgreSQL DSN in URL form, the
// form a schema can be added to.
func isPostgresURL(dsn string) bool {
	u, err := url.Parse(dsn)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

func sizeName(n int) string {
	switch {
	case n%1000000 == 0:
		return strconv.Itoa(n/1000000) + "M"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// result is one size's measurements.
type result struct {
	n        int
	fill     time.Duration
	bytesPer float64
	ops      map[string]time.Duration
	order    []string
}

// open returns a fresh store for n participants and a function that
// removes it.
func open(ctx context.Context, c config, n int) (*sqlstore.Store, func() (int64, error), func(), error) {
	if c.backend == "sqlite" {
		dir := c.dir
		if dir == "" {
			d, err := os.MkdirTemp("", "growth-")
			if err != nil {
				return nil, nil, nil, err
			}
			dir = d
		}
		path := filepath.Join(dir, fmt.Sprintf("growth-%d.db", n))
		remove := func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
			if c.dir == "" {
				os.Remove(dir)
			}
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		s, err := sqlstore.OpenSQLite(ctx, path)
		if err != nil {
			remove()
			return nil, nil, nil, err
		}
		size := func() (int64, error) {
			var total int64
			for _, suffix := range []string{"", "-wal"} {
				fi, err := os.Stat(path + suffix)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					return 0, err
				}
				if err == nil {
					total += fi.Size()
				}
			}
			return total, nil
		}
		return s, size, func() {
			s.Close()
			if c.keep {
				fmt.Fprintln(os.Stderr, "growth: kept", path)
				return
			}
			remove()
		}, nil
	}
	admin, err := sql.Open("pgx", c.dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "growth_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, nil, err
	}
	drop := func() {
		if c.keep {
			fmt.Fprintln(os.Stderr, "growth: kept schema", schema)
			admin.Close()
			return
		}
		admin.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(c.dsn)
	if err != nil {
		drop()
		return nil, nil, nil, fmt.Errorf("-dsn: want the URL form: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := sqlstore.OpenPostgres(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, nil, err
	}
	size := func() (int64, error) {
		// What autovacuum does soon after a bulk load.
		for _, table := range []string{"participants", "participant_values", "applications", "application_waiting"} {
			if _, err := admin.ExecContext(ctx, "ANALYZE "+schema+"."+table); err != nil {
				return 0, err
			}
		}
		var total int64
		err := admin.QueryRowContext(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`, schema).Scan(&total)
		return total, err
	}
	return s, size, func() { s.Close(); drop() }, nil
}

func measure(ctx context.Context, c config, n int) (result, error) {
	r := result{n: n, ops: map[string]time.Duration{}}
	s, size, closeStore, err := open(ctx, c, n)
	if err != nil {
		return r, err
	}
	defer closeStore()
	f := newFixture(n)
	start := time.Now()
	const batch = 10000
	for from := 0; from < n; from += batch {
		if err := s.Load(ctx, f.writes(from, min(from+batch, n))); err != nil {
			return r, err
		}
	}
	r.fill = time.Since(start)
	bytes, err := size()
	if err != nil {
		return r, err
	}
	r.bytesPer = float64(bytes) / float64(n)

	next := n
	mid := f.participant(n / 2)
	midApp := registry.Position{CreatedAt: mid.CreatedAt, Key: "app-" + mid.ParticipantCode}
	search := func(filters map[string]registry.Condition, cursor string) func(int) error {
		return func(int) error {
			_, err := s.SearchParticipants(ctx, registry.Query{Filters: filters, Limit: 100, Cursor: cursor})
			return err
		}
	}
	list := func(f registry.ApplicationFilter) func(int) error {
		return func(int) error {
			f.Limit = 100
			_, err := s.ListApplications(ctx, f)
			return err
		}
	}
	expiring := func(by time.Time) func(int) error {
		return func(int) error {
			_, err := s.CertificatesExpiring(ctx, by, registry.MaxLimit, "")
			return err
		}
	}
	pick := func(i int) *hcxonboard.Participant { return f.participant((i*7919 + 17) % n) }
	// plain picks a participant with an ordinary name, none of the 50.
	plain := func(i int) string {
		j := (i*7919 + 17) % n
		for f.fixed(j, fixedLotus, 17) {
			j = (j + 1) % n
		}
		return f.participant(j).ParticipantName
	}
	midCursor := registry.EncodeCursor(registry.Position{CreatedAt: mid.CreatedAt, Key: mid.ParticipantCode})
	now := f.now
	midExpiry := f.midExpiryCursor()
	noSuchCode := "qqzqx"
	ops := []struct {
		name string
		do   func(i int) error
	}{
		{"create + get", func(int) error {
			w := f.write(next)
			next++
			if err := s.Create(ctx, w); err != nil {
				return err
			}
			_, err := s.Participant(ctx, w.Participant.ParticipantCode)
			return err
		}},
		{"get by code", func(i int) error { _, err := s.Participant(ctx, pick(i).ParticipantCode); return err }},
		{"search linked code eq", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldLinkedCodes: registry.Eq(pick(i).LinkedRegistryCodes[0])}, "")(i)
		}},
		{"search email eq", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldEmail: registry.Eq(pick(i).PrimaryEmail)}, "")(i)
		}},
		{"search mobile eq", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldMobile: registry.Eq(pick(i).PrimaryMobile)}, "")(i)
		}},
		{"search role nobody has", search(map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleRegulator))}, "")},
		{"search role payer (200 at any n), page 1", search(map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RolePayer))}, "")},
		{"search role pharmacy (2% of n), page 1", search(map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RolePharmacy))}, "")},
		{"search role provider (90%), page 1", search(map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleProvider))}, "")},
		{"search name contains word (50 at any n)", search(map[string]registry.Condition{registry.FieldName: registry.Contains(lotusWord)}, "")},
		{"search name endsWith word (50 at any n)", search(map[string]registry.Condition{registry.FieldName: registry.EndsWith(lotusSuffix)}, "")},
		{"search name contains digits (1 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldName: registry.Contains(plain(i)[len(plain(i))-9:])}, "")(i)
		}},
		{"search name endsWith digits (1 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldName: registry.EndsWith(plain(i)[len(plain(i))-9:])}, "")(i)
		}},
		{"search name startsWith (50 at any n)", search(map[string]registry.Condition{registry.FieldName: registry.StartsWith(lotusPrefix)}, "")},
		{"search name startsWith (1 in 700 of n)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldName: registry.StartsWith(plain(i)[:14])}, "")(i)
		}},
		{"search name contains, no match", search(map[string]registry.Condition{registry.FieldName: registry.Contains("qqzqx")}, "")},
		{"search email startsWith, no match", search(map[string]registry.Condition{registry.FieldEmail: registry.StartsWith("nobody.here@")}, "")},
		{"search code startsWith (1 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldCode: registry.StartsWith(pick(i).ParticipantCode)}, "")(i)
		}},
		{"search scheme eq, no match", search(map[string]registry.Condition{registry.FieldSchemeCode: registry.Eq("NO-SUCH-SCHEME")}, "")},
		{"search email contains (1 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldEmail: registry.Contains(pick(i).PrimaryEmail[1:])}, "")(i)
		}},
		{"search mobile endsWith (1 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldMobile: registry.EndsWith(pick(i).PrimaryMobile[2:])}, "")(i)
		}},
		{"search email contains, no match", search(map[string]registry.Condition{registry.FieldEmail: registry.Contains("qqzqx")}, "")},
		{"search email or (2 match)", func(i int) error {
			return search(map[string]registry.Condition{registry.FieldEmail: {Or: []string{pick(i).PrimaryEmail, pick(i + 1).PrimaryEmail}}}, "")(i)
		}},
		{"search code between (1 match)", func(i int) error {
			code := pick(i).ParticipantCode
			return search(map[string]registry.Condition{registry.FieldCode: registry.Between(registry.Text(code), registry.Text(code))}, "")(i)
		}},
		{"search linked code notContains, page 1", search(map[string]registry.Condition{registry.FieldLinkedCodes: {NotContains: &noSuchCode}}, "")},
		{"search status or Blocked/Inactive (5% of n), page 1", search(map[string]registry.Condition{registry.FieldStatus: {Or: []string{string(hcxonboard.StatusBlocked), string(hcxonboard.StatusInactive)}}}, "")},
		{"search status or Active/Blocked (80% of n), page 1", search(map[string]registry.Condition{registry.FieldStatus: {Or: []string{string(hcxonboard.StatusActive), string(hcxonboard.StatusBlocked)}}}, "")},
		{"search role startsWith provider (90%), page 1", search(map[string]registry.Condition{registry.FieldRoles: registry.StartsWith("provider")}, "")},
		{"search linked code contains, no match (reads the list's values)", search(map[string]registry.Condition{registry.FieldLinkedCodes: registry.Contains("qqzqx")}, "")},
		{"search status neq Inactive, page 1", search(map[string]registry.Condition{registry.FieldStatus: registry.Neq(string(hcxonboard.StatusInactive))}, "")},
		{"search status neq Inactive, mid cursor", search(map[string]registry.Condition{registry.FieldStatus: registry.Neq(string(hcxonboard.StatusInactive))}, midCursor)},
		{"queue waiting approval, page 1", list(registry.ApplicationFilter{Waiting: "approval"})},
		{"queue verifying+approval, page 1", list(registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "approval"})},
		{"queue verifying+approval, mid cursor", list(registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "approval",
			Cursor: registry.EncodeCursor(midApp)})},
		{"a payer's approval requests (1 in 720 of n), page 1", list(registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: payerCode(0)})},
		{"a payer's approval requests, none", list(registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "no-payer@hcx"})},
		{"queue by stage submitted, offset 1,000", list(registry.ApplicationFilter{Stage: registry.StageSubmitted, Offset: 1000})},
		{"due de-boardings (200 at any n), page 1", list(registry.ApplicationFilter{Stage: registry.StageLive, Waiting: "deboarding"})},
		{"due applications, as the scheduler reads them (200 at any n), page 1", func(int) error {
			_, err := s.DueApplications(ctx, now, 100, "")
			return err
		}},
		{"certs expiring in 30 days (500 at any n)", expiring(now.AddDate(0, 0, 30))},
		{"certs expiring in 60 days (5.4% of n), page 1", expiring(now.AddDate(0, 0, 60))},
		{"certs expiring in 2 years (most of n), page 1", expiring(f.twoYears())},
		{"certs expiring in 2 years, mid cursor", func(int) error {
			_, err := s.CertificatesExpiring(ctx, f.twoYears(), registry.MaxLimit, midExpiry)
			return err
		}},
	}
	for _, op := range ops {
		if err := op.do(0); err != nil { // warm the cache and prepare
			return r, fmt.Errorf("%s: %w", op.name, err)
		}
		times := make([]time.Duration, c.reps)
		for i := range times {
			start := time.Now()
			if err := op.do(i + 1); err != nil {
				return r, fmt.Errorf("%s: %w", op.name, err)
			}
			times[i] = time.Since(start)
		}
		slices.Sort(times)
		r.ops[op.name] = times[len(times)/2]
		r.order = append(r.order, op.name)
	}
	return r, nil
}

func report(w io.Writer, c config, rs []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "operation (median of " + strconv.Itoa(c.reps) + ", " + c.backend + ")\t"
	for _, r := range rs {
		head += sizeName(r.n) + "\t"
	}
	for _, r := range rs[1:] {
		head += "×" + sizeName(r.n) + "/" + sizeName(rs[0].n) + "\t"
	}
	fmt.Fprintln(tw, head)
	for _, name := range rs[0].order {
		line := name + "\t"
		for _, r := range rs {
			line += fmtDur(r.ops[name]) + "\t"
		}
		for _, r := range rs[1:] {
			line += fmt.Sprintf("%.1f", float64(r.ops[name])/float64(rs[0].ops[name])) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	line := "fill (bulk Load)\t"
	for _, r := range rs {
		line += fmtDur(r.fill) + "\t"
	}
	fmt.Fprintln(tw, line)
	line = "disk per participant\t"
	for _, r := range rs {
		line += fmt.Sprintf("%.0f B", r.bytesPer) + "\t"
	}
	fmt.Fprintln(tw, line)
	tw.Flush()
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
