//go:build unix

package replay

import (
	"syscall"
	"time"
)

// processCPU is the process's user and system CPU time (wall time on a shared machine
// measures the queue).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
