package lab

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"
)

// Size is the Lab window's opening size.
var Size = fyne.NewSize(1270, 670)

// Choices of the path model and costs.
const (
	modelGBM  = "GBM (constant volatility)"
	modelSVJ  = "Stochastic vol + jumps (the paper market's)"
	costsReal = "The hedge's commission + half-spread"
	costsNone = "None (as Derman–Kamal)"
)

// Seed is the lab's seed: every run of the same inputs draws the same paths.
const Seed = 1

// MaxSteps bounds the time grid of a long-dated subject (four steps a calendar day).
const MaxSteps = 2000

// View is the Lab window's content.
type View struct {
	ui.Work
	*runner
	env ui.Env

	choices     []choice
	subject     *widget.Select
	subjectNote *widget.Label
	families    *widget.CheckGroup
	every       *ui.Entry
	widths      *ui.Entry
	model       *widget.RadioGroup
	costs       *widget.RadioGroup
	paths       *ui.Entry

	table    *widget.Table
	frontier *widgets.XYChart
	hist     *widgets.XYChart
	use      *widget.Button
	useNote  *widget.Label

	// The run shown, touched on the UI goroutine only.
	points   []lab.Point
	ran      Subject
	stepDays float64 // one step of the last run's grid, days (kept with a chosen policy)
	selected int     // row of points, −1 for none
	// selectWhenDone is the row Autorun selects when the run ends (−1: none).
	selectWhenDone int

	// Strategy is the Strategy tab; tabs holds it and the policies' tab.
	Strategy *StrategyView
	tabs     *container.AppTabs

	content fyne.CanvasObject
}

// Autorun, given to the window as its Env.Arg, picks the subject by its label in the
// list, sets the number of paths (0 keeps the default) and runs at once; Select is the
// row selected when the run ends (−1 for none). The screenshots use it.
type Autorun struct {
	Subject string
	Paths   int
	Select  int
}

