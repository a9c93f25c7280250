package journal

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// detailWidth is the widest the detail pane's content may need: at 1280 px the trade list
// and the detail share the window half and half, so the detail never scrolls sideways;
// tables whose text runs long wrap it in one column instead of growing (journal_test.go
// checks it on every trade of the sample history).
const detailWidth = 560

// showDetail fills the detail pane with everything the journal knows about d. Nothing in it
// scrolls on its own: the pane scrolls up and down as one, so the mouse wheel moves it from
// anywhere, and nothing is wider than the pane.
func (v *JournalView) showDetail(d data.TradeDetail) {
	title := widget.NewLabelWithStyle(fmt.Sprintf("Trade #%d · %s · %s · %s", d.ID, d.Underlying, ui.OrDash(d.Strategy), d.Status),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	acct := note("Account: " + accountName(d.Account) + " · times are New York time (ET)")
	acct.Importance = widget.MediumImportance
	objs := []fyne.CanvasObject{title, acct}
	if d.Account.Sample {
		b := note(SampleBanner)
		b.Importance = widget.WarningImportance
		objs = append(objs, b)
	}
	short := func(sym string) string { return shortSymbol(d.Underlying, sym) }

	costShare := "— (no premium)"
	if d.HasCostShare {
		costShare = pctDec(d.CostShare)
	}
	objs = append(objs, section("Summary"), grid(
		"Opened", stamp(d.OpenedAt),
		"Closed", stamp(d.ClosedAt),
		"Days held (days)", fmt.Sprintf("%.1f", d.DaysHeld),
		"Premium collected ($)", ui.USD(d.Premium),
		"Commission ($)", ui.USD(d.Commission),
		"Fees ($)", ui.USD(d.Fees),
		"Hedging costs ($)", ui.USD(d.HedgeCost),
		"Costs / premium (%)", costShare,
		"Realized P&L ($)", ui.USD(d.RealizedPnL),
		"Cumulative credit ($)", ui.USD(d.CumulativeCredit),
		"Breakevens now ($)", prices(d.Breakevens),
		"Rolls / hedges", format.Count(d.Rolls, "roll", "rolls")+" / "+format.Count(d.TradeSummary.Hedges, "hedge", "hedges"),
	))

	objs = append(objs, section("Legs"))
	legs := []string{"Side", "Open qty", "Instrument", "Opened (ET)", "Closed (ET)"}
	for _, l := range d.Legs {
		legs = append(legs, string(l.Side), qty(l.Quantity), short(l.Symbol), dayText(l.OpenedAt), dayText(l.ClosedAt))
	}
	objs = append(objs, table(5, 2, []int{1}, legs...))

	objs = append(objs, section("Fills"))
	fills := []string{"Time (ET)", "Fill", "Costs ($)", "Cash ($)", "Realized ($)"}
	for _, f := range d.Fills {
		sym := f.Symbol // the broker's own text; the leg's symbol is Keel's, shorter and the same for every broker
		if f.LegID != 0 {
			sym = legSymbol(d.Legs, f.LegID)
		}
		fills = append(fills, etTime(f.Time), fillText(f.Kind, f.Effect, qty(f.Quantity), short(sym), f.Price.String()),
			ui.USD(f.Commission.Add(f.Fees)), ui.USD(f.Cash), ui.USD(f.RealizedPnL))
	}
	objs = append(objs, table(5, 1, []int{2, 3, 4}, fills...))

	objs = append(objs, section("Roll chain"))
	chain := []string{"Time (ET)", "Step", "Legs (+ opened, − closed)", "Credit ($)", "Cumulative ($)"}
	for _, s := range d.Chain {
		change := legChange(s, short)
		if len(s.Breakevens) > 0 {
			change += " · breakevens " + prices(s.Breakevens)
		}
		chain = append(chain, etTime(s.Time), s.Step, change, ui.USD(s.Credit), ui.USD(s.Cumulative))
	}
	objs = append(objs, table(5, 2, []int{3, 4}, chain...))

	objs = append(objs, section("Hedges"))
	if len(d.Hedges) == 0 {
		objs = append(objs, note("No hedges recorded for this trade."))
	} else {
		hedges := []string{"Time (ET)", "Reason", "Policy", "Cost ($)"}
		for _, h := range d.Hedges {
			hedges = append(hedges, etTime(h.Time), h.Reason, ui.OrDash(h.Policy), ui.USD(h.Cost))
		}
		objs = append(objs, table(4, 1, []int{3}, hedges...))
	}

	objs = append(objs, section("Greeks and volatility at entry"))
	iv := entryIV(d)
	if len(d.EntryGreeks) == 0 {
		objs = append(objs, note("Greeks at entry: not recorded (the statement import carries no Greeks; Keel records them for trades it places)."))
	} else {
		greeks := []string{"Leg", "Delta\n(units)", "Gamma\n(Δ/pt)", "Theta\n($/day)", "Vega\n($/vol pt)", "IV\n(%)"}
		var spots []decimal.Decimal
		for _, g := range d.EntryGreeks {
			leg := "whole trade"
			if g.LegID != 0 {
				leg = short(legSymbol(d.Legs, g.LegID))
			}
			greeks = append(greeks, leg, ui.Num(g.Delta, 2), ui.Num(g.Gamma, 4), ui.Num(g.Theta, 2), ui.Num(g.Vega, 2), pct(g.IV))
			if !g.UnderlyingPrice.IsZero() && !containsDec(spots, g.UnderlyingPrice) {
				spots = append(spots, g.UnderlyingPrice)
			}
		}
		objs = append(objs, table(6, -1, []int{1, 2, 3, 4, 5}, greeks...))
		if len(spots) > 0 {
			objs = append(objs, grid("Underlying at entry ($)", prices(spots)))
		}
	}
	held := "not recorded yet (Keel records daily closes of the trades its desk holds; three are needed)"
	if hv := d.HoldVol; hv != nil {
		held = fmt.Sprintf("%s realized over %s", pct(hv.Realized), format.Count(hv.Days, "daily close", "daily closes"))
		if hv.Implied > 0 {
			held += fmt.Sprintf(" vs %s implied (%s)", pct(hv.Implied), volVerdict(hv.Implied-hv.Realized))
		}
	}
	objs = append(objs, grid(
		"Implied vol at entry (%)", iv,
		"Volatility while held (%)", held,
	))

	objs = append(objs, section("P&L by Greek (daily, $)"))
	if len(d.Attribution) == 0 {
		objs = append(objs, note("Not recorded: Keel explains each day's P&L by Greek for positions its desk holds from one close to the next."))
	} else {
		// One row a day (the trade's legs added up), whole dollars, so it fits the pane.
		cells := []string{"Day", "Delta", "Gamma", "Theta", "Vega", "Unexplained", "Actual"}
		var sum data.AttributionRow
		for _, a := range data.SumByDay(d.Attribution) {
			cells = append(cells, a.Day, wholeDollars(a.Delta), wholeDollars(a.Gamma), wholeDollars(a.Theta), wholeDollars(a.Vega),
				wholeDollars(a.Unexplained), wholeDollars(a.Actual))
			sum.Delta, sum.Gamma, sum.Theta, sum.Vega = sum.Delta+a.Delta, sum.Gamma+a.Gamma, sum.Theta+a.Theta, sum.Vega+a.Vega
			sum.Unexplained, sum.Actual = sum.Unexplained+a.Unexplained, sum.Actual+a.Actual
		}
		cells = append(cells, "Total", wholeDollars(sum.Delta), wholeDollars(sum.Gamma), wholeDollars(sum.Theta), wholeDollars(sum.Vega),
			wholeDollars(sum.Unexplained), wholeDollars(sum.Actual))
		objs = append(objs, table(7, -1, []int{1, 2, 3, 4, 5, 6}, cells...))
	}

	objs = append(objs, section("Tags"))
	tags := ui.NewEntry()
	tags.SetText(sortedTagText(d.Tags))
	tags.SetPlaceHolder("strategy: strangle, mistake: late roll")
	tagNote := note("")
	saveTags := widget.NewButton("Save tags", func() {
		parsed, err := parseTags(tags.Text)
		if err != nil {
			tagNote.SetText(err.Error())
			return
		}
		id := d.ID
		v.Background(func() func() {
			err := v.writable()
			if err == nil {
				err = v.w.SaveTags(v.ctx, id, parsed)
			}
			return func() {
				if err != nil {
					tagNote.SetText("Tags not saved: " + err.Error())
					return
				}
				v.refreshAfterWrite(id)
			}
		})
	})
	objs = append(objs, container.NewBorder(nil, nil, nil, saveTags, tags), tagNote)

	objs = append(objs, section(fmt.Sprintf("Lessons learned (%d)", len(d.Lessons))))
	for _, l := range d.Lessons {
		objs = append(objs, v.lessonEditor(d.ID, l))
	}
	add := ui.NewMultiLineEntry()
	add.SetPlaceHolder("What did this trade teach you?")
	add.SetMinRowsVisible(2)
	add.Wrapping = fyne.TextWrapWord
	addNote := note("")
	addBtn := widget.NewButton("Add lesson", func() {
		text := strings.TrimSpace(add.Text)
		if text == "" {
			addNote.SetText("Write the lesson first.")
			return
		}
		id := d.ID
		v.Background(func() func() {
			err := v.writable()
			if err == nil {
				_, err = v.w.AddLesson(v.ctx, data.Lesson{TradeID: id, Text: text})
			}
			return func() {
				if err != nil {
					addNote.SetText("Lesson not saved: " + err.Error())
					return
				}
				v.refreshAfterWrite(id)
			}
		})
	})
	objs = append(objs, add, container.NewBorder(nil, nil, nil, addBtn, addNote))

	v.detail.Objects = objs
	v.detail.Refresh()
	// The new content may need another width or height: lay the split out again so the
	// pane gets the width its content needs and the scroll its new height.
	v.split.Refresh()
}

// entryIV is the implied vol at entry the summary line shows: the whole trade's when Keel
// recorded one, else the legs' (one figure when they agree, the range when not), else "not
// recorded" — never "not recorded" beside a table that shows an IV.
func entryIV(d data.TradeDetail) string {
	var legs []float64
	for _, g := range d.EntryGreeks {
		if g.LegID == 0 && g.IV > 0 {
			return pct(g.IV) + " (whole trade)"
		}
		if g.IV > 0 {
			legs = append(legs, g.IV)
		}
	}
	if len(legs) == 0 {
		return "not recorded"
	}
	lo, hi := legs[0], legs[0]
	for _, x := range legs {
		lo, hi = min(lo, x), max(hi, x)
	}
	if pct(lo) == pct(hi) {
		if len(legs) == 1 {
			return pct(lo) + " (its leg)"
		}
		return fmt.Sprintf("%s (all %d legs)", pct(lo), len(legs))
	}
	return fmt.Sprintf("%s to %s across %d legs", pct(lo), pct(hi), len(legs))
}

// fillText says what a fill did: "sell to open −1 2026-12-18 450 P @ 1.51", "assignment
// (close) 1 …".
func fillText(kind, effect, q, sym, price string) string {
	what := kind
	switch {
	case kind == "fill" && strings.HasPrefix(q, "−"):
		what = "sell to " + effect
	case kind == "fill":
		what = "buy to " + effect
	case effect != "":
		what = kind + " (" + effect + ")"
	}
	return fmt.Sprintf("%s %s %s @ %s", what, q, sym, price)
}

// shortSymbol drops the trade's underlying from a leg's symbol ("SPY 2026-12-18 450 P" is
// "2026-12-18 450 P" in a SPY trade): the title already names it, and the pane is narrow.
func shortSymbol(underlying, sym string) string {
	if rest, ok := strings.CutPrefix(sym, underlying+" "); ok && underlying != "" {
		return rest
	}
	return sym
}

func containsDec(ds []decimal.Decimal, d decimal.Decimal) bool {
	for _, x := range ds {
		if x.Equal(d) {
			return true
		}
	}
	return false
}

// lessonEditor shows one lesson with Edit and Delete; Edit turns it into an entry with Save.
func (v *JournalView) lessonEditor(tradeID int64, l data.Lesson) fyne.CanvasObject {
	text := widget.NewLabel(l.Text)
	text.Wrapping = fyne.TextWrapWord
	when := widget.NewLabel(stamp(l.CreatedAt)) // one line: never wrapped, never squeezed
	when.Importance = widget.LowImportance
	entry := ui.NewMultiLineEntry()
	entry.Wrapping = fyne.TextWrapWord
	entry.Hide()
	msg := note("")
	var edit, save *widget.Button
	save = widget.NewButton("Save", func() {
		t := strings.TrimSpace(entry.Text)
		if t == "" {
			msg.SetText("A lesson cannot be empty; delete it instead.")
			return
		}
		v.Background(func() func() {
			err := v.writable()
			if err == nil {
				err = v.w.EditLesson(v.ctx, l.ID, t)
			}
			return func() {
				if err != nil {
					msg.SetText("Not saved: " + err.Error())
					return
				}
				v.refreshAfterWrite(tradeID)
			}
		})
	})
	save.Hide()
	edit = widget.NewButton("Edit", func() {
		entry.SetText(l.Text)
		text.Hide()
		entry.Show()
		edit.Hide()
		save.Show()
	})
	del := widget.NewButton("Delete", func() {
		v.Background(func() func() {
			err := v.writable()
			if err == nil {
				err = v.w.DeleteLesson(v.ctx, l.ID)
			}
			return func() {
				if err != nil {
					msg.SetText("Not deleted: " + err.Error())
					return
				}
				v.refreshAfterWrite(tradeID)
			}
		})
	})
	del.Importance = widget.DangerImportance
	// The time and the buttons on a line of their own above the text, so a long lesson
	// wraps under them instead of squeezing them.
	head := container.NewBorder(nil, nil, when, container.NewHBox(edit, save, del))
	return container.NewVBox(head, text, entry, msg)
}

// parseTags reads "kind: name, kind: name"; a tag without a kind is a strategy tag.
func parseTags(s string) ([]data.Tag, error) {
	var out []data.Tag
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, name, ok := strings.Cut(part, ":")
		if !ok {
			kind, name = string(data.StrategyTag), part
		}
		kind, name = strings.ToLower(strings.TrimSpace(kind)), strings.TrimSpace(name)
		switch data.TagKind(kind) {
		case data.StrategyTag, data.MistakeTag, data.EmotionTag:
		default:
			return nil, fmt.Errorf("tag %q: kind %q is not strategy, mistake or emotion", part, kind)
		}
		if name == "" {
			return nil, fmt.Errorf("tag %q has no name", part)
		}
		out = append(out, data.Tag{Kind: data.TagKind(kind), Name: name})
	}
	return out, nil
}

