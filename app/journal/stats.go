package journal

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// chartPane is one chart of the Stats tab.
type chartPane struct {
	title, unit, dates string
	monthly            bool // bars by month, a tick per month
	chart              *widgets.Chart
}

func newChartPane(title, unit, dates string) *chartPane {
	return &chartPane{title: title, unit: unit, dates: dates,
		chart: widgets.NewChart(widgets.ChartSpec{Title: title, Unit: unit, DateLabel: dates})}
}

func (p *chartPane) set(series ...widgets.Series) {
	p.chart.SetSpec(widgets.ChartSpec{Title: p.title, Unit: p.unit, DateLabel: p.dates, Series: series, Dots: true, Monthly: p.monthly})
}

// money converts journal money to a float for drawing only.
func money(d decimal.Decimal) float64 { return d.InexactFloat64() }

// loadStats reviews the trades the current filter selects.
func (v *JournalView) loadStats() {
	v.statsGen++
	gen, f := v.statsGen, v.filter
	v.Background(func() func() {
		st, err := v.j.Stats(v.ctx, f)
		return func() {
			if gen != v.statsGen {
				return
			}
			if err != nil {
				v.statsGrid.Objects = []fyne.CanvasObject{widget.NewLabel("Could not review the trades: " + err.Error())}
				v.statsGrid.Refresh()
				return
			}
			v.showStats(st)
		}
	})
}

func (v *JournalView) showStats(st data.Stats) {
	costShare := "— (no premium)"
	if st.HasCostShare {
		costShare = pctDec(st.CostShare)
	}
	winRate, avgDays := "— (none closed)", "— (none closed)"
	if st.Closed > 0 {
		winRate = fmt.Sprintf("%s (%d of %d closed)", pct(st.WinRate), st.Wins, st.Closed)
		avgDays = fmt.Sprintf("%.1f", st.AvgDaysHeld)
	}
	pnl := figureLabel(ui.USD(st.RealizedPnL))
	if st.RealizedPnL.IsNegative() {
		pnl.Importance = widget.DangerImportance
	}
	cells := []fyne.CanvasObject{
		widget.NewLabel("Premium collected ($)"), figureLabel(ui.USD(st.Premium)),
		widget.NewLabel("Trades"), figureLabel(fmt.Sprintf("%d (%d open, %d closed)", st.Trades, st.Open, st.Closed)),
		widget.NewLabel("Transaction costs ($)"), figureLabel(ui.USD(st.TransactionCosts)),
		widget.NewLabel("Win rate (%)"), figureLabel(winRate),
		widget.NewLabel("Hedging costs ($)"), figureLabel(ui.USD(st.HedgingCosts)),
		widget.NewLabel("Average days held (days)"), figureLabel(avgDays),
		widget.NewLabel("Costs / premium (%)"), figureLabel(costShare),
		widget.NewLabel("Hedges / rolls"), figureLabel(format.Count(st.Hedges, "hedge", "hedges") + " / " + format.Count(st.Rolls, "roll", "rolls")),
		widget.NewLabel("Realized P&L ($)"), pnl,
		widget.NewLabel(""), widget.NewLabel(""),
	}
	v.statsGrid.Objects = cells
	v.statsGrid.Refresh()

	cum := widgets.Series{Name: "Cumulative realized P&L ($)"}
	for _, p := range st.PnL {
		cum.Times = append(cum.Times, p.Day)
		cum.Values = append(cum.Values, money(p.Cumulative))
	}
	prem := widgets.Series{Name: "Premium ($)"}
	costs := widgets.Series{Name: "Costs ($)"}
	for _, m := range st.ByMonth {
		prem.Times = append(prem.Times, m.Month)
		prem.Values = append(prem.Values, money(m.Premium))
		costs.Times = append(costs.Times, m.Month)
		costs.Values = append(costs.Values, money(m.Costs))
	}
	v.pnlChart.set(cum)
	v.costChart.set(prem, costs)
}

func figureLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
}
