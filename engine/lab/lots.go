package lab

import (
	"fmt"
	"math"

	"github.com/keel-desk/keel/engine/hedge"
)

// lotting turns a policy's plan into whole lots of the hedge instrument the way
// hedge.Decide does (hedge.Instrument.Round and the band rules), without building an
// Order: the simulation asks it millions of times. A lotting of no lots is divisible.
type lotting struct {
	divisible bool
	lots      []hedge.Lot
	small     hedge.Lot
	ratio     []float64 // lot delta over the smallest lot's, rounded, when a whole multiple; else 0
}

func newLotting(h hedge.Instrument) lotting {
	if len(h.Lots) == 0 {
		return lotting{divisible: true}
	}
	l := lotting{lots: h.Lots, small: h.Lots[len(h.Lots)-1], ratio: make([]float64, len(h.Lots))}
	for i, lot := range h.Lots {
		if r := lot.Delta / l.small.Delta; math.Abs(r-math.Round(r)) < 1e-9 {
			l.ratio[i] = math.Round(r)
		}
	}
	return l
}

// split places n smallest-lot equivalents over the lots, largest first, as
// hedge.Instrument.Round does, and returns the delta they add, their cost and whether any
// lot trades.
func (l *lotting) split(n float64) (delta, cost float64, any bool) {
	rest := n * l.small.Delta
	last := len(l.lots) - 1
	for i := range l.lots {
		lot := &l.lots[i]
		var q float64
		switch {
		case i == last:
			q = math.Round(rest / lot.Delta)
		case l.ratio[i] != 0:
			q = math.Trunc(math.Round(rest/l.small.Delta) / l.ratio[i])
		default:
			q = math.Trunc(rest / lot.Delta)
		}
		if q == 0 {
			continue
		}
		rest -= q * lot.Delta
		delta += q * lot.Delta
		cost += math.Abs(q) * lot.Cost()
		any = true
	}
	return delta, cost, any
}

// execute is the trade a plan asks for from net delta: the change in hedge units, its
// cost in dollars and whether anything trades. A divisible hedge goes exactly to the aim
// at lambda × spot per unit; whole lots follow hedge.Decide: a band narrower than one
// smallest lot aims at the target, otherwise the rounding is nudged by one lot when that
// lands inside the band it was brought to.
func (l *lotting) execute(pl hedge.Planned, net, target, spot, lambda float64) (change, cost float64, ok bool, err error) {
	if l.divisible {
		change = pl.Aim - net
		return change, lambda * spot * math.Abs(change), change != 0, nil
	}
	sd := l.small.Delta
	if pl.Banded && pl.Band.Hi-pl.Band.Lo < math.Abs(sd) {
		n := math.Round((target - net) / sd)
		if err := checkLots(n, target-net); err != nil {
			return 0, 0, false, err
		}
		change, cost, ok = l.split(n)
		return change, cost, ok, nil
	}
	lo, hi := pl.Band.Lo, pl.Band.Hi
	if pl.Aim == target {
		lo, hi = target, target
	}
	lo, hi = math.Min(lo, pl.Aim), math.Max(hi, pl.Aim)
	n := math.Round((pl.Aim - net) / sd)
	if err := checkLots(n, pl.Aim-net); err != nil {
		return 0, 0, false, err
	}
	change, cost, ok = l.split(n)
	if after := net + change; after < lo-1e-9 || after > hi+1e-9 {
		step := math.Copysign(1, (pl.Aim-net)/sd)
		if c2, k2, ok2 := l.split(n + step); net+c2 >= lo-1e-9 && net+c2 <= hi+1e-9 {
			return c2, k2, ok2, nil
		}
	}
	return change, cost, ok, nil
}

func checkLots(n, change float64) error {
	if math.IsNaN(n) || math.Abs(n) > hedge.MaxLots {
		return fmt.Errorf("lab: a change of %g underlying units is not a finite order of at most %.0f lots", change, float64(hedge.MaxLots))
	}
	return nil
}

// SPYShares hedges SPY (or a SPY layer) with SPY shares: no commission (as at most retail
// brokers today) and half of a one-cent spread. These are the lab's default assumptions,
// not quotes: pass your own to hedge.Shares.
func SPYShares() hedge.Instrument { return hedge.Shares("SPY", 0, 0.005) }

// ESFutures hedges ES options with ES and MES futures at price: one ES is 50 index units,
// one MES 5 (multipliers from engine/instrument). Assumed costs per contract, commission
// with exchange fees: ES $2.50, MES $0.85; half of a one-tick (0.25 point) spread: ES
// $6.25, MES $0.625.
func ESFutures(price float64) (hedge.Instrument, error) {
	return hedge.Futures([]string{"ES", "MES"}, []hedge.FuturesCost{{Commission: 2.50, HalfSpread: 6.25}, {Commission: 0.85, HalfSpread: 0.625}}, price, price, 1)
}
