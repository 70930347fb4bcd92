//go:build !unix

package bench

import "testing"

// cpuMetric reports nothing where getrusage is missing.
func cpuMetric(*testing.B) func() { return func() {} }
