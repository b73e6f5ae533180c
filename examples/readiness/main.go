// Command readiness is a participant's go-live self-test: it plays the
// HCX operator against the participant's own endpoint, before the
// participant applies, and prints what the operator's readiness check
// will find, with what to fix.
//
//	readiness -code CODE -endpoint URL -encryption-cert FILE|URL
//	          [-signing-cert FILE|URL] [-jwks-out FILE] [-wait]
//	          [-issuer ID] [-ca FILE] [-allow-private]
//	          [-timeout 10s] [-retries 2] [-json]
//
// It POSTs a challenge to URL + /hcx-onboarding/readiness, signed with a
// throw-away Ed25519 key made for this run (its private half is never
// written anywhere), with a nonce encrypted to the encryption
// certificate, and checks the answer: DNS, connection, TLS 1.2+ with a
// certificate valid for the host, HTTP, the challenge's nonce, the
// decrypted nonce, and the signature against the signing certificate.
//
// The endpoint's readiness handler (package readiness/participant) must
// trust the throw-away key for the run. Give it an operator that reads a
// key file,
//
//	participant.WithOperator("hcx-readiness-selftest", participant.FileKeys("/etc/hcx/selftest.jwks"))
//
// and let this command write that file (-jwks-out /etc/hcx/selftest.jwks,
// on the same machine or a shared volume); or run with -wait, install the
// printed key set yourself, and press Enter. Leaving that operator
// configured is harmless: nobody holds its private keys. Before the
// operator has assigned a participant code, -code is any code the
// handler is configured to answer for (participant.WithParticipant).
//
// The operator's own client is used: https only, TLS 1.2 or newer, no
// redirects, and only public internet addresses — what the HCX can
// reach. -allow-private lets a staging endpoint on a private address be
// checked; -ca adds a private certificate authority; neither makes the
// real check pass.
//
// Exit status: 0 ready, 1 not ready, 2 bad usage.
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/internal/replacefile"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/safefetch"
)

const (
	exitReady    = 0
	exitNotReady = 1
	exitUsage    = 2
)

