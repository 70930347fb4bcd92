//go:build unix

package bench

import (
	"syscall"
	"testing"
)

// cpuTime returns the CPU time the process has used, user and system, in
// all its threads: the garbage collector's workers included.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// cpuMetric starts counting the process's CPU time; the function it returns
// reports it per iteration as cpu-ns/op. Unlike ns/op, which is wall time,
// it does not count the time the VM's host gave to other guests, and it
// does count the collector's work on the other core.
func cpuMetric(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
