package sim

import (
	"math"
	"math/rand/v2"
)

// Model parameters. Time in the price model is trading time τ in years of 252 sessions
// (one session plus the night before it is 1/252); carry and the VXX roll run on calendar
// years (ACT/365).
const (
	tradingDays = 252.0
	daySession  = 0.8 // share of a day's variance realised during the session
	dayGap      = 0.2 // share realised overnight (the gap at the open)
	extraGapDay = 0.05

	volMeanRev  = 5.0   // κ: mean reversion of the log-vol state per trading year
	volOfVol    = 1.1   // η: volatility of the log-vol state
	volSpotCorr = -0.7  // ρ between SPY shocks and vol-state shocks (leverage effect)
	spyDrift    = 0.07  // SPY expected price growth per year (before jumps, compensated)
	qqqDrift    = 0.085 // QQQ expected price growth per year
	qqqVolMult  = 1.3   // QQQ vol = 1.3 × SPY vol
	qqqSpyCorr  = 0.9   // diffusive correlation of QQQ with SPY
	qqqJumpMult = 1.25  // a SPY jump moves QQQ by 1.25× as much (in log terms)
	vxxVolBeta  = 0.6   // d ln VXX per unit of d(log-vol state)
	vxxIdioVol  = 0.15  // VXX volatility not explained by the vol state
	vxxRoll     = -0.62 // VXX roll yield per calendar year in the quiet state (≈ −5%/month)
	vxxRollSlop = 1.5   // roll yield gained per unit of log-vol above normal (backwardation)
	jumpRate    = 4.0   // SPY jumps per trading year
	jumpDownP   = 0.7   // probability a jump is down
	jumpDownMin = 0.015 // a down jump is −(min + scale·Exp(1)) in log price
	jumpDownSc  = 0.015 //
	jumpUpMin   = 0.008 // an up jump is +(min + scale·Exp(1))
	jumpUpSc    = 0.007 //
	jumpVolUp   = 6.0   // log-vol rise per unit of down-jump size, plus jumpVolBase
	jumpVolBase = 0.10  //
	jumpVolDown = 0.05  // log-vol fall on an up jump
	minLogVol   = -3.0  // ln 5%
	maxLogVol   = 0.4   // ln 149%
	normalVol   = 0.135 // SPY long-run centre of the vol state
	riskFree    = 0.04  // risk-free rate (continuously compounded)
	levFloor    = 0.01  // a daily-reset ETF never falls below 1% of its last close
	stepSeconds = 15.0  // longest intraday step
	maxYear     = 2099  // the market does not advance past the end of this year
)

// logNormal is ln(normalVol), the typical (stationary mean) level of the log-vol state.
var logNormal = math.Log(normalVol)

// logTarget is where the log-vol state's mean reversion pulls: below logNormal by the
// average push of the jumps (down jumps raise it, up jumps lower it), so that on average
// the state sits at logNormal.
var logTarget = logNormal - jumpRate*(jumpDownP*(jumpVolBase+jumpVolUp*(jumpDownMin+jumpDownSc))-
	(1-jumpDownP)*jumpVolDown)/volMeanRev

// jumpComp is E[e^J − 1] of one SPY jump: for a down jump J = −(a + bE) with E ~ Exp(1),
// E[e^J] = e^−a/(1+b); for an up jump E[e^J] = e^a/(1−b).
var jumpComp = jumpDownP*(math.Exp(-jumpDownMin)/(1+jumpDownSc)-1) +
	(1-jumpDownP)*(math.Exp(jumpUpMin)/(1-jumpUpSc)-1)

// qqqJumpComp is E[e^{1.25 J} − 1].
var qqqJumpComp = jumpDownP*(math.Exp(-qqqJumpMult*jumpDownMin)/(1+qqqJumpMult*jumpDownSc)-1) +
	(1-jumpDownP)*(math.Exp(qqqJumpMult*jumpUpMin)/(1-qqqJumpMult*jumpUpSc)-1)

