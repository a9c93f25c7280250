package paper

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/brokers"
)

// LoadConfig sets up LoadTest.
type LoadConfig struct {
	Instruments int                 // symbols to subscribe; default 500
	Duration    time.Duration       // how long to stream; default 10 s
	Speed       float64             // market speed; default 60
	Seed        uint64              // the market's seed
	Consume     func(brokers.Event) // the consumer's work per event (the desk's handler); nil does none
}

// LoadResult is what LoadTest measured. Lag is how far behind the market a received quote
// was, in wall time: (the market time when it arrived − its quote time) ÷ speed, with the
// market time sampled every 20 ms. Its resolution is one 100 ms tick: 0 means the quote
// arrived before the market ticked again.
type LoadResult struct {
	Instruments  int
	Wall         time.Duration
	Ticks        int64   // market ticks that sent quotes
	Quotes       int64   // quote events received
	PerSymbolHz  float64 // quotes per instrument per second
	MaxPending   int     // most events the broker ever held queued for the channel
	EndPending   int     // events still queued when the test stopped
	MeanLag      time.Duration
	P99Lag       time.Duration
	MaxLag       time.Duration
	CPU          time.Duration // process user + system CPU time during the run (0 where unmeasured)
	CPUCores     float64       // CPU ÷ wall: 1.0 is one core busy
	HeapInUse    uint64        // bytes in use after the run
	AllocPerTick uint64        // bytes allocated per tick (whole process)
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d instruments for %s: %d ticks, %d quotes (%.1f per instrument per second); "+
		"queue max %d, at end %d; lag mean %s p99 %s max %s; CPU %s (%.2f cores); heap %.1f MB; %.0f kB allocated per tick",
		r.Instruments, r.Wall.Round(time.Millisecond), r.Ticks, r.Quotes, r.PerSymbolHz, r.MaxPending, r.EndPending,
		r.MeanLag.Round(time.Millisecond), r.P99Lag.Round(time.Millisecond), r.MaxLag.Round(time.Millisecond),
		r.CPU.Round(time.Millisecond), r.CPUCores, float64(r.HeapInUse)/(1<<20), float64(r.AllocPerTick)/1024)
}

// LoadTest streams quotes of cfg.Instruments symbols from an in-memory paper broker on
// its real 100 ms ticker — every subscribed quote every tick, changed or not, so each
// instrument streams 10 quotes a second — to a consumer that runs cfg.Consume on each
// event, and measures whether the consumer keeps up.
func LoadTest(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	if cfg.Instruments <= 0 {
		cfg.Instruments = 500
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Second
	}
	if cfg.Speed == 0 {
		cfg.Speed = 60
	}
	b, err := New(Config{EmptyAccount: true, Seed: cfg.Seed, Speed: cfg.Speed})
	if err != nil {
		return LoadResult{}, err
	}
	defer b.Close()
	if err := b.Connect(ctx); err != nil {
		return LoadResult{}, err
	}
	syms, err := b.LoadSymbols(ctx, cfg.Instruments)
	if err != nil {
		return LoadResult{}, err
	}
	var ticks atomic.Int64
	b.run(ctx, false, func() error {
		b.everyTick = true
		b.onTick = func() { ticks.Add(1) }
		return nil
	})
	// The market time now, sampled off the consumer's path.
	var marketNow atomic.Int64
	marketNow.Store(b.Clock().Now.UnixNano())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				marketNow.Store(b.Clock().Now.UnixNano())
			case <-stop:
				return
			}
		}
	}()

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := processCPU()
	start := time.Now()
	if err := b.Subscribe(ctx, syms...); err != nil {
		close(stop)
		wg.Wait()
		return LoadResult{}, err
	}
	res := LoadResult{Instruments: len(syms)}
	var lags []time.Duration
	deadline := time.After(cfg.Duration)
loop:
	for {
		select {
		case ev := <-b.Events():
			if q, ok := ev.(*brokers.QuoteEvent); ok {
				res.Quotes++
				lag := time.Duration(float64(marketNow.Load()-q.Quote.Time.UnixNano()) / cfg.Speed)
				lags = append(lags, max(lag, 0))
			}
			if cfg.Consume != nil {
				cfg.Consume(ev)
			}
		case <-deadline:
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	res.Wall = time.Since(start)
	res.CPU = processCPU() - cpu0
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	res.EndPending, res.MaxPending = b.box.pending()
	res.Ticks = ticks.Load()
	res.PerSymbolHz = float64(res.Quotes) / float64(len(syms)) / res.Wall.Seconds()
	res.CPUCores = res.CPU.Seconds() / res.Wall.Seconds()
	res.HeapInUse = after.HeapInuse
	if res.Ticks > 0 {
		res.AllocPerTick = (after.TotalAlloc - before.TotalAlloc) / uint64(res.Ticks)
	}
	if len(lags) > 0 {
		sort.Slice(lags, func(i, k int) bool { return lags[i] < lags[k] })
		var sum time.Duration
		for _, l := range lags {
			sum += l
		}
		res.MeanLag = sum / time.Duration(len(lags))
		res.P99Lag = lags[int(math.Min(float64(len(lags)-1), 0.99*float64(len(lags))))]
		res.MaxLag = lags[len(lags)-1]
	}
	return res, ctx.Err()
}

// LoadSymbols lists n listed symbols for load tests and benchmarks: the underlyings,
// then options nearest the money, taking expiries and underlyings in turn.
func (b *Broker) LoadSymbols(ctx context.Context, n int) ([]string, error) {
	var out []string
	err := b.run(ctx, false, func() error {
		var pools [][]string
		for _, in := range b.market.Underlyings() {
			out = append(out, in.Symbol())
			for _, e := range b.market.Expirations(in.Symbol()) {
				qs := b.market.Chain(in.Symbol(), e)
				s, err := b.market.Price(in.Symbol())
				if err != nil {
					return err
				}
				sort.SliceStable(qs, func(i, k int) bool {
					return math.Abs(qs[i].Instrument.Strike-s) < math.Abs(qs[k].Instrument.Strike-s)
				})
				pool := make([]string, len(qs))
				for i, q := range qs {
					pool[i] = q.Symbol
				}
				pools = append(pools, pool)
			}
		}
		for i := 0; len(out) < n; i++ {
			added := false
			for _, p := range pools {
				if i < len(p) && len(out) < n {
					out = append(out, p[i])
					added = true
				}
			}
			if !added {
				break
			}
		}
		if len(out) > n {
			out = out[:n]
		}
		if len(out) < n {
			return fmt.Errorf("paper broker: only %d symbols listed, %d asked", len(out), n)
		}
		return nil
	})
	return out, err
}

// StreamEveryTick makes the broker send every subscribed quote every 100 ms tick, changed
// or not (10 quotes a second per symbol), as LoadTest does; for load tests of a consumer
// such as the desk.
func (b *Broker) StreamEveryTick(ctx context.Context, on bool) error {
	return b.run(ctx, false, func() error {
		b.everyTick = on
		return nil
	})
}

// Pending is how many events the broker holds queued for the Events channel now, and the
// most it ever held: a consumer that keeps up keeps both small.
func (b *Broker) Pending() (now, most int) { return b.box.pending() }
