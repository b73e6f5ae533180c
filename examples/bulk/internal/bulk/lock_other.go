//go:build !unix

package bulk

import "os"

// lockState takes no lock here: run one bulk run per registry at a time.
func lockState(*os.File) error { return nil }
