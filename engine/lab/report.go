package lab

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/keel-desk/keel/format"
)

// Point is one policy at one parameter value over all paths. Money is dollars for the
// whole position, at expiry. PnLStd is the standard deviation of the hedged P&L (the
// tracking error) and PnLStdSE its standard error, √((m₄/s⁴ − 1)/(4n))·s; CostMean and
// TradesMean are per path. StartBand is the no-trade band's half-width at the start in
// underlying units (0 for time-based). Efficient says no other parameter of the same
// policy is both cheaper and less risky (set in the final report). Done and Total count
// the points of the run, for a progress bar.
type Point struct {
	Policy     Family     `json:"policy"`
	Param      float64    `json:"param"`
	Label      string     `json:"label"`
	StartBand  float64    `json:"start_band"`
	PnLStd     float64    `json:"pnl_std"`
	PnLStdSE   float64    `json:"pnl_std_se"`
	PnLMean    float64    `json:"pnl_mean"`
	CostMean   float64    `json:"cost_mean"`
	TradesMean float64    `json:"trades_mean"`
	Quantiles  []Quantile `json:"quantiles"`
	Histogram  Histogram  `json:"histogram"`
	Efficient  bool       `json:"efficient"`
	Done       int        `json:"-"`
	Total      int        `json:"-"`
}

// Quantile is the P&L (dollars) below which a fraction P of paths ended.
type Quantile struct {
	P   float64 `json:"p"`
	PnL float64 `json:"pnl"`
}

// QuantileLevels are the quantiles every point reports.
var QuantileLevels = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

// Histogram counts paths by P&L in equal bins from Lo to Hi dollars (the 0.5% and 99.5%
// quantiles, so one crash path does not squeeze the rest into a bin); Below and Above
// count the paths outside.
type Histogram struct {
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	Counts []int   `json:"counts"`
	Below  int     `json:"below"`
	Above  int     `json:"above"`
}

// summarise is a point's statistics from the per-path results.
func summarise(pnl, cost []float64, trades []int32, bins int) Point {
	if bins == 0 {
		bins = 40
	}
	n := float64(len(pnl))
	var sum, c, tr float64
	for i, x := range pnl {
		sum += x
		c += cost[i]
		tr += float64(trades[i])
	}
	mean := sum / n
	var s2, s4 float64
	for _, x := range pnl {
		d := (x - mean) * (x - mean)
		s2 += d
		s4 += d * d
	}
	sd := math.Sqrt(s2 / (n - 1))
	se := 0.0
	if m2 := s2 / n; m2 > 0 {
		se = sd * math.Sqrt(math.Max((s4/n)/(m2*m2)-1, 0)/(4*n))
	}
	sorted := slices.Clone(pnl)
	slices.Sort(sorted)
	pt := Point{PnLStd: sd, PnLStdSE: se, PnLMean: mean, CostMean: c / n, TradesMean: tr / n}
	for _, p := range QuantileLevels {
		pt.Quantiles = append(pt.Quantiles, Quantile{P: p, PnL: quantile(sorted, p)})
	}
	h := Histogram{Lo: quantile(sorted, 0.005), Hi: quantile(sorted, 0.995), Counts: make([]int, bins)}
	width := (h.Hi - h.Lo) / float64(bins)
	for _, x := range sorted {
		switch {
		case x < h.Lo:
			h.Below++
		case x > h.Hi:
			h.Above++
		case width == 0:
			h.Counts[0]++
		default:
			h.Counts[min(int((x-h.Lo)/width), bins-1)]++
		}
	}
	pt.Histogram = h
	return pt
}

