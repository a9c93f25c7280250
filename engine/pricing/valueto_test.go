package pricing

import (
	"fmt"
	"math"
	"testing"
)

// TestValueToMatchesValue checks that ValueTo stores exactly what Value returns, and
// clears *g with the same error when Value refuses or overflows.
func TestValueToMatchesValue(t *testing.T) {
	tests := []struct {
		name string
		o    Option
		fail bool
	}{
		// Haug 2nd ed. 1.1.6: put S=75 K=70 T=0.5 r=0.10 b=0.05 σ=0.35, worth 4.0870.
		{"european put", Option{Right: Put, Spot: 75, Strike: 70, Years: 0.5, Rate: 0.10, Carry: 0.05, Vol: 0.35}, false},
		// Haug 2nd ed. 2.1.1: futures call F=105 K=100 T=0.5 r=0.10 σ=0.36 (Carry ignored).
		{"futures call", Option{Underlying: Futures, Spot: 105, Strike: 100, Years: 0.5, Rate: 0.1, Carry: 0.3, Vol: 0.36}, false},
		{"american put", Option{Style: American, Right: Put, Spot: 100, Strike: 105, Years: 0.25, Rate: 0.05, Carry: 0.02, Vol: 0.3}, false},
		{"no vol", Option{Spot: 100, Strike: 100, Years: 1, Rate: 0.05}, true},
		{"bad style", Option{Style: 7, Spot: 100, Strike: 100, Years: 1, Vol: 0.2}, true},
		// e^(−rT) overflows: no finite value.
		{"overflow", Option{Spot: 1, Strike: 1e300, Years: 50, Rate: -20, Vol: 0.2}, true},
	}
	for _, tc := range tests {
		want, werr := Value(tc.o)
		g := Greeks{Price: math.NaN(), Delta: 1, Charm: 2}
		err := ValueTo(&g, tc.o)
		if (err != nil) != tc.fail || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Errorf("%s: ValueTo error %v, Value error %v", tc.name, err, werr)
		}
		if math.Float64bits(g.Price) != math.Float64bits(want.Price) || g.Delta != want.Delta || g.Gamma != want.Gamma ||
			g.Vega != want.Vega || g.Theta != want.Theta || g.Rho != want.Rho || g.Vanna != want.Vanna ||
			g.Volga != want.Volga || g.Charm != want.Charm {
			t.Errorf("%s: ValueTo %+v, Value %+v", tc.name, g, want)
		}
	}
}
