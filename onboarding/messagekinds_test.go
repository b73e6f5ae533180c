package onboarding_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/onboarding"
)

// TestMessageKindsListsEveryConstant parses the package's source and
// checks that every exported Message* string constant is in
// MessageKinds, once, and that MessageKinds holds nothing else.
func TestMessageKindsListsEveryConstant(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	name := regexp.MustCompile(`^Message[A-Z]`)
	var want []string
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !name.MatchString(n.Name) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s is not a string literal constant", n.Name)
						continue
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, v)
				}
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("found no Message* constants")
	}
	got := onboarding.MessageKinds()
	slices.Sort(want)
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if !slices.Equal(sorted, want) {
		t.Errorf("MessageKinds() = %v, want the Message* constants %v", sorted, want)
	}
	got[0] = "changed"
	if onboarding.MessageKinds()[0] == "changed" {
		t.Error("MessageKinds returns a shared slice")
	}
}
