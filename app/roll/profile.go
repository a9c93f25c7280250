package roll

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
	"github.com/keel-desk/keel/widgets"
)

// drawProfile draws the risk profile of the plan's layer before and after candidate c off
// the UI goroutine; a later selection supersedes it (UI goroutine).
func (v *View) drawProfile(p roll.Plan, c roll.Candidate) {
	if v.desk == nil {
		return
	}
	v.profileSeq++
	seq, d := v.profileSeq, v.desk
	v.profile.SetNote(fmt.Sprintf("Risk profile: valuing layer %s before and after roll #%d…", layerWords(p.Position.Layer), c.Rank))
	ui.SetLabel(v.profileNote, "", widget.LowImportance)
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), planLimit)
		defer cancel()
		rp, err := d.RollProfile(ctx, p, c)
		var spec widgets.ProfileChartSpec
		if err == nil {
			spec, err = rollChartSpec(rp, c)
		}
		return func() {
			if seq != v.profileSeq {
				return // the trader chose another roll meanwhile
			}
			if err != nil {
				v.profile.SetNote("Risk profile: " + err.Error())
				return
			}
			v.profile.SetSpec(spec)
			v.shown = rp
			ui.SetLabel(v.profileNote, profileWords(rp, c), widget.LowImportance)
		}
	})
}

func layerWords(l string) string {
	if l == "" {
		return "Unassigned"
	}
	return l
}

// rollChartSpec is what the chart draws: the layer's P&L today (dashed) and after the roll
// (solid), each at T+0 and at the first expiry, over the price of what moves.
func rollChartSpec(rp desk.RollProfile, c roll.Candidate) (widgets.ProfileChartSpec, error) {
	if len(rp.Before.Curves) == 0 || len(rp.Before.Curves) != len(rp.After.Curves) {
		return widgets.ProfileChartSpec{}, fmt.Errorf("no curves to draw")
	}
	dp := 2
	if rp.Price >= 1000 {
		dp = 1
	}
	spec := widgets.ProfileChartSpec{
		Title: fmt.Sprintf("Layer %s: today (dashed) vs after roll #%d (solid)", rp.Layer, c.Rank),
		PnL:   "P&L ($, from today's value)",
	}
	if rp.Benchmark {
		spec.Title += fmt.Sprintf(", β-weighted to %s", rp.Against)
	}
	spec.XLabel = fmt.Sprintf("%s price (%s)", rp.Against, rp.Unit)
	spec.XValue = func(x float64) string { return ui.Num(x, dp) }
	spec.Current = rp.Price
	spec.CurrentLabel = fmt.Sprintf("%s %s now", rp.Against, ui.Num(rp.Price, dp))
	for _, pt := range rp.Before.Curves[0] {
		spec.X = append(spec.X, pt.Price)
	}
	for _, side := range []struct {
		name   string
		dashed bool
		src    portfolio.RiskProfile
	}{{"Today", true, rp.Before}, {"After", false, rp.After}} {
		for h, curve := range side.src.Curves {
			name := side.name + " T+0"
			if h > 0 {
				name = side.name + " at expiry " + rp.Expiry.In(instrument.NewYork).Format("Jan 2")
			}
			pc := widgets.ProfileCurve{Name: name, Line: h + 1, Dashed: side.dashed}
			for _, pt := range curve {
				pc.Values = append(pc.Values, pt.PnL)
			}
			spec.Curves = append(spec.Curves, pc)
		}
	}
	return spec, nil
}

// profileWords says what the curves are, under the chart.
func profileWords(rp desk.RollProfile, c roll.Candidate) string {
	txt := fmt.Sprintf("Dashed today, solid after roll #%d done at mid (net %s $ at mid, %s $ at natural), %s ±10%%. ",
		c.Rank, ui.SignedNum(c.NetMid, 2), ui.SignedNum(c.NetNatural, 2), rp.Against)
	if rp.Expiry.IsZero() {
		return txt + "No expiry curve: the layer holds no open option."
	}
	return txt + fmt.Sprintf("Expiry curves on %s, the layer's first expiry today.", rp.Expiry.In(instrument.NewYork).Format("Mon Jan 2"))
}
