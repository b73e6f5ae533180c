// Package replacefile writes a file by replacing it: the examples' tools
// write keys and key sets to paths that may sit in shared directories.
package replacefile

import (
	"os"
	"path/filepath"
)

// Write writes data to path with permissions perm. It writes a new file
// beside path and renames it over path, so that what stood there (a
// symbolic link too) is replaced, never followed or truncated, and a
// reader sees the old file or the whole new one. The new file is synced
// before the rename.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // the owner's alone
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
