package lab

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/widgets"
)

// balanceExperiment is the experiment the contracts chart draws: the roll planner against
// naive rebalancing.
const balanceExperiment = "restore balance"

// StrategyView is the Lab window's Strategy tab: the strategy experiments of the replay on
// the simulated market (roll vs naive rebalancing, tactical on vs off, deep ITM assigned vs
// closed) over many seeds, run through the desk.
type StrategyView struct {
	ui.Work
	*runner
	env ui.Env

	seeds, days *ui.Entry
	table       *widget.Table
	chart       *widgets.XYChart

	// The run shown, touched on the UI goroutine only.
	result *desk.StrategyResult

	content fyne.CanvasObject
}

var strategyColumns = []column{
	{"Experiment", 168, false},
	{"Variant", 238, false},
	{"Most contracts", 112, true},
	{"Max margin, $", 180, true},
	{"Max drawdown, $", 140, true},
	{"P&L, $", 150, true},
}

// NewStrategy builds the Strategy tab on env.
func NewStrategy(env ui.Env) *StrategyView {
	v := &StrategyView{env: env}
	v.seeds = ui.NewEntry()
	v.seeds.SetText("20")
	v.days = ui.NewEntry()
	v.days.SetText("20")
	v.runner = newRunner(v.Run, "Each seed is a simulated market the demo book lives through with every rule armed, "+
		"once per way of running it. Choose how many, then Run.")
	v.table = widget.NewTable(func() (int, int) { return v.rows(), len(strategyColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { v.cell(id, o.(*widget.Label)) })
	ui.SetHeaders(v.table, len(strategyColumns), func(i int) (string, float32, bool) {
		c := strategyColumns[i]
		return c.title, c.width, c.trailing
	})
	v.chart = widgets.NewXYChart(v.chartSpec())
	form := widget.NewForm(
		widget.NewFormItem("Seeds", labelled(v.seeds, "markets")),
		widget.NewFormItem("Days", labelled(v.days, "trading days")),
	)
	note := ui.Wrapped("Figures are the median (10th – 90th percentile) over the seeds. Contracts count the book's "+
		"option contracts; most contracts is the largest count at any close; max drawdown is the largest fall of "+
		"net liquidation from its peak; P&L is net liquidation at the end less at the start.", widget.LowImportance)
	left := container.NewBorder(nil, v.strip(), nil, nil, container.NewVScroll(container.NewVBox(form, note)))
	right := container.NewVSplit(v.table, v.chart)
	right.Offset = 0.4
	split := container.NewHSplit(left, right)
	split.Offset = 0.19
	v.content = split
	return v
}

// Content is the tab's content.
func (v *StrategyView) Content() fyne.CanvasObject { return v.content }

// Settle waits until the run started so far has been applied and the chart drawn.
func (v *StrategyView) Settle() {
	v.Wait()
	<-v.chart.Drawn()
}

// Result is the finished run shown, nil before one (UI goroutine).
func (v *StrategyView) Result() *desk.StrategyResult { return v.result }

func (v *StrategyView) rows() int {
	if v.result == nil {
		return 0
	}
	return len(v.result.Rows)
}

// whole reads a whole number above 0 from an entry.
func whole(name, text string) (int, error) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(text), ",", ""))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s: give a whole number above 0", name)
	}
	return n, nil
}

// Run starts the experiments off the UI goroutine; the progress bar counts the passes.
func (v *StrategyView) Run() {
	seeds, err := whole("seeds", v.seeds.Text)
	if err == nil {
		var days int
		days, err = whole("days", v.days.Text)
		if err == nil {
			v.start(seeds, days)
			return
		}
	}
	ui.SetLabel(v.status, err.Error(), widget.DangerImportance)
}

