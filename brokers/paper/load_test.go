package paper_test

import (
	"context"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
)

// TestLoad500 streams 500 instruments at 10 quotes a second each for 3 s to a consumer
// and checks it keeps up: the quotes arrive at the rate, the queue does not grow, and the
// quotes are fresh.
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
	if res.Instruments != 500 || events < int(res.Quotes) {
		t.Fatalf("%d instruments, %d events consumed", res.Instruments, events)
	}
	// Ticks are 100 ms apart: 10 a second, less what the scheduler loses under -race.
	if res.PerSymbolHz < 7 {
		t.Errorf("%.1f quotes per instrument per second; want about 10", res.PerSymbolHz)
	}
	if res.EndPending > 500 || res.MaxPending > 2*500+10 {
		t.Errorf("the queue grew: at most %d, %d at the end", res.MaxPending, res.EndPending)
	}
	if res.P99Lag > 500*time.Millisecond {
		t.Errorf("quotes arrive late: p99 %s", res.P99Lag)
	}
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
