package instrument

import "testing"

// TestTick checks the tick rules at their boundaries. Sources: CME lists ES options at 0.25
// with a 0.05 tick at or below 5.00 points, CL options in cents; SPY and QQQ are in the penny
// program for all series; other equity options 0.01 below 3.00 and 0.05 from 3.00 (Cboe 5.4).
func TestTick(t *testing.T) {
	es := Instrument{Kind: FuturesOption, Root: "ES", Multiplier: 50}
	cl := Instrument{Kind: FuturesOption, Root: "CL", Multiplier: 1000}
	spy := Instrument{Kind: Option, Root: "SPY", Multiplier: 100}
	iwm := Instrument{Kind: Option, Root: "IWM", Multiplier: 100}
	cases := []struct {
		name string
		in   Instrument
		p    float64
		want float64
	}{
		{"shares", NewStock("SPY"), 600, 0.01},
		{"ES future", Instrument{Kind: Future, Root: "ES"}, 6600, 0.25},
		{"ZN future, 1/64", Instrument{Kind: Future, Root: "ZN"}, 110, 1.0 / 64},
		{"unknown future", Instrument{Kind: Future, Root: "ZZ"}, 10, 0.25},
		{"ES option at 5.00: reduced tick", es, 5, 0.05},
		{"ES option above 5.00", es, 5.25, 0.25},
		{"finest tick of an ES option", es, 0, 0.05},
		{"MES option at 12", Instrument{Kind: FuturesOption, Root: "MES"}, 12, 0.25},
		{"CL option: the future's tick", cl, 2.5, 0.01},
		{"SPY option at 12.40: penny", spy, 12.4, 0.01},
		{"IWM option below 3.00", iwm, 2.99, 0.01},
		{"IWM option at 3.00", iwm, 3, 0.05},
		{"VXX option at 3.00", Instrument{Kind: Option, Root: "VXX"}, 3, 0.05},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Tick(c.in, c.p); got != c.want {
				t.Errorf("Tick(%s %s, %v) = %v, want %v", c.in.Kind, c.in.Root, c.p, got, c.want)
			}
		})
	}
}
