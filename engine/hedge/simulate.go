package hedge

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/sim"
)

// SimConfig sets up a hedging simulation: a trader sells one European option on one unit
// of the underlying at its Black–Scholes value (implied vol = Vol), then delta-hedges it
// along Paths GBM paths of Steps equal steps to expiry, deciding at each step with the
// policy under test. The hedge is continuously divisible (no lots) and every trade costs
// Cost × S × |shares traded| (proportional cost λ). Cash earns Rate.
//
// Drift is the paths' real-world drift (Rate for risk-neutral paths). Start is the
// calendar time of step 0; step i is Start + i days, so a daily TimeBased policy at
// Start's time of day hedges at every step. Zero Start means 2026-01-05 15:45 New York.
type SimConfig struct {
	Right   pricing.Right
	Spot    float64
	Strike  float64
	Years   float64
	Rate    float64
	Vol     float64
	Drift   float64
	Cost    float64
	Steps   int
	Paths   int
	Seed    uint64
	Workers int // 0 means runtime.GOMAXPROCS
	Start   time.Time
}

// SimResult summarises one policy over all paths. Money is dollars per option on one
// unit of underlying. TrackingError is the standard deviation of the hedged P&L at expiry
// (premium received, hedge gains and costs, less the payoff); MeanPnL its mean; Trades the
// mean number of hedge trades per path; Cost the mean total trading cost per path.
// Vega is the option's Black–Scholes vega at the start, per 1.00 of volatility, and
// TrackingErrorSE is the standard error of TrackingError, √((m4/s⁴ − 1)/(4n))·s from the
// sample fourth moment m4. DermanKamal is the Derman–Kamal estimate of the tracking error of hedging at every one of
// the N = Steps steps without costs: √(π/4) · σ · vega / √N.
type SimResult struct {
	Policy          string
	Paths, Steps    int
	TrackingError   float64
	TrackingErrorSE float64
	MeanPnL         float64
	Trades          float64
	Cost            float64
	Vega            float64
	DermanKamal     float64
}

func (c SimConfig) validate() error {
	g := sim.GBM{Spot: c.Spot, Drift: c.Drift, Vol: c.Vol, Years: c.Years, Steps: c.Steps}
	if err := g.Validate(); err != nil {
		return err
	}
	switch {
	case !(c.Strike > 0) || math.IsInf(c.Strike, 0):
		return fmt.Errorf("hedge: simulation Strike %g must be positive", c.Strike)
	case !(c.Vol > 0):
		return fmt.Errorf("hedge: simulation Vol %g must be positive", c.Vol)
	case math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return fmt.Errorf("hedge: simulation Rate %g must be finite", c.Rate)
	case !(c.Cost >= 0) || c.Cost >= 1:
		return fmt.Errorf("hedge: simulation Cost %g must be in [0, 1)", c.Cost)
	case c.Paths < 2:
		return fmt.Errorf("hedge: simulation needs at least 2 paths (got %d)", c.Paths)
	}
	return nil
}

func (c SimConfig) option(spot, years float64) pricing.Option {
	return pricing.Option{Style: pricing.European, Underlying: pricing.Spot, Right: c.Right,
		Spot: spot, Strike: c.Strike, Years: years, Rate: c.Rate, Carry: c.Rate, Vol: c.Vol}
}

// Simulate runs one policy; see SimulateAll.
func Simulate(c SimConfig, p Policy) (SimResult, error) {
	r, err := SimulateAll(c, []Policy{p})
	if err != nil {
		return SimResult{}, err
	}
	return r[0], nil
}

