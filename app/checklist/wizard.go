package checklist

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/format"
)

// The wizard's steps, in order.
const (
	stepDeltas = iota
	stepAdjust
	stepRoll
	stepDeep
	stepVega
	stepLimits
	stepSummary
	nSteps
)

var stepNames = [nSteps]string{
	"Deltas against their bands",
	"Adjustments",
	"Positions to roll or close",
	"Deep in the money: let assign, roll or close",
	"Vega and upcoming events",
	"Limits",
	"Summary",
}

// Decisions offered at the steps that have a choice; the first is the checklist's own.
const (
	decisionHedge   = "hedge as proposed"
	decisionLater   = "not now: hedge later today"
	decisionAccept  = "do not hedge: I accept the delta outside the band"
	decisionPlan    = "plan the rolls now (roll planner)"
	decisionRollWk  = "roll later this week"
	decisionHold    = "hold: I accept the risk"
	decisionFollow  = "follow the decisions above"
	decisionDeepNot = "not now: decide before expiry"
	decisionVegaOK  = "vega accepted for the events ahead"
	decisionVegaCut = "reduce vega before the event"
	decisionReduce  = "reduce to the limit now"
	decisionLimNot  = "not now: I accept the breach until tomorrow"
)

// show shows step i of the current run.
func (v *ChecklistView) show(i int) {
	if v.result == nil || i < 0 || i >= nSteps {
		return
	}
	v.step = i
	v.stepTitle.SetText(fmt.Sprintf("Step %d of %d — %s", i+1, nSteps, stepNames[i]))
	v.body.RemoveAll()
	for _, o := range v.stepBody(i) {
		v.body.Add(o)
	}
	if i != stepSummary {
		v.body.Add(widget.NewSeparator())
		v.body.Add(v.decisionRow(i))
	}
	v.scroll.ScrollToTop()
	v.backBtn.Disable()
	if i > 0 {
		v.backBtn.Enable()
	}
	v.nextBtn.Disable()
	if i < stepSummary {
		v.nextBtn.Enable()
	}
	// Log run takes Next's place on the summary, always in view.
	if i == stepSummary {
		v.nextBtn.Hide()
		v.logBtn.Show()
	} else {
		v.logBtn.Hide()
		v.nextBtn.Show()
	}
	v.body.Refresh()
}

// Step is the wizard's current step (0-based) and its name.
func (v *ChecklistView) Step() (int, string) { return v.step, stepNames[v.step] }

func (v *ChecklistView) stepBody(i int) []fyne.CanvasObject {
	res := *v.result
	switch i {
	case stepDeltas:
		return v.deltasStep(res)
	case stepAdjust:
		return v.adjustStep(res)
	case stepRoll:
		return v.rollStep(res)
	case stepDeep:
		return deepStep(res)
	case stepVega:
		return v.vegaStep(res)
	case stepLimits:
		return findings(res.Run.Limits, "Every limit is respected.")
	}
	return v.summaryStep(res)
}

// choicesFor is the decisions step i offers on this run, the checklist's own first; a
// single one is recorded without asking.
func (v *ChecklistView) choicesFor(i int) []string {
	res := v.result
	switch i {
	case stepDeltas:
		w := fmt.Sprintf("bands ±%s%% per layer, ±%s%% for the book, hedged with %s", ui.Num(v.bands.LayerBand, -1),
			ui.Num(v.bands.BookBand, -1), v.bands.BookHedge)
		if v.edited() {
			w += " (edited for this run)"
		}
		return []string{w + labWords(*res)}
	case stepAdjust:
		if len(res.Orders) == 0 {
			return []string{"no action: every delta is inside its band"}
		}
		return []string{decisionHedge, decisionLater, decisionAccept}
	case stepRoll:
		if len(desk.RollOrCloseFindings(res.Run.Positions)) == 0 {
			return []string{"nothing to roll or close"}
		}
		return []string{decisionPlan, decisionRollWk, decisionHold}
	case stepDeep:
		if len(deepDecisions(res.DeepITM)) == 0 {
			return []string{"no short option tested or deep in the money"}
		}
		return []string{decisionFollow, decisionDeepNot, decisionHold}
	case stepVega:
		if !hasSeverity(res.Run.Vega, hedge.Warn) {
			return []string{"no event ahead in the window: vega noted"}
		}
		return []string{decisionVegaOK, decisionVegaCut}
	case stepLimits:
		if !hasSeverity(res.Run.Limits, hedge.Act) {
			if hasSeverity(res.Run.Limits, hedge.Warn) {
				return []string{"no limit breached; the warnings are in the summary with what to do"}
			}
			return []string{"every limit respected"}
		}
		return []string{decisionReduce, decisionLimNot}
	}
	return nil
}

