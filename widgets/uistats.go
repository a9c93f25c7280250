package widgets

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Durations records durations in fixed memory: their count, the largest, and a histogram
// fine enough to read a percentile from — 10 µs steps up to 100 ms, 1 ms steps up to 10 s,
// one last bucket beyond. A percentile is read as the upper edge of the bucket holding it
// (never above the largest duration seen), so it is exact for durations on the 10 µs grid
// and at most one step high otherwise. The zero value is ready to use; it is safe for
// concurrent use.
type Durations struct {
	mu      sync.Mutex
	n       uint64
	max     time.Duration
	buckets [durationBuckets]uint32
}

const (
	fineStep        = 10 * time.Microsecond
	fineEnd         = 100 * time.Millisecond
	coarseStep      = time.Millisecond
	coarseEnd       = 10 * time.Second
	fineBuckets     = int(fineEnd / fineStep)                 // (0, 100 ms] in 10 µs steps
	coarseBuckets   = int((coarseEnd - fineEnd) / coarseStep) // (100 ms, 10 s] in 1 ms steps
	durationBuckets = 1 + fineBuckets + coarseBuckets + 1     // [0], fine, coarse, beyond
)

// bucketOf is the bucket of d: 0 for d ≤ 0, i for d in ((i−1)·10 µs, i·10 µs] below 100 ms,
// then 1 ms steps, then the last bucket beyond 10 s.
func bucketOf(d time.Duration) int {
	switch {
	case d <= 0:
		return 0
	case d <= fineEnd:
		return int((d + fineStep - 1) / fineStep)
	case d <= coarseEnd:
		return fineBuckets + int((d-fineEnd+coarseStep-1)/coarseStep)
	}
	return durationBuckets - 1
}

// upperEdge is the largest duration bucket i holds (the last bucket: none, so MaxInt64).
func upperEdge(i int) time.Duration {
	switch {
	case i <= fineBuckets:
		return time.Duration(i) * fineStep
	case i < durationBuckets-1:
		return fineEnd + time.Duration(i-fineBuckets)*coarseStep
	}
	return math.MaxInt64
}

// Add records one duration.
func (d *Durations) Add(x time.Duration) {
	d.mu.Lock()
	d.n++
	d.max = max(d.max, x)
	d.buckets[bucketOf(x)]++
	d.mu.Unlock()
}

// Count is how many durations were recorded.
func (d *Durations) Count() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// Max is the largest duration recorded (0 when none).
func (d *Durations) Max() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.max
}

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of the durations recorded:
// the smallest duration that at least p % of them do not exceed, read to the histogram's
// step (see Durations). It is 0 when nothing was recorded.
func (d *Durations) Percentile(p float64) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(p * float64(d.n) / 100))
	rank = min(max(rank, 1), d.n)
	var seen uint64
	for i, c := range d.buckets {
		seen += uint64(c)
		if seen >= rank {
			return min(upperEdge(i), d.max)
		}
	}
	return d.max
}

// Reset forgets every duration recorded.
func (d *Durations) Reset() {
	d.mu.Lock()
	d.n, d.max = 0, 0
	clear(d.buckets[:])
	d.mu.Unlock()
}

// UIStat is what the bridge measured for one source of UI callbacks (a window, or "" for
// callers that did not say): how many callbacks ran, how long each ran on the UI goroutine
// (wall time), the CPU time each used (what the callback costs whatever else the machine
// runs; zero where the system cannot say), and how long each waited before it ran (from
// the call to DoAndWait to its start).
type UIStat struct {
	Source                   string
	Count                    uint64
	CallbackP99, CallbackMax time.Duration
	CPUP99, CPUMax           time.Duration
	WaitP99, WaitMax         time.Duration
}

// uiSource is the records of one source.
type uiSource struct{ callback, cpu, wait Durations }

var (
	uiStatsMu sync.Mutex
	uiSources = map[string]*uiSource{}
	uiAll     uiSource
)

func sourceOf(name string) *uiSource {
	uiStatsMu.Lock()
	defer uiStatsMu.Unlock()
	s, ok := uiSources[name]
	if !ok {
		s = &uiSource{}
		uiSources[name] = s
	}
	return s
}

// noteUI records one callback; cpu < 0 when its CPU time could not be read.
func noteUI(source string, wait, took, cpu time.Duration) {
	s := sourceOf(source)
	for _, r := range []*uiSource{s, &uiAll} {
		r.callback.Add(took)
		r.wait.Add(wait)
		if cpu >= 0 {
			r.cpu.Add(cpu)
		}
	}
	noteUICallback(took)
}

func statOf(name string, s *uiSource) UIStat {
	return UIStat{Source: name, Count: s.callback.Count(),
		CallbackP99: s.callback.Percentile(99), CallbackMax: s.callback.Max(),
		CPUP99: s.cpu.Percentile(99), CPUMax: s.cpu.Max(),
		WaitP99: s.wait.Percentile(99), WaitMax: s.wait.Max()}
}

// UIStats is what the bridge measured since the start or the last ResetUIStats: one UIStat
// per source, sorted by name, and the total over all of them (Source "all").
func UIStats() (bySource []UIStat, total UIStat) {
	uiStatsMu.Lock()
	names := make([]string, 0, len(uiSources))
	for n := range uiSources {
		names = append(names, n)
	}
	srcs := make(map[string]*uiSource, len(uiSources))
	for n, s := range uiSources {
		srcs[n] = s
	}
	uiStatsMu.Unlock()
	slices.Sort(names)
	for _, n := range names {
		bySource = append(bySource, statOf(n, srcs[n]))
	}
	return bySource, statOf("all", &uiAll)
}

// ResetUIStats starts a new measurement of UIStats (and of LongestUICallback).
func ResetUIStats() {
	uiStatsMu.Lock()
	for _, s := range uiSources {
		s.callback.Reset()
		s.cpu.Reset()
		s.wait.Reset()
	}
	uiStatsMu.Unlock()
	uiAll.callback.Reset()
	uiAll.cpu.Reset()
	uiAll.wait.Reset()
	ResetLongestUICallback()
}
