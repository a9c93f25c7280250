package hedge

import "fmt"

// Planned is a policy's bare choice, before lot rounding and words: the no-trade band,
// whether net delta must be traded, and the net delta the trade aims for (the target, or
// the band's nearest edge). Banded says the band is a no-trade range (the band policies),
// not just the target (time-based, cost–benefit).
type Planned struct {
	Band   Band
	Trade  bool
	Aim    float64
	Banded bool
}

// Plan is the first half of Decide: what the policy wants for in, without rounding the
// order to in.Hedge's lots and without the reason in words. It is for simulations that
// ask millions of times (engine/lab); Decide is the one to show a trader. The input is
// validated as in Decide. Only this package's policies can be planned. in is taken by
// pointer so that a caller's loop reuses one Input (a policy keeps no reference to it).
func Plan(p Policy, in *Input) (Planned, error) {
	return planned(p, in)
}

// PlanDivisible is Plan for a continuously divisible hedge with no lots, every trade
// costing lambda × Spot × |change| (lambda in [0, 1)); in.Hedge is ignored. in is left
// as it was.
func PlanDivisible(p Policy, in *Input, lambda float64) (Planned, error) {
	if !(lambda >= 0) || lambda >= 1 {
		return Planned{}, fmt.Errorf("hedge: proportional cost %g must be in [0, 1)", lambda)
	}
	c, l := in.continuous, in.lambda
	in.continuous, in.lambda = true, lambda
	pl, err := planned(p, in)
	in.continuous, in.lambda = c, l
	return pl, err
}

func planned(p Policy, in *Input) (Planned, error) {
	r, ok := p.(rule)
	if !ok {
		return Planned{}, fmt.Errorf("hedge: policy %q is not one of this package's and cannot be planned", p.Name())
	}
	if err := in.validate(); err != nil {
		return Planned{}, err
	}
	pl, err := r.plan(in)
	if err != nil {
		return Planned{}, err
	}
	return Planned{Band: pl.band, Trade: pl.trade, Aim: pl.aim, Banded: pl.banded}, nil
}