// quantile is the p-quantile of sorted values, linearly interpolated (type 7).
func quantile(sorted []float64, p float64) float64 {
	x := p * float64(len(sorted)-1)
	i := int(x)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := x - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// Frontier returns the indices of the efficient points, cheapest first: those no other
// point beats on both mean cost and tracking error. Going along it, each step buys less
// risk for more cost.
func Frontier(points []Point) []int {
	idx := make([]int, len(points))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		pa, pb := points[a], points[b]
		if pa.CostMean != pb.CostMean {
			return cmpFloat(pa.CostMean, pb.CostMean)
		}
		return cmpFloat(pa.PnLStd, pb.PnLStd)
	})
	var out []int
	best := math.Inf(1)
	for _, i := range idx {
		if points[i].PnLStd < best {
			out = append(out, i)
			best = points[i].PnLStd
		}
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Report is an experiment's result: the subject, how it was run and every point, grouped
// by policy, with the frontier across all of them. Money is dollars for the whole
// position; Value is its Black–Scholes value at the start (negative when short), Delta
// and Gamma in underlying units (per 1.00 move for Gamma), Vega in dollars per volatility
// point (0.01). Lambda is the hedge's proportional cost at the start (commission plus
// half-spread of the smallest lot over its value). StepDays is one step of the grid in
// calendar days.
type Report struct {
	Subject  Subject         `json:"subject"`
	Model    ModelKind       `json:"model"`
	Drift    float64         `json:"drift"`
	Hedge    string          `json:"hedge"`
	Lambda   float64         `json:"lambda"`
	Steps    int             `json:"steps"`
	StepDays float64         `json:"step_days"`
	Paths    int             `json:"paths"`
	Seed     uint64          `json:"seed"`
	Value    float64         `json:"value"`
	Delta    float64         `json:"delta"`
	Gamma    float64         `json:"gamma"`
	Vega     float64         `json:"vega"`
	Policies []PolicyResult  `json:"policies"`
	Frontier []FrontierPoint `json:"frontier"`
}

// Subject is the position in the report.
type Subject struct {
	Name       string      `json:"name"`
	Underlying string      `json:"underlying"`
	Spot       float64     `json:"spot"`
	Multiplier float64     `json:"multiplier"`
	Years      float64     `json:"years"`
	Vol        float64     `json:"vol"`
	Rate       float64     `json:"rate"`
	Legs       []LegResult `json:"legs"`
}

// LegResult is one leg in the report: right "call" or "put", its time to expiry and
// implied volatility.
type LegResult struct {
	Right    string  `json:"right"`
	Strike   float64 `json:"strike"`
	Quantity float64 `json:"quantity"`
	Years    float64 `json:"years"`
	Vol      float64 `json:"vol"`
}

// PolicyResult is one policy's points in the order of its parameter values.
type PolicyResult struct {
	Policy    Family  `json:"policy"`
	ParamUnit string  `json:"param_unit"`
	Points    []Point `json:"points"`
}

// FrontierPoint names a point of the frontier across all policies.
type FrontierPoint struct {
	Policy   Family  `json:"policy"`
	Param    float64 `json:"param"`
	Label    string  `json:"label"`
	PnLStd   float64 `json:"pnl_std"`
	CostMean float64 `json:"cost_mean"`
}

func (rn *runner) report() Report {
	e, p := rn.e, rn.e.Position
	sub := Subject{Name: p.Name, Underlying: p.Underlying.String(), Spot: p.Spot, Multiplier: p.Multiplier,
		Years: p.Years, Vol: p.Vol, Rate: p.Rate}
	for _, l := range p.Legs {
		sub.Legs = append(sub.Legs, LegResult{Right: l.Right.String(), Strike: l.Strike, Quantity: l.Quantity,
			Years: p.legYears(&l), Vol: p.legVol(&l)})
	}
	name := e.Hedge.Name
	if rn.lots.divisible {
		name = "divisible"
	}
	return Report{Subject: sub, Model: e.Model.Kind, Drift: e.Model.Drift, Hedge: name, Lambda: e.lambda0(),
		Steps: e.Steps, StepDays: p.Years * 365 / float64(e.Steps), Paths: e.Paths, Seed: e.Seed, Value: rn.value, Delta: rn.delta, Gamma: rn.gamma, Vega: rn.vega / 100}
}

func (r *Report) add(pt Point) {
	if n := len(r.Policies); n == 0 || r.Policies[n-1].Policy != pt.Policy {
		r.Policies = append(r.Policies, PolicyResult{Policy: pt.Policy, ParamUnit: pt.Policy.ParamUnit()})
	}
	last := &r.Policies[len(r.Policies)-1]
	last.Points = append(last.Points, pt)
}

// finish marks each policy's efficient points and builds the frontier across policies.
func (r *Report) finish() {
	var all []Point
	for k := range r.Policies {
		pts := r.Policies[k].Points
		for _, i := range Frontier(pts) {
			pts[i].Efficient = true
		}
		all = append(all, pts...)
	}
	r.Frontier = nil
	for _, i := range Frontier(all) {
		p := all[i]
		r.Frontier = append(r.Frontier, FrontierPoint{Policy: p.Policy, Param: p.Param, Label: p.Label, PnLStd: p.PnLStd, CostMean: p.CostMean})
	}
}

// Text is the report as a table for a terminal: one line per point, the efficient ones
// starred, then the frontier across policies.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s on %s %g; %.0f days, paths at vol %.1f%%, rate %.2f%%\n", r.Subject.Name, legsWords(r.Subject.Legs),
		r.Subject.Underlying, r.Subject.Spot, r.Subject.Years*365, 100*r.Subject.Vol, 100*r.Subject.Rate)
	fmt.Fprintf(&b, "value %s, delta %s units, gamma %s units per 1.00, vega %s per vol point\n",
		money(r.Value), fmt.Sprintf("%+.2f", r.Delta), fmt.Sprintf("%+.4g", r.Gamma), money(r.Vega))
	fmt.Fprintf(&b, "%d %s paths, %d steps of %.3g days, seed %d; hedged with %s (cost %.4f%% of value traded)\n",
		r.Paths, r.Model, r.Steps, r.StepDays, r.Seed, r.Hedge, 100*r.Lambda)
	fmt.Fprintf(&b, "\n%-22s %-18s %13s %12s %10s %10s %8s %12s %12s\n", "policy", "parameter", "band at start",
		"P&L std $", "±", "mean P&L $", "trades", "mean cost $", "5% P&L $")
	for _, pr := range r.Policies {
		for _, p := range pr.Points {
			star := " "
			if p.Efficient {
				star = "*"
			}
			band := "—"
			if p.Policy != TimeBased {
				band = fmt.Sprintf("±%.3g", p.StartBand)
			}
			fmt.Fprintf(&b, "%-22s %-18s %13s %12s %10s %10s %8.1f %12s %12s %s\n", p.Policy, p.Label, band,
				money(p.PnLStd), money(p.PnLStdSE), money(p.PnLMean), p.TradesMean, money(p.CostMean), money(p.Quantiles[1].PnL), star)
		}
	}
	b.WriteString("\n* efficient within its policy (no other setting is both cheaper and less risky)\n")
	b.WriteString("frontier across policies, cheapest first:\n")
	for _, f := range r.Frontier {
		fmt.Fprintf(&b, "  %-22s %-18s P&L std %s, mean cost %s\n", f.Policy, f.Label, money(f.PnLStd), money(f.CostMean))
	}
	return b.String()
}

func legsWords(legs []LegResult) string {
	var parts []string
	for _, l := range legs {
		parts = append(parts, fmt.Sprintf("%+g %g %s (%.0f days, vol %.1f%%)", l.Quantity, l.Strike, l.Right, l.Years*365, 100*l.Vol))
	}
	return strings.Join(parts, ", ")
}

// money is dollars with a true minus sign and two decimals (four below a dollar).
func money(x float64) string {
	if math.Abs(x) < 1 {
		return format.Num(x, 4)
	}
	return format.Num(x, 2)
}