// pathState is everything that moves. Log prices are natural logs of the fair price.
type pathState struct {
	LogVol  float64 `json:"log_vol"` // ln of SPY's instantaneous vol
	LogSPY  float64 `json:"log_spy"`
	LogQQQ  float64 `json:"log_qqq"`
	LogVXX  float64 `json:"log_vxx"`
	SQQQ    float64 `json:"sqqq"`      // SQQQ fair price
	SH      float64 `json:"sh"`        // SH fair price
	SQQQBas float64 `json:"sqqq_base"` // SQQQ at the last close
	SHBase  float64 `json:"sh_base"`   // SH at the last close
	QQQRef  float64 `json:"qqq_ref"`   // QQQ at the last close
	SPYRef  float64 `json:"spy_ref"`   // SPY at the last close
	Jumps   int64   `json:"jumps"`     // jumps so far (diagnostics)
}

// step moves the paths by dTau trading years and dCal calendar years.
func (p *pathState) step(r *rand.Rand, dTau, dCal float64) {
	if !(dTau > 0) {
		return
	}
	z1, z2, z3, z4 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
	u := r.Float64()
	sq := math.Sqrt(dTau)
	vol := math.Exp(p.LogVol)
	qVol := qqqVolMult * vol

	dx := volMeanRev*(logTarget-p.LogVol)*dTau + volOfVol*sq*(volSpotCorr*z1+math.Sqrt(1-volSpotCorr*volSpotCorr)*z2)
	dS := (spyDrift-jumpRate*jumpComp-0.5*vol*vol)*dTau + vol*sq*z1
	dQ := (qqqDrift-jumpRate*qqqJumpComp-0.5*qVol*qVol)*dTau + qVol*sq*(qqqSpyCorr*z1+math.Sqrt(1-qqqSpyCorr*qqqSpyCorr)*z3)

	if u < 1-math.Exp(-jumpRate*dTau) {
		j, jx := drawJump(r)
		dx += jx
		dS += j
		dQ += qqqJumpMult * j
		p.Jumps++
	}
	nx := p.LogVol + dx
	nx = math.Min(maxLogVol, math.Max(minLogVol, nx))
	dx = nx - p.LogVol

	roll := vxxRoll + vxxRollSlop*(p.LogVol-logNormal)
	roll = math.Min(1.5, math.Max(-1.2, roll))
	dV := vxxVolBeta*dx + roll*dCal - 0.5*vxxIdioVol*vxxIdioVol*dTau + vxxIdioVol*sq*z4

	p.LogVol = nx
	p.LogSPY += dS
	p.LogQQQ += dQ
	p.LogVXX += dV
	p.LogVXX = math.Max(math.Log(0.01), p.LogVXX)
	p.releverage()
}

// drawJump draws one SPY jump: j is the log-price jump, jx the vol state's reaction (up
// on a down jump, in proportion to its size; down a little on an up jump).
func drawJump(r *rand.Rand) (j, jx float64) {
	e := r.ExpFloat64()
	if r.Float64() < jumpDownP {
		j = -(jumpDownMin + jumpDownSc*e)
		return j, jumpVolBase + jumpVolUp*(-j)
	}
	return jumpUpMin + jumpUpSc*e, -jumpVolDown
}

// releverage sets the daily-reset ETFs from their reference's move since the last close.
func (p *pathState) releverage() {
	q := math.Exp(p.LogQQQ)/p.QQQRef - 1
	p.SQQQ = p.SQQQBas * math.Max(levFloor, 1-3*q)
	s := math.Exp(p.LogSPY)/p.SPYRef - 1
	p.SH = p.SHBase * math.Max(levFloor, 1-s)
}

// resetDaily is the daily reset at the close: the leveraged ETFs take today's close as
// their new base.
func (p *pathState) resetDaily() {
	p.SQQQBas, p.SHBase = p.SQQQ, p.SH
	p.QQQRef, p.SPYRef = math.Exp(p.LogQQQ), math.Exp(p.LogSPY)
}
