package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/internal/urltext"
	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/verifier"
)

// config is what the flags and the environment say.
type config struct {
	addr, db, data, instance string
	hfrGateway, hfrRegistry  string
	hfrClientID, hfrSecret   string
	hfrEnv, rohiniURL        string
	policy                   string
	shutdownTimeout          time.Duration
	scheduleInterval         time.Duration
	scheduleWorkers          int
	outboxInterval           time.Duration
	profile                  credential.Profile // how the specification's routes write records
	readiness                string             // readinessRequired, readinessOptional or readinessOff
	tx                       transportConfig    // how messages are delivered (transports.go)
}

func parseFlags(args []string, out io.Writer) (config, error) {
	return parseFlagsEnv(args, out, os.Getenv)
}

// parseFlagsEnv is parseFlags reading the environment through getenv.
func parseFlagsEnv(args []string, out io.Writer, getenv func(string) string) (config, error) {
	demo := filepath.Join(os.TempDir(), "hcxonboard-demo")
	c := config{hfrSecret: getenv("HFR_CLIENT_SECRET"), shutdownTimeout: 10 * time.Second}
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.db, "db", "", "SQLite database file (default <data>/registry.db)")
	fs.StringVar(&c.data, "data", demo, "directory for all the demo keeps: key seed, database, samples, documents, demo codes; yours alone, not writable by others")
	fs.StringVar(&c.instance, "instance", "hcx", "HCX instance code (participant codes end with @<instance>)")
	fs.StringVar(&c.hfrGateway, "hfr-gateway", "", "ABDM gateway base URL, or HFR_GATEWAY (default: an in-process fake)")
	fs.StringVar(&c.hfrRegistry, "hfr-registry", "", "HFR/HPR base URL with its version prefix, or HFR_REGISTRY")
	fs.StringVar(&c.hfrClientID, "hfr-client-id", "", "ABDM gateway client id, or HFR_CLIENT_ID (secret from HFR_CLIENT_SECRET)")
	fs.StringVar(&c.hfrEnv, "hfr-env", "sandbox", "ABDM environment: sandbox or production, or HFR_ENV")
	fs.StringVar(&c.rohiniURL, "rohini-url", "", "ROHINI look-up base URL, or ROHINI_URL (default: an in-process fake)")
	fs.StringVar(&c.policy, "policy", "", "onboarding policy file (JSON, verifier.PolicyFile), published at "+policyPath+" (default: the guideline's)")
	fs.DurationVar(&c.outboxInterval, "outbox-interval", 10*time.Second, "how often the outbox dispatcher retries what could not be sent at once")
	fs.DurationVar(&c.scheduleInterval, "schedule-interval", time.Minute,
		"how often the scheduler runs what is due: certificate and secret notices, idle applications, de-boardings, registry waits, readiness re-checks (1s to 8h)")
	fs.IntVar(&c.scheduleWorkers, "schedule-workers", onboarding.DefaultSchedulerWorkers,
		fmt.Sprintf("how many applications a scheduler pass works on at once (1 to %d)", onboarding.MaxSchedulerWorkers))
	profile := fs.String("profile", profileNames[credential.ProfileSpec],
		"how the HCX specification's routes write participant records: own, spec, platform or nhcx")
	fs.StringVar(&c.readiness, "readiness", readinessRequired,
		"go-live readiness checks of participants' endpoints and keys: required (before go-live), optional or off")
	transportFlags(fs, &c.tx)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := registryEnv(fs, getenv); err != nil {
		return c, err
	}
	if strings.TrimSpace(c.data) == "" {
		// filepath.Join("", …) is the current directory: the key seed and
		// the database would land wherever the command was started.
		return c, fmt.Errorf("-data is empty: give a directory of yours, or leave -data out for %s", demo)
	}
	if !validAddr(c.addr) {
		return c, fmt.Errorf("-addr %q: want host:port, such as 127.0.0.1:8080 (port 0 for a free one)", c.addr)
	}
	if c.outboxInterval <= 0 {
		return c, fmt.Errorf("-outbox-interval %s: want a positive duration", c.outboxInterval)
	}
	if c.scheduleInterval < time.Second || c.scheduleInterval > 8*time.Hour {
		return c, fmt.Errorf("-schedule-interval %s: want a second to 8 hours", c.scheduleInterval)
	}
	if c.scheduleWorkers < 1 || c.scheduleWorkers > onboarding.MaxSchedulerWorkers {
		return c, fmt.Errorf("-schedule-workers %d: want 1 to %d", c.scheduleWorkers, onboarding.MaxSchedulerWorkers)
	}
	var err error
	if c.profile, err = parseProfile(*profile); err != nil {
		return c, err
	}
	switch c.readiness {
	case readinessRequired, readinessOptional, readinessOff:
	default:
		return c, fmt.Errorf("-readiness %q: want %s, %s or %s", c.readiness, readinessRequired, readinessOptional, readinessOff)
	}
	switch c.hfrEnv {
	case "sandbox", "production":
	default:
		return c, fmt.Errorf("-hfr-env %q: want sandbox or production", c.hfrEnv)
	}
	realHFR := c.hfrGateway != "" || c.hfrRegistry != "" || c.hfrClientID != ""
	if realHFR && (c.hfrGateway == "" || c.hfrRegistry == "" || c.hfrClientID == "" || c.hfrSecret == "") {
		return c, errors.New(realHFRNeeds)
	}
	if c.rohiniURL != "" && !httpURL(c.rohiniURL) {
		return c, fmt.Errorf("-rohini-url %s: want the ROHINI look-up's absolute https URL, such as https://rohini.example/api", quotedURL(c.rohiniURL))
	}
	if set := flagsSet(fs); set["hfr-env"] && !realHFR {
		// The in-process fake has no environment: an -hfr-env meant for
		// the real HFR must not run the demo's facilities instead.
		return c, errors.New("-hfr-env (HFR_ENV) needs the real HFR: -hfr-gateway, -hfr-registry, -hfr-client-id and HFR_CLIENT_SECRET")
	}
	if err := checkInstance(c.instance); err != nil {
		return c, err
	}
	if err := c.tx.check(getenv); err != nil {
		return c, err
	}
	if c.db == "" {
		c.db = filepath.Join(c.data, "registry.db") // the state stays in one place
	}
	if err := checkDatabasePath(c.db); err != nil {
		return c, err
	}
	return c, nil
}

