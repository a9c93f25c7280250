package brokers

import "github.com/keel-desk/keel/engine/liquidity"

// LiquidityQuote is q in the engine's units for the liquidity rules and the roll planner
// (prices as float64; the engine never imports brokers).
func LiquidityQuote(q Quote) liquidity.Quote {
	return liquidity.Quote{Symbol: q.Symbol, Instrument: q.Instrument,
		Bid: q.Bid.InexactFloat64(), Ask: q.Ask.InexactFloat64(), BidSize: q.BidSize, AskSize: q.AskSize,
		Volume: q.Volume, OpenInterest: q.OpenInterest, Underlying: q.Underlying.InexactFloat64(), IV: q.IV}
}

// LiquidityChain is c in the engine's units: every call and put of the chain, by strike (a
// side the broker left empty, with no symbol, is skipped).
func LiquidityChain(c Chain) liquidity.Chain {
	out := liquidity.Chain{Underlying: c.Underlying, Expiry: c.Expiry, Price: c.Price.InexactFloat64(),
		Quotes: make([]liquidity.Quote, 0, 2*len(c.Strikes))}
	for _, s := range c.Strikes {
		for _, q := range [2]Quote{s.Call, s.Put} {
			if q.Symbol != "" {
				out.Quotes = append(out.Quotes, LiquidityQuote(q))
			}
		}
	}
	return out
}
