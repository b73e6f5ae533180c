package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/verifier"
)

// config is what the flags and the environment say.
type config struct {
	url, data                    string
	reviewerToken, approverToken string
	only                         []verifier.Category
	wait                         time.Duration
}

// usageError is a bad command line (exit status 2).
type usageError struct{ error }

func parseFlags(args []string, out io.Writer) (config, error) {
	c := config{}
	fs := flag.NewFlagSet("walkthrough", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, `Usage: go run ./examples/walkthrough -reviewer-token <…> -approver-token <…> [flags]

Takes one sample application of every verification category to Active
against a running examples/operator (go run ./examples/operator), printing
each step. The staff tokens are the two the operator printed at start-up;
the samples and the demo one-time codes are read from its data directory.

Before go-live each sample passes the operator's readiness checks: this
program serves the participants' endpoints (package readiness/participant)
over TLS on loopback, at https://participants.hcx-demo.localhost:<port>/p/<n>,
with the demo keys and certificate the operator wrote to its data
directory, and prints each check's outcome and time. Demo only.

Flags:
`)
		fs.PrintDefaults()
	}
	var only string
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the operator's base URL")
	fs.StringVar(&c.data, "data", filepath.Join(os.TempDir(), "hcxonboard-demo"), "the operator's data directory (its -data)")
	fs.StringVar(&c.reviewerToken, "reviewer-token", "", "the reviewer's staff token the operator printed (default $HCX_REVIEWER_TOKEN)")
	fs.StringVar(&c.approverToken, "approver-token", "", "the approver's staff token the operator printed (default $HCX_APPROVER_TOKEN)")
	fs.StringVar(&only, "only", "", "take only these categories live, comma-separated (default: all): "+categoryList())
	fs.DurationVar(&c.wait, "wait", 30*time.Second, "how long to wait for a one-time code or a registry check")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError{err}
	}
	if fs.NArg() > 0 {
		return c, usageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	// From the environment only now, so that -h never prints a token.
	if c.reviewerToken == "" {
		c.reviewerToken = os.Getenv("HCX_REVIEWER_TOKEN")
	}
	if c.approverToken == "" {
		c.approverToken = os.Getenv("HCX_APPROVER_TOKEN")
	}
	if c.reviewerToken == "" || c.approverToken == "" {
		return c, usageError{errors.New("give -reviewer-token and -approver-token: the two staff tokens the operator printed at start-up")}
	}
	if c.wait <= 0 {
		return c, usageError{fmt.Errorf("-wait %s is not positive: give how long to wait, such as 30s or 2m", c.wait)}
	}
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, usageError{fmt.Errorf("-url %q: want the operator's base URL, such as http://127.0.0.1:8080, as its banner prints", c.url)}
	}
	if base, what, ok := bannerURL(u); ok {
		return c, usageError{fmt.Errorf("-url %q is the operator's %s: give its base URL, %s, as its banner prints (\"listening on …\")", c.url, what, base)}
	}
	if strings.TrimSpace(c.data) == "" {
		return c, usageError{errors.New("-data is empty: give the operator's -data, as its banner prints")}
	}
	c.url = strings.TrimRight(c.url, "/")
	for _, name := range strings.Split(only, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		cat := verifier.Category(name)
		if !cat.Valid() {
			return c, usageError{fmt.Errorf("-only: unknown category %q; the categories are %s", name, categoryList())}
		}
		c.only = append(c.only, cat)
	}
	return c, nil
}

// bannerURL reports whether u is one of the other URLs the operator's
// banner prints (its API, console or OpenAPI document) rather than its
// base URL, and if so the base URL and what u is.
func bannerURL(u *url.URL) (base, what string, ok bool) {
	p := strings.TrimRight(u.Path, "/")
	for _, s := range []struct{ suffix, what string }{
		{"/v1/onboarding", "API"},
		{"/console", "console"},
		{"/openapi.json", "OpenAPI document"},
	} {
		if prefix, found := strings.CutSuffix(p, s.suffix); found {
			b := *u
			b.Path, b.RawPath, b.RawQuery, b.Fragment = prefix, "", "", ""
			return b.String(), s.what, true
		}
	}
	return "", "", false
}

