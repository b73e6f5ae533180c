package verifier

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/words"
)

// MaxDocumentURI is the longest document URI accepted.
const MaxDocumentURI = 2048

// documentSchemes are the URI schemes a document may be referenced by:
// places the operator can fetch from. The SHA-256 digest, not the
// transport, protects the content, so plain http is accepted. file: (the
// applicant's own disk) and data: (an embedded blob) are rejected with
// advice.
var documentSchemes = [...]string{"https", "http", "s3", "gs"}

// RequireDocument returns a Check that wants at least one document of the
// given kind, every one of them referenced by an absolute https, http, s3
// or gs URI and carrying a 64-hex SHA-256 digest (an optional "sha256:"
// prefix and either case accepted). what describes the document for the
// applicant ("letter from your authorised signatory"). The built-in
// policies use it for their document requirements; operators use it to
// require more.
//
// Its results name the kind (Result.Document), so that the onboarding
// engine holds the references it relied on whatever requirement wraps it.
// A requirement built on it should still name the kind
// (Requirement.Document), as DocumentRequirement does: DocumentKinds, and
// the operator's list of kinds applicants may upload built from it, see
// only that.
func RequireDocument(kind, what string) Check {
	return func(_ context.Context, in *Input) Result {
		r := documentResult(in.App, kind, what, in.documentKinds(kind))
		r.Document = kind
		return r
	}
}

// DocumentRequirement returns requirement id asking for a document of kind
// (RequireDocument, with Requirement.Document set), described as
// description ("Copy of the IRDAI certificate of registration"). The
// onboarding engine then holds each reference of that kind before it
// relies on it, as it does the guideline's documents.
func DocumentRequirement(id RequirementID, kind, description string) Requirement {
	return Requirement{ID: id, Description: description, Check: RequireDocument(kind, lowerFirst(description)), Document: kind}
}

// DocumentKinds lists the document kinds the requirements of policies ask
// for (Requirement.Document), each once, in order: an operator gives the
// ones the application contract lacks to its document store
// (document.WithKinds), so that applicants can upload them.
func DocumentKinds(policies ...Policy) []string {
	var out []string
	for _, p := range policies {
		for _, r := range p.Requirements {
			if r.Document != "" && !slices.Contains(out, r.Document) {
				out = append(out, r.Document)
			}
		}
	}
	return out
}

// documentResult checks app's documents of kind; known are the kinds the
// operator takes, for the hint after a missing one.
func documentResult(app *hcxonboard.Application, kind, what string, known []string) Result {
	found := false
	for i := range app.Documents {
		d := &app.Documents[i]
		if !kindIs(d.Kind, kind) {
			continue
		}
		found = true
		if p := documentProblem(d); p != "" {
			return invalid(upperFirst(what) + " (document " + kind + "): " + p)
		}
	}
	if !found {
		return missing("Attach the " + what + ": a document of kind " + kind +
			" with its uri and sha256" + strayKinds(app.Documents, known))
	}
	return satisfied(upperFirst(what) + " attached")
}

// validDocument reports whether app holds a well-formed document of kind,
// and the problem of the first malformed one.
func validDocument(app *hcxonboard.Application, kind string) (found bool, problem string) {
	for i := range app.Documents {
		d := &app.Documents[i]
		if !kindIs(d.Kind, kind) {
			continue
		}
		found = true
		if p := documentProblem(d); p != "" {
			return true, p
		}
	}
	return found, ""
}

func kindIs(got, want string) bool {
	return got == want || strings.EqualFold(strings.TrimSpace(got), want)
}

// knownKinds are the document kinds of the application contract.
var knownKinds = [...]string{
	hcxonboard.DocSignatoryLetter, hcxonboard.DocGovernmentApprovalLetter, hcxonboard.DocAddressProof,
	hcxonboard.DocFacilityLicence, hcxonboard.DocEmpanelmentProof, hcxonboard.DocIRDALicence,
}

