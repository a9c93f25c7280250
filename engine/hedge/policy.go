package hedge

import (
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// Input is what a policy sees of one layer (or the book) when it decides. Deltas are in
// underlying units (shares of SPY, points × multiplier for an index), Gamma is the change
// of Delta per 1.00 move of the underlying price (underlying units per point), money in
// dollars, Vol annualised (0.20), Years and Rate as in engine/pricing.
type Input struct {
	Now       time.Time // the decision time (passed in, never read from a clock)
	LastHedge time.Time // when the layer was last hedged; zero if never

	Delta  float64 // net delta now, options and hedges held together
	Target float64 // the delta the layer wants (0 for delta-neutral)
	Gamma  float64 // net gamma: underlying units per 1.00 of underlying price
	Spot   float64 // underlying price
	Vol    float64 // annualised volatility of the underlying
	Years  float64 // time to expiry T − t of the options, for Whalley–Wilmott
	Rate   float64 // continuously compounded risk-free rate
	NetLiq float64 // net liquidation value of the account, dollars

	Hedge Instrument // the layer's hedge instrument; orders are rounded to its lots

	// lambda, when continuous is set, prices trades as λ·S·|change| with no lots: the
	// hedging simulation's continuously divisible hedge.
	continuous bool
	lambda     float64
}

func (in *Input) validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"Delta", in.Delta}, {"Target", in.Target}, {"Gamma", in.Gamma}, {"Rate", in.Rate}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("hedge: input %s %g must be finite", f.name, f.v)
		}
	}
	switch {
	case !(in.Spot > 0) || math.IsInf(in.Spot, 0):
		return fmt.Errorf("hedge: input Spot %g must be a positive price", in.Spot)
	case !(in.Vol >= 0) || math.IsInf(in.Vol, 0):
		return fmt.Errorf("hedge: input Vol %g must be zero or positive", in.Vol)
	case !(in.Years >= 0) || math.IsInf(in.Years, 0):
		return fmt.Errorf("hedge: input Years %g must be zero or positive", in.Years)
	case !(in.NetLiq >= 0) || math.IsInf(in.NetLiq, 0):
		return fmt.Errorf("hedge: input NetLiq %g must be zero or positive", in.NetLiq)
	}
	if in.continuous {
		return nil
	}
	return in.Hedge.Validate()
}

// Band is the no-trade range of net delta, underlying units: inside [Lo, Hi] nothing is
// traded.
type Band struct{ Lo, Hi float64 }

// Contains reports whether delta is inside the band (edges included).
func (b Band) Contains(delta float64) bool { return delta >= b.Lo && delta <= b.Hi }

// Rehedge says where a band policy trades back to once delta leaves the band.
type Rehedge int8

const (
	ToTarget Rehedge = iota // all the way back to the target delta (the guide's checklist)
	ToEdge                  // to the nearest edge of the band (Whalley–Wilmott)
)

// Decision is a policy's answer for one layer. Delta is the net delta now, Band the
// no-trade range, Aim the delta the order aims for (the target or the nearest edge) and
// After the delta once the order, rounded to whole lots, fills. Cost is the order's
// expected commission plus half-spread, dollars. Instrument names the hedge instrument
// the order trades. Narrow says the band is narrower than the instrument's smallest lot:
// no whole lot can be sure to land inside it, so the order takes the lot count that lands
// nearest the target (which may leave delta outside the band, by at most half a lot).
// Reason says it all in words.
type Decision struct {
	Policy     string
	Instrument string
	Hedge      bool
	Reason     string
	Delta      float64
	Target     float64
	Band       Band
	Aim        float64
	After      float64
	Order      Order
	Cost       float64
	Narrow     bool
}

// Policy decides whether and how much to hedge. Decide never returns NaN or Inf: invalid
// input or settings return an error naming the field.
type Policy interface {
	Name() string
	Decide(in Input) (Decision, error)
}

