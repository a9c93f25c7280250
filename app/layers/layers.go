package layers

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// layerSymbol is what an underlying or a hedge instrument may look like: a ticker (SPY,
// BRK.B), a futures contract (ESZ6, MESZ6) or a futures root (ES).
var layerSymbol = regexp.MustCompile(`^[A-Z0-9][A-Z0-9./]{0,20}$`)

// layerBiases are the bias choices, in the order shown.
var layerBiases = []string{"long", "short", "neutral"}

// layerPosition is one position of the book as the layer editor lists it.
type layerPosition struct {
	symbol   string
	quantity int64
}

// LayerEditor is the layer editor window: the book's layers (and Unassigned), a form to
// create, rename and change one (bias, underlyings, hedge instrument, limits, notes) with
// its problems beside the fields, and the book's positions with checks to move them between
// layers. Every change is a command to the desk service (SaveLayer, DeleteLayer,
// MovePositions), given off the UI goroutine; the desk writes the journal and reads the
// layers again, so the desk window shows it at its next snapshot.
type LayerEditor struct {
	env  ui.Env
	j    *data.Journal
	d    *desk.Service
	book string
	ctx  context.Context

	ui.Work

	// Everything below is touched only on the UI goroutine.
	layers    []portfolio.Layer
	assigned  map[string]string // position symbol → layer name
	positions []layerPosition
	checked   map[string]bool
	current   string // the layer the form edits; "" with creating, or Unassigned
	creating  bool

	list                                   *widget.List
	name, unders, hedge                    *ui.Entry
	perLeg, perLayer, maxDelta             *ui.Entry
	notes                                  *ui.Entry
	bias                                   *widget.Select
	nameErr, undersErr, hedgeErr           *widget.Label
	perLegErr, perLayerErr, maxDeltaErr    *widget.Label
	formTitle, formNote, status, listTitle *widget.Label
	bandNote                               *widget.Label // the layer's checklist band, and whether one lot fits in it
	bandWaiting                            bool          // the band waits for a valued book: shown at the next valued snapshot
	save, newLayer, deleteBtn              *widget.Button
	planRoll                               *widget.Button // opens the roll planner on the selected layer
	posTable                               *widget.Table
	moveTo                                 *widget.Select
	moveBtn                                *widget.Button
	moveNote                               *widget.Label

	tac  *tacticalBox  // the selected layer's tactical counter-trades (tactical.go)
	life *lifecycleBox // the lifecycle of the selected layer's short options (lifecycle.go)
	tabs *container.AppTabs

	deleteChoice *widget.Select // the open delete dialog's "move to" choice, for tests
	deleteDialog dialog.Dialog

	content fyne.CanvasObject
}

// NewLayerEditor builds the layer editor over env.Journal and env.Desk's book and loads
// the layers.
func NewLayerEditor(env ui.Env) *LayerEditor {
	v := &LayerEditor{env: env, j: env.Journal, d: env.Desk, ctx: context.Background(),
		assigned: map[string]string{}, checked: map[string]bool{}}
	v.build()
	switch {
	case v.j == nil:
		why := "no journal is open"
		if env.JournalErr != nil {
			why = env.JournalErr.Error()
		}
		v.disableAll("Layers are kept in the journal, which could not be opened: " + why)
		return v
	case v.d == nil:
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		v.disableAll("Layers belong to a broker account's book, and " + why)
		return v
	}
	v.book = v.d.Book()
	v.applyPositions(v.d.Latest())
	v.reload("")
	v.Follow(v.d, v.applyPositions)
	return v
}

// Content is the window's content. It has Settle (wait for the journal reads in flight)
// and Stop (stop following the desk; call it when the window closes).
func (v *LayerEditor) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Wait, v.Stop) }

