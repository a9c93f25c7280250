package ui

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// recorder keeps what coalesce applied and when.
type recorder struct {
	mu     sync.Mutex
	values []int
	times  []time.Time
	seen   int
}

func (r *recorder) apply(v int, _ time.Time) {
	r.mu.Lock()
	r.values = append(r.values, v)
	r.times = append(r.times, time.Now())
	r.mu.Unlock()
}

func (r *recorder) saw(int) {
	r.mu.Lock()
	r.seen++
	r.mu.Unlock()
}

func (r *recorder) applied() ([]int, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.values...), append([]time.Time(nil), r.times...)
}

// TestCoalesceKeepsTheBudget sends bursts of snapshots and checks that no more are applied
// than the budget allows — the first at once, then at most one per interval, so a burst
// spread over D gives at most 1 + ⌈D/every⌉ — that two applies are never closer than the
// interval, that the newest value is always the last applied (nothing the trader should
// see is lost), and that every value was seen.
func TestCoalesceKeepsTheBudget(t *testing.T) {
	const every = 100 * time.Millisecond
	tests := []struct {
		name   string
		n      int
		spread time.Duration // the time between two values sent
	}{
		{"a burst of 200 at once", 200, 0},
		{"100 two ms apart", 100, 2 * time.Millisecond},
		{"20 at 40 ms (25 a second)", 20, 40 * time.Millisecond},
		{"5 slower than the budget", 5, 150 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := make(chan int)
			var r recorder
			done := make(chan struct{})
			go func() {
				defer close(done)
				coalesce(in, slotClock{every: every}, nil, r.saw, r.apply)
			}()
			began := time.Now()
			for i := 1; i <= tc.n; i++ {
				in <- i
				if tc.spread > 0 {
					time.Sleep(tc.spread)
				}
			}
			sent := time.Since(began)
			time.Sleep(2 * every) // the held one is applied
			close(in)
			<-done
			values, times := r.applied()
			budget := 1 + int((sent+every-1)/every)
			if len(values) > budget {
				t.Errorf("%d applies for %d values over %v: more than the budget %d", len(values), tc.n, sent, budget)
			}
			if len(values) == 0 || values[len(values)-1] != tc.n {
				t.Fatalf("applied %v: the newest value %d was not the last applied", values, tc.n)
			}
			if values[0] != 1 {
				t.Errorf("the first value applied is %d, want 1 at once", values[0])
			}
			for i := 1; i < len(times); i++ {
				// Applies are due on the wall clock's instants k·every; one that ran late (a
				// loaded machine) leaves the next a shorter gap, never less than the interval
				// from its instant.
				late := times[i-1].Round(0).Sub(times[i-1].Round(0).Truncate(every))
				if gap := times[i].Sub(times[i-1]); gap < every-late-time.Millisecond {
					t.Errorf("applies %d and %d only %v apart (the first %v after its instant)", i-1, i, gap, late)
				}
			}
			if tc.spread > every && len(values) != tc.n {
				t.Errorf("values slower than the budget: %d of %d applied", len(values), tc.n)
			}
			if r.seen != tc.n {
				t.Errorf("seen %d of %d", r.seen, tc.n)
			}
		})
	}
}

// TestCoalescePrompt checks that a prompt (a user action) applies the held value at once,
// and the next one to come at once when none is held.
func TestCoalescePrompt(t *testing.T) {
	const every = time.Hour // without a prompt, nothing after the first would be applied
	in := make(chan int)
	prompt := make(chan struct{}, 1)
	var r recorder
	done := make(chan struct{})
	go func() {
		defer close(done)
		coalesce(in, slotClock{every: every}, prompt, nil, r.apply)
	}()
	waitFor := func(n int) []int {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if v, _ := r.applied(); len(v) >= n {
				return v
			}
			time.Sleep(time.Millisecond)
		}
		v, _ := r.applied()
		t.Fatalf("applied %v, want %d applies", v, n)
		return nil
	}
	in <- 1 // at once: nothing applied before
	waitFor(1)
	in <- 2 // held: the hour has not passed
	in <- 3
	prompt <- struct{}{} // the held 3 at once
	if v := waitFor(2); v[1] != 3 {
		t.Errorf("after a prompt with 3 held: %v", v)
	}
	prompt <- struct{}{} // nothing held: the next one goes through
	time.Sleep(20 * time.Millisecond)
	in <- 4
	if v := waitFor(3); v[2] != 4 {
		t.Errorf("after a prompt with nothing held: %v", v)
	}
	in <- 5 // held again: the prompt was used
	time.Sleep(20 * time.Millisecond)
	close(in)
	<-done
	if v, _ := r.applied(); len(v) != 3 {
		t.Errorf("applied %v: 5 came within the hour without a prompt", v)
	}
}

