// Command prevalidate checks an HCX production-onboarding application
// offline, the way the operator will, and prints what to fix before
// applying.
//
//	prevalidate [-json] [-policy FILE|URL] [-trust FILE] [-now RFC3339] FILE|-
//
// Without -json it prints a checklist a hospital clerk can act on; with
// -json it prints {"verdict", "categories", "requirements":[{"id",
// "outcome","message"}]}. -policy names the policy file of the operator
// the participant applies to (the operator publishes it, say at
// /policy.json: give the file, or that https URL), so that the
// application is checked against that operator's requirements and
// categories rather than only the guideline's; the format is
// verifier.PolicyFile, version 1. -trust names
// the operator's sandbox trust list, so that the sandbox certificate's
// signature is checked too; -now checks as of another time.
//
// The flags may also follow the file.
//
// Exit status: 0 ready, 1 incomplete or invalid, 2 unreadable input (or
// bad flags); -h prints the usage and exits 0.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/textclip"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
	"github.com/openhcx/hcxonboard/verifier"
)

const (
	exitReady    = 0
	exitNotReady = 1
	exitUsage    = 2
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prevalidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	policyFile := fs.String("policy", "", "the operator's policy file (JSON, as it publishes it), or its https URL; without it the guideline's policies apply")
	trustFile := fs.String("trust", "", "the operator's sandbox trust list (JSON); without it the certificate's signature is not checked")
	nowFlag := fs.String("now", "", "check as of this time (RFC 3339) instead of now")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: prevalidate [-json] [-policy FILE|URL] [-trust FILE] [-now RFC3339] FILE|-")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitReady // the usage was asked for, and printed
		}
		return exitUsage
	}
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "prevalidate: "+format+"\n", a...)
		return exitUsage
	}

	now := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return fail("-now %q is not an RFC 3339 time such as 2026-11-25T10:00:00+05:30", *nowFlag)
		}
		now = func() time.Time { return t }
	}

	app, err := readApplication(files[0], stdin)
	if err != nil {
		return fail("%v", err)
	}

	sandboxOpts := []sandbox.VerifierOption{sandbox.WithClock(now)}
	if *trustFile != "" {
		tl, err := readTrustList(*trustFile)
		if err != nil {
			return fail("%v", err)
		}
		sandboxOpts = append(sandboxOpts, sandbox.WithTrustList(tl))
	}
	sv, err := sandbox.NewVerifier(sandboxOpts...)
	if err != nil {
		return fail("%v", oneLine(err))
	}
	opts := []verifier.Option{verifier.WithSandboxVerifier(sv), verifier.WithClock(now)}
	var policy *verifier.PolicyFile
	if *policyFile != "" {
		if policy, err = readPolicy(*policyFile); err != nil {
			return fail("%v", err)
		}
		opts = append(opts, verifier.WithPolicyFile(policy))
	}
	checker, err := verifier.New(opts...)
	if err != nil {
		return fail("%v", oneLine(err))
	}
	report, err := checker.Verify(ctx, app)
	if err != nil {
		return fail("%v", oneLine(err))
	}
	unmaskOwnValues(app, report)

	refusal := refusedOutright(app)
	if *asJSON {
		out := jsonReport(report)
		if refusal != "" && out.Verdict == verifier.VerdictReady {
			// The checks pass, but the operator refuses the application
			// as it is: the verdict says so, as the exit status does.
			out.Verdict = verifier.VerdictInvalid
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail("write: %v", err)
		}
	} else {
		printChecklist(stdout, app, report, policy, refusal)
	}
	if report.Verdict != verifier.VerdictReady {
		return exitNotReady
	}
	if refusal != "" {
		// The checks passed, but the operator's engine refuses the
		// application before storing it: the checklist says so; with
		// -json, whose stdout holds the report alone, stderr does.
		if *asJSON {
			fmt.Fprintf(stderr, "NOT READY: the operator refuses this application as it is: %s\n", refusal)
		}
		return exitNotReady
	}
	return exitReady
}

// parseInterspersed parses args with fs, flags before or after the file
// (a clerk types "prevalidate app.json -json" as often as the other way
// round), and returns the arguments that are not flags. After "--" every
// argument is one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if consumed := args[:len(args)-len(left)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(rest, left...), nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

