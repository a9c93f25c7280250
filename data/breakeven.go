package data

import (
	"sort"

	"github.com/shopspring/decimal"
)

// payoffLeg is an open position as it pays at expiry: Quantity signed contracts, Multiplier
// units per point; an option pays its intrinsic value, shares and futures pay the price.
type payoffLeg struct {
	Quantity   decimal.Decimal
	Multiplier decimal.Decimal
	Option     bool
	Put        bool
	Strike     decimal.Decimal
}

// value is what the leg is worth, in money, with the underlying at s.
func (l payoffLeg) value(s decimal.Decimal) decimal.Decimal {
	per := s
	if l.Option {
		per = s.Sub(l.Strike)
		if l.Put {
			per = per.Neg()
		}
		if per.Sign() < 0 {
			per = decimal.Zero
		}
	}
	return l.Quantity.Mul(l.Multiplier).Mul(per)
}

// breakevens returns the underlying prices (≥ 0, ascending, 4 decimals) at which cash plus
// the open legs' value at expiry is zero: where the trade as a whole breaks even if held to
// expiry. cash is everything received so far, costs included (negative for a net debit).
// Options of different expiries are all valued at their intrinsic value, so for calendars
// this is the breakeven at the first expiry as if the later options had no time value left.
// There are none when no leg is open or the payoff never crosses zero.
func breakevens(cash decimal.Decimal, legs []payoffLeg) []decimal.Decimal {
	if len(legs) == 0 {
		return nil
	}
	points := []decimal.Decimal{decimal.Zero}
	slope := decimal.Zero // of the payoff above the highest strike
	for _, l := range legs {
		if l.Option {
			points = append(points, l.Strike)
			if !l.Put {
				slope = slope.Add(l.Quantity.Mul(l.Multiplier))
			}
		} else {
			slope = slope.Add(l.Quantity.Mul(l.Multiplier))
		}
	}
	sort.Slice(points, func(a, b int) bool { return points[a].LessThan(points[b]) })
	uniq := points[:1]
	for _, p := range points[1:] {
		if !p.Equal(uniq[len(uniq)-1]) {
			uniq = append(uniq, p)
		}
	}
	pnl := func(s decimal.Decimal) decimal.Decimal {
		v := cash
		for _, l := range legs {
			v = v.Add(l.value(s))
		}
		return v
	}
	var roots []decimal.Decimal
	add := func(r decimal.Decimal) {
		r = r.Round(4)
		if n := len(roots); n == 0 || !roots[n-1].Equal(r) {
			roots = append(roots, r)
		}
	}
	vals := make([]decimal.Decimal, len(uniq))
	for i, p := range uniq {
		vals[i] = pnl(p)
	}
	for i := 0; i+1 < len(uniq); i++ {
		v0, v1 := vals[i], vals[i+1]
		if v0.IsZero() {
			add(uniq[i])
			continue
		}
		if !v1.IsZero() && v0.Sign() != v1.Sign() {
			// Linear between the two points: s = b0 − v0 × (b1 − b0) / (v1 − v0).
			add(uniq[i].Sub(v0.Mul(uniq[i+1].Sub(uniq[i])).DivRound(v1.Sub(v0), 12)))
		}
	}
	last, vl := uniq[len(uniq)-1], vals[len(vals)-1]
	if vl.IsZero() {
		add(last)
	} else if !slope.IsZero() && vl.Sign() != slope.Sign() {
		add(last.Sub(vl.DivRound(slope, 12)))
	}
	return roots
}
