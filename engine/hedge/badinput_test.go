package hedge

import (
	"github.com/keel-desk/keel/engine/portfolio"
	"math"
	"strconv"
	"strings"
	"testing"
)

// Bad inputs are errors that name the value, never an absurd order or size (issue 20, item 9).
func TestRoundRefusesNonFiniteAndAbsurdChanges(t *testing.T) {
	for _, change := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 2 * MaxLots} {
		t.Run(fmtG(change), func(t *testing.T) {
			o, err := spy().Round(change)
			if err == nil {
				t.Fatalf("Round(%g) = %q, want an error", change, o)
			}
			if !strings.Contains(err.Error(), fmtG(change)) || !strings.Contains(err.Error(), "SPY") {
				t.Errorf("error %q does not name the change and the instrument", err)
			}
		})
	}
	// A policy handed a delta no order can trade says so instead of ordering it.
	if d, err := (FixedBand{Width: 100}).Decide(Input{Delta: 1e300, Spot: 500, Hedge: esmes(t)}); err == nil {
		t.Errorf("a delta of 1e300 decided %q", d.Reason)
	}
	if _, err := (CostBenefit{RiskAversion: 1e-4}).Decide(Input{Delta: -1e300, Spot: 500, Vol: 0.2, Hedge: spy()}); err == nil {
		t.Error("cost–benefit priced an order for a delta of −1e300")
	}
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func TestMaxPositionSizeRefusesAbsurdSizes(t *testing.T) {
	tests := []struct {
		name                  string
		portfolio, risk, loss float64
	}{
		{"tiny loss", 1e300, 1, 1e-300},
		{"huge portfolio", 1e300, 0.02, 1},
		{"NaN loss", 1e5, 0.02, math.NaN()},
		{"NaN risk", 1e5, math.NaN(), 100},
		{"NaN portfolio", math.NaN(), 0.02, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, _, err := MaxPositionSize(tc.portfolio, tc.risk, tc.loss)
			if err == nil {
				t.Fatalf("MaxPositionSize(%g, %g, %g) = %d, want an error", tc.portfolio, tc.risk, tc.loss, n)
			}
		})
	}
	// The guide's example stays: $100,000 × 2% ÷ $450 = 4.44 → 4.
	if n, _, err := MaxPositionSize(100000, 0.02, 450); err != nil || n != 4 {
		t.Errorf("MaxPositionSize(100000, 0.02, 450) = %d, %v; want 4", n, err)
	}
}

func TestLimitsRefuseNonFiniteGreeks(t *testing.T) {
	for _, tc := range []struct {
		field string
		e     portfolio.Exposure
	}{
		{"Delta", portfolio.Exposure{BetaDelta: math.NaN()}},
		{"Delta", portfolio.Exposure{BetaDelta: math.Inf(1)}},
		{"Vega", portfolio.Exposure{Vega: math.NaN()}},
		{"Theta", portfolio.Exposure{Theta: math.NaN(), Notional: 1e6}},
		{"Notional", portfolio.Exposure{Theta: -10, Notional: math.NaN()}},
	} {
		t.Run(tc.field, func(t *testing.T) {
			f, err := CheckLimits(portfolio.DefaultLimits(), "SPY options", tc.e, 100000)
			if err == nil {
				t.Fatalf("%s not finite: %+v, want an error", tc.field, f)
			}
			if !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "SPY options") {
				t.Errorf("error %q does not name the field and the layer", err)
			}
		})
	}
}

// A band narrower than one lot (issue 11, item 7): ±18 shares against a 50-share MES.
// Delta +30 is outside; trading to the band's edge (+18) rounded to no lot at all, leaving
// +30 with no trade. The lot count nearest the target is −1 MES, to −20, and the decision
// says the band is narrower than the lot. Inside the band nothing is traded.
func TestBandNarrowerThanALotHedgesToTheNearestLot(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      FixedBand
		delta  float64
		hedge  bool
		after  float64
		reason string
	}{
		{"to the edge", FixedBand{Width: 18, Rehedge: ToEdge}, 30, true, -20, "narrower than one MES"},
		{"to the target", FixedBand{Width: 18}, 30, true, -20, "narrower than one MES"},
		{"nearest is no trade", FixedBand{Width: 18}, 24, false, 24, "less than half a lot"},
		{"inside", FixedBand{Width: 18}, -10, false, -10, "inside"},
		{"wide band", FixedBand{Width: 30, Rehedge: ToEdge}, 60, true, 10, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.p.Decide(Input{Delta: tc.delta, Spot: 500, Hedge: esmes(t)})
			if err != nil {
				t.Fatal(err)
			}
			if d.Hedge != tc.hedge || d.After != tc.after || !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("%s: hedge %v to %g (%q), want %v to %g (%q)", tc.name, d.Hedge, d.After, d.Reason, tc.hedge, tc.after, tc.reason)
			}
			if wantNarrow := tc.p.Width*2 < 50; d.Narrow != wantNarrow {
				t.Errorf("Narrow %v, want %v", d.Narrow, wantNarrow)
			}
		})
	}
}
