package lab

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/keel-desk/keel/engine/pricing"
)

// The QuantLib DiscreteHedging case (Examples/DiscreteHedging): a short European call,
// S = K = 100, one month (T = 1/12), σ = 20%, r = 5%, no dividends, no costs, the paths
// risk-neutral (drift r), hedged with the Black–Scholes delta at N evenly spaced times.
const (
	DermanKamalSpot   = 100.0
	DermanKamalStrike = 100.0
	DermanKamalYears  = 1.0 / 12
	DermanKamalVol    = 0.2
	DermanKamalRate   = 0.05
	// DermanKamalPaths is the default number of paths.
	DermanKamalPaths = 10000
	// DermanKamalSeed is the seed the case is drawn from.
	DermanKamalSeed = 17
)

// DermanKamalRebalances are the hedging frequencies of the case.
var DermanKamalRebalances = []int{21, 84, 252}

// DermanKamalStd is Derman and Kamal's estimate of the standard deviation of the P&L of
// an option hedged n times at evenly spaced times, without costs ("When You Cannot Hedge
// Continuously: The Corrections to Black–Scholes", Goldman Sachs Quantitative Strategies
// Research Notes, 1999; the formula of QuantLib's DiscreteHedging example):
//
//	√(π/4) · σ · vega / √n,   vega per 1.00 of volatility, per unit of the underlying.
func DermanKamalStd(vol, vega float64, n int) float64 {
	return math.Sqrt(math.Pi/4) * vol * vega / math.Sqrt(float64(n))
}

// DermanKamalReport is the case's result; it marshals to exactly the contract
// {"spot", "strike", "years", "vol", "rate", "paths", "rows": [{"rebalances", "pnl_std",
// "pnl_mean"}]}. Money is dollars per option on one unit of the underlying. Vega (per 1.00
// of volatility) and each row's theory and standard error are for Text, not the JSON.
type DermanKamalReport struct {
	Spot   float64          `json:"spot"`
	Strike float64          `json:"strike"`
	Years  float64          `json:"years"`
	Vol    float64          `json:"vol"`
	Rate   float64          `json:"rate"`
	Paths  int              `json:"paths"`
	Rows   []DermanKamalRow `json:"rows"`
	Value  float64          `json:"-"`
	Vega   float64          `json:"-"`
}

// DermanKamalRow is the case hedged Rebalances times: the standard deviation and mean of
// the hedged P&L at expiry. Theory is DermanKamalStd and StdErr the standard error of
// PnLStd.
type DermanKamalRow struct {
	Rebalances int     `json:"rebalances"`
	PnLStd     float64 `json:"pnl_std"`
	PnLMean    float64 `json:"pnl_mean"`
	Theory     float64 `json:"-"`
	StdErr     float64 `json:"-"`
}

// DermanKamal runs the QuantLib DiscreteHedging case at 21, 84 and 252 rebalances on
// paths paths (0: DermanKamalPaths) from DermanKamalSeed, each frequency on its own grid
// of N steps hedged at every step. Cancelled through ctx.
func DermanKamal(ctx context.Context, paths int) (DermanKamalReport, error) {
	if paths == 0 {
		paths = DermanKamalPaths
	}
	pos := Position{Name: "short 1 call", Underlying: pricing.Spot, Spot: DermanKamalSpot, Multiplier: 1,
		Years: DermanKamalYears, Vol: DermanKamalVol, Rate: DermanKamalRate,
		Legs: []Leg{{Right: pricing.Call, Strike: DermanKamalStrike, Quantity: -1}}}
	value, _, _, vega, err := pos.Value()
	if err != nil {
		return DermanKamalReport{}, err
	}
	out := DermanKamalReport{Spot: pos.Spot, Strike: DermanKamalStrike, Years: pos.Years, Vol: pos.Vol, Rate: pos.Rate,
		Paths: paths, Value: -value, Vega: -vega}
	for _, n := range DermanKamalRebalances {
		e := Experiment{Position: pos, Model: Model{Kind: GBM, Drift: pos.Rate}, Steps: n, Paths: paths,
			Seed: DermanKamalSeed, Policies: []Sweep{{Policy: TimeBased, Values: []float64{1}}}}
		r, err := Run(ctx, e, nil)
		if err != nil {
			return DermanKamalReport{}, fmt.Errorf("lab: Derman–Kamal at %d rebalances: %w", n, err)
		}
		p := r.Policies[0].Points[0]
		out.Rows = append(out.Rows, DermanKamalRow{Rebalances: n, PnLStd: p.PnLStd, PnLMean: p.PnLMean,
			Theory: DermanKamalStd(pos.Vol, out.Vega, n), StdErr: p.PnLStdSE})
	}
	return out, nil
}

// Text is the case as a table: the simulated standard deviation against Derman–Kamal's.
func (r DermanKamalReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Derman–Kamal: short call S %g K %g, %.4g years, vol %.0f%%, rate %.0f%%, no costs, %d paths\n",
		r.Spot, r.Strike, r.Years, 100*r.Vol, 100*r.Rate, r.Paths)
	fmt.Fprintf(&b, "option value %.4f, vega %.4f per 1.00 of vol; theory √(π/4)·σ·vega/√N\n\n", r.Value, r.Vega)
	fmt.Fprintf(&b, "%10s %12s %10s %12s %10s %12s\n", "rebalances", "P&L std", "±", "theory", "off by", "P&L mean")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%10d %12.4f %10.4f %12.4f %9.1f%% %12s\n", row.Rebalances, row.PnLStd, row.StdErr, row.Theory,
			100*(row.PnLStd/row.Theory-1), money(row.PnLMean))
	}
	return b.String()
}
