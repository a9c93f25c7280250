package lab

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/keel-desk/keel/engine/lab"
)

// parseList reads "0.5, 1, 2" into numbers above 0, naming the first that is not.
func parseList(what, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %q is not a number above 0", what, f)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: give at least one value", what)
	}
	return out, nil
}

// sweeps are the chosen families over the trader's ranges: time-based every `every`
// steps, and every band family at band half-widths `widths` × m₀, one step's typical move
// of the position's delta at the start (lab.DefaultSweeps' unit: ½, 1, 2, 4, 8 there).
// The band families' parameters are rescaled from DefaultSweeps' at 1 × m₀: a fixed band's
// width grows with k, Whalley–Wilmott's risk aversion as 1/k³ and cost–benefit's as 1/k
// (both bands are proportional to γ^(−1/3) and 1/γ), and the gamma-scaled budget B as
// √(g₀² + k²a²), with g₀ and a solved from DefaultSweeps' values at ½ and 1.
func sweeps(p lab.Position, steps int, lambda float64, families []lab.Family, every, widths []float64) ([]lab.Sweep, error) {
	def, err := lab.DefaultSweeps(p, steps, lambda)
	if err != nil {
		return nil, err
	}
	base := map[lab.Family][]float64{}
	for _, s := range def {
		base[s.Policy] = s.Values
	}
	var out []lab.Sweep
	for _, f := range families {
		var vals []float64
		switch f {
		case lab.TimeBased:
			for _, k := range every {
				if k != math.Trunc(k) || k > float64(steps) {
					return nil, fmt.Errorf("time-based: every %g steps must be a whole number of at most %d steps", k, steps)
				}
				vals = append(vals, k)
			}
		default:
			b, ok := base[f]
			if !ok || len(b) < 2 {
				continue // no gamma, or no cost for the cost-aware bands: DefaultSweeps leaves them out
			}
			half, one := b[0], b[1] // DefaultSweeps' values at ½ and 1 × m₀
			for _, k := range widths {
				switch f {
				case lab.FixedBand:
					vals = append(vals, one*k)
				case lab.WhalleyWilmott:
					vals = append(vals, one/(k*k*k))
				case lab.CostBenefit:
					vals = append(vals, one/k)
				case lab.GammaScaled:
					a2 := (one*one - half*half) / 0.75
					g2 := math.Max(one*one-a2, 0)
					vals = append(vals, math.Sqrt(g2+k*k*a2))
				}
			}
		}
		out = append(out, lab.Sweep{Policy: f, Values: vals})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no policy to run: tick at least one (the cost-aware bands need costs, the bands need options)")
	}
	return out, nil
}
