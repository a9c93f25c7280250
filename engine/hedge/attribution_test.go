package hedge

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestAttribute(t *testing.T) {
	t0 := time.Date(2026, 11, 19, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		prev, cur Snapshot
		want      Attribution
	}{
		// Hand-computed: dS = +5, dσ = +1 point, dt = 1 day. Delta 100 × 5 = 500;
		// gamma ½ × (−20) × 25 = −250; theta +150 × 1 = 150; vega −400 × 1 = −400;
		// explained 0, actual −100, unexplained −100.
		{"short premium day",
			Snapshot{At: t0, Spot: 500, Vol: 0.20, Delta: 100, Gamma: -20, Vega: -400, Theta: 150, Value: -5000},
			Snapshot{At: t0.Add(24 * time.Hour), Spot: 505, Vol: 0.21, Value: -5100},
			Attribution{Delta: 500, Gamma: -250, Theta: 150, Vega: -400, Explained: 0, Actual: -100, Unexplained: -100}},
		// A weekend: 3 days of theta, spot −10: delta −1000, gamma ½·(−20)·100 = −1000,
		// theta 450, vega −400 × (−2) = 800; explained −750.
		{"weekend",
			Snapshot{At: t0, Spot: 500, Vol: 0.20, Delta: 100, Gamma: -20, Vega: -400, Theta: 150, Value: 0},
			Snapshot{At: t0.Add(72 * time.Hour), Spot: 490, Vol: 0.18, Value: -700},
			Attribution{Delta: -1000, Gamma: -1000, Theta: 450, Vega: 800, Explained: -750, Actual: -700, Unexplained: 50}},
	}
	var prevs, curs []Snapshot
	var sum Attribution
	for _, tc := range tests {
		a, err := Attribute(tc.prev, tc.cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range [][2]float64{{a.Delta, tc.want.Delta}, {a.Gamma, tc.want.Gamma}, {a.Theta, tc.want.Theta},
			{a.Vega, tc.want.Vega}, {a.Explained, tc.want.Explained}, {a.Actual, tc.want.Actual}, {a.Unexplained, tc.want.Unexplained}} {
			if math.Abs(c[0]-c[1]) > 1e-9 {
				t.Errorf("%s: %+v, want %+v", tc.name, a, tc.want)
				break
			}
		}
		prevs, curs = append(prevs, tc.prev), append(curs, tc.cur)
		sum = sum.add(tc.want)
	}
	each, total, err := AttributeAll(prevs, curs)
	if err != nil || len(each) != 2 || math.Abs(total.Unexplained-sum.Unexplained) > 1e-9 || math.Abs(total.Delta+500) > 1e-9 {
		t.Fatalf("AttributeAll: %+v %v", total, err)
	}
	if _, _, err := AttributeAll(prevs, curs[:1]); err == nil {
		t.Error("mismatched lengths accepted")
	}
	if _, err := Attribute(Snapshot{At: t0, Spot: math.NaN()}, Snapshot{At: t0}); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := Attribute(Snapshot{At: t0}, Snapshot{At: t0.Add(-time.Hour)}); err == nil {
		t.Error("backwards time accepted")
	}
}

// Realized vol of 100, 101, 100, 101: log returns ±0.00995033, sample sd (n−1) × √252 =
// 0.1823926 (computed by hand: mean 0.0033168, squared deviations sum 2.64024e-4).
func TestRealizedVol(t *testing.T) {
	rv, err := RealizedVol([]float64{100, 101, 100, 101}, 252)
	if err != nil || math.Abs(rv-0.18239258) > 1e-7 {
		t.Fatalf("realized vol %.8f %v, want 0.18239258", rv, err)
	}
	// A constant growth rate has no volatility.
	if rv, _ := RealizedVol([]float64{100, 101, 102.01, 103.0301}, 252); rv > 1e-9 {
		t.Errorf("constant growth: %g, want 0", rv)
	}
	c, err := CompareVol([]float64{100, 101, 100, 101}, 252, 0.22)
	if err != nil || math.Abs(c.Spread-(0.22-0.18239258)) > 1e-7 || !strings.Contains(c.Text, "implied 22.0% is 3.8 points above realized 18.2%") {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range [][]float64{{100, 101}, {100, 0, 101}, {100, -1, 3}, {100, math.Inf(1), 3}} {
		if _, err := RealizedVol(bad, 252); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := RealizedVol([]float64{1, 2, 3}, 0); err == nil {
		t.Error("zero periods accepted")
	}
	if _, err := CompareVol([]float64{1, 2, 3}, 252, 0); err == nil {
		t.Error("zero implied accepted")
	}
}

// Issue 20 item 9: a price of ±Inf anywhere (the first one included), or prices whose
// ratio overflows, is an error naming the price, never NaN or Inf.
func TestRealizedVolRejectsNonFinitePrices(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name   string
		prices []float64
		want   string
	}{
		{"first price +Inf", []float64{inf, 100, 101}, "price 0 (+Inf)"},
		{"last price +Inf", []float64{100, 101, inf}, "price 2 (+Inf)"},
		{"NaN", []float64{100, math.NaN(), 101}, "price 1 (NaN)"},
		{"−Inf", []float64{100, 101, math.Inf(-1)}, "price 2 (-Inf)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv, err := RealizedVol(tc.prices, 252)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("RealizedVol(%v) = %g, %v; want an error naming %q", tc.prices, rv, err, tc.want)
			}
		})
	}
	// Extreme but finite prices: log differences, not a ratio that overflows to +Inf.
	rv, err := RealizedVol([]float64{1e-300, 1e300, 1e-300, 1e300}, 252)
	if err != nil || math.IsNaN(rv) || math.IsInf(rv, 0) || !(rv > 0) {
		t.Fatalf("RealizedVol of extreme finite prices = %g, %v; want a finite volatility", rv, err)
	}
}
