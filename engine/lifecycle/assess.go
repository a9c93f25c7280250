package lifecycle

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/roll"
)

// Stage is where a short option (or what it became) is in its lifecycle.
type Stage string

const (
	Options            Stage = "options"
	Tested             Stage = "tested"
	DeepITM            Stage = "deep ITM"
	AwaitingAssignment Stage = "awaiting assignment"
	Future             Stage = "future"
	Shares             Stage = "shares"
	ReEnter            Stage = "re-enter"
)

// Action is what the daily checklist says to do with a short option.
type Action string

const (
	Hold      Action = "hold"        // nothing to do
	PlanRoll  Action = "plan a roll" // tested: look at the roll planner
	LetAssign Action = "let assign"  // deep ITM and illiquid: let it be assigned
	Roll      Action = "roll"        // deep ITM, but the best roll collects more than the extrinsic left
	Close     Action = "close"       // deep ITM and nothing to be assigned into (cash-settled) or assignment not allowed
)

// Numbers are the figures behind a decision or a transition, by name (see the package doc
// for units); they marshal as a JSON object with sorted keys.
type Numbers map[string]float64

// Settings are the lifecycle's thresholds. DefaultSettings lists their defaults.
type Settings struct {
	TestedDelta float64 // |delta| from which a short option is tested (0.30)
	DeepDelta   float64 // |delta| from which an illiquid one is deep in the money (0.80)
	// RollEdge is how many dollars the best roll must collect beyond the extrinsic value left
	// before rolling is preferred to assignment (0).
	RollEdge float64
	// AllowAssignment lets the decision be "let assign"; off, a deep-ITM option is rolled or
	// closed (true).
	AllowAssignment bool
	// ProfitTicks is how far beyond the assignment's breakeven, in ticks of the held
	// position, the profit exit is (4).
	ProfitTicks float64
	// TrailTicks, when above 0, makes the exit trailing: once the price has reached the
	// profit level, exit when it falls back TrailTicks ticks from the best price seen, but
	// never below the profit level (0: exit at the profit level).
	TrailTicks float64
	// ReEntryDelta is the |delta| of each leg of the re-entry strangle (0.16); ReEntryDays
	// the target days to expiry (45), within [ReEntryMinDays, ReEntryMaxDays] (30, 60).
	ReEntryDelta   float64
	ReEntryDays    float64
	ReEntryMinDays float64
	ReEntryMaxDays float64
	Liquidity      liquidity.Rules
}

// DefaultSettings are the defaults (package doc, Defaults).
func DefaultSettings() Settings {
	return Settings{TestedDelta: 0.30, DeepDelta: 0.80, AllowAssignment: true, ProfitTicks: 4,
		ReEntryDelta: 0.16, ReEntryDays: 45, ReEntryMinDays: 30, ReEntryMaxDays: 60,
		Liquidity: liquidity.DefaultRules()}
}

// Validate names the first setting that is not usable.
func (s Settings) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	switch {
	case bad(s.TestedDelta) || bad(s.DeepDelta) || s.TestedDelta == 0 || s.DeepDelta > 1 || s.TestedDelta > s.DeepDelta:
		return fmt.Errorf("lifecycle: tested delta %g and deep delta %g must satisfy 0 < tested ≤ deep ≤ 1", s.TestedDelta, s.DeepDelta)
	case bad(s.RollEdge):
		return fmt.Errorf("lifecycle: roll edge %g must be a number ≥ 0", s.RollEdge)
	case bad(s.ProfitTicks) || bad(s.TrailTicks):
		return fmt.Errorf("lifecycle: profit ticks %g and trail ticks %g must be numbers ≥ 0", s.ProfitTicks, s.TrailTicks)
	case !(s.ReEntryDelta > 0 && s.ReEntryDelta < 0.5):
		return fmt.Errorf("lifecycle: re-entry delta %g must be between 0 and 0.5 (out of the money)", s.ReEntryDelta)
	case bad(s.ReEntryMinDays) || bad(s.ReEntryMaxDays) || s.ReEntryMinDays > s.ReEntryDays || s.ReEntryDays > s.ReEntryMaxDays:
		return fmt.Errorf("lifecycle: re-entry days %g must be within [%g, %g]", s.ReEntryDays, s.ReEntryMinDays, s.ReEntryMaxDays)
	}
	return s.Liquidity.Validate()
}

// Dividend is a cash dividend per share going ex on ExDate.
type Dividend struct {
	ExDate time.Time
	Amount float64
}

