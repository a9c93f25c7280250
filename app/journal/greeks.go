package journal

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"
)

// realizedWindow is how many daily closes the rolling realized volatility spans.
const realizedWindow = 10

// greekTab is the journal's "P&L by Greek" tab: the book's daily P&L explained by delta,
// gamma, theta and vega, cumulated, and an underlying's realized against implied volatility.
type greekTab struct {
	note       *widget.Label
	pnl        *chartPane
	vol        *chartPane
	underlying *widget.Select
	book       string
	gen        int
}

func (v *JournalView) buildGreekTab() fyne.CanvasObject {
	t := &greekTab{
		note: widget.NewLabel(""),
		pnl:  newChartPane("Cumulative P&L by Greek", "$", "Day"),
		vol:  newChartPane("Realized vs implied volatility", "%", "Day"),
	}
	t.note.Wrapping = fyne.TextWrapWord
	t.underlying = widget.NewSelect(nil, func(string) { v.loadVol() })
	v.greeks = t
	return container.NewBorder(t.note, nil, nil, nil, container.NewGridWithColumns(2, t.pnl.chart,
		container.NewBorder(container.NewHBox(widget.NewLabel("Underlying"), t.underlying), nil, nil, nil, t.vol.chart)))
}

// greekBook is the book the tab shows: the filter's account, else the first account that is
// not the sample history.
func (v *JournalView) greekBook() (string, string) {
	if a := v.selectedAccount(); a != nil {
		return data.Book(a.Broker, a.Account), accountName(*a)
	}
	for _, a := range v.accounts {
		if !a.Sample {
			return data.Book(a.Broker, a.Account), accountName(a)
		}
	}
	return "", ""
}

// loadGreekPnL reads the attribution of the tab's book.
func (v *JournalView) loadGreekPnL() {
	t := v.greeks
	t.gen++
	gen := t.gen
	book, name := v.greekBook()
	t.book = book
	if book == "" {
		t.note.SetText("No account to explain yet.")
		return
	}
	v.Background(func() func() {
		rows, err := v.j.Attribution(v.ctx, book, data.AttributionFilter{})
		unders, uerr := v.j.RecordedUnderlyings(v.ctx, book)
		return func() {
			if gen != t.gen {
				return
			}
			if err == nil {
				err = uerr
			}
			if err != nil {
				t.note.SetText("Could not read the P&L by Greek: " + err.Error())
				return
			}
			days := data.SumByDay(rows)
			t.note.SetText(greekNote(name, days))
			t.pnl.set(cumulativeSeries(days)...)
			sel := t.underlying.Selected
			t.underlying.Options = unders
			if !containsString(unders, sel) && len(unders) > 0 {
				sel = unders[0]
			}
			t.underlying.Refresh()
			if sel != "" {
				t.underlying.SetSelected(sel) // loads the vol chart
			}
		}
	})
}

func greekNote(account string, days []data.AttributionRow) string {
	if len(days) == 0 {
		return account + ": no P&L explained yet. The desk records each position's Greeks through the day; from the second day on, each day's P&L is split into delta, gamma, theta and vega (from the previous close's Greeks) and what they do not explain."
	}
	var tot data.AttributionRow
	for _, d := range days {
		tot.Delta, tot.Gamma, tot.Theta, tot.Vega = tot.Delta+d.Delta, tot.Gamma+d.Gamma, tot.Theta+d.Theta, tot.Vega+d.Vega
		tot.Unexplained, tot.Actual = tot.Unexplained+d.Unexplained, tot.Actual+d.Actual
	}
	return fmt.Sprintf("%s, %s from %s: delta %s · gamma %s · theta %s · vega %s · unexplained %s · actual %s",
		account, format.Count(len(days), "day", "days"), days[0].Day, dollars(tot.Delta), dollars(tot.Gamma), dollars(tot.Theta), dollars(tot.Vega),
		dollars(tot.Unexplained), dollars(tot.Actual))
}

// cumulativeSeries draws each Greek's P&L summed day by day.
func cumulativeSeries(days []data.AttributionRow) []widgets.Series {
	names := []string{"Delta", "Gamma", "Theta", "Vega", "Unexplained"}
	out := make([]widgets.Series, len(names))
	sums := make([]float64, len(names))
	for i, n := range names {
		out[i].Name = n
	}
	for _, d := range days {
		at, err := time.ParseInLocation(time.DateOnly, d.Day, time.UTC)
		if err != nil {
			continue
		}
		for i, x := range []float64{d.Delta, d.Gamma, d.Theta, d.Vega, d.Unexplained} {
			sums[i] += x
			out[i].Times = append(out[i].Times, at)
			out[i].Values = append(out[i].Values, sums[i])
		}
	}
	return out
}

// loadVol draws the selected underlying's rolling realized vol against the implied vol held.
func (v *JournalView) loadVol() {
	t := v.greeks
	book, under := t.book, t.underlying.Selected
	if book == "" || under == "" {
		return
	}
	gen := t.gen
	v.Background(func() func() {
		days, err := v.j.UnderlyingDays(v.ctx, book, under)
		return func() {
			if gen != t.gen || err != nil {
				return
			}
			t.vol.set(volSeries(days)...)
		}
	})
}

// volSeries is the implied vol of each day and the realized vol of the last realizedWindow
// closes, both in percent.
func volSeries(days []data.VolDay) []widgets.Series {
	implied := widgets.Series{Name: "Implied (options held)"}
	realized := widgets.Series{Name: fmt.Sprintf("Realized (%d closes)", realizedWindow)}
	for i, d := range days {
		at, err := time.ParseInLocation(time.DateOnly, d.Day, time.UTC)
		if err != nil {
			continue
		}
		if d.Implied > 0 {
			implied.Times = append(implied.Times, at)
			implied.Values = append(implied.Values, 100*d.Implied)
		}
		if i+1 >= realizedWindow {
			spots := make([]float64, 0, realizedWindow)
			for _, w := range days[i+1-realizedWindow : i+1] {
				spots = append(spots, w.Spot)
			}
			if rv, err := hedge.RealizedVol(spots, 252); err == nil {
				realized.Times = append(realized.Times, at)
				realized.Values = append(realized.Values, 100*rv)
			}
		}
	}
	return []widgets.Series{implied, realized}
}
