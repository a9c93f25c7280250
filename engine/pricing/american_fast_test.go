package pricing

import (
	"math"
	"math/rand/v2"
	"testing"
)

// realisticAmerican is a reproducible population of n American options that need their
// exercise boundary, shaped like the realistic book of engine/portfolio's benchmarks: stock
// and ETF options (spot 22–600, dividend yields 0–1.6%, vol 15–65%) and AM quarterly ES
// futures options (vol 12–27%), strikes within ±10% of the price, 2 to 60 days, r = 4%.
func realisticAmerican(n int) []Option {
	rng := rand.New(rand.NewPCG(3, 4))
	spots := []float64{600, 520, 230, 440, 48, 22, 41, 80, 230, 420, 140, 200, 560, 330}
	yields := []float64{0.012, 0.006, 0, 0.016} // SPY, QQQ, IWM, DIA; none for the rest
	var out []Option
	for len(out) < n {
		o := Option{Style: American, Right: Right(rng.IntN(2)), Rate: 0.04, Years: float64(2+rng.IntN(58)) / 365}
		if rng.IntN(5) == 0 {
			o.Underlying, o.Spot = Futures, 6020
			o.Strike = float64(int(o.Spot*(0.9+0.2*rng.Float64())/5) * 5)
			o.Vol = 0.12 + 0.15*rng.Float64()
		} else {
			i := rng.IntN(len(spots))
			o.Spot, o.Carry = spots[i], o.Rate
			if i < len(yields) {
				o.Carry -= yields[i]
			}
			o.Strike = float64(int(o.Spot*(0.9+0.2*rng.Float64())*2)) / 2
			o.Vol = 0.15 + 0.5*rng.Float64()
		}
		if !isEuropean(o.Right, o.Rate, o.carry()) {
			out = append(out, o)
		}
	}
	return out
}

// wideAmerican is a broader population where the control variate applies: a day to
// fastGreeksYears, spot/strike 0.7–1.3, vol 10–100%, r 0.5–8%, q 0–6%, calls and puts on spot and
// futures; options in aloFine's band (americanGreeksFast declines them) are left out.
func wideAmerican(n int) []Option {
	rng := rand.New(rand.NewPCG(5, 6))
	var out []Option
	for len(out) < n {
		r := 0.005 + 0.075*rng.Float64()
		o := Option{Style: American, Right: Right(rng.IntN(2)), Spot: 100 * (0.7 + 0.6*rng.Float64()), Strike: 100,
			Years: 1.0/365 + (fastGreeksYears-1.0/365)*rng.Float64(), Rate: r, Carry: r - 0.06*rng.Float64(), Vol: 0.1 + 0.9*rng.Float64()}
		if rng.IntN(4) == 0 {
			o.Underlying = Futures
		}
		if _, ok := americanGreeksFast(o, new(chebBoundary)); ok && !isEuropean(o.Right, o.Rate, o.carry()) {
			out = append(out, o)
		}
	}
	return out
}

// convergedLevel solves the boundary far past the point where more work changes it, with
// plain sweeps (no Anderson step, whose safeguard can switch between neighbouring inputs
// and so put small jumps into the price), so that differences of its price are the
// Greeks of the model itself, against which both ways of taking them are measured.
var convergedLevel = newALOLevel(12, 40, 16, 32, 1, false)

// convergedGreeks are differenceGreeks of the converged price, each boundary solved once.
func convergedGreeks(o Option) Greeks {
	type key [4]float64
	cache := map[key]*chebBoundary{}
	price := func(right Right, s, k, t, r, b, v float64) float64 {
		q := r - b
		if right == Call {
			s, k, r, q = k, s, q, r
		}
		c, ok := cache[key{t, r, q, v}]
		if !ok {
			c = new(chebBoundary)
			aloBoundary(c, convergedLevel, nil, t, r, q, v)
			cache[key{t, r, q, v}] = c
		}
		return americanPutOn(c, s, k, t, r, q, v)
	}
	return differenceGreeks(o, price)
}

