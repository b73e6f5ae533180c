//go:build unix

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runRefused runs the operator with args and returns run's error, failing
// the test if it starts listening instead.
func runRefused(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), out) }()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case err := <-done:
			require.Error(t, err, "output:\n%s", out)
			return err
		case <-deadline:
			t.Fatalf("run neither refused nor listened; output:\n%s", out)
		case <-time.After(20 * time.Millisecond):
			if listening.MatchString(out.String()) {
				cancel()
				<-done
				t.Fatalf("run started on a directory it should refuse; output:\n%s", out)
			}
		}
	}
}

// Another local user who made the data directory, and planted a key seed
// in it, would hold every operator secret: the operator refuses such a
// directory rather than derive its keys from that seed.
func TestRunRefusesADataDirectoryOthersCanWrite(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	require.NoError(t, os.Mkdir(dir, 0o777))
	require.NoError(t, os.Chmod(dir, 0o777))
	planted := strings.Repeat("ab", 32)
	seedPath := filepath.Join(dir, "operator.seed")
	require.NoError(t, os.WriteFile(seedPath, []byte(planted+"\n"), 0o644))
	require.NoError(t, os.Chmod(seedPath, 0o644))

	err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "writable by others")
	assert.ErrorContains(t, err, dir)
}

func TestRunRefusesADataDirectoryThatIsASymlink(t *testing.T) {
	t.Parallel()
	target := t.TempDir()
	link := filepath.Join(t.TempDir(), "hcxonboard-demo")
	require.NoError(t, os.Symlink(target, link))

	err := runRefused(t, "-data", link, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "symbolic link")
	entries, err := os.ReadDir(target)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written through the link")
}

// A -data that is a file, or under one, cannot be made: refused, saying
// what to give instead.
func TestRunRefusesADataPathThatIsAFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	for _, dir := range []string{file, filepath.Join(file, "demo")} {
		err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
		assert.ErrorContains(t, err, dir)
		assert.ErrorContains(t, err, "give -data")
	}
}

// A seed, or a key file, that others can read or that is a link is no
// secret of the operator's: refused, with what to do.
func TestRunRefusesASeedOthersCanRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "operator.seed")
	require.NoError(t, os.WriteFile(seedPath, []byte(strings.Repeat("ab", 32)+"\n"), 0o600))
	require.NoError(t, os.Chmod(seedPath, 0o644))

	err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "operator.seed")
	assert.ErrorContains(t, err, "readable or writable by others")
}

func TestPrivateFilesRefuseLinksAndLooseModes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	elsewhere := filepath.Join(t.TempDir(), "seed")
	require.NoError(t, os.WriteFile(elsewhere, []byte(strings.Repeat("ab", 32)+"\n"), 0o600))
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(dir, "operator.seed")))
	_, err := loadKeys(filepath.Join(dir, "operator.seed"))
	require.ErrorContains(t, err, "not a regular file")

	require.NoError(t, os.Mkdir(filepath.Join(dir, rsaTokenKeyFile), 0o700))
	_, err = loadRSATokenKey(filepath.Join(dir, rsaTokenKeyFile))
	require.ErrorContains(t, err, "not a regular file")

	loose := t.TempDir()
	_, err = loadRSATokenKey(filepath.Join(loose, rsaTokenKeyFile))
	require.NoError(t, err)
	require.NoError(t, os.Chmod(filepath.Join(loose, rsaTokenKeyFile), 0o640))
	_, err = loadRSATokenKey(filepath.Join(loose, rsaTokenKeyFile))
	require.ErrorContains(t, err, "readable or writable by others")
}

// The accepting case: a data directory that does not exist yet is made
// private, and a second start on it keeps the seed and so the keys.
func TestRunKeepsItsSeedInAPrivateDataDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "fresh", "hcxonboard-demo")
	kid := func(base string) any {
		res, err := http.Get(base + "/v1/onboarding/jwks")
		require.NoError(t, err)
		defer res.Body.Close()
		var set struct {
			Keys []map[string]any `json:"keys"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&set))
		require.NotEmpty(t, set.Keys)
		return set.Keys[0]["kid"]
	}
	base, _, stop := start(t, "-data", dir, "-profile", "own")
	first := kid(base)
	require.NoError(t, stop())
	info, err := os.Lstat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "the data directory is the owner's only")
	seedPath := filepath.Join(dir, "operator.seed")
	info, err = os.Lstat(seedPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the seed is the owner's only")
	seed, err := os.ReadFile(seedPath)
	require.NoError(t, err)

	// A directory others may read but not write is the owner's to use.
	require.NoError(t, os.Chmod(dir, 0o755))
	base, _, stop = start(t, "-data", dir, "-profile", "own")
	assert.Equal(t, first, kid(base), "a restart keeps the keys")
	require.NoError(t, stop())
	again, err := os.ReadFile(seedPath)
	require.NoError(t, err)
	assert.Equal(t, seed, again, "a restart keeps the seed")
}

// A directory of another user's is refused even when its modes are
// strict: its owner could put a seed there. Only root can make one.
func TestRunRefusesADataDirectoryOfAnotherUser(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("only root can give a directory to another user")
	}
	dir := filepath.Join(t.TempDir(), "hcxonboard-demo")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chown(dir, 65534, 65534))

	err := runRefused(t, "-data", dir, "-profile", "own", "-readiness", "off")
	assert.ErrorContains(t, err, "belongs to user 65534")
}
