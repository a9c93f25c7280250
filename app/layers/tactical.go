package layers

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/tactical"
	"github.com/keel-desk/keel/widgets"
)

// tacticalBox is the selected layer's tactical counter-trades (issue 16 §2): the parameters
// the desk's rules trade with (the defaults for its bias and instrument from
// tactical.Defaults until the trader edits them), and the cycles so far with their hit rate
// and average improvement of the layer's price.
type tacticalBox struct {
	v                               *LayerEditor
	layer                           string
	params                          tactical.Params
	title, stats, note              *widget.Label
	step, exit, size, steps, capPct *ui.Entry
	unit                            *widget.Select
	flat                            *widget.Check
	save                            *widget.Button
	content                         fyne.CanvasObject
}

const (
	unitPercent = "% of the price"
	unitPoints  = "points"
)

func (v *LayerEditor) newTacticalBox() *tacticalBox {
	t := &tacticalBox{v: v}
	t.title = widget.NewLabelWithStyle("Tactical counter-trades", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.stats = ui.Wrapped("", widget.MediumImportance)
	t.note = ui.Wrapped("", widget.MediumImportance)
	t.step, t.exit, t.size, t.steps, t.capPct = ui.NewEntry(), ui.NewEntry(), ui.NewEntry(), ui.NewEntry(), ui.NewEntry()
	t.unit = widget.NewSelect([]string{unitPercent, unitPoints}, nil)
	t.flat = widget.NewCheck("Flat by the session close", nil)
	t.save = widget.NewButton("Save tactical", t.saveParams)
	cell := func(label string, o fyne.CanvasObject) fyne.CanvasObject {
		if e, ok := o.(*ui.Entry); ok {
			o = ui.Sized(e, 90)
		}
		return container.NewHBox(widget.NewLabel(label), o)
	}
	grid := container.New(widgets.NewColumns(3, -1),
		cell("Trigger step", t.step), cell("Exit on reversal", t.exit), cell("in", t.unit),
		cell("Size per step", t.size), cell("Max steps", t.steps), cell("Cap, % of the layer's Δ", t.capPct))
	t.content = container.NewVBox(t.title, grid,
		container.NewBorder(nil, nil, t.save, t.flat, t.note), t.stats)
	t.show("")
	return t
}

// show fills the box for a layer ("" or a layer without tactical parameters: disabled).
func (t *tacticalBox) show(layer string) {
	t.layer = layer
	var av desk.AutomationView
	if t.v.d != nil {
		av = t.v.d.Automation()
	}
	p, ok := av.Params[layer]
	entries := []fyne.Disableable{t.step, t.exit, t.size, t.steps, t.capPct, t.unit, t.flat, t.save}
	if !ok {
		for _, e := range entries {
			e.Disable()
		}
		ui.SetLabel(t.title, "Tactical counter-trades", widget.MediumImportance)
		t.note.SetText("")
		msg := "Choose a layer with a long or short bias on ES, MES, SPY or VXX to see its tactical counter-trades."
		if layer != "" {
			msg = "No tactical counter-trades for " + layer + ": it needs a long or short bias and a position on ES, MES, SPY or VXX."
		}
		ui.SetLabel(t.stats, msg, widget.LowImportance)
		return
	}
	for _, e := range entries {
		e.Enable()
	}
	t.params = p
	ui.SetLabel(t.title, fmt.Sprintf("Tactical counter-trades — %s in %s (%s)", layer, p.Symbol, armedWord(av, layer)), widget.MediumImportance)
	if p.StepPercent > 0 {
		t.unit.SetSelected(unitPercent)
		t.step.SetText(strconv.FormatFloat(p.StepPercent, 'f', -1, 64))
		t.exit.SetText(strconv.FormatFloat(p.ExitPercent, 'f', -1, 64))
	} else {
		t.unit.SetSelected(unitPoints)
		t.step.SetText(strconv.FormatFloat(p.StepPoints, 'f', -1, 64))
		t.exit.SetText(strconv.FormatFloat(p.ExitPoints, 'f', -1, 64))
	}
	t.size.SetText(strconv.FormatFloat(p.Size, 'f', -1, 64))
	t.steps.SetText(strconv.Itoa(p.MaxSteps))
	t.capPct.SetText(strconv.FormatFloat(p.MaxFraction*100, 'f', -1, 64))
	t.flat.SetChecked(p.FlatByClose)
	t.note.SetText("")
	ui.SetLabel(t.stats, tacticalStats(av, layer), widget.MediumImportance)
}

func armedWord(av desk.AutomationView, layer string) string {
	if len(av.Armed[layer]) > 0 {
		return "armed on the desk"
	}
	return "not armed: arm it on the desk"
}

// tacticalStats is a layer's cycles in words: position, cycles, hit rate, average
// improvement of the layer's average price, realized dollars, and the next action.
func tacticalStats(av desk.AutomationView, layer string) string {
	st := av.Tactical[layer]
	s := st.Stats
	parts := []string{fmt.Sprintf("Open: %s %s", ui.SignedNum(st.Position, 0), av.Params[layer].Symbol),
		fmt.Sprintf("cycles %d", s.Cycles)}
	if s.Cycles > 0 {
		parts = append(parts, fmt.Sprintf("hit rate %s%%", ui.Num(s.HitRate()*100, 0)),
			fmt.Sprintf("average improvement %s points", ui.SignedNum(s.Improvement/float64(s.Cycles), 2)),
			"realized "+ui.SignedUSD(s.Realized))
	}
	out := strings.Join(parts, " · ")
	if n := av.Next[layer]; n != "" {
		out += "\nNext: " + n
	}
	return out
}

// saveParams reads the form and gives the parameters to the desk.
func (t *tacticalBox) saveParams() {
	p := t.params
	num := func(e *ui.Entry, what string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
		if err != nil {
			ui.SetLabel(t.note, what+": not a number", widget.DangerImportance)
			return 0, false
		}
		return f, true
	}
	step, ok1 := num(t.step, "Trigger step")
	exit, ok2 := num(t.exit, "Exit on reversal")
	size, ok3 := num(t.size, "Size per step")
	steps, ok4 := num(t.steps, "Max steps")
	capPct, ok5 := num(t.capPct, "Cap")
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return
	}
	p.StepPercent, p.ExitPercent, p.StepPoints, p.ExitPoints = 0, 0, 0, 0
	if t.unit.Selected == unitPoints {
		p.StepPoints, p.ExitPoints = step, exit
	} else {
		p.StepPercent, p.ExitPercent = step, exit
	}
	p.Size, p.MaxSteps, p.MaxFraction, p.FlatByClose = size, int(steps), capPct/100, t.flat.Checked
	if steps != float64(int(steps)) {
		ui.SetLabel(t.note, "Max steps must be a whole number", widget.DangerImportance)
		return
	}
	if err := t.v.d.SetTacticalParams(t.layer, p); err != nil {
		ui.SetLabel(t.note, err.Error(), widget.DangerImportance)
		return
	}
	ui.SetLabel(t.note, "Saved: the desk's rules trade with these from their next step.", widget.SuccessImportance)
}

// refresh shows the selected layer's cycles as they happen; the entries the trader may be
// editing are left alone, and a layer that gained parameters (its first quoted position)
// is filled in.
func (t *tacticalBox) refresh() {
	if t.layer == "" || t.v.d == nil {
		return
	}
	if t.save.Disabled() {
		t.show(t.layer)
		return
	}
	d, layer := t.v.d, t.layer
	t.v.Background(func() func() { // a running step holds the rules: never wait for it on the UI goroutine
		av := d.Automation()
		return func() {
			if _, ok := av.Params[layer]; ok && layer == t.layer {
				ui.SetLabel(t.stats, tacticalStats(av, layer), widget.MediumImportance)
			}
		}
	})
}
