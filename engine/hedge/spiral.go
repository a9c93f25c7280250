package hedge

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// Leg is one option leg of a layer. Quantity is in contracts (negative when short),
// Delta per unit of the underlying for one long option (pricing.Greeks units),
// Multiplier units per contract (100 shares; 50 for ES options). Spot is the price of the
// leg's own underlying (SPY 680, ESZ6 6800), Vol its implied volatility, and Beta its
// underlying's beta to the book's benchmark, leverage included (portfolio.PositionRisk.Beta;
// the desk passes 1 for an underlying with no benchmark, which then counts its own dollars).
type Leg struct {
	Symbol     string
	Right      pricing.Right
	Strike     float64
	Expiry     time.Time
	Quantity   float64
	Delta      float64
	Multiplier float64
	Spot       float64
	Vol        float64
	Beta       float64
}

// dollarsPerDelta is what one unit of per-unit delta on one contract is worth in
// beta-weighted dollars: multiplier × spot × |beta| (an ES option: 50 × 6800 × 1).
func (l Leg) dollarsPerDelta() float64 { return l.Multiplier * l.Spot * math.Abs(l.Beta) }

// positionDelta is the leg's beta-weighted dollar delta, as portfolio's BetaDollarDelta:
// quantity × multiplier × delta × spot × beta.
func (l Leg) positionDelta() float64 { return l.Quantity * l.Multiplier * l.Delta * l.Spot * l.Beta }

func (l Leg) itm() bool {
	if l.Right == pricing.Call {
		return l.Strike < l.Spot
	}
	return l.Strike > l.Spot
}

// Layer is what the spiral guard sees of one layer: its option legs, each with its own
// underlying's price, and what it needs to suggest a roll (Rate for a Black–Scholes
// strike, StrikeStep the listed strike spacing, Now the decision time).
//
// Tactical is the beta-weighted dollar delta of the layer's tactical counter-trades
// (engine/tactical's Exposure, beta-weighted like the legs): futures or shares bought or
// sold against the bias. The guard counts it as exposure no option balances: it adds
// |Tactical| to the imbalance's numerator and denominator, so an open tactical cycle makes
// the layer count as more imbalanced, never less, and an order that adds contracts to the
// untested side is stopped sooner.
type Layer struct {
	Name       string
	Legs       []Leg
	Rate       float64
	StrikeStep float64
	Now        time.Time
	Tactical   float64
}

// Balance is the call side against the put side of a layer. CallDelta and PutDelta are
// the sides' beta-weighted dollar deltas (short calls negative, short puts positive), so
// legs on different underlyings (ES and SPY options in one layer) add up in one unit. Imbalance = |CallDelta + PutDelta| ÷ (|CallDelta| + |PutDelta|): 0 when the
// sides cancel, 1 when one side carries all the delta. Tested is the side with the
// larger |delta| (the side the market moved toward); ITM lists legs in the money.
// Contracts is the gross number of contracts, Calls and Puts per side.
type Balance struct {
	CallDelta, PutDelta float64
	Imbalance           float64
	Tested              pricing.Right
	ITM                 []string
	Contracts           float64
	Calls, Puts         float64
	Tactical            float64 // the layer's tactical exposure counted (Layer.Tactical)
}

// Balance measures the layer.
func (l Layer) Balance() Balance {
	var b Balance
	for _, g := range l.Legs {
		if g.Right == pricing.Call {
			b.CallDelta += g.positionDelta()
			b.Calls += math.Abs(g.Quantity)
		} else {
			b.PutDelta += g.positionDelta()
			b.Puts += math.Abs(g.Quantity)
		}
		if g.Quantity != 0 && g.itm() {
			b.ITM = append(b.ITM, g.Symbol)
		}
	}
	b.Contracts = b.Calls + b.Puts
	b.Tactical = l.Tactical
	tac := math.Abs(l.Tactical)
	if gross := math.Abs(b.CallDelta) + math.Abs(b.PutDelta) + tac; gross > 0 {
		b.Imbalance = (math.Abs(b.CallDelta+b.PutDelta) + tac) / gross
	}
	b.Tested = pricing.Call
	if math.Abs(b.PutDelta) > math.Abs(b.CallDelta) {
		b.Tested = pricing.Put
	}
	return b
}

