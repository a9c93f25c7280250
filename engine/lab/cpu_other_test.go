//go:build !unix

package lab

// cpuSeconds is not measured off unix; the benchmarks then report 0 CPU seconds.
func cpuSeconds() float64 { return 0 }
