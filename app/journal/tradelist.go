package journal

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/format"

	"github.com/keel-desk/keel/app/ui"
)

// reloadList fetches the first page and the totals of the current filter and sort.
func (v *JournalView) reloadList() {
	v.listGen++
	gen, fgen, f, by := v.listGen, v.filterGen, v.filter, v.sortBy
	newFilter := fgen != v.listedFilter
	v.listedFilter = fgen
	v.Background(func() func() {
		trades, n, err := v.j.TradesPage(v.ctx, f, data.Page{Sort: by, Limit: journalPage})
		return func() {
			if newFilter && fgen == v.filterGen {
				// Totals, stats and P&L by Greek of this filter, once, after its first page.
				defer v.loadFiltered()
			}
			if gen != v.listGen {
				return
			}
			if err != nil {
				v.totals.SetText("Could not read the trades: " + err.Error())
				return
			}
			v.pages = map[int][]data.TradeSummary{0: trades}
			v.loading = map[int]bool{}
			v.total = n
			if newFilter {
				v.totals.SetText(format.Count(n, "trade", "trades") + " · adding up…")
			}
			v.table.UnselectAll()
			v.table.Refresh()
			v.table.ScrollToTop()
			list := data.TradeList{Trades: trades}
			if v.selected == 0 && len(list.Trades) > 0 {
				// The detail pane is never empty: it shows the first trade until one is picked.
				// (Selecting the row itself before the table is laid out leaves Fyne's table
				// scrolled by a row.)
				v.openTrade(list.Trades[0].ID)
			}
		}
	})
}

func totalsText(t data.Totals) string {
	return fmt.Sprintf("%s (%d open, %d closed) · premium %s · costs %s (commission %s, fees %s, hedges %s) · realized P&L %s",
		format.Count(t.Trades, "trade", "trades"), t.Open, t.Closed, ui.USD(t.Premium), ui.USD(t.Costs), ui.USD(t.Commission), ui.USD(t.Fees), ui.USD(t.HedgeCost),
		ui.USD(t.RealizedPnL))
}

// tradeAt returns row's trade if its page is loaded, and starts loading the page if not.
func (v *JournalView) tradeAt(row int) (data.TradeSummary, bool) {
	p := row / journalPage
	page, ok := v.pages[p]
	if !ok {
		v.loadPage(p)
		return data.TradeSummary{}, false
	}
	i := row % journalPage
	if i >= len(page) {
		return data.TradeSummary{}, false
	}
	return page[i], true
}

func (v *JournalView) loadPage(p int) {
	if v.loading[p] {
		return
	}
	v.loading[p] = true
	gen, f, by := v.listGen, v.filter, v.sortBy
	v.Background(func() func() {
		trades, _, err := v.j.TradesPage(v.ctx, f, data.Page{Sort: by, Limit: journalPage, Offset: p * journalPage})
		return func() {
			if gen != v.listGen {
				return
			}
			delete(v.loading, p)
			if err != nil {
				v.totals.SetText("Could not read the trades: " + err.Error())
				return
			}
			v.pages[p] = trades
			v.table.Refresh()
		}
	})
}

func (v *JournalView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	c := tradeColumns[id.Col]
	if c.trailing {
		l.Alignment = fyne.TextAlignTrailing
	} else {
		l.Alignment = fyne.TextAlignLeading
	}
	t, ok := v.tradeAt(id.Row)
	if !ok {
		l.Importance = widget.LowImportance
		l.SetText("…")
		return
	}
	l.Importance = widget.MediumImportance
	if c.negative != nil && c.negative(t) {
		l.Importance = widget.DangerImportance
	}
	if c.text == nil {
		text, sample := v.accountCell(t.AccountID)
		if sample {
			l.Importance = widget.WarningImportance
		}
		l.SetText(text)
		return
	}
	l.SetText(c.text(t))
}

// accountCell names a trade's account in the list: "Paper · sample" for the bundled sample
// history (shown in the warning colour, like the banner), else "tastytrade 5WT0001".
func (v *JournalView) accountCell(id int64) (string, bool) {
	for _, a := range v.accounts {
		if a.ID == id {
			if a.Sample {
				return a.Account + " · sample", true
			}
			return accountWords(a), false
		}
	}
	return fmt.Sprintf("account %d", id), false
}

func (v *JournalView) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(tradeColumns) {
		b.SetText("")
		return
	}
	c := tradeColumns[id.Col]
	text := c.title
	if c.sorts != nil {
		mark := " ⇅"
		for i, s := range c.sorts {
			if s == v.sortBy {
				mark = []string{" ↓", " ↑"}[i%2]
			}
		}
		text += mark
		b.OnTapped = func() { v.sortOn(c) }
	} else {
		b.OnTapped = nil
	}
	if c.trailing {
		b.Alignment = widget.ButtonAlignTrailing
	} else {
		b.Alignment = widget.ButtonAlignLeading
	}
	b.SetText(text)
}

// sortOn sorts by column c, or by its next order when it is already the sort.
func (v *JournalView) sortOn(c tradeColumn) {
	next := c.sorts[0]
	for i, s := range c.sorts {
		if s == v.sortBy {
			next = c.sorts[(i+1)%len(c.sorts)]
		}
	}
	v.sortBy = next
	v.reloadList()
}