// SpiralGuard stops orders that add contracts to the untested side of an imbalanced
// layer. A layer is imbalanced when its Imbalance is at least Threshold (default 0.25) or
// any leg is in the money.
type SpiralGuard struct {
	Threshold float64
}

// Override lets a stopped order proceed; Reason must be written out (at least
// MinOverrideReason characters), and both are journaled by the caller.
type Override struct{ Reason string }

// MinOverrideReason is the shortest written reason an override accepts.
const MinOverrideReason = 10

// Verdict is the guard's answer. Stop means the order must not be sent. Alternative
// describes the roll to do instead: move the untested side to SuggestedDelta per share
// (the strike SuggestedStrike, when Vol was given) and SuggestedExpiry.
type Verdict struct {
	Stop            bool
	Overridden      bool
	Reason          string
	Alternative     string
	Balance         Balance
	SuggestedDelta  float64
	SuggestedStrike float64
	SuggestedExpiry time.Time
}

// Check judges order, one leg to trade (Quantity in contracts, positive buys), against
// layer. The order is stopped when it increases the gross contracts of the untested side
// of an imbalanced layer — the rebalancing spiral — unless override carries a written
// reason.
//
// The alternative keeps the contract count: roll the untested legs to the per-share delta
// that matches the tested side, |tested side delta| ÷ (untested contracts × multiplier),
// capped at 0.50 (at the money), and to the tested side's expiry when theirs is later.
func (g SpiralGuard) Check(layer Layer, order Leg, override *Override) (Verdict, error) {
	for _, l := range append(layer.Legs, order) {
		if !(l.Multiplier > 0) || math.IsNaN(l.Quantity) || math.IsNaN(l.Delta) || math.IsInf(l.Quantity+l.Delta+l.Multiplier, 0) {
			return Verdict{}, fmt.Errorf("hedge: leg %q needs a positive multiplier and finite quantity and delta (multiplier %g, quantity %g, delta %g)",
				l.Symbol, l.Multiplier, l.Quantity, l.Delta)
		}
	}
	if math.IsNaN(layer.Tactical) || math.IsInf(layer.Tactical, 0) {
		return Verdict{}, fmt.Errorf("hedge: layer %q Tactical %g must be finite", layer.Name, layer.Tactical)
	}
	for _, l := range layer.Legs {
		if !(l.Spot > 0) || math.IsInf(l.Spot, 0) {
			return Verdict{}, fmt.Errorf("hedge: layer %q leg %q Spot %g must be positive", layer.Name, l.Symbol, l.Spot)
		}
		if l.Beta == 0 || math.IsNaN(l.Beta) || math.IsInf(l.Beta, 0) {
			return Verdict{}, fmt.Errorf("hedge: layer %q leg %q Beta %g must be finite and not 0", layer.Name, l.Symbol, l.Beta)
		}
	}
	th := g.Threshold
	if th == 0 {
		th = 0.25
	}
	b := layer.Balance()
	v := Verdict{Balance: b}
	imbalanced := b.Imbalance >= th || len(b.ITM) > 0
	untested := pricing.Put
	if b.Tested == pricing.Put {
		untested = pricing.Call
	}
	before, after := b.Calls, layer.withOrder(order).Balance().Calls
	if untested == pricing.Put {
		before, after = b.Puts, layer.withOrder(order).Balance().Puts
	}
	state := fmt.Sprintf("layer %s: calls %s, puts %s beta-weighted (imbalance %.0f%%", layer.Name, signedDollars(b.CallDelta), signedDollars(b.PutDelta), 100*b.Imbalance)
	if b.Tactical != 0 {
		state += fmt.Sprintf("; tactical %s counted", signedDollars(b.Tactical))
	}
	if len(b.ITM) > 0 {
		state += "; in the money: " + strings.Join(b.ITM, ", ")
	}
	state += ")"
	if !imbalanced || order.Right != untested || after <= before {
		v.Reason = state + ": the order does not add contracts to the untested side"
		return v, nil
	}
	v.Stop = true
	v.Reason = fmt.Sprintf("%s: the %s side is tested and this order adds %s contracts to the %s side (%s → %s) — the rebalancing spiral",
		state, b.Tested, count(after-before), untested, count(before), count(after))
	g.suggest(layer, b, untested, &v)
	if override != nil {
		r := strings.TrimSpace(override.Reason)
		if len([]rune(r)) >= MinOverrideReason {
			v.Stop = false
			v.Overridden = true
			v.Reason += "; overridden: " + r
		} else {
			v.Reason += fmt.Sprintf("; an override needs a written reason of at least %d characters", MinOverrideReason)
		}
	}
	return v, nil
}

