package charts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// profileChoice is one selection the risk profile can draw.
type profileChoice struct{ key, label string }

// profileChoices are the book against its benchmark, each layer and each underlying.
func profileChoices(b portfolio.Book) []profileChoice {
	out := []profileChoice{{"book", fmt.Sprintf("Book vs %s (β-weighted)", b.Benchmark.Symbol)}}
	for _, l := range b.Layers {
		if len(l.Positions) > 0 {
			out = append(out, profileChoice{"layer:" + l.Layer.Name, "Layer: " + l.Layer.Name})
		}
	}
	for _, u := range b.Underlyings {
		out = append(out, profileChoice{"underlying:" + u.Name, "Underlying: " + u.Name})
	}
	return out
}

// drawProfile computes the risk profile of the chosen selection on snap's book and sets
// the chart, and returns what sets the selection and the breakevens line on the UI
// goroutine (under dataMu).
func (v *ChartsView) drawProfile(snap *desk.Snapshot, s chartsSettings) func() {
	if snap == nil || !snap.Synced || snap.Book.Now.IsZero() {
		v.profileChart.SetNote("Risk profile: waiting for the book…")
		return nil
	}
	choices := profileChoices(snap.Book)
	key := s.Profile.Selection
	if !slices.ContainsFunc(choices, func(c profileChoice) bool { return c.key == key }) {
		key = "book"
	}
	spec, err := profileChartSpec(snap.Book, key, s.Profile)
	text := ""
	var image func() // the new image, shown with the rest (nil: the chart's worker shows it)
	if err != nil {
		v.profileChart.SetNote("Risk profile: " + err.Error())
	} else {
		image = v.profileChart.Update(spec)
		text = breakevenText(spec)
	}
	return func() {
		if image != nil {
			image()
		}
		var labels, keys []string
		selected := ""
		for _, c := range choices {
			labels, keys = append(labels, c.label), append(keys, c.key)
			if c.key == key {
				selected = c.label
			}
		}
		v.building = true
		if !slices.Equal(v.selection.Options, labels) {
			v.selection.SetOptions(labels)
		}
		v.selectionKeys = keys
		if v.selection.Selected != selected {
			v.selection.SetSelected(selected)
		}
		v.building = false
		if v.breakevens.Text != text {
			v.breakevens.SetText(text)
		}
	}
}

// profileChartSpec draws the risk profile of one selection of b: the book against its
// benchmark with beta weighting; a layer against its underlying, or against the benchmark
// when it holds several; an underlying against itself.
func profileChartSpec(b portfolio.Book, key string, p profileSettings) (widgets.ProfileChartSpec, error) {
	var include func(portfolio.PositionRisk) bool
	what := "Book"
	benchmark := false
	switch {
	case key == "book":
		benchmark = true
	case strings.HasPrefix(key, "layer:"):
		name := strings.TrimPrefix(key, "layer:")
		include, what = portfolio.InLayer(name), name
	case strings.HasPrefix(key, "underlying:"):
		sym := strings.TrimPrefix(key, "underlying:")
		include, what = portfolio.OnUnderlying(sym), sym
	default:
		return widgets.ProfileChartSpec{}, fmt.Errorf("no selection %q", key)
	}
	count, options := 0, 0
	unders := map[string]bool{}
	for _, pr := range b.Positions {
		if pr.Err != nil || (include != nil && !include(pr)) {
			continue
		}
		count++
		unders[pr.Underlying] = true
		if pr.Instrument.IsOption() && pr.Years > 0 {
			options++
		}
	}
	if count == 0 {
		return widgets.ProfileChartSpec{}, fmt.Errorf("%s has no valued positions", what)
	}
	if len(unders) > 1 {
		benchmark = true
	}
	span := p.Span / 100
	if p.Points {
		span = p.Span
	}
	horizons := []portfolio.Horizon{{}}
	if p.Days > 0 {
		horizons = append(horizons, portfolio.Horizon{Days: p.Days})
	}
	if p.Expiry && options > 0 {
		horizons = append(horizons, portfolio.Horizon{AtExpiry: true})
	}
	rp, err := portfolio.Profile(b, include, portfolio.ProfileSpec{Moves: portfolio.Moves(span, 101), Points: p.Points,
		Horizons: horizons, VolShift: p.VolShift, Benchmark: benchmark, Workers: 2})
	if err != nil {
		return widgets.ProfileChartSpec{}, err
	}
	return riskProfileSpec(rp, what, benchmark, p.Overlay), nil
}

