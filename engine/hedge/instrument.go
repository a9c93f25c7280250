package hedge

import (
	"fmt"
	"math"
	"strings"

	"github.com/keel-desk/keel/engine/instrument"
)

// Lot is one tradable unit of a hedge instrument: one futures contract or one share.
// Delta is the exposure one lot adds, in units of the hedged underlying (ES hedging SPY:
// 50 × ES/SPY ≈ 500 SPY shares; one SH share hedging SPY: −1 × SH/SPY ≈ −0.08 SPY shares).
// Commission and HalfSpread are dollars per lot (HalfSpread is half the quoted spread ×
// the multiplier: what crossing the spread costs against the mid).
type Lot struct {
	Symbol     string
	Delta      float64
	Commission float64
	HalfSpread float64
}

// Cost is the expected dollars to trade one lot: commission plus half the spread.
func (l Lot) Cost() float64 { return l.Commission + l.HalfSpread }

// Instrument is what a layer hedges with: one or more lot sizes of the same exposure,
// largest |Delta| first (ES then MES). Orders are whole lots, never fractions.
type Instrument struct {
	Name string
	Lots []Lot
}

// Validate reports an instrument no order can be rounded to.
func (h Instrument) Validate() error {
	if len(h.Lots) == 0 {
		return fmt.Errorf("hedge: instrument %q has no lots", h.Name)
	}
	for i, l := range h.Lots {
		if !(math.Abs(l.Delta) > 0) || math.IsInf(l.Delta, 0) {
			return fmt.Errorf("hedge: %s lot %q Delta %g must be a non-zero finite number", h.Name, l.Symbol, l.Delta)
		}
		if !(l.Commission >= 0) || !(l.HalfSpread >= 0) || math.IsInf(l.Cost(), 0) {
			return fmt.Errorf("hedge: %s lot %q costs %g + %g must be finite and not negative", h.Name, l.Symbol, l.Commission, l.HalfSpread)
		}
		if i > 0 && math.Abs(l.Delta) > math.Abs(h.Lots[i-1].Delta) {
			return fmt.Errorf("hedge: %s lots must be ordered largest first (%q after %q)", h.Name, l.Symbol, h.Lots[i-1].Symbol)
		}
		if i > 0 && (l.Delta > 0) != (h.Lots[0].Delta > 0) {
			return fmt.Errorf("hedge: %s lot %q has the opposite sign of %q", h.Name, l.Symbol, h.Lots[0].Symbol)
		}
	}
	return nil
}

// ProportionalCost is λ, the cost of trading as a fraction of the underlying value
// traded: (commission + half-spread) of the smallest lot ÷ (|Delta| × spot). It is the
// conservative choice — the smallest lot is usually the dearest per unit of delta.
func (h Instrument) ProportionalCost(spot float64) float64 {
	l := h.Lots[len(h.Lots)-1]
	return l.Cost() / (math.Abs(l.Delta) * spot)
}

// Shares hedges with the underlying itself (or any stock whose one share is one unit of
// the underlying): Delta 1 per share.
func Shares(symbol string, commission, halfSpread float64) Instrument {
	return Instrument{Name: symbol, Lots: []Lot{{Symbol: symbol, Delta: 1, Commission: commission, HalfSpread: halfSpread}}}
}

// FuturesCost is the commission and half-spread of one contract, in dollars.
type FuturesCost struct{ Commission, HalfSpread float64 }

// Futures hedges with futures roots (e.g. "ES", "MES"), largest multiplier first. One
// contract's delta in underlying units is Multiplier × futuresPrice ÷ underlyingPrice ×
// beta, where beta is the % move of the futures per 1% move of the underlying (1 when the
// futures track the underlying's own index: ES on SPY, whose price ratio ES/SPY ≈ 10
// makes one ES ≈ 500 SPY shares and one MES ≈ 50; about 1/1.15 for ES hedging QQQ).
// costs holds one entry per root. Multipliers come from instrument.LookupFutures.
func Futures(roots []string, costs []FuturesCost, futuresPrice, underlyingPrice, beta float64) (Instrument, error) {
	if len(roots) == 0 || len(costs) != len(roots) {
		return Instrument{}, fmt.Errorf("hedge: futures need one cost per root (%d roots, %d costs)", len(roots), len(costs))
	}
	if !(futuresPrice > 0) || !(underlyingPrice > 0) || math.IsInf(futuresPrice, 0) || math.IsInf(underlyingPrice, 0) {
		return Instrument{}, fmt.Errorf("hedge: futures price %g and underlying price %g must be positive", futuresPrice, underlyingPrice)
	}
	if beta == 0 || math.IsNaN(beta) || math.IsInf(beta, 0) {
		return Instrument{}, fmt.Errorf("hedge: futures beta %g must be a non-zero finite number", beta)
	}
	h := Instrument{Name: strings.Join(roots, "/")}
	for i, root := range roots {
		spec, ok := instrument.LookupFutures(root)
		if !ok {
			return Instrument{}, fmt.Errorf("hedge: unknown futures root %q", root)
		}
		h.Lots = append(h.Lots, Lot{
			Symbol:     root,
			Delta:      spec.Multiplier * futuresPrice / underlyingPrice * beta,
			Commission: costs[i].Commission,
			HalfSpread: costs[i].HalfSpread,
		})
	}
	return h, h.Validate()
}