func (l Layer) withOrder(o Leg) Layer {
	legs := append([]Leg(nil), l.Legs...)
	for i := range legs {
		if legs[i].Symbol == o.Symbol {
			legs[i].Quantity += o.Quantity
			l.Legs = legs
			return l
		}
	}
	l.Legs = append(legs, o)
	return l
}

// suggest fills the roll that restores balance without adding contracts.
func (g SpiralGuard) suggest(layer Layer, b Balance, untested pricing.Right, v *Verdict) {
	testedDelta, contracts := b.CallDelta, b.Puts
	if b.Tested == pricing.Put {
		testedDelta, contracts = b.PutDelta, b.Calls
	}
	var untestedExpiry, testedExpiry time.Time
	var perDelta float64 // the untested side's beta-weighted dollars per unit of per-unit delta
	var spot, vol float64
	oneUnderlying := true
	for _, l := range layer.Legs {
		if l.Quantity == 0 {
			continue
		}
		if l.Right == untested {
			perDelta += math.Abs(l.Quantity) * l.dollarsPerDelta()
			if spot == 0 {
				spot, vol = l.Spot, l.Vol
			}
			oneUnderlying = oneUnderlying && l.Spot == spot
			if l.Expiry.After(untestedExpiry) {
				untestedExpiry = l.Expiry
			}
		} else if testedExpiry.IsZero() || l.Expiry.Before(testedExpiry) {
			testedExpiry = l.Expiry
		}
	}
	if contracts == 0 || !(perDelta > 0) {
		v.Alternative = fmt.Sprintf("reduce the tested %s side instead of opening the %s side", b.Tested, untested)
		return
	}
	target := math.Min(math.Abs(testedDelta)/perDelta, 0.5)
	v.SuggestedDelta = target
	v.SuggestedExpiry = untestedExpiry
	if !testedExpiry.IsZero() && untestedExpiry.After(testedExpiry) {
		v.SuggestedExpiry = testedExpiry
	}
	alt := fmt.Sprintf("roll the %s side (%s contracts) closer instead of adding size: to the strike whose delta is %.2f", untested, count(contracts), target)
	if oneUnderlying && vol > 0 && !layer.Now.IsZero() && v.SuggestedExpiry.After(layer.Now) {
		years := v.SuggestedExpiry.Sub(layer.Now).Hours() / (365 * 24)
		if k, err := StrikeForDelta(untested, spot, years, layer.Rate, vol, target); err == nil {
			if layer.StrikeStep > 0 {
				k = math.Round(k/layer.StrikeStep) * layer.StrikeStep
			}
			v.SuggestedStrike = k
			alt += fmt.Sprintf(" (about %g)", k)
		}
	}
	if !v.SuggestedExpiry.IsZero() {
		alt += ", expiring " + v.SuggestedExpiry.Format("2006-01-02")
	}
	v.Alternative = alt
}

// StrikeForDelta is the Black–Scholes strike at which a European option of right on spot
// has |delta| = target (0 < target < 1), found by bisection on the strike. years, rate and vol as in engine/pricing (carry = rate).
func StrikeForDelta(right pricing.Right, spot, years, rate, vol, target float64) (float64, error) {
	if !(target > 0 && target < 1) {
		return 0, fmt.Errorf("hedge: target delta %g must be between 0 and 1", target)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"spot", spot}, {"years", years}, {"vol", vol}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return 0, fmt.Errorf("hedge: strike for delta: %s %g must be positive and finite", f.name, f.v)
		}
	}
	if math.IsNaN(rate) || math.IsInf(rate, 0) {
		return 0, fmt.Errorf("hedge: strike for delta: rate %g must be finite", rate)
	}
	if right != pricing.Call && right != pricing.Put {
		return 0, fmt.Errorf("hedge: strike for delta: right %v is neither call nor put", right)
	}
	o := pricing.Option{Style: pricing.European, Underlying: pricing.Spot, Right: right, Spot: spot, Years: years, Rate: rate, Carry: rate, Vol: vol}
	// |delta| falls with the strike for a call and rises for a put.
	lo, hi := spot*math.Exp(-10*vol*math.Sqrt(years)-1), spot*math.Exp(10*vol*math.Sqrt(years)+1)
	for i := 0; i < 200 && hi-lo > 1e-9*spot; i++ {
		o.Strike = 0.5 * (lo + hi)
		gk, err := pricing.Value(o)
		if err != nil {
			return 0, err
		}
		d := math.Abs(gk.Delta)
		if (right == pricing.Call) == (d > target) {
			lo = o.Strike
		} else {
			hi = o.Strike
		}
	}
	k := 0.5 * (lo + hi)
	if !(k > 0) || math.IsInf(k, 0) {
		return 0, fmt.Errorf("hedge: no strike has delta %g (spot %g, years %g, vol %g): the search gave %g", target, spot, years, vol, k)
	}
	return k, nil
}