// DefaultIssuer is the operator id of the self-test's throw-away key.
const DefaultIssuer = "hcx-readiness-selftest"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// The bounds of -timeout and -retries: those of readiness.WithTimeout and
// readiness.WithRetries, checked here to say them in the flags' words.
const (
	maxTimeout = 2 * time.Minute
	maxRetries = 5
)

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("readiness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	code := fs.String("code", "", "your participant `code` (the challenge's aud); before you have one, any code your handler answers for (participant.WithParticipant); required")
	endpoint := fs.String("endpoint", "", "your endpoint_url, https (the challenge goes to `URL`/hcx-onboarding/readiness); required")
	encCert := fs.String("encryption-cert", "", "your encryption certificate: a PEM `file`, or the https URL you register; required")
	sigCert := fs.String("signing-cert", "", "your signing certificate: a PEM `file` or an https URL; optional")
	jwksOut := fs.String("jwks-out", "", "write the throw-away key's public JWKS to `file`, for the handler's participant.FileKeys")
	wait := fs.Bool("wait", false, "print the throw-away key's JWKS and wait for Enter before the check")
	issuer := fs.String("issuer", DefaultIssuer, "the operator `id` the handler trusts the throw-away key under")
	caFile := fs.String("ca", "", "also trust the certificate authorities in this PEM `file` (a staging CA; the HCX will not)")
	allowPrivate := fs.Bool("allow-private", false, "allow the endpoint's host on a private or loopback address (staging; the HCX cannot reach those)")
	timeout := fs.Duration("timeout", readiness.DefaultTimeout, "time allowed for each attempt")
	retries := fs.Int("retries", readiness.DefaultRetries, "retries after a timeout, a refused or dropped connection, failing name servers, or HTTP 429/502/503/504")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitReady
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "readiness: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fs.NArg() != 0:
		return fail("unexpected arguments %q; see -h", fs.Args())
	case *code == "", *endpoint == "", *encCert == "":
		var missing []string
		for _, f := range []struct{ name, value string }{{"-code", *code}, {"-endpoint", *endpoint}, {"-encryption-cert", *encCert}} {
			if f.value == "" {
				missing = append(missing, f.name)
			}
		}
		fs.Usage()
		// Last, where it is seen below the flags.
		return fail("missing %s", joinAnd(missing))
	case *timeout <= 0 || *timeout > maxTimeout:
		return fail("-timeout %v: give a time above 0, at most %v", *timeout, maxTimeout)
	case *retries < 0 || *retries > maxRetries:
		return fail("-retries %d: give 0 to %d", *retries, maxRetries)
	case strings.TrimSpace(*issuer) == "":
		return fail("-issuer is empty: give the operator id your handler trusts the key under (default %s)", DefaultIssuer)
	}
	if *jwksOut != "" {
		if _, err := os.Stat(filepath.Dir(*jwksOut)); errors.Is(err, os.ErrNotExist) {
			return fail("-jwks-out %s: the directory %s does not exist", *jwksOut, filepath.Dir(*jwksOut))
		}
	}

	target := readiness.Target{ParticipantCode: *code, EndpointURL: *endpoint}
	var err error
	if target.EncryptionCert, err = certificate(*encCert); err != nil {
		return fail("-encryption-cert: %v", err)
	}
	if *sigCert != "" {
		if target.SigningCert, err = certificate(*sigCert); err != nil {
			return fail("-signing-cert: %v", err)
		}
	}

	client, err := newClient(*endpoint, *caFile, *allowPrivate, *timeout)
	if err != nil {
		return fail("%v", err)
	}

	// The throw-away operator key: made for this run, held in memory only.
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fail("key: %v", err)
	}
	// A kid of its own per run: a handler that cached an earlier run's
	// key under the same kid would not read the file again.
	var id [9]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fail("key id: %v", err)
	}
	kid := "selftest-" + base64.RawURLEncoding.EncodeToString(id[:])
	checker, err := readiness.New(
		readiness.WithSigner(key, kid),
		readiness.WithIssuer(*issuer),
		readiness.WithHTTPClient(client),
		readiness.WithTimeout(*timeout),
		readiness.WithRetries(*retries, readiness.DefaultRetryWait),
	)
	if err != nil {
		return fail("%v", err)
	}
	jwks, err := json.MarshalIndent(checker.JWKS(), "", "  ")
	if err != nil {
		return fail("JWKS: %v", err)
	}
	if *jwksOut != "" {
		// Replaced, not written through: a symbolic link at the path (in
		// a shared directory, say) must not overwrite another file. The
		// key set is public.
		if err := replacefile.Write(*jwksOut, append(jwks, '\n'), 0o644); err != nil {
			return fail("-jwks-out: %v", err)
		}
		fmt.Fprintf(stderr, "readiness: wrote the throw-away key %s (operator %q) to %s\n", kid, *issuer, *jwksOut)
	}
	if *wait {
		fmt.Fprintf(stderr, "Make your readiness handler trust this key set as operator %q:\n%s\nthen press Enter. ", *issuer, jwks)
		// Read in the background, so that Ctrl-C ends the wait: a read
		// of standard input cannot be interrupted.
		read := make(chan error, 1)
		go func() {
			_, err := bufio.NewReader(stdin).ReadString('\n')
			read <- err
		}()
		select {
		case err := <-read:
			if err != nil && !errors.Is(err, io.EOF) {
				return fail("stdin: %v", err)
			}
		case <-ctx.Done():
			fmt.Fprintln(stderr, "\nreadiness: interrupted; nothing was checked")
			return exitNotReady
		}
	}

	report := checker.Check(ctx, target)
	note := selfTestNote(report, *issuer, *jwksOut)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fail("write: %v", err)
		}
		if note != "" {
			fmt.Fprintf(stderr, "readiness: %s\n", note)
		}
	} else {
		printReport(stdout, report)
		if note != "" {
			fmt.Fprintf(stdout, "%s\n", note)
		}
	}
	if report.Ready {
		return exitReady
	}
	return exitNotReady
}

const usage = `usage: readiness -code CODE -endpoint URL -encryption-cert FILE|URL [flags]

Plays the HCX operator against your own endpoint, before you apply, and
prints what the operator's go-live readiness check will find. Your
endpoint must serve the readiness handler (package readiness/participant)
at URL/hcx-onboarding/readiness and trust this run's throw-away key:
configure it with
    participant.WithOperator("hcx-readiness-selftest", participant.FileKeys(FILE))
and pass -jwks-out FILE (or use -wait and install the printed key set).
Before the operator has given you a participant code, pass as CODE any
code your handler answers for (participant.WithParticipant), and add the
real one once you have it.

Exit status: 0 ready, 1 not ready, 2 bad usage.

Flags:
`

