package portfolio

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// benchBook is a reproducible book of n positions over 20 underlyings, shaped like Keel's
// demo strategy: ES and MES futures options (European PM weeklies and end-of-month, a few
// American AM quarterlies), ES/MES futures, options on 14 stocks and ETFs (American, as
// OCC lists them) and the ETFs themselves, SQQQ, SH and VXX included. Options are quoted
// with a vol; strikes sit within ±10% of the price, 2 to 60 days out.
func benchBook(tb testing.TB, n int) ([]Position, Market) {
	rng := rand.New(rand.NewPCG(7, 11))
	stocks := []string{"SPY", "QQQ", "IWM", "DIA", "VXX", "SQQQ", "SH", "TQQQ", "AAPL", "MSFT", "NVDA", "AMZN", "META", "TSLA"}
	prices := map[string]float64{"SPY": 600, "QQQ": 520, "IWM": 230, "DIA": 440, "VXX": 48, "SQQQ": 22, "SH": 41,
		"TQQQ": 80, "AAPL": 230, "MSFT": 420, "NVDA": 140, "AMZN": 200, "META": 560, "TSLA": 330,
		"ESZ6": 6020, "ESH7": 6080, "MESZ6": 6020, "MESH7": 6080, "NQZ6": 21000, "RTYZ6": 2300}
	futs := []string{"ESZ6", "ESH7", "MESZ6", "MESH7", "NQZ6", "RTYZ6"}
	m := Market{Now: now, Rate: 0.04, DividendYield: map[string]float64{"SPY": 0.012, "QQQ": 0.006, "DIA": 0.016},
		Quotes: make(map[string]Quote, n), Underlyings: prices}
	ps := make([]Position, 0, n)
	layers := []string{"ES options", "MES futures", "SPY options", "VXX", "Hedges", ""}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("p%d", i)
		var in instrument.Instrument
		var err error
		qty := float64(1 + rng.IntN(10))
		if rng.IntN(2) == 0 {
			qty = -qty
		}
		switch k := rng.IntN(20); {
		case k < 9: // futures options: 2–60 days, PM (European) mostly
			f := futs[rng.IntN(4)] // ES and MES
			code, _ := instrument.ParseFuturesCode(f, now)
			exp := now.AddDate(0, 0, 2+rng.IntN(58))
			for !instrument.IsTradingDay(exp) {
				exp = exp.AddDate(0, 0, 1)
			}
			y, mo, d := exp.Date()
			s := prices[f]
			strike := float64(int(s*(0.9+0.2*rng.Float64())/5) * 5)
			in, err = instrument.NewFuturesOption(code, pricing.Right(rng.IntN(2)), strike, y, mo, d, rng.IntN(8) == 0)
			if err != nil { // an AM option only exists on the quarterly expiry: take PM
				in, err = instrument.NewFuturesOption(code, pricing.Right(rng.IntN(2)), strike, y, mo, d, false)
			}
			m.Quotes[id] = Quote{Vol: 0.12 + 0.15*rng.Float64()}
		case k < 16: // stock and ETF options: American
			u := stocks[rng.IntN(len(stocks))]
			exp := now.AddDate(0, 0, 2+rng.IntN(58))
			for exp.Weekday() != time.Friday {
				exp = exp.AddDate(0, 0, 1)
			}
			s := prices[u]
			strike := float64(int(s*(0.9+0.2*rng.Float64())*2)) / 2
			in = instrument.NewOption(instrument.OCCOption{Root: u, Year: exp.Year(), Month: exp.Month(), Day: exp.Day(),
				Right: pricing.Right(rng.IntN(2)), Strike: strike})
			m.Quotes[id] = Quote{Vol: 0.15 + 0.5*rng.Float64()}
		case k < 18:
			in, err = instrument.Parse(futs[rng.IntN(len(futs))], now)
		default:
			in = instrument.NewStock(stocks[rng.IntN(len(stocks))])
			qty *= 100
		}
		if err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, Position{ID: id, Instrument: in, Quantity: qty, Layer: layers[rng.IntN(len(layers))]})
	}
	return ps, m
}

// benchEuropean is benchBook with every option European: the cost of the aggregation and
// the closed-form pricing alone.
func benchEuropean(tb testing.TB, n int) ([]Position, Market) {
	ps, m := benchBook(tb, n)
	for i := range ps {
		ps[i].Instrument.Style = pricing.European
	}
	return ps, m
}

func countAmerican(ps []Position) (opts, american int) {
	for _, p := range ps {
		if p.Instrument.IsOption() {
			opts++
			if p.Instrument.Style == pricing.American {
				american++
			}
		}
	}
	return
}

var sinkBook Book

// cpuMeter reports the CPU time of the process per operation as cpu-ns/op, beside the
// wall-clock ns/op: on a machine shared with other jobs the wall clock counts their time
// too, the CPU time only this one's (all its goroutines and the garbage collector).
type cpuMeter struct {
	start time.Duration
	ok    bool
}

// startCPU is called after b.ResetTimer.
func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{d, ok}
}

