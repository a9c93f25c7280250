package soak

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// series makes n samples whose heap and goroutines follow f.
func series(n int, f func(i int) (heap uint64, goroutines int)) []Sample {
	out := make([]Sample, n)
	for i := range out {
		h, g := f(i)
		out[i] = Sample{At: time.Duration(i) * time.Second, Heap: h, Goroutines: g}
	}
	return out
}

// TestRuleCheck checks the growth rule on series with known answers.
func TestRuleCheck(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name string
		s    []Sample
		want string // "" passes; otherwise a part of the error
	}{
		{"flat", series(30, func(int) (uint64, int) { return 40 * mib, 50 }), ""},
		{"noisy but flat: a collection's timing, a goroutine that comes and goes", series(30, func(i int) (uint64, int) {
			return uint64(40+(i*7)%9) * mib, 50 + i%3
		}), ""},
		{"a one-off spike at the end passes (medians)", series(30, func(i int) (uint64, int) {
			if i == 29 {
				return 200 * mib, 50
			}
			return 40 * mib, 50
		}), ""},
		{"growth within the slack: 40 → 55 MiB", series(30, func(i int) (uint64, int) { return uint64(40*mib + i*mib/2), 50 }), ""},
		{"a steady heap leak: 1 MiB a sample", series(30, func(i int) (uint64, int) { return uint64(40+i) * mib, 50 }), "live heap grew"},
		{"a goroutine leak: one each sample", series(30, func(i int) (uint64, int) { return 40 * mib, 50 + i }), "goroutines grew"},
		// Medians of the thirds i = 0…9 and 20…29 of 40 + 2i MiB: 50 and 90.
		{"both", series(30, func(i int) (uint64, int) { return uint64(40+2*i) * mib, 50 + i }), "live heap grew from 50.0 MiB to 90.0 MiB"},
		{"too few samples", series(5, func(int) (uint64, int) { return 40 * mib, 50 }), "need 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := DefaultRule.Check(tc.s)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("failed a run that did not grow: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("passed a run that grew (%s)", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("error %q, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestDetectorCatchesAPlantedLeak runs a small process for real, sampled as the soak
// samples: a loop that keeps 256 KiB of every tick (and, in a second case, a goroutine
// that never ends) fails the rule; the same loop dropping what it allocates passes.
func TestDetectorCatchesAPlantedLeak(t *testing.T) {
	tests := []struct {
		name       string
		keep       bool
		goroutines bool
		want       string
	}{
		{"garbage collected: passes", false, false, ""},
		{"heap kept: fails", true, false, "live heap grew"},
		{"goroutines left behind: fail", false, true, "goroutines grew"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var kept [][]byte
			stop := make(chan struct{})
			var wg sync.WaitGroup
			release := make(chan struct{})
			defer close(release)
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(5 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						b := make([]byte, 256<<10)
						b[len(b)-1] = 1
						if tc.keep {
							kept = append(kept, b)
						}
						if tc.goroutines {
							go func() { <-release }()
						}
					}
				}
			}()
			began := time.Now()
			var samples []Sample
			for range 12 {
				time.Sleep(100 * time.Millisecond)
				samples = append(samples, Measure(began))
			}
			close(stop)
			wg.Wait()
			err := DefaultRule.Check(samples)
			t.Logf("heap %s → %s, goroutines %d → %d (%d buffers kept): %v", MiB(samples[0].Heap), MiB(samples[len(samples)-1].Heap),
				samples[0].Goroutines, samples[len(samples)-1].Goroutines, len(kept), err)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("failed: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}