// certificate reads a certificate flag: an https URL is passed on for
// the check to fetch, as counterparties would; anything else is a file.
func certificate(v string) (string, error) {
	if strings.HasPrefix(strings.ToLower(v), "https://") {
		return v, nil
	}
	if strings.HasPrefix(strings.ToLower(v), "http://") {
		return "", errors.New("certificates are fetched over https only")
	}
	data, err := os.ReadFile(v)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(string(data)) == "" {
		// Not left out: an empty signing certificate would skip its
		// check and say READY.
		return "", fmt.Errorf("%s is empty", v)
	}
	return string(data), nil
}

// newClient builds the operator's kind of client: safefetch's rules,
// with the endpoint's host allowed on private addresses when asked, and
// the system's authorities plus caFile.
func newClient(endpoint, caFile string, allowPrivate bool, timeout time.Duration) (*http.Client, error) {
	// Redirects as the operator's step 3 follows them (safefetch's
	// default): certificate URLs follow them; the challenge never does
	// (readiness.WithHTTPClient).
	opts := []safefetch.Option{safefetch.WithTimeout(timeout)}
	if allowPrivate {
		u, err := url.Parse(endpoint)
		if err != nil || u.Hostname() == "" {
			return nil, fmt.Errorf("-endpoint %q is not a URL with a host", endpoint)
		}
		opts = append(opts, safefetch.WithAllowedHosts(u.Hostname()))
	}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		data, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("-ca: %w", err)
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("-ca: %s holds no PEM certificate", caFile)
		}
		opts = append(opts, safefetch.WithRootCAs(pool))
	}
	f, err := safefetch.New(opts...)
	if err != nil {
		return nil, err
	}
	return f.Client(), nil
}

// selfTestNote says how to make the handler trust this run's throw-away
// key, when the report failed because it does not: the report's own hint
// speaks of the operator's published key set, which a self-test has not.
// "" otherwise.
func selfTestNote(r readiness.Report, issuer, jwksOut string) string {
	res, ok := r.Result(readiness.CheckChallenge)
	if !ok || res.Outcome != readiness.Failed {
		return ""
	}
	file := jwksOut
	if file == "" {
		file = "FILE"
	}
	switch res.Problem {
	case readiness.ProblemOperatorKeys:
		if jwksOut != "" {
			return fmt.Sprintf("For this self-test: this run wrote its throw-away key to %s, but your handler could not read a key set for operator %q. "+
				"Point the handler's participant.FileKeys at that file (on the same machine, or a shared volume) and run again.", jwksOut, issuer)
		}
		return fmt.Sprintf("For this self-test: run again with -jwks-out set to the file your handler's participant.FileKeys reads for operator %q "+
			"(or with -wait, and install the printed key set there before pressing Enter).", issuer)
	case readiness.ProblemOperatorNotTrusted:
		return fmt.Sprintf("For this self-test: configure your handler with participant.WithOperator(%q, participant.FileKeys(%s)) "+
			"and run again with -jwks-out %s (or with -wait, and install the printed key set there before pressing Enter).", issuer, file, file)
	}
	return ""
}

// printReport writes the report for a person: each check, what was found and,
// for failures, what to do.
func printReport(w io.Writer, r readiness.Report) {
	fmt.Fprintf(w, "Readiness of %s at %s\n\n", r.ParticipantCode, or(r.URL, r.EndpointURL))
	mark := map[readiness.Outcome]string{readiness.Passed: "PASS", readiness.Failed: "FAIL", readiness.Skipped: "SKIP"}
	for _, c := range r.Checks {
		line := fmt.Sprintf("  %s  %-15s %s", mark[c.Outcome], c.Check, c.Message)
		if c.Outcome == readiness.Passed && c.DurationMS > 0 {
			line += fmt.Sprintf(" (%d ms)", c.DurationMS)
		}
		fmt.Fprintln(w, line)
		if c.Problem != "" {
			fmt.Fprintf(w, "        problem: %s\n", c.Problem)
		}
		if c.Hint != "" {
			fmt.Fprintf(w, "        fix: %s\n", c.Hint)
		}
	}
	fmt.Fprintln(w)
	if r.Ready {
		fmt.Fprintf(w, "READY (%d attempt%s, challenge %s)\n", r.Attempts, plural(r.Attempts), r.ChallengeID)
		return
	}
	fmt.Fprintf(w, "NOT READY: %s\n", strings.TrimPrefix(r.Summary(), "not ready: "))
	if r.ChallengeID != "" {
		fmt.Fprintf(w, "Your endpoint's logs name the last challenge %s.\n", r.ChallengeID)
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// joinAnd joins names as prose: "a", "a and b", "a, b and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
