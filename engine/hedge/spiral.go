package hedge

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// Leg is one option leg of a layer. Quantity is in contracts (negative when short),
// Delta per share for one long option (pricing.Greeks units), Multiplier shares per
// contract (100; 50 for ES options).
type Leg struct {
	Symbol     string
	Right      pricing.Right
	Strike     float64
	Expiry     time.Time
	Quantity   float64
	Delta      float64
	Multiplier float64
}

func (l Leg) positionDelta() float64 { return l.Quantity * l.Delta * l.Multiplier }

func (l Leg) itm(spot float64) bool {
	if l.Right == pricing.Call {
		return l.Strike < spot
	}
	return l.Strike > spot
}

// Layer is what the spiral guard sees of one layer: its option legs, the underlying
// price, and what it needs to suggest a roll (Vol and Rate for a Black–Scholes strike,
// StrikeStep the listed strike spacing, Now the decision time).
type Layer struct {
	Name       string
	Spot       float64
	Legs       []Leg
	Vol, Rate  float64
	StrikeStep float64
	Now        time.Time
}

// Balance is the call side against the put side of a layer. CallDelta and PutDelta are
// the sides' position deltas in underlying units (short calls negative, short puts
// positive). Imbalance = |CallDelta + PutDelta| ÷ (|CallDelta| + |PutDelta|): 0 when the
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
		if g.Quantity != 0 && g.itm(l.Spot) {
			b.ITM = append(b.ITM, g.Symbol)
		}
	}
	b.Contracts = b.Calls + b.Puts
	if gross := math.Abs(b.CallDelta) + math.Abs(b.PutDelta); gross > 0 {
		b.Imbalance = math.Abs(b.CallDelta+b.PutDelta) / gross
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
	if !(layer.Spot > 0) || math.IsInf(layer.Spot, 0) {
		return Verdict{}, fmt.Errorf("hedge: layer %q Spot %g must be positive", layer.Name, layer.Spot)
	}
	for _, l := range append(layer.Legs, order) {
		if !(l.Multiplier > 0) || math.IsNaN(l.Quantity) || math.IsNaN(l.Delta) || math.IsInf(l.Quantity+l.Delta, 0) {
			return Verdict{}, fmt.Errorf("hedge: leg %q needs a positive multiplier and finite quantity and delta", l.Symbol)
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
	state := fmt.Sprintf("layer %s: calls %s, puts %s (imbalance %.0f%%", layer.Name, signed(b.CallDelta), signed(b.PutDelta), 100*b.Imbalance)
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
	testedDelta, contracts, mult := b.CallDelta, b.Puts, 100.0
	if b.Tested == pricing.Put {
		testedDelta, contracts = b.PutDelta, b.Calls
	}
	var untestedExpiry, testedExpiry time.Time
	for _, l := range layer.Legs {
		if l.Quantity == 0 {
			continue
		}
		if l.Right == untested {
			mult = l.Multiplier
			if l.Expiry.After(untestedExpiry) {
				untestedExpiry = l.Expiry
			}
		} else if testedExpiry.IsZero() || l.Expiry.Before(testedExpiry) {
			testedExpiry = l.Expiry
		}
	}
	if contracts == 0 {
		v.Alternative = fmt.Sprintf("reduce the tested %s side instead of opening the %s side", b.Tested, untested)
		return
	}
	target := math.Min(math.Abs(testedDelta)/(contracts*mult), 0.5)
	v.SuggestedDelta = target
	v.SuggestedExpiry = untestedExpiry
	if !testedExpiry.IsZero() && untestedExpiry.After(testedExpiry) {
		v.SuggestedExpiry = testedExpiry
	}
	alt := fmt.Sprintf("roll the %s side (%s contracts) closer instead of adding size: to the strike whose delta is %.2f", untested, count(contracts), target)
	if layer.Vol > 0 && !layer.Now.IsZero() && v.SuggestedExpiry.After(layer.Now) {
		years := v.SuggestedExpiry.Sub(layer.Now).Hours() / (365 * 24)
		if k, err := StrikeForDelta(untested, layer.Spot, years, layer.Rate, layer.Vol, target); err == nil {
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
	return 0.5 * (lo + hi), nil
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

// SizeAlert is the monitor's answer: the imbalanced run from From to To, with the
// contract counts at its start and end.
type SizeAlert struct {
	Alert      bool
	From, To   time.Time
	Start, End float64
	Text       string
}

// Check scans samples, which must be in time order.
func (m SizeMonitor) Check(samples []SizeSample) (SizeAlert, error) {
	th := m.Threshold
	if th == 0 {
		th = 0.25
	}
	if !(m.Growth >= 0) {
		return SizeAlert{}, fmt.Errorf("hedge: size monitor Growth %g must not be negative", m.Growth)
	}
	for i := 1; i < len(samples); i++ {
		if samples[i].At.Before(samples[i-1].At) {
			return SizeAlert{}, fmt.Errorf("hedge: size samples out of order at %d (%s before %s)", i, samples[i].At, samples[i-1].At)
		}
	}
	first := len(samples)
	for first > 0 && samples[first-1].Imbalance >= th {
		first--
	}
	if len(samples)-first < 2 {
		return SizeAlert{Text: "no persisting imbalance"}, nil
	}
	s, e := samples[first], samples[len(samples)-1]
	a := SizeAlert{From: s.At, To: e.At, Start: s.Contracts, End: e.Contracts}
	if e.Contracts > s.Contracts*(1+m.Growth) {
		a.Alert = true
		growth := ""
		if s.Contracts > 0 {
			growth = fmt.Sprintf(" (%+.0f%%)", 100*(e.Contracts/s.Contracts-1))
		}
		a.Text = fmt.Sprintf("contracts grew from %s to %s%s between %s and %s while the layer stayed imbalanced (imbalance ≥ %.0f%% at all %d samples): roll, don't add size",
			count(s.Contracts), count(e.Contracts), growth, s.At.Format("2006-01-02"), e.At.Format("2006-01-02"), 100*th, len(samples)-first)
	} else {
		a.Text = fmt.Sprintf("imbalanced since %s, but contracts did not grow (%s → %s)", s.At.Format("2006-01-02"), count(s.Contracts), count(e.Contracts))
	}
	return a, nil
}

// count formats a number of contracts: 5, 2.5.
func count(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
