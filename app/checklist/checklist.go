package checklist

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"

	"github.com/keel-desk/keel/app/ui"
)

// ChecklistView is the daily hedging checklist window. Step by step, as in the guide: the
// delta of each layer and the book, the hedge required, the hedge held, the difference and
// the decision (inside the band "no action"; outside it the order, prefilled in the ticket);
// the DTE and gamma checks; vega and the events the trader entered; the limits; then "Log
// run". It shows no P&L anywhere: the rule while hedging is "ignore P&L".
type ChecklistView struct {
	env ui.Env
	ctx context.Context
	ui.Work
	settings desk.ChecklistSettings
	started  time.Time
	result   *desk.ChecklistResult
	props    []int64
	actions  []string
	logged   bool

	header, status        *widget.Label
	steps                 *fyne.Container
	timeEntry, layerBand  *widget.Entry
	bookBand, bookHedge   *widget.Entry
	evDate, evName, evSym *widget.Entry
	evKind                *widget.Select
	logBtn, runBtn        *widget.Button
	content               fyne.CanvasObject
}

// NewChecklistView builds the checklist and runs it at once on the desk's latest snapshot.
func NewChecklistView(env ui.Env) *ChecklistView {
	v := &ChecklistView{env: env, ctx: context.Background(), settings: desk.DefaultChecklistSettings()}
	v.header = widget.NewLabelWithStyle("Daily hedging checklist — no emotion, just math. Ignore P&L — none is shown here.",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.steps = container.NewVBox()
	v.timeEntry, v.layerBand, v.bookBand, v.bookHedge = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	save := widget.NewButton("Save settings", v.saveSettings)
	v.runBtn = widget.NewButton("Run again", v.run)
	v.logBtn = widget.NewButton("Log run", v.logRun)
	v.logBtn.Importance = widget.HighImportance
	v.logBtn.Disable()
	settings := container.NewHBox(widget.NewLabel("Time (New York)"), ui.Sized(v.timeEntry, 70),
		widget.NewLabel("Layer band ± % of net liq"), ui.Sized(v.layerBand, 60),
		widget.NewLabel("Book band ± %"), ui.Sized(v.bookBand, 60),
		widget.NewLabel("Book hedge"), ui.Sized(v.bookHedge, 90), save)
	v.evDate, v.evName, v.evSym = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.evDate.SetPlaceHolder("2026-12-16")
	v.evName.SetPlaceHolder("FOMC decision")
	v.evSym.SetPlaceHolder("all")
	v.evKind = widget.NewSelect(data.MarketEventKinds, nil)
	v.evKind.SetSelected("fomc")
	top := container.NewVBox(v.header, settings)
	bottom := container.NewVBox(v.status, container.NewHBox(v.runBtn, v.logBtn))
	v.content = container.NewBorder(top, bottom, nil, nil, container.NewVScroll(v.steps))
	v.showSettings()
	v.load()
	return v
}

// Content is the window's content.
func (v *ChecklistView) Content() fyne.CanvasObject { return v.content }

// Settle waits for the background work to be applied.
func (v *ChecklistView) Settle() { v.Wait() }

func (v *ChecklistView) showSettings() {
	s := v.settings
	v.timeEntry.SetText(fmt.Sprintf("%02d:%02d", s.Hour, s.Minute))
	v.layerBand.SetText(strconv.FormatFloat(s.LayerBand, 'f', -1, 64))
	v.bookBand.SetText(strconv.FormatFloat(s.BookBand, 'f', -1, 64))
	v.bookHedge.SetText(s.BookHedge)
}

// readSettings reads the settings fields, naming the first bad one.
func (v *ChecklistView) readSettings() (desk.ChecklistSettings, error) {
	s := v.settings
	hh, mm, ok := strings.Cut(strings.TrimSpace(v.timeEntry.Text), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil {
		return s, fmt.Errorf("time %q: write it as HH:MM (15:45)", v.timeEntry.Text)
	}
	lb, err := strconv.ParseFloat(strings.TrimSpace(v.layerBand.Text), 64)
	if err != nil {
		return s, fmt.Errorf("layer band %q is not a number", v.layerBand.Text)
	}
	bb, err := strconv.ParseFloat(strings.TrimSpace(v.bookBand.Text), 64)
	if err != nil {
		return s, fmt.Errorf("book band %q is not a number", v.bookBand.Text)
	}
	s = desk.ChecklistSettings{Hour: h, Minute: m, LayerBand: lb, BookBand: bb, BookHedge: strings.ToUpper(strings.TrimSpace(v.bookHedge.Text))}
	return s, s.Validate()
}

func (v *ChecklistView) saveSettings() {
	s, err := v.readSettings()
	if err != nil {
		ui.SetLabel(v.status, "Settings not saved: "+err.Error(), widget.DangerImportance)
		return
	}
	d := v.env.Desk
	if d == nil {
		ui.SetLabel(v.status, "Settings not saved: the desk is not running.", widget.DangerImportance)
		return
	}
	v.Background(func() func() {
		err := d.SaveChecklistSettings(v.ctx, s)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Settings not saved: "+err.Error(), widget.DangerImportance)
				return
			}
			v.settings = s
			v.run()
		}
	})
}

