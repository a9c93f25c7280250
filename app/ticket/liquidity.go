package ticket

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/liquidity"
)

// liquidityWords is the liquidity checklist of an order's option legs in words, one line a
// leg (its verdict, and for a leg that warns or fails each rule's measured number against
// its threshold), with the importance of the worst: a failing leg is a warning, or danger
// when the settings block it. "" when the order has no option leg.
func liquidityWords(legs []desk.LegLiquidity, block bool) (string, widget.Importance) {
	if len(legs) == 0 {
		return "", widget.MediumImportance
	}
	worst := liquidity.Pass
	lines := make([]string, 0, len(legs)+2)
	lines = append(lines, "Liquidity checklist, each option leg for its size:")
	for _, l := range legs {
		if l.Err != nil {
			worst = worst.Worse(liquidity.Warn)
			lines = append(lines, l.Text())
			continue
		}
		worst = worst.Worse(l.Result.Verdict)
		line := l.Text()
		if l.Result.Cost > 0 {
			line += " (expected cost of illiquidity " + ui.WholeUSD(l.Result.Cost) + ")"
		}
		lines = append(lines, line)
	}
	switch worst {
	case liquidity.Fail:
		if block {
			lines = append(lines, "A failing leg blocks this order (Settings → Liquidity).")
			return strings.Join(lines, "\n"), widget.DangerImportance
		}
		lines = append(lines, "The guide says: if it fails any test, don't trade. Sending is still allowed (Settings → Liquidity).")
		return strings.Join(lines, "\n"), widget.WarningImportance
	case liquidity.Warn:
		return strings.Join(lines, "\n"), widget.WarningImportance
	}
	return strings.Join(lines, "\n"), widget.SuccessImportance
}

// showRollInstead offers the roll planner when the spiral guard stops a leg: the strategy's
// answer to an imbalanced layer is a roll, not more contracts.
func (t *OrderTicket) showRollInstead(stops []desk.SpiralStop) {
	if t.rollInstead == nil {
		return
	}
	if len(stops) == 0 || t.env.Open == nil {
		t.rollLayer = ""
		t.rollInstead.Hide()
		return
	}
	t.rollLayer = stops[0].Layer
	t.rollInstead.SetText("Plan a roll of " + t.rollLayer + " instead…")
	t.rollInstead.Show()
}

// openRollPlanner opens the roll planner on the layer the spiral guard stopped.
func (t *OrderTicket) openRollPlanner() {
	if t.rollLayer != "" && t.env.Open != nil {
		t.env.Open("roll", desk.RollTarget{Layer: t.rollLayer})
	}
}
