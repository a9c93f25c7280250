package lab

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/pricing"
)

// Experiment is one position hedged by many policies on the same paths.
//
// Hedge is the hedge instrument with its lots and costs (hedge.Shares, hedge.Futures;
// see SPYShares and ESFutures); orders are whole lots and every trade pays each lot's
// commission and half-spread. With no lots the hedge is continuously divisible and every
// trade costs Lambda × price × |units traded| (Lambda 0: no costs, as in Derman–Kamal).
//
// Steps is the time grid to expiry: the finest hedging frequency (252 steps over a year
// is daily). Paths paths are drawn from Seed; Workers goroutines share them (0: one per
// CPU) without changing the results. Policies nil means DefaultSweeps. Bins is the
// number of histogram bins (0: 40).
type Experiment struct {
	Position Position
	Model    Model
	Hedge    hedge.Instrument
	Lambda   float64
	Steps    int
	Paths    int
	Seed     uint64
	Workers  int
	Policies []Sweep
	Bins     int
}

// MaxCells bounds the cache: when Paths × (Steps+1) is at most MaxCells the paths and the
// position's Greeks along them are kept in memory (24 bytes a cell) and every policy
// reuses them; beyond it each policy draws them again.
const MaxCells = 5_000_000

func (e *Experiment) validate() error {
	if err := e.Position.Validate(); err != nil {
		return err
	}
	if err := e.Model.validate(); err != nil {
		return err
	}
	if len(e.Hedge.Lots) > 0 {
		if err := e.Hedge.Validate(); err != nil {
			return err
		}
	} else if !(e.Lambda >= 0) || e.Lambda >= 0.1 {
		return fmt.Errorf("lab: proportional cost Lambda %g must be in [0, 0.1)", e.Lambda)
	}
	switch {
	case e.Steps < 1 || e.Steps > 20000:
		return fmt.Errorf("lab: Steps %d must be in [1, 20000]", e.Steps)
	case e.Paths < 100:
		return fmt.Errorf("lab: Paths %d must be at least 100", e.Paths)
	case e.Paths > 10_000_000:
		return fmt.Errorf("lab: Paths %d must be at most 10,000,000", e.Paths)
	case e.Bins < 0 || e.Bins > 1000:
		return fmt.Errorf("lab: Bins %d must be in [0, 1000]", e.Bins)
	}
	return nil
}

// lambda0 is the proportional cost of the hedge at the start: the smallest lot's
// commission plus half-spread over its value, or Lambda for a divisible hedge.
func (e *Experiment) lambda0() float64 {
	if len(e.Hedge.Lots) == 0 {
		return e.Lambda
	}
	return e.Hedge.ProportionalCost(e.Position.Spot)
}

// Run runs every policy and parameter of e on the same paths and returns the report.
// onPoint, if not nil, is called with each point as it finishes (in the report's order,
// from Run's goroutine), so a window can draw the frontier as it forms. Run stops with
// ctx's error when ctx is cancelled.
func Run(ctx context.Context, e Experiment, onPoint func(Point)) (Report, error) {
	if err := e.validate(); err != nil {
		return Report{}, err
	}
	if e.Policies == nil {
		var err error
		if e.Policies, err = DefaultSweeps(e.Position, e.Steps, e.lambda0()); err != nil {
			return Report{}, err
		}
	}
	dt := e.Position.Years / float64(e.Steps)
	var rules []rule
	for _, s := range e.Policies {
		if len(s.Values) == 0 {
			return Report{}, fmt.Errorf("lab: %s has no parameter values", s.Policy)
		}
		for _, v := range s.Values {
			r, err := s.rule(v, dt)
			if err != nil {
				return Report{}, err
			}
			rules = append(rules, r)
		}
	}
	rn, err := prepare(ctx, &e, rules)
	if err != nil {
		return Report{}, err
	}
	rep := rn.report()
	for k, r := range rules {
		pt, err := rn.point(ctx, r)
		if err != nil {
			return Report{}, err
		}
		pt.Done, pt.Total = k+1, len(rules)
		rep.add(pt)
		if onPoint != nil {
			onPoint(pt)
		}
	}
	rep.finish()
	return rep, nil
}

