//go:build unix

package bulk

import (
	"errors"
	"os"
	"syscall"
)

// lockState takes f, the state file, for this process alone until it is
// closed, or answers ErrStateBusy when another holds it.
func lockState(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrStateBusy
	}
	return err
}
