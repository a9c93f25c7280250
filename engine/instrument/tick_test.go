package instrument

import "testing"

func TestTick(t *testing.T) {
	cases := []struct {
		name string
		in   Instrument
		p    float64
		want float64
	}{
		{"shares", Instrument{Kind: Stock, Root: "SPY"}, 600, 0.01},
		{"ES future", Instrument{Kind: Future, Root: "ES"}, 6600, 0.25},
		{"ZN future, 1/64", Instrument{Kind: Future, Root: "ZN"}, 110, 1.0 / 64},
		{"unknown future", Instrument{Kind: Future, Root: "ZZ"}, 10, 0.25},
		{"ES option at 5.00: reduced tick", Instrument{Kind: FuturesOption, Root: "ES"}, 5, 0.05},
		{"ES option above 5.00", Instrument{Kind: FuturesOption, Root: "ES"}, 5.25, 0.25},
		{"SPY option at 12.00: penny", Instrument{Kind: Option, Root: "SPY"}, 12, 0.01},
		{"VXX option below 3.00", Instrument{Kind: Option, Root: "VXX"}, 2.99, 0.01},
		{"VXX option at 3.00", Instrument{Kind: Option, Root: "VXX"}, 3, 0.05},
		{"finest tick of an ES option", Instrument{Kind: FuturesOption, Root: "ES"}, 0, 0.05},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Tick(c.in, c.p); got != c.want {
				t.Errorf("Tick(%s %s, %v) = %v, want %v", c.in.Kind, c.in.Root, c.p, got, c.want)
			}
		})
	}
}
