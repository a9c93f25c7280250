package desk

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

func TestOrderMoneyWords(t *testing.T) {
	put := brokers.Leg{Symbol: "SPY   261218P00600000", Ratio: -1,
		Instrument: instrument.Instrument{Kind: instrument.Option, Root: "SPY", Multiplier: 100}}
	esPut := brokers.Leg{Symbol: "./ESZ6 EW3Z6 261218P6000", Ratio: -1,
		Instrument: instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Multiplier: 50}}
	shares := brokers.Leg{Symbol: "SPY", Ratio: 1, Instrument: instrument.Instrument{Kind: instrument.Stock, Root: "SPY"}}
	future := brokers.Leg{Symbol: "/ESZ6", Ratio: 1, Instrument: instrument.Instrument{Kind: instrument.Future, Root: "ES", Multiplier: 50}}
	d := decimal.RequireFromString
	tests := []struct {
		name            string
		legs            []brokers.Leg
		net             string
		units           int64
		commission, fee string // "" unknown
		want            string
		wantNet         string
	}{
		// The example: a 1.51 credit, $1.00 + $1.00 of costs: the journal records
		// premium $151.00, commission and fees $2.00.
		{"sold put", []brokers.Leg{put}, "-1.51", 1, "1.00", "1.00",
			"premium $151.00 received, costs $2.00, net $149.00 received", "149"},
		{"bought put", []brokers.Leg{put}, "2.35", 2, "2.00", "0.10",
			"premium $470.00 paid, costs $2.10, net $472.10 paid", "-472.1"},
		{"costs unknown", []brokers.Leg{put}, "-1.51", 3, "", "", "premium $453.00 received, before costs", "453"},
		{"costs above a tiny credit", []brokers.Leg{put}, "-0.01", 1, "1.00", "0.50",
			"premium $1.00 received, costs $1.50, net $0.50 paid", "-0.5"},
		{"ES put at 26.375 for 500", []brokers.Leg{esPut}, "-26.375", 500, "750.00", "500.00",
			"premium $659,375.00 received, costs $1,250.00, net $658,125.00 received", "658125"},
		{"shares", []brokers.Leg{shares}, "660.10", 10, "0", "0", "amount $6,601.00 paid, costs $0.00, net $6,601.00 paid", "-6601"},
		{"future", []brokers.Leg{future}, "6000.25", 1, "1.50", "1.00", "futures: no premium changes hands, costs $2.50", "-2.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MoneyOf(tt.legs, d(tt.net), tt.units)
			if tt.commission != "" {
				m = m.WithCosts(d(tt.commission), d(tt.fee))
			}
			if got := m.Words(false); got != tt.want {
				t.Errorf("Words = %q, want %q", got, tt.want)
			}
			if got := m.Net(); !got.Equal(d(tt.wantNet)) && tt.commission != "" {
				t.Errorf("Net = %s, want %s", got, tt.wantNet)
			}
		})
	}
}
