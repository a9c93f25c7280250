package layers

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"

	"github.com/keel-desk/keel/app/ui"
)

// The layer form: fill it from a layer, read and check it, save or delete the layer
// through the desk.

func (v *LayerEditor) setFormEnabled(on bool) {
	for _, e := range []*ui.Entry{v.name, v.unders, v.hedge, v.perLeg, v.perLayer, v.maxDelta, v.notes} {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	if on {
		v.bias.Enable()
		v.save.Enable()
	} else {
		v.bias.Disable()
		v.save.Disable()
	}
}

func (v *LayerEditor) clearProblems() {
	for _, l := range []*widget.Label{v.nameErr, v.undersErr, v.hedgeErr, v.perLegErr, v.perLayerErr, v.maxDeltaErr} {
		ui.SetLabel(l, "", widget.DangerImportance)
	}
	ui.SetLabel(v.formNote, "", widget.MediumImportance)
}

// showBand says beside the form what the layer's checklist band is and, when it is
// narrower than one lot of the layer's hedge, that no whole lot keeps the layer inside it.
// The figures are read off the UI goroutine (the hedge's price may come from the broker).
func (v *LayerEditor) showBand(l portfolio.Layer) {
	s := v.d.Latest()
	v.bandWaiting = !bookValued(s)
	if v.bandWaiting {
		ui.SetLabel(v.bandNote, "waiting for the book's prices and net liquidation", widget.MediumImportance)
		return
	}
	ui.SetLabel(v.bandNote, "", widget.MediumImportance)
	v.Background(func() func() {
		settings, serr := desk.LoadChecklistSettings(v.ctx, v.j)
		b, err := v.d.LayerBand(v.ctx, l, settings.Config())
		return func() {
			if v.current != l.Name {
				return
			}
			text, imp := layerBandText(b, err)
			if serr != nil {
				text += " (the checklist settings could not be read, so these are the defaults: " + serr.Error() + ")"
			}
			ui.SetLabel(v.bandNote, text, imp)
		}
	})
}

// bookValued says whether s has the net liquidation and benchmark price a band needs.
func bookValued(s *desk.Snapshot) bool {
	return s.Synced && s.Account.NetLiquidation.IsPositive() && s.Book.Benchmark.Price > 0
}

// layerBandText is the band in the trader's words.
func layerBandText(b desk.LayerBand, err error) (string, widget.Importance) {
	switch {
	case err != nil:
		return "not known yet: " + err.Error(), widget.MediumImportance
	case !b.Hedged:
		return b.Why, widget.MediumImportance
	case b.Lab != "" && b.Half > 0:
		text := fmt.Sprintf("%s, chosen in the lab: ±%s %s; one %s is %s %s", b.Lab, ui.Num(b.Half, 1), b.Units, b.Lot, ui.Num(b.LotDelta, 1), b.Units)
		if b.Narrow {
			return text + " — narrower than one lot: the checklist hedges to the lot nearest zero", widget.WarningImportance
		}
		return text, widget.MediumImportance
	case b.Lab != "":
		return fmt.Sprintf("%s, chosen in the lab: its band moves with the layer's gamma, vol and costs; one %s is %s %s", b.Lab, b.Lot, ui.Num(b.LotDelta, 1), b.Units), widget.MediumImportance
	case b.Narrow:
		return fmt.Sprintf("±%s%% of net liq = ±%s %s, narrower than one %s (%s %s): no whole lot keeps this layer inside its band, so the checklist hedges to the lot nearest zero (up to %s off). Widen the layer band to %s%% or more in the checklist settings, or hedge with a smaller lot.",
			ui.Num(b.Percent, 1), ui.Num(b.Half, 1), b.Units, b.Lot, ui.Num(b.LotDelta, 1), b.Units, ui.Num(b.LotDelta/2, 1), ui.Num(math.Ceil(b.Needed*10)/10, 1)), widget.WarningImportance
	}
	return fmt.Sprintf("±%s%% of net liq = ±%s %s; one %s is %s %s", ui.Num(b.Percent, 1), ui.Num(b.Half, 1), b.Units, b.Lot, ui.Num(b.LotDelta, 1), b.Units), widget.MediumImportance
}

func (v *LayerEditor) clearForm() {
	v.current, v.creating = "", false
	for _, e := range []*ui.Entry{v.name, v.unders, v.hedge, v.perLeg, v.perLayer, v.maxDelta, v.notes} {
		e.SetText("")
	}
	v.bias.ClearSelected()
	v.clearProblems()
	ui.SetLabel(v.bandNote, "", widget.MediumImportance)
	v.setFormEnabled(false)
	v.deleteBtn.Disable()
	v.planRoll.Disable()
	ui.SetLabel(v.formTitle, "Select a layer, or make a new one", widget.MediumImportance)
	if v.tac != nil {
		v.tac.show("")
	}
	if v.life != nil {
		v.life.show("")
	}
}

// edit fills the form with the layer called name (Unassigned: nothing to edit).
func (v *LayerEditor) edit(name string) {
	v.clearProblems()
	if name == portfolio.Unassigned {
		v.clearForm()
		v.current = portfolio.Unassigned
		ui.SetLabel(v.formTitle, "Unassigned: positions in no layer. Check them below and move them into one.", widget.MediumImportance)
		return
	}
	i := slices.IndexFunc(v.layers, func(l portfolio.Layer) bool { return l.Name == name })
	if i < 0 {
		v.clearForm()
		return
	}
	l := v.layers[i]
	v.current, v.creating = l.Name, false
	v.name.SetText(l.Name)
	v.bias.SetSelected(l.Bias.String())
	v.unders.SetText(strings.Join(l.Underlyings, " "))
	v.hedge.SetText(l.HedgeInstrument)
	v.perLeg.SetText(layerLimitText(l.Limits.MaxContractsPerLeg))
	v.perLayer.SetText(layerLimitText(l.Limits.MaxContractsPerLayer))
	v.maxDelta.SetText(layerLimitText(l.Limits.MaxDelta))
	v.notes.SetText(l.Notes)
	v.setFormEnabled(true)
	v.deleteBtn.Enable()
	if v.env.Open != nil {
		v.planRoll.Enable()
	}
	if v.env.Window == nil {
		v.deleteBtn.Disable() // it asks in a dialog, which needs a window
	}
	ui.SetLabel(v.formTitle, "Layer "+l.Name, widget.MediumImportance)
	v.showBand(l)
	v.tac.show(l.Name)
	v.life.show(l.Name)
}

// layerLimitText shows a limit for editing: "" for none.
func layerLimitText(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// startNew clears the form for a new layer.
func (v *LayerEditor) startNew() {
	v.list.UnselectAll()
	v.clearForm()
	v.creating = true
	v.bias.SetSelected("neutral")
	v.setFormEnabled(true)
	ui.SetLabel(v.formTitle, "New layer", widget.MediumImportance)
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.name); c != nil {
		c.Focus(v.name)
	}
}

// parseLayerLimit reads a limit field: empty is 0 (no limit); whole says it counts contracts.
func parseLayerLimit(s string, whole bool) (float64, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Sprintf("“%s” is not a number", s)
	case f < 0:
		return 0, "must be 0 or more (0 or empty: no limit)"
	case whole && f != math.Trunc(f):
		return 0, "must be a whole number of contracts"
	}
	return f, ""
}

