package pricing

import (
	"math"
	"slices"
	"testing"
	"time"
)

// The baselines issue 19 measures the pricer against, written the plain way a Go
// programmer would: the standard library's math.Exp, math.Log and math.Erfc, one fused
// function for the price and all nine Greeks (d1, d2, the discount factors and the
// density computed once), and a safeguarded Newton's method for the implied volatility.
// They are checked against the package (TestBaselinesAgree) so that a benchmark ratio
// compares two implementations of the same figures.

// baselineGreeks is the generalized Black–Scholes–Merton price and Greeks (Haug 2nd ed.,
// ch. 1–2), in the package's units, the futures rho of Black-76 when onFutures.
func baselineGreeks(right Right, s, k, t, r, b, v float64, onFutures bool) Greeks {
	sqrtT := math.Sqrt(t)
	vst := v * sqrtT
	d1 := (math.Log(s/k) + (b+0.5*v*v)*t) / vst
	d2 := d1 - vst
	df := math.Exp(-r * t)
	carryDF := math.Exp((b - r) * t)
	pdf := math.Exp(-0.5*d1*d1) / math.Sqrt(2*math.Pi)
	var g Greeks
	g.Vega = s * carryDF * pdf * sqrtT
	g.Gamma = carryDF * pdf / (s * vst)
	g.Vanna = -carryDF * pdf * d2 / v
	g.Volga = g.Vega * d1 * d2 / v
	decay := -s * carryDF * pdf * v / (2 * sqrtT)
	dd1dT := b/vst - d2/(2*t)
	if right == Call {
		n1, n2 := 0.5*math.Erfc(-d1/math.Sqrt2), 0.5*math.Erfc(-d2/math.Sqrt2)
		g.Price = s*carryDF*n1 - k*df*n2
		g.Delta = carryDF * n1
		g.Theta = decay - (b-r)*s*carryDF*n1 - r*k*df*n2
		g.Rho = t * k * df * n2
		g.Charm = -(b-r)*carryDF*n1 - carryDF*pdf*dd1dT
	} else {
		n1, n2 := 0.5*math.Erfc(d1/math.Sqrt2), 0.5*math.Erfc(d2/math.Sqrt2)
		g.Price = k*df*n2 - s*carryDF*n1
		g.Delta = -carryDF * n1
		g.Theta = decay + (b-r)*s*carryDF*n1 + r*k*df*n2
		g.Rho = -t * k * df * n2
		g.Charm = (b-r)*carryDF*n1 - carryDF*pdf*dd1dT
	}
	if onFutures {
		g.Rho = -t * g.Price
	}
	return g
}

// baselinePrice is baselineGreeks' price alone.
func baselinePrice(right Right, s, k, t, r, b, v float64) float64 {
	vst := v * math.Sqrt(t)
	d1 := (math.Log(s/k) + (b+0.5*v*v)*t) / vst
	d2 := d1 - vst
	if right == Call {
		return s*math.Exp((b-r)*t)*0.5*math.Erfc(-d1/math.Sqrt2) - k*math.Exp(-r*t)*0.5*math.Erfc(-d2/math.Sqrt2)
	}
	return k*math.Exp(-r*t)*0.5*math.Erfc(d2/math.Sqrt2) - s*math.Exp((b-r)*t)*0.5*math.Erfc(d1/math.Sqrt2)
}

// baselineImpliedVol is a safeguarded Newton's method on the price: started at Corrado
// and Miller's closed-form approximation (Brenner and Subrahmanyam's √(2π/T)·(time
// value)/F where it has no real root), vega analytic, each step kept inside a bracket
// [lo, hi] (hi starting at 1000%) that the iterates shrink, bisecting when Newton leaves
// it, stopping when the step is below 1e-12 of the volatility (Newton's error is then of
// the order of that step squared) or the price is matched exactly. ok is false when it
// does not converge in 100 steps.
func baselineImpliedVol(o Option, price float64) (vol float64, ok bool) {
	b := o.carry()
	s, k, t, r := o.Spot, o.Strike, o.Years, o.Rate
	fwd := s * math.Exp(b*t)
	df := math.Exp(-r * t)
	sd, kd := fwd*df, k*df // discounted forward and strike
	call := price          // the call's price, by put–call parity
	if o.Right == Put {
		call = price + sd - kd
	}
	a := call - 0.5*(sd-kd)
	v := math.Sqrt(2*math.Pi/t) / (sd + kd) * (a + math.Sqrt(math.Max(a*a-(sd-kd)*(sd-kd)/math.Pi, 0)))
	if !(v > 0.01) {
		v = math.Max(math.Sqrt(2*math.Pi/t)*(call-math.Max(sd-kd, 0))/sd, 0.01)
	}
	lo, hi := 0.0, 10.0
	v = math.Min(v, 0.5*hi)
	sqrtT := math.Sqrt(t)
	for range 100 {
		vst := v * sqrtT
		d1 := (math.Log(fwd/k) + 0.5*v*v*t) / vst
		p := baselinePrice(o.Right, s, k, t, r, b, v)
		diff := p - price
		if diff == 0 {
			return v, true
		}
		if diff < 0 {
			lo = v
		} else {
			hi = v
		}
		vega := df * fwd * math.Exp(-0.5*d1*d1) / math.Sqrt(2*math.Pi) * sqrtT
		next := v - diff/vega
		if !(next > lo && next < hi) {
			next = 0.5 * (lo + hi)
		}
		if math.Abs(next-v) <= 1e-12*v {
			return next, true
		}
		v = next
	}
	return v, false
}

