package main

import (
	"errors"
	"fmt"
	"github.com/openhcx/hcxonboard/internal/replacefile"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The data directory holds the seed of every operator key, so it and the
// secrets in it must be this user's alone: a directory another local user
// made (or may write to) could hold a seed of theirs, or links that make
// the operator overwrite their targets.

// ensureDataDir makes dir, readable by its owner only, unless it exists,
// and refuses it unless it is a directory of this user's (not a symbolic
// link to one) that others cannot write to.
func ensureDataDir(dir string) error {
	dir = filepath.Clean(dir) // a trailing slash would have Lstat follow a link
	if err := os.MkdirAll(dir, 0o700); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below
		}
		return fmt.Errorf("data directory %s cannot be made (%w): give -data a directory of yours, or a path where one can be made", dir, err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("data directory %s is a symbolic link: give -data the directory it names, if it is yours", dir)
	case !info.IsDir():
		return fmt.Errorf("data directory %s is not a directory", dir)
	}
	if err := checkOwner(info); err != nil {
		return fmt.Errorf("data directory %s %w: give -data a directory of your own", dir, err)
	}
	if checkModes && info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("data directory %s is writable by others (mode %04o): make it yours alone (chmod go-w) or give -data another",
			dir, info.Mode().Perm())
	}
	// Every file is written by replacing it, through a temporary file
	// beside it: found here, not as a failure to write one of those.
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("data directory %s is not writable (%w): give -data a directory you can write in", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// checkPrivateFile refuses the secret at path, whose Lstat is info,
// unless it is a regular file of this user's that others can neither read
// nor write.
func checkPrivateFile(path string, info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		kind := "a special file"
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			kind = "a symbolic link"
		case info.IsDir():
			kind = "a directory"
		}
		return fmt.Errorf("%s is not a regular file but %s; delete it to start afresh", path, kind)
	}
	if err := checkOwner(info); err != nil {
		return fmt.Errorf("%s %w; delete it to start afresh", path, err)
	}
	if checkModes && info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is readable or writable by others (mode %04o), so it keeps no secret; delete it to start afresh",
			path, info.Mode().Perm())
	}
	return nil
}

// readPrivateFile reads the secret at path after checkPrivateFile, never
// through a symbolic link. A missing file is an error that is
// fs.ErrNotExist.
func readPrivateFile(path string) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := checkPrivateFile(path, info); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(info, opened) {
		return nil, fmt.Errorf("%s changed while it was opened", path)
	}
	return io.ReadAll(f)
}

// writeFileReplacing writes data to path, readable by its owner only,
// replacing what stood there (a symbolic link too) rather than following
// or truncating it (replacefile.Write).
func writeFileReplacing(path string, data []byte) error {
	return replacefile.Write(path, data, 0o600)
}
