package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// GBM describes geometric Brownian motion paths of an underlying price:
//
//	S(t+dt) = S(t) · exp((Drift − Vol²/2)·dt + Vol·√dt·Z),  Z ~ N(0, 1)
//
// Spot is the starting price, Drift the annualised continuously compounded drift (use the
// risk-free rate for risk-neutral paths), Vol the annualised volatility (0.20 for 20%),
// Years the horizon as an ACT/365 year fraction and Steps the number of equal time steps.
// A path holds Steps+1 prices, the first being Spot. The log-step is exact, so there is
// no discretisation error in the distribution of any S(t_i).
type GBM struct {
	Spot  float64
	Drift float64
	Vol   float64
	Years float64
	Steps int
}

// Validate reports the first field that no path can be drawn from.
func (g GBM) Validate() error {
	switch {
	case !(g.Spot > 0) || math.IsInf(g.Spot, 0):
		return fmt.Errorf("sim: GBM Spot %g must be a positive finite price", g.Spot)
	case math.IsNaN(g.Drift) || math.IsInf(g.Drift, 0):
		return fmt.Errorf("sim: GBM Drift %g must be finite", g.Drift)
	case !(g.Vol >= 0) || math.IsInf(g.Vol, 0):
		return fmt.Errorf("sim: GBM Vol %g must be zero or a positive finite volatility", g.Vol)
	case !(g.Years > 0) || math.IsInf(g.Years, 0):
		return fmt.Errorf("sim: GBM Years %g must be a positive finite horizon", g.Years)
	case g.Steps < 1:
		return fmt.Errorf("sim: GBM Steps %d must be at least 1", g.Steps)
	}
	return nil
}

// Path fills dst (grown if shorter than Steps+1) with path number index of the set drawn
// from seed and returns it. The result depends only on (g, seed, index), never on which
// goroutine draws it or in what order, so a set is reproducible however it is split.
// g must be valid (see Validate); Path does not check it, as it sits in hot loops.
func (g GBM) Path(seed uint64, index int, dst []float64) []float64 {
	n := g.Steps + 1
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	rng := rand.New(rand.NewPCG(seed, pathStream(index)))
	dt := g.Years / float64(g.Steps)
	drift := (g.Drift - 0.5*g.Vol*g.Vol) * dt
	diffusion := g.Vol * math.Sqrt(dt)
	logS := math.Log(g.Spot)
	dst[0] = g.Spot
	for i := 1; i < n; i++ {
		logS += drift + diffusion*rng.NormFloat64()
		dst[i] = math.Exp(logS)
	}
	return dst
}

// pathStream spreads path indices over the PCG stream space (splitmix64 finaliser) so
// neighbouring paths use unrelated streams.
func pathStream(index int) uint64 {
	z := uint64(index) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// PathSet is a set of simulated price paths stored row by row: path i is
// Prices[i·(Steps+1) : (i+1)·(Steps+1)].
type PathSet struct {
	Steps  int
	Count  int
	Prices []float64
}

// Path returns path i (no copy; do not modify it).
func (s PathSet) Path(i int) []float64 {
	n := s.Steps + 1
	return s.Prices[i*n : (i+1)*n : (i+1)*n]
}

// Paths draws count paths from seed, spread over workers goroutines (0 means one per CPU).
// The set is identical for any number of workers.
func (g GBM) Paths(count int, seed uint64, workers int) (PathSet, error) {
	if err := g.Validate(); err != nil {
		return PathSet{}, err
	}
	if count < 1 {
		return PathSet{}, fmt.Errorf("sim: path count %d must be at least 1", count)
	}
	n := g.Steps + 1
	set := PathSet{Steps: g.Steps, Count: count, Prices: make([]float64, count*n)}
	PathParallel(count, workers, func(i int) {
		g.Path(seed, i, set.Prices[i*n:(i+1)*n:(i+1)*n])
	})
	return set, nil
}

// PathParallel calls work(i) for every i in [0, count) on workers goroutines (0 means
// runtime.GOMAXPROCS) and returns when all calls have returned. Indices are handed out in
// contiguous blocks; work must be safe to call concurrently for different i.
func PathParallel(count, workers int, work func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > count {
		workers = count
	}
	if workers <= 1 {
		for i := 0; i < count; i++ {
			work(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (count + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, count)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				work(i)
			}
		}()
	}
	wg.Wait()
}