// decisionRow records step i's decision: the only one, or the trader's choice among them
// (the checklist's own selected to begin with).
func (v *ChecklistView) decisionRow(i int) fyne.CanvasObject {
	cs := v.choicesFor(i)
	if _, ok := v.decisions[i]; !ok {
		v.decisions[i] = cs[0]
	}
	if len(cs) == 1 {
		v.decisions[i] = cs[0]
		return ui.Wrapped("Decision: "+cs[0], widget.LowImportance)
	}
	r := widget.NewRadioGroup(cs, func(s string) {
		if s != "" {
			v.decisions[i] = s
		}
	})
	r.Required = true
	r.SetSelected(v.decisions[i])
	v.choices[i] = r
	return container.NewVBox(ui.Bold("Your decision"), r)
}

// decide records the decision of step i (and selects it when the step is on screen).
func (v *ChecklistView) decide(i int, d string) {
	v.decisions[i] = d
	if r, ok := v.choices[i]; ok && v.step == i {
		r.SetSelected(d)
	}
}

// decisionList is every step's decision in order (steps not visited: the checklist's own).
func (v *ChecklistView) decisionList() []desk.ChecklistDecision {
	out := make([]desk.ChecklistDecision, 0, stepSummary)
	for i := 0; i < stepSummary; i++ {
		d, ok := v.decisions[i]
		if !ok {
			d = v.choicesFor(i)[0]
		}
		out = append(out, desk.ChecklistDecision{Step: stepNames[i], Decision: d})
	}
	return out
}

// deltasStep: the guide's steps 1–4 in one table — each layer's and the book's options
// delta, the hedge required and held, the difference, the net delta and the band — then the
// decision of each row with its reason, once, and the bands, which apply to the run at once.
func (v *ChecklistView) deltasStep(res desk.ChecklistResult) []fyne.CanvasObject {
	out := []fyne.CanvasObject{ui.Wrapped(fmt.Sprintf("Each layer's and the book's delta, the hedge required (what would put it on target), "+
		"the hedge held, the difference and the net delta, in %s.", res.Units), widget.MediumImportance)}
	grid := container.NewGridWithColumns(7)
	for i, h := range []string{"Layer", "Options Δ", "Hedge required", "Hedge held", "Difference", "Net Δ", "Band"} {
		l := ui.Bold(h)
		if i > 0 && i < 6 {
			l.Alignment = fyne.TextAlignTrailing
		}
		grid.Add(l)
	}
	for _, h := range res.Run.Hedges {
		band := "—"
		if h.Decision.Band != (hedge.Band{}) {
			band = ui.Num(h.Decision.Band.Lo, 1) + " … " + ui.Num(h.Decision.Band.Hi, 1)
		}
		grid.Add(widget.NewLabel(h.Layer))
		for _, x := range []float64{h.OptionsDelta, h.HedgeRequired, h.HedgeHeld, h.Difference, h.NetDelta} {
			grid.Add(widget.NewLabelWithStyle(ui.SignedNum(x, 1), fyne.TextAlignTrailing, fyne.TextStyle{}))
		}
		grid.Add(widget.NewLabel(band))
	}
	out = append(out, grid, ui.Bold("Decision by layer"))
	for _, h := range res.Run.Hedges {
		line := h.Layer + ": " + h.Action
		if h.Decision.Reason != "" {
			line += " — " + h.Decision.Reason
		}
		imp := widget.MediumImportance
		if h.Decision.Hedge {
			imp = widget.WarningImportance
		}
		out = append(out, ui.Wrapped(line, imp))
	}
	apply := widget.NewButton("Apply to this run", v.applyBands)
	save := widget.NewButton("Save settings", v.saveSettings)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Layer band ± % of net liq"), v.layerBand,
		widget.NewLabel("Book band ± % of net liq"), v.bookBand,
		widget.NewLabel("Book hedge"), v.bookHedge,
		widget.NewLabel("Checklist time (New York)"), v.timeEntry)
	out = append(out, widget.NewSeparator(), ui.Bold("Bands"),
		ui.Wrapped("An edited band applies to this run at once (Enter or \"Apply to this run\"); \"Save settings\" keeps it, and the time, for every later run.", widget.LowImportance),
		container.NewHBox(container.NewGridWrap(fyne.NewSize(420, form.MinSize().Height), form)),
		container.NewHBox(apply, save))
	return out
}

