package desk

import (
	"slices"
	"testing"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestFilingOfANewTrade(t *testing.T) {
	layer := func(name string, unders ...string) portfolio.LayerRisk {
		return portfolio.LayerRisk{Layer: portfolio.Layer{Name: name, Underlyings: unders}, Group: portfolio.Group{Name: name}, Configured: true}
	}
	spyPut := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Right: pricing.Put, Strike: 600, Multiplier: 100}
	esPut := instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "/ESZ6", Right: pricing.Put, Strike: 6000, Multiplier: 50}
	qqq := instrument.Instrument{Kind: instrument.Stock, Root: "QQQ"}
	held := Position{Position: brokers.Position{Symbol: "SPY   261218C00700000", Quantity: -2,
		Instrument: instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Right: pricing.Call, Strike: 700, Multiplier: 100}}}
	held.Risk.Layer = "SPY options"
	snap := func(layers ...portfolio.LayerRisk) *Snapshot {
		s := &Snapshot{Positions: []Position{held}}
		s.Book.Layers = layers
		return s
	}
	tests := []struct {
		name    string
		snap    *Snapshot
		leg     brokers.Leg
		symbols []string
		layers  []string
		def     string
	}{
		{"one layer lists SPY", snap(layer("ES options", "ES"), layer("SPY options", "SPY")),
			brokers.Leg{Symbol: "SPY P600", Instrument: spyPut, Ratio: -1}, []string{"SPY P600"}, []string{"SPY options"}, "SPY options"},
		{"two layers list SPY: the first is the default", snap(layer("SPY wings", "SPY"), layer("SPY options", "SPY")),
			brokers.Leg{Symbol: "SPY P600", Instrument: spyPut, Ratio: -1}, []string{"SPY P600"}, []string{"SPY wings", "SPY options"}, "SPY wings"},
		{"an ES option by its root, listed as /ES", snap(layer("ES options", "/ES"), layer("SPY options", "SPY")),
			brokers.Leg{Symbol: "ES P6000", Instrument: esPut, Ratio: -1}, []string{"ES P6000"}, []string{"ES options"}, "ES options"},
		{"no layer lists it, but one holds options on it", snap(layer("Wheel", "IWM")),
			brokers.Leg{Symbol: "SPY P600", Instrument: spyPut, Ratio: -1}, []string{"SPY P600"}, nil, "SPY options"},
		{"shares nobody lists: Unassigned", snap(layer("SPY options", "SPY")),
			brokers.Leg{Symbol: "QQQ", Instrument: qqq, Ratio: 1}, []string{"QQQ"}, nil, ""},
		{"a held symbol opens nothing new", snap(layer("SPY options", "SPY")),
			brokers.Leg{Symbol: held.Symbol, Instrument: held.Instrument, Ratio: 1}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filingOf(tt.snap, brokers.Order{Legs: []brokers.Leg{tt.leg}, Quantity: 1})
			if !slices.Equal(f.Symbols, tt.symbols) || !slices.Equal(f.Layers, tt.layers) || f.Default != tt.def {
				t.Errorf("filing %+v, want symbols %v layers %v default %q", f, tt.symbols, tt.layers, tt.def)
			}
			if f.Ask() != (len(tt.layers) > 1) {
				t.Errorf("Ask = %v", f.Ask())
			}
			// The spiral guard weighs a new leg in the layer it is filed under.
			if len(tt.symbols) > 0 {
				if g := layerOfLeg(tt.snap, tt.leg); g != tt.def {
					t.Errorf("the spiral guard weighs it in %q, filed under %q", g, tt.def)
				}
			}
		})
	}
}
