package replacefile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/internal/replacefile"
)

// TestWriteReplacesALinkInsteadOfFollowingIt: a symbolic link at the path
// is replaced; the file it pointed at is left as it was.
func TestWriteReplacesALinkInsteadOfFollowingIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("keep"), 0o600))
	path := filepath.Join(dir, "out")
	require.NoError(t, os.Symlink(victim, path))

	require.NoError(t, replacefile.Write(path, []byte("new"), 0o644))
	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	require.Equal(t, "keep", string(got))
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "new", string(got))
	info, err := os.Lstat(path)
	require.NoError(t, err)
	require.True(t, info.Mode().IsRegular())
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	require.Error(t, replacefile.Write(filepath.Join(dir, "missing", "out"), nil, 0o600), "no directory to write in")
}