// SizeSample is one observation of a layer: its gross contract count and Imbalance (as
// in Balance) at a time.
type SizeSample struct {
	At        time.Time
	Contracts float64
	Imbalance float64
}

// SizeMonitor watches for size growing while an imbalance persists. Precisely: take the
// longest run of consecutive samples ending at the latest one in which every sample's
// Imbalance is at least Threshold (default 0.25); alert when that run has at least two
// samples and the contract count at its end exceeds the count at its start by more than
// Growth (a fraction; 0 means any growth).
type SizeMonitor struct {
	Threshold float64
	Growth    float64
}

// Check scans one layer's samples, which must be in time order. It answers with
// portfolio.Alert, the one alert type (kind portfolio.AlertLayerSize), and whether it is
// one: From and To bound the imbalanced run, Value is the contract count at its end and
// Limit the count above which it alerts (the count at its start × (1 + Growth)). When it
// is not an alert the Message says why, for the record.
func (m SizeMonitor) Check(layer string, samples []SizeSample) (portfolio.Alert, bool, error) {
	th := m.Threshold
	if th == 0 {
		th = 0.25
	}
	if !(m.Growth >= 0) {
		return portfolio.Alert{}, false, fmt.Errorf("hedge: size monitor Growth %g must not be negative", m.Growth)
	}
	for i := 1; i < len(samples); i++ {
		if samples[i].At.Before(samples[i-1].At) {
			return portfolio.Alert{}, false, fmt.Errorf("hedge: size samples out of order at %d (%s before %s)", i, samples[i].At, samples[i-1].At)
		}
	}
	first := len(samples)
	for first > 0 && samples[first-1].Imbalance >= th {
		first--
	}
	a := portfolio.Alert{Kind: portfolio.AlertLayerSize, Layer: layer}
	if len(samples)-first < 2 {
		a.Message = layer + ": no persisting imbalance"
		return a, false, nil
	}
	s, e := samples[first], samples[len(samples)-1]
	a.From, a.To, a.Value, a.Limit = s.At, e.At, e.Contracts, s.Contracts*(1+m.Growth)
	if !(e.Contracts > a.Limit) {
		a.Message = fmt.Sprintf("%s: imbalanced since %s, but contracts did not grow (%s → %s)", layer, s.At.Format("2006-01-02"), count(s.Contracts), count(e.Contracts))
		return a, false, nil
	}
	growth := ""
	if s.Contracts > 0 {
		growth = fmt.Sprintf(" (%+.0f%%)", 100*(e.Contracts/s.Contracts-1))
	}
	a.Message = fmt.Sprintf("%s: contracts grew from %s to %s%s between %s and %s while the layer stayed imbalanced (imbalance ≥ %.0f%% at all %d samples): roll, don't add size",
		layer, count(s.Contracts), count(e.Contracts), growth, s.At.Format("2006-01-02"), e.At.Format("2006-01-02"), 100*th, len(samples)-first)
	return a, true, nil
}

// count formats a number of contracts: 5, 2.5.
func count(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// signedDollars formats a signed dollar amount with the true minus sign: +$960, −$40.8k.
func signedDollars(x float64) string {
	sign := "+"
	if x < 0 {
		sign, x = "−", -x
	}
	if x == 0 {
		return "$0"
	}
	if x >= 10000 {
		return sign + "$" + strconv.FormatFloat(x/1000, 'f', 1, 64) + "k"
	}
	return sign + "$" + strconv.FormatFloat(x, 'f', 0, 64)
}
