package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firstHour is the README's block of the two first-hour commands.
var firstHour = regexp.MustCompile("(?s)## The first hour[^\\n]*\\n+```sh\\n(.*?)```")

// operatorDefault reads a flag's default from the operator's -h.
func operatorDefault(t *testing.T, help, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(name) + ` [^\n]*\n\s+[^\n]*\(default "([^"]*)"\)`).FindStringSubmatch(help)
	require.NotNil(t, m, "the operator's -h gives -%s a default:\n%s", name, help)
	return m[1]
}

// The README's two first-hour commands work as printed only if the
// walkthrough, given no -url and no -data, looks where the operator,
// given no -addr and no -data, listens and keeps its samples.
func TestREADMEFirstHourCommandsMeet(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	m := firstHour.FindSubmatch(readme)
	require.NotNil(t, m, "README.md has the first hour's command block")
	var operatorLine, walkLine string
	for _, line := range strings.Split(string(m[1]), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		switch {
		case strings.HasPrefix(cmd, "go run ./examples/operator"):
			operatorLine = cmd
		case strings.HasPrefix(cmd, "go run ./examples/walkthrough"):
			walkLine = cmd
		}
	}
	require.NotEmpty(t, operatorLine, "the block starts the operator:\n%s", m[1])
	require.NotEmpty(t, walkLine, "the block runs the walkthrough:\n%s", m[1])
	opArgs := strings.Fields(operatorLine)[3:]
	walkArgs := strings.Fields(walkLine)[3:]
	for _, a := range opArgs {
		assert.NotContains(t, []string{"-addr", "-data"}, a, "the README's operator command relies on the defaults")
	}

	// The walkthrough as the README runs it, its placeholders filled in.
	for i, a := range walkArgs {
		if strings.HasPrefix(a, "<") {
			walkArgs[i] = "token"
		}
	}
	cfg, err := parseFlags(walkArgs, new(bytes.Buffer))
	require.NoError(t, err, "the README's walkthrough command parses: %v", walkArgs)

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is needed to build examples/operator: %v", err)
	}
	var help bytes.Buffer
	cmd := exec.Command(buildOperator(t, goTool), append(opArgs, "-h")...)
	cmd.Stdout, cmd.Stderr = &help, &help
	_ = cmd.Run() // -h exits with a status of its own
	assert.Equal(t, "http://"+operatorDefault(t, help.String(), "addr"), cfg.url,
		"the walkthrough's default -url is the operator's default -addr")
	assert.Equal(t, operatorDefault(t, help.String(), "data"), cfg.data,
		"the walkthrough's default -data is the operator's default -data")
}