// QuarterlyDividends estimates the cash dividends of a stock paying a continuous yield at
// the given ex-dividend dates: spot × yield ÷ 4 each (engine/sim pays SPY's 1.2% this way
// and lists its ex-dates). It is an estimate, not a declared dividend.
func QuarterlyDividends(spot, yield float64, exDates []time.Time) []Dividend {
	out := make([]Dividend, 0, len(exDates))
	for _, d := range exDates {
		out = append(out, Dividend{ExDate: d, Amount: spot * yield / 4})
	}
	return out
}

// Option is one short option as the lifecycle sees it. Quote carries the option's market
// (bid, ask, underlying price, sizes, volume and open interest for the liquidity
// checklist) and its Instrument (right, strike, style, expiry, multiplier, the future it
// delivers). Quantity is signed contracts (negative: short). Delta is per unit for one long
// option. BestRoll is the roll planner's best candidate other than close only (BestRoll
// picks it from a plan); nil when there is none. Rate is the risk-free rate; Dividends the
// underlying's cash dividends before expiry (stock and ETF options).
type Option struct {
	ID        string
	Layer     string
	Quote     liquidity.Quote
	Quantity  float64
	Delta     float64
	BestRoll  *roll.Candidate
	Rate      float64
	Dividends []Dividend
	Now       time.Time
}

// BestRoll is the best-ranked candidate of p that actually rolls (not close only), whose
// legs pass the liquidity checklist (warnings allowed) and that collects a credit at
// natural; nil when there is none.
func BestRoll(p roll.Plan) *roll.Candidate {
	for i := range p.Candidates {
		c := &p.Candidates[i]
		if c.Shape != roll.CloseOnly && c.Liquidity != liquidity.Fail && c.NetNatural > 0 {
			return c
		}
	}
	return nil
}

// Assignment is what letting a short option be assigned means: what is delivered, when,
// and for an American option how likely an early assignment is. Units are signed (long
// positive) futures contracts or shares. Incentive is the holder's gain per unit from
// exercising now rather than holding to expiry: for an option on a future the interest on
// the intrinsic value (intrinsic × (1 − e^(−rT))); for a put on a stock the interest on the
// strike less the dividends it would forgo (K × (1 − e^(−rT)) − dividends before expiry);
// for a call on a stock the next dividend before expiry less the interest on the strike
// until its ex-date. An American option's early assignment is likely when Incentive exceeds
// Extrinsic (per unit).
type Assignment struct {
	Style       string    `json:"style"`       // "European" or "American"
	Deliverable string    `json:"deliverable"` // the future (ESZ6) or the stock (SPY); empty when cash-settled
	Into        Stage     `json:"into"`        // Future or Shares; empty when cash-settled
	Units       float64   `json:"units"`
	Price       float64   `json:"price"`  // the strike: the price the position is assigned at
	Expiry      time.Time `json:"expiry"` // exercised at expiry (European), or at the latest then
	Early       bool      `json:"early"`  // may be assigned before expiry (American)
	EarlyLikely bool      `json:"early_likely"`
	Intrinsic   float64   `json:"intrinsic"` // per unit, at the quote's underlying price
	Extrinsic   float64   `json:"extrinsic"` // per unit: mid − intrinsic, never below 0
	Incentive   float64   `json:"incentive"`
	Dividend    float64   `json:"dividend"` // per share, before expiry
	Words       string    `json:"words"`
}

// Assessment is the daily checklist's view of one short option: its stage, what to do, why,
// and the numbers. It carries no P&L.
type Assessment struct {
	ID         string           `json:"id"`
	Symbol     string           `json:"symbol"`
	Layer      string           `json:"layer"`
	Problem    string           `json:"problem,omitempty"` // why it could not be assessed (AssessBook)
	Stage      Stage            `json:"stage"`
	Action     Action           `json:"action"`
	Reason     string           `json:"reason"`
	Numbers    Numbers          `json:"numbers"`
	Liquidity  liquidity.Result `json:"liquidity"`
	Assignment Assignment       `json:"assignment"`
}