// readForm reads the form into a layer, putting each field's problem beside it; ok is
// false when any field has one.
func (v *LayerEditor) readForm() (portfolio.Layer, bool) {
	v.clearProblems()
	ok := true
	fail := func(l *widget.Label, msg string) {
		ui.SetLabel(l, msg, widget.DangerImportance)
		ok = false
	}
	var l portfolio.Layer
	l.Name = strings.TrimSpace(v.name.Text)
	switch {
	case l.Name == "":
		fail(v.nameErr, "a layer needs a name")
	case strings.EqualFold(l.Name, portfolio.Unassigned):
		fail(v.nameErr, "“Unassigned” is kept for positions in no layer")
	default:
		for _, other := range v.layers {
			if other.Name == l.Name && (v.creating || other.Name != v.current) {
				fail(v.nameErr, "a layer called “"+l.Name+"” already exists")
			}
		}
	}
	bias, err := portfolio.ParseBias(v.bias.Selected)
	if err != nil {
		bias = portfolio.Neutral
	}
	l.Bias = bias
	var bad []string
	for _, u := range strings.Fields(strings.ToUpper(v.unders.Text)) {
		if !layerSymbol.MatchString(u) {
			bad = append(bad, "“"+u+"”")
		} else if !slices.Contains(l.Underlyings, u) {
			l.Underlyings = append(l.Underlyings, u)
		}
	}
	if len(bad) > 0 {
		fail(v.undersErr, strings.Join(bad, ", ")+" is not a ticker or futures symbol")
	}
	l.HedgeInstrument = strings.ToUpper(strings.TrimSpace(v.hedge.Text))
	if l.HedgeInstrument != "" && !layerSymbol.MatchString(l.HedgeInstrument) {
		fail(v.hedgeErr, "“"+l.HedgeInstrument+"” is not one ticker or futures symbol")
	}
	var msg string
	if l.Limits.MaxContractsPerLeg, msg = parseLayerLimit(v.perLeg.Text, true); msg != "" {
		fail(v.perLegErr, msg)
	}
	if l.Limits.MaxContractsPerLayer, msg = parseLayerLimit(v.perLayer.Text, true); msg != "" {
		fail(v.perLayerErr, msg)
	}
	if l.Limits.MaxDelta, msg = parseLayerLimit(v.maxDelta.Text, false); msg != "" {
		fail(v.maxDeltaErr, msg)
	}
	if ok && l.Limits.MaxContractsPerLeg > 0 && l.Limits.MaxContractsPerLayer > 0 &&
		l.Limits.MaxContractsPerLeg > l.Limits.MaxContractsPerLayer {
		fail(v.perLegErr, "more than the layer's limit")
	}
	l.Notes = strings.TrimSpace(v.notes.Text)
	if ok {
		if err := l.Validate(); err != nil {
			ui.SetLabel(v.formNote, err.Error(), widget.DangerImportance)
			ok = false
		}
	}
	return l, ok
}

