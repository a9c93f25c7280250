package hedge

import (
	"testing"
	"time"
)

// Plan must agree with Decide: the same band, the same verdict and, when Decide trades,
// the same aim, for every policy of the package.
func TestPlanAgreesWithDecide(t *testing.T) {
	spy := Shares("SPY", 0, 0.005)
	now := time.Date(2026, 3, 2, 15, 50, 0, 0, nyLocation())
	policies := []Policy{
		TimeBased{Hour: 15, Minute: 45},
		FixedBand{Width: 100},
		FixedBand{Width: 100, Rehedge: ToEdge},
		GammaScaled{Budget: 500},
		WhalleyWilmott{RiskAversion: 0.001},
		CostBenefit{RiskAversion: 0.001},
	}
	for _, p := range policies {
		for _, delta := range []float64{-400, -60, 0, 35, 180, 900} {
			in := Input{Now: now, Delta: delta, Gamma: -40, Spot: 600, Vol: 0.18, Years: 0.08, Rate: 0.04, Hedge: spy}
			t.Run(p.Name(), func(t *testing.T) {
				d, err := p.Decide(in)
				if err != nil {
					t.Fatal(err)
				}
				pl, err := Plan(p, &in)
				if err != nil {
					t.Fatal(err)
				}
				if pl.Band != d.Band {
					t.Errorf("delta %g: Plan band %+v, Decide band %+v", delta, pl.Band, d.Band)
				}
				if d.Hedge && (!pl.Trade || pl.Aim != d.Aim) {
					t.Errorf("delta %g: Decide trades to aim %g, Plan says trade %v aim %g", delta, d.Aim, pl.Trade, pl.Aim)
				}
				if !pl.Trade && d.Hedge {
					t.Errorf("delta %g: Plan says no trade, Decide trades", delta)
				}
			})
		}
	}
}

func TestPlanErrors(t *testing.T) {
	in := Input{Delta: 10, Spot: 100, Vol: 0.2, Years: 0.1, Hedge: Shares("SPY", 0, 0.005)}
	if _, err := Plan(outsidePolicy{}, &in); err == nil {
		t.Error("a policy from outside the package was planned")
	}
	if _, err := PlanDivisible(FixedBand{Width: 1}, &in, -0.1); err == nil {
		t.Error("a negative proportional cost was accepted")
	}
	bad := in
	bad.Spot = 0
	if _, err := Plan(FixedBand{Width: 1}, &bad); err == nil {
		t.Error("spot 0 was planned")
	}
	noLots := in
	noLots.Hedge = Instrument{Name: "none"}
	if _, err := Plan(FixedBand{Width: 1}, &noLots); err == nil {
		t.Error("an instrument with no lots was planned")
	}
	if pl, err := PlanDivisible(WhalleyWilmott{RiskAversion: 1}, &noLots, 0.001); err != nil || !pl.Trade {
		t.Errorf("divisible Whalley–Wilmott with delta 10: %+v, %v; want a trade", pl, err)
	}
}
