package pricing

import (
	"math/rand/v2"
	"testing"
)

// cpuMeter measures the CPU time per op of a benchmark ("cpu-ns/op"), which, unlike the
// wall time, other jobs on a loaded machine barely inflate.
type cpuMeter struct {
	start float64
	ok    bool
}

// startCPU is called after b.ResetTimer.
func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{float64(d), ok}
}

func (c cpuMeter) report(b *testing.B) {
	if d, ok := processCPU(); ok && c.ok && b.N > 0 {
		b.ReportMetric((float64(d)-c.start)/float64(b.N), "cpu-ns/op")
	}
}

// benchOptions is a varied, reproducible population of n options: calls and puts on spot
// and futures, spot/strike 0.6–1.4, a day to three years, vol 5–100%, r 0–8%, q 0–6%.
func benchOptions(n int, style Style) []Option {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]Option, n)
	for i := range out {
		r := 0.08 * rng.Float64()
		o := Option{
			Style:  style,
			Right:  Right(rng.IntN(2)),
			Spot:   100 * (0.6 + 0.8*rng.Float64()),
			Strike: 100,
			Years:  1.0/365 + 3*rng.Float64(),
			Rate:   r,
			Carry:  r - 0.06*rng.Float64(),
			Vol:    0.05 + 0.95*rng.Float64(),
		}
		if i%4 == 0 {
			o.Underlying = Futures
		}
		out[i] = o
	}
	return out
}

var sinkGreeks Greeks

// benchValue values one option of style per op (price and all Greeks), cycling through
// 1,000 prebuilt options.
func benchValue(b *testing.B, style Style) {
	opts := benchOptions(1000, style)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		g, err := Value(opts[i%len(opts)])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks = g
	}
}

// benchPrice prices one option of style per op, without Greeks.
func benchPrice(b *testing.B, style Style) {
	opts := benchOptions(1000, style)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		p, err := Price(opts[i%len(opts)])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Price = p
	}
}

// BenchmarkPriceGreeks values one European option per op (price and all Greeks).
func BenchmarkPriceGreeks(b *testing.B) { benchValue(b, European) }

// BenchmarkPrice prices one European option per op, without Greeks.
func BenchmarkPrice(b *testing.B) { benchPrice(b, European) }

// BenchmarkRevalue1000 values a book of 1,000 European options (price and all Greeks) per op.
func BenchmarkRevalue1000(b *testing.B) {
	opts := benchOptions(1000, European)
	out := make([]Greeks, len(opts))
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		for j, o := range opts {
			g, err := Value(o)
			if err != nil {
				b.Fatal(err)
			}
			out[j] = g
		}
	}
	sinkGreeks = out[len(out)-1]
}

// BenchmarkAmerican values one American option per op (price and all Greeks).
func BenchmarkAmerican(b *testing.B) { benchValue(b, American) }

// BenchmarkAmericanPrice prices one American option per op, without Greeks.
func BenchmarkAmericanPrice(b *testing.B) { benchPrice(b, American) }

// BenchmarkAmericanPriceWide prices one option of lrGrid per op (T to five years, r to 10%,
// σ 5–150%; see TestAmericanAgainstLR), where a share of the options falls in the costlier
// fine setting.
func BenchmarkAmericanPriceWide(b *testing.B) {
	opts := lrGrid()
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		p, err := Price(opts[i%len(opts)])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Price = p
	}
}

// BenchmarkAmericanPriceFine prices the hardest kind of option: at the money, five years,
// σ = 5%, r = 5%, which the fine setting alone serves.
func BenchmarkAmericanPriceFine(b *testing.B) {
	o := Option{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 5, Rate: 0.05, Carry: 0.05, Vol: 0.05}
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		p, err := Price(o)
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Price = p
	}
}

// BenchmarkAmericanPriceDesk prices one option per op from a population like the desk's
// book (engine/portfolio's benchmark book): stock and ETF options with 2–60 days to expiry,
// volatility 15–65%, r = 4%, dividend yield 0–1.6%, spot/strike 0.9–1.1; these all take
// the standard setting.
func BenchmarkAmericanPriceDesk(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 11))
	opts := make([]Option, 1000)
	for i := range opts {
		opts[i] = Option{Style: American, Right: Right(rng.IntN(2)), Spot: 100, Strike: 100 * (0.9 + 0.2*rng.Float64()),
			Years: (2 + 58*rng.Float64()) / 365, Rate: 0.04, Carry: 0.04 - 0.016*rng.Float64(), Vol: 0.15 + 0.5*rng.Float64()}
	}
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		p, err := Price(opts[i%len(opts)])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Price = p
	}
}

// BenchmarkAmericanRealistic values the American options of the realistic mix
// (realisticAmerican) with all their Greeks, as a cold revaluation of the portfolio does:
// the control variate for nearly all of them.
func BenchmarkAmericanRealistic(b *testing.B) { benchRealistic(b, americanGreeks) }

// BenchmarkAmericanRealisticFull is BenchmarkAmericanRealistic by the full method
// (differences of the full price), which Value used for all of them before.
func BenchmarkAmericanRealisticFull(b *testing.B) { benchRealistic(b, americanGreeksFull) }

func benchRealistic(b *testing.B, greeks func(Option) Greeks) {
	opts := realisticAmerican(1000)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		sinkGreeks = greeks(opts[i%len(opts)])
	}
}
