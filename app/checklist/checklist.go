package checklist

import (
	"context"
	"fmt"
	"slices"
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

// ChecklistView is the daily hedging checklist window: a wizard, one step at a time with
// Back and Next, as in the guide — the deltas against their bands, the adjustments
// (prefilled in the ticket), positions to roll or close, the deep-ITM decisions (let assign,
// roll or close), vega and the events the trader entered, the limits — each step's decision
// recorded, then a summary with the verdict (action, attention or nothing to do) and "Log
// run". It shows no P&L anywhere: the rule while hedging is "ignore P&L".
type ChecklistView struct {
	env ui.Env
	ctx context.Context
	ui.Work
	settings desk.ChecklistSettings // as saved
	bands    desk.ChecklistSettings // as this run uses them (edited bands apply at once)
	started  time.Time
	result   *desk.ChecklistResult
	events   []data.MarketEvent
	props    []int64
	actions  []string
	logged   bool
	runs     int  // runs shown since the window opened
	keep     bool // the next run keeps the step shown and the decisions (rerun)
	startAt  int

	step      int
	decisions map[int]string // the decision of each step, by index
	choices   map[int]*widget.RadioGroup

	header, status, stepTitle *widget.Label
	body                      *fyne.Container
	scroll                    *container.Scroll
	timeEntry, layerBand      *ui.Entry
	bookBand, bookHedge       *ui.Entry
	evDate, evName, evSym     *ui.Entry
	evKind                    *widget.Select
	logBtn, runBtn            *widget.Button
	backBtn, nextBtn          *widget.Button
	content                   fyne.CanvasObject
}

// NewChecklistView builds the checklist and runs it at once on the desk's latest snapshot.
func NewChecklistView(env ui.Env) *ChecklistView {
	v := &ChecklistView{env: env, ctx: context.Background(), settings: desk.DefaultChecklistSettings()}
	v.Name = "checklist" // its callbacks' line in keel --ui-stats
	v.bands = v.settings
	v.header = widget.NewLabelWithStyle("Daily hedging checklist — no emotion, just math. Ignore P&L — none is shown here.",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.header.Wrapping = fyne.TextWrapWord
	v.stepTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.stepTitle.Wrapping = fyne.TextWrapWord
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.body = container.NewVBox()
	v.scroll = container.NewVScroll(v.body)
	v.timeEntry, v.layerBand, v.bookBand, v.bookHedge = ui.NewEntry(), ui.NewEntry(), ui.NewEntry(), ui.NewEntry()
	for _, e := range []*ui.Entry{v.layerBand, v.bookBand, v.bookHedge} {
		e.OnSubmitted = func(string) { v.applyBands() }
	}
	v.runBtn = widget.NewButton("Run again", v.run)
	v.logBtn = widget.NewButton("Log run", v.logRun)
	v.logBtn.Importance = widget.HighImportance
	v.logBtn.Disable()
	v.backBtn = widget.NewButton("◀ Back", func() { v.show(v.step - 1) })
	v.nextBtn = widget.NewButton("Next ▶", func() { v.show(v.step + 1) })
	v.nextBtn.Importance = widget.HighImportance
	v.backBtn.Disable()
	v.nextBtn.Disable()
	v.evDate, v.evName, v.evSym = ui.NewEntry(), ui.NewEntry(), ui.NewEntry()
	v.evDate.SetPlaceHolder("2026-12-16")
	v.evName.SetPlaceHolder("FOMC decision")
	v.evSym.SetPlaceHolder("all")
	v.evKind = widget.NewSelect(data.MarketEventKinds, nil)
	v.evKind.SetSelected("fomc")
	top := container.NewVBox(v.header, v.stepTitle)
	v.logBtn.Hide()
	nav := container.NewBorder(nil, nil, v.backBtn, container.NewHBox(v.runBtn, v.nextBtn, v.logBtn))
	bottom := container.NewVBox(widget.NewSeparator(), v.status, nav)
	v.content = container.NewBorder(top, bottom, nil, nil, v.scroll)
	v.showSettings()
	v.load()
	return v
}

// Content is the window's content.
func (v *ChecklistView) Content() fyne.CanvasObject { return v.content }

// Settle waits for the background work to be applied.
func (v *ChecklistView) Settle() { v.Wait() }

// Reopened reruns the checklist when the window, already open, is brought forward again:
// it never shows a stale run.
func (v *ChecklistView) Reopened() { v.run() }

func (v *ChecklistView) showSettings() {
	s := v.bands
	v.timeEntry.SetText(fmt.Sprintf("%02d:%02d", v.settings.Hour, v.settings.Minute))
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

// applyBands reruns the checklist with the bands as edited, without saving them.
func (v *ChecklistView) applyBands() {
	s, err := v.readSettings()
	if err != nil {
		ui.SetLabel(v.status, "Bands not applied: "+err.Error(), widget.DangerImportance)
		return
	}
	v.bands = s
	v.rerun(stepDeltas)
}

// saveSettings saves the settings through the desk (the scheduler's time and the bands of
// every later run) and reruns with them.
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
			v.settings, v.bands = s, s
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
			v.settings, v.bands = s, s
			v.showSettings()
			if err != nil {
				ui.SetLabel(v.status, err.Error()+" — using the defaults.", widget.WarningImportance)
			}
			v.run()
		}
	})
}

// edited says whether this run's bands differ from the saved ones.
func (v *ChecklistView) edited() bool {
	return v.bands.LayerBand != v.settings.LayerBand || v.bands.BookBand != v.settings.BookBand || v.bands.BookHedge != v.settings.BookHedge
}