func categoryList() string {
	var names []string
	for _, c := range verifier.Categories() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// sample is a sample application the operator wrote.
type sample struct {
	file     string // base name
	category verifier.Category
	app      *hcxonboard.Application
}

// run takes the samples live and prints what it does; it fails when any
// sample did not go live.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	w := &walker{
		cfg:   cfg,
		api:   &client{base: cfg.url, http: &http.Client{Timeout: 30 * time.Second}},
		out:   stdout,
		codes: codeLog{path: filepath.Join(cfg.data, codesFile)},
	}
	if err := w.api.call(ctx, http.MethodGet, "/healthz", "", nil, nil); err != nil {
		if cause := operatorGone(err); cause != nil {
			err = cause
		}
		return fmt.Errorf("no operator answers at %s (%w): start one with go run ./examples/operator, "+
			"or, if one runs at another address (-addr), give that address's URL with -url, as its banner prints", cfg.url, err)
	}
	if err := w.checkStaffTokens(ctx); err != nil {
		return err
	}
	samples, err := loadSamples(cfg.data, cfg.only)
	if err != nil {
		return err
	}
	if w.docs, err = indexDocuments(cfg.data); err != nil {
		return err
	}
	if w.details, err = loadDetails(filepath.Join(cfg.data, "details.json")); err != nil {
		return err
	}
	if w.endpoints, err = startEndpoints(ctx, cfg.data, w.api); err != nil {
		return err
	}
	defer w.endpoints.close()

	fmt.Fprintf(stdout, "HCX onboarding walkthrough: %s against %s\n", count(len(samples), "sample application"), cfg.url)
	fmt.Fprintf(stdout, "(samples, documents and the demo's one-time codes from %s)\n", cfg.data)
	if e := w.endpoints; e != nil {
		fmt.Fprintf(stdout, "(participants' endpoints: https://%s:%d/p/<n>, served here on loopback with the keys in %s and %s;\n",
			e.manifest.EndpointHost, e.port, e.manifest.EncryptionKey, e.manifest.SigningKey)
		fmt.Fprintf(stdout, " their readiness handlers trust operator %q's keys from %s%s — demo only)\n", e.manifest.Issuer, cfg.url, e.manifest.JWKSPath)
	}
	start := time.Now()
	results, err := w.walkAll(ctx, samples)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	printSummary(stdout, results, time.Since(start))
	return err
}

// walkAll takes the samples live one after the other. It stops early when
// ctx ends, or when the operator stops answering (stopped in its
// terminal, say): the samples after that one are not tried.
func (w *walker) walkAll(ctx context.Context, samples []sample) ([]result, error) {
	var results []result
	failed := 0
	for i, s := range samples {
		fmt.Fprintln(w.out)
		r := w.walk(ctx, s)
		results = append(results, r)
		if r.err == nil {
			continue
		}
		failed++
		fmt.Fprintf(w.out, "  FAILED          %v\n", r.err)
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if cause := operatorGone(r.err); cause != nil {
			left := len(samples) - i - 1
			notTried := count(left, "sample") + " were not tried"
			if left == 1 {
				notTried = "1 sample was not tried"
			}
			return results, fmt.Errorf("the operator at %s stopped answering (%v); %s. Start it afresh (delete %s, "+
				"then go run ./examples/operator) and run the walkthrough again with the tokens it prints: "+
				"the samples it took or began are claimed in that data directory", w.cfg.url, cause, notTried, w.cfg.data)
		}
	}
	if failed > 0 {
		return results, fmt.Errorf("%d of %s did not go live", failed, count(len(samples), "sample"))
	}
	return results, nil
}

// operatorGone returns the cause when err says the operator no longer
// accepts connections, nil otherwise.
func operatorGone(err error) error {
	for _, cause := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET} {
		if errors.Is(err, cause) {
			return cause
		}
	}
	return nil
}

// loadSamples reads the operator's sample applications, one per category,
// in the order of verifier.Categories: the insurer first.
func loadSamples(dir string, only []verifier.Category) ([]sample, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "application-*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no sample applications in %s: give the operator's -data (start it with go run ./examples/operator)", dir)
	}
	var out []sample
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		app, err := hcxonboard.DecodeApplication(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		cats, err := verifier.Categorize(app)
		if err != nil || len(cats) != 1 {
			return nil, fmt.Errorf("%s: not one category (%v, %v)", p, cats, err)
		}
		if len(only) > 0 && !slices.Contains(only, cats[0]) {
			continue
		}
		out = append(out, sample{file: filepath.Base(p), category: cats[0], app: app})
	}
	order := verifier.Categories()
	slices.SortStableFunc(out, func(a, b sample) int {
		return slices.Index(order, a.category) - slices.Index(order, b.category)
	})
	for _, c := range only {
		if !slices.ContainsFunc(out, func(s sample) bool { return s.category == c }) {
			return nil, fmt.Errorf("no %s sample in %s", c, dir)
		}
	}
	return out, nil
}

