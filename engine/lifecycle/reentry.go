package lifecycle

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/roll"
)

// ReEntryRequest asks for the options a layer goes back into: Need calls and puts (a
// Track's Need), on the product whose chains are given, at Now.
type ReEntryRequest struct {
	Layer         string
	Need          LayerCount
	Now           time.Time
	Rate          float64
	DividendYield float64 // of the underlying stock or ETF; 0 for futures options
}

// ReEntry is the recommended strangle (or the side missing from one), as order legs the
// ticket can stage: every leg sells to open. NetMid and NetNatural are the credit in
// dollars at mid and at the bids. Liquidity is the worst leg's verdict.
type ReEntry struct {
	Layer      string            `json:"layer"`
	Expiry     time.Time         `json:"expiry"`
	DTE        float64           `json:"dte"`
	Price      float64           `json:"price"` // the underlying's price in the chosen chain
	Calls      int64             `json:"calls"`
	Puts       int64             `json:"puts"`
	Legs       []roll.Leg        `json:"legs"`
	NetMid     float64           `json:"net_mid"`
	NetNatural float64           `json:"net_natural"`
	Liquidity  liquidity.Verdict `json:"liquidity"`
	Reason     string            `json:"reason"`
}

// PlanReEntry picks the expiry whose days to expiry are nearest Settings.ReEntryDays within
// [ReEntryMinDays, ReEntryMaxDays] and, on it, for each right needed the out-of-the-money
// option whose |delta| is nearest Settings.ReEntryDelta among those that pass the liquidity
// checklist for the size (warnings allowed) with |delta| within half to twice the target;
// when none does, the nearest one, and the plan's Liquidity says fail. Deltas are European
// (Black–Scholes with carry r − q, Black-76 on a future) at the quote's implied volatility,
// or one implied from its mid: at these deltas the early-exercise premium of an American
// equity option moves them by far less than a strike step.
func PlanReEntry(chains []liquidity.Chain, r ReEntryRequest, s Settings) (ReEntry, error) {
	if err := s.Validate(); err != nil {
		return ReEntry{}, err
	}
	calls, puts := int64(math.Round(r.Need.Calls)), int64(math.Round(r.Need.Puts))
	if calls < 0 || puts < 0 || calls+puts == 0 {
		return ReEntry{}, fmt.Errorf("lifecycle: re-entry of layer %q needs calls or puts to open (calls %g, puts %g)", r.Layer, r.Need.Calls, r.Need.Puts)
	}
	if math.IsNaN(r.Rate) || math.IsInf(r.Rate, 0) || math.IsNaN(r.DividendYield) || math.IsInf(r.DividendYield, 0) {
		return ReEntry{}, fmt.Errorf("lifecycle: re-entry: rate %g and dividend yield %g must be finite", r.Rate, r.DividendYield)
	}
	best := -1
	for i, c := range chains {
		d := c.Expiry.Sub(r.Now).Hours() / 24
		if d < s.ReEntryMinDays || d > s.ReEntryMaxDays || len(c.Quotes) == 0 {
			continue
		}
		if best < 0 || math.Abs(d-s.ReEntryDays) < math.Abs(chains[best].Expiry.Sub(r.Now).Hours()/24-s.ReEntryDays) {
			best = i
		}
	}
	if best < 0 {
		return ReEntry{}, fmt.Errorf("lifecycle: re-entry of layer %q: no chain expires within %g to %g days of %s", r.Layer, s.ReEntryMinDays, s.ReEntryMaxDays, r.Now.Format("2006-01-02"))
	}
	ch := chains[best]
	out := ReEntry{Layer: r.Layer, Expiry: ch.Expiry, DTE: ch.Expiry.Sub(r.Now).Hours() / 24, Price: ch.Price, Calls: calls, Puts: puts}
	words := ""
	for _, side := range []struct {
		right pricing.Right
		n     int64
	}{{pricing.Put, puts}, {pricing.Call, calls}} {
		if side.n == 0 {
			continue
		}
		leg, note, err := pick(ch, side.right, side.n, r, s)
		if err != nil {
			return ReEntry{}, err
		}
		out.Legs = append(out.Legs, leg)
		out.NetMid += (leg.Bid + leg.Ask) / 2 * float64(leg.Quantity) * leg.Multiplier
		out.NetNatural += leg.Bid * float64(leg.Quantity) * leg.Multiplier
		out.Liquidity = out.Liquidity.Worse(leg.Liquidity.Verdict)
		if words != "" {
			words += " and "
		}
		words += fmt.Sprintf("sell %d %s (delta %.2f)%s", leg.Quantity, leg.Symbol, leg.Delta, note)
	}
	out.Reason = fmt.Sprintf("%s, %.0f days out, for $%.0f at mid ($%.0f at the bids); liquidity %s",
		words, out.DTE, out.NetMid, out.NetNatural, out.Liquidity)
	return out, nil
}