// load reads the settings, then runs.
func (v *ChecklistView) load() {
	j, d := v.env.Journal, v.env.Desk
	v.Background(func() func() {
		var s desk.ChecklistSettings
		var err error
		if d != nil {
			s, err = d.ChecklistSettings(v.ctx)
		} else {
			s, err = desk.LoadChecklistSettings(v.ctx, j)
		}
		return func() {
			v.settings = s
			v.showSettings()
			if err != nil {
				ui.SetLabel(v.status, err.Error()+" — using the defaults.", widget.WarningImportance)
			}
			v.run()
		}
	})
}

// run runs the checklist off the UI goroutine and shows its steps.
func (v *ChecklistView) run() {
	d := v.env.Desk
	if d == nil {
		why := "the desk is not running"
		if v.env.DeskErr != nil {
			why += ": " + v.env.DeskErr.Error()
		}
		ui.SetLabel(v.status, "The checklist needs the desk: "+why+".", widget.DangerImportance)
		return
	}
	cfg := v.settings.Config()
	v.runBtn.Disable()
	ui.SetLabel(v.status, "Running the checklist…", widget.LowImportance)
	v.Background(func() func() {
		res, err := d.RunChecklistWhenValued(v.ctx, cfg, 10*time.Second)
		var events []data.MarketEvent
		var eventsErr error
		if err == nil && v.env.Journal != nil {
			now := d.Latest().Time
			events, eventsErr = v.env.Journal.MarketEvents(v.ctx, now.Add(-24*time.Hour), now.Add(90*24*time.Hour))
		}
		started := d.Latest().Time
		return func() {
			v.runBtn.Enable()
			if err != nil {
				ui.SetLabel(v.status, "The checklist could not run: "+err.Error(), widget.DangerImportance)
				return
			}
			v.result, v.started, v.props, v.actions, v.logged = &res, started, nil, nil, false
			v.showRun(res, events)
			v.logBtn.Enable()
			imp := widget.SuccessImportance
			if res.Run.ActionNeeded {
				imp = widget.WarningImportance
			}
			text := fmt.Sprintf("Run at %s (market time): %s. Deltas in %s.", started.In(instrument.NewYork).Format("Mon 2 Jan 15:04"),
				res.Run.Summary, res.Units)
			if eventsErr != nil {
				// The run stands; the events it shows may be missing some.
				text += " The market events could not be read: " + eventsErr.Error()
				imp = widget.WarningImportance
			}
			ui.SetLabel(v.status, text, imp)
		}
	})
}