// realHFRNeeds is the refusal of half a configuration of the real HFR.
const realHFRNeeds = "real HFR needs -hfr-gateway, -hfr-registry, -hfr-client-id and HFR_CLIENT_SECRET"

// validAddr reports whether addr is host:port with a port a listener can
// take: a number from 0 to 65535, or a service name such as http.
func validAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if strings.Trim(port, "0123456789") == "" {
		n, err := strconv.Atoi(port)
		return err == nil && n <= 65535
	}
	return port[0] != '-' && port[0] != '+'
}

// httpURL reports whether s is an absolute http or https URL with a host.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// quotedURL quotes a refused URL for its error without what may be a
// secret in it (urltext.WithoutSecrets). One that does not parse is not
// quoted at all, only the parser's reason.
func quotedURL(s string) string {
	if _, err := url.Parse(s); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return "(not a URL: " + ue.Err.Error() + ")"
		}
		return "(not a URL)"
	}
	return strconv.Quote(urltext.WithoutSecrets(s))
}

// flagsSet are the names of the flags given on the command line.
// registryFlagEnv names the environment variable that sets each registry
// flag not given on the command line, so that the real registries can be
// configured as a container usually is.
var registryFlagEnv = []struct{ flag, env string }{
	{"hfr-gateway", "HFR_GATEWAY"},
	{"hfr-registry", "HFR_REGISTRY"},
	{"hfr-client-id", "HFR_CLIENT_ID"},
	{"hfr-env", "HFR_ENV"},
	{"rohini-url", "ROHINI_URL"},
}

// registryEnv sets each registry flag not given from its variable, when
// that is set; a flag given wins.
func registryEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := flagsSet(fs)
	for _, fe := range registryFlagEnv {
		v := getenv(fe.env)
		if set[fe.flag] || v == "" {
			continue
		}
		if err := fs.Set(fe.flag, v); err != nil {
			return fmt.Errorf("%s: %w", fe.env, err)
		}
	}
	return nil
}