type scored struct {
	q     liquidity.Quote
	delta float64
}

func pick(ch liquidity.Chain, right pricing.Right, n int64, r ReEntryRequest, s Settings) (roll.Leg, string, error) {
	years := instrument.YearFraction(r.Now, ch.Expiry)
	var cands []scored
	for _, q := range ch.Quotes {
		in := q.Instrument
		if in.Right != right || !(q.Underlying > 0) || !(q.Ask > 0) {
			continue
		}
		if (right == pricing.Put && in.Strike >= q.Underlying) || (right == pricing.Call && in.Strike <= q.Underlying) {
			continue // out of the money only
		}
		o := pricing.Option{Style: pricing.European, Underlying: pricing.Spot, Right: right, Spot: q.Underlying, Strike: in.Strike,
			Years: years, Rate: r.Rate, Carry: r.Rate - r.DividendYield, Vol: q.IV}
		if in.Kind == instrument.FuturesOption {
			o.Underlying = pricing.Futures
		}
		if !(o.Vol > 0) {
			v, err := pricing.ImpliedVol(o, q.Mid())
			if err != nil {
				continue
			}
			o.Vol = v
		}
		g, err := pricing.Value(o)
		if err != nil {
			continue
		}
		cands = append(cands, scored{q, math.Abs(g.Delta)})
	}
	if len(cands) == 0 {
		return roll.Leg{}, "", fmt.Errorf("lifecycle: re-entry: the %s chain has no out-of-the-money %s to value", ch.Expiry.Format("2006-01-02"), right)
	}
	target := s.ReEntryDelta
	slices.SortStableFunc(cands, func(a, b scored) int {
		da, db := math.Abs(a.delta-target), math.Abs(b.delta-target)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	chosen, note := -1, ""
	var res liquidity.Result
	for i, c := range cands {
		if c.delta < target/2 || c.delta > 2*target {
			break
		}
		rs, err := s.Liquidity.Check(c.q, n)
		if err != nil {
			return roll.Leg{}, "", fmt.Errorf("lifecycle: re-entry: %w", err)
		}
		if rs.Verdict != liquidity.Fail {
			chosen, res = i, rs
			break
		}
	}
	if chosen < 0 {
		chosen = 0
		rs, err := s.Liquidity.Check(cands[0].q, n)
		if err != nil {
			return roll.Leg{}, "", fmt.Errorf("lifecycle: re-entry: %w", err)
		}
		res, note = rs, " — no "+right.String()+" near the target delta passes the liquidity checklist"
	}
	c := cands[chosen]
	in := c.q.Instrument
	return roll.Leg{Symbol: c.q.Symbol, Side: roll.Sell, Effect: roll.Open, Quantity: n, Multiplier: in.Multiplier,
		Bid: c.q.Bid, Ask: c.q.Ask, Expiry: ch.Expiry, Strike: in.Strike, Right: right.String(),
		DTE: ch.Expiry.Sub(r.Now).Hours() / 24, Delta: c.delta * sign(right), Liquidity: res}, note, nil
}

func sign(r pricing.Right) float64 {
	if r == pricing.Put {
		return -1
	}
	return 1
}