// TestCoalesceOnTheSharedClock follows one stream of values with two windows' coalesce,
// one of them a slow reader that gets each value late, and checks that every value held
// is applied on the clock's slots (the multiples of every after the phase), the same
// instants for both, each slot announced (expect) before it is applied.
func TestCoalesceOnTheSharedClock(t *testing.T) {
	const every, phase = 40 * time.Millisecond, 10 * time.Millisecond
	type window struct {
		in       chan int
		mu       sync.Mutex
		slots    []time.Time
		expected map[int64]bool
	}
	var wins [2]*window
	var wg sync.WaitGroup
	for i := range wins {
		w := &window{in: make(chan int), expected: map[int64]bool{}}
		wins[i] = w
		clock := slotClock{every: every, phase: phase,
			expect: func(s time.Time) { w.mu.Lock(); w.expected[s.UnixNano()] = true; w.mu.Unlock() }}
		wg.Add(1)
		go func() {
			defer wg.Done()
			coalesce(w.in, clock, nil, nil, func(_ int, slot time.Time) {
				if slot.IsZero() {
					return
				}
				w.mu.Lock()
				if !w.expected[slot.UnixNano()] {
					t.Errorf("slot %v applied without being expected", slot)
				}
				w.slots = append(w.slots, slot)
				w.mu.Unlock()
			})
		}()
	}
	for v := 1; v <= 60; v++ {
		wins[0].in <- v
		time.Sleep(3 * time.Millisecond)
		wins[1].in <- v // three milliseconds later
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(2 * every)
	for _, w := range wins {
		close(w.in)
	}
	wg.Wait()
	for i, w := range wins {
		if len(w.slots) < 3 {
			t.Fatalf("window %d applied on %d slots in 300 ms, want several", i, len(w.slots))
		}
		for _, s := range w.slots {
			if off := time.Duration(s.UnixNano()) % every; off != phase {
				t.Errorf("window %d applied at %v, %v into a period, want %v", i, s, off, phase)
			}
		}
	}
	// The second window's first value came 3 ms later; from then on both keep the clock.
	a, b := wins[0].slots, wins[1].slots
	shared := 0
	for _, s := range b {
		if slices.ContainsFunc(a, s.Equal) {
			shared++
		}
	}
	if shared < len(b)-1 {
		t.Errorf("slots %v and %v: only %d shared", a, b, shared)
	}
}

// TestSlotResultsAppliedTogether checks that the results expected for one slot are applied
// in one trip to the UI goroutine once the last has come (each window waits for it), that
// a window cancelling its slot does not hold the others, and that a slow window does not
// hold them longer than slotGather.
func TestSlotResultsAppliedTogether(t *testing.T) {
	test.NewTempApp(t)
	ResetStats()
	t.Cleanup(ResetStats)
	slot := time.Now().Add(time.Hour).Truncate(time.Second)
	for range 3 {
		expectSlot(slot)
	}
	var applied atomic.Int32
	first := make(chan struct{})
	go func() {
		defer close(first)
		deliver(slot, "desk", func() { applied.Add(1) })
	}()
	select {
	case <-first:
		t.Fatal("the first result was applied before the others came")
	case <-time.After(5 * time.Millisecond):
	}
	if applied.Load() != 0 {
		t.Fatal("a result was applied before its slot's others came")
	}
	cancelSlot(slot) // a window that had nothing to show after all
	deliver(slot, "positions", func() { applied.Add(1) })
	<-first
	if n := applied.Load(); n != 2 {
		t.Fatalf("%d results applied, want 2", n)
	}
	by, _ := Stats()
	if len(by) != 2 {
		t.Errorf("stats %+v, want desk and positions", by)
	}

	// A window that never delivers holds the others at most slotGather.
	slot = slot.Add(time.Second)
	expectSlot(slot)
	expectSlot(slot)
	began := time.Now()
	deliver(slot, "desk", func() { applied.Add(1) })
	if took := time.Since(began); took < slotGather || took > slotGather+time.Second {
		t.Errorf("a result waited %v for a window that never came, want about %v", took, slotGather)
	}
	// Its result, late, is applied on its own.
	deliver(slot, "charts", func() { applied.Add(1) })
	if n := applied.Load(); n != 4 {
		t.Errorf("%d results applied, want 4", n)
	}
}

// TestSlotClockNext checks the slot a held value waits for: the first at least a period
// after the last apply, on the clock's grid; and, when the wall clock was set back (the last
// apply seems an hour ahead), the first after now instead of an hour's wait.
func TestSlotClockNext(t *testing.T) {
	c := slotClock{every: 250 * time.Millisecond, phase: 125 * time.Millisecond}
	base := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		last, now time.Time
		want      time.Time
	}{
		{"on the grid", base.Add(125 * time.Millisecond), base.Add(150 * time.Millisecond), base.Add(375 * time.Millisecond)},
		{"off the grid", base.Add(200 * time.Millisecond), base.Add(210 * time.Millisecond), base.Add(625 * time.Millisecond)},
		{"clock set back", base.Add(time.Hour), base, base.Add(125 * time.Millisecond)},
	} {
		if got := c.next(tc.last, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s: next(%v, %v) = %v, want %v", tc.name, tc.last, tc.now, got, tc.want)
		}
	}
}