func (v *LayerEditor) build() {
	v.listTitle = widget.NewLabelWithStyle("Layers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.list = widget.NewList(
		func() int { return len(v.layers) + 1 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(v.listText(id))
		})
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < len(v.layers) {
			v.edit(v.layers[id].Name)
		} else {
			v.edit(portfolio.Unassigned)
		}
	}
	v.newLayer = widget.NewButton("New layer", v.startNew)
	v.deleteBtn = widget.NewButton("Delete layer…", v.askDelete)
	v.deleteBtn.Importance = widget.DangerImportance
	v.deleteBtn.Disable()
	v.planRoll = widget.NewButton("Plan roll…", func() {
		if v.current != "" && v.env.Open != nil {
			v.env.Open("roll", desk.RollTarget{Layer: v.current})
		}
	})
	v.planRoll.Disable()
	left := container.NewBorder(v.listTitle, container.NewHBox(v.newLayer, v.deleteBtn, v.planRoll), nil, nil, v.list)

	// The form: label, field, the field's problem.
	v.formTitle = widget.NewLabelWithStyle("Select a layer, or make a new one", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.name = ui.NewEntry()
	v.name.SetPlaceHolder("e.g. ES options")
	v.bias = widget.NewSelect(layerBiases, nil)
	v.unders = ui.NewEntry()
	v.unders.SetPlaceHolder("e.g. SPY QQQ ESZ6")
	v.hedge = ui.NewEntry()
	v.hedge.SetPlaceHolder("e.g. MESZ6")
	v.perLeg, v.perLayer, v.maxDelta = ui.NewEntry(), ui.NewEntry(), ui.NewEntry()
	for _, e := range []*ui.Entry{v.perLeg, v.perLayer, v.maxDelta} {
		e.SetPlaceHolder("0 = no limit")
	}
	v.notes = ui.NewMultiLineEntry()
	v.notes.SetMinRowsVisible(2)
	v.notes.Wrapping = fyne.TextWrapWord
	v.nameErr, v.undersErr, v.hedgeErr = ui.ProblemLabel(), ui.ProblemLabel(), ui.ProblemLabel()
	v.perLegErr, v.perLayerErr, v.maxDeltaErr = ui.ProblemLabel(), ui.ProblemLabel(), ui.ProblemLabel()
	row := func(label string, field fyne.CanvasObject, problem *widget.Label) []fyne.CanvasObject {
		return []fyne.CanvasObject{widget.NewLabel(label), field, problem}
	}
	var cells []fyne.CanvasObject
	cells = append(cells, row("Name", v.name, v.nameErr)...)
	cells = append(cells, row("Bias", v.bias, widget.NewLabel(""))...)
	cells = append(cells, row("Underlyings (space separated)", v.unders, v.undersErr)...)
	cells = append(cells, row("Hedge instrument", v.hedge, v.hedgeErr)...)
	v.bandNote = widget.NewLabel("")
	v.bandNote.Wrapping = fyne.TextWrapWord
	cells = append(cells, row("Checklist band", v.bandNote, widget.NewLabel(""))...)
	cells = append(cells, row("Max contracts per leg", v.perLeg, v.perLegErr)...)
	cells = append(cells, row("Max contracts in the layer", v.perLayer, v.perLayerErr)...)
	cells = append(cells, row("Max |delta| (SPY shares, β-weighted)", v.maxDelta, v.maxDeltaErr)...)
	cells = append(cells, row("Notes", v.notes, widget.NewLabel(""))...)
	form := container.New(widgets.NewColumns(3, 1), cells...)
	v.save = widget.NewButton("Save layer", v.saveLayer)
	v.save.Importance = widget.HighImportance
	v.formNote = widget.NewLabel("")
	v.formNote.Wrapping = fyne.TextWrapWord
	formBox := container.NewVBox(v.formTitle, form, container.NewBorder(nil, nil, v.save, nil, v.formNote))
	v.setFormEnabled(false)

	// The book's positions, with checks to move them.
	v.posTable = widget.NewTable(
		func() (int, int) { return len(v.positions), 4 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(widget.NewCheck("", nil), l)
		},
		v.updatePositionCell)
	v.posTable.ShowHeaderRow = true
	v.posTable.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	headers := []string{"Move", "Symbol", "Qty", "Layer"}
	v.posTable.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(headers) {
			o.(*widget.Label).SetText(headers[id.Col])
		}
	}
	for i, w := range []float32{60, 240, 70, 200} {
		v.posTable.SetColumnWidth(i, w)
	}
	v.moveTo = widget.NewSelect(nil, nil)
	v.moveTo.PlaceHolder = "choose a layer"
	v.moveBtn = widget.NewButton("Move checked", v.moveChecked)
	v.moveNote = widget.NewLabel("Check positions, choose a layer and move them.")
	v.moveNote.Truncation = fyne.TextTruncateEllipsis
	posTitle := widget.NewLabelWithStyle("Positions of the book", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	moveBar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Move to"), v.moveTo, v.moveBtn), nil, v.moveNote)
	positions := container.NewBorder(container.NewVBox(widget.NewSeparator(), posTitle), moveBar, nil, nil, v.posTable)

	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.tac = v.newTacticalBox()
	v.life = v.newLifecycleBox()
	v.tabs = container.NewAppTabs(container.NewTabItem("Positions", positions),
		container.NewTabItem("Tactical counter-trades", container.NewVScroll(v.tac.content)),
		container.NewTabItem("Lifecycle", v.life.content))
	// The form scrolls above the tabs, so the window fits a 1024×700 screen.
	formScroll := container.NewVScroll(formBox)
	formScroll.SetMinSize(fyne.NewSize(0, 250))
	right := container.NewBorder(formScroll, nil, nil, nil, v.tabs)
	split := container.NewHSplit(left, right)
	split.Offset = 0.24
	v.content = container.NewBorder(nil, v.status, nil, nil, split)
}