// TestBaselinesAgree: the baselines give the package's figures (to 1e-12 of the price
// scale for the Greeks, 1e-10 relative for the implied vol), so that the benchmark ratios
// compare like with like.
func TestBaselinesAgree(t *testing.T) {
	opts := benchOptions(1000, European)
	for i, o := range opts {
		g, err := Value(o)
		if err != nil {
			t.Fatal(err)
		}
		want := baselineGreeks(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
		got := [...]float64{g.Price, g.Delta, g.Gamma, g.Vega, g.Theta, g.Rho, g.Vanna, g.Volga, g.Charm}
		ref := [...]float64{want.Price, want.Delta, want.Gamma, want.Vega, want.Theta, want.Rho, want.Vanna, want.Volga, want.Charm}
		for j := range got {
			if d := math.Abs(got[j] - ref[j]); d > 1e-10*math.Max(1, math.Abs(ref[j])) {
				t.Fatalf("option %d %+v figure %d: package %.17g, baseline %.17g", i, o, j, got[j], ref[j])
			}
		}
	}
	opts, prices := baselineIVCases(t)
	if len(opts) < 900 {
		t.Errorf("the baseline solves %d of the 1000 implied-vol benchmark cases to 1e-10", len(opts))
	}
	for i, o := range opts {
		if v, err := ImpliedVol(o, prices[i]); err != nil || math.Abs(v/o.Vol-1) > 1e-9 {
			t.Errorf("option %d %+v: vol %.17g (%v), want %g", i, o, v, err, o.Vol)
		}
	}
}

// baselineIVCases are the cases of ivBenchCases whose volatility baselineImpliedVol
// finds to 1e-10 relative (it fails where the price is tiny against the strike: far out
// of the money and short-dated, where vega is so small that Newton's steps stall).
func baselineIVCases(tb testing.TB) ([]Option, []float64) {
	opts, prices := ivBenchCases(tb, European)
	var o2 []Option
	var p2 []float64
	for i, o := range opts {
		if v, ok := baselineImpliedVol(o, prices[i]); ok && math.Abs(v/o.Vol-1) <= 1e-10 {
			o2 = append(o2, o)
			p2 = append(p2, prices[i])
		}
	}
	return o2, p2
}

// BenchmarkPriceGreeksBaseline is BenchmarkPriceGreeks with baselineGreeks.
func BenchmarkPriceGreeksBaseline(b *testing.B) {
	opts := benchOptions(1000, European)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		o := &opts[i%len(opts)]
		if err := validate(*o); err != nil {
			b.Fatal(err)
		}
		sinkGreeks = baselineGreeks(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
	}
}

// BenchmarkImpliedVolBaseline is baselineImpliedVol on baselineIVCases.
func BenchmarkImpliedVolBaseline(b *testing.B) {
	opts, prices := baselineIVCases(b)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		j := i % len(opts)
		v, ok := baselineImpliedVol(opts[j], prices[j])
		if !ok {
			b.Fatal("baseline did not converge")
		}
		sinkGreeks.Vega = v
	}
}

// BenchmarkImpliedVolBaselineCases is ImpliedVol on the same cases as
// BenchmarkImpliedVolBaseline: the ratio of the two is issue 19's figure.
func BenchmarkImpliedVolBaselineCases(b *testing.B) {
	opts, prices := baselineIVCases(b)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		j := i % len(opts)
		v, err := ImpliedVol(opts[j], prices[j])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Vega = v
	}
}

// benchRatio runs pkg and base alternately, in runs of 256 calls each, and reports the
// median over the pairs of runs of pkg's time over base's ("ratio"): each pair meets the
// same load, which on a machine shared with other jobs moves each figure alone by tens of
// per cent within seconds. ns/op is the time of one call of each.
func benchRatio(b *testing.B, pkg, base func(i int)) {
	const run = 256
	var ratios []float64
	b.ResetTimer()
	for done := 0; done < b.N; done += run {
		n := min(run, b.N-done)
		t0 := time.Now()
		for i := done; i < done+n; i++ {
			pkg(i)
		}
		t1 := time.Now()
		for i := done; i < done+n; i++ {
			base(i)
		}
		t2 := time.Now()
		if n == run {
			ratios = append(ratios, float64(t1.Sub(t0))/float64(t2.Sub(t1)))
		}
	}
	b.StopTimer()
	if len(ratios) > 0 {
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "ratio")
	}
}

// BenchmarkPriceGreeksRatio is Value against baselineGreeks on BenchmarkPriceGreeks'
// options, side by side (issue 19: ≤ 0.8).
func BenchmarkPriceGreeksRatio(b *testing.B) {
	opts := benchOptions(1000, European)
	benchRatio(b, func(i int) {
		g, err := Value(opts[i%len(opts)])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks = g
	}, func(i int) {
		o := &opts[i%len(opts)]
		if err := validate(*o); err != nil {
			b.Fatal(err)
		}
		sinkGreeks = baselineGreeks(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
	})
}

// BenchmarkImpliedVolRatio is ImpliedVol against baselineImpliedVol on baselineIVCases,
// side by side (issue 19: ≤ 0.4).
func BenchmarkImpliedVolRatio(b *testing.B) {
	opts, prices := baselineIVCases(b)
	benchRatio(b, func(i int) {
		j := i % len(opts)
		v, err := ImpliedVol(opts[j], prices[j])
		if err != nil {
			b.Fatal(err)
		}
		sinkGreeks.Vega = v
	}, func(i int) {
		j := i % len(opts)
		v, ok := baselineImpliedVol(opts[j], prices[j])
		if !ok {
			b.Fatal("baseline did not converge")
		}
		sinkGreeks.Vega = v
	})
}