// Assess classifies a short option and decides what to do with it.
//
// The stage is deep ITM when |delta| ≥ DeepDelta and either the liquidity checklist fails
// for closing the whole position or the extrinsic value left (dollars) is below the best
// roll's credit at natural; else tested when |delta| ≥ TestedDelta; else options. A deep-ITM
// option is rolled when its liquidity does not fail and the best roll collects more than
// the extrinsic left plus RollEdge; it is let be assigned when that is allowed and it
// delivers a future or shares; otherwise closed.
func Assess(o Option, s Settings) (Assessment, error) {
	if err := s.Validate(); err != nil {
		return Assessment{}, err
	}
	in := o.Quote.Instrument
	switch {
	case !in.IsOption():
		return Assessment{}, fmt.Errorf("lifecycle: %s is a %s, not an option", o.Quote.Symbol, in.Kind)
	case !(o.Quantity < 0) || math.IsInf(o.Quantity, 0):
		return Assessment{}, fmt.Errorf("lifecycle: %s: quantity %g is not a short position", o.Quote.Symbol, o.Quantity)
	case math.IsNaN(o.Delta) || math.Abs(o.Delta) > 1:
		return Assessment{}, fmt.Errorf("lifecycle: %s: delta %g must be in [−1, 1]", o.Quote.Symbol, o.Delta)
	case !(o.Quote.Underlying > 0) || math.IsInf(o.Quote.Underlying, 0):
		return Assessment{}, fmt.Errorf("lifecycle: %s: underlying price %g must be positive", o.Quote.Symbol, o.Quote.Underlying)
	case !(o.Quote.Ask > 0):
		return Assessment{}, fmt.Errorf("lifecycle: %s: no ask (%g): the option has no market to value it by", o.Quote.Symbol, o.Quote.Ask)
	case math.IsNaN(o.Rate) || math.IsInf(o.Rate, 0):
		return Assessment{}, fmt.Errorf("lifecycle: %s: rate %g must be finite", o.Quote.Symbol, o.Rate)
	case !(in.Multiplier > 0):
		return Assessment{}, fmt.Errorf("lifecycle: %s: multiplier %g must be positive", o.Quote.Symbol, in.Multiplier)
	}
	contracts := -o.Quantity
	size := int64(math.Ceil(contracts))
	liq, err := s.Liquidity.Check(o.Quote, size)
	if err != nil {
		return Assessment{}, fmt.Errorf("lifecycle: %w", err)
	}
	asg, err := assignment(o)
	if err != nil {
		return Assessment{}, err
	}
	mid := o.Quote.Mid()
	units := contracts * in.Multiplier
	absDelta := math.Abs(o.Delta)
	extrinsicDollars := asg.Extrinsic * units
	n := Numbers{
		"delta": o.Delta, "tested_delta": s.TestedDelta, "deep_delta": s.DeepDelta,
		"contracts": contracts, "underlying": o.Quote.Underlying, "strike": in.Strike, "mid": mid,
		"intrinsic": asg.Intrinsic, "extrinsic": asg.Extrinsic, "extrinsic_dollars": extrinsicDollars,
		"spread_pct": liq.SpreadPct, "days_to_expiry": instrument.DaysToExpiry(o.Now, in),
		"incentive": asg.Incentive,
		// closing buys back at the ask: the extrinsic left is given up and the half-spread paid
		"close_cost": extrinsicDollars + (o.Quote.Ask-mid)*units,
	}
	rollCredit := 0.0
	if o.BestRoll != nil {
		rollCredit = o.BestRoll.NetNatural
		n["roll_credit"] = rollCredit
	}
	a := Assessment{ID: o.ID, Symbol: o.Quote.Symbol, Layer: o.Layer, Numbers: n, Liquidity: liq, Assignment: asg}
	illiquid := liq.Verdict == liquidity.Fail
	cheapToRoll := absDelta >= s.DeepDelta && o.BestRoll != nil && extrinsicDollars < rollCredit
	deepWords := fmt.Sprintf("|delta| %.2f", absDelta)
	switch {
	case absDelta >= s.DeepDelta && illiquid:
		a.Stage = DeepITM
		deepWords += fmt.Sprintf(" ≥ %.2f and its liquidity fails (%s)", s.DeepDelta, joinReasons(liq))
	case cheapToRoll:
		a.Stage = DeepITM
		deepWords += fmt.Sprintf(" ≥ %.2f and its extrinsic value left, $%.0f, is below the $%.0f the best roll collects at natural", s.DeepDelta, extrinsicDollars, rollCredit)
	case absDelta >= s.TestedDelta:
		a.Stage, a.Action = Tested, PlanRoll
		a.Reason = fmt.Sprintf("|delta| %.2f ≥ %.2f: tested, plan a roll", absDelta, s.TestedDelta)
		if absDelta >= s.DeepDelta {
			a.Reason += fmt.Sprintf(" (deep, |delta| ≥ %.2f, but liquid: %s)", s.DeepDelta, liq.Verdict)
		}
		return a, nil
	default:
		a.Stage, a.Action = Options, Hold
		a.Reason = fmt.Sprintf("|delta| %.2f < %.2f: collecting theta", absDelta, s.TestedDelta)
		return a, nil
	}
	switch {
	case !illiquid && o.BestRoll != nil && rollCredit > extrinsicDollars+s.RollEdge:
		a.Action = Roll
		a.Reason = fmt.Sprintf("deep ITM (%s); liquid enough to roll: %s collects $%.0f at natural, more than the $%.0f extrinsic left", deepWords, o.BestRoll.Shape, rollCredit, extrinsicDollars)
	case s.AllowAssignment && asg.Into != "":
		a.Action = LetAssign
		a.Reason = fmt.Sprintf("deep ITM (%s): let it be assigned — %s", deepWords, asg.Words)
	default:
		a.Action = Close
		why := "assignment is not allowed"
		if asg.Into == "" {
			why = "it is cash-settled: nothing to be assigned into"
		}
		a.Reason = fmt.Sprintf("deep ITM (%s); %s: close it, giving up $%.0f (extrinsic and half-spread)", deepWords, why, n["close_cost"])
	}
	return a, nil
}

