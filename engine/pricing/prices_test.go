package pricing

import (
	"errors"
	"math"
	"testing"
)

// TestPricesMatchPrice checks that Prices, which solves an American option's exercise
// boundary once for a grid of spots, gives bit for bit what Price gives spot by spot,
// on both accuracy settings and the band between them, calls and puts, spot and futures.
func TestPricesMatchPrice(t *testing.T) {
	spots := make([]float64, 41)
	for i := range spots {
		spots[i] = 60 + 2*float64(i) // 60–140, into the exercise region of every option below
	}
	tests := []struct {
		name string
		o    Option
	}{
		{"standard put", Option{Style: American, Right: Put, Years: 0.25, Rate: 0.05, Carry: 0.02, Vol: 0.3}},
		{"standard call with dividends", Option{Style: American, Right: Call, Years: 0.5, Rate: 0.02, Carry: -0.04, Vol: 0.25}},
		{"fine put", Option{Style: American, Right: Put, Years: 5, Rate: 0.05, Carry: 0.05, Vol: 0.05}},
		{"blended put (D = 0.25)", Option{Style: American, Right: Put, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.2}},
		{"futures call", Option{Style: American, Right: Call, Underlying: Futures, Years: 2, Rate: 0.08, Vol: 0.2}},
		{"american call without dividends (European)", Option{Style: American, Right: Call, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.3}},
		{"european put", Option{Right: Put, Years: 1, Rate: 0.05, Carry: 0.03, Vol: 0.4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Strike = 100
			out := make([]float64, len(spots))
			if err := Prices(tc.o, spots, out); err != nil {
				t.Fatal(err)
			}
			for i, s := range spots {
				o := tc.o
				o.Spot = s
				want, err := Price(o)
				if err != nil {
					t.Fatal(err)
				}
				if math.Float64bits(out[i]) != math.Float64bits(want) {
					t.Errorf("S=%g: Prices %.17g, Price %.17g", s, out[i], want)
				}
			}
		})
	}
}

// TestPricesRefuses checks that Prices refuses what Price refuses, naming the bad spot,
// and a too short out.
func TestPricesRefuses(t *testing.T) {
	o := Option{Style: American, Right: Put, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.3}
	tests := []struct {
		name  string
		o     Option
		spots []float64
		out   int
	}{
		{"negative spot", o, []float64{100, -1, 90}, 3},
		{"NaN spot", o, []float64{math.NaN()}, 1},
		{"no vol", Option{Style: American, Right: Put, Strike: 100, Years: 1, Rate: 0.05}, []float64{100}, 1},
		{"short out", o, []float64{90, 100}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Prices(tc.o, tc.spots, make([]float64, tc.out))
			if err == nil {
				t.Fatal("no error")
			}
			var in *InputError
			if tc.out >= len(tc.spots) && !errors.As(err, &in) {
				t.Errorf("%v is not an InputError", err)
			}
		})
	}
	if err := Prices(o, nil, nil); err != nil {
		t.Errorf("no spots: %v", err)
	}
}

// BenchmarkPricesProfileRow values an American option at 101 spots per op, as a risk
// profile does: one boundary for all of them.
func BenchmarkPricesProfileRow(b *testing.B) {
	o := Option{Style: American, Right: Put, Strike: 100, Years: 30.0 / 365, Rate: 0.04, Carry: 0.03, Vol: 0.3}
	spots := make([]float64, 101)
	for i := range spots {
		spots[i] = 100 * (0.8 + 0.004*float64(i))
	}
	out := make([]float64, len(spots))
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		if err := Prices(o, spots, out); err != nil {
			b.Fatal(err)
		}
	}
}