// indexDocuments finds the documents the samples reference by their
// SHA-256: the PDFs the operator wrote into its data directory (not those
// it holds after an upload, under documents/).
func indexDocuments(dir string) (map[string]string, error) {
	docs := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != dir && d.Name() == "documents":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(d.Name(), ".pdf"):
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		docs[hex.EncodeToString(sum[:])] = path
		return nil
	})
	return docs, err
}

func loadDetails(path string) (onboarding.Details, error) {
	var d onboarding.Details
	b, err := readOperatorFile(path)
	if err != nil {
		return d, fmt.Errorf("step-3 details: %w", err)
	}
	if err := jsonStrict(b, &d); err != nil {
		return d, fmt.Errorf("step-3 details: %w", operatorFileError(path, err))
	}
	return d, nil
}

// readOperatorFile reads a file the operator writes into its data
// directory at every start, saying how to get it back when it cannot.
func readOperatorFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, operatorFileError(path, err)
	}
	return b, nil
}

// operatorFileError says that the file at path, which the operator writes
// at every start, is missing or damaged, and how to get it back.
func operatorFileError(path string, err error) error {
	what := "is damaged"
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		what = "is missing"
		err = fs.ErrNotExist
	case errors.As(err, &pe):
		what = "cannot be read"
		err = pe.Err
	}
	return fmt.Errorf("%s %s (%w): the operator writes it at every start; stop the operator on that -data, "+
		"start it again, and run the walkthrough with the tokens it prints", path, what, err)
}

func printSummary(w io.Writer, results []result, took time.Duration) {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-20s %-32s %-8s %s\n", "category", "participant code", "status", "time")
	live := 0
	for _, r := range results {
		status := string(r.status)
		if r.err != nil {
			status = "FAILED"
		} else if r.status == hcxonboard.StatusActive {
			live++
		}
		fmt.Fprintf(w, "%-20s %-32s %-8s %.1fs\n", r.category, orDash(r.code), orDash(status), r.took.Seconds())
	}
	fmt.Fprintf(w, "%d of %s Active in %.1fs\n", live, count(len(results), "category"), took.Seconds())
}

// count is n and the noun, in the plural unless n is 1.
func count(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// checkStaffTokens asks the operator whether it takes both staff tokens
// before any sample is submitted: a mistyped token found only at a
// sample's first review would leave that sample's certificate and
// identities with an application nobody can finish.
func (w *walker) checkStaffTokens(ctx context.Context) error {
	for _, t := range []struct{ flag, token string }{
		{"-reviewer-token", w.cfg.reviewerToken}, {"-approver-token", w.cfg.approverToken},
	} {
		err := w.api.call(ctx, http.MethodGet, "/v1/onboarding/staff/applications?limit=1", t.token, nil, nil)
		var refused *apiError
		if errors.As(err, &refused) && (refused.status == http.StatusUnauthorized || refused.status == http.StatusForbidden) {
			return fmt.Errorf("the operator at %s refused %s (%s): give the staff token it printed at start-up, new at every start; nothing was submitted",
				w.cfg.url, t.flag, refused.message)
		}
		if err != nil {
			return fmt.Errorf("check the %s token: %w", t.flag, err)
		}
	}
	// Each token's role: the action the walkthrough needs it for, on an
	// application that does not exist. The operator checks the role
	// first, so 403 is a token without it and 404 one with it; nothing
	// is changed either way.
	const absent = "/v1/onboarding/staff/applications/walkthrough-role-check"
	for _, t := range []struct {
		flag, role, token, path string
		body                    any
	}{
		{"-reviewer-token", "reviewer", w.cfg.reviewerToken, absent + "/tasks/review-1/decision",
			httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "role check"}},
		{"-approver-token", "approver", w.cfg.approverToken, absent + "/go-live",
			httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true}},
	} {
		err := w.api.call(ctx, http.MethodPost, t.path, t.token, t.body, nil)
		var refused *apiError
		if !errors.As(err, &refused) {
			return fmt.Errorf("check the %s token's role: the operator answered %v", t.flag, err)
		}
		switch refused.status {
		case http.StatusNotFound:
		case http.StatusForbidden:
			return fmt.Errorf("the %s given is not a %s's (%s): the operator prints the reviewer's token first and the approver's second; "+
				"were they given the other way round? Nothing was submitted", t.flag, t.role, refused.message)
		default:
			return fmt.Errorf("check the %s token's role: %w", t.flag, err)
		}
	}
	return nil
}
