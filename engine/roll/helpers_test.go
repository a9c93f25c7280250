package roll

import (
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)

const rate = 0.04

// market is a synthetic product for the tests: one underlying at price s with a flat vol,
// and the instrument of an option on it.
type market struct {
	root, underlying string
	s, vol, div      float64
	option           func(exp time.Time, r pricing.Right, k float64) instrument.Instrument
}

func spyMarket(s float64) market {
	return market{root: "SPY", underlying: "SPY", s: s, vol: 0.18, div: 0.012,
		option: func(exp time.Time, r pricing.Right, k float64) instrument.Instrument {
			return instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Expiry: exp,
				Multiplier: 100, Right: r, Strike: k, Style: pricing.American, Beta: 1, Benchmark: "SPY", Leverage: 1, Reference: "SPY"}
		}}
}

func esMarket(f float64) market {
	return market{root: "ES", underlying: "ESZ6", s: f, vol: 0.17,
		option: func(exp time.Time, r pricing.Right, k float64) instrument.Instrument {
			return instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESZ6", Expiry: exp,
				Multiplier: 50, Right: r, Strike: k, Style: pricing.European, ContractYear: 2026, ContractMonth: time.December,
				Beta: 1, Benchmark: "SPY"}
		}}
}

// expiry is the PM close n calendar days after now (16:00 New York).
func expiry(days int) time.Time {
	d := now.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, instrument.NewYork)
}

// fair is the model price of an option of mk (European: quotes only need to be consistent).
func (mk market) fair(in instrument.Instrument) float64 {
	o := pricing.Option{Style: pricing.European, Right: in.Right, Spot: mk.s, Strike: in.Strike,
		Years: instrument.YearFraction(now, in.Expiry), Rate: rate, Carry: rate - mk.div, Vol: mk.vol}
	if in.Kind == instrument.FuturesOption {
		o.Underlying = pricing.Futures
	}
	p, err := pricing.Price(o)
	if err != nil {
		panic(err)
	}
	return p
}

// quote is a tick-rounded market around the fair price with the activity of a liquid
// option near the money thinning away from it.
func (mk market) quote(in instrument.Instrument) liquidity.Quote {
	p := mk.fair(in)
	half := 0.005*p + 0.005
	tb, ta := instrument.Tick(in, math.Max(0, p-half)), instrument.Tick(in, p+half)
	bid := math.Max(0, math.Round((p-half)/tb)*tb)
	ask := math.Round((p+half)/ta) * ta
	if ask < bid+ta {
		ask = bid + ta
	}
	bid, ask = math.Round(bid*100)/100, math.Round(ask*100)/100
	z := math.Abs(math.Log(in.Strike/mk.s)) / 0.05
	liq := math.Exp(-z * z / 2)
	return liquidity.Quote{Symbol: in.Symbol(), Instrument: in, Bid: bid, Ask: ask,
		BidSize: 20 + int64(200*liq), AskSize: 20 + int64(200*liq),
		Volume: 50 + int64(5000*liq), OpenInterest: 200 + int64(40000*liq), Underlying: mk.s, IV: mk.vol}
}

// chains lists every expiry of days and every strike of strikes, calls and puts.
func (mk market) chains(days []int, strikes []float64) []liquidity.Chain {
	out := make([]liquidity.Chain, 0, len(days))
	for _, d := range days {
		exp := expiry(d)
		ch := liquidity.Chain{Underlying: mk.underlying, Expiry: exp, Price: mk.s}
		for _, k := range strikes {
			for _, r := range []pricing.Right{pricing.Call, pricing.Put} {
				ch.Quotes = append(ch.Quotes, mk.quote(mk.option(exp, r, k)))
			}
		}
		out = append(out, ch)
	}
	return out
}

// revalue values positions on mk's chains (marks at mid, vol from the quote).
func revalue(t testing.TB, mk market, ps []portfolio.Position, layers []portfolio.Layer) portfolio.Book {
	t.Helper()
	m := portfolio.Market{Now: now, Rate: rate, DividendYield: map[string]float64{mk.underlying: mk.div},
		Quotes: map[string]portfolio.Quote{}, Underlyings: map[string]float64{mk.underlying: mk.s, "SPY": 660}}
	if mk.underlying == "SPY" {
		m.Underlyings["SPY"] = mk.s
	}
	for _, p := range ps {
		if p.Instrument.IsOption() {
			q := mk.quote(p.Instrument)
			m.Quotes[p.ID] = portfolio.Quote{Underlying: mk.s, Price: q.Mid(), Vol: mk.vol}
		}
	}
	book, err := portfolio.Revalue(ps, m, portfolio.Config{Layers: layers})
	if err != nil {
		t.Fatal(err)
	}
	return book
}

func strikes(lo, hi, step float64) []float64 {
	var ks []float64
	for k := lo; k <= hi+1e-9; k += step {
		ks = append(ks, k)
	}
	return ks
}
