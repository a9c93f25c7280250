package settings

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/widgets"
)

// liquidityField is one threshold of the liquidity checklist in the form, shown as the
// rule's value × scale in unit; whole says it is a count of contracts.
type liquidityField struct {
	label, unit string
	get         func(liquidity.Rules) float64
	set         func(*liquidity.Rules, float64)
	whole       bool
	scale       float64
}

var liquidityFields = []liquidityField{
	{"Open interest above", "contracts", func(r liquidity.Rules) float64 { return float64(r.MinOpenInterest) },
		func(r *liquidity.Rules, v float64) { r.MinOpenInterest = int64(v) }, true, 1},
	{"Day's volume above", "contracts", func(r liquidity.Rules) float64 { return float64(r.MinVolume) },
		func(r *liquidity.Rules, v float64) { r.MinVolume = int64(v) }, true, 1},
	{"Spread under", "% of the mid (one tick always passes)", func(r liquidity.Rules) float64 { return r.MaxSpreadPct },
		func(r *liquidity.Rules, v float64) { r.MaxSpreadPct = v }, false, 1},
	{"Order at most", "% of the day's volume", func(r liquidity.Rules) float64 { return r.MaxSizePctOfVolume },
		func(r *liquidity.Rules, v float64) { r.MaxSizePctOfVolume = v }, false, 1},
	{"Amber within", "% of a threshold (0: never amber)", func(r liquidity.Rules) float64 { return r.WarnMargin },
		func(r *liquidity.Rules, v float64) { r.WarnMargin = v }, false, 100},
	{"Expected adjustments", "spread crossings in a position's life (cost of illiquidity)", func(r liquidity.Rules) float64 { return r.ExpectedAdjustments },
		func(r *liquidity.Rules, v float64) { r.ExpectedAdjustments = v }, false, 1},
}

// liquidityForm is the Settings window's liquidity section.
type liquidityForm struct {
	entries []*ui.Entry
	errs    []*widget.Label
	block   *widget.Check
}

func newLiquidityForm() (*liquidityForm, fyne.CanvasObject) {
	f := &liquidityForm{block: widget.NewCheck("A failing leg blocks the order (unchecked: the ticket warns)", nil)}
	var cells []fyne.CanvasObject
	for _, fld := range liquidityFields {
		e := ui.NewEntry()
		l := ui.ProblemLabel()
		f.entries, f.errs = append(f.entries, e), append(f.errs, l)
		cells = append(cells, widget.NewLabel(fld.label), ui.Sized(e, 90), quietLabel(fld.unit), l)
	}
	note := quietLabel("The guide's checklist before every entry: if it fails any test, don't trade. Every order path checks it.")
	note.Wrapping = fyne.TextWrapWord
	return f, container.NewVBox(container.New(widgets.NewColumns(4, -1), cells...), f.block, note)
}

// show puts s in the form.
func (f *liquidityForm) show(s desk.LiquiditySettings) {
	for i, fld := range liquidityFields {
		f.entries[i].SetText(settingNumber(fld.get(s.Rules) * fld.scale))
		ui.SetLabel(f.errs[i], "", widget.DangerImportance)
	}
	f.block.SetChecked(s.Block)
}

// read reads the form into s, putting each field's problem beside it.
func (f *liquidityForm) read(s *desk.LiquiditySettings) bool {
	ok := true
	for i, fld := range liquidityFields {
		x, msg := parseSetting(f.entries[i].Text)
		switch {
		case msg != "":
		case x < 0:
			msg = "must be 0 or more"
		case fld.whole && x != math.Trunc(x):
			msg = "a whole number of contracts"
		}
		ui.SetLabel(f.errs[i], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		fld.set(&s.Rules, x/fld.scale)
	}
	s.Block = f.block.Checked
	if ok {
		if err := s.Rules.Validate(); err != nil {
			ok = false
			ui.SetLabel(f.errs[0], err.Error(), widget.DangerImportance)
		}
	}
	return ok
}
