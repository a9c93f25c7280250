package instrument

import "testing"

// TestTickSize checks the tick rules at their boundaries. Source: the quoting rules of
// brokers/paper (tick) and engine/sim (optionTick), which this function states once; CME
// lists ES options at 0.25 with a 0.05 tick at or below 5.00 points, and SPY and QQQ are
// in the penny program for all series.
func TestTickSize(t *testing.T) {
	es := Instrument{Kind: FuturesOption, Root: "ES", Multiplier: 50}
	cl := Instrument{Kind: FuturesOption, Root: "CL", Multiplier: 1000}
	spy := Instrument{Kind: Option, Root: "SPY", Multiplier: 100}
	iwm := Instrument{Kind: Option, Root: "IWM", Multiplier: 100}
	tests := []struct {
		name string
		in   Instrument
		p    float64
		want float64
	}{
		{"ES option at 5.00", es, 5, 0.05},
		{"ES option at 5.25", es, 5.25, 0.25},
		{"ES option at 0", es, 0, 0.05},
		{"MES option at 12", Instrument{Kind: FuturesOption, Root: "MES"}, 12, 0.25},
		{"CL option: the future's tick", cl, 2.5, 0.01},
		{"SPY option at 12.40", spy, 12.4, 0.01},
		{"IWM option at 2.99", iwm, 2.99, 0.01},
		{"IWM option at 3.00", iwm, 3, 0.05},
		{"ES future", Instrument{Kind: Future, Root: "ES"}, 6600, 0.25},
		{"ZN future", Instrument{Kind: Future, Root: "ZN"}, 110, 1.0 / 64},
		{"unknown future", Instrument{Kind: Future, Root: "XX"}, 10, 0.25},
		{"stock", NewStock("SPY"), 660, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TickSize(tt.in, tt.p); got != tt.want {
				t.Errorf("TickSize(%v, %g) = %g, want %g", tt.in.Kind, tt.p, got, tt.want)
			}
		})
	}
}