func findingImportance(s hedge.Severity) widget.Importance {
	switch s {
	case hedge.Act:
		return widget.DangerImportance
	case hedge.Warn:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// showRun lays the steps out.
func (v *ChecklistView) showRun(res desk.ChecklistResult, events []data.MarketEvent) {
	v.steps.RemoveAll()
	add := func(o ...fyne.CanvasObject) {
		for _, x := range o {
			v.steps.Add(x)
		}
	}
	add(ui.Bold(fmt.Sprintf("1–4. Delta of each layer and the book, the hedge required, the hedge held, the difference (%s)", res.Units)))
	grid := container.NewGridWithColumns(8)
	for _, h := range []string{"Layer", "Options delta", "Hedge required", "Hedge held", "Difference", "Net delta", "Band", "Decision"} {
		grid.Add(ui.Bold(h))
	}
	for _, h := range res.Run.Hedges {
		band := "—"
		if h.Decision.Band != (hedge.Band{}) {
			band = ui.Num(h.Decision.Band.Lo, 1) + " … " + ui.Num(h.Decision.Band.Hi, 1)
		}
		act := widget.NewLabel(h.Action)
		if h.Decision.Hedge {
			act.Importance = widget.WarningImportance
		}
		grid.Add(widget.NewLabel(h.Layer))
		for _, x := range []float64{h.OptionsDelta, h.HedgeRequired, h.HedgeHeld, h.Difference, h.NetDelta} {
			grid.Add(widget.NewLabel(ui.SignedNum(x, 1)))
		}
		grid.Add(widget.NewLabel(band))
		grid.Add(act)
	}
	add(grid)
	for _, h := range res.Run.Hedges {
		if h.Decision.Reason != "" {
			add(ui.Wrapped(h.Layer+": "+h.Decision.Reason, widget.LowImportance))
		}
	}
	add(widget.NewSeparator(), ui.Bold("5. Adjustments"))
	if len(res.Orders) == 0 {
		add(ui.Wrapped("No action: every delta is inside its band.", widget.SuccessImportance))
	}
	for _, o := range res.Orders {
		o := o
		btn := widget.NewButton("Prefill order", nil)
		btn.OnTapped = func() { v.prefill(o, btn) }
		add(container.NewHBox(widget.NewLabel(fmt.Sprintf("%s: %s (market, day)", o.Scope, o.Words)), btn))
		add(orderLiquidity(o))
	}
	add(widget.NewSeparator(), ui.Bold("6. DTE and gamma: positions to roll or close"))
	v.findings(res.Run.Positions, "Nothing to roll or close.")
	v.planRolls(res.Run.Positions)
	add(widget.NewSeparator(), ui.Bold("7. Vega and upcoming events"))
	v.findings(res.Run.Vega, "")
	for _, e := range events {
		e := e
		who := e.Symbol
		if who == "" {
			who = "all layers"
		}
		rm := widget.NewButton("Remove", func() { v.removeEvent(e.ID) })
		add(container.NewHBox(widget.NewLabel(fmt.Sprintf("%s  %s (%s, %s)", e.At.In(instrument.NewYork).Format("Mon 2 Jan 2006"), e.Name, e.Kind, who)), rm))
	}
	addBtn := widget.NewButton("Add event", v.addEvent)
	add(container.NewHBox(widget.NewLabel("Date"), ui.Sized(v.evDate, 110), widget.NewLabel("Name"), ui.Sized(v.evName, 200),
		widget.NewLabel("Kind"), v.evKind, widget.NewLabel("Symbol"), ui.Sized(v.evSym, 80), addBtn))
	add(widget.NewSeparator(), ui.Bold("8. Limits"))
	v.findings(res.Run.Limits, "Every limit is respected.")
	if len(res.Notes) > 0 {
		add(widget.NewSeparator(), ui.Bold("Notes"))
		for _, n := range res.Notes {
			add(ui.Wrapped(n, widget.LowImportance))
		}
	}
	add(widget.NewSeparator(), ui.Bold("9. Log the run — then done: don't think about it until tomorrow"))
}

func (v *ChecklistView) findings(fs []hedge.Finding, none string) {
	if len(fs) == 0 && none != "" {
		v.steps.Add(ui.Wrapped(none, widget.SuccessImportance))
	}
	for _, f := range fs {
		v.steps.Add(ui.Wrapped(fmt.Sprintf("[%s] %s", f.Severity, f.Text), findingImportance(f.Severity)))
	}
}

// prefill records the proposal (so the desk knows the order is the checklist's) and opens
// the ticket with it; the ticket shows the confirmation and sends it through the desk.
func (v *ChecklistView) prefill(o desk.ChecklistOrder, btn *widget.Button) {
	d := v.env.Desk
	btn.Disable()
	v.Background(func() func() {
		id, err := d.ProposeChecklistOrder(v.ctx, o)
		return func() {
			if err != nil {
				btn.Enable()
				ui.SetLabel(v.status, "Could not record the proposal: "+err.Error(), widget.DangerImportance)
				return
			}
			v.props = append(v.props, id)
			v.actions = append(v.actions, o.Scope+": "+o.Words)
			if v.env.Open != nil {
				order := o.Order
				v.env.Open("ticket", &order)
			}
			btn.SetText("Prefilled in the ticket")
		}
	})
}

// logRun journals the run with every step's figures and what was done.
func (v *ChecklistView) logRun() {
	if v.result == nil || v.logged || v.env.Desk == nil {
		return
	}
	d, res, started := v.env.Desk, *v.result, v.started
	props, action := append([]int64(nil), v.props...), strings.Join(v.actions, "; ")
	sched := desk.ScheduledAt(started, v.settings.Hour, v.settings.Minute)
	v.logBtn.Disable()
	v.Background(func() func() {
		id, err := d.LogChecklistRun(v.ctx, res, sched, started, action, props, "window")
		return func() {
			if err != nil {
				v.logBtn.Enable()
				ui.SetLabel(v.status, "Not logged: "+err.Error(), widget.DangerImportance)
				return
			}
			v.logged = true
			ui.SetLabel(v.status, fmt.Sprintf("Logged as run %d. Done — don't think about it until tomorrow.", id), widget.SuccessImportance)
		}
	})
}

func (v *ChecklistView) addEvent() {
	d := v.env.Desk
	if d == nil {
		ui.SetLabel(v.status, "Event not added: the desk is not running.", widget.DangerImportance)
		return
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v.evDate.Text), instrument.NewYork)
	if err != nil {
		ui.SetLabel(v.status, fmt.Sprintf("Event not added: date %q — write it as 2026-12-16.", v.evDate.Text), widget.DangerImportance)
		return
	}
	e := data.MarketEvent{At: day.Add(14 * time.Hour), Name: v.evName.Text, Kind: v.evKind.Selected, Symbol: v.evSym.Text}
	if strings.EqualFold(strings.TrimSpace(e.Symbol), "all") {
		e.Symbol = ""
	}
	v.Background(func() func() {
		_, err := d.AddMarketEvent(v.ctx, e)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Event not added: "+err.Error(), widget.DangerImportance)
				return
			}
			v.evName.SetText("")
			v.evDate.SetText("")
			v.run()
		}
	})
}

