package metrics_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine, its HTTP API and the stores never import a metrics library:
// only this package does.
func TestOnlyThisPackageImportsPrometheus(t *testing.T) {
	t.Parallel()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list imports with")
	}
	pkgs := []string{"github.com/openhcx/hcxonboard/onboarding", "github.com/openhcx/hcxonboard/onboarding/httpapi",
		"github.com/openhcx/hcxonboard/registry", "github.com/openhcx/hcxonboard/registry/sqlstore"}
	out, err := exec.Command(gobin, append([]string{"list", "-deps"}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < len(pkgs) {
		t.Fatalf("go list named %d packages: %s", len(deps), out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/prometheus/") {
			t.Errorf("%s is imported by the engine, its HTTP API or a store", d)
		}
	}
	// The check itself can see the library: this package's own list has it.
	out, err = exec.Command(gobin, "list", "-deps", "github.com/openhcx/hcxonboard/onboarding/metrics").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/prometheus/client_golang/prometheus\n") {
		t.Errorf("go list -deps of onboarding/metrics does not name the Prometheus client:\n%s", out)
	}
}
