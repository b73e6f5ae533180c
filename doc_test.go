package hcxonboard_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The package documentation is the module's map: it names every package
// a user may import (internal packages, examples and test-only packages
// apart), so that `go doc hcxonboard` leads to each of them.
func TestDocMapsEveryPackage(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || path == "." {
			return err
		}
		switch base := d.Name(); {
		case base == "internal" || base == "testdata" || base == "examples" || strings.HasPrefix(base, "."):
			return filepath.SkipDir
		}
		if !importable(t, path) {
			return nil
		}
		name := "github.com/openhcx/hcxonboard/" + filepath.ToSlash(path)
		if !strings.Contains(doc, name+"]") && !strings.Contains(doc, name+".") {
			t.Errorf("doc.go does not name package %s", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// importable reports whether dir holds a package other than main, in
// files that are not tests.
func importable(t *testing.T, dir string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		return f.Name.Name != "main"
	}
	return false
}
