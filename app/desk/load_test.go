package desk

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
)

// TestDeskKeepsUpWith500Instruments streams 500 instruments at 10 quotes a second each
// (every quote every tick) through the desk for 3 s (KEEL_LOAD_SECONDS to change) and checks
// it keeps up: the broker's queue stays bounded and snapshots publish quotes within about one
// publishing interval. It logs the CPU and memory the README records.
func TestDeskKeepsUpWith500Instruments(t *testing.T) {
	seconds := 3.0
	if s := os.Getenv("KEEL_LOAD_SECONDS"); s != "" {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 {
			seconds = v
		}
	}
	ctx := context.Background()
	b, err := paper.New(paper.Config{Seed: 11, Start: testStart, Speed: 60})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d, err := Start(ctx, Config{Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	syms, err := b.LoadSymbols(ctx, 500)
	if err != nil || len(syms) < 500 {
		t.Fatalf("%d symbols: %v", len(syms), err)
	}
	if err := b.StreamEveryTick(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, syms...); err != nil {
		t.Fatal(err)
	}
	snaps, cancel := d.Subscribe()
	defer cancel()
	time.Sleep(500 * time.Millisecond) // the first full round of quotes

	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	start := time.Now()
	deadline := time.After(time.Duration(seconds * float64(time.Second)))
	var n int
	var sumLag, maxLag time.Duration
	lastSeq := uint64(0)
loop:
	for {
		select {
		case s := <-snaps:
			if s.Seq == lastSeq || s.Lag == 0 {
				continue
			}
			lastSeq = s.Seq
			n++
			sumLag += s.Lag
			maxLag = max(maxLag, s.Lag)
		case <-deadline:
			break loop
		}
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&m1)
	pending, most := b.Pending()
	quotes := len(d.Latest().Quotes)
	t.Logf("%d instruments for %.1f s: %d snapshots (%.1f/s), lag mean %v max %v; broker queue now %d, most %d; CPU %.2f cores; heap in use %.1f MB",
		quotes, wall.Seconds(), n, float64(n)/wall.Seconds(), sumLag/time.Duration(max(n, 1)), maxLag, pending, most,
		cpu.Seconds()/wall.Seconds(), float64(m1.HeapInuse)/1e6)
	if quotes < 500 {
		t.Errorf("the desk holds %d quotes, want every one of the 500 instruments", quotes)
	}
	if n < int(wall.Seconds()*5) {
		t.Errorf("%d snapshots in %.1f s: the desk fell behind its 10 a second", n, wall.Seconds())
	}
	// The broker keeps at most one queued quote per symbol; a desk that keeps up drains it.
	if pending > len(syms) {
		t.Errorf("%d events queued at the end: the queue is growing", pending)
	}
	// A quote waits for the next 100 ms publish; allow half an interval more for a loaded
	// CI machine running the race detector.
	if mean := sumLag / time.Duration(max(n, 1)); mean > 150*time.Millisecond {
		t.Errorf("quotes waited %v on average to be published, want about 100 ms at most", mean)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
