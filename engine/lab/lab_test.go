package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/pricing"
)

// The position's delta and gamma along a path come from a closed form of the
// generalized Black–Scholes model; they must agree with engine/pricing.
func TestGreeksMatchPricing(t *testing.T) {
	tests := []struct {
		name string
		p    Position
	}{
		{"SPY call", SingleOption("SPY", pricing.Call, 600, 610, 0.25, 0.18, 0.04, -10)},
		{"SPY put", SingleOption("SPY", pricing.Put, 600, 560, 0.1, 0.25, 0.04, 3)},
		{"ES strangle", ShortStrangle("ES", 6600, 6300, 6900, 45.0/365, 0.16, 0.04, 2)},
		{"SPY layer, two expiries and a skew", Position{Underlying: pricing.Spot, Spot: 600, Multiplier: 100, Years: 0.25, Vol: 0.17, Rate: 0.04,
			Legs: []Leg{{Right: pricing.Put, Strike: 560, Quantity: -5, Years: 0.25, Vol: 0.22}, {Right: pricing.Call, Strike: 630, Quantity: -5, Years: 0.1, Vol: 0.14}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := 50
			tab := tc.p.table(steps)
			for _, i := range []int{0, 17, 49} {
				for _, s := range []float64{0.9 * tc.p.Spot, tc.p.Spot, 1.07 * tc.p.Spot} {
					d, g := tc.p.greeks(&tab, i, s)
					var wd, wg float64
					for _, l := range tc.p.Legs {
						q := tc.p
						q.Legs = []Leg{l}
						q.Legs[0].Years = q.legYears(&l) - float64(i)*tc.p.Years/float64(steps)
						q.Spot = s
						if q.Legs[0].Years <= 0 {
							continue // expired and settled
						}
						q.Years = q.Legs[0].Years
						_, ld, lg, _, err := q.Value()
						if err != nil {
							t.Fatal(err)
						}
						wd, wg = wd+ld, wg+lg
					}
					if math.Abs(d-wd) > 1e-9*math.Max(1, math.Abs(wd)) || math.Abs(g-wg) > 1e-9*math.Max(1e-3, math.Abs(wg)) {
						t.Errorf("step %d spot %g: delta %g gamma %g, pricing %g %g", i, s, d, g, wd, wg)
					}
				}
			}
		})
	}
}

// TestDermanKamal is the acceptance case: the QuantLib DiscreteHedging example
// (short call S = K = 100, T = 1/12, σ = 20%, r = 5%) hedged 21, 84 and 252 times on
// 10,000 paths is within 5% of Derman–Kamal's √(π/4)·σ·vega/√N. QuantLib's own run
// (50,000 paths) prints an option value of 2.51207 and P&L standard deviations of 0.43
// (theory 0.44) at 21 and 0.22 (0.22) at 84. The JSON keeps the field names.
func TestDermanKamal(t *testing.T) {
	r, err := DermanKamal(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Text())
	if math.Abs(r.Value-2.51207) > 5e-5 {
		t.Errorf("option value %.5f, QuantLib 2.51207", r.Value)
	}
	if len(r.Rows) != 3 || r.Paths != 10000 {
		t.Fatalf("%d rows, %d paths; want 3 rows of 10,000", len(r.Rows), r.Paths)
	}
	quantlib := map[int]float64{21: 0.43, 84: 0.22}
	for _, row := range r.Rows {
		t.Run(fmt.Sprint(row.Rebalances), func(t *testing.T) {
			if off := row.PnLStd/row.Theory - 1; math.Abs(off) > 0.05 {
				t.Errorf("N=%d: P&L std %.4f is %.1f%% from Derman–Kamal %.4f", row.Rebalances, row.PnLStd, 100*off, row.Theory)
			}
			if row.StdErr/row.PnLStd > 0.015 {
				t.Errorf("N=%d: standard error %.2f%% too large for a 5%% test", row.Rebalances, 100*row.StdErr/row.PnLStd)
			}
			if q, ok := quantlib[row.Rebalances]; ok && math.Abs(row.PnLStd-q) > 0.006 {
				t.Errorf("N=%d: P&L std %.4f, QuantLib prints %.2f", row.Rebalances, row.PnLStd, q)
			}
			if se := row.PnLStd / math.Sqrt(float64(r.Paths)); math.Abs(row.PnLMean) > 4*se {
				t.Errorf("N=%d: mean P&L %.5f, want 0 within %.5f", row.Rebalances, row.PnLMean, 4*se)
			}
		})
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got, want := sortedKeys(m), []string{"paths", "rate", "rows", "spot", "strike", "vol", "years"}; !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(m["rows"], &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if got, want := sortedKeys(row), []string{"pnl_mean", "pnl_std", "rebalances"}; !slices.Equal(got, want) {
			t.Errorf("row keys %v, want %v", got, want)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

// Whalley and Wilmott (1997), "An asymptotic analysis of an optimal hedging model for
// option pricing with transaction costs", Mathematical Finance 7(3): the no-trade band
// around the Black–Scholes delta has half-width H = (3·e^(−r(T−t))·λ·S·Γ²/(2γ))^(1/3).
// The band the lab applies at the start must be that H for the position's own gamma and
// the hedge's proportional cost. Reference: 10 short one-month at-the-money SPY calls
// (S = K = 600, σ = 18%, r = 4%, T = 30/365): Γ = −10·100·n(d1)/(S·σ·√T) = −12.833
// shares per $1, λ = $0.005 / $600; with γ = 0.001 per dollar H = 10.718 shares.
func TestWhalleyWilmottBand(t *testing.T) {
	p := SingleOption("SPY", pricing.Call, 600, 600, 30.0/365, 0.18, 0.04, -10)
	_, _, gamma, _, err := p.Value()
	if err != nil {
		t.Fatal(err)
	}
	d1 := (0.04 + 0.5*0.18*0.18) * p.Years / (0.18 * math.Sqrt(p.Years))
	wantGamma := -1000 * math.Exp(-d1*d1/2) / math.Sqrt(2*math.Pi) / (600 * 0.18 * math.Sqrt(p.Years))
	if math.Abs(gamma-wantGamma) > 1e-9 || math.Abs(gamma+12.833) > 0.0005 {
		t.Fatalf("gamma %g, want %g ≈ −12.833", gamma, wantGamma)
	}
	tests := []struct{ riskAversion, want float64 }{
		{0.001, 10.718},
		{0.008, 5.359}, // 8× the risk aversion halves the band
	}
	for _, tc := range tests {
		t.Run(short(tc.riskAversion), func(t *testing.T) {
			lambda := 0.005 / 600
			h := math.Cbrt(3 * math.Exp(-0.04*p.Years) * lambda * 600 * gamma * gamma / (2 * tc.riskAversion))
			if math.Abs(h-tc.want) > 0.0005 {
				t.Fatalf("formula gives %.4f, reference %.3f", h, tc.want)
			}
			e := Experiment{Position: p, Model: Model{Kind: GBM, Drift: 0.04}, Hedge: SPYShares(), Steps: 30, Paths: 100, Seed: 1,
				Policies: []Sweep{{Policy: WhalleyWilmott, Values: []float64{tc.riskAversion}}}}
			r, err := Run(context.Background(), e, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Policies[0].Points[0].StartBand; math.Abs(got-h) > 1e-9 {
				t.Errorf("band at start ±%.6f, formula ±%.6f", got, h)
			}
		})
	}
}

// Interpolated cost of a policy's points at tracking error te (points sorted by std).
func costAt(points []Point, te float64) (float64, bool) {
	pts := slices.Clone(points)
	slices.SortFunc(pts, func(a, b Point) int { return cmpFloat(a.PnLStd, b.PnLStd) })
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if te >= a.PnLStd && te <= b.PnLStd {
			f := (te - a.PnLStd) / (b.PnLStd - a.PnLStd)
			return a.CostMean + f*(b.CostMean-a.CostMean), true
		}
	}
	return 0, false
}

// The published result (Whalley & Wilmott 1997; Martellini & Priaulet 2002, "Competing
// methods for option hedging in the presence of transaction costs", J. of Derivatives;
// Zakamouline 2006): at equal tracking error, the cost-aware Whalley–Wilmott band costs
// less than a fixed delta band traded back to neutral, because it trades only to the
// band's edge and widens where gamma is small. Checked on the same GBM paths for a short
// one-month SPY strangle hedged with shares, over each band's range of settings.
func TestCostAwareBandCostsLess(t *testing.T) {
	p := ShortStrangle("SPY", 600, 580, 620, 30.0/365, 0.18, 0.04, 10)
	e := Experiment{Position: p, Model: Model{Kind: GBM, Drift: 0.04}, Hedge: SPYShares(), Steps: 30 * 4, Paths: 1500, Seed: 7}
	sweeps, err := DefaultSweeps(p, e.Steps, e.lambda0())
	if err != nil {
		t.Fatal(err)
	}
	var fixed, ww Sweep
	for _, s := range sweeps {
		switch s.Policy {
		case FixedBand:
			fixed = s
			fixed.Values = append(fixed.Values, fixed.Values[len(fixed.Values)-1]*2, fixed.Values[len(fixed.Values)-1]*4)
		case WhalleyWilmott:
			ww = s
		}
	}
	e.Policies = []Sweep{fixed, ww}
	r, err := Run(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Text())
	fp, wp := r.Policies[0].Points, r.Policies[1].Points
	compared := 0
	for _, w := range wp {
		c, ok := costAt(fp, w.PnLStd)
		if !ok {
			continue
		}
		compared++
		if w.CostMean >= c {
			t.Errorf("Whalley–Wilmott %s: cost %.2f at P&L std %.2f, fixed band costs %.2f there", w.Label, w.CostMean, w.PnLStd, c)
		}
	}
	if compared < 3 {
		t.Errorf("only %d Whalley–Wilmott points fall inside the fixed band's range of risk", compared)
	}
}

// One experiment, several ways: any number of workers and the cached or uncached paths
// give bit-for-bit the same points; the stream delivers every point in order.
func TestRunDeterministicAndStreamed(t *testing.T) {
	es, err := ESFutures(6600)
	if err != nil {
		t.Fatal(err)
	}
	base := Experiment{Position: ShortStrangle("ES", 6600, 6400, 6800, 21.0/365, 0.16, 0.04, 3),
		Model: Model{Kind: SVJ, Drift: 0}, Hedge: es, Steps: 21 * 2, Paths: 400, Seed: 42, Bins: 20}
	var streamed []Point
	base.Workers = 1
	a, err := Run(context.Background(), base, func(p Point) { streamed = append(streamed, p) })
	if err != nil {
		t.Fatal(err)
	}
	base.Workers = 3
	b, err := Run(context.Background(), base, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("1 worker and 3 workers differ")
	}
	var all []Point
	for _, pr := range a.Policies {
		all = append(all, pr.Points...)
	}
	if len(streamed) != len(all) || len(all) != 25 {
		t.Fatalf("streamed %d points, report has %d; want 25 (5 settings of each of the 5 policies)", len(streamed), len(all))
	}
	for i, p := range streamed {
		if p.Done != i+1 || p.Total != len(all) || p.Label != all[i].Label || p.PnLStd != all[i].PnLStd {
			t.Errorf("streamed point %d: %s %d/%d, report %s", i, p.Label, p.Done, p.Total, all[i].Label)
		}
	}
	// A single point runs uncached (drawn on the fly): the same numbers.
	one := base
	one.Policies = []Sweep{{Policy: WhalleyWilmott, Values: []float64{a.Policies[3].Points[2].Param}}}
	c, err := Run(context.Background(), one, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, want := c.Policies[0].Points[0], a.Policies[3].Points[2]
	got.Done, got.Total, got.Efficient, want.Done, want.Total, want.Efficient = 0, 0, false, 0, 0, false
	if !reflect.DeepEqual(got, want) {
		t.Errorf("uncached %+v\ncached %+v", got.PnLStd, want.PnLStd)
	}
	for _, pr := range a.Policies {
		for _, p := range pr.Points {
			if n := sum(p.Histogram.Counts) + p.Histogram.Below + p.Histogram.Above; n != base.Paths {
				t.Errorf("%s %s: histogram holds %d paths of %d", p.Policy, p.Label, n, base.Paths)
			}
			if p.TradesMean > 0 && p.CostMean/p.TradesMean < 0.85+0.625-1e-9 {
				t.Errorf("%s %s: %.2f per order, less than one MES", p.Policy, p.Label, p.CostMean/p.TradesMean)
			}
			if !sort.SliceIsSorted(p.Quantiles, func(i, j int) bool { return p.Quantiles[i].PnL < p.Quantiles[j].PnL }) {
				t.Errorf("%s %s: quantiles not increasing %v", p.Policy, p.Label, p.Quantiles)
			}
		}
	}
	t.Log("\n" + a.Text())
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func TestRunCancelled(t *testing.T) {
	e := Experiment{Position: SingleOption("SPY", pricing.Call, 600, 600, 0.25, 0.18, 0.04, -10),
		Model: Model{Kind: GBM, Drift: 0.04}, Hedge: SPYShares(), Steps: 63, Paths: 500, Seed: 3}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, e, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	points := 0
	_, err := Run(ctx, e, func(Point) { points++; cancel() })
	if !errors.Is(err, context.Canceled) || points != 1 {
		t.Errorf("cancelled after the first point: %v after %d points", err, points)
	}
}

// The frontier keeps only points no other beats on both cost and risk.
func TestFrontier(t *testing.T) {
	pts := []Point{
		{CostMean: 10, PnLStd: 1},  // 0: efficient
		{CostMean: 5, PnLStd: 3},   // 1: efficient
		{CostMean: 6, PnLStd: 4},   // 2: dominated by 1
		{CostMean: 1, PnLStd: 9},   // 3: efficient
		{CostMean: 12, PnLStd: 1},  // 4: dominated by 0
		{CostMean: 5, PnLStd: 3.5}, // 5: same cost as 1, riskier
	}
	if got, want := Frontier(pts), []int{3, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("frontier %v, want %v", got, want)
	}
}

// The lab's lot rounding must be hedge's: for random orders, split gives the same delta
// and cost as hedge.Instrument.Round, and execute the same order as hedge.Decide.
func TestLotsMatchHedge(t *testing.T) {
	es, err := ESFutures(6600)
	if err != nil {
		t.Fatal(err)
	}
	odd, err := hedge.ETF("SH", 37, -1, 1, 660, 0, 0.005) // −0.056 SPY shares a share
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []hedge.Instrument{es, SPYShares(), odd} {
		t.Run(h.Name, func(t *testing.T) {
			l := newLotting(h)
			rng := rand.New(rand.NewPCG(1, 2))
			for range 2000 {
				change := (rng.Float64()*2 - 1) * 400
				o, err := h.Round(change)
				if err != nil {
					t.Fatal(err)
				}
				d, c, any := l.split(math.Round(change / l.small.Delta))
				if math.Abs(d-o.Delta) > 1e-9 || math.Abs(c-o.Cost) > 1e-9 || any == o.Empty() {
					t.Fatalf("change %g: split %g $%g %v, Round %g $%g %v", change, d, c, any, o.Delta, o.Cost, o.Empty())
				}
			}
			policies := []hedge.Policy{hedge.FixedBand{Width: 30}, hedge.FixedBand{Width: 2}, hedge.FixedBand{Width: 30, Rehedge: hedge.ToEdge},
				hedge.WhalleyWilmott{RiskAversion: 1e-4}, hedge.GammaScaled{Budget: 3000}, hedge.CostBenefit{RiskAversion: 1e-4}}
			for range 500 {
				in := hedge.Input{Delta: (rng.Float64()*2 - 1) * 200, Gamma: -rng.Float64() * 2, Spot: 6600, Vol: 0.16,
					Years: 0.05, Rate: 0.04, Hedge: h}
				for _, p := range policies {
					d, err := p.Decide(in)
					if err != nil {
						t.Fatal(err)
					}
					pl, err := hedge.Plan(p, &in)
					if err != nil {
						t.Fatal(err)
					}
					if !pl.Trade {
						if d.Hedge {
							t.Fatalf("%s delta %g: Decide trades, Plan does not", p.Name(), in.Delta)
						}
						continue
					}
					change, cost, ok, err := l.execute(pl, in.Delta, in.Target, in.Spot, 0)
					if err != nil {
						t.Fatal(err)
					}
					if ok != d.Hedge || math.Abs(change-d.Order.Delta) > 1e-9 || math.Abs(cost-d.Cost) > 1e-9 {
						t.Fatalf("%s delta %g: lab trades %v %g $%g, Decide %v %g $%g", p.Name(), in.Delta, ok, change, cost, d.Hedge, d.Order.Delta, d.Cost)
					}
				}
			}
		})
	}
}

// The SVJ paths: with the jumps compensated the price keeps its drift (E[S_T] = S·e^(μT)
// within four standard errors); the jumps fatten the tails of daily returns (kurtosis
// well above the normal's 3); and daily hedging leaves more risk than on GBM paths.
func TestSVJ(t *testing.T) {
	const paths, steps = 20000, 63
	years, spot, drift := 0.25, 600.0, 0.04
	path := Model{Kind: SVJ, Drift: drift}.pather(spot, 0.18, years, steps)
	var sum, sumSq, r2, r4 float64
	var buf []float64
	for i := range paths {
		buf = path(5, i, buf)
		x := buf[steps]
		sum += x
		sumSq += x * x
		for k := 1; k <= steps; k++ {
			r := math.Log(buf[k] / buf[k-1])
			r2 += r * r
			r4 += r * r * r * r
		}
	}
	n := float64(paths)
	mean := sum / n
	se := math.Sqrt((sumSq/n - mean*mean) / n)
	if want := spot * math.Exp(drift*years); math.Abs(mean-want) > 4*se {
		t.Errorf("E[S_T] %.3f, want %.3f ± %.3f", mean, want, 4*se)
	}
	m := n * steps
	kurt := (r4 / m) / ((r2 / m) * (r2 / m))
	if kurt < 4 {
		t.Errorf("kurtosis of step returns %.2f, want fat tails (> 4)", kurt)
	}
	realised := math.Sqrt(r2 / n / years)
	t.Logf("mean S_T %.3f ± %.3f, kurtosis %.1f, realised vol %.3f", mean, se, kurt, realised)
	if realised < 0.16 || realised > 0.22 {
		t.Errorf("realised vol %.3f, want near the 18%% the options are priced at", realised)
	}
	e := Experiment{Position: SingleOption("SPY", pricing.Call, spot, spot, years, 0.18, 0.04, -10),
		Model: Model{Kind: GBM, Drift: drift}, Hedge: SPYShares(), Steps: steps, Paths: 4000, Seed: 9,
		Policies: []Sweep{{Policy: TimeBased, Values: []float64{1}}}}
	g, err := Run(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Model.Kind = SVJ
	s, err := Run(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	gs, ss := g.Policies[0].Points[0].PnLStd, s.Policies[0].Points[0].PnLStd
	t.Logf("daily hedging P&L std: GBM %.2f, SVJ %.2f", gs, ss)
	if ss < 1.5*gs {
		t.Errorf("SVJ tracking error %.2f not well above GBM's %.2f", ss, gs)
	}
}

func TestRunErrors(t *testing.T) {
	good := Experiment{Position: SingleOption("SPY", pricing.Call, 600, 600, 0.25, 0.18, 0.04, -10),
		Model: Model{Kind: GBM}, Hedge: SPYShares(), Steps: 10, Paths: 100}
	if _, err := Run(context.Background(), good, nil); err != nil {
		t.Fatalf("good experiment: %v", err)
	}
	tests := []struct {
		name string
		edit func(e *Experiment)
	}{
		{"spot", func(e *Experiment) { e.Position.Spot = 0 }},
		{"underlying", func(e *Experiment) { e.Position.Underlying = 7 }},
		{"right", func(e *Experiment) { e.Position.Legs[0].Right = 5 }},
		{"years", func(e *Experiment) { e.Position.Years = 0 }},
		{"leg after the horizon", func(e *Experiment) { e.Position.Legs[0].Years = 1 }},
		{"leg vol", func(e *Experiment) { e.Position.Legs[0].Vol = -0.2 }},
		{"vol", func(e *Experiment) { e.Position.Vol = math.NaN() }},
		{"no legs", func(e *Experiment) { e.Position.Legs = nil }},
		{"zero quantity", func(e *Experiment) { e.Position.Legs[0].Quantity = 0 }},
		{"model", func(e *Experiment) { e.Model.Kind = "heston" }},
		{"drift", func(e *Experiment) { e.Model.Drift = math.Inf(1) }},
		{"steps", func(e *Experiment) { e.Steps = 0 }},
		{"paths", func(e *Experiment) { e.Paths = 10 }},
		{"lambda", func(e *Experiment) { e.Hedge = hedge.Instrument{}; e.Lambda = -0.01 }},
		{"lots", func(e *Experiment) { e.Hedge.Lots[0].Delta = 0 }},
		{"policy", func(e *Experiment) { e.Policies = []Sweep{{Policy: "martingale", Values: []float64{1}}} }},
		{"no values", func(e *Experiment) { e.Policies = []Sweep{{Policy: FixedBand}} }},
		{"negative band", func(e *Experiment) { e.Policies = []Sweep{{Policy: FixedBand, Values: []float64{-1}}} }},
		{"fractional steps", func(e *Experiment) { e.Policies = []Sweep{{Policy: TimeBased, Values: []float64{1.5}}} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			e.Position.Legs = slices.Clone(good.Position.Legs)
			e.Hedge.Lots = slices.Clone(good.Hedge.Lots)
			tc.edit(&e)
			if _, err := Run(context.Background(), e, nil); err == nil {
				t.Error("accepted")
			}
		})
	}
}

// Every preset runs (on few paths here) and reports every policy.
func TestPresets(t *testing.T) {
	for _, p := range Presets {
		t.Run(p.Name, func(t *testing.T) {
			e, err := p.Experiment()
			if err != nil {
				t.Fatal(err)
			}
			e.Paths, e.Steps = 200, e.Steps/4 // daily, to keep the race detector's run short
			e.Model.Kind = SVJ
			r, err := Run(context.Background(), e, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Policies) != len(Families) || len(r.Frontier) == 0 {
				t.Errorf("%d policies, frontier %d points", len(r.Policies), len(r.Frontier))
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var back Report
			if err := json.Unmarshal(b, &back); err != nil || back.Paths != 200 || len(back.Policies[1].Points[0].Histogram.Counts) != 40 {
				t.Errorf("JSON round trip: %v", err)
			}
		})
	}
	if _, err := LookupPreset("spy-strangle"); err != nil {
		t.Error(err)
	}
	if _, err := LookupPreset("nope"); err == nil || !strings.Contains(err.Error(), "es-strangle") {
		t.Errorf("unknown preset: %v", err)
	}
}

// A leg that expires before the horizon settles then, and the hedge it leaves is traded
// away: a short call expiring halfway through a two-month horizon, hedged every step
// without costs, ends with the P&L of the same call on a one-month horizon (the same
// path increments) grown at the rate for the second month.
func TestLegExpiresEarly(t *testing.T) {
	call := SingleOption("SPY", pricing.Call, 600, 600, 1.0/12, 0.18, 0.04, -10)
	early := call
	early.Years = 2.0 / 12
	early.Legs = []Leg{{Right: pricing.Call, Strike: 600, Quantity: -10, Years: 1.0 / 12}}
	every := []Sweep{{Policy: TimeBased, Values: []float64{1}}}
	a, err := Run(context.Background(), Experiment{Position: call, Model: Model{Kind: GBM, Drift: 0.04}, Steps: 21, Paths: 500, Seed: 4, Policies: every}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), Experiment{Position: early, Model: Model{Kind: GBM, Drift: 0.04}, Steps: 42, Paths: 500, Seed: 4, Policies: every}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Policies[0].Points[0], b.Policies[0].Points[0]
	grow := math.Exp(0.04 / 12)
	if math.Abs(pb.PnLMean-pa.PnLMean*grow) > 1e-6 || math.Abs(pb.PnLStd-pa.PnLStd*grow) > 1e-6 {
		t.Errorf("early expiry: mean %.6f std %.6f; one-month horizon grown: %.6f %.6f", pb.PnLMean, pb.PnLStd, pa.PnLMean*grow, pa.PnLStd*grow)
	}
	if pb.TradesMean <= pa.TradesMean {
		t.Errorf("the hedge left at expiry was not traded away: %.1f trades against %.1f", pb.TradesMean, pa.TradesMean)
	}
}

// Derman–Kamal holds for an option on a future as well (Black-76 vega), which checks the
// futures accounting: no cash for the hedge, variation margin each step. One short ES
// call (50 × the index), three months, hedged 63 times without costs.
func TestDermanKamalFutures(t *testing.T) {
	p := SingleOption("ES", pricing.Call, 6600, 6600, 0.25, 0.16, 0.04, -1)
	e := Experiment{Position: p, Model: Model{Kind: GBM}, Steps: 63, Paths: 6000, Seed: 11,
		Policies: []Sweep{{Policy: TimeBased, Values: []float64{1}}}}
	r, err := Run(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	pt := r.Policies[0].Points[0]
	theory := DermanKamalStd(p.Vol, math.Abs(r.Vega*100), e.Steps)
	t.Logf("P&L std %.2f ± %.2f, Derman–Kamal %.2f, mean %.2f", pt.PnLStd, pt.PnLStdSE, theory, pt.PnLMean)
	if off := pt.PnLStd/theory - 1; math.Abs(off) > 0.05 {
		t.Errorf("P&L std %.2f is %.1f%% from Derman–Kamal %.2f", pt.PnLStd, 100*off, theory)
	}
	if se := pt.PnLStd / math.Sqrt(float64(e.Paths)); math.Abs(pt.PnLMean) > 4*se {
		t.Errorf("mean P&L %.2f, want 0 within %.2f", pt.PnLMean, 4*se)
	}
}