// documentKinds are the document kinds the Checker takes, for the hint
// after a missing document: the contract's, those its policies ask for
// (an operator's own among them) and want, the one being checked.
func (in *Input) documentKinds(want string) []string {
	out := append(knownKinds[:len(knownKinds):len(knownKinds)], in.rulesOrDefault().documentKinds...)
	if !slices.Contains(out, want) {
		out = append(out, want)
	}
	return out
}

// strayKinds names the document kinds in docs that are none of known, as
// a hint after a "missing" message: a misspelt kind is the usual reason a
// document the applicant did attach is not found.
//
// Each kind is named once and at most maxStrayKinds of them, the number of
// the others after: an application may list thousands of documents, and
// the hint is for a person to read.
func strayKinds(docs []hcxonboard.Document, known []string) string {
	var stray []string
	more := 0
	for _, d := range docs {
		if slices.ContainsFunc(known, func(k string) bool { return kindIs(d.Kind, k) }) {
			continue
		}
		q := fmt.Sprintf("%q", shown(d.Kind))
		switch {
		case slices.Contains(stray, q):
		case len(stray) < maxStrayKinds:
			stray = append(stray, q)
		default:
			more++ // documents, not kinds: counting kinds once would mean holding them all
		}
	}
	if len(stray) == 0 {
		return ""
	}
	list := strings.Join(stray, ", ")
	if more > 0 {
		list += " and the kinds of " + words.Count(more, "more document")
	}
	return " (document kinds not recognised: " + list + "; the kinds are " +
		strings.Join(known, ", ") + ")"
}

// maxStrayKinds is how many unrecognised document kinds a hint names.
const maxStrayKinds = 5

// documentProblem says what is wrong with a document reference, or "".
func documentProblem(d *hcxonboard.Document) string {
	uri := strings.TrimSpace(d.URI)
	if uri == "" {
		return "has no uri; upload the document and give its https address"
	}
	if p := uriProblem(uri); p != "" {
		return "uri " + p
	}
	sha := strings.TrimSpace(d.SHA256)
	if len(sha) > 7 && strings.EqualFold(sha[:7], "sha256:") {
		sha = sha[7:]
	}
	if sha == "" {
		return "has no sha256; compute the file's SHA-256 digest (for example with sha256sum) and give its 64 hex characters"
	}
	if len(sha) != 64 {
		return fmt.Sprintf("sha256 has %s; a SHA-256 digest has 64 hex characters — recompute it from the file", words.Count(len(sha), "character"))
	}
	for i := 0; i < len(sha); i++ {
		if !isHex(sha[i]) {
			return fmt.Sprintf("sha256 contains %s; a SHA-256 digest is hex (0-9, a-f) — recompute it from the file", quoteRuneAt(sha, i))
		}
	}
	return ""
}

func uriProblem(uri string) string {
	if len(uri) > MaxDocumentURI {
		return fmt.Sprintf("has %d characters; at most %d", len(uri), MaxDocumentURI)
	}
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c <= ' ' || c == 0x7f {
			return "contains a space or control character; percent-encode it (a space is %20)"
		}
	}
	colon := strings.IndexByte(uri, ':')
	if colon <= 0 || !validScheme(uri[:colon]) {
		return "is not an absolute address; give the full https address of the uploaded document"
	}
	scheme, rest := uri[:colon], uri[colon+1:]
	switch {
	case strings.EqualFold(scheme, "file"):
		return "points at a file on your own computer; upload the document and give its https address"
	case strings.EqualFold(scheme, "data"):
		return "embeds the document; documents are referenced, not embedded — upload it and give its https address"
	}
	known := false
	for _, s := range documentSchemes {
		if strings.EqualFold(scheme, s) {
			known = true
			break
		}
	}
	if !known {
		return fmt.Sprintf("uses %q; give an https, http, s3 or gs address", shown(scheme)+":")
	}
	if !strings.HasPrefix(rest, "//") {
		return "has no host after " + scheme + ":; give the full address, such as https://host/path"
	}
	host := rest[2:]
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if host == "" || host[0] == '@' || host[0] == ':' {
		return "has no host; give the full address, such as https://host/path"
	}
	if strings.IndexByte(host, '@') >= 0 {
		return "carries a user name or password; give an address without credentials"
	}
	return ""
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'))) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
