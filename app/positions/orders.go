package positions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"

	"github.com/keel-desk/keel/app/ui"
)

// orderColumn is one column of the orders table.
type orderColumn struct {
	title    string
	width    float32
	trailing bool
	text     func(o *brokers.OrderStatus) string
}

var orderColumns = []orderColumn{
	{title: "Order", width: 100, text: func(o *brokers.OrderStatus) string { return o.ID }},
	{title: "Legs", width: 380, text: func(o *brokers.OrderStatus) string { return legsText(o.Order) }},
	{title: "Qty", width: 50, trailing: true, text: func(o *brokers.OrderStatus) string { return fmt.Sprint(o.Order.Quantity) }},
	{title: "Price", width: 130, trailing: true, text: func(o *brokers.OrderStatus) string { return orderPriceText(o.Order) }},
	{title: "TIF", width: 50, text: func(o *brokers.OrderStatus) string { return o.Order.TIF.String() }},
	{title: "State", width: 84, text: func(o *brokers.OrderStatus) string { return o.State.String() }},
	{title: "Filled", width: 64, trailing: true, text: func(o *brokers.OrderStatus) string {
		return fmt.Sprintf("%d/%d", o.Filled, o.Order.Quantity)
	}},
	{title: "Avg fill", width: 130, trailing: true, text: func(o *brokers.OrderStatus) string {
		if o.Filled == 0 {
			return ui.NoValue
		}
		return desk.PriceWords(o.AvgPrice)
	}},
	{title: "Reason", width: 380, text: func(o *brokers.OrderStatus) string { return ui.OrDash(o.Reason) }},
	{title: "", width: 90}, // the Cancel button of a working order
}

// legsText is an order's legs in words: "−1 ESZ6 C6000 …, −1 ESZ6 P5500 …".
func legsText(o brokers.Order) string {
	parts := make([]string, len(o.Legs))
	for i, l := range o.Legs {
		parts[i] = ui.SignedNum(float64(l.Ratio), 0) + " " + l.Symbol
	}
	return strings.Join(parts, ", ")
}

func orderPriceText(o brokers.Order) string {
	if o.Type == brokers.Market {
		return "market"
	}
	return desk.PriceWords(o.Limit)
}

// orderCells formats an order's row (any goroutine); the last cell, the Cancel button's,
// says "working" when the order can be cancelled.
func orderCells(o *brokers.OrderStatus) []cell {
	out := make([]cell, len(orderColumns))
	for i, c := range orderColumns {
		if c.text == nil {
			if o.State == brokers.Working {
				out[i] = cell{text: "working " + o.ID}
			}
			continue
		}
		align := fyne.TextAlignLeading
		if c.trailing {
			align = fyne.TextAlignTrailing
		}
		imp := widget.MediumImportance
		if c.title == "State" {
			switch o.State {
			case brokers.Working:
				imp = widget.HighImportance
			case brokers.Rejected:
				imp = widget.DangerImportance
			case brokers.Cancelled:
				imp = widget.LowImportance
			case brokers.Filled:
				imp = widget.SuccessImportance
			}
		}
		long := c.title == "Order" || c.title == "Legs" || c.title == "Reason" // ids grew past the column
		out[i] = cell{text: c.text(o), imp: imp, align: align, long: long}
	}
	return out
}

// updateOrderCell fills one cell of the orders table; the last column is a Cancel button
// on working orders.
func (v *PositionsView) updateOrderCell(id widget.TableCellID, o fyne.CanvasObject) {
	stack := o.(*fyne.Container)
	l, b := stack.Objects[0].(*widget.Label), stack.Objects[1].(*widget.Button)
	if id.Row < 0 || id.Row >= len(v.orders) || id.Col < 0 || id.Col >= len(orderColumns) {
		b.Hide()
		ui.SetCell(l, "", widget.MediumImportance, fyne.TextAlignLeading)
		return
	}
	ord := &v.orders[id.Row]
	if orderColumns[id.Col].text == nil {
		if l.Visible() {
			l.Hide()
		}
		if ord.State == brokers.Working {
			orderID := ord.ID
			b.OnTapped = func() { v.cancel(orderID) }
			if !b.Visible() {
				b.Show()
			}
		} else if b.Visible() {
			b.Hide()
		}
		return
	}
	if b.Visible() {
		b.Hide()
	}
	if !l.Visible() {
		l.Show()
	}
	if id.Row < len(v.orderCells) && id.Col < len(v.orderCells[id.Row]) {
		setCell(l, v.orderCells[id.Row][id.Col])
	}
}

// cancel cancels a working order off the UI goroutine and says how it went.
func (v *PositionsView) cancel(orderID string) {
	if v.desk == nil {
		return
	}
	ui.SetLabel(v.orderNote, "Cancelling order "+orderID+"…", widget.MediumImportance)
	d := v.desk
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := d.Cancel(ctx, orderID)
		v.Prompt() // the cancelled order shows at once
		return func() {
			if err != nil {
				ui.SetLabel(v.orderNote, "Order "+orderID+" not cancelled: "+err.Error(), widget.DangerImportance)
				return
			}
			ui.SetLabel(v.orderNote, "Order "+orderID+" cancelled.", widget.SuccessImportance)
		}
	})
}