// disableAll says why nothing can be edited and disables every control.
func (v *LayerEditor) disableAll(why string) {
	ui.SetLabel(v.status, why, widget.DangerImportance)
	v.setFormEnabled(false)
	v.newLayer.Disable()
	v.deleteBtn.Disable()
	v.moveBtn.Disable()
	v.moveTo.Disable()
}

func (v *LayerEditor) listText(id int) string {
	count := func(layer string) int {
		n := 0
		for _, p := range v.positions {
			if v.layerOf(p.symbol) == layer {
				n++
			}
		}
		return n
	}
	if id < len(v.layers) {
		l := v.layers[id]
		return fmt.Sprintf("%s · %s · %s", l.Name, l.Bias, layerPositionsWord(count(l.Name)))
	}
	return fmt.Sprintf("%s · %s", portfolio.Unassigned, layerPositionsWord(count(portfolio.Unassigned)))
}

// layerPositionsWord counts positions in words: "1 position", "3 positions".
func layerPositionsWord(n int) string { return format.Count(n, "position", "positions") }

// layerOf is the layer a position is in, as the journal says.
func (v *LayerEditor) layerOf(symbol string) string {
	if l, ok := v.assigned[symbol]; ok && l != "" {
		return l
	}
	return portfolio.Unassigned
}

func (v *LayerEditor) updatePositionCell(id widget.TableCellID, o fyne.CanvasObject) {
	stack := o.(*fyne.Container)
	check, label := stack.Objects[0].(*widget.Check), stack.Objects[1].(*widget.Label)
	if id.Row < 0 || id.Row >= len(v.positions) {
		check.Hide()
		label.SetText("")
		return
	}
	p := v.positions[id.Row]
	if id.Col == 0 {
		label.Hide()
		check.Show()
		check.OnChanged = nil
		check.SetChecked(v.checked[p.symbol])
		sym := p.symbol
		check.OnChanged = func(on bool) {
			if on {
				v.checked[sym] = true
			} else {
				delete(v.checked, sym)
			}
			v.showMoveNote()
		}
		return
	}
	check.Hide()
	label.Show()
	switch id.Col {
	case 1:
		ui.SetCell(label, p.symbol, widget.MediumImportance, fyne.TextAlignLeading)
	case 2:
		ui.SetCell(label, ui.Num(float64(p.quantity), 0), ui.MoneyImportance(p.quantity < 0), fyne.TextAlignTrailing)
	case 3:
		l := v.layerOf(p.symbol)
		imp := widget.MediumImportance
		if l == portfolio.Unassigned {
			imp = widget.WarningImportance
		}
		ui.SetCell(label, l, imp, fyne.TextAlignLeading)
	}
}

func (v *LayerEditor) showMoveNote() {
	n := 0
	for _, p := range v.positions {
		if v.checked[p.symbol] {
			n++
		}
	}
	text := "Check positions, choose a layer and move them."
	if n > 0 {
		text = fmt.Sprintf("%d checked", n)
	}
	ui.SetLabel(v.moveNote, text, widget.MediumImportance)
}

