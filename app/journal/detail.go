package journal

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// showDetail fills the detail pane with everything the journal knows about d.
func (v *JournalView) showDetail(d data.TradeDetail) {
	title := widget.NewLabelWithStyle(fmt.Sprintf("Trade #%d · %s · %s · %s", d.ID, d.Underlying, ui.OrDash(d.Strategy), d.Status),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	acct := widget.NewLabel("Account: " + accountName(d.Account))
	objs := []fyne.CanvasObject{title, acct}
	if d.Account.Sample {
		b := widget.NewLabel(SampleBanner)
		b.Importance = widget.WarningImportance
		objs = append(objs, b)
	}

	costShare := "— (no premium)"
	if d.HasCostShare {
		costShare = pctDec(d.CostShare)
	}
	objs = append(objs, section("Summary"), grid(2,
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
		"Breakevens now (underlying $)", prices(d.Breakevens),
		"Rolls / hedges (count)", fmt.Sprintf("%d / %d", d.Rolls, d.TradeSummary.Hedges),
	))

	objs = append(objs, section("Legs"))
	legs := []string{"Side", "Open qty", "Instrument", "Opened", "Closed"}
	for _, l := range d.Legs {
		legs = append(legs, string(l.Side), qty(l.Quantity), l.Symbol, dayText(l.OpenedAt), dayText(l.ClosedAt))
	}
	objs = append(objs, table(5, 2, []int{1}, legs...))

	objs = append(objs, section("Fills"))
	fills := []string{"Time", "Kind", "Effect", "Instrument", "Qty", "Price", "Costs ($)", "Cash ($)", "Realized ($)"}
	for _, f := range d.Fills {
		fills = append(fills, stamp(f.Time), f.Kind, f.Effect, f.Symbol, qty(f.Quantity), f.Price.String(),
			ui.USD(f.Commission.Add(f.Fees)), ui.USD(f.Cash), ui.USD(f.RealizedPnL))
	}
	objs = append(objs, table(9, 3, []int{4, 5, 6, 7, 8}, fills...))

	objs = append(objs, section("Roll chain"))
	chain := []string{"Time", "Step", "Opened / closed", "Credit ($)", "Cumulative ($)", "Breakevens ($)"}
	for _, s := range d.Chain {
		chain = append(chain, stamp(s.Time), s.Step, legChange(s), ui.USD(s.Credit), ui.USD(s.Cumulative), prices(s.Breakevens))
	}
	objs = append(objs, table(6, 2, []int{3, 4}, chain...))

	objs = append(objs, section("Hedges"))
	if len(d.Hedges) == 0 {
		objs = append(objs, note("No hedges recorded for this trade."))
	} else {
		hedges := []string{"Time", "Reason", "Policy", "Cost ($)"}
		for _, h := range d.Hedges {
			hedges = append(hedges, stamp(h.Time), h.Reason, ui.OrDash(h.Policy), ui.USD(h.Cost))
		}
		objs = append(objs, table(4, 1, []int{3}, hedges...))
	}

	objs = append(objs, section("Greeks and volatility at entry"))
	iv := "not recorded"
	if len(d.EntryGreeks) == 0 {
		objs = append(objs, note("Greeks at entry: not recorded (the statement import carries no Greeks; Keel records them for trades it places)."))
	} else {
		greeks := []string{"Leg", "Delta (units)", "Gamma (Δ/pt)", "Theta ($/day)", "Vega ($/vol pt)", "IV (%)", "Underlying ($)"}
		for _, g := range d.EntryGreeks {
			leg := "whole trade"
			if g.LegID != 0 {
				leg = legSymbol(d.Legs, g.LegID)
			}
			greeks = append(greeks, leg, ui.Num(g.Delta, 2), ui.Num(g.Gamma, 4),
				ui.Num(g.Theta, 2), ui.Num(g.Vega, 2), pct(g.IV), ui.USD(g.UnderlyingPrice))
			if g.LegID == 0 {
				iv = pct(g.IV)
			}
		}
		objs = append(objs, table(7, 0, []int{1, 2, 3, 4, 5, 6}, greeks...))
	}
	held := "not recorded yet (Keel records daily closes of the trades its desk holds; three are needed)"
	if hv := d.HoldVol; hv != nil {
		held = fmt.Sprintf("%s realized over %d daily closes", pct(hv.Realized), hv.Days)
		if hv.Implied > 0 {
			held += fmt.Sprintf(" vs %s implied (%s)", pct(hv.Implied), volVerdict(hv.Implied-hv.Realized))
		}
	}
	objs = append(objs, grid(2,
		"Implied vol at entry (%)", iv,
		"Volatility while held (%)", held,
	))

	objs = append(objs, section("P&L by Greek (daily, $)"))
	if len(d.Attribution) == 0 {
		objs = append(objs, note("Not recorded: Keel explains each day's P&L by Greek for positions its desk holds from one close to the next."))
	} else {
		cells := []string{"Day", "Position", "Delta", "Gamma", "Theta", "Vega", "Unexplained", "Actual"}
		var sum data.AttributionRow
		for _, a := range d.Attribution {
			cells = append(cells, a.Day, a.Symbol, dollars(a.Delta), dollars(a.Gamma), dollars(a.Theta), dollars(a.Vega),
				dollars(a.Unexplained), dollars(a.Actual))
			sum.Delta, sum.Gamma, sum.Theta, sum.Vega = sum.Delta+a.Delta, sum.Gamma+a.Gamma, sum.Theta+a.Theta, sum.Vega+a.Vega
			sum.Unexplained, sum.Actual = sum.Unexplained+a.Unexplained, sum.Actual+a.Actual
		}
		cells = append(cells, "Total", "", dollars(sum.Delta), dollars(sum.Gamma), dollars(sum.Theta), dollars(sum.Vega),
			dollars(sum.Unexplained), dollars(sum.Actual))
		objs = append(objs, table(8, 1, []int{2, 3, 4, 5, 6, 7}, cells...))
	}

	objs = append(objs, section("Tags"))
	tags := widget.NewEntry()
	tags.SetText(sortedTagText(d.Tags))
	tags.SetPlaceHolder("strategy: strangle, mistake: late roll, emotion: fear")
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

	objs = append(objs, section("Lessons learned"))
	for _, l := range d.Lessons {
		objs = append(objs, v.lessonEditor(d.ID, l))
	}
	add := widget.NewMultiLineEntry()
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
}

// lessonEditor shows one lesson with Edit and Delete; Edit turns it into an entry with Save.
func (v *JournalView) lessonEditor(tradeID int64, l data.Lesson) fyne.CanvasObject {
	text := widget.NewLabel(l.Text)
	text.Wrapping = fyne.TextWrapWord
	when := note(stamp(l.CreatedAt))
	entry := widget.NewMultiLineEntry()
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
	return container.NewBorder(nil, msg, nil, container.NewHBox(when, edit, save, del), container.NewVBox(text, entry))
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

func legChange(s data.ChainStep) string {
	var parts []string
	if len(s.Opened) > 0 {
		parts = append(parts, "+ "+strings.Join(s.Opened, ", "))
	}
	if len(s.Closed) > 0 {
		parts = append(parts, "− "+strings.Join(s.Closed, ", "))
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

// grid lays out label/value pairs, pairs to a row; money values are right-aligned and
// negatives shown in the danger colour.
func grid(pairs int, kv ...string) fyne.CanvasObject {
	var cells []fyne.CanvasObject
	for i := 0; i+1 < len(kv); i += 2 {
		cells = append(cells, widget.NewLabel(kv[i]), valueLabel(kv[i+1]))
	}
	return container.New(widgets.NewColumns(pairs*2, -1), cells...)
}

func valueLabel(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	if strings.HasPrefix(s, "−") {
		l.Importance = widget.DangerImportance
	}
	return l
}

// table lays out cells (the first cols are the header) in cols columns; the stretch column
// takes spare width and the right columns are right-aligned.
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
		objs[i] = l
	}
	if len(cells) == cols {
		objs = append(objs, note("none"))
		for len(objs)%cols != 0 {
			objs = append(objs, widget.NewLabel(""))
		}
	}
	return container.NewHScroll(container.New(widgets.NewColumns(cols, stretch), objs...))
}

// dollars formats an engine figure in dollars: "$1,234.50", "−$80.00".
func dollars(x float64) string { return ui.USD(decimal.NewFromFloat(x)) }

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
