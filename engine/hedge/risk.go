package hedge

import (
	"fmt"
	"math"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// Severity says how urgent a Finding is.
type Severity int8

const (
	Info Severity = iota // for the record
	Warn                 // reduce or watch
	Act                  // close, roll or hedge now
)

func (s Severity) String() string {
	switch s {
	case Warn:
		return "warn"
	case Act:
		return "act"
	}
	return "info"
}

// Finding is one rule's verdict in words. Multiplier, when a size rule produced it, is
// the fraction of full size the rule allows (1 full, 0 none).
type Finding struct {
	Symbol     string
	Rule       string
	Severity   Severity
	Multiplier float64
	Text       string
}

// DTEStep allows Multiplier × full size while more than Above calendar days are left.
type DTEStep struct {
	Above      float64
	Multiplier float64
}

// RiskRules are the guide's position rules as editable defaults (DefaultRiskRules).
// Size by days to expiry (DTE, calendar days): the first step whose Above is exceeded
// gives the multiplier, and none (0) below the last one — exit or roll. Never hold an
// at-the-money option (|delta| within ATMDelta of 0.50) in the last ATMLastDays days.
// Reduce to HighGammaMultiplier when an option's gamma per share exceeds HighGamma.
type RiskRules struct {
	DTESteps            []DTEStep
	ATMLastDays         float64
	ATMDelta            float64
	HighGamma           float64
	HighGammaMultiplier float64
}

// DefaultRiskRules are the guide's numbers: 1.0 above 21 DTE, 0.75 above 14, 0.5 above
// 7, 0 at 7 or less; no ATM (|delta| 0.40–0.60) in the last 3 days; halve the size when
// gamma exceeds 0.15 per share ("If gamma > 0.15, reduce position").
func DefaultRiskRules() RiskRules {
	return RiskRules{
		DTESteps:            []DTEStep{{21, 1}, {14, 0.75}, {7, 0.5}},
		ATMLastDays:         3,
		ATMDelta:            0.10,
		HighGamma:           0.15,
		HighGammaMultiplier: 0.5,
	}
}

// SizeMultiplier is the fraction of full size allowed with dte calendar days left.
func (r RiskRules) SizeMultiplier(dte float64) float64 {
	for _, s := range r.DTESteps {
		if dte > s.Above {
			return s.Multiplier
		}
	}
	return 0
}

// Position is one option position as the risk rules see it. Quantity is in contracts
// (negative when short), DTE in calendar days, Delta and Gamma per share of the
// underlying for one long option (pricing.Greeks units).
type Position struct {
	Symbol   string
	Right    pricing.Right
	Quantity float64
	DTE      float64
	Delta    float64
	Gamma    float64
}

// Check applies the rules to every position and returns the findings, most urgent
// first within each position: the DTE size rule, the at-the-money rule and the gamma rule.
func (r RiskRules) Check(positions []Position) []Finding {
	var out []Finding
	for _, p := range positions {
		if p.Quantity == 0 {
			continue
		}
		m := r.SizeMultiplier(p.DTE)
		switch {
		case m == 0:
			out = append(out, Finding{Symbol: p.Symbol, Rule: "DTE", Severity: Act, Multiplier: 0,
				Text: fmt.Sprintf("%s: %.1f days to expiry is inside the last %g: exit or roll (size 0)", p.Symbol, p.DTE, r.lastStep())})
		case m < 1:
			out = append(out, Finding{Symbol: p.Symbol, Rule: "DTE", Severity: Warn, Multiplier: m,
				Text: fmt.Sprintf("%s: %.1f days to expiry: hold at most %.0f%% of full size", p.Symbol, p.DTE, 100*m)})
		}
		if d := math.Abs(p.Delta); p.DTE <= r.ATMLastDays && math.Abs(d-0.5) <= r.ATMDelta {
			out = append(out, Finding{Symbol: p.Symbol, Rule: "ATM expiry", Severity: Act, Multiplier: 0,
				Text: fmt.Sprintf("%s: at the money (delta %.2f) with %.1f days left: never hold ATM in the last %g days — close or roll", p.Symbol, p.Delta, p.DTE, r.ATMLastDays)})
		}
		if r.HighGamma > 0 && math.Abs(p.Gamma) > r.HighGamma {
			out = append(out, Finding{Symbol: p.Symbol, Rule: "gamma", Severity: Warn, Multiplier: r.HighGammaMultiplier,
				Text: fmt.Sprintf("%s: gamma %.3f per share is above %.3f: reduce to %.0f%% of the position", p.Symbol, p.Gamma, r.HighGamma, 100*r.HighGammaMultiplier)})
		}
	}
	return out
}

func (r RiskRules) lastStep() float64 {
	if len(r.DTESteps) == 0 {
		return 0
	}
	return r.DTESteps[len(r.DTESteps)-1].Above
}

// MaxPositionSize is the guide's Max Size = Portfolio × Risk% ÷ Max Greek loss: with
// portfolio dollars, riskFraction the share of it one position may lose (0.02 for 2%) and
// maxLoss the worst loss of one unit (one contract) from the Greeks in a stress move, in
// dollars. The result is whole units, rounded down; a size above MaxLots (a worst loss
// too small for the portfolio to mean anything) is an error naming the inputs.
func MaxPositionSize(portfolio, riskFraction, maxLoss float64) (int, Finding, error) {
	switch {
	case !(portfolio > 0) || math.IsInf(portfolio, 0):
		return 0, Finding{}, fmt.Errorf("hedge: portfolio %g must be positive dollars", portfolio)
	case !(riskFraction > 0) || riskFraction > 1:
		return 0, Finding{}, fmt.Errorf("hedge: risk fraction %g must be in (0, 1]", riskFraction)
	case !(maxLoss > 0) || math.IsInf(maxLoss, 0):
		return 0, Finding{}, fmt.Errorf("hedge: max loss per unit %g must be positive dollars", maxLoss)
	}
	size := math.Floor(portfolio * riskFraction / maxLoss)
	if !(size <= MaxLots) {
		return 0, Finding{}, fmt.Errorf("hedge: max loss per unit $%g is too small for a portfolio of $%g: the size %g is above %.0f units", maxLoss, portfolio, size, float64(MaxLots))
	}
	n := int(size)
	return n, Finding{Rule: "max size", Severity: Info, Text: fmt.Sprintf(
		"max size %d = $%.0f × %.2g%% ÷ $%.2f worst Greek loss per unit", n, portfolio, 100*riskFraction, maxLoss)}, nil
}

// Limits are the book's risk limits: there is one limits type, portfolio.Limits (vega and
// theta as fractions: 0.02 of net liquidation per vol point, 0.001 of notional a day); the
// checklist checks its delta, vega and theta limits with CheckLimits.
type Limits = portfolio.Limits

// CheckLimits returns one finding per limit of l that is set: Info when inside, Act when
// breached. |delta| (e.BetaDelta, benchmark shares) at most DeltaSharesPer100k per $100k
// of net liquidation; |vega| at most VegaPerPoint × net liquidation per vol point; theta
// paid (negative theta) at most ThetaPerDay × the notional per day. A zero limit is not
// checked.
func CheckLimits(l Limits, name string, e portfolio.Exposure, netLiq float64) ([]Finding, error) {
	if !(netLiq > 0) || math.IsInf(netLiq, 0) {
		return nil, fmt.Errorf("hedge: limits need a positive net liquidation (got %g)", netLiq)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Delta", e.BetaDelta}, {"Vega", e.Vega}, {"Theta", e.Theta}, {"Notional", e.Notional}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("hedge: limits of %s: %s %g must be finite", name, f.name, f.v)
		}
	}
	var out []Finding
	add := func(rule string, used, limit float64, unit string) {
		f := Finding{Symbol: name, Rule: rule, Severity: Info, Text: fmt.Sprintf("%s: %s %s is within the limit of %s", name, rule, num(used)+unit, num(limit)+unit)}
		if used > limit {
			f.Severity = Act
			f.Text = fmt.Sprintf("%s: %s %s is over the limit of %s", name, rule, num(used)+unit, num(limit)+unit)
		}
		out = append(out, f)
	}
	if l.DeltaSharesPer100k > 0 {
		add("|delta|", math.Abs(e.BetaDelta), l.DeltaSharesPer100k*netLiq/100000, " shares")
	}
	if l.VegaPerPoint > 0 {
		add("|vega|", math.Abs(e.Vega), l.VegaPerPoint*netLiq, " $/vol pt")
	}
	if l.ThetaPerDay > 0 && e.Notional > 0 {
		add("theta paid", math.Max(-e.Theta, 0), l.ThetaPerDay*e.Notional, " $/day")
	}
	return out, nil
}
