//go:build unix

package pdf

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, GC workers included: on a
// shared machine it varies less than the wall time of a benchmark.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
