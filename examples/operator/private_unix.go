//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// oNoFollow has an open fail on a symbolic link rather than follow it.
const oNoFollow = syscall.O_NOFOLLOW

// checkModes says whether permission bits say who may read and write.
const checkModes = true

// checkOwner says whose info's file is, unless it is this user's.
func checkOwner(info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("belongs to user %d, not to this user (%d)", st.Uid, uid)
	}
	return nil
}
