//go:build unix

package widgets

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used so far (user and system), and whether
// it is known.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