// greekScales are the units the Greeks' errors are measured in, for option o: a tick
// (0.01) for the price, 1 for delta, and for each other Greek the size it has at the
// money (vega, theta, gamma), or the size of its natural scale where that is near zero at
// the money: K·T for rho, vega/(S·σ·√T) for vanna, vega/σ for volga, 1/T for charm (a
// delta of one over the option's life).
func greekScales(o Option) [9]float64 {
	atm := europeanGreeks(o.Right, o.Spot, o.Spot, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
	s, v, t := o.Spot, o.Vol, o.Years
	return [9]float64{0.01, 1, atm.Gamma, atm.Vega, math.Abs(atm.Theta), o.Strike * t,
		atm.Vega / (s * v * math.Sqrt(t)), atm.Vega / v, 1 / t}
}

var greekNames = [9]string{"price", "delta", "gamma", "vega", "theta", "rho", "vanna", "volga", "charm"}

func greekArray(g Greeks) [9]float64 {
	return [9]float64{g.Price, g.Delta, g.Gamma, g.Vega, g.Theta, g.Rho, g.Vanna, g.Volga, g.Charm}
}

// greekErrors are the worst and the mean error of got against want over opts, per Greek,
// in greekScales, and where the worst is.
type greekErrors struct {
	worst, mean [9]float64
	at          [9]Option
}

func (e *greekErrors) add(o Option, got, want Greeks) {
	sc, g, w := greekScales(o), greekArray(got), greekArray(want)
	for i := range g {
		d := math.Abs(g[i]-w[i]) / sc[i]
		if !(d <= e.worst[i]) { // NaN too
			e.worst[i], e.at[i] = d, o
		}
		e.mean[i] += d
	}
}

// TestAmericanFastGreeks pins the accuracy of the control variate (americanGreeksFast, what
// Value gives for these options) on the realistic mix and a wider population, against the
// full method (americanGreeksFull: differences of the full price, seven exercise boundaries)
// and against the converged model (convergedGreeks). The price is the full method's, bit
// for bit. Delta and gamma are the exact spot derivatives of the same price, so they match
// the full method's central differences to their truncation error. The other Greeks take
// the premium's sensitivities on the coarse setting: they are held within stated
// tolerances of the converged model's — tighter than the full method meets, whose
// boundary solver's Anderson safeguard can switch between the bumps of one difference
// (measured here and logged) — and within looser ones of the full method.
func TestAmericanFastGreeks(t *testing.T) {
	n := 300
	if raceEnabled {
		n = 100
	}
	// Per Greek (price … charm), in greekScales: the worst error allowed against the
	// converged model, its mean over the population, and the worst against the full
	// method. Measured on 300 options each, realistic / wide, worst against the converged
	// model: delta and gamma those of the full method (4.1e-5 / 3.3e-5, 1.4e-4 / 7.2e-5),
	// vega 5.2e-5 / 5.6e-5, theta 1.4e-4 / 7.0e-5, rho 4.0e-4 / 6.7e-3, vanna 1.6e-4 /
	// 1.5e-4, volga 5.2e-3 / 3.5e-3, charm 2.7e-5 / 2.1e-5; the full method's own: vega
	// 1.6e-4 / 3.0e-4, theta 1.4e-3 / 2.6e-4, rho 2.4e-2 / 5.9e-3, vanna 2.5e-4 / 4.5e-4,
	// volga 3.6e-4 / 1.7e-3, charm 4.1e-4 / 6.5e-5. The price's error is the standard
	// setting's, the same for both (1.4 ticks at worst on the realistic mix, a $600
	// strike). 6 of the 300 realistic options sit within half a standard deviation of the
	// exercise boundary and are declined.
	type limits struct{ converged, mean, full [9]float64 }
	cases := []struct {
		name string
		opts []Option
		lim  limits
	}{
		{"realistic", realisticAmerican(n), limits{
			converged: [9]float64{2, 1e-4, 3e-4, 1.2e-4, 3e-4, 1e-3, 4e-4, 1e-2, 6e-5},
			mean:      [9]float64{0.06, 5e-6, 1.5e-5, 2e-5, 2.5e-5, 2e-4, 3.5e-5, 8e-4, 5e-6},
			full:      [9]float64{0, 2e-6, 3e-6, 3e-4, 3e-3, 5e-2, 5e-4, 1e-2, 8e-4},
		}},
		{"wide", wideAmerican(n), limits{
			converged: [9]float64{0.15, 1e-4, 2e-4, 1.2e-4, 1.5e-4, 1.2e-2, 3e-4, 7e-3, 5e-5},
			mean:      [9]float64{0.006, 4e-6, 1.2e-5, 1e-5, 1.2e-5, 4e-4, 2e-5, 5e-4, 3e-6},
			full:      [9]float64{0, 2e-6, 3e-6, 6e-4, 6e-4, 1.2e-2, 9e-4, 8e-3, 1.5e-4},
		}},
	}
	for _, c := range cases {
		var vsConverged, vsFull, fullVsConverged greekErrors
		declined := 0
		for _, o := range c.opts {
			fast, ok := americanGreeksFast(o, new(chebBoundary))
			if !ok {
				if g, full := americanGreeks(o), americanGreeksFull(o); g != full {
					t.Errorf("%s: %+v: declined, but americanGreeks gives %+v, not the full method's %+v", c.name, o, g, full)
				}
				declined++
				continue
			}
			if g := americanGreeks(o); g != fast {
				t.Fatalf("%s: %+v: americanGreeks %+v, the control variate %+v", c.name, o, g, fast)
			}
			full, conv := americanGreeksFull(o), convergedGreeks(o)
			if fast.Price != full.Price {
				t.Errorf("%s: %+v: price %.17g, full method %.17g", c.name, o, fast.Price, full.Price)
			}
			vsConverged.add(o, fast, conv)
			vsFull.add(o, fast, full)
			fullVsConverged.add(o, full, conv)
		}
		m := float64(len(c.opts) - declined)
		t.Logf("%s: %d of %d declined (next to the exercise boundary)", c.name, declined, len(c.opts))
		if declined > len(c.opts)/20 {
			t.Errorf("%s: %d of %d declined: the fast path should serve nearly all", c.name, declined, len(c.opts))
		}
		for i, name := range greekNames {
			mean := vsConverged.mean[i] / m
			t.Logf("%s %s: against the converged model worst %.2g, mean %.2g (full method: worst %.2g, mean %.2g); against the full method worst %.2g",
				c.name, name, vsConverged.worst[i], mean, fullVsConverged.worst[i], fullVsConverged.mean[i]/m, vsFull.worst[i])
			if !(vsConverged.worst[i] <= c.lim.converged[i]) {
				t.Errorf("%s %s: %.3g from the converged model's (limit %g) at %+v", c.name, name, vsConverged.worst[i], c.lim.converged[i], vsConverged.at[i])
			}
			if !(mean <= c.lim.mean[i]) {
				t.Errorf("%s %s: %.3g from the converged model's on average (limit %g)", c.name, name, mean, c.lim.mean[i])
			}
			if !(vsFull.worst[i] <= c.lim.full[i]) {
				t.Errorf("%s %s: %.3g from the full method's (limit %g) at %+v", c.name, name, vsFull.worst[i], c.lim.full[i], vsFull.at[i])
			}
		}
	}
}

// TestAmericanFastGreeksEdges runs the control variate over the corners of where it
// serves — a day to 0.2 years, vol 5% to 100%, the put's rate from 0.5% to 20%, dividend
// yields to 8%, 20% in and out of the money, on spot and futures — against the full
// method, and checks that it declines just outside them, where it was measured wrong:
// hours to expiry (a five-minute put's vega −630 against 0.13), a vol of 300% (vega 0
// against 2.8), a put rate of 0.1% (rho off by 7% of K·T), a negative dividend yield.
func TestAmericanFastGreeksEdges(t *testing.T) {
	// Worst differences from the full method allowed, in greekScales (measured: delta
	// 1e-5, gamma 1.2e-4, vega 2.9e-4, theta 3.0e-4, rho 3.1e-2, vanna 3.6e-4, volga
	// 7.6e-3, charm 7.4e-5). The rho is a two-day futures put 20% in the money at r =
	// 0.5% and 100% vol, whose premium grows from nothing with the rate: −0.043 against
	// the full method's −0.028 and the converged solver's −0.033, on a scale K·T of 0.5.
	limit := [9]float64{0, 3e-5, 4e-4, 1e-3, 1e-3, 5e-2, 1e-3, 1.5e-2, 3e-4}
	var errs greekErrors
	served := 0
	for _, years := range []float64{1.0 / 365, 0.005, 0.01, 0.05, 0.2} {
		for _, m := range []float64{0.8, 0.95, 1, 1.05, 1.2} {
			for _, vol := range []float64{0.05, 0.2, 1} {
				for _, rq := range [][2]float64{{0.05, 0}, {0.05, 0.03}, {0.01, 0.08}, {0.2, 0}, {0.08, 0.06}, {0.005, 0}} {
					for _, under := range []Underlying{Spot, Futures} {
						for _, right := range []Right{Call, Put} {
							o := Option{Style: American, Underlying: under, Right: right, Spot: 100 * m, Strike: 100,
								Years: years, Rate: rq[0], Carry: rq[0] - rq[1], Vol: vol}
							if isEuropean(o.Right, o.Rate, o.carry()) || (under == Futures && rq[1] != 0) {
								continue
							}
							g, ok := americanGreeksFast(o, new(chebBoundary))
							if !ok {
								continue
							}
							served++
							for i, x := range greekArray(g) {
								if math.IsNaN(x) || math.IsInf(x, 0) {
									t.Errorf("%+v: %s is %g", o, greekNames[i], x)
								}
							}
							errs.add(o, g, americanGreeksFull(o))
						}
					}
				}
			}
		}
	}
	t.Logf("%d options served", served)
	if served < 500 {
		t.Errorf("only %d options served by the control variate", served)
	}
	for i, name := range greekNames {
		t.Logf("%s: worst %.2g against the full method", name, errs.worst[i])
		if !(errs.worst[i] <= limit[i]) {
			t.Errorf("%s: %.3g from the full method's (limit %g) at %+v", name, errs.worst[i], limit[i], errs.at[i])
		}
	}
	outside := []Option{
		{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 1e-5, Rate: 0.05, Carry: 0.05, Vol: 0.3},
		{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 0.05, Rate: 0.05, Carry: 0.05, Vol: 3},
		{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 0.05, Rate: 0.001, Carry: 0.001, Vol: 0.3},
		{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 0.05, Rate: 0.05, Carry: 0.07, Vol: 0.3},
		{Style: American, Right: Put, Spot: 100, Strike: 100, Years: 0.5, Rate: 0.05, Carry: 0.05, Vol: 0.3},
	}
	for _, o := range outside {
		if _, ok := americanGreeksFast(o, new(chebBoundary)); ok {
			t.Errorf("%+v: served by the control variate, outside where it was measured", o)
		}
	}
}

// TestAmericanDeepExercised checks that options deep inside the exercise region, whose
// Greeks americanGreeks takes as differences of the intrinsic value (deepExercised),
// get americanGreeksFull's, bit for bit: every bumped valuation is inside its own
// boundary. The population runs from the realistic mix to the edges of the control
// variate's domain (a day, vol 5% and 100%, put rates from 0.5%, dividend yields to 8%),
// spots from well inside the exercise region to just past nearBoundary.
func TestAmericanDeepExercised(t *testing.T) {
	opts := realisticAmerican(1000)
	rng := rand.New(rand.NewPCG(17, 18))
	for range 4000 {
		r := 0.005 + 0.075*rng.Float64()
		o := Option{Style: American, Right: Right(rng.IntN(2)), Strike: 100,
			Years: 1.0/365 + (fastGreeksYears-1.0/365)*rng.Float64(), Rate: r, Carry: r - 0.08*rng.Float64(), Vol: 0.05 + 0.95*rng.Float64()}
		switch rng.IntN(4) {
		case 0:
			o.Underlying, o.Carry = Futures, 0
		case 1:
			o.Years, o.Vol = 1.0/365, []float64{0.05, 1}[rng.IntN(2)]
		}
		// In the money by 0 to 4 standard deviations.
		m := math.Exp(4 * rng.Float64() * o.Vol * math.Sqrt(o.Years))
		o.Spot = 100 / m
		if o.Right == Call {
			o.Spot = 100 * m
		}
		opts = append(opts, o)
	}
	deep, declined := 0, 0
	b := math.Float64bits
	for _, o := range opts {
		if isEuropean(o.Right, o.Rate, o.carry()) {
			continue
		}
		var std chebBoundary
		if _, ok := americanGreeksFast(o, &std); ok || std.lv == nil {
			continue
		}
		declined++
		if !deepExercised(o, &std) {
			continue
		}
		deep++
		got, want := americanGreeks(o), americanGreeksFull(o)
		g, w := [9]float64{got.Price, got.Delta, got.Gamma, got.Vega, got.Volga, got.Theta, got.Rho, got.Vanna, got.Charm},
			[9]float64{want.Price, want.Delta, want.Gamma, want.Vega, want.Volga, want.Theta, want.Rho, want.Vanna, want.Charm}
		for i := range g {
			if b(g[i]) != b(w[i]) {
				t.Fatalf("%+v: Greeks %+v, the full method's %+v", o, got, want)
			}
		}
	}
	t.Logf("%d options declined by the control variate after their boundary, %d deep in the exercise region", declined, deep)
	if deep < 500 {
		t.Errorf("only %d options deep in the exercise region: the test no longer covers them", deep)
	}
}