func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// checkInstance refuses an -instance that participant codes cannot end
// with and still be told apart from other addresses (notify.Classify):
// the instance is letters, digits and inner "-", at most 63 characters,
// and not "hfr". With a "." a code reads as an e-mail address, so that a
// payer's approval request would go by e-mail to whoever holds that
// domain; "<id>@hfr" is a facility manager's address at HFR.
func checkInstance(code string) error {
	if strings.EqualFold(code, "hfr") {
		return fmt.Errorf("-instance %q: \"<id>@hfr\" addresses a facility's manager at HFR; give the HCX instance another name", code)
	}
	ok := code != "" && len(code) <= 63 && code[0] != '-' && code[len(code)-1] != '-' &&
		strings.IndexFunc(code, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
		}) < 0
	if !ok || notify.Classify("p@"+code) != notify.Participant {
		return fmt.Errorf("-instance %q: want 1 to 63 letters, digits and inner '-': participant codes end with it, "+
			"and with a '.' they would be taken for e-mail addresses", code)
	}
	return nil
}

// connectionKeys are the keywords of a libpq keyword/value connection
// string that no SQLite file name starts a word with.
var connectionKeys = []string{"host", "hostaddr", "port", "dbname", "user", "password", "sslmode"}

// checkDatabasePath refuses a -db that is a database connection string (a
// URL such as postgres://… or libpq's keyword/value form) rather than a
// SQLite file path: this operator keeps its registry in SQLite only, and
// taking the string for a path would create directories named after it
// and print its password. The error never repeats the string.
func checkDatabasePath(path string) error {
	if scheme, _, ok := strings.Cut(path, "://"); ok && isURLScheme(scheme) {
		return fmt.Errorf("-db: a %s:// connection string, not a file: -db names the SQLite database file, the only database this operator opens", scheme)
	}
	for _, field := range strings.Fields(path) {
		if key, _, ok := strings.Cut(field, "="); ok && slices.Contains(connectionKeys, key) {
			return fmt.Errorf("-db: a keyword/value connection string (%s=…), not a file: -db names the SQLite database file, the only database this operator opens", key)
		}
	}
	return nil
}

// isURLScheme reports whether s is a URL scheme (RFC 3986: a letter, then
// letters, digits, "+", "-" or ".").
func isURLScheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
	}) < 0
}

// profileNames are -profile's values, by profile.
var profileNames = map[credential.Profile]string{
	credential.ProfileOwn:      "own",
	credential.ProfileSpec:     "spec",
	credential.ProfilePlatform: "platform",
	credential.ProfileNHCX:     "nhcx",
}

// parseProfile reads -profile: own, spec, platform or nhcx, or a
// profile's own name (hcx-v0.9 …).
func parseProfile(name string) (credential.Profile, error) {
	for p, short := range profileNames {
		if name == short {
			return p, nil
		}
	}
	if p := credential.Profile(name); p.Valid() {
		return p, nil
	}
	return "", fmt.Errorf("-profile %q: want own, spec, platform or nhcx", name)
}

// errUsage marks a command line (or the environment standing in for
// one) that cannot work: main exits with status 2, as the flag package
// and other commands do, and not 1, which says the operator failed.
var errUsage = errors.New("usage")

// usageError is a problem with the command line, wrapped so that
// errors.Is(err, errUsage) holds while its text stays the problem's.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() + " (see -h)" }

func (e *usageError) Unwrap() []error { return []error{errUsage, e.err} }

// exitStatus is the process's exit status for what run returned: 0 for
// nothing (or -h), 2 for a command line that cannot work, 1 otherwise.
func exitStatus(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}