// New builds the Lab window on env: the subjects are the ready examples plus the layers and
// the book of the desk's latest snapshot.
func New(env ui.Env) *View {
	v := &View{env: env, selected: -1, selectWhenDone: -1}
	var snap *desk.Snapshot
	if env.Desk != nil {
		snap = env.Desk.Latest()
	}
	v.choices = choices(snap)
	var labels []string
	for _, c := range v.choices {
		labels = append(labels, c.Label)
	}
	v.subjectNote = ui.Wrapped("", widget.LowImportance)
	v.subject = widget.NewSelect(labels, func(string) { v.describeSubject() })
	var fams []string
	for _, f := range lab.Families {
		fams = append(fams, string(f))
	}
	v.families = widget.NewCheckGroup(fams, nil)
	v.families.SetSelected(fams)
	v.every = ui.NewEntry()
	v.every.SetText("1, 2, 5, 10, 21")
	v.widths = ui.NewEntry()
	v.widths.SetText("0.5, 1, 2, 4, 8")
	v.model = widget.NewRadioGroup([]string{modelGBM, modelSVJ}, nil)
	v.model.Required = true
	v.model.SetSelected(modelGBM)
	v.costs = widget.NewRadioGroup([]string{costsReal, costsNone}, nil)
	v.costs.Required = true
	v.costs.SetSelected(costsReal)
	v.paths = ui.NewEntry()
	v.paths.SetText("2000")
	v.runner = newRunner(v.Run, "Pick a subject and the policies, then Run.")

	v.table = widget.NewTable(func() (int, int) { return len(v.points), len(columns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { v.cell(id, o.(*widget.Label)) })
	ui.SetHeaders(v.table, len(columns), func(i int) (string, float32, bool) {
		title := columns[i].title
		if i == bandColumn {
			title = "Band, " + bandUnit(v.ran.Position)
		}
		return title, columns[i].width, columns[i].trailing
	})
	v.table.OnSelected = func(id widget.TableCellID) { v.selected = id.Row; v.redraw() }
	v.frontier = widgets.NewXYChart(v.frontierSpec())
	v.hist = widgets.NewXYChart(v.histSpec())
	v.use = widget.NewButton("Use this policy", v.UsePolicy)
	v.use.Disable()
	v.useNote = ui.Wrapped("Select a row to keep its policy and band for the layer or the book.", widget.LowImportance)

	if len(labels) > 0 {
		v.subject.SetSelectedIndex(0)
	}
	auto, autorun := env.Arg.(Autorun)
	if autorun {
		for i, c := range v.choices {
			if c.Label == auto.Subject {
				v.subject.SetSelectedIndex(i)
			}
		}
		if auto.Paths > 0 {
			v.paths.SetText(fmt.Sprint(auto.Paths))
		}
	}
	form := widget.NewForm(
		widget.NewFormItem("Subject", v.subject),
		widget.NewFormItem("", v.subjectNote),
		widget.NewFormItem("Policies", v.families),
		widget.NewFormItem("Time-based", labelled(v.every, "every N steps")),
		widget.NewFormItem("Band widths", labelled(v.widths, "× one step's delta move")),
		widget.NewFormItem("Paths", v.model),
		widget.NewFormItem("Costs", v.costs),
		widget.NewFormItem("Number of paths", v.paths),
	)
	left := container.NewBorder(nil, v.strip(), nil, nil, container.NewVScroll(form))
	results := container.NewBorder(nil, container.NewBorder(nil, nil, nil, v.use, v.useNote), nil, nil, v.table)
	charts := container.NewGridWithColumns(2, v.frontier, v.hist)
	right := container.NewVSplit(results, charts)
	right.Offset = 0.42
	split := container.NewHSplit(left, right)
	split.Offset = 0.3
	v.Strategy = NewStrategy(env)
	v.tabs = container.NewAppTabs(container.NewTabItem("Hedging policies", split),
		container.NewTabItem("Strategy", v.Strategy.Content()))
	v.content = ui.NewRoot(v.tabs, v.Settle, func() { v.Cancel(); v.Strategy.Cancel() })
	if autorun {
		v.selectWhenDone = auto.Select
		v.Run()
	}
	return v
}

func labelled(e *ui.Entry, unit string) fyne.CanvasObject {
	l := widget.NewLabel(unit)
	l.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, l, e)
}

// Settle waits until the runs started so far have been applied and the charts drawn.
func (v *View) Settle() {
	v.Wait()
	<-v.frontier.Drawn()
	<-v.hist.Drawn()
	v.Strategy.Settle()
}

// ShowStrategy brings the Strategy tab to the front.
func (v *View) ShowStrategy() { v.tabs.SelectIndex(1) }

// Content is the window content.
func (v *View) Content() fyne.CanvasObject { return v.content }

func (v *View) chosen() (choice, bool) {
	i := v.subject.SelectedIndex()
	if i < 0 || i >= len(v.choices) {
		return choice{}, false
	}
	return v.choices[i], true
}

// describeSubject says what the chosen subject is, or why the lab cannot run it.
func (v *View) describeSubject() {
	c, ok := v.chosen()
	if !ok {
		return
	}
	if c.Err != nil {
		ui.SetLabel(v.subjectNote, c.Err.Error(), widget.DangerImportance)
		return
	}
	p := c.Subject.Position
	var legs []string
	for _, l := range p.Legs {
		side := "long"
		if l.Quantity < 0 {
			side = "short"
		}
		legs = append(legs, fmt.Sprintf("%s %s %g %s", side, ui.Num(math.Abs(l.Quantity), 0), l.Strike, plural(l.Right.String(), l.Quantity)))
	}
	text := fmt.Sprintf("%s on %s at %s, %.0f days, vol %.1f%%; hedged with %s", strings.Join(legs, ", "),
		underlyingWord(p), ui.Num(p.Spot, 2), p.Years*365, 100*p.Vol, c.Subject.Hedge.Name)
	if len(c.Subject.Notes) > 0 {
		text += ". " + strings.Join(c.Subject.Notes, "; ")
	}
	ui.SetLabel(v.subjectNote, text, widget.LowImportance)
}

// bandUnit is what a delta band is counted in: shares, or index units of the future (one
// ES future is 50 of them).
func bandUnit(p lab.Position) string {
	if p.Underlying == pricing.Futures {
		return "index units"
	}
	return "shares"
}

func plural(word string, n float64) string {
	if math.Abs(n) == 1 {
		return word
	}
	return word + "s"
}

func underlyingWord(p lab.Position) string {
	if p.Underlying == pricing.Futures {
		return "the future"
	}
	return "the shares"
}

// experiment is the run the form asks for, or what is wrong with the form.
func (v *View) experiment() (lab.Experiment, Subject, error) {
	c, ok := v.chosen()
	if !ok {
		return lab.Experiment{}, Subject{}, errors.New("pick a subject")
	}
	if c.Err != nil {
		return lab.Experiment{}, Subject{}, c.Err
	}
	s := c.Subject
	paths, err := parseList("number of paths", v.paths.Text)
	if err != nil || len(paths) != 1 || paths[0] != math.Trunc(paths[0]) || paths[0] < 100 || paths[0] > 1_000_000 {
		return lab.Experiment{}, s, fmt.Errorf("number of paths: give a whole number from 100 to 1,000,000")
	}
	every, err := parseList("time-based", v.every.Text)
	if err != nil {
		return lab.Experiment{}, s, err
	}
	widths, err := parseList("band widths", v.widths.Text)
	if err != nil {
		return lab.Experiment{}, s, err
	}
	steps := min(max(int(math.Round(s.Position.Years*365))*4, 4), MaxSteps)
	e := lab.Experiment{Position: s.Position, Hedge: s.Hedge, Steps: steps, Paths: int(paths[0]), Seed: Seed}
	if v.costs.Selected == costsNone {
		e.Hedge = hedge.Instrument{}
	}
	e.Model = lab.Model{Kind: lab.GBM}
	if v.model.Selected == modelSVJ {
		e.Model.Kind = lab.SVJ
	}
	if s.Position.Underlying == pricing.Spot {
		e.Model.Drift = s.Position.Rate
	}
	lambda := e.Lambda
	if len(e.Hedge.Lots) > 0 {
		lambda = e.Hedge.ProportionalCost(s.Position.Spot)
	}
	var fams []lab.Family
	for _, f := range lab.Families {
		for _, sel := range v.families.Selected {
			if sel == string(f) {
				fams = append(fams, f)
			}
		}
	}
	if e.Policies, err = sweeps(s.Position, steps, lambda, fams, every, widths); err != nil {
		return lab.Experiment{}, s, err
	}
	return e, s, nil
}

// Run starts the experiment the form describes off the UI goroutine; each point reaches the
// table and charts as it finishes.
func (v *View) Run() {
	e, s, err := v.experiment()
	if err != nil {
		ui.SetLabel(v.status, err.Error(), widget.DangerImportance)
		return
	}
	v.points, v.ran, v.selected = nil, s, -1
	v.table.UnselectAll()
	v.table.Refresh()
	v.use.Disable()
	v.redraw()
	v.stepDays = e.Position.Years * 365 / float64(e.Steps) // as the report's StepDays
	v.launch(&v.Work, fmt.Sprintf("Running %s paths × %d steps …", ui.Num(float64(e.Paths), 0), e.Steps),
		func() string { return fmt.Sprintf("Cancelled after %d results.", len(v.points)) },
		func(ctx context.Context, live func(func())) (func() string, error) {
			rep, err := lab.Run(ctx, e, func(p lab.Point) { live(func() { v.addPoint(p) }) })
			return func() string {
				v.points = v.points[:0]
				for _, pr := range rep.Policies {
					v.points = append(v.points, pr.Points...)
				}
				v.table.Refresh()
				v.redraw()
				if r := v.selectWhenDone; r >= 0 && r < len(v.points) {
					// Not table.Select: it scrolls a table that may have no size yet.
					v.selected = r
					v.redraw()
				}
				return fmt.Sprintf("%s: %s %s paths, %d steps of %.2g days, seed %d; %s; value %s, vega %s per vol point.",
					format.Count(len(v.points), "result", "results"), ui.Num(float64(rep.Paths), 0), rep.Model, rep.Steps, rep.StepDays, rep.Seed,
					hedgeWords(rep), ui.SignedUSD(rep.Value), ui.WholeUSD(rep.Vega))
			}, err
		})
}

func hedgeWords(r lab.Report) string {
	if r.Hedge == "divisible" {
		return "hedged without costs in any size"
	}
	return fmt.Sprintf("hedged with %s at %.2g%% of value traded", r.Hedge, 100*r.Lambda)
}

// addPoint shows one more finished point, marking each policy's efficient points so far.
func (v *View) addPoint(p lab.Point) {
	v.points = append(v.points, p)
	markEfficient(v.points)
	if p.Total > 0 {
		v.progress.SetValue(float64(p.Done) / float64(p.Total))
	}
	v.table.Refresh()
	v.redraw()
}

// markEfficient sets Efficient on each policy's points no other point of the same policy
// beats on both cost and risk (lab.Frontier, as the final report marks them).
func markEfficient(pts []lab.Point) {
	start := 0
	for i := 1; i <= len(pts); i++ {
		if i < len(pts) && pts[i].Policy == pts[start].Policy {
			continue
		}
		group := pts[start:i]
		for k := range group {
			group[k].Efficient = false
		}
		for _, k := range lab.Frontier(group) {
			group[k].Efficient = true
		}
		start = i
	}
}

// redraw gives the charts the points shown and the Use button its state.
func (v *View) redraw() {
	v.frontier.SetSpec(v.frontierSpec())
	v.hist.SetSpec(v.histSpec())
	switch {
	case v.selected < 0 || v.selected >= len(v.points):
		v.use.Disable()
		ui.SetLabel(v.useNote, "Select a row to keep its policy and band for the layer or the book.", widget.LowImportance)
	case v.ran.Scope == "":
		v.use.Disable()
		ui.SetLabel(v.useNote, "An example is no layer of yours: run a layer or the book to keep a policy.", widget.LowImportance)
	default:
		v.use.Enable()
		ui.SetLabel(v.useNote, "Keep "+string(v.points[v.selected].Policy)+" "+v.points[v.selected].Label+" for "+scopeWords(v.ran.Scope)+".", widget.MediumImportance)
	}
}

func scopeWords(scope string) string {
	if scope == desk.BookScope {
		return "the book"
	}
	return "layer " + scope
}

// UsePolicy keeps the selected row's policy and band for the subject's layer or the book,
// through the desk.
func (v *View) UsePolicy() {
	if v.selected < 0 || v.selected >= len(v.points) || v.ran.Scope == "" || v.env.Desk == nil {
		return
	}
	p := v.points[v.selected]
	hp := desk.HedgePolicy{Scope: v.ran.Scope, Policy: string(p.Policy), Param: p.Param, ParamUnit: p.Policy.ParamUnit(),
		Label: p.Label, StartBand: p.StartBand, MeasuredOn: v.ran.Name, StepDays: v.stepDays}
	d := v.env.Desk
	v.Background(func() func() {
		err := d.SaveHedgePolicy(context.Background(), hp)
		return func() {
			if err != nil {
				ui.SetLabel(v.useNote, err.Error(), widget.DangerImportance)
				return
			}
			ui.SetLabel(v.useNote, "Kept "+hp.Policy+" "+hp.Label+" for "+scopeWords(hp.Scope)+": the daily checklist hedges it by this policy (its notes say when it cannot).", widget.SuccessImportance)
		}
	})
}

// Points are the results shown (UI goroutine).
func (v *View) Points() []lab.Point { return v.points }