// refusedOutright says why the operator's engine (onboarding.Service.Submit)
// refuses an application its checks pass: more documents listed than it
// ever stores, or text no registry store keeps (a NUL, invalid UTF-8).
func refusedOutright(app *hcxonboard.Application) string {
	if n := len(app.Documents); n > onboarding.MaxDocumentUploads {
		return fmt.Sprintf("it lists %d documents; at most %d are allowed", n, onboarding.MaxDocumentUploads)
	}
	if path := registry.UnstorableText(app); path != "" {
		return fmt.Sprintf("its %s is not UTF-8 text without NUL characters", path)
	}
	return ""
}

// openFile opens name, saying "cannot open NAME: why" rather than Go's
// "open NAME: why".
func openFile(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot open %s: %v", name, pe.Err)
		}
		return nil, err
	}
	return f, nil
}

func readApplication(name string, stdin io.Reader) (*hcxonboard.Application, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := openFile(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	} else {
		name = "standard input"
	}
	app, err := hcxonboard.DecodeApplication(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	return app, nil
}

// readTrustList reads the operator's sandbox trust list, saying what is
// wrong as readPolicy does: the file named once, no "open …:" or "json:".
func readTrustList(name string) (*sandbox.TrustList, error) {
	f, err := openFile(name)
	if err != nil {
		return nil, fmt.Errorf("trust list: %w", err)
	}
	defer f.Close()
	tl, err := sandbox.LoadTrustList(f)
	if err != nil {
		msg := strings.TrimPrefix(oneLine(err), strings.TrimPrefix(sandbox.ErrInvalidTrustList.Error(), "sandbox: ")+": ")
		var syntax *json.SyntaxError
		var field *json.UnmarshalTypeError
		if strings.HasPrefix(msg, "json: ") || errors.As(err, &syntax) || errors.As(err, &field) {
			msg = strings.TrimPrefix(msg, "json: ") +
				` — -trust takes the operator's trust-list.json, a JSON object {"issuers": […]}`
		}
		return nil, fmt.Errorf("trust list: %s: %s", name, msg)
	}
	return tl, nil
}

// readPolicy reads an operator's policy file: a file, or the https URL
// the operator publishes it at (/policy.json), fetched through the safe
// fetcher.
func readPolicy(name string) (*verifier.PolicyFile, error) {
	var src io.Reader
	if strings.HasPrefix(name, "https://") || strings.HasPrefix(name, "http://") {
		body, err := fetchPolicy(name)
		if err != nil {
			return nil, err
		}
		src = bytes.NewReader(body)
	} else {
		f, err := openFile(name)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		defer f.Close()
		src = f
	}
	p, err := verifier.ParsePolicyFile(src)
	if err != nil {
		msg := fmt.Sprintf("policy: %s: %s", name, strings.TrimPrefix(oneLine(err), "policy file: "))
		if errors.Is(err, verifier.ErrPolicyFileVersion) || errors.Is(err, verifier.ErrUnknownCheck) {
			// The operator's library is likely newer than this tool's.
			msg += " — the operator's policy may be newer than this prevalidate: update prevalidate, or ask the operator"
		}
		return nil, errors.New(msg)
	}
	return p, nil
}

// fetchPolicy fetches a policy file from an operator's public https
// address. An address the safe fetcher refuses (plain http, a private or
// loopback address such as a local demo operator) is refused with the
// way round it: download the file and give its path.
func fetchPolicy(url string) ([]byte, error) {
	f, err := safefetch.New(append([]safefetch.Option{safefetch.WithMaxBytes(maxPolicyBytes)}, policyFetch...)...)
	if err != nil {
		return nil, fmt.Errorf("policy: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body, err := f.Get(ctx, url)
	if err != nil {
		why := err.Error()
		var fe *safefetch.Error
		if errors.As(err, &fe) {
			why = fe.Reason()
		}
		return nil, fmt.Errorf("policy: cannot fetch %s: %s; download it first (curl -o policy.json %s) and give -policy policy.json", url, why, url)
	}
	return body, nil
}

// maxPolicyBytes bounds a fetched policy file.
const maxPolicyBytes = 1 << 20

// policyFetch are options of the policy's fetcher beyond the defaults
// (tests trust their own server).
var policyFetch []safefetch.Option

// jsonResult is one requirement in the -json output.
type jsonResult struct {
	ID      verifier.RequirementID `json:"id"`
	Outcome verifier.Outcome       `json:"outcome"`
	Message string                 `json:"message"`
}

// jsonOutput is the -json contract: verdict, categories, and each
// requirement's id, outcome and message.
type jsonOutput struct {
	Verdict      verifier.Verdict    `json:"verdict"`
	Categories   []verifier.Category `json:"categories"`
	Requirements []jsonResult        `json:"requirements"`
}

// jsonReport is r as -json prints it.
func jsonReport(r *verifier.Report) jsonOutput {
	out := jsonOutput{Verdict: r.Verdict, Categories: r.Categories, Requirements: make([]jsonResult, 0, len(r.Requirements))}
	if out.Categories == nil {
		out.Categories = []verifier.Category{}
	}
	for _, res := range r.Requirements {
		out.Requirements = append(out.Requirements, jsonResult{ID: res.ID, Outcome: res.Outcome, Message: res.Message})
	}
	return out
}

var marks = map[verifier.Outcome]string{
	verifier.Satisfied: "[ok]     ",
	verifier.Missing:   "[MISSING]",
	verifier.Invalid:   "[INVALID]",
	verifier.Pending:   "[later]  ",
}

// printChecklist prints the report for a person; refusal, when not "",
// is why the operator refuses an application whose checks pass.
func printChecklist(w io.Writer, app *hcxonboard.Application, r *verifier.Report, policy *verifier.PolicyFile, refusal string) {
	name := printable(app.ParticipantName, maxShownName)
	if name == "" {
		name = "(no participant name)"
	}
	cats := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		cats[i] = string(c)
	}
	category := strings.Join(cats, ", ")
	if category == "" {
		category = "no category yet: the roles do not settle one (see below)"
	}
	fmt.Fprintf(w, "%s — %s\n", name, category)
	if policy != nil {
		by := "the operator's policy file"
		if n := printable(policy.Name, 80); n != "" {
			by = "the policy of " + n
		}
		fmt.Fprintf(w, "checked against %s\n", by)
	}
	fmt.Fprintln(w)

	width := 0
	for _, res := range r.Requirements {
		width = max(width, len(res.ID))
	}
	counts := map[verifier.Outcome]int{}
	for _, res := range r.Requirements {
		counts[res.Outcome]++
		fmt.Fprintf(w, "  %s %-*s  %s\n", marks[res.Outcome], width, res.ID, terminalText(res.Message))
	}
	fmt.Fprintln(w)
	switch {
	case r.Verdict == verifier.VerdictReady && refusal != "":
		fmt.Fprintf(w, "NOT READY: the operator refuses this application as it is: %s\n", refusal)
	case r.Verdict == verifier.VerdictReady:
		if n := counts[verifier.Pending]; n > 0 {
			fmt.Fprintf(w, "READY to apply. %s marked [later] %s done by the HCX operator after you apply.\n", plural(n, "check"), map[bool]string{true: "is", false: "are"}[n == 1])
		} else {
			fmt.Fprintln(w, "READY to apply.")
		}
	case r.Verdict == verifier.VerdictIncomplete:
		fmt.Fprintf(w, "INCOMPLETE: add the %s marked [MISSING], then check again.\n", plural(counts[verifier.Missing], "item"))
	default:
		fmt.Fprintf(w, "NOT READY: correct the %s marked [INVALID]", plural(counts[verifier.Invalid], "item"))
		if n := counts[verifier.Missing]; n > 0 {
			fmt.Fprintf(w, " and add the %s marked [MISSING]", plural(n, "item"))
		}
		fmt.Fprintln(w, ", then check again.")
	}
}

// oneLine keeps a message to one line, so the program never prints a
// multi-line dump for bad input.
func oneLine(err error) string {
	return packagePrefix.ReplaceAllString(strings.Join(strings.Fields(err.Error()), " "), "")
}

// packagePrefix is a Go package's name heading a library error
// ("hcxonboard: invalid application: …"), which means nothing to the
// applicant reading the line.
var packagePrefix = regexp.MustCompile(`\b(hcxonboard|sandbox|verifier|onboarding|credential|document): `)

// maxShownName is the longest participant name the checklist heads with.
const maxShownName = 200

// printable keeps what a file says fit for a terminal: control
// characters and direction overrides become spaces, runs of space one,
// and at most max runes.
func printable(s string, max int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || textclip.Unsafe(r) }), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}