// adjustStep: the orders that bring every delta back inside its band, each prefilled into
// the ticket at a tap, with its liquidity verdict.
func (v *ChecklistView) adjustStep(res desk.ChecklistResult) []fyne.CanvasObject {
	if len(res.Orders) == 0 {
		return []fyne.CanvasObject{ui.Wrapped("No action: every delta is inside its band.", widget.SuccessImportance)}
	}
	out := []fyne.CanvasObject{ui.Wrapped(format.Count(len(res.Orders), "order", "")+" to bring the deltas back inside their bands. "+
		"\"Prefill order\" opens the ticket with it; you confirm and send there.", widget.MediumImportance)}
	for _, o := range res.Orders {
		o := o
		btn := widget.NewButton("Prefill order", nil)
		btn.OnTapped = func() { v.prefill(o, btn) }
		for _, a := range v.actions {
			if a == o.Scope+": "+o.Words {
				btn.SetText("Prefilled in the ticket")
				btn.Disable()
			}
		}
		out = append(out, container.NewBorder(nil, nil, nil, btn, ui.Wrapped(fmt.Sprintf("%s: %s (market, day)", o.Scope, o.Words), widget.WarningImportance)),
			orderLiquidity(o))
	}
	return out
}

// rollStep: positions to roll or close by days to expiry, at-the-money and gamma, with the
// roll planner a tap away for each short option named.
func (v *ChecklistView) rollStep(res desk.ChecklistResult) []fyne.CanvasObject {
	fs := desk.RollOrCloseFindings(res.Run.Positions) // the tested and deep-ITM ones are the next step's
	out := findings(fs, "Nothing to roll or close.")
	if r := v.planRolls(fs); r != nil {
		out = append(out, r)
	}
	return out
}

// deepDecisions are the assessments with something to decide: tested, deep in the money,
// or not assessed.
func deepDecisions(as []lifecycle.Assessment) []lifecycle.Assessment {
	var out []lifecycle.Assessment
	for _, a := range as {
		if a.Problem != "" || a.Action != lifecycle.Hold {
			out = append(out, a)
		}
	}
	return out
}

// deepStep: every short option tested or deep in the money, with the lifecycle's decision
// (plan a roll; let assign, roll or close) and its numbers — delta, extrinsic value left,
// the liquidity verdict, what the best roll collects. No P&L.
func deepStep(res desk.ChecklistResult) []fyne.CanvasObject {
	ds := deepDecisions(res.DeepITM)
	holding := len(res.DeepITM) - len(ds)
	out := []fyne.CanvasObject{ui.Wrapped("A short option with |delta| ≥ 0.80 whose liquidity fails, or whose extrinsic value left is below what a roll "+
		"collects, is deep in the money: let it be assigned into the future or shares, roll it, or close it. From |delta| 0.30 it is tested: plan a roll.",
		widget.LowImportance)}
	if len(ds) == 0 {
		out = append(out, ui.Wrapped(fmt.Sprintf("No short option is tested or deep in the money (%s collecting theta).",
			format.Count(holding, "short option", "")), widget.SuccessImportance))
		return out
	}
	for _, a := range ds {
		imp := widget.WarningImportance
		if a.Action == lifecycle.Roll || a.Action == lifecycle.Close {
			imp = widget.DangerImportance
		}
		out = append(out, ui.Wrapped(desk.DeepITMWords(a), imp))
	}
	out = append(out, ui.Wrapped(format.Count(holding, "other short option", "other short options")+" collecting theta.", widget.LowImportance))
	return out
}

