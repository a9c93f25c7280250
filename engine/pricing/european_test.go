package pricing

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// europeanGrid is a spread of European options on spot and futures.
func europeanGrid() []Option {
	var out []Option
	for _, under := range []Underlying{Spot, Futures} {
		for _, right := range []Right{Call, Put} {
			for _, s := range []float64{60, 90, 100, 110, 150} {
				for _, t := range []float64{0.01, 0.25, 1, 5} {
					for _, v := range []float64{0.05, 0.25, 0.9} {
						for _, rb := range [][2]float64{{0, 0}, {0.05, 0.02}, {0.08, 0.1}, {-0.01, -0.03}} {
							out = append(out, Option{Underlying: under, Right: right, Spot: s, Strike: 100,
								Years: t, Rate: rb[0], Carry: rb[1], Vol: v})
						}
					}
				}
			}
		}
	}
	return out
}

func mustValue(t *testing.T, o Option) Greeks {
	t.Helper()
	g, err := Value(o)
	if err != nil {
		t.Fatalf("%+v: %v", o, err)
	}
	return g
}

func mustPrice(t *testing.T, o Option) float64 {
	t.Helper()
	p, err := Price(o)
	if err != nil {
		t.Fatalf("%+v: %v", o, err)
	}
	return p
}

func near(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

// TestPutCallParity checks C − P = S·e^((b−r)T) − K·e^(−rT) (Haug 2nd ed., eq. 1.4).
func TestPutCallParity(t *testing.T) {
	for _, o := range europeanGrid() {
		if o.Right == Put {
			continue
		}
		p := o
		p.Right = Put
		c, pp := mustPrice(t, o), mustPrice(t, p)
		want := o.Spot*math.Exp((o.carry()-o.Rate)*o.Years) - o.Strike*math.Exp(-o.Rate*o.Years)
		if !near(c-pp, want, 1e-13, 1e-12*o.Spot) {
			t.Errorf("%+v: C−P = %.15g, want %.15g", o, c-pp, want)
		}
		// Value and Price agree.
		if g := mustValue(t, o); !near(g.Price, c, 1e-14, 1e-14) {
			t.Errorf("%+v: Value price %.17g, Price %.17g", o, g.Price, c)
		}
	}
}

// bumped returns o with one input moved by h: "S" spot, "V" vol, "T" years, "R" rate
// (with Carry too on spot, so the dividend yield stays fixed, as the rho convention says).
func bumped(o Option, what string, h float64) Option {
	switch what {
	case "S":
		o.Spot += h
	case "V":
		o.Vol += h
	case "T":
		o.Years += h
	case "R":
		o.Rate += h
		if o.Underlying == Spot {
			o.Carry += h
		}
	}
	return o
}

// checkGreeksByDifferences compares every Greek of Value with central differences of Price
// (and of Value's delta and vega for the second-order Greeks) with relative bump size h.
func checkGreeksByDifferences(t *testing.T, o Option, h, rel float64) {
	t.Helper()
	g := mustValue(t, o)
	hs, hv, ht, hr := h*o.Spot, h*o.Vol, h*o.Years, h
	if o.Style == American {
		hr = 1e-4 // the exercise boundary moves sharply with r at low rates
	}
	// The bumped valuations, each taken once: several checks difference the same pair
	// (American valuations are costly, most of all under -race).
	type bump struct {
		what string
		step float64
	}
	type pair struct{ up, down Greeks }
	bumps := map[bump]pair{}
	diff := func(what string, step float64, f func(Greeks) float64) float64 {
		b, ok := bumps[bump{what, step}]
		if !ok {
			b = pair{mustValue(t, bumped(o, what, step)), mustValue(t, bumped(o, what, -step))}
			bumps[bump{what, step}] = b
		}
		return (f(b.up) - f(b.down)) / (2 * step)
	}
	price := func(x Greeks) float64 { return x.Price }
	delta := func(x Greeks) float64 { return x.Delta }
	vega := func(x Greeks) float64 { return x.Vega }
	scale := o.Spot // absolute tolerance scale: Greeks near zero
	type check struct {
		name      string
		got, want float64
		abs       float64
	}
	checks := []check{
		{"Delta", g.Delta, diff("S", hs, price), 1e-7},
		{"Gamma", g.Gamma, diff("S", hs, delta), 1e-7 / scale},
		{"Vega", g.Vega, diff("V", hv, price), 1e-6 * scale},
		{"Theta", g.Theta, -diff("T", ht, price), 1e-6 * scale},
		{"Rho", g.Rho, diff("R", hr, price), 1e-6 * scale},
		{"Vanna", g.Vanna, diff("V", hv, delta), 1e-6},
		{"Volga", g.Volga, diff("V", hv, vega), 1e-5 * scale},
		{"Charm", g.Charm, -diff("T", ht, delta), 1e-6},
	}
	// The American value has a kink in the rate where early exercise starts to pay
	// (r = 0 for a put, b = r for a call): the premium grows linearly from there, so a
	// central difference across it is no derivative.
	if o.Style == American {
		up, down := bumped(o, "R", hr), bumped(o, "R", -hr)
		if isEuropean(o.Right, up.Rate, up.carry()) != isEuropean(o.Right, down.Rate, down.carry()) {
			checks = slices.DeleteFunc(checks, func(c check) bool { return c.name == "Rho" })
		}
	}
	for _, c := range checks {
		if !near(c.got, c.want, rel, c.abs) {
			t.Errorf("%s %s %s S=%g T=%g r=%g b=%g vol=%g: %s %.10g, finite difference %.10g",
				o.Style, o.Underlying, o.Right, o.Spot, o.Years, o.Rate, o.carry(), o.Vol, c.name, c.got, c.want)
		}
	}
}

// TestEuropeanGreeksByDifferences checks each analytic Greek against finite differences.
func TestEuropeanGreeksByDifferences(t *testing.T) {
	for _, o := range europeanGrid() {
		checkGreeksByDifferences(t, o, 1e-5, 1e-5)
	}
}

// TestAmericanGreeksByDifferences checks the wiring of the American Greeks (signs, units,
// the rho convention) against differences with ten times larger bumps.
func TestAmericanGreeksByDifferences(t *testing.T) {
	var n int
	for i, o := range americanGrid() {
		if o.Years < 0.1 || o.Vol < 0.2 {
			continue // keep second differences away from the exercise kink at tiny scales
		}
		// Under -race half the grid is checked: of each call–put pair (adjacent in
		// americanGrid) the call at one rate, the put at the next, so both rights still
		// meet every spot, life, volatility and rate.
		if raceEnabled && (i+i/2)%2 != 0 {
			continue
		}
		intrinsic := math.Max(o.Spot-o.Strike, 0)
		if o.Right == Put {
			intrinsic = math.Max(o.Strike-o.Spot, 0)
		}
		if p := mustPrice(t, o); p-intrinsic < 0.05*p {
			continue // next to the exercise boundary a 1e-3 bump crosses the kink
		}
		checkGreeksByDifferences(t, o, 1e-3, 2e-3)
		n++
	}
	t.Logf("%d options checked", n)
}

// TestHaugGreekExamples checks Greeks against the worked examples in Haug 2nd ed., ch. 2.
func TestHaugGreekExamples(t *testing.T) {
	tests := []struct {
		name  string
		o     Option
		field string
		want  float64
		tol   float64
	}{
		// Haug 2nd ed. 2.1.1: futures option F=105 K=100 T=0.5 r=0.10 σ=0.36: call delta 0.5946, put delta −0.3566.
		{"delta call", Option{Underlying: Futures, Spot: 105, Strike: 100, Years: 0.5, Rate: 0.1, Vol: 0.36}, "Delta", 0.5946, 5e-5},
		{"delta put", Option{Underlying: Futures, Right: Put, Spot: 105, Strike: 100, Years: 0.5, Rate: 0.1, Vol: 0.36}, "Delta", -0.3566, 5e-5},
		// Haug 2nd ed. 2.2.1: S=55 K=60 T=0.75 r=0.10 b=0.10 σ=0.30: gamma 0.0278.
		{"gamma", Option{Spot: 55, Strike: 60, Years: 0.75, Rate: 0.1, Carry: 0.1, Vol: 0.3}, "Gamma", 0.0278, 5e-5},
		// Haug 2nd ed. 2.5.1: index put S=430 K=405 T=0.0833 r=0.07 b=0.02 σ=0.20: theta −31.1924 per year.
		{"theta put", Option{Right: Put, Spot: 430, Strike: 405, Years: 0.0833, Rate: 0.07, Carry: 0.02, Vol: 0.2}, "Theta", -31.1924, 5e-4},
		// Haug 2nd ed. 2.6.1: call S=72 K=75 T=1 r=0.09 b=0.09 σ=0.19: rho 38.7325.
		{"rho call", Option{Spot: 72, Strike: 75, Years: 1, Rate: 0.09, Carry: 0.09, Vol: 0.19}, "Rho", 38.7325, 5e-4},
	}
	for _, tc := range tests {
		g := mustValue(t, tc.o)
		got := map[string]float64{"Delta": g.Delta, "Gamma": g.Gamma, "Vega": g.Vega, "Theta": g.Theta, "Rho": g.Rho}[tc.field]
		if math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: %s = %.6f, Haug %.4f", tc.name, tc.field, got, tc.want)
		}
	}
}