// terminalText is a line of the checklist fit for a terminal: the
// characters a terminal acts on, or that reorder what it shows, become
// spaces. An application file's text reaches the checklist (its own
// e-mail is shown back as typed), and an escape sequence or a new line in
// it could otherwise print a verdict of its own and hide the real one.
func terminalText(s string) string { return textclip.Spaced(s) }

// plural says n things, with the plural s when n is not 1.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// sameContact reports whether two written values are one address or
// number (the same e-mail in another case, the same mobile written
// another way).
func sameContact(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	na, errA := verifier.NormalizeMobile(a)
	nb, errB := verifier.NormalizeMobile(b)
	return errA == nil && errB == nil && na == nb
}

// maxShownValue is the longest value the checks repeat whole in a
// message (verifier cuts longer ones).
const maxShownValue = 40

// unmaskOwnValues shows the applicant its own e-mail addresses and mobile
// numbers in the report's messages. The checks mask them, because the
// operator's reports end up in logs and consoles; prevalidate runs on the
// applicant's own machine, where masking a clerk's own address back at
// them only hides what to correct.
//
// A masked form two different values share (anil@ and arun@ on one
// domain, two numbers ending alike) stays masked: which of them a message
// meant cannot be told, and showing the other would be wrong.
func unmaskOwnValues(app *hcxonboard.Application, r *verifier.Report) {
	values := make(map[string]string) // masked form → the one value it stands for ("" for several)
	var order []string
	add := func(v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		forms := []string{hcxonboard.MaskEmail(v), hcxonboard.MaskMobile(v)}
		if n, err := verifier.NormalizeMobile(v); err == nil {
			forms = append(forms, hcxonboard.MaskMobile(n))
		}
		for _, f := range forms {
			if strings.Trim(f, "*") == "" || f == v {
				// A form of stars alone names nothing, and would be
				// found inside every other masked value.
				continue
			}
			switch had, seen := values[f]; {
			case !seen:
				values[f] = v
				order = append(order, f)
			case !sameContact(had, v):
				values[f] = ""
			}
		}
	}
	add(app.PrimaryEmail)
	add(app.PrimaryMobile)
	if a := app.SystemAdmin; a != nil {
		add(a.Email)
		add(a.Mobile)
	}
	// A value the checks refuse is named beside its field
	// ("primary_email: e-mail address **********: has no @"). There the
	// masked form stands for that field's value alone, even when it is
	// stars only, so it is shown as typed.
	var pairs []string
	anchor := func(field, what, v string, mask func(string) string) {
		v = strings.TrimSpace(v)
		if v == "" || len(v) > maxShownValue || printable(v, maxShownValue) != v {
			return // the checks show such a value cut or cleaned: leave it masked
		}
		prefix := field + ": " + what + " "
		pairs = append(pairs, prefix+mask(v)+":", prefix+v+":")
	}
	anchor("primary_email", "e-mail address", app.PrimaryEmail, hcxonboard.MaskEmail)
	anchor("primary_mobile", "mobile number", app.PrimaryMobile, hcxonboard.MaskMobile)
	if a := app.SystemAdmin; a != nil {
		anchor("system_admin.email", "e-mail address", a.Email, hcxonboard.MaskEmail)
		anchor("system_admin.mobile", "mobile number", a.Mobile, hcxonboard.MaskMobile)
	}
	for _, f := range order {
		if v := values[f]; v != "" {
			pairs = append(pairs, f, v)
		}
	}
	if len(pairs) == 0 {
		return
	}
	rep := strings.NewReplacer(pairs...)
	for i := range r.Requirements {
		r.Requirements[i].Message = rep.Replace(r.Requirements[i].Message)
	}
}
