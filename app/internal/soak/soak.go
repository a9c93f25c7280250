// Package soak tells whether a long run of the desk leaks: it samples the live heap (after
// a collection) and the number of goroutines, and a Rule compares the start of the run,
// after its warm-up, with its end. TestSoak (run by `make soak`, SOAK=30m by default) runs
// the paper desk at 600× with 500 instruments streaming and the desk, positions and charts
// windows open under Fyne's test driver, and fails on growth or on a broken UI budget.
package soak

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Sample is one measurement of the process: when (since the start), the live heap after a
// collection (bytes) and the number of goroutines.
type Sample struct {
	At         time.Duration
	Heap       uint64
	Goroutines int
}

// Measure collects garbage and samples the process.
func Measure(since time.Time) Sample {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Sample{At: time.Since(since), Heap: m.HeapAlloc, Goroutines: runtime.NumGoroutine()}
}

// Rule is when a run has grown. Samples taken after the warm-up are split in thirds; the
// heap has grown when the median of the last third exceeds the median of the first by more
// than HeapGrowth of it plus HeapSlack, and goroutines have grown when even the fewest of
// the last third exceed the most of the first by more than GoroutineSlack. Medians and
// extremes of thirds let a collection's timing or a goroutine that comes and goes pass,
// and catch a leak of any steady rate that shows within the run.
type Rule struct {
	HeapGrowth     float64 // a fraction: 0.25 is 25 %
	HeapSlack      uint64  // bytes
	GoroutineSlack int
	MinSamples     int // fewer samples cannot tell: an error
}

// DefaultRule is the soak's rule: the heap may not grow by more than 25 % + 8 MiB and the
// goroutines by more than 4 between the first and last thirds; at least 9 samples.
var DefaultRule = Rule{HeapGrowth: 0.25, HeapSlack: 8 << 20, GoroutineSlack: 4, MinSamples: 9}

// Check returns an error naming what grew over samples (taken after the warm-up), nil when
// nothing did.
func (r Rule) Check(samples []Sample) error {
	if len(samples) < max(r.MinSamples, 3) {
		return fmt.Errorf("soak: %d samples after the warm-up, need %d to tell growth", len(samples), max(r.MinSamples, 3))
	}
	n := len(samples) / 3
	first, last := samples[:n], samples[len(samples)-n:]
	var problems []string
	h0, h1 := medianHeap(first), medianHeap(last)
	if limit := uint64(float64(h0)*(1+r.HeapGrowth)) + r.HeapSlack; h1 > limit {
		problems = append(problems, fmt.Sprintf("the live heap grew from %s to %s (median of the first and last thirds; allowed %s)",
			MiB(h0), MiB(h1), MiB(limit)))
	}
	g0 := slices.MaxFunc(first, func(a, b Sample) int { return a.Goroutines - b.Goroutines }).Goroutines
	g1 := slices.MinFunc(last, func(a, b Sample) int { return a.Goroutines - b.Goroutines }).Goroutines
	if g1 > g0+r.GoroutineSlack {
		problems = append(problems, fmt.Sprintf("goroutines grew from at most %d to at least %d (allowed %d more)", g0, g1, r.GoroutineSlack))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("soak: %s", joinProblems(problems))
}

func joinProblems(p []string) string {
	out := p[0]
	for _, s := range p[1:] {
		out += "; " + s
	}
	return out
}

func medianHeap(s []Sample) uint64 {
	h := make([]uint64, len(s))
	for i := range s {
		h[i] = s[i].Heap
	}
	slices.Sort(h)
	return h[len(h)/2]
}

// MiB is a byte count in mebibytes: "12.3 MiB".
func MiB(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// WarmUp is the part of a run of length d left out of the comparison while caches, the
// journal's pages and the charts' history fill: a quarter of it, at most five minutes.
func WarmUp(d time.Duration) time.Duration { return min(d/4, 5*time.Minute) }

// Every is how often a run of length d after its warm-up is sampled: 30 samples, at least
// one a second.
func Every(d time.Duration) time.Duration { return max((d-WarmUp(d))/30, time.Second) }