// runner holds what every policy shares: the position at the start and, when they fit in
// MaxCells and more than one policy runs, the paths and the position's Greeks along them
// (otherwise each policy draws them again, path by path, from the same seed).
type runner struct {
	e                   *Experiment
	workers             int
	value, delta, gamma float64 // the position at the start
	vega                float64
	path                pather
	tab                 greekTable
	cached              bool
	spot                []float64 // Paths × (Steps+1)
	pdelta, pgamma      []float64 // Paths × Steps: the position's delta and gamma before each step's hedge
	lots                lotting
}

// scratch is one worker's buffers for a path drawn on the fly.
type scratch struct{ spot, pdelta, pgamma []float64 }

func prepare(ctx context.Context, e *Experiment, rules []rule) (*runner, error) {
	p := e.Position
	value, delta, gamma, vega, err := p.Value()
	if err != nil {
		return nil, err
	}
	rn := &runner{e: e, value: value, delta: delta, gamma: gamma, vega: vega, lots: newLotting(e.Hedge),
		path: e.Model.pather(p.Spot, p.Vol, p.Years, e.Steps), tab: p.table(e.Steps)}
	rn.tab.gamma = slices.ContainsFunc(rules, func(r rule) bool { return r.family == GammaScaled || r.family == WhalleyWilmott })
	rn.workers = e.Workers
	if rn.workers <= 0 {
		rn.workers = runtime.GOMAXPROCS(0)
	}
	n, m := e.Steps+1, e.Steps
	if len(rules) < 2 || e.Paths*n > MaxCells {
		return rn, nil
	}
	rn.spot = make([]float64, e.Paths*n)
	rn.pdelta = make([]float64, e.Paths*m)
	rn.pgamma = make([]float64, e.Paths*m)
	err = rn.parallel(ctx, func(i int, _ *scratch) error {
		return rn.draw(i, rn.spot[i*n:(i+1)*n:(i+1)*n], rn.pdelta[i*m:(i+1)*m:(i+1)*m], rn.pgamma[i*m:(i+1)*m:(i+1)*m])
	})
	if err != nil {
		return nil, err
	}
	rn.cached = true
	return rn, nil
}

// draw fills s with path i and d, g with the position's delta and gamma along it.
func (rn *runner) draw(i int, s, d, g []float64) error {
	rn.path(rn.e.Seed, i, s)
	for k := range d {
		d[k], g[k] = rn.e.Position.greeks(&rn.tab, k, s[k])
	}
	for _, x := range s {
		if !(x > 0) || math.IsInf(x, 0) {
			return fmt.Errorf("lab: path %d left the range of prices (%g)", i, x)
		}
	}
	return nil
}

// pathData is path i with the position's delta and gamma along it: from the cache, or
// drawn into the worker's scratch.
func (rn *runner) pathData(i int, sc *scratch) (s, d, g []float64, err error) {
	n, m := rn.e.Steps+1, rn.e.Steps
	if rn.cached {
		return rn.spot[i*n : (i+1)*n], rn.pdelta[i*m : (i+1)*m], rn.pgamma[i*m : (i+1)*m], nil
	}
	if sc.spot == nil {
		sc.spot, sc.pdelta, sc.pgamma = make([]float64, n), make([]float64, m), make([]float64, m)
	}
	return sc.spot, sc.pdelta, sc.pgamma, rn.draw(i, sc.spot, sc.pdelta, sc.pgamma)
}