func (v *ChecklistView) removeEvent(id int64) {
	d := v.env.Desk
	if d == nil {
		ui.SetLabel(v.status, "Event not removed: the desk is not running.", widget.DangerImportance)
		return
	}
	v.Background(func() func() {
		err := d.DeleteMarketEvent(v.ctx, id)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Event not removed: "+err.Error(), widget.DangerImportance)
				return
			}
			v.run()
		}
	})
}

// Window is the daily hedging checklist window.
func Window() ui.Window {
	return ui.Window{
		Name:  "checklist",
		Title: "Keel — Daily hedging checklist",
		Size:  fyne.NewSize(1280, 860),
		Key:   fyne.KeyH,
		Build: func(env ui.Env) fyne.CanvasObject {
			v := NewChecklistView(env)
			return ui.NewRoot(v.Content(), v.Settle, nil)
		},
	}
}

// ReviewWindow is the weekly hedging review window.
func ReviewWindow() ui.Window {
	return ui.Window{
		Name:  "review",
		Title: "Keel — Weekly hedging review",
		Size:  fyne.NewSize(1180, 760),
		Key:   fyne.KeyW,
		Build: func(env ui.Env) fyne.CanvasObject {
			v := NewReviewView(env)
			return ui.NewRoot(v.Content(), v.Settle, nil)
		},
	}
}