// TestLimits checks the model's limits: deep in and far out of the money, expiry, huge vol.
func TestLimits(t *testing.T) {
	// Deep in the money call: delta → e^((b−r)T), gamma → 0, price → forward − strike, discounted.
	o := Option{Spot: 1000, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.02, Vol: 0.2}
	g := mustValue(t, o)
	if !near(g.Delta, math.Exp(-0.03), 1e-12, 0) || g.Gamma > 1e-20 {
		t.Errorf("deep ITM call: delta %g gamma %g", g.Delta, g.Gamma)
	}
	if want := 1000*math.Exp(-0.03) - 100*math.Exp(-0.05); !near(g.Price, want, 1e-12, 0) {
		t.Errorf("deep ITM call price %g, want %g", g.Price, want)
	}
	// Far out of the money put is worth nothing, with zero delta.
	o.Right = Put
	if g := mustValue(t, o); g.Price > 1e-30 || g.Delta < -1e-30 {
		t.Errorf("far OTM put: %+v", g)
	}
	// Just before expiry a European option is worth its discounted intrinsic value.
	near0 := Option{Right: Put, Spot: 95, Strike: 100, Years: 1e-9, Rate: 0.05, Carry: 0.05, Vol: 0.3}
	if p := mustPrice(t, near0); !near(p, 5, 1e-7, 0) {
		t.Errorf("put at expiry %g, want 5", p)
	}
	// As vol grows a call tends to the discounted forward S·e^((b−r)T).
	huge := Option{Spot: 100, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 20}
	if p := mustPrice(t, huge); !near(p, 100, 1e-9, 0) {
		t.Errorf("call at vol 2000%% = %g, want 100", p)
	}
}

