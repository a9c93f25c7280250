package portfolio

import (
	"math"
	"testing"

	"github.com/keel-desk/keel/engine/pricing"
)

// TestAmericanVolFrom: the secant solve started near the vol (the last one moved by a
// Newton step, or left where it was) finds pricing.ImpliedVol's vol to 1e-10 of it, on
// American options 2–60 days out, in and out of the money, calls and puts; a start with
// no slope, or an option whose price hardly moves with vol, is left to the full solver.
func TestAmericanVolFrom(t *testing.T) {
	cases := []struct {
		name string
		o    pricing.Option
	}{
		{"SPY put 30 days 5% out", pricing.Option{Style: pricing.American, Right: pricing.Put, Spot: 600, Strike: 570, Years: 30.0 / 365, Rate: 0.04, Carry: 0.028, Vol: 0.18}},
		{"SPY put 10 days 4% in", pricing.Option{Style: pricing.American, Right: pricing.Put, Spot: 600, Strike: 625, Years: 10.0 / 365, Rate: 0.04, Carry: 0.028, Vol: 0.22}},
		{"QQQ call 45 days at the money", pricing.Option{Style: pricing.American, Right: pricing.Call, Spot: 520, Strike: 520, Years: 45.0 / 365, Rate: 0.04, Carry: 0.034, Vol: 0.25}},
		{"VXX put 60 days", pricing.Option{Style: pricing.American, Right: pricing.Put, Spot: 48, Strike: 50, Years: 60.0 / 365, Rate: 0.04, Carry: 0.04, Vol: 0.65}},
		{"ES put AM quarterly 2 days", pricing.Option{Style: pricing.American, Underlying: pricing.Futures, Right: pricing.Put, Spot: 6020, Strike: 5900, Years: 2.0 / 365, Rate: 0.04, Vol: 0.15}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := pricing.Value(c.o)
			if err != nil {
				t.Fatal(err)
			}
			// The quote a cent above the model value: the vol a Newton step away.
			price := g.Price + 0.01
			want, err := pricing.ImpliedVol(c.o, price)
			if err != nil {
				t.Fatal(err)
			}
			for _, start := range []float64{c.o.Vol, c.o.Vol + 0.01/g.Vega} {
				got, ok := americanVolFrom(c.o, price, volHint{vol: start, vega: g.Vega})
				if !ok || math.Abs(got/want-1) > 1e-10 {
					t.Errorf("from %.6f: vol %.15g (ok %v), ImpliedVol %.15g", start, got, ok, want)
				}
			}
			if _, ok := americanVolFrom(c.o, price, volHint{vol: c.o.Vol}); ok {
				t.Error("a start without vega was accepted")
			}
		})
	}
	// Deep in the money, a hair above intrinsic: vega is nothing against the price.
	deep := pricing.Option{Style: pricing.American, Right: pricing.Put, Spot: 100, Strike: 140, Years: 0.5, Rate: 0.05, Carry: 0.05, Vol: 0.3}
	if v, ok := americanVolFrom(deep, 40+1e-9, volHint{vol: 0.3, vega: 1e-6}); ok {
		t.Errorf("an undetermined vol came back as %g", v)
	}
}