// SimulateAll runs every policy on the same paths (drawn from c.Seed, so runs are
// reproducible and do not depend on Workers). Policies must be this package's own.
func SimulateAll(c SimConfig, policies []Policy) ([]SimResult, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	rules := make([]rule, len(policies))
	for i, p := range policies {
		r, ok := p.(rule)
		if !ok {
			return nil, fmt.Errorf("hedge: policy %q is not one of this package's and cannot be simulated", p.Name())
		}
		rules[i] = r
	}
	g0, err := pricing.Value(c.option(c.Spot, c.Years))
	if err != nil {
		return nil, err
	}
	start := c.Start
	if start.IsZero() {
		start = time.Date(2026, 1, 5, 15, 45, 0, 0, nyLocation())
	}
	gbm := sim.GBM{Spot: c.Spot, Drift: c.Drift, Vol: c.Vol, Years: c.Years, Steps: c.Steps}
	np := len(rules)
	pnl := make([]float64, c.Paths*np)
	costs := make([]float64, c.Paths*np)
	trades := make([]int32, c.Paths*np)

	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, c.Paths)
	per := (c.Paths + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, c.Paths)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := simulator{c: c, start: start, premium: g0.Price, dt: c.Years / float64(c.Steps)}
			s.deltas = make([]float64, c.Steps)
			s.gammas = make([]float64, c.Steps)
			var path []float64
			for i := lo; i < hi; i++ {
				path = gbm.Path(c.Seed, i, path)
				if err := s.greeks(path); err != nil {
					errs[w] = err
					return
				}
				for k, r := range rules {
					j := i*np + k
					var err error
					pnl[j], costs[j], trades[j], err = s.run(r, path)
					if err != nil {
						errs[w] = err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := make([]SimResult, np)
	n := float64(c.Paths)
	for k, p := range policies {
		var sum, sumSq, sum4, cost, tr float64
		for i := 0; i < c.Paths; i++ {
			j := i*np + k
			sum += pnl[j]
			cost += costs[j]
			tr += float64(trades[j])
		}
		mean := sum / n
		for i := 0; i < c.Paths; i++ {
			d := pnl[i*np+k] - mean
			sumSq += d * d
			sum4 += d * d * d * d
		}
		sd := math.Sqrt(sumSq / (n - 1))
		m2, m4 := sumSq/n, sum4/n
		se := 0.0
		if m2 > 0 {
			se = sd * math.Sqrt(math.Max(m4/(m2*m2)-1, 0)/(4*n))
		}
		out[k] = SimResult{
			Policy: p.Name(), Paths: c.Paths, Steps: c.Steps,
			TrackingError: sd, TrackingErrorSE: se,
			MeanPnL:     mean,
			Trades:      tr / n,
			Cost:        cost / n,
			Vega:        g0.Vega,
			DermanKamal: math.Sqrt(math.Pi/4) * c.Vol * g0.Vega / math.Sqrt(float64(c.Steps)),
		}
	}
	return out, nil
}

// simulator is one worker's state; greeks along the current path are computed once and
// shared by all policies.
type simulator struct {
	c              SimConfig
	start          time.Time
	premium, dt    float64
	deltas, gammas []float64
}

func (s *simulator) greeks(path []float64) error {
	for i := 0; i < s.c.Steps; i++ {
		g, err := pricing.Value(s.c.option(path[i], s.c.Years-float64(i)*s.dt))
		if err != nil {
			return err
		}
		s.deltas[i], s.gammas[i] = g.Delta, g.Gamma
	}
	return nil
}

// run hedges one short option along path with r and returns the P&L at expiry, the total
// cost and the number of trades.
func (s *simulator) run(r rule, path []float64) (pnl, cost float64, trades int32, err error) {
	c := s.c
	growth := math.Exp(c.Rate * s.dt)
	cash, h := s.premium, 0.0
	in := Input{continuous: true, lambda: c.Cost, Vol: c.Vol, Rate: c.Rate, NetLiq: 0}
	for i := 0; i < c.Steps; i++ {
		S := path[i]
		in.Now = s.start.AddDate(0, 0, i)
		in.Spot = S
		in.Years = c.Years - float64(i)*s.dt
		in.Delta = h - s.deltas[i]
		in.Gamma = -s.gammas[i]
		p, err := r.plan(&in)
		if err != nil {
			return 0, 0, 0, err
		}
		if p.trade {
			nh := p.aim + s.deltas[i]
			dh := nh - h
			fee := c.Cost * S * math.Abs(dh)
			cash -= dh*S + fee
			cost += fee
			trades++
			h = nh
			in.LastHedge = in.Now
		}
		cash *= growth
	}
	ST := path[c.Steps]
	payoff := math.Max(ST-c.Strike, 0)
	if c.Right == pricing.Put {
		payoff = math.Max(c.Strike-ST, 0)
	}
	return cash + h*ST - payoff, cost, trades, nil
}

func nyLocation() *time.Location { return TimeBased{}.loc() }
