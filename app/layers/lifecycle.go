package layers

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/portfolio"
)

// lifecycleBox is the lifecycle of the selected layer's short options (issue 16 §1): each
// one's stage — options, tested, deep ITM, awaiting assignment, future or shares, re-enter
// — with why, since when and what comes next, and the layer's own stage (its furthest
// option's). Every layer's when none is selected. A row chosen shows its numbers.
type lifecycleBox struct {
	v       *LayerEditor
	layer   string
	summary *widget.Label
	detail  *widget.Label
	table   *widget.Table
	rows    []desk.LifecycleRow
	chosen  int
	content fyne.CanvasObject
}

// lifecycleColumns are the table's columns: title and width.
var lifecycleColumns = []struct {
	title string
	width float32
}{{"Layer", 95}, {"Option", 165}, {"Stage", 115}, {"Since (NY)", 102}, {"Why", 193}, {"Next", 185}}

func (v *LayerEditor) newLifecycleBox() *lifecycleBox {
	b := &lifecycleBox{v: v, chosen: -1}
	b.summary = ui.Wrapped("", widget.MediumImportance)
	b.detail = ui.Wrapped("Choose a row to see its numbers.", widget.LowImportance)
	b.table = widget.NewTable(func() (int, int) { return len(b.rows), len(lifecycleColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, b.cell)
	b.table.ShowHeaderRow = true
	ui.SetHeaders(b.table, len(lifecycleColumns), func(i int) (string, float32, bool) {
		return lifecycleColumns[i].title, lifecycleColumns[i].width, false
	})
	b.table.OnSelected = func(id widget.TableCellID) {
		b.chosen = id.Row
		b.showDetail()
	}
	split := container.NewVSplit(b.table, container.NewVScroll(b.detail))
	split.Offset = 0.55
	b.content = container.NewBorder(b.summary, nil, nil, nil, split)
	return b
}

func (b *lifecycleBox) cell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(b.rows) {
		l.SetText("")
		return
	}
	r := b.rows[id.Row]
	imp := stageImportance(r.Stage)
	var text string
	switch id.Col {
	case 0:
		text, imp = r.Layer, widget.MediumImportance
	case 1:
		text, imp = r.Symbol, widget.MediumImportance
	case 2:
		text = string(r.Stage)
	case 3:
		text = "—"
		if !r.Since.IsZero() {
			text = r.Since.In(instrument.NewYork).Format("Jan 2 15:04")
		}
		imp = widget.MediumImportance
	case 4:
		text, imp = r.Reason, widget.MediumImportance
	case 5:
		text = ui.OrDash(r.Next)
	}
	if id.Col >= 3 || id.Col <= 1 {
		ui.SetLongCell(l, text, imp) // words that may be wider than the cell: the row's detail has them in full
		return
	}
	ui.SetCell(l, text, imp, fyne.TextAlignLeading)
}

// stageImportance colours a stage: collecting theta is plain, tested a warning, past it
// (deep ITM, assigned, re-entering) the danger colour.
func stageImportance(s lifecycle.Stage) widget.Importance {
	switch s {
	case lifecycle.Options:
		return widget.MediumImportance
	case lifecycle.Tested:
		return widget.WarningImportance
	}
	return widget.DangerImportance
}

// show fills the box for a layer ("" or Unassigned: every layer).
func (b *lifecycleBox) show(layer string) {
	if layer == portfolio.Unassigned {
		layer = ""
	}
	b.layer, b.chosen = layer, -1
	b.table.UnselectAll()
	b.refresh()
}

// refresh reads the desk's lifecycle off the UI goroutine and shows it.
func (b *lifecycleBox) refresh() {
	d := b.v.d
	if d == nil {
		ui.SetLabel(b.summary, "The lifecycle of short options is followed by the desk, which is not started.", widget.MediumImportance)
		return
	}
	layer := b.layer
	b.v.Background(func() func() { // a running step holds the rules: never wait for it on the UI goroutine
		av := d.Automation()
		return func() {
			if layer == b.layer {
				b.apply(av)
			}
		}
	})
}

// apply shows av's lifecycle rows for the box's layer (UI goroutine).
func (b *lifecycleBox) apply(av desk.AutomationView) {
	var rows []desk.LifecycleRow
	for _, r := range av.Lifecycle {
		if b.layer == "" || r.Layer == b.layer {
			rows = append(rows, r)
		}
	}
	same := len(rows) == len(b.rows)
	for i := 0; same && i < len(rows); i++ {
		same = rows[i].Symbol == b.rows[i].Symbol && rows[i].Stage == b.rows[i].Stage && rows[i].Reason == b.rows[i].Reason &&
			rows[i].Next == b.rows[i].Next && rows[i].Layer == b.rows[i].Layer
	}
	b.rows = rows
	if !same {
		b.table.Refresh()
	}
	b.showDetail()
	switch {
	case len(rows) == 0 && b.layer != "":
		ui.SetLabel(b.summary, b.layer+" holds no short options: nothing to follow.", widget.MediumImportance)
	case len(rows) == 0:
		ui.SetLabel(b.summary, "The book holds no short options yet (the desk starts following them at its first step).", widget.MediumImportance)
	case b.layer != "":
		r := desk.LayerStages(rows)[b.layer]
		ui.SetLabel(b.summary, fmt.Sprintf("%s is at %s (its furthest option, %s). %s", b.layer, r.Stage, r.Symbol, av.Chains),
			stageImportance(r.Stage))
	default:
		st := desk.LayerStages(rows)
		var names []string
		for n := range st {
			names = append(names, n)
		}
		sort.Strings(names)
		var w []string
		for _, n := range names {
			w = append(w, n+": "+string(st[n].Stage))
		}
		ui.SetLabel(b.summary, "Every layer — "+strings.Join(w, " · ")+". "+av.Chains, widget.MediumImportance)
	}
}

// showDetail shows the chosen row in full: why, next and its numbers.
func (b *lifecycleBox) showDetail() {
	if b.chosen < 0 || b.chosen >= len(b.rows) {
		ui.SetLabel(b.detail, "Choose a row to see why, what comes next and the numbers behind it.", widget.LowImportance)
		return
	}
	r := b.rows[b.chosen]
	keys := make([]string, 0, len(r.Numbers))
	for k := range r.Numbers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var nums []string
	for _, k := range keys {
		nums = append(nums, strings.ReplaceAll(k, "_", " ")+" "+ui.Num(r.Numbers[k], 2))
	}
	text := fmt.Sprintf("%s — %s: %s", r.Symbol, r.Stage, r.Reason)
	if r.Next != "" {
		text += "\nNext: " + r.Next
	}
	if len(nums) > 0 {
		text += "\n" + strings.Join(nums, " · ")
	}
	ui.SetLabel(b.detail, text, widget.MediumImportance)
}