func (c cpuMeter) report(b *testing.B) {
	if d, ok := processCPU(); ok && c.ok && b.N > 0 {
		b.ReportMetric(float64(d-c.start)/float64(b.N), "cpu-ns/op")
	}
}

func benchRevalue(b *testing.B, ps []Position, m Market, workers int) {
	cfg := Config{Workers: workers}
	opts, am := countAmerican(ps)
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		book, err := Revalue(ps, m, cfg)
		if err != nil {
			b.Fatal(err)
		}
		sinkBook = book
	}
	cpu.report(b)
	b.ReportMetric(float64(opts), "options")
	b.ReportMetric(float64(am), "american")
}

// benchRevalueInto is benchRevalue into one Book, as a caller that keeps it does.
func benchRevalueInto(b *testing.B, ps []Position, m Market, workers int) {
	cfg := Config{Workers: workers}
	opts, am := countAmerican(ps)
	var book Book
	if err := RevalueInto(&book, ps, m, cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if err := RevalueInto(&book, ps, m, cfg); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.ReportMetric(float64(opts), "options")
	b.ReportMetric(float64(am), "american")
}

// BenchmarkRevalue1000 revalues the realistic mix: 1,000 positions, 790 of them options
// (402 American: stock and ETF options, and AM quarterly ES options), the rest futures and
// stocks, over 20 underlyings.
func BenchmarkRevalue1000(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchRevalue(b, ps, m, 1)
}

// BenchmarkRevalue1000Workers2 is the same on two goroutines.
func BenchmarkRevalue1000Workers2(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchRevalue(b, ps, m, 2)
}

// BenchmarkRevalue1000European is the same book with every option European.
func BenchmarkRevalue1000European(b *testing.B) {
	ps, m := benchEuropean(b, 1000)
	benchRevalue(b, ps, m, 1)
}

// BenchmarkRevalueInto1000 is BenchmarkRevalue1000 into a Book kept between calls, the
// American options priced on two goroutines: the cost of a cold revaluation (nothing
// cached), which the American options' own pricing sets.
func BenchmarkRevalueInto1000(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchRevalueInto(b, ps, m, 2)
}

// BenchmarkRevalueInto1000European is BenchmarkRevalue1000European into a Book kept between
// calls.
func BenchmarkRevalueInto1000European(b *testing.B) {
	ps, m := benchEuropean(b, 1000)
	benchRevalueInto(b, ps, m, 1)
}

func benchProfile(b *testing.B, ps []Position, m Market, workers int, unchanged bool) {
	// Two books a tick apart (every spot and the time left moved), profiled in turn: each
	// profile meets inputs the one before it did not have, as on the desk, so nothing is
	// remembered — unless unchanged inputs are what is measured (the first book only).
	var books [2]Book
	for k, mk := range []Market{m, moved(m, 0.0001, 100*time.Millisecond)} {
		var err error
		if books[k], err = Revalue(ps, mk, Config{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	if unchanged {
		books[1] = books[0]
	}
	spec := ProfileSpec{Moves: Moves(0.2, 101), Horizons: []Horizon{{}, {Days: 7}, {AtExpiry: true}},
		Benchmark: true, Workers: workers}
	var pf Profiler
	for _, book := range books { // the memory grown, as it is after the first profiles
		if _, err := pf.Profile(book, nil, spec); err != nil {
			b.Fatal(err)
		}
	}
	h0, m0 := pf.Stats()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if _, err := pf.Profile(books[i%2], nil, spec); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.StopTimer()
	// The share of American prices remembered (today's value of each leg is also its T+0
	// price at today's spot, so a little even on a moved book).
	if h, mi := pf.Stats(); h+mi > h0+m0 {
		b.ReportMetric(float64(h-h0)/float64(h+mi-h0-m0), "remembered")
	}
}

// BenchmarkProfile: 1,000 positions × 101 benchmark moves × 3 dates, on two goroutines.
func BenchmarkProfile(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchProfile(b, ps, m, 2, false)
}

// BenchmarkProfileUnchanged is BenchmarkProfile drawn again and again on the same book,
// as when the trader changes what the chart overlays or the market is paused: the
// American prices are remembered (see Profiler).
func BenchmarkProfileUnchanged(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchProfile(b, ps, m, 2, true)
}

// BenchmarkProfileOneWorker is the same on one goroutine.
func BenchmarkProfileOneWorker(b *testing.B) {
	ps, m := benchBook(b, 1000)
	benchProfile(b, ps, m, 1, false)
}

// BenchmarkProfileEuropean is BenchmarkProfile with every option European.
func BenchmarkProfileEuropean(b *testing.B) {
	ps, m := benchEuropean(b, 1000)
	benchProfile(b, ps, m, 2, false)
}

// BenchmarkRevalue1000Ticking is the desk's loop: a Revaluer revalues the realistic book
// while the clock moves 100 ms per call and every underlying takes a normal random step
// of 25% annual volatility over that time (in trading time: 0.25 · √(0.1 s / (252 · 6.5 h))
// = 0.0055% a tick), cycling through a minute of such markets. American options are
// extrapolated while within the Revaluer's band and age and revalued exactly when they
// leave it, so this is the amortised cost.
func BenchmarkRevalue1000Ticking(b *testing.B) { benchTicking(b, false) }

// BenchmarkRevalueInto1000Ticking is BenchmarkRevalue1000Ticking into a Book kept between
// calls: the desk's loop as it can run, the figure the 3 ms target of issue 19 is for.
func BenchmarkRevalueInto1000Ticking(b *testing.B) { benchTicking(b, true) }

func benchTicking(b *testing.B, into bool) {
	ps, m := benchBook(b, 1000)
	rng := rand.New(rand.NewPCG(3, 5))
	markets := make([]Market, 600)
	prev := m
	for i := range markets {
		mk := prev
		mk.Now = prev.Now.Add(100 * time.Millisecond)
		mk.Underlyings = make(map[string]float64, len(prev.Underlyings))
		for k, v := range prev.Underlyings {
			mk.Underlyings[k] = v * (1 + tickStep*rng.NormFloat64())
		}
		markets[i], prev = mk, mk
	}
	var r Revaluer
	cfg := Config{Workers: 2}
	var book Book
	if err := r.RevalueInto(&book, ps, markets[0], cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		var err error
		if into {
			err = r.RevalueInto(&book, ps, markets[i%len(markets)], cfg)
		} else {
			sinkBook, err = r.Revalue(ps, markets[i%len(markets)], cfg)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu.report(b)
	hits, misses := r.Stats()
	b.ReportMetric(float64(hits)/float64(hits+misses), "hit-ratio")
}

// tickStep is the standard deviation of an underlying's relative move in 100 ms at 25%
// annual volatility, in trading time: 0.25 · √(0.1 s / (252 · 6.5 h)) = 0.0055%.
var tickStep = 0.25 * math.Sqrt(0.1/(252*6.5*3600))

// BenchmarkRevalue1000TickingImplied is the desk's loop as the desk quotes: options by
// price (mid) without a vol, underlyings to the cent. Each call the clock moves 100 ms and
// every underlying a step as in BenchmarkRevalue1000Ticking (a walk that goes on, not a
// cycle); each option's quote follows its underlying as its model value would (to second
// order from the start, to the cent, at least 0.01). A vol is reused while an option's
// quotes are unchanged; otherwise an American option's vol is moved by a Newton step from
// its last solve while within the Revaluer's band and age, and a European one solved (see
// Revaluer). vol-reuse is the share of implied-vol valuations that did not solve.
func BenchmarkRevalue1000TickingImplied(b *testing.B) { benchTickingImplied(b, false) }

// BenchmarkRevalueInto1000TickingImplied is BenchmarkRevalue1000TickingImplied into a Book
// kept between calls.
func BenchmarkRevalueInto1000TickingImplied(b *testing.B) { benchTickingImplied(b, true) }

func benchTickingImplied(b *testing.B, into bool) {
	ps, m := benchBook(b, 1000)
	start, err := Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	walk := maps.Clone(m.Underlyings)
	mk := m
	mk.Underlyings = maps.Clone(m.Underlyings)
	mk.Quotes = make(map[string]Quote, len(m.Quotes))
	step := func() {
		mk.Now = mk.Now.Add(100 * time.Millisecond)
		for k, v := range walk {
			walk[k] = v * (1 + tickStep*rng.NormFloat64())
			mk.Underlyings[k] = math.Round(walk[k]*100) / 100
		}
		dt := instrument.YearFraction(m.Now, mk.Now)
		for _, p := range start.Positions {
			q := m.Quotes[p.ID]
			if p.Instrument.IsOption() {
				g := p.Greeks
				dS := mk.Underlyings[p.Underlying] - p.UnderlyingPrice
				q = Quote{Price: math.Max(0.01, math.Round((g.Price+g.Delta*dS+0.5*g.Gamma*dS*dS+g.Theta*dt)*100)/100)}
			}
			mk.Quotes[p.ID] = q
		}
	}
	var r Revaluer
	cfg := Config{Workers: 2}
	step()
	var book Book
	if err := r.RevalueInto(&book, ps, mk, cfg); err != nil {
		b.Fatal(err)
	}
	reused, solved := r.volReused+r.volStepped+r.volNewton, r.volSolved
	var cpu time.Duration // the revaluations' CPU time, the market's steps left out
	cpuKnown := true
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		step()
		b.StartTimer()
		c0, ok0 := processCPU()
		var err error
		if into {
			err = r.RevalueInto(&book, ps, mk, cfg)
		} else {
			sinkBook, err = r.Revalue(ps, mk, cfg)
		}
		if err != nil {
			b.Fatal(err)
		}
		c1, ok1 := processCPU()
		cpu += c1 - c0
		cpuKnown = cpuKnown && ok0 && ok1
	}
	b.StopTimer()
	if cpuKnown {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	if n := r.volReused + r.volStepped + r.volNewton - reused + r.volSolved - solved; n > 0 {
		b.ReportMetric(float64(r.volReused+r.volStepped+r.volNewton-reused)/float64(n), "vol-reuse")
	}
}