// ETF hedges with a (possibly leveraged or inverse) ETF. One share's delta in underlying
// units is leverage × beta × etfPrice ÷ underlyingPrice, where leverage is the ETF's daily
// factor on its reference (SH −1 × SPY, SQQQ −3 × QQQ) and beta the % move of that
// reference per 1% move of the hedged underlying (1 when the reference is the underlying).
func ETF(symbol string, etfPrice, leverage, beta, underlyingPrice, commission, halfSpread float64) (Instrument, error) {
	if !(etfPrice > 0) || !(underlyingPrice > 0) || math.IsInf(etfPrice, 0) || math.IsInf(underlyingPrice, 0) {
		return Instrument{}, fmt.Errorf("hedge: %s price %g and underlying price %g must be positive", symbol, etfPrice, underlyingPrice)
	}
	h := Instrument{Name: symbol, Lots: []Lot{{
		Symbol:     symbol,
		Delta:      leverage * beta * etfPrice / underlyingPrice,
		Commission: commission,
		HalfSpread: halfSpread,
	}}}
	return h, h.Validate()
}

// Fill is one line of a hedge order: Quantity whole lots of Symbol (positive buys,
// negative sells), adding Delta underlying units at an expected Cost in dollars.
type Fill struct {
	Symbol   string
	Quantity int
	Delta    float64
	Cost     float64
}

// Order is a hedge order in whole lots. Delta is the total underlying units it adds and
// Cost its expected commission plus half-spread, in dollars.
type Order struct {
	Lines []Fill
	Delta float64
	Cost  float64
}

// Empty reports whether the order trades nothing.
func (o Order) Empty() bool { return len(o.Lines) == 0 }

// String is the order in words: "sell 1 ES and 3 MES".
func (o Order) String() string {
	if o.Empty() {
		return "trade nothing"
	}
	var buys, sells []string
	for _, l := range o.Lines {
		s := fmt.Sprintf("%d %s", abs(l.Quantity), l.Symbol)
		if l.Quantity > 0 {
			buys = append(buys, s)
		} else {
			sells = append(sells, s)
		}
	}
	var parts []string
	if len(buys) > 0 {
		parts = append(parts, "buy "+strings.Join(buys, " and "))
	}
	if len(sells) > 0 {
		parts = append(parts, "sell "+strings.Join(sells, " and "))
	}
	return strings.Join(parts, ", ")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// MaxLots is the most lots one hedge order may trade. A wanted change beyond it (or not
// a finite number) is an error, never an order.
const MaxLots = 1e8

// Round turns a wanted change of delta (underlying units) into whole lots. The change is
// first rounded to the nearest multiple of the smallest lot; when a larger lot is a whole
// multiple of the smallest (ES = 10 MES) as many large lots as fit are used and the rest
// in small ones (1.3 ES-equivalents → 1 ES + 3 MES; 0.96 → 1 ES); a larger lot that is
// not a whole multiple is filled greedily toward zero first. h must be valid. A change
// that is not finite, or needs more than MaxLots, is an error naming it.
func (h Instrument) Round(change float64) (Order, error) {
	small := h.Lots[len(h.Lots)-1]
	return h.order(math.Round(change/small.Delta), change) // in smallest lots
}

// order splits n smallest-lot equivalents over the lots; change is the wanted change it
// came from, for the error.
func (h Instrument) order(n, change float64) (Order, error) {
	if math.IsNaN(n) || math.Abs(n) > MaxLots {
		return Order{}, fmt.Errorf("hedge: a change of %g underlying units in %s is not a finite order of at most %.0f lots", change, h.Name, float64(MaxLots))
	}
	small := h.Lots[len(h.Lots)-1]
	rest := n * small.Delta // underlying units still to place
	var o Order
	for i, l := range h.Lots {
		var q float64
		if i == len(h.Lots)-1 {
			q = math.Round(rest / l.Delta)
		} else if ratio := l.Delta / small.Delta; math.Abs(ratio-math.Round(ratio)) < 1e-9 {
			q = math.Trunc(math.Round(rest/small.Delta) / math.Round(ratio))
		} else {
			q = math.Trunc(rest / l.Delta)
		}
		if q == 0 {
			continue
		}
		rest -= q * l.Delta
		f := Fill{Symbol: l.Symbol, Quantity: int(q), Delta: q * l.Delta, Cost: math.Abs(q) * l.Cost()}
		o.Lines = append(o.Lines, f)
		o.Delta += f.Delta
		o.Cost += f.Cost
	}
	return o, nil
}

// roundInto rounds a trade from delta toward aim and, when that leaves the result outside
// [lo, hi] but one more smallest lot in the same direction lands inside, takes it. Used by
// the band policies so rounding never leaves the book outside the band it was brought to.
func (h Instrument) roundInto(delta, aim, lo, hi float64) (Order, error) {
	small := h.Lots[len(h.Lots)-1]
	n := math.Round((aim - delta) / small.Delta)
	o, err := h.order(n, aim-delta)
	if err != nil {
		return Order{}, err
	}
	after := delta + o.Delta
	if after >= lo-1e-9 && after <= hi+1e-9 {
		return o, nil
	}
	step := math.Copysign(1, (aim-delta)/small.Delta)
	if o2, err := h.order(n+step, aim-delta); err == nil {
		if a2 := delta + o2.Delta; a2 >= lo-1e-9 && a2 <= hi+1e-9 {
			return o2, nil
		}
	}
	return o, nil
}
