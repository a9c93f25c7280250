package hedge

import (
	"math"
	"testing"

	"github.com/keel-desk/keel/engine/pricing"
)

// Derman and Kamal ("When You Cannot Hedge Continuously: The Corrections of
// Black-Scholes", Goldman Sachs Quantitative Strategies Research Notes, 1999; also Derman
// & Miller, The Volatility Smile, ch. 5): hedging an option N times over its life leaves
// a P&L whose standard deviation is approximately √(π/4) · σ · vega / √N, vega per 1.00 of
// volatility. Checked for an at-the-money call hedged at every daily step, zero rate, no
// costs: within 5%, with enough paths that the standard error of the simulated standard
// deviation is under 1% (so a 5% miss cannot be noise).
func TestDermanKamal(t *testing.T) {
	tests := []struct{ steps, paths int }{{21, 20000}, {252, 20000}}
	for _, tc := range tests {
		c := SimConfig{Right: pricing.Call, Spot: 100, Strike: 100, Years: float64(tc.steps) / 252, Vol: 0.2,
			Steps: tc.steps, Paths: tc.paths, Seed: 2026}
		r, err := Simulate(c, TimeBased{Hour: 15, Minute: 45})
		if err != nil {
			t.Fatal(err)
		}
		ratio := r.TrackingError / r.DermanKamal
		t.Logf("N=%d paths=%d: tracking error %.5f ± %.5f, Derman–Kamal %.5f, ratio %.4f, trades %.1f",
			tc.steps, tc.paths, r.TrackingError, r.TrackingErrorSE, r.DermanKamal, ratio, r.Trades)
		if math.Abs(ratio-1) > 0.05 {
			t.Errorf("N=%d: tracking error %.5f is %.1f%% from Derman–Kamal %.5f", tc.steps, r.TrackingError, 100*(ratio-1), r.DermanKamal)
		}
		if r.TrackingErrorSE/r.TrackingError > 0.01 {
			t.Errorf("N=%d: standard error %.2f%% is too large for a 5%% test", tc.steps, 100*r.TrackingErrorSE/r.TrackingError)
		}
		// Hedging every step without costs: the mean P&L is near zero (within 4 standard
		// errors of the mean) and there are no costs.
		if se := r.TrackingError / math.Sqrt(float64(r.Paths)); math.Abs(r.MeanPnL) > 4*se || r.Cost != 0 {
			t.Errorf("N=%d: mean P&L %.5f (±%.5f) cost %g, want ≈0 and 0", tc.steps, r.MeanPnL, 4*se, r.Cost)
		}
	}
}

// Policies side by side on the same paths with a 5 bp proportional cost. Whatever the
// numbers, a band policy must trade less than hedging every step, and the costs must be
// λ × S × shares traded (positive). Hedging less often must not reduce the tracking error
// below the every-step policy's.
func TestSimulatePolicies(t *testing.T) {
	c := SimConfig{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.25, Vol: 0.2, Rate: 0.03, Drift: 0.03,
		Cost: 0.0005, Steps: 63, Paths: 4000, Seed: 9}
	policies := []Policy{
		TimeBased{Hour: 15, Minute: 45},
		FixedBand{Width: 0.10},
		FixedBand{Width: 0.10, Rehedge: ToEdge},
		GammaScaled{Budget: 0.2, Horizon: 1.0 / 252},
		WhalleyWilmott{RiskAversion: 1},
		CostBenefit{RiskAversion: 1, Horizon: 1.0 / 252},
	}
	rs, err := SimulateAll(c, policies)
	if err != nil {
		t.Fatal(err)
	}
	every := rs[0]
	for _, r := range rs {
		t.Logf("%-22s tracking error %.4f  mean P&L %+.4f  trades %5.1f  cost %.4f", r.Policy, r.TrackingError, r.MeanPnL, r.Trades, r.Cost)
		if r.Cost <= 0 || math.IsNaN(r.TrackingError) {
			t.Errorf("%s: cost %g tracking error %g", r.Policy, r.Cost, r.TrackingError)
		}
	}
	for _, r := range rs[1:] {
		if r.Trades >= every.Trades {
			t.Errorf("%s: %.1f trades, not fewer than hedging every step (%.1f)", r.Policy, r.Trades, every.Trades)
		}
		if r.Cost >= every.Cost {
			t.Errorf("%s: cost %.4f, not below hedging every step (%.4f)", r.Policy, r.Cost, every.Cost)
		}
	}
	// Trading to the edge of the same band trades more often but less each time: its
	// total cost must be lower than trading back to the target.
	if rs[2].Cost >= rs[1].Cost {
		t.Errorf("to-edge cost %.4f not below to-target cost %.4f", rs[2].Cost, rs[1].Cost)
	}
}

func TestSimulateReproducible(t *testing.T) {
	c := SimConfig{Right: pricing.Put, Spot: 100, Strike: 95, Years: 0.1, Vol: 0.3, Cost: 0.001, Steps: 25, Paths: 300, Seed: 5}
	c.Workers = 1
	a, err := Simulate(c, WhalleyWilmott{RiskAversion: 1})
	if err != nil {
		t.Fatal(err)
	}
	c.Workers = 3
	b, err := Simulate(c, WhalleyWilmott{RiskAversion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("1 worker %+v, 3 workers %+v", a, b)
	}
}

type outsidePolicy struct{}

func (outsidePolicy) Name() string                   { return "outside" }
func (outsidePolicy) Decide(Input) (Decision, error) { return Decision{}, nil }

func TestSimulateErrors(t *testing.T) {
	good := SimConfig{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 10}
	bad := []SimConfig{
		{Right: pricing.Call, Spot: 0, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 10},
		{Right: pricing.Call, Spot: 100, Strike: 0, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 10},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0, Vol: 0.2, Steps: 10, Paths: 10},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0, Steps: 10, Paths: 10},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 0, Paths: 10},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 1},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 10, Cost: -0.1},
		{Right: pricing.Call, Spot: 100, Strike: 100, Years: 0.1, Vol: 0.2, Steps: 10, Paths: 10, Rate: math.NaN()},
	}
	for i, c := range bad {
		if _, err := Simulate(c, FixedBand{Width: 0.1}); err == nil {
			t.Errorf("bad config %d accepted", i)
		}
	}
	if _, err := Simulate(good, outsidePolicy{}); err == nil {
		t.Error("a policy from outside the package was simulated")
	}
	if _, err := Simulate(good, FixedBand{Width: 5, Unit: BandPer100k}); err == nil {
		t.Error("a band per net liquidation was simulated without net liquidation")
	}
}

// BenchmarkSimulate10k is the budget: 10,000 paths × 252 steps in ≤ 2 s on 2 cores.
func BenchmarkSimulate10k(b *testing.B) {
	c := SimConfig{Right: pricing.Call, Spot: 100, Strike: 100, Years: 1, Vol: 0.2, Cost: 0.0005, Steps: 252, Paths: 10000, Seed: 1}
	for b.Loop() {
		if _, err := Simulate(c, WhalleyWilmott{RiskAversion: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
