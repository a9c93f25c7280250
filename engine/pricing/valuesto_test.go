package pricing

import (
	"errors"
	"math"
	"testing"
)

// TestValuesToMatchesValueTo: ValuesTo over a grid of spots gives ValueTo's figures at
// each spot, bit for bit, European and American, calls and puts, spot and futures; a bad
// spot is refused as Value refuses it.
func TestValuesToMatchesValueTo(t *testing.T) {
	opts := benchOptions(200, European)
	for i := 0; i < 10; i++ {
		o := benchOptions(10, American)[i]
		o.Years = math.Min(o.Years, 0.3)
		opts = append(opts, o)
	}
	spots := make([]float64, 101)
	out := make([]Greeks, len(spots))
	for _, o := range opts {
		t.Run(o.Style.String()+" "+o.Underlying.String()+" "+o.Right.String(), func(t *testing.T) {
			for i := range spots {
				spots[i] = o.Spot * (0.8 + 0.4*float64(i)/100)
			}
			if err := ValuesTo(o, spots, out); err != nil {
				t.Fatal(err)
			}
			for i, s := range spots {
				p := o
				p.Spot = s
				want, err := Value(p)
				if err != nil {
					t.Fatal(err)
				}
				if out[i] != want {
					t.Fatalf("%+v at spot %v: ValuesTo %+v, Value %+v", o, s, out[i], want)
				}
			}
		})
	}
	bad := []float64{100, 0, 90}
	var ie *InputError
	if err := ValuesTo(opts[0], bad, out); !errors.As(err, &ie) || ie.Field != "Spot" {
		t.Errorf("spot 0: error %v, want an InputError on Spot", err)
	}
	if err := ValuesTo(opts[0], spots, out[:3]); err == nil {
		t.Error("room for 3 values of 101 spots: no error")
	}
}

// BenchmarkValuesToProfileRow values one European option with its Greeks at 101 spots per
// op, as a risk profile does (compare 101 × BenchmarkPriceGreeks).
func BenchmarkValuesToProfileRow(b *testing.B) {
	o := Option{Right: Put, Spot: 600, Strike: 580, Years: 30.0 / 365, Rate: 0.04, Carry: 0.03, Vol: 0.2}
	spots := make([]float64, 101)
	for i := range spots {
		spots[i] = 600 * (0.8 + 0.4*float64(i)/100)
	}
	out := make([]Greeks, len(spots))
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		if err := ValuesTo(o, spots, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValueToProfileRow is BenchmarkValuesToProfileRow with ValueTo spot by spot.
func BenchmarkValueToProfileRow(b *testing.B) {
	o := Option{Right: Put, Spot: 600, Strike: 580, Years: 30.0 / 365, Rate: 0.04, Carry: 0.03, Vol: 0.2}
	spots := make([]float64, 101)
	for i := range spots {
		spots[i] = 600 * (0.8 + 0.4*float64(i)/100)
	}
	out := make([]Greeks, len(spots))
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		for j, s := range spots {
			o.Spot = s
			if err := ValueTo(&out[j], o); err != nil {
				b.Fatal(err)
			}
		}
	}
}
