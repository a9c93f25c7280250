package data

import (
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestSymbol(t *testing.T) {
	// Futures month codes: F G H J K M N Q U V X Z for January to December (CME).
	dec26 := time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)
	nov26 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   instrument.Instrument
		want string
	}{
		{instrument.Instrument{Kind: instrument.Stock, Root: "SPY", Multiplier: 1}, "SPY"},
		{instrument.Instrument{Kind: instrument.Future, Root: "ES", Expiry: dec26, Multiplier: 50}, "ESZ26"},
		{instrument.Instrument{Kind: instrument.Future, Root: "MES", Expiry: time.Date(2027, 3, 19, 0, 0, 0, 0, time.UTC), Multiplier: 5}, "MESH27"},
		{spyOption(pricing.Put, 450.5, apr17), "SPY 2026-04-17 450.5 P"},
		{instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESZ6", Expiry: nov26, Right: pricing.Call, Strike: 7100, Multiplier: 50}, "ESZ26 2026-11-20 7100 C"},
		{instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESH7", Expiry: dec26, Right: pricing.Put, Strike: 6000, Multiplier: 50}, "ESH27 2026-12-18 6000 P"},
		{instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESZ26", Expiry: nov26, Right: pricing.Put, Strike: 6000, Multiplier: 50}, "ESZ26 2026-11-20 6000 P"},
	}
	for _, c := range cases {
		if got := Symbol(c.in); got != c.want {
			t.Errorf("%+v: %q, want %q", c.in, got, c.want)
		}
	}
}
