// Package readmecheck keeps the repository's README honest about the
// example tools: their tests check that it names every flag they list.
package readmecheck

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// helpFlag matches a flag as the flag package's usage lists it: two
// spaces, then the flag.
var helpFlag = regexp.MustCompile(`(?m)^  (-[a-z-]+)`)

// Unnamed returns the flags listed in help (a tool's -h output) that
// readme does not name, each written as itself after a space, a
// backquote or a parenthesis (or at a line's start).
func Unnamed(help string, readme []byte) []string {
	var out []string
	for _, f := range helpFlag.FindAllStringSubmatch(help, -1) {
		if !regexp.MustCompile("(^|[\\s`(])" + regexp.QuoteMeta(f[1]) + "\\b").Match(readme) {
			out = append(out, f[1])
		}
	}
	return out
}

// FlagsNamed fails t unless help lists flags and the repository's
// README.md, two folders up from the test's package, names every one of
// them. tool names the tool in the failure.
func FlagsNamed(t testing.TB, tool, help string) {
	t.Helper()
	if !helpFlag.MatchString(help) {
		t.Fatalf("%s -h lists no flags:\n%s", tool, help)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Unnamed(help, readme) {
		t.Errorf("README.md does not name %s's %s", tool, f)
	}
}