func legSymbol(legs []data.Leg, id int64) string {
	for _, l := range legs {
		if l.ID == id {
			return l.Symbol
		}
	}
	return fmt.Sprintf("leg %d", id)
}

func legChange(s data.ChainStep, short func(string) string) string {
	var parts []string
	join := func(syms []string) string {
		out := make([]string, len(syms))
		for i, sym := range syms {
			out[i] = short(sym)
		}
		return strings.Join(out, ", ")
	}
	if len(s.Opened) > 0 {
		parts = append(parts, "+ "+join(s.Opened))
	}
	if len(s.Closed) > 0 {
		parts = append(parts, "− "+join(s.Closed))
	}
	return ui.OrDash(strings.Join(parts, "; "))
}

func section(title string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
}

func note(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// grid lays out label/value pairs, one to a row; the value stands next to its label and
// takes the rest of the width (negatives in the danger colour), a long one wrapping.
func grid(kv ...string) fyne.CanvasObject {
	var cells []fyne.CanvasObject
	for i := 0; i+1 < len(kv); i += 2 {
		v := valueLabel(kv[i+1])
		v.Alignment = fyne.TextAlignLeading
		v.Wrapping = fyne.TextWrapWord
		cells = append(cells, widget.NewLabel(kv[i]), v)
	}
	return container.New(widgets.NewColumns(2, 1), cells...)
}

func valueLabel(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	if strings.HasPrefix(s, "−") {
		l.Importance = widget.DangerImportance
	}
	return l
}

// table lays out cells (the first cols are the header) in cols columns; the stretch column
// takes spare width and wraps its text (so the table is never wider than the pane), and the
// right columns are right-aligned. It does not scroll on its own.
func table(cols, stretch int, right []int, cells ...string) fyne.CanvasObject {
	isRight := map[int]bool{}
	for _, c := range right {
		isRight[c] = true
	}
	objs := make([]fyne.CanvasObject, len(cells))
	for i, s := range cells {
		col := i % cols
		var l *widget.Label
		switch {
		case i < cols:
			l = widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		case isRight[col]:
			l = valueLabel(s)
		default:
			l = widget.NewLabel(s)
		}
		if isRight[col] {
			l.Alignment = fyne.TextAlignTrailing
		}
		if col == stretch {
			l.Wrapping = fyne.TextWrapWord
		}
		objs[i] = l
	}
	if len(cells) == cols {
		objs = append(objs, note("none"))
		for len(objs)%cols != 0 {
			objs = append(objs, widget.NewLabel(""))
		}
	}
	return container.New(widgets.NewColumns(cols, stretch), objs...)
}

// dollars formats an engine figure in dollars: "$1,234.50", "−$80.00".
func dollars(x float64) string { return ui.USD(decimal.NewFromFloat(x)) }

// wholeDollars formats an engine figure in whole dollars: "$1,235", "−$80".
func wholeDollars(x float64) string { return ui.WholeUSD(x) }

// volVerdict says who earned the volatility spread (implied − realized).
func volVerdict(spread float64) string {
	switch {
	case spread > 0.005:
		return "premium sellers earned the spread"
	case spread < -0.005:
		return "the market moved more than priced"
	}
	return "about as priced"
}