// vegaStep: each layer's vega, the events ahead, and the form to add one.
func (v *ChecklistView) vegaStep(res desk.ChecklistResult) []fyne.CanvasObject {
	out := findings(res.Run.Vega, "")
	out = append(out, ui.Bold("Events you entered"))
	if len(v.events) == 0 {
		out = append(out, ui.Wrapped("None in the next 90 days.", widget.LowImportance))
	}
	for _, e := range v.events {
		e := e
		who := e.Symbol
		if who == "" {
			who = "all layers"
		}
		rm := widget.NewButton("Remove", func() { v.removeEvent(e.ID) })
		out = append(out, container.NewBorder(nil, nil, nil, rm, widget.NewLabel(fmt.Sprintf("%s  %s (%s, %s)",
			e.At.In(instrument.NewYork).Format("Mon 2 Jan 2006"), e.Name, e.Kind, who))))
	}
	addBtn := widget.NewButton("Add event", v.addEvent)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Date"), v.evDate, widget.NewLabel("Name"), v.evName,
		widget.NewLabel("Kind"), v.evKind, widget.NewLabel("Symbol"), v.evSym)
	out = append(out, ui.Bold("Add an event"), container.NewHBox(container.NewGridWrap(fyne.NewSize(420, form.MinSize().Height), form)),
		container.NewHBox(addBtn))
	return out
}

// summaryStep: the verdict from every finding — action, attention (each warning with what
// to do and where) or nothing to do — every step's decision, and "Log run".
func (v *ChecklistView) summaryStep(res desk.ChecklistResult) []fyne.CanvasObject {
	imp := widget.SuccessImportance
	switch res.Run.Outcome {
	case hedge.OutcomeAction:
		imp = widget.DangerImportance
	case hedge.OutcomeAttention:
		imp = widget.WarningImportance
	}
	verdict := widget.NewLabelWithStyle(strings.ToUpper(string(res.Run.Outcome)[:1])+string(res.Run.Outcome)[1:]+" — "+res.Run.Summary+".",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	verdict.Wrapping, verdict.Importance = fyne.TextWrapWord, imp
	out := []fyne.CanvasObject{verdict}
	if len(res.Run.Attention) > 0 {
		out = append(out, ui.Bold("Needs attention — what to do"))
		for _, a := range res.Run.Attention {
			a := a
			row := []fyne.CanvasObject{ui.Wrapped(a.Text, widget.WarningImportance), ui.Wrapped("→ "+a.Advice, widget.MediumImportance)}
			if b := v.toolButton(a); b != nil {
				row = append(row, container.NewHBox(b))
			}
			out = append(out, container.NewVBox(row...))
		}
	}
	out = append(out, widget.NewSeparator(), ui.Bold("Your decisions"))
	for i, d := range v.decisionList() {
		out = append(out, ui.Wrapped(fmt.Sprintf("%d. %s — %s", i+1, d.Step, d.Decision), widget.MediumImportance))
	}
	out = append(out, widget.NewSeparator(), ui.Wrapped("Log the run (below) — then done: don't think about it until tomorrow.", widget.MediumImportance))
	return out
}

// toolButton opens where a warning is dealt with.
func (v *ChecklistView) toolButton(a hedge.Attention) *widget.Button {
	switch a.Tool {
	case "roll":
		if v.env.Open == nil {
			return nil
		}
		var arg any
		if v.isShortOption(a.Scope) {
			arg = desk.RollTarget{Position: a.Scope}
		}
		return widget.NewButton("Roll planner…", func() { v.env.Open("roll", arg) })
	case "layers":
		if v.env.Open == nil {
			return nil
		}
		return widget.NewButton("Layers and tactical hedge…", func() { v.env.Open("layers", nil) })
	case "settings":
		return widget.NewButton("Bands (step 1)", func() { v.show(stepDeltas) })
	case "events":
		return widget.NewButton("Events (step 5)", func() { v.show(stepVega) })
	}
	return nil
}

func (v *ChecklistView) isShortOption(sym string) bool {
	if v.env.Desk == nil {
		return false
	}
	for _, p := range v.env.Desk.Latest().Positions {
		if p.Symbol == sym && p.Instrument.IsOption() && p.Quantity < 0 {
			return true
		}
	}
	return false
}

func hasSeverity(fs []hedge.Finding, s hedge.Severity) bool {
	for _, f := range fs {
		if f.Severity >= s {
			return true
		}
	}
	return false
}

func findings(fs []hedge.Finding, none string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if len(fs) == 0 && none != "" {
		out = append(out, ui.Wrapped(none, widget.SuccessImportance))
	}
	for _, f := range fs {
		out = append(out, ui.Wrapped(fmt.Sprintf("[%s] %s", f.Severity, f.Text), findingImportance(f.Severity)))
	}
	return out
}
