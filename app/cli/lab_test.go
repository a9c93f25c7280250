package cli

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/lab"
)

// TestLabDermanKamal checks `keel lab derman-kamal --json`: the keys and the
// QuantLib DiscreteHedging case (S = K = 100, T = 1/12, σ = 20%, r = 5%) within 5% of
// Derman–Kamal's √(π/4)·σ·vega/√N at 21, 84 and 252 rebalances on 2,000 paths.
func TestLabDermanKamal(t *testing.T) {
	var rep struct {
		Spot, Strike, Years, Vol, Rate float64
		Paths                          int
		Rows                           []struct {
			Rebalances int      `json:"rebalances"`
			PnLStd     float64  `json:"pnl_std"`
			PnLMean    *float64 `json:"pnl_mean"`
		}
	}
	runJSON(t, &rep, "lab", "derman-kamal", "--paths", "2000", "--json")
	if rep.Spot != 100 || rep.Strike != 100 || math.Abs(rep.Years-1.0/12) > 1e-12 || rep.Vol != 0.2 || rep.Rate != 0.05 || rep.Paths != 2000 {
		t.Errorf("the case is %+v", rep)
	}
	// Vega of the at-the-money call, per 1.00 of vol: QuantLib's example prints the
	// theory from it; 11.4578 is Black–Scholes at these inputs.
	const vega = 11.4578
	want := []int{21, 84, 252}
	if len(rep.Rows) != len(want) {
		t.Fatalf("%d rows", len(rep.Rows))
	}
	for i, row := range rep.Rows {
		t.Run(fmt.Sprint(want[i]), func(t *testing.T) {
			if row.Rebalances != want[i] || row.PnLMean == nil {
				t.Fatalf("row %+v", row)
			}
			theory := lab.DermanKamalStd(0.2, vega, row.Rebalances)
			if off := row.PnLStd/theory - 1; math.Abs(off) > 0.05 {
				t.Errorf("%d rebalances: std %.4f vs Derman–Kamal %.4f (%.1f%% off)", row.Rebalances, row.PnLStd, theory, 100*off)
			}
		})
	}
}

func TestLabPolicies(t *testing.T) {
	var rep map[string]any
	runJSON(t, &rep, "lab", "policies", "--preset", "spy-strangle", "--paths", "200", "--json")
	hasKeys(t, "report", rep, "subject", "paths", "policies", "frontier")
	if rep["paths"].(float64) != 200 || len(rep["policies"].([]any)) == 0 {
		t.Errorf("paths %v, %d policies", rep["paths"], len(rep["policies"].([]any)))
	}
	code, out, errOut := run(t, "lab", "policies", "--paths", "200")
	if code != 0 || errOut != "" || !strings.Contains(out, "time-based") || !strings.Contains(out, "Whalley–Wilmott") {
		t.Errorf("exit %d, stderr %q:\n%.600s", code, errOut, out)
	}
}

// TestLabStrategy runs the strategy table on one market for one day: every experiment
// replays the demo book, so it is the slow one (skipped with -short).
func TestLabStrategy(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the demo book six times")
	}
	var rep map[string]any
	runJSON(t, &rep, "lab", "strategy", "--seeds", "1", "--days", "1", "--json")
	hasKeys(t, "report", rep, "seeds", "days", "start", "rows")
	if rep["seeds"].(float64) != 1 || rep["days"].(float64) != 1 || len(rep["rows"].([]any)) == 0 {
		t.Errorf("seeds %v, days %v, rows %v", rep["seeds"], rep["days"], rep["rows"])
	}
}

func TestLabBadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"no subcommand", nil, "usage: keel lab"},
		{"unknown subcommand", []string{"frontier"}, `no subcommand "frontier"`},
		{"unknown preset", []string{"policies", "--preset", "es-butterfly"}, `no subject "es-butterfly"`},
		{"no paths", []string{"derman-kamal", "--paths", "0"}, "usage: keel lab derman-kamal"},
		{"bad flag", []string{"strategy", "--seed", "3"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"lab"}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 saying %q", code, out, errOut, tc.says)
			}
		})
	}
}