func (v *StrategyView) start(seeds, days int) {
	d := v.env.Desk
	if d == nil {
		ui.SetLabel(v.status, "No desk to run the experiments on.", widget.DangerImportance)
		return
	}
	v.result = nil
	v.table.Refresh()
	v.chart.SetSpec(v.chartSpec())
	v.launch(&v.Work, fmt.Sprintf("Running %s seeds × %s trading days …", ui.Num(float64(seeds), 0), ui.Num(float64(days), 0)),
		func() string { return "Cancelled: no figures from a partial run (each seed must run every variant)." },
		func(ctx context.Context, live func(func())) (func() string, error) {
			res, err := d.RunStrategy(ctx, seeds, days, func(done, total int) {
				live(func() {
					if total > 0 {
						v.progress.SetValue(float64(done) / float64(total))
					}
				})
			})
			return func() string {
				v.result = &res
				v.table.Refresh()
				v.chart.SetSpec(v.chartSpec())
				return fmt.Sprintf("%s seeds × %s trading days from %s, every rule armed on the demo book.",
					ui.Num(float64(res.Seeds), 0), ui.Num(float64(res.Days), 0), res.Start.Format("2 Jan 2006"))
			}, err
		})
}

// spread is a figure's median with its 10th–90th percentile range, whole numbers.
func spread(q desk.Quantiles) string {
	return fmt.Sprintf("%s (%s – %s)", ui.Num(q.P50, 0), ui.Num(q.P10, 0), ui.Num(q.P90, 0))
}

func (v *StrategyView) cell(id widget.TableCellID, l *widget.Label) {
	if v.result == nil || id.Row >= len(v.result.Rows) {
		ui.SetCell(l, "", widget.MediumImportance, fyne.TextAlignLeading)
		return
	}
	r := v.result.Rows[id.Row]
	right := fyne.TextAlignTrailing
	switch id.Col {
	case 0:
		ui.SetLongCell(l, r.Experiment, widget.MediumImportance)
	case 1:
		ui.SetLongCell(l, r.Variant, widget.MediumImportance)
	case 2:
		ui.SetCell(l, spread(r.MaxContracts), widget.MediumImportance, right)
	case 3:
		ui.SetCell(l, spread(r.MaxMargin), widget.MediumImportance, right)
	case 4:
		ui.SetCell(l, spread(r.MaxDrawdown), widget.MediumImportance, right)
	case 5:
		ui.SetCell(l, spread(r.PnL), ui.MoneyImportance(r.PnL.P50 < 0), right)
	}
}

// shortVariant names a variant in the chart's key: "naive: add size …" is "naive".
func shortVariant(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		return s[:i]
	}
	return s
}

// chartSpec is the book's option contracts at each close, naive rebalancing vs the roll
// planner: the median over the seeds and the 10th and 90th percentiles.
func (v *StrategyView) chartSpec() widgets.XYSpec {
	spec := widgets.XYSpec{Title: "Contracts over time, roll vs naive (median, 10th and 90th percentile over the seeds)",
		XLabel: "trading day", YLabel: "option contracts in the book", Dots: true, YFromZero: true, XWhole: true}
	if v.result == nil {
		return spec
	}
	// The medians first, then the 10th and the 90th percentiles, each naive then roll, so
	// the palette keeps the two medians apart and the roll planner is drawn over naive
	// where they meet.
	var naive, roll []widgets.XYSeries
	for _, r := range v.result.Rows {
		if r.Experiment != balanceExperiment {
			continue
		}
		name := shortVariant(r.Variant)
		med := widgets.XYSeries{Name: name + " median"}
		lo := widgets.XYSeries{Name: name + " 10th"}
		hi := widgets.XYSeries{Name: name + " 90th"}
		for _, d := range r.ContractsByDay {
			x := float64(d.Day)
			med.X, med.Y = append(med.X, x), append(med.Y, d.P50)
			lo.X, lo.Y = append(lo.X, x), append(lo.Y, d.P10)
			hi.X, hi.Y = append(hi.X, x), append(hi.Y, d.P90)
		}
		if name == "naive" {
			naive = []widgets.XYSeries{med, lo, hi}
		} else {
			roll = []widgets.XYSeries{med, lo, hi}
		}
	}
	if len(naive) == 3 && len(roll) == 3 {
		for k := 0; k < 3; k++ {
			spec.Series = append(spec.Series, naive[k], roll[k])
		}
	}
	return spec
}