// TestInvalidInputs checks that each bad field is named in an *InputError.
func TestInvalidInputs(t *testing.T) {
	good := Option{Spot: 100, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.2}
	tests := []struct {
		field string
		edit  func(*Option)
	}{
		{"Spot", func(o *Option) { o.Spot = 0 }},
		{"Spot", func(o *Option) { o.Spot = -1 }},
		{"Spot", func(o *Option) { o.Spot = math.NaN() }},
		{"Spot", func(o *Option) { o.Spot = math.Inf(1) }},
		{"Strike", func(o *Option) { o.Strike = 0 }},
		{"Strike", func(o *Option) { o.Strike = math.NaN() }},
		{"Years", func(o *Option) { o.Years = 0 }},
		{"Years", func(o *Option) { o.Years = math.Inf(1) }},
		{"Vol", func(o *Option) { o.Vol = -0.2 }},
		{"Vol", func(o *Option) { o.Vol = math.NaN() }},
		{"Rate", func(o *Option) { o.Rate = math.NaN() }},
		{"Rate", func(o *Option) { o.Rate = math.Inf(-1) }},
		{"Carry", func(o *Option) { o.Carry = math.NaN() }},
		{"Carry", func(o *Option) { o.Underlying = Futures; o.Carry = math.Inf(1) }},
		{"Style", func(o *Option) { o.Style = 7 }},
		{"Right", func(o *Option) { o.Right = -1 }},
		{"Underlying", func(o *Option) { o.Underlying = 3 }},
	}
	for _, tc := range tests {
		for _, style := range []Style{European, American} {
			o := good
			o.Style = style
			tc.edit(&o)
			_, errV := Value(o)
			_, errP := Price(o)
			for _, err := range []error{errV, errP} {
				var ie *InputError
				if !errors.As(err, &ie) || ie.Field != tc.field {
					t.Errorf("%+v: error %v, want an InputError for %s", o, err, tc.field)
				}
			}
		}
	}
}

// TestExtremeInputs checks that extreme but valid inputs give finite numbers or an error.
func TestExtremeInputs(t *testing.T) {
	var n, failed int
	for _, style := range []Style{European, American} {
		for _, under := range []Underlying{Spot, Futures} {
			for _, right := range []Right{Call, Put} {
				for _, s := range []float64{1e-6, 1, 1e6} {
					for _, k := range []float64{1e-6, 1, 1e6} {
						for _, years := range []float64{1e-9, 1, 50} {
							for _, vol := range []float64{1e-6, 0.2, 10} {
								for _, rb := range [][2]float64{{0, 0}, {0.5, -0.5}, {-0.1, 0.3}, {3, 3}} {
									o := Option{Style: style, Underlying: under, Right: right, Spot: s, Strike: k,
										Years: years, Rate: rb[0], Carry: rb[1], Vol: vol}
									n++
									g, err := Value(o)
									p, errP := Price(o)
									if err != nil || errP != nil {
										failed++
										continue
									}
									if name := nonFinite(g); name != "" || math.IsNaN(p) || math.IsInf(p, 0) || g.Price < 0 {
										t.Errorf("%+v: %s not finite in %+v, price %g", o, name, g, p)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d extreme options, %d refused with an error", n, failed)
}

func ExampleValue() {
	// Haug 2nd ed. 1.1.6: put S=75 K=70 T=0.5 r=0.10 b=0.05 σ=0.35 is worth 4.0870.
	g, err := Value(Option{Right: Put, Spot: 75, Strike: 70, Years: 0.5, Rate: 0.10, Carry: 0.05, Vol: 0.35})
	if err != nil {
		panic(err)
	}
	fmt.Printf("price %.4f, theta %.4f per calendar day\n", g.Price, g.Theta/365)
	// Output: price 4.0870, theta -0.0132 per calendar day
}