// plan is a policy's choice before rounding and words: the band, whether delta must be
// traded and the delta to aim for.
type plan struct {
	band   Band
	trade  bool
	aim    float64
	banded bool // a band policy: the band is a no-trade range, not just the target
}

// rule is the part every policy implements; decide adds rounding and words.
type rule interface {
	Policy
	plan(in *Input) (plan, error)
	// head is the decision's opening clause: "delta +312 is outside the ±250 fixed band".
	head(in *Input, p plan) string
}

func decide(r rule, in Input) (Decision, error) {
	if err := in.validate(); err != nil {
		return Decision{}, err
	}
	p, err := r.plan(&in)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Policy: r.Name(), Instrument: in.Hedge.Name, Delta: in.Delta, Target: in.Target, Band: p.band, Aim: in.Delta, After: in.Delta}
	small := in.Hedge.Lots[len(in.Hedge.Lots)-1]
	d.Narrow = p.banded && p.band.Hi-p.band.Lo < math.Abs(small.Delta)
	head := r.head(&in, p)
	if d.Narrow {
		head += fmt.Sprintf(" — %s wide, narrower than one %s (%s)", num(p.band.Hi-p.band.Lo), small.Symbol, signed(small.Delta))
	}
	if !p.trade {
		d.Reason = head + ": no action"
		return d, nil
	}
	var order Order
	if d.Narrow {
		// No lot count is sure to land inside: take the one nearest the target.
		p.aim = in.Target
		order, err = in.Hedge.Round(in.Target - in.Delta)
	} else {
		lo, hi := p.band.Lo, p.band.Hi
		if p.aim == in.Target {
			lo, hi = in.Target, in.Target
		}
		order, err = in.Hedge.roundInto(in.Delta, p.aim, math.Min(lo, p.aim), math.Max(hi, p.aim))
	}
	if err != nil {
		return Decision{}, err
	}
	d.Aim = p.aim
	if order.Empty() {
		d.Reason = fmt.Sprintf("%s, but bringing it to %s is less than half a lot (%s per %s): no action",
			head, signed(p.aim), signed(small.Delta), small.Symbol)
		return d, nil
	}
	d.Hedge = true
	d.Order = order
	d.Cost = order.Cost
	d.After = in.Delta + order.Delta
	d.Reason = fmt.Sprintf("%s: %s to bring it to %s (aim %s), expected cost $%.2f",
		head, order, signed(d.After), signed(p.aim), order.Cost)
	return d, nil
}

// bandHead is the opening clause of the band policies.
func bandHead(in *Input, p plan, band string) string {
	where := "inside"
	if p.trade {
		where = "outside"
	}
	return fmt.Sprintf("delta %s is %s %s", signed(in.Delta), where, band)
}

// signed formats a delta with its sign: whole units when large, two decimals when small.
func signed(x float64) string {
	if x == 0 {
		return "0"
	}
	if math.Abs(x) >= 10 {
		return minus(fmt.Sprintf("%+.0f", x))
	}
	return minus(fmt.Sprintf("%+.2f", x))
}