// run starts the operator and serves until ctx ends, then shuts down.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return &usageError{err: err}
	}
	out := &syncWriter{w: stdout}
	// Logs are JSON records, one a line, for a log pipeline to read; each
	// request's record and its audit events share a request_id. The banner
	// and the demo's messages stay plain text for the person at the console.
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))

	// The policy file is a flag's: one that cannot be read is a command
	// line that cannot work, found before anything is made.
	pol, err := loadPolicy(cfg.policy)
	if err != nil {
		return &usageError{err: err}
	}
	if err := ensureDataDir(cfg.data); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.db), 0o700); err != nil {
		return fmt.Errorf("database directory: %w", err)
	}
	store, err := sqlstore.OpenSQLite(ctx, cfg.db)
	if err != nil {
		return openStoreError(cfg, err)
	}
	defer store.Close()
	seedPath := filepath.Join(cfg.data, "operator.seed")
	if err := refuseNewSeedBesideRecords(ctx, cfg, seedPath, store); err != nil {
		return err
	}
	keys, err := loadKeys(seedPath)
	if err != nil {
		return err
	}

	// Metrics: what happens as it happens (deliveries, registry calls,
	// tokens), and, once the engine exists, what the store holds.
	m := metrics.New()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	regs, err := openRegistries(cfg, out, m)
	if err != nil {
		return err
	}
	defer regs.close()

	demo, err := newDemoSandbox(keys.sandbox)
	if err != nil {
		return err
	}
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(demo.trust))
	if err != nil {
		return fmt.Errorf("sandbox verifier: %w", err)
	}
	checker, err := verifier.New(
		verifier.WithPolicyFile(pol.file),
		verifier.WithSandboxVerifier(sv),
		verifier.WithFacilityRegistry(regs.hfr),
		verifier.WithProfessionalRegistry(regs.hfr),
		verifier.WithRohiniLookup(regs.rohini),
		// A payer-signed empanelment proof is checked against the signing
		// certificate the payer registered here, and then backs one
		// participant only.
		verifier.WithPayerDirectory(onboarding.RegistryPayers(store, nil)),
	)
	if err != nil {
		return fmt.Errorf("verifier: %w", err)
	}
	// The library's own tokens are EdDSA; the specification's, the
	// platform's and NHCX's are RS256, with an RSA key kept in the data
	// directory.
	tokenKey := keys.token
	if cfg.profile != credential.ProfileOwn {
		if tokenKey, err = loadRSATokenKey(filepath.Join(cfg.data, rsaTokenKeyFile)); err != nil {
			return err
		}
	}
	tokens, err := credential.NewTokens(tokenKey, credential.WithIssuer(cfg.instance), credential.WithProfile(cfg.profile))
	if err != nil {
		return fmt.Errorf("token key: %w", err)
	}
	// Uploaded documents live under the data directory, one directory per
	// application: the embedded default, for one machine. Replicas sharing
	// a PostgreSQL database keep them there instead (store.Documents()).
	// An operator's policy may ask for documents of kinds of its own.
	kinds := slices.Concat(document.Kinds, verifier.DocumentKinds(checker.Policies()...))
	docs, err := document.NewDir(filepath.Join(cfg.data, "documents"), store, document.WithKinds(kinds...))
	if err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	defer docs.Close()
	notifier, delivery, err := newNotifier(cfg.tx, notifierDeps{console: demoNotifier{out: out, codes: regs.codes},
		participants: store, signingKey: tokenKey, tokens: tokens, metrics: m, log: log})
	if err != nil {
		return err
	}
	// The port first, before any demo file is written: a second start
	// while an operator runs must fail without touching the files the
	// running one trusts (its demo CA among them).
	ln, err := net.Listen("tcp", cfg.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen: %s is taken by another program (or another operator): stop it, or give -addr 127.0.0.1:0 "+
			"for a free port, which the banner names (%w)", cfg.addr, err)
	}
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close() // a no-op once the server has closed it
	unlock, err := lockDataDir(cfg.data)
	if err != nil {
		return err
	}
	defer unlock()
	pk, err := loadParticipantKeys(cfg.data)
	if err != nil {
		return err
	}
	ready, err := newDemoReadiness(cfg.data, cfg.readiness, cfg.instance, keys.readiness)
	if err != nil {
		return err
	}
	svc, err := onboarding.New(store, append([]onboarding.Option{
		onboarding.WithInstanceCode(cfg.instance),
		onboarding.WithNotifier(notifier),
		onboarding.WithVerifier(checker),
		onboarding.WithSandbox(sv),
		onboarding.WithTokens(tokens),
		onboarding.WithFacilityOTP(regs.facilityOTP),
		onboarding.WithProfessionalAuth(regs.professional),
		onboarding.WithOTPKey(keys.otp),
		onboarding.WithAuditKey(keys.audit),
		onboarding.WithLogger(log),
		onboarding.WithDocuments(docs),
	}, ready.options()...)...)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	state, err := metrics.NewStateCollector(svc)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	reg.MustRegister(state)

	// Two people, as four eyes requires: a reviewer decides reviews, an
	// approver takes participants live.
	staffToken, err := randomToken()
	if err != nil {
		return err
	}
	approverToken, err := randomToken()
	if err != nil {
		return err
	}
	staff, err := httpapi.NewStaffTokenSet(map[string]string{"demo-reviewer": staffToken, "demo-approver": approverToken})
	if err != nil {
		return err
	}
	if err := staff.SetRoles("demo-reviewer", httpapi.RoleReviewer); err != nil {
		return err
	}
	if err := staff.SetRoles("demo-approver", httpapi.RoleApprover); err != nil {
		return err
	}
	// The routes served beside the API, in its OpenAPI document too.
	beside := []httpapi.DocumentedRoute{
		{Path: metricsPath, Summary: "Prometheus metrics of the operator", MediaType: "text/plain"},
		{Path: policyPath, Summary: "The onboarding policy: what each kind of applicant must show", MediaType: "application/json"},
	}
	if ready.checker != nil {
		beside = append(beside, httpapi.DocumentedRoute{Path: readinessJWKSPath,
			Summary: "The keys the operator signs its readiness challenges with (JWK set)", MediaType: "application/json"})
	}
	h, err := httpapi.New(svc, httpapi.WithStaffSet(staff), httpapi.WithApplicantKey(keys.applicant), httpapi.WithLogger(log),
		httpapi.WithTokenObserver(m.ObserveToken), httpapi.WithProfile(cfg.profile), httpapi.WithDocumentedRoutes(beside...))
	if err != nil {
		return fmt.Errorf("http handler: %w", err)
	}

	base := "http://" + ln.Addr().String()
	samples, err := writeSamples(cfg.data, demo, regs.fakeHFR != nil, pk)
	if err != nil {
		ln.Close()
		return err
	}
	if err := printBanner(out, cfg, base, staffToken, approverToken, demo, samples, regs, delivery, ready); err != nil {
		ln.Close()
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, metrics.Handler(reg, log))
	if ready.checker != nil {
		mux.HandleFunc("GET "+readinessJWKSPath, ready.serveJWKS)
	}
	mux.Handle("/", pol.serve(h))
	srv := &http.Server{
		Handler:           allowSlowUploads(mux, uploadTimeout),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	var wg sync.WaitGroup
	jobs, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	wg.Add(2)
	schedErr := make(chan error, 1)
	go func() {
		// The scheduler: certificate and secret notices, idle
		// applications, announced de-boardings, registry waits run out,
		// readiness re-checks, outbox retries. /readyz fails if its
		// passes stop.
		defer wg.Done()
		if err := svc.RunScheduler(jobs, onboarding.SchedulerOptions{Interval: cfg.scheduleInterval, Owner: "operator-demo", Workers: cfg.scheduleWorkers}); err != nil {
			schedErr <- err // it could not run at all
		}
	}()
	go func() {
		// The outbox: what a change could not send at once is retried
		// every -outbox-interval, more often than the scheduler does;
		// each message is leased to one of the two at a time.
		defer wg.Done()
		_ = svc.RunOutbox(jobs, cfg.outboxInterval)
	}()
	fmt.Fprintf(out, "onboarding policy for applicants: %s%s\n", base, policyPath)
	fmt.Fprintf(out, "listening on %s (Ctrl-C to stop)\n", base)

	select {
	case err := <-serveErr:
		stopJobs()
		wg.Wait()
		return fmt.Errorf("serve: %w", err)
	case err := <-schedErr:
		stopJobs()
		_ = srv.Close()
		wg.Wait()
		return fmt.Errorf("scheduler: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "shutting down… (Ctrl-C again to stop at once)")
	stopJobs()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	wg.Wait()
	if serr := <-serveErr; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// uploadTimeout is how long a document upload may take, read and
// answered: 10 MiB at about 17 KiB/s. The server's ReadTimeout and
// WriteTimeout bound every other request far tighter.
const uploadTimeout = 10 * time.Minute

// allowSlowUploads gives a document upload (POST
// /v1/onboarding/applications/{id}/documents) d to be read and answered,
// in place of the server's read and write timeouts, so that a facility on
// a slow uplink can send a scan; the upload route caps the body's size.
func allowSlowUploads(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && isUploadPath(r.URL.Path) {
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(d)
			_ = rc.SetReadDeadline(deadline) // a writer without deadlines keeps the server's
			_ = rc.SetWriteDeadline(deadline)
		}
		next.ServeHTTP(w, r)
	})
}

// isUploadPath reports whether path is an application's documents route.
func isUploadPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/v1/onboarding/applications/")
	if !ok {
		return false
	}
	id, tail, ok := strings.Cut(rest, "/")
	return ok && id != "" && tail == "documents"
}

