package lab

import (
	"fmt"
	"math"

	"github.com/keel-desk/keel/engine/hedge"
)

// Family names a hedging policy of the engine, as a trader names it.
type Family string

const (
	// TimeBased hedges back to delta-neutral every Param steps of the grid, whatever
	// delta is (the guide's "once a day at a set time" on a daily grid).
	TimeBased Family = "time-based"
	// FixedBand keeps net delta within ±Param underlying units (hedge.FixedBand).
	FixedBand Family = "fixed band"
	// GammaScaled sizes the band from a budget of Param dollars, one standard deviation of
	// P&L over one step (hedge.GammaScaled): narrower as gamma rises.
	GammaScaled Family = "gamma-scaled band"
	// WhalleyWilmott is the cost-aware band (3·e^(−r(T−t))·λ·S·Γ²/(2γ))^(1/3) with risk
	// aversion γ = Param per dollar, trading to the nearest edge (hedge.WhalleyWilmott).
	WhalleyWilmott Family = "Whalley–Wilmott band"
	// CostBenefit hedges when ½·γ·(variance removed over one step) is worth more than
	// twice the cost, γ = Param per dollar (hedge.CostBenefit).
	CostBenefit Family = "cost–benefit"
)

// Families is every policy the lab runs, in display order.
var Families = []Family{TimeBased, FixedBand, GammaScaled, WhalleyWilmott, CostBenefit}

// ParamUnit says what a family's parameter is, with its unit.
func (f Family) ParamUnit() string {
	switch f {
	case TimeBased:
		return "steps between hedges"
	case FixedBand:
		return "half-width, underlying units"
	case GammaScaled:
		return "budget, $ (1 sd per step)"
	case WhalleyWilmott, CostBenefit:
		return "risk aversion γ, per $"
	}
	return ""
}

// Sweep is one policy over a range of its parameter (see the Family constants for what
// Values mean). Rehedge applies to FixedBand and GammaScaled: back to delta-neutral (the
// guide's checklist, the default) or to the band's nearest edge. Whalley–Wilmott always
// trades to the edge, time-based and cost–benefit to neutral.
type Sweep struct {
	Policy  Family
	Values  []float64
	Rehedge hedge.Rehedge
}

// rule is one policy at one parameter value, ready to run: every > 0 for time-based,
// else an engine policy.
type rule struct {
	family Family
	param  float64
	every  int
	policy hedge.Policy
}

// rule builds the policy for value v; dt is the grid step in years (the horizon of the
// gamma-scaled budget and of cost–benefit).
func (s Sweep) rule(v, dt float64) (rule, error) {
	r := rule{family: s.Policy, param: v}
	if !(v > 0) || math.IsInf(v, 0) {
		return r, fmt.Errorf("lab: %s parameter %g must be positive", s.Policy, v)
	}
	switch s.Policy {
	case TimeBased:
		if v != math.Trunc(v) || v > 1e6 {
			return r, fmt.Errorf("lab: time-based hedging every %g steps: must be a whole number of steps", v)
		}
		r.every = int(v)
	case FixedBand:
		r.policy = hedge.FixedBand{Width: v, Unit: hedge.BandShares, Rehedge: s.Rehedge}
	case GammaScaled:
		r.policy = hedge.GammaScaled{Budget: v, Horizon: dt, Rehedge: s.Rehedge}
	case WhalleyWilmott:
		r.policy = hedge.WhalleyWilmott{RiskAversion: v}
	case CostBenefit:
		r.policy = hedge.CostBenefit{RiskAversion: v, Multiple: 2, Horizon: dt}
	default:
		return r, fmt.Errorf("lab: unknown policy %q", s.Policy)
	}
	return r, nil
}

// label is the point in words: "every 5 steps", "±12 underlying units".
func (r rule) label() string {
	switch r.family {
	case TimeBased:
		if r.every == 1 {
			return "every step"
		}
		return fmt.Sprintf("every %d steps", r.every)
	case FixedBand:
		return "±" + short(r.param) + " units"
	case GammaScaled:
		return "$" + short(r.param) + " budget"
	}
	return "γ " + short(r.param) + "/$"
}

// short formats a parameter with three significant digits.
func short(x float64) string { return fmt.Sprintf("%.3g", x) }

// DefaultSweeps is a range of parameters for every family, scaled to the position so
// that each range spans from hedging about every step to hedging rarely. The unit of
// scale is m₀ = |Γ₀|·S·σ·√dt, how far the position's delta moves in one step's typical
// move at the start: band half-widths ½, 1, 2, 4 and 8 × m₀ (fixed bands directly;
// gamma-scaled, Whalley–Wilmott and cost–benefit through the budget or risk aversion that
// gives that band at the start). Time-based hedges every 1, 2, 5, 10 and 21 steps (up to
// the grid). Whalley–Wilmott and cost–benefit need a cost and are left out without one.
// lambda is the proportional cost of trading the hedge at the start.
func DefaultSweeps(p Position, steps int, lambda float64) ([]Sweep, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if steps < 1 {
		return nil, fmt.Errorf("lab: Steps %d must be at least 1", steps)
	}
	_, _, gamma, _, err := p.Value()
	if err != nil {
		return nil, err
	}
	dt := p.Years / float64(steps)
	move := p.Spot * p.Vol * math.Sqrt(dt)
	m0 := math.Abs(gamma) * move
	var every []float64
	for _, k := range []float64{1, 2, 5, 10, 21} {
		if k <= float64(steps) {
			every = append(every, k)
		}
	}
	out := []Sweep{{Policy: TimeBased, Values: every}}
	if !(m0 > 0) {
		return out, nil // no gamma: bands have nothing to scale with
	}
	mults := []float64{0.5, 1, 2, 4, 8}
	var fixed, budget, ww, cb []float64
	g0 := math.Sqrt(0.5) * math.Abs(gamma) * move * move // gamma's own 1-sd P&L over a step
	for _, k := range mults {
		h := k * m0
		fixed = append(fixed, h)
		budget = append(budget, math.Hypot(g0, h*move)) // √(B² − g0²)/move = h
		if lambda > 0 {
			ww = append(ww, 3*math.Exp(-p.Rate*p.Years)*lambda*p.Spot*gamma*gamma/(2*h*h*h))
			cb = append(cb, 2*2*lambda/(h*p.Vol*p.Vol*p.Spot*dt))
		}
	}
	out = append(out, Sweep{Policy: FixedBand, Values: fixed}, Sweep{Policy: GammaScaled, Values: budget})
	if lambda > 0 {
		out = append(out, Sweep{Policy: WhalleyWilmott, Values: ww}, Sweep{Policy: CostBenefit, Values: cb})
	}
	return out, nil
}
