package widgets

import (
	"testing"
	"time"
)

// TestDurationsPercentile checks the nearest-rank percentile (the smallest value that at
// least p % of the values do not exceed; NIST/Hyndman–Fan definition 1) and the maximum on
// values whose answers are known by hand.
func TestDurationsPercentile(t *testing.T) {
	ms := time.Millisecond
	us := time.Microsecond
	series := func(n int, f func(i int) time.Duration) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	tests := []struct {
		name     string
		values   []time.Duration
		p        float64
		want     time.Duration
		wantMax  time.Duration
		slack    time.Duration // the histogram's step where values are off its grid
		wantZero bool
	}{
		{name: "nothing recorded", values: nil, p: 99, wantZero: true},
		{name: "one value", values: []time.Duration{3 * ms}, p: 99, want: 3 * ms, wantMax: 3 * ms},
		// 1..100 ms: the 99th of 100 ranks is 99 ms, the 50th 50 ms.
		{name: "1 to 100 ms, p99", values: series(100, func(i int) time.Duration { return time.Duration(i+1) * ms }), p: 99, want: 99 * ms, wantMax: 100 * ms},
		{name: "1 to 100 ms, p50", values: series(100, func(i int) time.Duration { return time.Duration(i+1) * ms }), p: 50, want: 50 * ms, wantMax: 100 * ms},
		// 1,000 values: 989 of 1 ms and 11 of 20 ms — rank 990 is 20 ms.
		{name: "11 slow of 1000", values: series(1000, func(i int) time.Duration {
			if i < 989 {
				return ms
			}
			return 20 * ms
		}), p: 99, want: 20 * ms, wantMax: 20 * ms},
		// 990 of 1 ms and 10 of 20 ms — rank 990 is still 1 ms: p99 hides the ten.
		{name: "10 slow of 1000", values: series(1000, func(i int) time.Duration {
			if i < 990 {
				return ms
			}
			return 20 * ms
		}), p: 99, want: ms, wantMax: 20 * ms},
		// Beyond the fine range (1 ms steps) and beyond the histogram (the maximum).
		{name: "coarse range", values: []time.Duration{250 * ms, 250 * ms, 900 * ms}, p: 50, want: 250 * ms, wantMax: 900 * ms},
		{name: "beyond 10 s", values: []time.Duration{ms, 12 * time.Second}, p: 99, want: 12 * time.Second, wantMax: 12 * time.Second},
		// Off the grid: 1.234 ms reads as 1.24 ms (the bucket's upper edge).
		{name: "off the grid", values: []time.Duration{1234 * us, 1234 * us}, p: 99, want: 1234 * us, wantMax: 1234 * us, slack: 10 * us},
		{name: "zero durations", values: []time.Duration{0, 0, 0}, p: 99, want: 0, wantMax: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Durations
			for _, v := range tc.values {
				d.Add(v)
			}
			got := d.Percentile(tc.p)
			if tc.wantZero {
				if got != 0 || d.Max() != 0 || d.Count() != 0 {
					t.Fatalf("empty: p=%v max=%v n=%d", got, d.Max(), d.Count())
				}
				return
			}
			if got < tc.want || got > tc.want+tc.slack {
				t.Errorf("p%v = %v, want %v (+%v)", tc.p, got, tc.want, tc.slack)
			}
			if d.Max() != tc.wantMax {
				t.Errorf("max = %v, want %v", d.Max(), tc.wantMax)
			}
			if d.Count() != uint64(len(tc.values)) {
				t.Errorf("count = %d, want %d", d.Count(), len(tc.values))
			}
			d.Reset()
			if d.Count() != 0 || d.Max() != 0 || d.Percentile(99) != 0 {
				t.Error("Reset kept values")
			}
		})
	}
}

// TestBucketEdges checks that every bucket's upper edge falls in that bucket and the next
// duration in the next one, at the seams of the histogram.
func TestBucketEdges(t *testing.T) {
	for _, i := range []int{1, 2, fineBuckets - 1, fineBuckets, fineBuckets + 1, durationBuckets - 2} {
		t.Run(upperEdge(i).String(), func(t *testing.T) {
			e := upperEdge(i)
			if got := bucketOf(e); got != i {
				t.Errorf("bucketOf(%v) = %d, want %d", e, got, i)
			}
			if got := bucketOf(e + 1); got != i+1 {
				t.Errorf("bucketOf(%v+1ns) = %d, want %d", e, got, i+1)
			}
		})
	}
}

// TestUIStatsBySource checks that DoAndWaitFrom records each callback under its source and
// in the total.
func TestUIStatsBySource(t *testing.T) {
	ResetUIStats()
	t.Cleanup(ResetUIStats)
	DoAndWaitFrom("slow", func() { time.Sleep(20 * time.Millisecond) })
	DoAndWaitFrom("busy", func() {
		for start := time.Now(); time.Since(start) < 20*time.Millisecond; {
		}
	})
	DoAndWaitFrom("quick", func() {})
	DoAndWaitFrom("quick", func() {})
	by, all := UIStats()
	got := map[string]UIStat{}
	for _, s := range by {
		got[s.Source] = s
	}
	if got["slow"].Count != 1 || got["quick"].Count != 2 || all.Count != 4 {
		t.Fatalf("counts: %+v, all %+v", by, all)
	}
	if got["slow"].CallbackMax < 20*time.Millisecond || all.CallbackMax < 20*time.Millisecond {
		t.Errorf("slow callback max %v, all %v: want ≥ 20 ms", got["slow"].CallbackMax, all.CallbackMax)
	}
	if got["quick"].CallbackMax >= 20*time.Millisecond {
		t.Errorf("quick callback max %v", got["quick"].CallbackMax)
	}
	// Sleeping costs no CPU, spinning does (Linux reads a thread's CPU time).
	if _, ok := threadCPU(); ok {
		if c := got["slow"].CPUMax; c > 10*time.Millisecond {
			t.Errorf("a sleeping callback used %v of CPU", c)
		}
		if c := got["busy"].CPUMax; c < 5*time.Millisecond {
			t.Errorf("a spinning callback of 20 ms used only %v of CPU", c)
		}
	}
	if LongestUICallback() < 20*time.Millisecond {
		t.Errorf("LongestUICallback %v", LongestUICallback())
	}
}