// saveLayer checks the form and writes the layer: a new one, or the one being edited
// (renaming it when the name changed; its positions follow).
func (v *LayerEditor) saveLayer() {
	if !v.creating && (v.current == "" || v.current == portfolio.Unassigned) {
		return
	}
	l, ok := v.readForm()
	if !ok {
		if v.formNote.Text == "" {
			ui.SetLabel(v.formNote, "Nothing was saved: fix the fields marked in red.", widget.DangerImportance)
		}
		return
	}
	old := v.current
	if v.creating {
		old = ""
	}
	v.save.Disable()
	v.Background(func() func() {
		err := v.d.SaveLayer(v.ctx, old, l)
		return func() {
			v.save.Enable()
			if err != nil {
				ui.SetLabel(v.formNote, "Not saved: "+err.Error(), widget.DangerImportance)
				return
			}
			v.changed(fmt.Sprintf("Saved layer %s.", l.Name))
			v.creating = false
			v.reload(l.Name)
		}
	})
}

// changed says what was done (the desk acts on it from its next snapshot).
func (v *LayerEditor) changed(what string) {
	ui.SetLabel(v.status, what+" The desk shows it from its next snapshot.", widget.SuccessImportance)
}

// positionsIn lists the symbols of the positions the journal puts in layer.
func (v *LayerEditor) positionsIn(layer string) []string {
	var out []string
	for sym, l := range v.assigned {
		if l == layer {
			out = append(out, sym)
		}
	}
	slices.Sort(out)
	return out
}

// askDelete asks before deleting the current layer; when it holds positions it asks
// where they go.
func (v *LayerEditor) askDelete() {
	name := v.current
	if name == "" || name == portfolio.Unassigned || v.env.Window == nil {
		return
	}
	held := v.positionsIn(name)
	if len(held) == 0 {
		v.deleteChoice = nil
		v.deleteDialog = dialog.NewConfirm("Delete layer", fmt.Sprintf("Delete the layer %s? It holds no positions.", name),
			func(ok bool) {
				if ok {
					v.deleteLayer(name, "")
				}
			}, v.env.Window)
		v.deleteDialog.Show()
		return
	}
	opts := []string{portfolio.Unassigned}
	for _, l := range v.layers {
		if l.Name != name {
			opts = append(opts, l.Name)
		}
	}
	choice := widget.NewSelect(opts, nil)
	choice.SetSelected(portfolio.Unassigned)
	v.deleteChoice = choice
	msg := widget.NewLabel(fmt.Sprintf("%s holds %s: %s.\nWhere should they go?", name, format.Count(len(held), "position", "positions"), strings.Join(held, ", ")))
	msg.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(msg, container.NewHBox(widget.NewLabel("Move them to"), choice))
	v.deleteDialog = dialog.NewCustomConfirm("Delete layer "+name, "Delete and move", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		to := choice.Selected
		if to == portfolio.Unassigned {
			to = ""
		}
		v.deleteLayer(name, to)
	}, v.env.Window)
	v.deleteDialog.Resize(fyne.NewSize(480, 220))
	v.deleteDialog.Show()
}

// deleteLayer deletes the layer called name, moving its positions to moveTo ("" for
// Unassigned).
func (v *LayerEditor) deleteLayer(name, moveTo string) {
	v.Background(func() func() {
		err := v.d.DeleteLayer(v.ctx, name, moveTo)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Not deleted: "+err.Error(), widget.DangerImportance)
				return
			}
			where := moveTo
			if where == "" {
				where = portfolio.Unassigned
			}
			v.changed(fmt.Sprintf("Deleted layer %s; its positions are now in %s.", name, where))
			v.current = ""
			v.reload(where)
		}
	})
}
