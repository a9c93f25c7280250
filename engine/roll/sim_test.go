package roll

import (
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/sim"
)

// fromSim is a simulated-market quote in the engine's liquidity units (what
// brokers.LiquidityQuote does for the paper broker's decimal quotes).
func fromSim(q sim.Quote) liquidity.Quote {
	return liquidity.Quote{Symbol: q.Symbol, Instrument: q.Instrument, Bid: q.Bid, Ask: q.Ask, BidSize: q.BidSize,
		AskSize: q.AskSize, Volume: q.Volume, OpenInterest: q.OpenInterest, Underlying: q.Underlying, IV: q.IV}
}

// TestOnSimulatedMarket plans a short strangle on SPY and one on ES on the paper account's
// simulated market (seed 1, an hour into the 20 Nov 2026 session): every plan has rolls,
// never adds contracts, and its money adds up from the market's own quotes; the liquidity
// report of the held expiry judges every row.
func TestOnSimulatedMarket(t *testing.T) {
	start := time.Date(2026, 11, 20, 9, 30, 0, 0, instrument.NewYork)
	m, err := sim.New(sim.Config{Seed: 1, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	m.Advance(start.Add(time.Hour))
	for _, tc := range []struct{ underlying, root string }{{"SPY", "SPY"}, {"ESZ6", "ES"}} {
		t.Run(tc.underlying, func(t *testing.T) {
			var chains []liquidity.Chain
			var held time.Time
			for _, exp := range m.Expirations(tc.underlying) {
				days := exp.Sub(m.Now()).Hours() / 24
				if days > 61 {
					break
				}
				if held.IsZero() && days > 10 {
					held = exp
				}
				ch := liquidity.Chain{Underlying: tc.underlying, Expiry: exp}
				for _, q := range m.Chain(tc.underlying, exp) {
					ch.Quotes = append(ch.Quotes, fromSim(q))
					ch.Price = q.Underlying
				}
				chains = append(chains, ch)
			}
			var heldChain liquidity.Chain
			for _, ch := range chains {
				if ch.Expiry.Equal(held) {
					heldChain = ch
				}
			}
			s := heldChain.Price
			// The strangle: the put nearest 0.97 × S and the call nearest 1.04 × S.
			pick := func(r pricing.Right, k float64) liquidity.Quote {
				best := liquidity.Quote{}
				for _, q := range heldChain.Quotes {
					if q.Instrument.Right == r && (best.Symbol == "" || math.Abs(q.Instrument.Strike-k) < math.Abs(best.Instrument.Strike-k)) {
						best = q
					}
				}
				return best
			}
			put, call := pick(pricing.Put, 0.97*s), pick(pricing.Call, 1.04*s)
			ps := []portfolio.Position{
				{ID: "put", Instrument: put.Instrument, Quantity: -3, Layer: "strangle"},
				{ID: "call", Instrument: call.Instrument, Quantity: -3, Layer: "strangle"},
			}
			mk := portfolio.Market{Now: m.Now(), Rate: m.Rate(), DividendYield: map[string]float64{"SPY": m.DividendYield("SPY")},
				Quotes: map[string]portfolio.Quote{
					"put":  {Underlying: s, Price: put.Mid(), Vol: put.IV},
					"call": {Underlying: s, Price: call.Mid(), Vol: call.IV}},
				Underlyings: map[string]float64{"SPY": 660, tc.underlying: s}}
			if tc.underlying == "SPY" {
				mk.Underlyings["SPY"] = s
			}
			book, err := portfolio.Revalue(ps, mk, portfolio.Config{Layers: []portfolio.Layer{{Name: "strangle", Bias: portfolio.Short}}})
			if err != nil {
				t.Fatal(err)
			}
			plans, err := PlanLayer(book, "strangle", Market{Chains: chains, DividendYield: mk.DividendYield}, DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			if len(plans) != 2 {
				t.Fatalf("%d plans", len(plans))
			}
			for _, p := range plans {
				if p.Problem != "" {
					t.Fatalf("%s: %s", p.Position.Symbol, p.Problem)
				}
				rolls := 0
				for _, c := range p.Candidates {
					checkNet(t, c)
					if c.NewContracts > 3 || c.After.Contracts > p.Before.Contracts {
						t.Fatalf("%s: candidate %d opens %d", p.Position.Symbol, c.Rank, c.NewContracts)
					}
					if c.Shape != CloseOnly {
						rolls++
					}
				}
				if rolls == 0 {
					t.Errorf("%s (%s): no roll on the simulated market", p.Position.Symbol, p.Tested)
				}
				t.Logf("%s %s, target %.2f: best %s", p.Position.Symbol, p.Tested, p.TargetDelta, p.Candidates[0].Why)
			}
			rep, err := liquidity.BuildReport(m.Now(), heldChain, 3, liquidity.DefaultRules())
			if err != nil {
				t.Fatal(err)
			}
			count := map[liquidity.Verdict]int{}
			for _, row := range rep.Rows {
				count[row.Verdict]++
				if (row.Verdict == liquidity.Fail) != (len(row.Reasons) > 0 && hasFail(row.Checks)) {
					t.Fatalf("row %s: verdict %s, reasons %v", row.Symbol, row.Verdict, row.Reasons)
				}
			}
			t.Logf("%s %s: %d rows: %d pass, %d warn, %d fail", tc.underlying, rep.Expiry, len(rep.Rows),
				count[liquidity.Pass], count[liquidity.Warn], count[liquidity.Fail])
			if count[liquidity.Pass] == 0 || count[liquidity.Fail] == 0 {
				t.Errorf("a simulated chain should have liquid and illiquid rows: %v", count)
			}
		})
	}
}

func hasFail(cs []liquidity.Check) bool {
	for _, c := range cs {
		if c.Verdict == liquidity.Fail {
			return true
		}
	}
	return false
}
