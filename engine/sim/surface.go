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
	skew    float64 // a: IV ≈ atm × (1 − a·m) near the money, m standardised moneyness (surfaceVol)
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
	"SPY": {name: "SPY", start: 660, tick: 0.01, yield: 0.012, volMult: 1, ivPrem: 1.12, skew: 0.1,
		nearInc: 1, farInc: 5, halfSpread: 0.01, propSpread: 0.002, dailyVol: 65e6, optOI: 40000,
		weeklyDays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, weeklyWeeks: 6, otherDaysWeeks: 2, monthlyMonths: 6},
	"QQQ": {name: "QQQ", start: 600, tick: 0.01, yield: 0.006, volMult: qqqVolMult, ivPrem: 1.1, skew: 0.09,
		nearInc: 1, farInc: 5, halfSpread: 0.015, propSpread: 0.002, dailyVol: 40e6, optOI: 25000,
		weeklyDays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, weeklyWeeks: 6, otherDaysWeeks: 2, monthlyMonths: 6},
	"VXX": {name: "VXX", start: 45, tick: 0.01, volMult: 0, ivPrem: 1.05, skew: -0.12,
		nearInc: 0.5, farInc: 1, halfSpread: 0.02, propSpread: 0.004, dailyVol: 5e6, optOI: 8000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 5, monthlyMonths: 6},
	"SQQQ": {name: "SQQQ", start: 15, tick: 0.01, volMult: 3 * qqqVolMult, ivPrem: 1.1, skew: -0.08,
		nearInc: 0.5, farInc: 1, halfSpread: 0.015, propSpread: 0.004, dailyVol: 80e6, optOI: 10000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 5, monthlyMonths: 6},
	"SH": {name: "SH", start: 37, tick: 0.01, volMult: 1, ivPrem: 1.12, skew: -0.08,
		nearInc: 0.5, farInc: 1, halfSpread: 0.02, propSpread: 0.004, dailyVol: 8e6, optOI: 3000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 4, monthlyMonths: 6},
	"ES": {name: "ES", future: true, start: 6600, tick: 0.25, volMult: 1, ivPrem: 1.12, skew: 0.1,
		nearInc: 5, farInc: 25, halfSpread: 0.125, propSpread: 0.001, dailyVol: 1.5e6, optOI: 6000,
		weeklyDays: []time.Weekday{time.Friday}, weeklyWeeks: 4, monthlyMonths: 6},
	"MES": {name: "MES", future: true, start: 6600, tick: 0.25, volMult: 1, ivPrem: 1.12, skew: 0.1,
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

// surfaceVol is the implied vol of strike k on forward f at t years, from an SSVI surface
// (Gatheral & Jacquier, "Arbitrage-free SVI volatility surfaces", 2014, eq. 4.1): total
// implied variance at log-moneyness x = ln(k/f) is
//
//	w(x) = θ/2 · (1 + ρφx + √((φx + ρ)² + 1 − ρ²)),
//
// θ the at-the-money total variance atmVol²·t and φ = ψ/√θ, so the smile has one shape in
// standardised moneyness m = x/√θ. ρ and ψ are chosen so that near the money the smile is the
// root's IV × (1 − skew·m) to first order in m (ssviShape): puts (m < 0) richer for equities,
// call skew for VXX, SQQQ and SH, steeper in strike near term. The wings grow linearly in x.
//
// The surface is free of static arbitrage by the paper's theorems: no butterfly arbitrage when
// θφ(1+|ρ|) < 4 and θφ²(1+|ρ|) ≤ 4 (Theorem 4.2; ssviShape and the cap on θφ enforce both),
// no calendar arbitrage because θ rises with t (atmVol's variance is an average of positive
// variances) and θφ is non-decreasing with slope at most φ/2 (Theorem 4.1, Corollary 4.1).
// The vol is not clamped: a bound would put a concave kink in w. In the wings w grows like
// θφ(1±ρ)/2·|x| ≤ 1.95|x|, within Lee's moment bound of 2|x|.
func surfaceVol(r *root, logVol, f, k, t float64) float64 {
	atm := atmVol(r, logVol, t)
	if !(f > 0 && k > 0) {
		return atm
	}
	tt := math.Max(t, 1.0/365/24)
	theta := atm * atm * tt
	rho, psi := ssviShape(r)
	// θφ = ψ√θ, capped below the butterfly bound 4/(1+|ρ|) with a margin.
	thetaPhi := math.Min(psi*math.Sqrt(theta), 3.9/(1+math.Abs(rho)))
	phi := thetaPhi / theta
	x := math.Log(k / f)
	w := theta / 2 * (1 + rho*phi*x + math.Sqrt((phi*x+rho)*(phi*x+rho)+1-rho*rho))
	return math.Sqrt(w / tt)
}

// smileTurn is how many standard deviations out of the money the wing opposite the skew
// (calls for equities) is back at the at-the-money vol.
const smileTurn = 4.0

// ssviShape is the root's SSVI correlation ρ and curvature ψ = φ√θ. Near the money
// √(w/θ) = 1 + ρψm/2 + …, so ρψ = −2a gives the root's skew a; the smile is back at θ on
// the far side where ψm = −4ρ/(1−ρ²), i.e. m = 8|a|/(ψ² − 4a²) = smileTurn. ψ²(1+|ρ|) is
// kept ≤ 3.9 (Theorem 4.2's second condition).
func ssviShape(r *root) (rho, psi float64) {
	a := r.skew
	psi = math.Sqrt(4*a*a + 8*math.Abs(a)/smileTurn)
	rho = math.Max(-0.95, math.Min(0.95, -2*a/psi))
	psi = math.Min(psi, math.Sqrt(3.9/(1+math.Abs(rho))))
	return rho, psi
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
