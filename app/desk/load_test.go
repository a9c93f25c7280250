package desk

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
)

// streamingDesk starts a desk on a paper market that streams 500 instruments at 10 quotes
// a second each (every quote every tick) and returns it with its broker and the symbols.
func streamingDesk(tb testing.TB) (*Service, *paper.Broker, []string) {
	tb.Helper()
	ctx := context.Background()
	b, err := paper.New(paper.Config{Seed: 11, Start: testStart, Speed: 60})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	d, err := Start(ctx, Config{Broker: b})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	syms, err := b.LoadSymbols(ctx, 500)
	if err != nil || len(syms) < 500 {
		tb.Fatalf("%d symbols: %v", len(syms), err)
	}
	if err := b.StreamEveryTick(ctx, true); err != nil {
		tb.Fatal(err)
	}
	if err := b.Subscribe(ctx, syms...); err != nil {
		tb.Fatal(err)
	}
	return d, b, syms
}

// nextPublish waits for the next snapshot that publishes new quotes and returns how long
// its oldest quote waited.
func nextPublish(snaps <-chan *Snapshot, lastSeq *uint64) time.Duration {
	for s := range snaps {
		if s.Seq == *lastSeq || s.Lag == 0 {
			continue
		}
		*lastSeq = s.Seq
		return s.Lag
	}
	return 0
}

// TestDeskKeepsUpWith500Instruments checks, without timing anything, that a desk fed 500
// streaming instruments eventually holds a quote of every one, keeps publishing snapshots
// with new quotes, and that the broker's queue stays bounded: quotes coalesce to at most one
// per symbol, and the clock and account events queued beside them on a slow machine are few
// (505 for 500 symbols was seen under load), so a queue past twice the symbols is growing.
// How fast it keeps up is BenchmarkDesk500Instruments' business.
func TestDeskKeepsUpWith500Instruments(t *testing.T) {
	d, b, syms := streamingDesk(t)
	snaps, cancel := d.Subscribe()
	defer cancel()
	var lastSeq uint64
	for len(d.Latest().Quotes) < len(syms) {
		nextPublish(snaps, &lastSeq)
	}
	for range 10 {
		if lag := nextPublish(snaps, &lastSeq); lag <= 0 {
			t.Fatalf("a snapshot published quotes that waited %v", lag)
		}
	}
	if pending, _ := b.Pending(); pending > 2*len(syms) {
		t.Errorf("%d events queued for %d symbols: the queue is growing", pending, len(syms))
	}
}

// BenchmarkDesk500Instruments measures the desk under 500 instruments streaming 10 quotes a
// second each: one iteration is one snapshot that publishes new quotes (about 100 ms, the
// publishing interval). It reports how long a quote waited before a snapshot published it
// (mean and max), snapshots a second, the CPU cores the whole process used, the heap in use
// at the end and the broker's queue at the end.
func BenchmarkDesk500Instruments(b *testing.B) {
	d, br, syms := streamingDesk(b)
	snaps, cancel := d.Subscribe()
	defer cancel()
	var lastSeq uint64
	for len(d.Latest().Quotes) < len(syms) { // the first full round of quotes
		nextPublish(snaps, &lastSeq)
	}
	var sumLag, maxLag time.Duration
	var n int
	cpu0 := cpuTime()
	start := time.Now()
	b.ResetTimer()
	for b.Loop() {
		lag := nextPublish(snaps, &lastSeq)
		sumLag += lag
		maxLag = max(maxLag, lag)
		n++
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	pending, _ := br.Pending()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(sumLag.Microseconds())/1e3/float64(max(n, 1)), "ms-lag-mean")
	b.ReportMetric(float64(maxLag.Microseconds())/1e3, "ms-lag-max")
	b.ReportMetric(float64(n)/wall.Seconds(), "snapshots/s")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
	b.ReportMetric(float64(ms.HeapInuse)/1e6, "MB-heap")
	b.ReportMetric(float64(pending), "queued-at-end")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
