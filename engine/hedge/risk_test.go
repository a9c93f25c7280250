package hedge

import (
	"math"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// The guide's max_position_size(days_to_expiration): 1.0 above 21, 0.75 above 14, 0.50
// above 7, 0 otherwise.
func TestSizeMultiplier(t *testing.T) {
	r := DefaultRiskRules()
	for _, tc := range []struct{ dte, want float64 }{
		{45, 1}, {21.5, 1}, {21, 0.75}, {15, 0.75}, {14, 0.5}, {8, 0.5}, {7.01, 0.5}, {7, 0}, {3, 0}, {-1, 0},
	} {
		if got := r.SizeMultiplier(tc.dte); got != tc.want {
			t.Errorf("DTE %g: %g, want %g", tc.dte, got, tc.want)
		}
	}
}

func TestRiskRulesCheck(t *testing.T) {
	tests := []struct {
		name  string
		p     Position
		rules []string // the rules that must fire, in order
		sev   []Severity
		text  string
	}{
		{"45 DTE quiet", Position{Symbol: "A", Quantity: -5, DTE: 45, Delta: 0.3, Gamma: 0.01}, nil, nil, ""},
		{"18 DTE", Position{Symbol: "B", Quantity: -5, DTE: 18, Delta: 0.3, Gamma: 0.02}, []string{"DTE"}, []Severity{Warn}, "hold at most 75% of full size"},
		{"6 DTE", Position{Symbol: "C", Quantity: -5, DTE: 6, Delta: 0.2, Gamma: 0.05}, []string{"DTE"}, []Severity{Act}, "exit or roll"},
		{"ATM in the last 3 days", Position{Symbol: "D", Right: pricing.Put, Quantity: -5, DTE: 2.5, Delta: -0.48, Gamma: 0.30},
			[]string{"DTE", "ATM expiry", "gamma"}, []Severity{Act, Act, Warn}, "never hold ATM in the last 3 days"},
		{"OTM in the last 3 days", Position{Symbol: "E", Quantity: -5, DTE: 2, Delta: 0.1, Gamma: 0.05}, []string{"DTE"}, []Severity{Act}, ""},
		{"high gamma", Position{Symbol: "F", Quantity: 2, DTE: 30, Delta: 0.5, Gamma: 0.16}, []string{"gamma"}, []Severity{Warn}, "reduce to 50%"},
		{"flat position", Position{Symbol: "G", Quantity: 0, DTE: 1, Delta: 0.5, Gamma: 1}, nil, nil, ""},
	}
	r := DefaultRiskRules()
	for _, tc := range tests {
		fs := r.Check([]Position{tc.p})
		if len(fs) != len(tc.rules) {
			t.Errorf("%s: %d findings %+v, want %v", tc.name, len(fs), fs, tc.rules)
			continue
		}
		all := ""
		for i, f := range fs {
			if f.Rule != tc.rules[i] || f.Severity != tc.sev[i] || f.Symbol != tc.p.Symbol {
				t.Errorf("%s: finding %d %+v, want %s/%s", tc.name, i, f, tc.rules[i], tc.sev[i])
			}
			all += f.Text
		}
		if !strings.Contains(all, tc.text) {
			t.Errorf("%s: %q does not contain %q", tc.name, all, tc.text)
		}
	}
}

// Max Size = Portfolio × Risk% ÷ Max Greek loss: $100,000 × 2% ÷ $350 = 5.71 → 5.
func TestMaxPositionSize(t *testing.T) {
	n, f, err := MaxPositionSize(100000, 0.02, 350)
	if err != nil || n != 5 || !strings.Contains(f.Text, "max size 5") {
		t.Fatalf("got %d %q %v, want 5", n, f.Text, err)
	}
	for _, bad := range [][3]float64{{0, 0.02, 350}, {1e5, 0, 350}, {1e5, 1.5, 350}, {1e5, 0.02, 0}, {math.Inf(1), 0.02, 1}, {1e5, math.NaN(), 1}} {
		if _, _, err := MaxPositionSize(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// The guide's limits on $100k: delta ±500 shares, vega $2,000 per vol point, theta bleed
// 0.1% of notional a day ($50 on $50k).
func TestLimits(t *testing.T) {
	l := portfolio.DefaultLimits()
	tests := []struct {
		name string
		e    portfolio.Exposure
		acts []string
	}{
		{"inside", portfolio.Exposure{BetaDelta: -400, Vega: -1500, Theta: 40, Notional: 50000}, nil},
		{"delta over", portfolio.Exposure{BetaDelta: 520, Vega: -1500, Theta: 40, Notional: 50000}, []string{"|delta|"}},
		{"vega and theta over", portfolio.Exposure{BetaDelta: 0, Vega: -2100, Theta: -60, Notional: 50000}, []string{"|vega|", "theta paid"}},
		{"theta collected is not bleed", portfolio.Exposure{Theta: 500, Notional: 50000}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := CheckLimits(l, "L", tc.e, 100000)
			if err != nil {
				t.Fatal(err)
			}
			var acts []string
			for _, f := range fs {
				if f.Severity == Act {
					acts = append(acts, f.Rule)
					if !strings.Contains(f.Text, "over the limit") {
						t.Errorf("%q", f.Text)
					}
				}
			}
			if strings.Join(acts, ",") != strings.Join(tc.acts, ",") {
				t.Errorf("breaches %v, want %v", acts, tc.acts)
			}
		})
	}
	if _, err := CheckLimits(l, "L", portfolio.Exposure{}, 0); err == nil {
		t.Error("zero net liq accepted")
	}
}
