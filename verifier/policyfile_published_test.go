package verifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's file with its own category, published in its complete
// form and read back by an applicant, still places the research role in
// that category and asks for its requirement; without the file the role
// stays with the regulators.
func TestPublishedPolicyFileKeepsOperatorCategory(t *testing.T) {
	t.Parallel()
	const src = `{"version":1,"name":"Example HCX","policies":[
	 {"category":"research","title":"Research bodies","roles":["research"],
	  "requirements":[{"id":"sandbox_certificate"},
	   {"id":"ethics_approval","check":"review","description":"Approval of an institutional ethics committee"}]}]}`
	f, err := verifier.ParsePolicyFile(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(f.Complete())
	if err != nil {
		t.Fatal(err)
	}
	back, err := verifier.ParsePolicyFile(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("published form does not parse: %v\n%s", err, body)
	}
	for name, opts := range map[string][]verifier.Option{
		"operator":  {verifier.WithPolicyFile(back)},
		"guideline": nil,
	} {
		c, err := verifier.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := c.Verify(context.Background(), researchApp(t))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := rep.Result("ethics_approval")
		if name == "operator" {
			if len(rep.Categories) != 1 || rep.Categories[0] != "research" || !ok || got.Outcome != verifier.Pending {
				t.Fatalf("operator: categories %v, ethics_approval %+v", rep.Categories, got)
			}
		} else if ok || len(rep.Categories) != 1 || rep.Categories[0] != verifier.CategoryRegulator {
			t.Fatalf("guideline: categories %v, ethics_approval %+v", rep.Categories, got)
		}
	}
}