// applyPositions takes the book's positions from a snapshot, refreshing the table only
// when the positions changed (UI goroutine).
func (v *LayerEditor) applyPositions(s *desk.Snapshot) {
	if !s.Synced {
		return
	}
	v.tac.refresh()
	v.life.refresh()
	if v.bandWaiting && bookValued(s) {
		if i := slices.IndexFunc(v.layers, func(l portfolio.Layer) bool { return l.Name == v.current }); i >= 0 {
			v.showBand(v.layers[i])
		}
	}
	ps := make([]layerPosition, len(s.Positions))
	for i, p := range s.Positions {
		ps[i] = layerPosition{symbol: p.Symbol, quantity: p.Quantity}
	}
	if slices.Equal(ps, v.positions) {
		return
	}
	v.positions = ps
	held := map[string]bool{}
	for _, p := range ps {
		held[p.symbol] = true
	}
	for sym := range v.checked {
		if !held[sym] {
			delete(v.checked, sym)
		}
	}
	v.posTable.Refresh()
	v.list.Refresh()
	v.showMoveNote()
}

// reload reads the layers and assignments again and then selects the layer called
// selectName ("" keeps the current selection).
func (v *LayerEditor) reload(selectName string) {
	v.Background(func() func() {
		layers, err := v.j.Layers(v.ctx, v.book)
		var assigned map[string]string
		if err == nil {
			assigned, err = v.j.PositionLayers(v.ctx, v.book)
		}
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Could not read the layers: "+err.Error(), widget.DangerImportance)
				return
			}
			v.layers, v.assigned = layers, assigned
			ui.SetLabel(v.listTitle, fmt.Sprintf("Layers of %s", v.book), widget.MediumImportance)
			opts := []string{}
			for _, l := range layers {
				opts = append(opts, l.Name)
			}
			opts = append(opts, portfolio.Unassigned)
			v.moveTo.SetOptions(opts)
			if !slices.Contains(opts, v.moveTo.Selected) {
				v.moveTo.ClearSelected()
			}
			v.list.Refresh()
			v.posTable.Refresh()
			name := selectName
			if name == "" && !v.creating {
				name = v.current
			}
			if name == "" && len(layers) > 0 {
				name = layers[0].Name
			}
			if name != "" {
				v.selectInList(name)
			}
		}
	})
}

// selectInList selects the list row of the layer called name and edits it.
func (v *LayerEditor) selectInList(name string) {
	for i, l := range v.layers {
		if l.Name == name {
			v.list.Select(i)
			v.edit(name)
			return
		}
	}
	if name == portfolio.Unassigned {
		v.list.Select(len(v.layers))
		v.edit(name)
		return
	}
	v.list.UnselectAll()
	v.clearForm()
}

// moveChecked moves the checked positions into the chosen layer.
func (v *LayerEditor) moveChecked() {
	to := v.moveTo.Selected
	var syms []string
	for _, p := range v.positions {
		if v.checked[p.symbol] {
			syms = append(syms, p.symbol)
		}
	}
	switch {
	case len(syms) == 0:
		ui.SetLabel(v.moveNote, "Check the positions to move first.", widget.DangerImportance)
		return
	case to == "":
		ui.SetLabel(v.moveNote, "Choose the layer to move them to.", widget.DangerImportance)
		return
	}
	layer := to
	if to == portfolio.Unassigned {
		layer = ""
	}
	v.Background(func() func() {
		err := v.d.MovePositions(v.ctx, syms, layer)
		return func() {
			if err != nil {
				ui.SetLabel(v.moveNote, "Not moved: "+err.Error(), widget.DangerImportance)
				return
			}
			for _, s := range syms {
				delete(v.checked, s)
			}
			v.changed(fmt.Sprintf("Moved %s to %s.", strings.Join(syms, ", "), to))
			v.showMoveNote()
			v.reload("")
		}
	})
}

// Window is the layers window.
func Window() ui.Window {
	return ui.Window{
		Name:  "layers",
		Title: "Keel — Layers",
		Size:  fyne.NewSize(1200, 670),
		Key:   fyne.KeyL,
		Build: func(env ui.Env) fyne.CanvasObject { return NewLayerEditor(env).Content() },
	}
}
