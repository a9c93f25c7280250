package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// root describes one simulated underlying root and how its options trade.
type root struct {
	name    string
	future  bool    // ES, MES: options are futures options on a quarterly contract
	start   float64 // starting price (futures: SPY × 10 before basis)
	tick    float64 // the underlying's price tick
	yield   float64 // dividend yield (continuous)
	volMult float64 // instantaneous vol as a multiple of SPY's (VXX: special)
	ivPrem  float64 // implied over realised vol
	skew    float64 // a: IV × (1 − a·m + b·m²) in standardised moneyness m
	smile   float64 // b
	nearInc float64 // strike increment near the money
	farInc  float64 // strike increment far from the money
	// halfSpread is the base half bid/ask spread of an at-the-money option, in price;
	// propSpread the part of the half spread proportional to the option's price.
	halfSpread, propSpread float64
	// dailyVol: the underlying's typical daily volume (shares or contracts); optOI the
	// open interest of an at-the-money monthly strike.
	dailyVol, optOI float64
	weeklyDays      []time.Weekday
	weeklyWeeks     int // Friday weeklies listed this many weeks out
	otherDaysWeeks  int // Mon/Wed weeklies listed this many weeks out
	monthlyMonths   int // monthlies listed this many months out
}

var roots = map[string]*root{
	"SPY": {name: "SPY", start: 660, tick: 0.01, yield: 0.012, volMult: 1, ivPrem: 1.12, skew: 0.1, smile: 0.05,
		nearInc: 1, farInc: 5, halfSpread: 0.01, propSpread: 0.002, dailyVol: 65e6, optOI: 40000,
		weeklyDays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, weeklyWeeks: 6, otherDaysWeeks: 2, monthlyMonths: 6},
	"QQQ": {name: "QQQ", start: 600, tick: 0.01, yield: 0.006, volMult: qqqVolMult, ivPrem: 1.1, skew: 0.09, smile: 0.05,
		nearInc: 1, farInc: 5, halfSpread: 0.015, propSpread: 0.002, dailyVol: 40e6, optOI: 25000,
		weeklyDays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, weeklyWeeks: 6, otherDaysWeeks: 2, monthlyMonths: 6},
	"VXX": {name: "VXX", start: 45, tick: 0.01, volMult: 0, ivPrem: 1.05, skew: -0.12, smile: 0.04,
		nearInc: 0.5, farInc: 1, halfSpread: 0.02, propSpread: 0.004, dailyVol: 5e6, optOI: 8000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 5, monthlyMonths: 6},
	"SQQQ": {name: "SQQQ", start: 15, tick: 0.01, volMult: 3 * qqqVolMult, ivPrem: 1.1, skew: -0.08, smile: 0.05,
		nearInc: 0.5, farInc: 1, halfSpread: 0.015, propSpread: 0.004, dailyVol: 80e6, optOI: 10000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 5, monthlyMonths: 6},
	"SH": {name: "SH", start: 37, tick: 0.01, volMult: 1, ivPrem: 1.12, skew: -0.08, smile: 0.05,
		nearInc: 0.5, farInc: 1, halfSpread: 0.02, propSpread: 0.004, dailyVol: 8e6, optOI: 3000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 4, monthlyMonths: 6},
	"ES": {name: "ES", future: true, start: 6600, tick: 0.25, volMult: 1, ivPrem: 1.12, skew: 0.1, smile: 0.05,
		nearInc: 5, farInc: 25, halfSpread: 0.125, propSpread: 0.001, dailyVol: 1.5e6, optOI: 6000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 4, monthlyMonths: 6},
	"MES": {name: "MES", future: true, start: 6600, tick: 0.25, volMult: 1, ivPrem: 1.12, skew: 0.1, smile: 0.05,
		nearInc: 5, farInc: 25, halfSpread: 0.25, propSpread: 0.0015, dailyVol: 1.2e6, optOI: 1500,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 4, monthlyMonths: 6},
}

