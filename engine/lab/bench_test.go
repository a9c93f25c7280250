package lab

import (
	"context"
	"testing"

	"github.com/keel-desk/keel/engine/pricing"
)

// benchExperiment is the speed budget: one policy on 10,000 paths × 252 steps of
// a single option (short 10 SPY one-year at-the-money calls hedged with SPY shares), in
// at most 0.5 s on this machine's two cores.
func benchExperiment(s Sweep) Experiment {
	return Experiment{Position: SingleOption("SPY", pricing.Call, 600, 600, 1, 0.18, 0.04, -10),
		Model: Model{Kind: GBM, Drift: 0.04}, Hedge: SPYShares(), Steps: 252, Paths: 10000, Seed: 1,
		Policies: []Sweep{s}}
}

// benchmarkPolicy also reports the CPU seconds a run takes over all cores ("cpu-s/op"):
// on a machine shared with other jobs the wall time measures the queue for the cores,
// while CPU seconds ÷ 2 is the wall time on two free cores.
func benchmarkPolicy(b *testing.B, s Sweep) {
	e := benchExperiment(s)
	cpu0, n := cpuSeconds(), 0
	for b.Loop() {
		if _, err := Run(context.Background(), e, nil); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(n), "cpu-s/op")
}

func BenchmarkWhalleyWilmott10k(b *testing.B) {
	benchmarkPolicy(b, Sweep{Policy: WhalleyWilmott, Values: []float64{1e-3}})
}

func BenchmarkTimeBased10k(b *testing.B) {
	benchmarkPolicy(b, Sweep{Policy: TimeBased, Values: []float64{1}})
}

func BenchmarkFixedBand10k(b *testing.B) {
	benchmarkPolicy(b, Sweep{Policy: FixedBand, Values: []float64{20}})
}
