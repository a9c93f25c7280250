package ticket

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/portfolio"
)

// chainDialogSize is the chain view's size; it shrinks to fit a small window.
var chainDialogSize = fyne.NewSize(760, 680)

// openChain opens the chain view of a leg's expiry, centred on its strike or the money, and
// takes a fresh view (quotes, deltas, liquidity for the leg's size) off the UI goroutine.
func (t *OrderTicket) openChain(l *ticketLeg) {
	if l.chain == nil {
		return
	}
	t.closeChain()
	t.pickLeg = l
	t.picker = newChainPicker(l.chain, l.kind.Selected == kindPut, t.selectedStrike(l),
		func(row int, put bool) { t.pickFromChain(l, row, put) })
	if w := t.env.Window; w != nil {
		dlg := dialog.NewCustom("Choose the "+l.underlying.Selected+" option", "Close", t.picker.content, w)
		picker := t.picker
		dlg.SetOnClosed(func() {
			if t.picker == picker {
				t.picker, t.pickLeg, t.pickerDlg = nil, nil, nil
			}
		})
		cs := w.Canvas().Size()
		size := chainDialogSize
		if cs.Width > 0 && cs.Height > 0 {
			size = fyne.NewSize(min(size.Width, cs.Width-24), min(size.Height, cs.Height-24))
		}
		dlg.Resize(size)
		t.pickerDlg = dlg
		dlg.Show()
		t.picker.centreAtOpen()
		w.Canvas().Focus(t.picker.jump)
	}
	t.refreshChain(l)
}

// closeChain closes the chain view.
func (t *OrderTicket) closeChain() {
	if t.pickerDlg != nil {
		t.pickerDlg.Hide()
	}
	t.picker, t.pickLeg, t.pickerDlg = nil, nil, nil
}

// refreshChain takes a new view of the leg's chain off the UI goroutine and shows it where
// the leg still is on that expiry.
func (t *OrderTicket) refreshChain(l *ticketLeg) {
	if t.desk == nil || l.chain == nil {
		return
	}
	u, exp, size := l.chain.Chain.Underlying, l.chain.Chain.Expiry, t.legSize(l)
	d := t.desk
	t.background(func(ctx context.Context) func() {
		v, err := d.ChainView(ctx, u, exp, size)
		return func() {
			if l.chain == nil || l.chain.Chain.Underlying != u || !l.chain.Chain.Expiry.Equal(exp) {
				return // the leg moved on
			}
			if err != nil {
				if t.picker != nil && t.pickLeg == l {
					ui.SetLabel(t.picker.status, "Could not refresh the chain: "+err.Error(), widget.WarningImportance)
				}
				return
			}
			k := t.selectedStrike(l)
			l.chain = &v
			l.strikeRow = -1
			for i, r := range v.Rows {
				if r.Strike == k {
					l.strikeRow = i
				}
			}
			if t.picker != nil && t.pickLeg == l {
				t.picker.setView(&v, k)
			}
		}
	})
}

// pickFromChain sets leg l to the call or put of the chain's row: the trader's edit.
func (t *OrderTicket) pickFromChain(l *ticketLeg, row int, put bool) {
	kind := kindCall
	if put {
		kind = kindPut
	}
	l.updating = true
	l.kind.SetSelected(kind)
	l.updating = false
	l.strikeRow = row
	t.touch()
	t.closeChain()
	t.strikeChanged(l)
}

// fileRow is the "File under" row of the ticket's fields.
func (t *OrderTicket) fileRow() []fyne.CanvasObject {
	label := widget.NewLabel("File under")
	t.fileRowCells = []fyne.CanvasObject{label, ui.Sized(t.fileUnder, 220), widget.NewLabel("")}
	return t.fileRowCells
}

// showFiling offers where the positions the order opens will be filed: the layer whose
// underlyings list theirs (the one the spiral guard weighs them in), a choice when two or
// more layers list it, or Unassigned. The row hides for an order that opens nothing new.
func (t *OrderTicket) showFiling(o brokers.Order, legsOK bool) {
	var f desk.Filing
	if t.desk != nil && legsOK {
		f = t.desk.FilingOf(o)
	}
	t.filing = f
	show := len(f.Symbols) > 0
	changed := false
	for _, c := range t.fileRowCells {
		if c.Visible() != show {
			changed = true
			if show {
				c.Show()
			} else {
				c.Hide()
			}
		}
	}
	if changed && t.fieldGrid != nil {
		t.fieldGrid.Refresh() // lays the rows out again: the row takes its place or gives it up
	}
	if !show {
		ui.SetLabel(t.fileWords, "", widget.LowImportance)
		return
	}
	opts := slices.Clone(f.Layers)
	if f.Default != "" && !slices.Contains(opts, f.Default) {
		opts = append(opts, f.Default)
	}
	opts = append(opts, portfolio.Unassigned)
	sel := f.Default
	if sel == "" {
		sel = portfolio.Unassigned
	}
	if slices.Contains(opts, t.fileChosen) {
		sel = t.fileChosen
	}
	t.settingFile = true
	if !slices.Equal(t.fileUnder.Options, opts) {
		t.fileUnder.Options = opts
		t.fileUnder.Refresh()
	}
	if t.fileUnder.Selected != sel {
		t.fileUnder.SetSelected(sel)
	}
	t.settingFile = false
	what := strings.Join(f.Symbols, ", ")
	var words string
	switch {
	case f.Ask():
		words = fmt.Sprintf("%d layers list the underlying of %s (%s): choose the one the new trade belongs to.",
			len(f.Layers), what, strings.Join(f.Layers, ", "))
	case len(f.Layers) == 1:
		words = fmt.Sprintf("The new trade (%s) goes to layer %s: its underlyings list it.", what, f.Layers[0])
	case f.Default != "":
		words = fmt.Sprintf("The new trade (%s) goes to layer %s, which holds options on the same underlying.", what, f.Default)
	default:
		words = fmt.Sprintf("No layer lists the underlying of %s: the new trade lands in Unassigned unless you choose a layer.", what)
	}
	ui.SetLabel(t.fileWords, words, widget.LowImportance)
}

// fileLayer is the layer chosen for the new trade, "" for Unassigned.
func (t *OrderTicket) fileLayer() string {
	if len(t.filing.Symbols) == 0 || t.fileUnder.Selected == portfolio.Unassigned {
		return ""
	}
	return t.fileUnder.Selected
}

// fillWords is the money of a filled order in the journal's convention and where it was
// filed: " Premium $151.00 received, costs $2.00, net $149.00 received. Filed under layer
// SPY options." (a working order: " Its fills go to layer SPY options.")
func fillWords(st brokers.OrderStatus, m *desk.OrderMoney, filed string) string {
	var b strings.Builder
	if m != nil && st.Filled > 0 {
		fmt.Fprintf(&b, " %s.", capitalize(m.Words(false)))
	}
	switch {
	case filed == "":
	case st.Filled > 0:
		fmt.Fprintf(&b, " Filed under layer %s.", filed)
	default:
		fmt.Fprintf(&b, " Its fills go to layer %s.", filed)
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fillMoney is the money of the order's fills so far: their net price and the broker's
// commission and fees for them (the journal's figures). Off the UI goroutine.
func fillMoney(ctx context.Context, d *desk.Service, st brokers.OrderStatus) *desk.OrderMoney {
	if st.Filled <= 0 {
		return nil
	}
	c, f, n, err := d.OrderCosts(ctx, st)
	if err != nil || n == 0 {
		return nil
	}
	m := desk.MoneyOf(st.Order.Legs, st.AvgPrice, st.Filled).WithCosts(c, f)
	return &m
}
