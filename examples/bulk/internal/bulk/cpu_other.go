//go:build !unix

package bulk

import "time"

// ProcessCPU cannot read the CPU time on this system.
func ProcessCPU() (time.Duration, bool) { return 0, false }