// maxHeaderBytes bounds a request's headers: a bearer token, a console
// cookie and the usual headers take a few kilobytes, and net/http's
// default of a megabyte is memory a slow client can hold per connection.
const maxHeaderBytes = 64 << 10

// metricsPath is where Prometheus scrapes the operator.
const metricsPath = "/metrics"

// syncWriter serialises writes from the logger, the notifier and the
// banner.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// refuseNewSeedBesideRecords refuses to make a new key seed while the
// database holds applications: the old seed's keys sealed their audit
// trails, hashed their one-time codes and signed their applicant tokens,
// so under new keys every trail would read as broken and every code and
// token given would be refused.
func refuseNewSeedBesideRecords(ctx context.Context, cfg config, seedPath string, store registry.StageCounter) error {
	if _, err := os.Lstat(seedPath); !errors.Is(err, fs.ErrNotExist) {
		return nil // there is one (or loadKeys says what is wrong with it)
	}
	counts, err := store.CountApplications(ctx)
	if err != nil {
		return fmt.Errorf("count the applications in %s: %w", cfg.db, err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	if n == 0 {
		return nil
	}
	apps := fmt.Sprintf("%d applications", n)
	if n == 1 {
		apps = "1 application"
	}
	return fmt.Errorf("the key seed %s is missing, but %s holds %s sealed and signed with its keys: "+
		"restore operator.seed from where it was kept, or delete %s to start afresh "+
		"(a new seed would show every audit trail as broken and refuse every one-time code and token already given)",
		seedPath, cfg.db, apps, stateToDelete(cfg))
}

// stateToDelete names what to delete to start afresh: the data directory,
// and the database too when -db put it elsewhere.
func stateToDelete(cfg config) string {
	if filepath.Dir(cfg.db) == filepath.Clean(cfg.data) {
		return cfg.data
	}
	return cfg.data + " and " + cfg.db
}

// openStoreError says why the database would not open and what to do
// about it: a file that is not a SQLite database (or is damaged), or one
// a newer operator migrated, is moved aside or the demo started afresh.
func openStoreError(cfg config, err error) error {
	afresh := fmt.Sprintf("move it aside, give -db another file, or delete %s to start afresh (the demo's state goes with it)", stateToDelete(cfg))
	var serr *sqlite.Error
	switch {
	case errors.Is(err, sqlstore.ErrSchemaTooNew):
		return fmt.Errorf("open %s: %w: run the newer version of this operator that wrote it, or %s", cfg.db, err, afresh)
	case errors.As(err, &serr) && (serr.Code()&0xff == sqlite3.SQLITE_NOTADB || serr.Code()&0xff == sqlite3.SQLITE_CORRUPT):
		return &wrappedError{
			msg: fmt.Sprintf("the database %s is not a SQLite database, or is damaged: %s", cfg.db, afresh),
			err: err,
		}
	}
	return fmt.Errorf("open %s: %w", cfg.db, err)
}

// wrappedError shows msg alone and still unwraps to err, for an error
// whose own words would only confuse the reader.
type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }

func (e *wrappedError) Unwrap() error { return e.err }
