package checklist

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/liquidity"
)

// orderLiquidity is a recommended hedge's liquidity verdict per option leg, in words.
func orderLiquidity(o desk.ChecklistOrder) fyne.CanvasObject {
	if len(o.Liquidity) == 0 {
		return ui.Wrapped("Liquidity: no option leg (the options checklist does not apply to futures and shares).", widget.LowImportance)
	}
	worst := liquidity.Pass
	lines := make([]string, len(o.Liquidity))
	for i, l := range o.Liquidity {
		lines[i] = l.Text()
		if l.Err != nil {
			worst = worst.Worse(liquidity.Warn)
		} else {
			worst = worst.Worse(l.Result.Verdict)
		}
	}
	imp := widget.SuccessImportance
	switch worst {
	case liquidity.Warn:
		imp = widget.WarningImportance
	case liquidity.Fail:
		imp = widget.DangerImportance
	}
	return ui.Wrapped("Liquidity: "+strings.Join(lines, "; "), imp)
}

// planRolls offers the roll planner for every short option the findings name (nil when
// none).
func (v *ChecklistView) planRolls(fs []hedge.Finding) fyne.CanvasObject {
	if v.env.Open == nil || v.env.Desk == nil {
		return nil
	}
	short := map[string]bool{}
	for _, p := range v.env.Desk.Latest().Positions {
		if p.Instrument.IsOption() && p.Quantity < 0 {
			short[p.Symbol] = true
		}
	}
	var syms []string
	for _, f := range fs {
		if short[f.Symbol] && !slices.Contains(syms, f.Symbol) {
			syms = append(syms, f.Symbol)
		}
	}
	if len(syms) == 0 {
		return nil
	}
	box := container.NewVBox(widget.NewLabel("Roll instead of holding into expiry:"))
	for _, sym := range syms {
		box.Add(container.NewHBox(widget.NewButton("Plan roll of "+sym+"…", func() {
			v.decide(stepRoll, decisionPlan)
			v.env.Open("roll", desk.RollTarget{Position: sym})
		})))
	}
	return box
}