func num(x float64) string {
	if math.Abs(x) >= 10 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// bandWords is "the ±250 fixed band" around a zero target, else "the fixed band +50…+550".
func bandWords(kind string, target float64, b Band) string {
	if target == 0 && b.Lo == -b.Hi {
		return fmt.Sprintf("the ±%s %s band", num(b.Hi), kind)
	}
	return fmt.Sprintf("the %s band %s…%s", kind, signed(b.Lo), signed(b.Hi))
}

func around(target, half float64) Band { return Band{Lo: target - half, Hi: target + half} }

// bandPlan is the common band logic: trade when delta is outside, to the target or edge.
func bandPlan(in *Input, half float64, mode Rehedge) plan {
	b := around(in.Target, half)
	p := plan{band: b, aim: in.Target, banded: true}
	switch {
	case in.Delta > b.Hi:
		p.trade = true
		if mode == ToEdge {
			p.aim = b.Hi
		}
	case in.Delta < b.Lo:
		p.trade = true
		if mode == ToEdge {
			p.aim = b.Lo
		}
	}
	return p
}

// TimeBased hedges back to the target once a day at a set time (Hour:Minute in Location,
// default New York if nil): it is due when the latest scheduled time at or before Now is
// after LastHedge. Between scheduled times it does nothing, whatever delta is.
type TimeBased struct {
	Hour, Minute int
	Location     *time.Location
}

func (p TimeBased) Name() string { return "time-based" }

func (p TimeBased) Decide(in Input) (Decision, error) { return decide(p, in) }

// scheduled is the latest scheduled hedge time at or before now.
func (p TimeBased) scheduled(now time.Time) time.Time {
	loc := p.loc()
	local := now.In(loc)
	y, m, d := local.Date()
	s := time.Date(y, m, d, p.Hour, p.Minute, 0, 0, loc)
	if s.After(local) {
		s = time.Date(y, m, d-1, p.Hour, p.Minute, 0, 0, loc)
	}
	return s
}

func (p TimeBased) plan(in *Input) (plan, error) {
	if p.Hour < 0 || p.Hour > 23 || p.Minute < 0 || p.Minute > 59 {
		return plan{}, fmt.Errorf("hedge: time-based hedge time %02d:%02d is not a time of day", p.Hour, p.Minute)
	}
	if in.Now.IsZero() {
		return plan{}, fmt.Errorf("hedge: time-based policy needs Now")
	}
	due := in.LastHedge.Before(p.scheduled(in.Now))
	return plan{band: Band{in.Target, in.Target}, trade: due && in.Delta != in.Target, aim: in.Target}, nil
}

func (p TimeBased) head(in *Input, pl plan) string {
	if !in.LastHedge.Before(p.scheduled(in.Now)) {
		return fmt.Sprintf("delta %s, but the %02d:%02d hedge is done (last hedged %s)",
			signed(in.Delta), p.Hour, p.Minute, in.LastHedge.In(p.loc()).Format("2006-01-02 15:04"))
	}
	return fmt.Sprintf("scheduled %02d:%02d hedge: delta %s against target %s", p.Hour, p.Minute, signed(in.Delta), signed(in.Target))
}

func (p TimeBased) loc() *time.Location {
	if p.Location == nil {
		return instrument.NewYork
	}
	return p.Location
}

// BandUnit is what a FixedBand width is measured in.
type BandUnit int8

const (
	BandShares     BandUnit = iota // underlying units (shares-equivalent)
	BandPer100k                    // underlying units per $100,000 of net liquidation
	BandPercentNAV                 // dollar delta (delta × spot) as a % of net liquidation
)

// FixedBand keeps net delta within ±Width of the target. Width is in Unit: shares
// (±250), shares per $100k of net liquidation (the guide's retail limit, ±500 per $100k)
// or percent of NAV in dollar delta (±5 meaning |delta × spot| ≤ 5% of net liq). Outside
// the band it trades back to the target (or to the nearest edge with Rehedge ToEdge).
type FixedBand struct {
	Width   float64
	Unit    BandUnit
	Rehedge Rehedge
}

func (p FixedBand) Name() string { return "fixed band" }

func (p FixedBand) Decide(in Input) (Decision, error) { return decide(p, in) }

// HalfWidth is the band's half-width in underlying units for in.
func (p FixedBand) HalfWidth(in Input) (float64, error) {
	if !(p.Width > 0) || math.IsInf(p.Width, 0) {
		return 0, fmt.Errorf("hedge: fixed band Width %g must be positive", p.Width)
	}
	switch p.Unit {
	case BandShares:
		return p.Width, nil
	case BandPer100k, BandPercentNAV:
		if !(in.NetLiq > 0) {
			return 0, fmt.Errorf("hedge: a band per net liquidation needs NetLiq > 0 (got %g)", in.NetLiq)
		}
		if p.Unit == BandPer100k {
			return p.Width * in.NetLiq / 100000, nil
		}
		return p.Width / 100 * in.NetLiq / in.Spot, nil
	}
	return 0, fmt.Errorf("hedge: fixed band Unit %d is unknown", p.Unit)
}

func (p FixedBand) plan(in *Input) (plan, error) {
	h, err := p.HalfWidth(*in)
	if err != nil {
		return plan{}, err
	}
	return bandPlan(in, h, p.Rehedge), nil
}

func (p FixedBand) head(in *Input, pl plan) string {
	s := bandHead(in, pl, bandWords("fixed", in.Target, pl.band))
	switch p.Unit {
	case BandPer100k:
		s += fmt.Sprintf(" (%s per $100k of net liq)", num(p.Width))
	case BandPercentNAV:
		s += fmt.Sprintf(" (%g%% of NAV)", p.Width)
	}
	return s
}

// GammaScaled sizes the band from a risk budget: the band is as wide as the open delta
// that, together with the position's gamma, keeps the one-standard-deviation P&L over the
// horizon τ within Budget dollars. Over τ the move is dS ≈ S·σ·√τ·Z, and a position with
// open delta h and gamma Γ has P&L h·dS + ½Γ·dS², whose variance is
//
//	h²·S²·σ²·τ + ½·Γ²·S⁴·σ⁴·τ²   (Z and Z² − 1 are uncorrelated),
//
// so the half-width is h = √(Budget² − ½·Γ²·S⁴·σ⁴·τ²) / (S·σ·√τ): widest (Budget/(S·σ·√τ))
// when gamma is zero, tighter as |Γ| rises, clamped to [Min, Max] (Min also when gamma
// alone uses the whole budget). Horizon is in years (default one calendar day, 1/365).
type GammaScaled struct {
	Budget   float64 // dollars, one standard deviation over Horizon
	Horizon  float64 // years; 0 means 1/365
	Min, Max float64 // underlying units; Max 0 means no cap
	Rehedge  Rehedge
}

func (p GammaScaled) Name() string { return "gamma-scaled band" }

func (p GammaScaled) Decide(in Input) (Decision, error) { return decide(p, in) }

func (p GammaScaled) horizon() float64 {
	if p.Horizon == 0 {
		return 1.0 / 365
	}
	return p.Horizon
}

// HalfWidth is the band's half-width in underlying units for in.
func (p GammaScaled) HalfWidth(in Input) (float64, error) {
	tau := p.horizon()
	switch {
	case !(p.Budget > 0) || math.IsInf(p.Budget, 0):
		return 0, fmt.Errorf("hedge: gamma-scaled Budget %g must be positive dollars", p.Budget)
	case !(tau > 0) || math.IsInf(tau, 0):
		return 0, fmt.Errorf("hedge: gamma-scaled Horizon %g must be positive years", p.Horizon)
	case !(p.Min >= 0) || !(p.Max >= 0) || (p.Max > 0 && p.Max < p.Min):
		return 0, fmt.Errorf("hedge: gamma-scaled Min %g and Max %g must satisfy 0 ≤ Min ≤ Max", p.Min, p.Max)
	case !(in.Vol > 0):
		return 0, fmt.Errorf("hedge: gamma-scaled band needs Vol > 0 (got %g)", in.Vol)
	}
	move := in.Spot * in.Vol * math.Sqrt(tau) // one-sd move of the underlying over τ
	gammaVar := 0.5 * sq(in.Gamma*move*move)  // ½·Γ²·S⁴·σ⁴·τ²
	rest := p.Budget*p.Budget - gammaVar
	h := p.Min
	if rest > 0 {
		h = math.Max(math.Sqrt(rest)/move, p.Min)
	}
	if p.Max > 0 {
		h = math.Min(h, p.Max)
	}
	return h, nil
}

func (p GammaScaled) plan(in *Input) (plan, error) {
	h, err := p.HalfWidth(*in)
	if err != nil {
		return plan{}, err
	}
	return bandPlan(in, h, p.Rehedge), nil
}

func (p GammaScaled) head(in *Input, pl plan) string {
	return bandHead(in, pl, bandWords("gamma-scaled", in.Target, pl.band)) +
		fmt.Sprintf(" ($%s 1-sd budget, gamma %s)", num(p.Budget), signed(in.Gamma))
}

// WhalleyWilmott is the asymptotically optimal no-trade band of Whalley and Wilmott
// (1997) for exponential utility and small proportional costs:
//
//	H = (3 · e^(−r(T−t)) · λ · S · Γ² / (2γ))^(1/3)
//
// around the target delta, in underlying units when Γ is the net gamma in underlying
// units per point, S the spot, λ the proportional cost (commission plus half-spread as a
// fraction of the value traded; from the hedge instrument, see ProportionalCost, unless
// Lambda is set) and γ = RiskAversion, per dollar. Outside the band it trades to the
// nearest edge, never back to the target. Min is an optional floor on H.
type WhalleyWilmott struct {
	RiskAversion float64
	Lambda       float64 // 0 means from the hedge instrument's costs
	Min          float64
}

func (p WhalleyWilmott) Name() string { return "Whalley–Wilmott band" }

func (p WhalleyWilmott) Decide(in Input) (Decision, error) { return decide(p, in) }

func (p WhalleyWilmott) lambda(in *Input) float64 {
	switch {
	case p.Lambda != 0:
		return p.Lambda
	case in.continuous:
		return in.lambda
	}
	return in.Hedge.ProportionalCost(in.Spot)
}

// HalfWidth is H in underlying units for in.
func (p WhalleyWilmott) HalfWidth(in Input) (float64, error) {
	if !(p.RiskAversion > 0) || math.IsInf(p.RiskAversion, 0) {
		return 0, fmt.Errorf("hedge: Whalley–Wilmott RiskAversion %g must be positive", p.RiskAversion)
	}
	if !(p.Lambda >= 0) || math.IsInf(p.Lambda, 0) || !(p.Min >= 0) {
		return 0, fmt.Errorf("hedge: Whalley–Wilmott Lambda %g and Min %g must not be negative", p.Lambda, p.Min)
	}
	if !in.continuous && p.Lambda == 0 {
		if err := in.Hedge.Validate(); err != nil {
			return 0, err
		}
	}
	lam := p.lambda(&in)
	h := math.Cbrt(3 * math.Exp(-in.Rate*in.Years) * lam * in.Spot * in.Gamma * in.Gamma / (2 * p.RiskAversion))
	return math.Max(h, p.Min), nil
}

func (p WhalleyWilmott) plan(in *Input) (plan, error) {
	h, err := p.HalfWidth(*in)
	if err != nil {
		return plan{}, err
	}
	return bandPlan(in, h, ToEdge), nil
}

func (p WhalleyWilmott) head(in *Input, pl plan) string {
	return bandHead(in, pl, bandWords("Whalley–Wilmott", in.Target, pl.band)) +
		fmt.Sprintf(" (λ %.4f%%, γ %g, gamma %s)", 100*p.lambda(in), p.RiskAversion, signed(in.Gamma))
}

// CostBenefit hedges back to the target only when the expected risk reduction is worth
// more than Multiple × the cost. Risk is the variance of the delta P&L over the horizon τ:
// an open delta e = Delta − Target has variance e²·S²·σ²·τ; hedging to e' removes
// (e² − e'²)·S²·σ²·τ. That variance is priced in dollars as a mean–variance certainty
// equivalent, ½·γ·ΔVar with γ = RiskAversion per dollar, and compared with the order's
// expected cost: hedge when ½·γ·(e² − e'²)·S²·σ²·τ > Multiple × cost. With proportional
// costs this is a band |e| > 2·Multiple·λ / (γ·σ²·S·τ). (A test on the standard
// deviation |e|·S·σ·√τ, as the guide words it, is linear in e like the cost and so cannot
// form a band; the variance is used, and the standard deviation is shown in the reason.)
type CostBenefit struct {
	RiskAversion float64 // γ, per dollar
	Multiple     float64 // k, the safety factor; 0 means 2 (the guide's 2×)
	Horizon      float64 // τ in years; 0 means one calendar day (1/365)
}

func (p CostBenefit) Name() string { return "cost–benefit" }

func (p CostBenefit) Decide(in Input) (Decision, error) { return decide(p, in) }

func (p CostBenefit) settings() (k, tau float64, err error) {
	k, tau = p.Multiple, p.Horizon
	if k == 0 {
		k = 2
	}
	if tau == 0 {
		tau = 1.0 / 365
	}
	switch {
	case !(p.RiskAversion > 0) || math.IsInf(p.RiskAversion, 0):
		err = fmt.Errorf("hedge: cost–benefit RiskAversion %g must be positive", p.RiskAversion)
	case !(k > 0) || math.IsInf(k, 0):
		err = fmt.Errorf("hedge: cost–benefit Multiple %g must be positive", p.Multiple)
	case !(tau > 0) || math.IsInf(tau, 0):
		err = fmt.Errorf("hedge: cost–benefit Horizon %g must be positive years", p.Horizon)
	}
	return k, tau, err
}

// benefitCost is the certainty-equivalent risk reduction and the cost of hedging in to
// the target, in dollars.
func (p CostBenefit) benefitCost(in *Input, tau float64) (benefit, cost float64, err error) {
	e := in.Delta - in.Target
	after := 0.0
	if in.continuous {
		cost = in.lambda * in.Spot * math.Abs(e)
	} else {
		o, err := in.Hedge.Round(-e)
		if err != nil {
			return 0, 0, err
		}
		cost = o.Cost
		after = e + o.Delta
	}
	benefit = 0.5 * p.RiskAversion * (e*e - after*after) * sq(in.Spot*in.Vol) * tau
	return benefit, cost, nil
}

func (p CostBenefit) plan(in *Input) (plan, error) {
	k, tau, err := p.settings()
	if err != nil {
		return plan{}, err
	}
	b, c, err := p.benefitCost(in, tau)
	if err != nil {
		return plan{}, err
	}
	pl := plan{band: Band{in.Target, in.Target}, aim: in.Target, trade: b > k*c && in.Delta != in.Target}
	if !pl.trade && in.Delta != in.Target {
		// Report the band the rule implies at this cost: the open delta at which the
		// benefit would reach k × cost with proportional costs.
		lam := c / (in.Spot * math.Abs(in.Delta-in.Target))
		if in.Vol > 0 {
			half := 2 * k * lam / (p.RiskAversion * in.Vol * in.Vol * in.Spot * tau)
			pl.band = around(in.Target, half)
		}
	}
	return pl, nil
}

func (p CostBenefit) head(in *Input, pl plan) string {
	k, tau, _ := p.settings()
	b, c, _ := p.benefitCost(in, tau) // plan has succeeded on the same input
	sd := math.Abs(in.Delta-in.Target) * in.Spot * in.Vol * math.Sqrt(tau)
	verdict := "is worth more than"
	if !pl.trade {
		verdict = "is not worth more than"
	}
	return fmt.Sprintf("delta %s against target %s: hedging removes risk worth $%.2f (1-sd delta P&L over %.3g day(s) $%.0f), which %s %g × the $%.2f cost",
		signed(in.Delta), signed(in.Target), b, tau*365, sd, verdict, k, c)
}

func sq(x float64) float64 { return x * x }
