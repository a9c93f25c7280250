package sim

import (
	"math"
	"slices"
	"sync/atomic"
	"testing"
)

func TestGBMPathsSameForAnyWorkers(t *testing.T) {
	g := GBM{Spot: 100, Drift: 0.03, Vol: 0.25, Years: 0.5, Steps: 20}
	one, err := g.Paths(257, 42, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 8, 0} {
		many, err := g.Paths(257, 42, w)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(one.Prices, many.Prices) {
			t.Fatalf("workers=%d: paths differ from the single-worker set", w)
		}
	}
	other, _ := g.Paths(257, 43, 2)
	if slices.Equal(one.Prices, other.Prices) {
		t.Fatal("seed 43 drew the same paths as seed 42")
	}
	if p := one.Path(5); p[0] != 100 || len(p) != 21 {
		t.Fatalf("path 5 starts at %g with %d prices, want 100 and 21", p[0], len(p))
	}
	if !slices.Equal(one.Path(7), g.Path(42, 7, nil)) {
		t.Fatal("PathSet.Path(7) differs from GBM.Path(42, 7)")
	}
	if slices.Equal(one.Path(7), one.Path(8)) {
		t.Fatal("neighbouring paths are equal")
	}
}

// Moments of exact GBM: E[S_T] = S·e^(μT) and Var[ln(S_T/S)] = σ²T (any text on GBM,
// e.g. Hull, Options, Futures and Other Derivatives, ch. 15). Checked within 4 standard
// errors of the estimates.
func TestGBMMoments(t *testing.T) {
	tests := []struct {
		g     GBM
		paths int
	}{
		{GBM{Spot: 100, Drift: 0.05, Vol: 0.2, Years: 1, Steps: 12}, 40000},
		{GBM{Spot: 4800, Drift: 0, Vol: 0.35, Years: 0.25, Steps: 63}, 20000},
	}
	for _, tc := range tests {
		set, err := tc.g.Paths(tc.paths, 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sum, sumSq, lsum, lsumSq float64
		for i := 0; i < set.Count; i++ {
			p := set.Path(i)
			s := p[len(p)-1]
			l := math.Log(s / tc.g.Spot)
			sum += s
			sumSq += s * s
			lsum += l
			lsumSq += l * l
		}
		n := float64(set.Count)
		mean := sum / n
		sd := math.Sqrt(sumSq/n - mean*mean)
		want := tc.g.Spot * math.Exp(tc.g.Drift*tc.g.Years)
		if se := sd / math.Sqrt(n); math.Abs(mean-want) > 4*se {
			t.Errorf("%+v: mean S_T %.4f, want %.4f ± %.4f", tc.g, mean, want, 4*se)
		}
		lmean := lsum / n
		lvar := lsumSq/n - lmean*lmean
		wantVar := tc.g.Vol * tc.g.Vol * tc.g.Years
		// The sample variance of a normal has standard error σ²·√(2/n).
		if se := wantVar * math.Sqrt(2/n); math.Abs(lvar-wantVar) > 4*se {
			t.Errorf("%+v: log variance %.6f, want %.6f ± %.6f", tc.g, lvar, wantVar, 4*se)
		}
	}
}

func TestGBMZeroVolIsDeterministicDrift(t *testing.T) {
	g := GBM{Spot: 50, Drift: 0.1, Vol: 0, Years: 1, Steps: 4}
	p := g.Path(1, 0, nil)
	for i, s := range p {
		want := 50 * math.Exp(0.1*float64(i)/4)
		if math.Abs(s-want) > 1e-9 {
			t.Fatalf("step %d: %g, want %g", i, s, want)
		}
	}
}

func TestGBMValidate(t *testing.T) {
	good := GBM{Spot: 100, Drift: 0, Vol: 0.2, Years: 1, Steps: 10}
	bad := map[string]GBM{
		"spot":       {Spot: 0, Vol: 0.2, Years: 1, Steps: 10},
		"spot NaN":   {Spot: math.NaN(), Vol: 0.2, Years: 1, Steps: 10},
		"drift Inf":  {Spot: 100, Drift: math.Inf(1), Vol: 0.2, Years: 1, Steps: 10},
		"vol":        {Spot: 100, Vol: -0.1, Years: 1, Steps: 10},
		"years":      {Spot: 100, Vol: 0.2, Years: 0, Steps: 10},
		"steps":      {Spot: 100, Vol: 0.2, Years: 1, Steps: 0},
		"vol Inf":    {Spot: 100, Vol: math.Inf(1), Years: 1, Steps: 1},
		"years Inf":  {Spot: 100, Vol: 0.2, Years: math.Inf(1), Steps: 1},
		"spot -Inf":  {Spot: math.Inf(-1), Vol: 0.2, Years: 1, Steps: 1},
		"drift NaN":  {Spot: 100, Drift: math.NaN(), Vol: 0.2, Years: 1, Steps: 1},
		"vol NaN":    {Spot: 100, Vol: math.NaN(), Years: 1, Steps: 1},
		"years NaN":  {Spot: 100, Vol: 0.2, Years: math.NaN(), Steps: 1},
		"steps neg":  {Spot: 100, Vol: 0.2, Years: 1, Steps: -3},
		"spot neg":   {Spot: -5, Vol: 0.2, Years: 1, Steps: 1},
		"years neg":  {Spot: 100, Vol: 0.2, Years: -1, Steps: 1},
		"spot +Inf":  {Spot: math.Inf(1), Vol: 0.2, Years: 1, Steps: 1},
		"drift -Inf": {Spot: 100, Drift: math.Inf(-1), Vol: 0.2, Years: 1, Steps: 1},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid GBM rejected: %v", err)
	}
	for name, g := range bad {
		if err := g.Validate(); err == nil {
			t.Errorf("%s: %+v accepted", name, g)
		}
		if _, err := g.Paths(10, 1, 1); err == nil {
			t.Errorf("%s: Paths accepted %+v", name, g)
		}
	}
	if _, err := good.Paths(0, 1, 1); err == nil {
		t.Error("Paths accepted a count of 0")
	}
}

func TestPathParallelVisitsEachIndexOnce(t *testing.T) {
	for _, tc := range []struct{ count, workers int }{{1, 4}, {10, 3}, {1000, 2}, {7, 0}, {5, 1}} {
		seen := make([]atomic.Int32, tc.count)
		PathParallel(tc.count, tc.workers, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if n := seen[i].Load(); n != 1 {
				t.Fatalf("count %d workers %d: index %d visited %d times", tc.count, tc.workers, i, n)
			}
		}
	}
}

func BenchmarkGBMPaths10k(b *testing.B) {
	g := GBM{Spot: 100, Drift: 0, Vol: 0.2, Years: 1, Steps: 252}
	for b.Loop() {
		if _, err := g.Paths(10000, 1, 0); err != nil {
			b.Fatal(err)
		}
	}
}