// stockRoots are the tradable ETFs, in display order.
var stockRoots = []string{"SPY", "QQQ", "VXX", "SQQQ", "SH"}

// ivTermMeanRev is how fast implied vol is expected to revert with maturity (per year):
// slower than the realised state, so the term structure is visible out to six months.
const ivTermMeanRev = 2.0

// instVol is the root's instantaneous (realised) vol in the current state.
func instVol(r *root, logVol float64) float64 {
	if r.name == "VXX" {
		// VXX's own vol: the vol state's share plus its idiosyncratic part, rising with the
		// state (vol of vol is higher in stress).
		base := math.Hypot(vxxVolBeta*volOfVol, vxxIdioVol)
		return base * math.Exp(0.5*(logVol-logNormal))
	}
	return r.volMult * math.Exp(logVol)
}

// longRunVol is the root's vol in the normal state.
func longRunVol(r *root) float64 { return instVol(r, logNormal) }

// atmVol is the at-the-money implied vol for t years: the expected average variance of a
// state reverting to normal, times the implied-over-realised premium. High vol now gives
// an inverted (downward sloping) term structure; low vol an upward one.
func atmVol(r *root, logVol, t float64) float64 {
	now := instVol(r, logVol)
	lr := longRunVol(r)
	t = math.Max(t, 1.0/365/24)
	w := (1 - math.Exp(-ivTermMeanRev*t)) / (ivTermMeanRev * t)
	v := lr*lr + (now*now-lr*lr)*w
	return r.ivPrem * math.Sqrt(math.Max(v, 1e-6))
}

// surfaceVol is the implied vol of strike k on forward f at t years. Skew is expressed in
// standardised moneyness m = ln(k/f)/(σ_atm·√t), so in strike terms it is steeper near
// term. Puts (m < 0) are richer for equities; VXX, SQQQ and SH have call skew.
func surfaceVol(r *root, logVol, f, k, t float64) float64 {
	atm := atmVol(r, logVol, t)
	if !(f > 0 && k > 0) {
		return atm
	}
	tt := math.Max(t, 1.0/365/24)
	m := math.Log(k/f) / (atm * math.Sqrt(tt))
	m = math.Max(-6, math.Min(6, m))
	factor := 1 - r.skew*m + r.smile*m*m/(1+0.08*m*m)
	factor = math.Max(0.6, math.Min(3, factor))
	return math.Max(0.03, math.Min(5, atm*factor))
}

// ImpliedVol is the surface's implied vol (fraction) of a strike and expiry on underlying
// (a stock root or a listed future) at Now. It fails for an unknown underlying, a
// non-positive strike or an expiry not after Now.
func (m *Market) ImpliedVol(underlying string, strike float64, expiry time.Time) (float64, error) {
	r := rootOf(underlying)
	if r == nil {
		return 0, fmt.Errorf("%w: %q has no options here", ErrUnknownSymbol, underlying)
	}
	if !(strike > 0) || math.IsInf(strike, 0) {
		return 0, fmt.Errorf("sim: strike %g must be positive", strike)
	}
	t := instrument.YearFraction(m.now, expiry)
	if !(t > 0) {
		return 0, fmt.Errorf("%w: %s is not after %s", ErrExpired, expiry.Format(time.RFC3339), m.now.Format(time.RFC3339))
	}
	s, err := m.Price(underlying)
	if err != nil {
		return 0, err
	}
	f := s
	if !r.future {
		f = s * math.Exp((riskFree-r.yield)*t)
	}
	return surfaceVol(r, m.p.LogVol, f, strike, t), nil
}

// VolIndex is a VIX-like reading of the vol state: SPY's 30-day at-the-money implied vol,
// in vol points (15 for 15%).
func (m *Market) VolIndex() float64 {
	return 100 * atmVol(roots["SPY"], m.p.LogVol, 30.0/365)
}
