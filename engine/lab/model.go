package lab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/keel-desk/keel/engine/sim"
)

// ModelKind names a path model.
type ModelKind string

const (
	// GBM is geometric Brownian motion at the position's Vol (engine/sim.GBM): the world
	// Black–Scholes assumes, where only discreteness and costs leave a hedging error.
	GBM ModelKind = "gbm"
	// SVJ is stochastic volatility with jumps, shaped like the simulated market's SPY
	// (engine/sim/model.go), whose own path state cannot be driven one path at a time:
	//
	//	x = ln σ:  dx = κ(m − x)dt + η dW₂,   κ = 5, η = 1.1, corr(dW₁, dW₂) = ρ = −0.7
	//	d ln S  = (μ − λ_J·k̄ − σ²/2)dt + σ dW₁ + J dN,   λ_J = 4 jumps a year
	//
	// 70% of jumps are down, J = −(1.5% + 1.5%·E), the rest up, J = +(0.8% + 0.7%·E), E ~
	// Exp(1); k̄ = E[e^J − 1] compensates them, so the drift is still μ. The vol state
	// starts from its stationary law N(m, η²/2κ) with m = ln Vol − η²/2κ, so the average
	// diffusive variance is Vol² and the options' price is fair for the diffusion; the
	// jumps (and the vol of vol) are the risk a Black–Scholes hedge at Vol cannot remove.
	// Unlike the market, the vol state does not react to jumps.
	SVJ ModelKind = "svj"
)

// The SVJ parameters, those of engine/sim/model.go.
const (
	svjMeanRev  = 5.0
	svjVolOfVol = 1.1
	svjCorr     = -0.7
	jumpRate    = 4.0
	jumpDownP   = 0.7
	jumpDownMin = 0.015
	jumpDownSc  = 0.015
	jumpUpMin   = 0.008
	jumpUpSc    = 0.007
)

// jumpComp is E[e^J − 1] of one jump: E[e^(−(a+bE))] = e^−a/(1+b), E[e^(a+bE)] = e^a/(1−b).
var jumpComp = jumpDownP*(math.Exp(-jumpDownMin)/(1+jumpDownSc)-1) +
	(1-jumpDownP)*(math.Exp(jumpUpMin)/(1-jumpUpSc)-1)

// Model says how the underlying moves: Kind, and Drift, its real-world drift per year
// (the position's Rate for risk-neutral paths of a spot underlying, 0 for a future).
type Model struct {
	Kind  ModelKind
	Drift float64
}

func (m Model) validate() error {
	if m.Kind != GBM && m.Kind != SVJ {
		return fmt.Errorf("lab: path model %q is neither %q nor %q", m.Kind, GBM, SVJ)
	}
	if math.IsNaN(m.Drift) || math.Abs(m.Drift) > 1 {
		return fmt.Errorf("lab: model Drift %g must be within ±1", m.Drift)
	}
	return nil
}

// pather draws path i of a set into dst (steps+1 prices); the result depends only on the
// seed and i.
type pather func(seed uint64, i int, dst []float64) []float64

func (m Model) pather(spot, vol, years float64, steps int) pather {
	if m.Kind == GBM {
		g := sim.GBM{Spot: spot, Drift: m.Drift, Vol: vol, Years: years, Steps: steps}
		return g.Path
	}
	dt := years / float64(steps)
	sd := svjVolOfVol / math.Sqrt(2*svjMeanRev) // stationary sd of x
	mean := math.Log(vol) - sd*sd
	decay := math.Exp(-svjMeanRev * dt)
	// exact OU step: x' = m + (x − m)e^{−κdt} + η√((1 − e^{−2κdt})/2κ)·Z
	shock := svjVolOfVol * math.Sqrt((1-decay*decay)/(2*svjMeanRev))
	pJump := 1 - math.Exp(-jumpRate*dt)
	rho2 := math.Sqrt(1 - svjCorr*svjCorr)
	sqdt := math.Sqrt(dt)
	return func(seed uint64, i int, dst []float64) []float64 {
		n := steps + 1
		if cap(dst) < n {
			dst = make([]float64, n)
		}
		dst = dst[:n]
		rng := rand.New(rand.NewPCG(seed, stream(i)))
		x := mean + sd*rng.NormFloat64()
		logS := math.Log(spot)
		dst[0] = spot
		for k := 1; k < n; k++ {
			z1, z2 := rng.NormFloat64(), rng.NormFloat64()
			s := math.Exp(x)
			logS += (m.Drift-jumpRate*jumpComp-0.5*s*s)*dt + s*sqdt*z1
			if rng.Float64() < pJump {
				e := rng.ExpFloat64()
				if rng.Float64() < jumpDownP {
					logS -= jumpDownMin + jumpDownSc*e
				} else {
					logS += jumpUpMin + jumpUpSc*e
				}
			}
			x = mean + (x-mean)*decay + shock*(svjCorr*z1+rho2*z2)
			dst[k] = math.Exp(logS)
		}
		return dst
	}
}

// stream spreads path indices over the PCG stream space (the splitmix64 finaliser), so
// neighbouring paths use unrelated streams. A different constant from engine/sim keeps
// the SVJ paths' streams apart from GBM's.
func stream(i int) uint64 {
	z := uint64(i) + 0x7f4a7c159e3779b9
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
