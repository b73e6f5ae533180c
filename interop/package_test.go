package interop_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The folder's package.json pins the SDK and jose exactly, as the lock
// file does, and `npm test` runs the interop test (this package's Go
// tests, which start the operator and drive node), requiring node and
// the installed SDK rather than skipping without them.
func TestPackagePinsTheSDKAndRunsTheTest(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
		Scripts      map[string]string `json:"scripts"`
	}
	data, err := os.ReadFile("package.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &pkg))
	assert.Equal(t, "1.0.0", pkg.Dependencies["hcx-integrator-sdk"])
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	data, err = os.ReadFile("package-lock.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &lock))
	for name, want := range pkg.Dependencies {
		assert.Equal(t, want, lock.Packages["node_modules/"+name].Version, "the lock holds %s as package.json pins it", name)
	}
	test := pkg.Scripts["test"]
	assert.True(t, strings.Contains(test, requireEnv+"=1") && strings.Contains(test, "go test"),
		"npm test runs the interop test, failing without node or the SDK: %q", test)
}
