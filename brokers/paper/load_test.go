package paper_test

import (
	"context"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
)

// TestLoad500 streams 500 instruments at 10 quotes a second each for 3 s to a consumer
// and checks, without timing anything, that every quote sent is consumed and the queue
// stays bounded (at most one queued quote per symbol, plus the channel's buffer). How fast
// the quotes arrive is BenchmarkLoad500's business.
func TestLoad500(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	var events int
	res, err := paper.LoadTest(context.Background(), paper.LoadConfig{Instruments: 500, Duration: 3 * time.Second,
		Consume: func(brokers.Event) { events++ }})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res)
	if res.Instruments != 500 || res.Quotes == 0 || events < int(res.Quotes) {
		t.Fatalf("%d instruments, %d quotes, %d events consumed", res.Instruments, res.Quotes, events)
	}
	if res.EndPending > 500 || res.MaxPending > 2*500+10 {
		t.Errorf("the queue grew: at most %d, %d at the end", res.MaxPending, res.EndPending)
	}
}

// BenchmarkLoad500 streams 500 instruments at 10 quotes a second each to a consumer, one
// second an iteration, and reports quotes per instrument per second, the most events ever
// queued, the CPU cores used and the heap in use. (A quote's lag behind the market clock is
// below the clock's 100 ms tick here; BenchmarkDesk500Instruments measures the lag that
// matters, until a snapshot publishes the quote.)
func BenchmarkLoad500(b *testing.B) {
	var res paper.LoadResult
	for b.Loop() {
		var err error
		res, err = paper.LoadTest(context.Background(), paper.LoadConfig{Instruments: 500, Duration: time.Second,
			Consume: func(brokers.Event) {}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(res.PerSymbolHz, "quotes/s/instrument")
	b.ReportMetric(float64(res.MaxPending), "queued-max")
	b.ReportMetric(res.CPUCores, "cores")
	b.ReportMetric(float64(res.HeapInUse)/1e6, "MB-heap")
}

func BenchmarkTick500(b *testing.B) {
	br := newManual(b, paper.Config{EmptyAccount: true})
	ctx := context.Background()
	if err := br.Connect(ctx); err != nil {
		b.Fatal(err)
	}
	syms, err := br.LoadSymbols(ctx, 500)
	if err != nil {
		b.Fatal(err)
	}
	if err := br.Subscribe(ctx, syms...); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-br.Events():
			case <-done:
				return
			}
		}
	}()
	defer close(done)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := br.Advance(100 * time.Millisecond); err != nil {
			b.Fatal(err)
		}
	}
}