func joinReasons(r liquidity.Result) string {
	out := ""
	for _, c := range r.Checks {
		if c.Verdict != liquidity.Fail {
			continue
		}
		if out != "" {
			out += "; "
		}
		out += c.Words
	}
	if out == "" {
		return r.Verdict.String()
	}
	return out
}

// errCash marks a cash-settled option.
var errCash = errors.New("cash-settled")

// deliverable is what in delivers on assignment and its multiplier (units per contract).
func deliverable(in instrument.Instrument) (symbol string, into Stage, mult float64, err error) {
	switch {
	case in.Kind == instrument.FuturesOption:
		spec, ok := instrument.LookupFutures(in.Root)
		if !ok {
			return "", "", 0, fmt.Errorf("lifecycle: no futures spec for %s", in.Root)
		}
		return in.Underlying, Future, spec.Multiplier, nil
	case in.Style == pricing.European:
		// OCC options on stocks and ETFs are American; the European ones are cash-settled
		// index options (instrument package doc, Exercise style).
		return "", "", 0, errCash
	}
	return in.Underlying, Shares, 1, nil
}

// assignment works out what assigning o means, with its early-assignment numbers.
func assignment(o Option) (Assignment, error) {
	in := o.Quote.Instrument
	s, k := o.Quote.Underlying, in.Strike
	intrinsic := math.Max(0, s-k)
	if in.Right == pricing.Put {
		intrinsic = math.Max(0, k-s)
	}
	a := Assignment{Style: in.Style.String(), Price: k, Expiry: in.Expiry, Early: in.Style == pricing.American,
		Intrinsic: intrinsic, Extrinsic: math.Max(0, o.Quote.Mid()-intrinsic)}
	sym, into, mult, err := deliverable(in)
	switch {
	case errors.Is(err, errCash):
		a.Words = fmt.Sprintf("a European cash-settled option: settled in cash at expiry %s", in.Expiry.Format("2006-01-02 15:04 MST"))
		return a, nil
	case err != nil:
		return Assignment{}, err
	}
	a.Deliverable, a.Into = sym, into
	a.Units = -o.Quantity * in.Multiplier / mult // short put → long
	if in.Right == pricing.Call {
		a.Units = -a.Units
	}
	years := math.Max(0, instrument.YearFraction(o.Now, in.Expiry))
	side := "long"
	if a.Units < 0 {
		side = "short"
	}
	what := fmt.Sprintf("%s %g %s at %g", side, math.Abs(a.Units), sym, k)
	if into == Shares {
		what = fmt.Sprintf("%s %g shares of %s at %g", side, math.Abs(a.Units), sym, k)
	}
	if !a.Early {
		a.Words = fmt.Sprintf("European: exercised at expiry %s into %s", in.Expiry.Format("2006-01-02 15:04 MST"), what)
		return a, nil
	}
	interest := func(x, t float64) float64 { return x * (1 - math.Exp(-o.Rate*t)) }
	switch {
	case into == Future:
		a.Incentive = interest(intrinsic, years)
	case in.Right == pricing.Put:
		for _, d := range o.Dividends {
			if d.ExDate.After(o.Now) && !d.ExDate.After(in.Expiry) {
				a.Dividend += d.Amount
			}
		}
		a.Incentive = interest(k, years) - a.Dividend
	default: // a call on a stock: exercised for the next dividend
		for _, d := range o.Dividends {
			if d.ExDate.After(o.Now) && !d.ExDate.After(in.Expiry) {
				a.Dividend = d.Amount
				a.Incentive = d.Amount - interest(k, math.Max(0, instrument.YearFraction(o.Now, d.ExDate)))
				break
			}
		}
	}
	a.EarlyLikely = intrinsic > 0 && a.Incentive > a.Extrinsic
	likely := "unlikely"
	if a.EarlyLikely {
		likely = "likely"
	}
	a.Words = fmt.Sprintf("American: may be assigned any day until %s into %s; early assignment %s (extrinsic left %.2f, the holder's incentive to exercise %.2f per unit)",
		in.Expiry.Format("2006-01-02"), what, likely, a.Extrinsic, a.Incentive)
	return a, nil
}