// rerun runs the checklist again after an edit inside the wizard (bands, events) and shows
// step at: the decisions taken so far stand where the new run still offers them.
func (v *ChecklistView) rerun(at int) {
	v.keep = true
	v.startAt = at
	v.run()
}

// run runs the checklist off the UI goroutine and starts the wizard on its first step (a
// new run, so the decisions start afresh), or, after rerun, on the step edited.
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
	cfg := v.bands.Config()
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
			keep, at := v.keep, v.startAt
			v.keep, v.startAt = false, 0
			props, actions := v.props, v.actions // orders prefilled in this sitting stay with the run edited
			if !keep {
				props, actions = nil, nil
			}
			v.result, v.events, v.started, v.props, v.actions, v.logged = &res, events, started, props, actions, false
			old := v.decisions
			v.decisions, v.choices = map[int]string{}, map[int]*widget.RadioGroup{}
			if keep {
				for i, d := range old {
					if slices.Contains(v.choicesFor(i), d) {
						v.decisions[i] = d
					}
				}
			} else {
				at = stepDeltas
			}
			v.runs++
			v.logBtn.Enable()
			v.show(at)
			text := fmt.Sprintf("Run at %s New York (market time), bands ±%s%% per layer, ±%s%% for the book, hedged with %s",
				started.In(instrument.NewYork).Format("Mon 2 Jan 15:04"), ui.Num(v.bands.LayerBand, -1), ui.Num(v.bands.BookBand, -1), v.bands.BookHedge)
			if v.edited() {
				text += " (edited for this run, not saved)"
			}
			text += labWords(res) + ". Deltas in " + res.Units + "."
			imp := widget.MediumImportance
			if eventsErr != nil {
				// The run stands; the events it shows may be missing some.
				text += " The market events could not be read: " + eventsErr.Error()
				imp = widget.WarningImportance
			}
			ui.SetLabel(v.status, text, imp)
		}
	})
}

// labWords is "; by the lab's policies: SPY options (fixed band ±3 units)" for the scopes
// a run hedged by a policy kept from the lab, "" for none.
func labWords(res desk.ChecklistResult) string {
	if len(res.FromLab) == 0 {
		return ""
	}
	var parts []string
	for _, h := range res.Run.Hedges { // in the run's order
		if w, ok := res.FromLab[h.Layer]; ok {
			parts = append(parts, h.Layer+" ("+strings.TrimPrefix(w, "the lab's ")+")")
		}
	}
	return "; by the lab's policies: " + strings.Join(parts, ", ")
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

// prefill opens the ticket with the order at once, then records the proposal (so the desk
// knows the order is the checklist's when the trader sends it) off the UI goroutine. The
// ticket shows the confirmation and sends through the desk.
func (v *ChecklistView) prefill(o desk.ChecklistOrder, btn *widget.Button) {
	d := v.env.Desk
	btn.Disable()
	if v.env.Open != nil {
		order := o.Order
		v.env.Open("ticket", &order)
	}
	btn.SetText("Prefilled in the ticket")
	v.actions = append(v.actions, o.Scope+": "+o.Words)
	v.decide(stepAdjust, decisionHedge)
	v.Background(func() func() {
		id, err := d.ProposeChecklistOrder(v.ctx, o)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Could not record the proposal (the order will count as outside the checklist): "+err.Error(), widget.DangerImportance)
				return
			}
			v.props = append(v.props, id)
		}
	})
}

// logRun journals the run with every step's figures, the decision taken at each step and
// what was done.
func (v *ChecklistView) logRun() {
	if v.result == nil || v.logged || v.env.Desk == nil {
		return
	}
	d, res, started := v.env.Desk, *v.result, v.started
	res.Decisions = v.decisionList()
	if res.Decisions[stepAdjust].Decision == decisionHedge && len(v.actions) == 0 {
		res.Decisions[stepAdjust].Decision += " (no order prefilled from the checklist)"
	}
	props := append([]int64(nil), v.props...)
	action := strings.Join(v.actions, "; ")
	if action == "" && v.result.Run.Outcome != hedge.OutcomeNothing {
		action = "none taken: " + v.decisions[stepAdjust]
	}
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
			v.rerun(stepVega)
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
			v.rerun(stepVega)
		}
	})
}

// Window is the daily hedging checklist window. Fully usable at 1280×720 and readable at
// 1024×700 (its content's minimum size fits both).
func Window() ui.Window {
	return ui.Window{
		Name:  "checklist",
		Title: "Keel — Daily hedging checklist",
		Size:  fyne.NewSize(1100, 670),
		Key:   fyne.KeyH,
		Build: func(env ui.Env) fyne.CanvasObject { return newRoot(NewChecklistView(env)) },
	}
}

// root is the checklist window's content: the ui root's Settle, and Reopened for the app to
// call when the open window is brought forward again (Ctrl+H, the scheduler).
type root struct {
	widget.BaseWidget
	v *ChecklistView
}

func newRoot(v *ChecklistView) *root {
	r := &root{v: v}
	r.ExtendBaseWidget(r)
	return r
}

func (r *root) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.v.Content()) }

// Settle waits for the view's background work.
func (r *root) Settle() { r.v.Settle() }

// Reopened reruns the checklist.
func (r *root) Reopened() { r.v.Reopened() }

// ReviewWindow is the weekly hedging review window.
func ReviewWindow() ui.Window {
	return ui.Window{
		Name:  "review",
		Title: "Keel — Weekly hedging review",
		Size:  fyne.NewSize(1100, 670),
		Key:   fyne.KeyW,
		Build: func(env ui.Env) fyne.CanvasObject {
			v := NewReviewView(env)
			return ui.NewRoot(v.Content(), v.Settle, nil)
		},
	}
}
