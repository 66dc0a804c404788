//go:build unix

package teams_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system, on
// every thread: the benchmark's server, its fakes and its clients.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
