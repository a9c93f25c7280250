package brokers

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestLiquidityChain(t *testing.T) {
	exp := time.Date(2026, 12, 18, 16, 0, 0, 0, instrument.NewYork)
	put := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Expiry: exp,
		Multiplier: 100, Right: pricing.Put, Strike: 640, Style: pricing.American}
	c := Chain{Underlying: "SPY", Expiry: exp, Price: decimal.RequireFromString("660.12"), Strikes: []Strike{{
		Strike: 640,
		Put: Quote{Symbol: "SPY   261218P00640000", Instrument: put, Bid: decimal.RequireFromString("4.15"),
			Ask: decimal.RequireFromString("4.20"), BidSize: 12, AskSize: 30, Volume: 900, OpenInterest: 15000,
			Underlying: decimal.RequireFromString("660.12"), IV: 0.19},
	}}}
	got := LiquidityChain(c)
	if len(got.Quotes) != 1 || got.Price != 660.12 {
		t.Fatalf("LiquidityChain = %+v, want the put alone at 660.12", got)
	}
	q := got.Quotes[0]
	if q.Symbol != "SPY   261218P00640000" || q.Bid != 4.15 || q.Ask != 4.2 || q.BidSize != 12 || q.AskSize != 30 ||
		q.Volume != 900 || q.OpenInterest != 15000 || q.Underlying != 660.12 || q.IV != 0.19 || q.Instrument != put {
		t.Errorf("quote = %+v", q)
	}
}
