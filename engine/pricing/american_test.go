package pricing

import (
	"math"
	"testing"
)

// americanGrid is the set of ordinary inputs the American approximation is checked on:
// spot/strike 0.7–1.3, one week to two years, vol 10–80%, r 0–8%, q 0–6%, and options on
// futures (b = 0).
func americanGrid() []Option {
	type rq struct{ r, q float64 }
	var out []Option
	for _, under := range []Underlying{Spot, Futures} {
		rates := []rq{{0, 0}, {0.04, 0}, {0.08, 0}, {0.02, 0.06}, {0.05, 0.03}, {0.08, 0.06}, {0, 0.04}}
		if under == Futures {
			rates = []rq{{0.02, 0}, {0.05, 0}, {0.08, 0}}
		}
		for _, m := range []float64{0.7, 0.85, 1, 1.15, 1.3} {
			for _, years := range []float64{1.0 / 52, 0.25, 1, 2} {
				for _, vol := range []float64{0.1, 0.3, 0.8} {
					for _, x := range rates {
						for _, right := range []Right{Call, Put} {
							out = append(out, Option{Style: American, Underlying: under, Right: right,
								Spot: 100 * m, Strike: 100, Years: years, Rate: x.r, Carry: x.r - x.q, Vol: vol})
						}
					}
				}
			}
		}
	}
	return out
}

