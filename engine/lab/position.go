package lab

import (
	"fmt"
	"math"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Leg is one European option line of a position: Quantity contracts (negative short) of
// Right at Strike. Years is the leg's time to expiry and Vol its implied volatility; 0
// means the position's. A leg that expires before the position's horizon is settled in
// cash at its payoff then (an assignment closed at once) and is no longer hedged.
type Leg struct {
	Right    pricing.Right
	Strike   float64
	Quantity float64
	Years    float64
	Vol      float64
}

// Position is what the lab hedges: European options on one underlying. Spot is the
// underlying's price (the futures price when Underlying is pricing.Futures), Multiplier
// the units of the underlying one contract controls (100 for SPY options, 50 for ES
// options: OptionMultiplier), Years the horizon (the last expiry), Vol the underlying's
// volatility on the paths and the implied volatility of legs without their own (options
// are sold at their implied vol and hedged with the Black–Scholes delta at it), Rate the
// risk-free rate. On a spot underlying the cost of carry is Rate (no dividends), on a
// future 0 (Black-76).
type Position struct {
	Name       string
	Underlying pricing.Underlying
	Spot       float64
	Multiplier float64
	Years      float64
	Vol        float64
	Rate       float64
	Legs       []Leg
}

// Validate reports the first field no experiment can run with.
func (p Position) Validate() error {
	switch {
	case p.Underlying != pricing.Spot && p.Underlying != pricing.Futures:
		return fmt.Errorf("lab: position Underlying %d is neither spot nor futures", p.Underlying)
	case !(p.Spot > 0) || math.IsInf(p.Spot, 0):
		return fmt.Errorf("lab: position Spot %g must be a positive price", p.Spot)
	case !(p.Multiplier > 0) || math.IsInf(p.Multiplier, 0):
		return fmt.Errorf("lab: position Multiplier %g must be positive", p.Multiplier)
	case !(p.Years > 0) || p.Years > 10:
		return fmt.Errorf("lab: position Years %g must be in (0, 10]", p.Years)
	case !(p.Vol > 0) || p.Vol > 5:
		return fmt.Errorf("lab: position Vol %g must be in (0, 5]", p.Vol)
	case math.IsNaN(p.Rate) || math.Abs(p.Rate) > 1:
		return fmt.Errorf("lab: position Rate %g must be within ±1", p.Rate)
	case len(p.Legs) == 0:
		return fmt.Errorf("lab: position %q has no legs", p.Name)
	}
	for i, l := range p.Legs {
		switch {
		case !(l.Strike > 0) || math.IsInf(l.Strike, 0):
			return fmt.Errorf("lab: leg %d Strike %g must be a positive price", i+1, l.Strike)
		case l.Quantity == 0 || math.IsNaN(l.Quantity) || math.Abs(l.Quantity) > 1e6:
			return fmt.Errorf("lab: leg %d Quantity %g must be a non-zero number of contracts (at most 10⁶)", i+1, l.Quantity)
		case l.Right != pricing.Call && l.Right != pricing.Put:
			return fmt.Errorf("lab: leg %d Right %d is neither call nor put", i+1, l.Right)
		case !(l.Years >= 0) || l.Years > p.Years:
			return fmt.Errorf("lab: leg %d Years %g must be in (0, the position's %g] (0: the position's)", i+1, l.Years, p.Years)
		case !(l.Vol >= 0) || l.Vol > 5:
			return fmt.Errorf("lab: leg %d Vol %g must be in (0, 5] (0: the position's)", i+1, l.Vol)
		}
	}
	return nil
}

// carry is the cost of carry b of the position's options.
func (p Position) carry() float64 {
	if p.Underlying == pricing.Futures {
		return 0
	}
	return p.Rate
}

// legYears is leg l's time to expiry.
func (p *Position) legYears(l *Leg) float64 {
	if l.Years > 0 {
		return l.Years
	}
	return p.Years
}

// legVol is leg l's implied volatility.
func (p *Position) legVol(l *Leg) float64 {
	if l.Vol > 0 {
		return l.Vol
	}
	return p.Vol
}

// expiryStep is the step of a grid of steps over the position's horizon at which leg l
// expires: the nearest, at least 1.
func (p *Position) expiryStep(l *Leg, steps int) int {
	return max(1, min(steps, int(math.Round(p.legYears(l)/p.Years*float64(steps)))))
}

// Value is the position's Black–Scholes value now and its Greeks in money: Delta in
// underlying units, Gamma in underlying units per 1.00 move of the underlying, Vega in
// dollars per 1.00 of volatility.
func (p Position) Value() (value, delta, gamma, vega float64, err error) {
	for _, l := range p.Legs {
		g, err := pricing.Value(pricing.Option{Style: pricing.European, Underlying: p.Underlying, Right: l.Right,
			Spot: p.Spot, Strike: l.Strike, Years: p.legYears(&l), Rate: p.Rate, Carry: p.carry(), Vol: p.legVol(&l)})
		if err != nil {
			return 0, 0, 0, 0, err
		}
		n := l.Quantity * p.Multiplier
		value += n * g.Price
		delta += n * g.Delta
		gamma += n * g.Gamma
		vega += n * g.Vega
	}
	return value, delta, gamma, vega, nil
}

// legPayoff is leg l's value at its expiry for an underlying price s, dollars.
func (p *Position) legPayoff(l *Leg, s float64) float64 {
	x := s - l.Strike
	if l.Right == pricing.Put {
		x = -x
	}
	return l.Quantity * p.Multiplier * math.Max(x, 0)
}

// greekTable holds what the position's delta and gamma need, shared by every path: per
// leg, its expiry step and, per step before it, σ√τ, e^((b−r)τ) and the drift term
// (b + σ²/2)τ of d1 (indexed leg × steps + step); and which legs settle at each step.
type greekTable struct {
	steps                   int
	volSqrt, carryDF, drift []float64
	logStrike               []float64 // per leg
	expiry                  []int     // per leg: the step it settles at
	settle                  [][]int   // per step 1…steps: the legs settling then
	gamma                   bool      // whether to compute gamma
}

func (p Position) table(steps int) greekTable {
	n := len(p.Legs) * steps
	t := greekTable{steps: steps, volSqrt: make([]float64, n), carryDF: make([]float64, n), drift: make([]float64, n),
		settle: make([][]int, steps+1), gamma: true}
	b := p.carry()
	dt := p.Years / float64(steps)
	for k := range p.Legs {
		l := &p.Legs[k]
		e := p.expiryStep(l, steps)
		t.expiry = append(t.expiry, e)
		t.settle[e] = append(t.settle[e], k)
		t.logStrike = append(t.logStrike, math.Log(l.Strike))
		v, years := p.legVol(l), p.legYears(l)
		for i := 0; i < e; i++ {
			// τ to the leg's own expiry: at least half a step before the step e it
			// settles at, as e is the nearest step to it.
			tau := years - float64(i)*dt
			t.volSqrt[k*steps+i] = v * math.Sqrt(tau)
			t.carryDF[k*steps+i] = math.Exp((b - p.Rate) * tau)
			t.drift[k*steps+i] = (b + 0.5*v*v) * tau
		}
	}
	return t
}

// greeks is the position's delta (underlying units) and gamma (units per 1.00 move) at
// step i when the underlying is at s, legs expired by then left out: the generalized
// Black–Scholes delta and gamma, checked against engine/pricing in the tests. Gamma is
// left 0 when the table says no policy needs it.
func (p *Position) greeks(t *greekTable, i int, s float64) (delta, gamma float64) {
	lns := math.Log(s)
	for k := range p.Legs {
		if i >= t.expiry[k] {
			continue
		}
		l := &p.Legs[k]
		j := k*t.steps + i
		vs, cdf, dr := t.volSqrt[j], t.carryDF[j], t.drift[j]
		d1 := (lns - t.logStrike[k] + dr) / vs
		n1 := 0.5 * math.Erfc(-d1*math.Sqrt2/2)
		d := cdf * n1
		if l.Right == pricing.Put {
			d = cdf * (n1 - 1)
		}
		m := l.Quantity * p.Multiplier
		delta += m * d
		if t.gamma {
			gamma += m * cdf * math.Exp(-0.5*d1*d1) / (math.Sqrt(2*math.Pi) * s * vs)
		}
	}
	return delta, gamma
}

// OptionMultiplier is the contract multiplier of options on root: the futures'
// multiplier for a futures root with options (ES 50, MES 5, from engine/instrument), else
// 100 (equity and ETF options).
func OptionMultiplier(root string) float64 {
	if spec, ok := instrument.LookupFutures(root); ok && spec.HasOptions {
		return spec.Multiplier
	}
	return 100
}

// SingleOption is one European option on root: quantity contracts (negative short).
// A futures root (ES, MES) makes it an option on the future (Black-76).
func SingleOption(root string, right pricing.Right, spot, strike, years, vol, rate, quantity float64) Position {
	return Position{Name: fmt.Sprintf("%+g %s %g %s", quantity, root, strike, right), Underlying: underlyingOf(root),
		Spot: spot, Multiplier: OptionMultiplier(root), Years: years, Vol: vol, Rate: rate,
		Legs: []Leg{{Right: right, Strike: strike, Quantity: quantity}}}
}

// ShortStrangle is the strategy's core position on root: contracts short calls at
// callStrike and short puts at putStrike.
func ShortStrangle(root string, spot, putStrike, callStrike, years, vol, rate, contracts float64) Position {
	return Position{Name: fmt.Sprintf("short %g %s %g/%g strangle", contracts, root, putStrike, callStrike),
		Underlying: underlyingOf(root), Spot: spot, Multiplier: OptionMultiplier(root), Years: years, Vol: vol, Rate: rate,
		Legs: []Leg{{Right: pricing.Put, Strike: putStrike, Quantity: -contracts}, {Right: pricing.Call, Strike: callStrike, Quantity: -contracts}}}
}

func underlyingOf(root string) pricing.Underlying {
	if _, ok := instrument.LookupFutures(root); ok {
		return pricing.Futures
	}
	return pricing.Spot
}
