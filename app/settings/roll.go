package settings

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/widgets"
)

// rollField is one number of the roll planner's settings in the form.
type rollField struct {
	label, unit string
	field       func(*desk.RollPlannerSettings) *float64
}

var rollFields = []rollField{
	{"New legs expire after", "days (the guide's roll-or-close-by 7)", func(r *desk.RollPlannerSettings) *float64 { return &r.RollByDays }},
	{"Out to at most", "days to the new legs' expiry", func(r *desk.RollPlannerSettings) *float64 { return &r.MaxDays }},
	{"Weight: delta off target", "per $ a 1% move costs off the layer's target", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Delta }},
	{"Weight: credit", "per $ of net credit at mid (subtracted)", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Credit }},
	{"Weight: costs", "per $ of commissions and half-spreads", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Costs }},
	{"Weight: gamma added", "per $ of a 1% move's gamma cost", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Gamma }},
	{"Weight: theta gained", "per $/day of layer theta (subtracted)", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Theta }},
	{"Weight: vega added", "per $/vol pt of layer vega", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Vega }},
	{"Weight: strike moved", "per 1% of the underlying (0: shown only)", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Price }},
	{"Weight: expiry moved", "per calendar day (0: shown only)", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Time }},
	{"Weight: amber leg", "per leg whose liquidity warns", func(r *desk.RollPlannerSettings) *float64 { return &r.Weights.Warn }},
}

// rollForm is the Settings window's roll planner section.
type rollForm struct {
	entries []*ui.Entry
	errs    []*widget.Label
	debit   *widget.Check
	problem *widget.Label
}

func newRollForm() (*rollForm, fyne.CanvasObject) {
	f := &rollForm{debit: widget.NewCheck("List rolls that cost a debit at mid (unchecked: credit rolls only)", nil),
		problem: ui.ProblemLabel()}
	var cells []fyne.CanvasObject
	for _, fld := range rollFields {
		e := ui.NewEntry()
		l := ui.ProblemLabel()
		f.entries, f.errs = append(f.entries, e), append(f.errs, l)
		cells = append(cells, widget.NewLabel(fld.label), ui.Sized(e, 90), quietLabel(fld.unit), l)
	}
	note := quietLabel("Lower scores rank first; the planner and `keel roll` use these from the next plan on.")
	note.Wrapping = fyne.TextWrapWord
	return f, container.NewVBox(container.New(widgets.NewColumns(4, -1), cells...), f.debit, f.problem, note)
}

// show puts r in the form.
func (f *rollForm) show(r desk.RollPlannerSettings) {
	for i, fld := range rollFields {
		f.entries[i].SetText(settingNumber(*fld.field(&r)))
		ui.SetLabel(f.errs[i], "", widget.DangerImportance)
	}
	f.debit.SetChecked(r.AllowDebit)
	ui.SetLabel(f.problem, "", widget.DangerImportance)
}

// read reads the form into r, putting each field's problem beside it.
func (f *rollForm) read(r *desk.RollPlannerSettings) bool {
	ok := true
	for i, fld := range rollFields {
		x, msg := parseSetting(f.entries[i].Text)
		if msg == "" && x < 0 {
			msg = "must be 0 or more"
		}
		ui.SetLabel(f.errs[i], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		*fld.field(r) = x
	}
	r.AllowDebit = f.debit.Checked
	msg := ""
	if ok {
		if err := r.Validate(); err != nil {
			ok, msg = false, err.Error()
		}
	}
	ui.SetLabel(f.problem, msg, widget.DangerImportance)
	return ok
}