// TestAmericanAgainstTree compares Bjerksund–Stensland (2002) with a 1000/1001-step
// averaged CRR tree for prices above 0.05 (on a strike of 100).
func TestAmericanAgainstTree(t *testing.T) {
	grid := americanGrid()
	if testing.Short() {
		grid = grid[:len(grid)/4]
	}
	const steps = 1000
	worst, worstAt := 0.0, Option{}
	var sum float64
	var n int
	for _, o := range grid {
		got, err := Price(o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		want := treeValue(true, o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, steps)
		if want < 0.05 {
			continue
		}
		rel := math.Abs(got/want - 1)
		sum += rel
		n++
		if rel > worst {
			worst, worstAt = rel, o
		}
		if rel > americanTolerance {
			t.Errorf("%s %s S=%g K=%g T=%g r=%g b=%g vol=%g: BS2002 %.6f, tree %.6f, error %.3f%%",
				o.Underlying, o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, got, want, 100*rel)
		}
	}
	if mean := sum / float64(n); mean > americanMeanTolerance {
		t.Errorf("mean relative error %.4f%% above %.4f%%", 100*mean, 100*americanMeanTolerance)
	}
	t.Logf("%d options: worst relative error %.3f%% at %+v, mean %.4f%%", n, 100*worst, worstAt, 100*sum/float64(n))
}

// americanTolerance is the largest relative error accepted against the tree. The
// Bjerksund–Stensland (2002) value is the value of one particular exercise strategy (two
// flat triggers), so it is a lower bound; on this grid it is worst, about 3.1%, for
// out-of-the-money options at 10% vol and long expiries, and about 1.5% at the money for
// low vol. The mean error is about 0.26%.
const americanTolerance = 0.035

// americanMeanTolerance bounds the mean relative error over the grid.
const americanMeanTolerance = 0.004

// TestAmericanFloors checks that an American value is never below the European value or
// the intrinsic value, and equals the European value where early exercise is worthless.
func TestAmericanFloors(t *testing.T) {
	for _, o := range americanGrid() {
		am, err := Value(o)
		if err != nil {
			t.Fatal(err)
		}
		eo := o
		eo.Style = European
		eu, err := Value(eo)
		if err != nil {
			t.Fatal(err)
		}
		intrinsic := math.Max(o.Spot-o.Strike, 0)
		if o.Right == Put {
			intrinsic = math.Max(o.Strike-o.Spot, 0)
		}
		if am.Price < eu.Price-1e-12 || am.Price < intrinsic-1e-12 {
			t.Errorf("%+v: American %g below European %g or intrinsic %g", o, am.Price, eu.Price, intrinsic)
		}
		if isEuropean(o.Right, o.Rate, o.carry()) && am != eu {
			t.Errorf("%+v: early exercise is worthless but American %+v differs from European %+v", o, am, eu)
		}
	}
}

// bs1993Call is Bjerksund–Stensland (1993), one flat trigger over the whole life (Haug 2nd
// ed., section 3.1.3). It is not used by Keel; it shares β, B∞, B0 and φ with the 2002
// model, so matching Haug's published 1993 example checks those building blocks.
func bs1993Call(s, k, t, r, b, v float64) float64 {
	v2 := v * v
	a, c := b/v2-0.5, 2*r/v2
	beta := math.Sqrt(a*a+c) - a
	bInf := beta / (beta - 1) * k
	b0 := math.Max(k, r/(r-b)*k)
	h := -(b*t + 2*v*math.Sqrt(t)) * b0 / (bInf - b0)
	i := b0 + (bInf-b0)*(1-math.Exp(h))
	if s >= i {
		return s - k
	}
	return (i-k)*math.Pow(s/i, beta) - (i-k)*phi(s, t, beta, i, i, i, r, b, v) +
		phi(s, t, 1, i, i, 1, r, b, v) - phi(s, t, 1, k, i, 1, r, b, v) -
		k*phi(s, t, 0, i, i, 1, r, b, v) + k*phi(s, t, 0, k, i, 1, r, b, v)
}

// TestBjerksundStensland checks the 1993 building blocks against Haug's worked example and
// that the 2002 two-trigger strategy is worth more (it is a better lower bound) but stays
// below the binomial tree.
func TestBjerksundStensland(t *testing.T) {
	// Haug 2nd ed., 3.1.3: call S=42 K=40 T=0.75 r=0.04 b=−0.04 σ=0.35 → 5.2704.
	s, k, years, r, b, v := 42.0, 40.0, 0.75, 0.04, -0.04, 0.35
	if got := bs1993Call(s, k, years, r, b, v); math.Abs(got-5.2704) > 5e-5 {
		t.Errorf("Bjerksund–Stensland 1993 = %.6f, Haug 5.2704", got)
	}
	bs93 := bs1993Call(s, k, years, r, b, v)
	bs02 := bs2002Call(s, k, years, r, b, v)
	tree := treeValue(true, Call, s, k, years, r, b, v, 2000)
	if !(bs93 < bs02 && bs02 < tree) {
		t.Errorf("want 1993 %.6f < 2002 %.6f < tree %.6f", bs93, bs02, tree)
	}
}

// strategyTree values a call on a CRR tree that exercises exactly as Bjerksund–Stensland
// (2002) assume: when spot is at or above i2 before t1, or at or above i1 after.
func strategyTree(s, k, years, r, b, v float64, n int, t1, i1, i2 float64) float64 {
	dt := years / float64(n)
	u := math.Exp(v * math.Sqrt(dt))
	d := 1 / u
	p := (math.Exp(b*dt) - d) / (u - d)
	df := math.Exp(-r * dt)
	vals := make([]float64, n+1)
	for i := 0; i <= n; i++ {
		vals[i] = math.Max(s*math.Pow(u, float64(2*i-n))-k, 0)
	}
	for j := n - 1; j >= 0; j-- {
		trigger := i1
		if float64(j)*dt < t1 {
			trigger = i2
		}
		for i := 0; i <= j; i++ {
			c := df * (p*vals[i+1] + (1-p)*vals[i])
			if spot := s * math.Pow(u, float64(2*i-j)); spot >= trigger {
				c = spot - k
			}
			vals[i] = c
		}
	}
	return vals[0]
}

// TestBjerksundStensland2002Strategy checks the closed form (the φ and ψ terms with the
// bivariate normal) against a tree that follows the same two-trigger exercise strategy;
// the tree's discrete monitoring leaves a small bias, hence 0.3%.
func TestBjerksundStensland2002Strategy(t *testing.T) {
	cases := [][6]float64{ // s, k, years, r, b, vol
		{100, 100, 0.5, 0, -0.08, 0.2},
		{42, 40, 0.75, 0.04, -0.04, 0.35},
		{90, 100, 2, 0.06, 0.01, 0.3},
	}
	for _, c := range cases {
		s, k, years, r, b, v := c[0], c[1], c[2], c[3], c[4], c[5]
		v2 := v * v
		a, cc := b/v2-0.5, 2*r/v2
		beta := math.Sqrt(a*a+cc) - a
		bInf := beta / (beta - 1) * k
		b0 := math.Max(k, r/(r-b)*k)
		t1 := t1Share * years
		h := func(t float64) float64 { return -(b*t + 2*v*math.Sqrt(t)) * k * k / ((bInf - b0) * b0) }
		i1 := b0 + (bInf-b0)*(1-math.Exp(h(t1)))
		i2 := b0 + (bInf-b0)*(1-math.Exp(h(years)))
		got := bs2002Call(s, k, years, r, b, v)
		want := strategyTree(s, k, years, r, b, v, 2000, t1, i1, i2)
		if math.Abs(got/want-1) > 0.003 {
			t.Errorf("%v: closed form %.6f, strategy tree %.6f", c, got, want)
		}
	}
}