// riskProfileSpec turns a RiskProfile into what the chart draws: X is the price of what
// moves (or the move in percent when several underlyings move together), one P&L curve per
// date, today's price marked, and the overlay from the T+0 curve.
func riskProfileSpec(rp portfolio.RiskProfile, what string, benchmark bool, overlay string) widgets.ProfileChartSpec {
	byPrice := rp.Price > 0
	dp := 2
	if rp.Price >= 1000 {
		dp = 1
	}
	spec := widgets.ProfileChartSpec{PnL: "P&L ($, from today's value)"}
	title := what
	if benchmark {
		title += fmt.Sprintf(" vs %s (β-weighted)", rp.Against)
	}
	spec.Title = "Risk profile: " + title
	if byPrice {
		spec.XLabel = rp.Against + " price"
		spec.XValue = func(x float64) string { return ui.Num(x, dp) }
		spec.Current = rp.Price
		spec.CurrentLabel = fmt.Sprintf("%s %s", rp.Against, ui.Num(rp.Price, dp))
	} else {
		spec.XLabel = "Move of every underlying (%)"
		spec.XValue = func(x float64) string { return ui.SignedNum(x, 1) + "%" }
		spec.CurrentLabel = "Today"
	}
	for h, curve := range rp.Curves {
		name := rp.Horizons[h].String()
		if rp.Horizons[h].AtExpiry {
			name = "Expiry " + rp.Dates[h].In(instrument.NewYork).Format("Jan 2")
		}
		c := widgets.ProfileCurve{Name: name}
		for _, pt := range curve {
			if h == 0 {
				if byPrice {
					spec.X = append(spec.X, pt.Price)
				} else {
					spec.X = append(spec.X, pt.Move*100)
				}
			}
			c.Values = append(c.Values, pt.PnL)
		}
		spec.Curves = append(spec.Curves, c)
	}
	if len(rp.Curves) > 0 && overlay != "None" {
		o := widgets.ProfileCurve{Name: overlay + " at T+0 (right axis)"}
		for _, pt := range rp.Curves[0] {
			if overlay == "Gamma" {
				o.Values = append(o.Values, pt.Gamma)
			} else {
				o.Values = append(o.Values, pt.Delta)
			}
		}
		spec.Overlay = o
		if overlay == "Gamma" {
			spec.OverlayUnit = "Gamma ($ per 1% move)"
			if benchmark {
				spec.OverlayUnit = "Gamma ($ per 1% move, β-weighted)"
			}
		} else {
			spec.OverlayUnit = "Delta (" + rp.Against + " units)"
			if rp.Against == "" {
				spec.OverlayUnit = "Delta (underlying units)"
			}
		}
	}
	return spec
}

// breakevenText lists each curve's breakevens in words.
func breakevenText(spec widgets.ProfileChartSpec) string {
	labels := widgets.BreakevenLabels(spec)
	var parts []string
	for _, c := range spec.Curves {
		var xs []string
		for _, l := range labels {
			if l.Curve == c.Name {
				xs = append(xs, strings.TrimPrefix(l.Text, "BE "))
			}
		}
		if len(xs) == 0 {
			xs = []string{"none in range"}
		}
		parts = append(parts, c.Name+": "+strings.Join(xs, ", "))
	}
	return "Breakevens — " + strings.Join(parts, " · ")
}