// parallel calls work(i) for every path on the runner's workers, in contiguous blocks,
// checking ctx every 64 paths; the first error (or ctx's) stops it. Each worker has its
// own scratch.
func (rn *runner) parallel(ctx context.Context, work func(i int, sc *scratch) error) error {
	paths := rn.e.Paths
	w := min(rn.workers, paths)
	per := (paths + w - 1) / w
	errs := make([]error, w)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		lo, hi := k*per, min((k+1)*per, paths)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc scratch
			for i := lo; i < hi; i++ {
				if (i-lo)%64 == 0 {
					if err := ctx.Err(); err != nil {
						errs[k] = err
						return
					}
				}
				if err := work(i, &sc); err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// point runs one policy at one parameter on every path.
func (rn *runner) point(ctx context.Context, r rule) (Point, error) {
	e := rn.e
	paths := e.Paths
	pnl := make([]float64, paths)
	cost := make([]float64, paths)
	trades := make([]int32, paths)
	err := rn.parallel(ctx, func(i int, sc *scratch) error {
		s, d, g, err := rn.pathData(i, sc)
		if err != nil {
			return err
		}
		pnl[i], cost[i], trades[i], err = rn.hedgePath(r, s, d, g)
		return err
	})
	if err != nil {
		return Point{}, err
	}
	pt := summarise(pnl, cost, trades, e.Bins)
	pt.Policy, pt.Param, pt.Label = r.family, r.param, r.label()
	pt.StartBand, err = rn.startBand(r)
	return pt, err
}

// input is the policy's view of the position at step i, net delta aside.
func (rn *runner) input(i int, s float64) hedge.Input {
	p := &rn.e.Position
	return hedge.Input{Spot: s, Vol: p.Vol, Rate: p.Rate, Hedge: rn.e.Hedge,
		Years: p.Years * float64(rn.e.Steps-i) / float64(rn.e.Steps)}
}

func (rn *runner) plan(r rule, i int, in *hedge.Input) (hedge.Planned, error) {
	if r.every > 0 {
		return hedge.Planned{Trade: i%r.every == 0 && in.Delta != in.Target, Aim: in.Target}, nil
	}
	if rn.lots.divisible {
		return hedge.PlanDivisible(r.policy, in, rn.e.Lambda)
	}
	return hedge.Plan(r.policy, in)
}

// hedgePath hedges the position along path s (its delta pd and gamma pg before each
// step's hedge) with r and returns the P&L at the horizon — the position bought or sold at
// its value, the hedge's gains (on a future, variation margin, no cash outlay), interest,
// costs and the legs' payoffs — the total cost and the number of orders.
func (rn *runner) hedgePath(r rule, s, pd, pg []float64) (pnl, cost float64, trades int32, err error) {
	e := rn.e
	m := e.Steps
	futures := e.Position.Underlying == pricing.Futures
	growth := math.Exp(e.Position.Rate * e.Position.Years / float64(m))
	cash, h := -rn.value, 0.0
	in := rn.input(0, s[0])
	pos := &e.Position
	for k := 0; k < m; k++ {
		for _, l := range rn.tab.settle[k] {
			cash += pos.legPayoff(&pos.Legs[l], s[k]) // a leg expiring now settles in cash
		}
		in.Spot = s[k]
		in.Years = e.Position.Years * float64(m-k) / float64(m)
		in.Delta = h + pd[k]
		in.Gamma = pg[k]
		pl, err := rn.plan(r, k, &in)
		if err != nil {
			return 0, 0, 0, err
		}
		if pl.Trade {
			dh, fee, ok, err := rn.lots.execute(pl, in.Delta, in.Target, s[k], e.Lambda)
			if err != nil {
				return 0, 0, 0, err
			}
			if ok {
				if !futures {
					cash -= dh * s[k]
				}
				cash -= fee
				cost += fee
				trades++
				h += dh
			}
		}
		cash *= growth
		if futures {
			cash += h * (s[k+1] - s[k]) // variation margin
		}
	}
	pnl = cash
	for _, l := range rn.tab.settle[m] {
		pnl += pos.legPayoff(&pos.Legs[l], s[m])
	}
	if !futures {
		pnl += h * s[m]
	}
	return pnl, cost, trades, nil
}

// startBand is the no-trade band's half-width at the start, underlying units (0 for
// time-based; for cost–benefit the band its rule implies with proportional costs).
func (rn *runner) startBand(r rule) (float64, error) {
	p := &rn.e.Position
	switch r.family {
	case TimeBased:
		return 0, nil
	case CostBenefit:
		dt := p.Years / float64(rn.e.Steps)
		return 2 * 2 * rn.e.lambda0() / (r.param * p.Vol * p.Vol * p.Spot * dt), nil
	}
	in := rn.input(0, p.Spot)
	in.Delta, in.Gamma = rn.delta, rn.gamma
	pl, err := rn.plan(r, 0, &in)
	if err != nil {
		return 0, err
	}
	return (pl.Band.Hi - pl.Band.Lo) / 2, nil
}
