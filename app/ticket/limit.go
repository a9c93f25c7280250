package ticket

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
)

// The limit and the mid: a new ticket's limit follows the mid ("Follow the mid" ticked), so
// it is a fair price while the trader builds the order. The first edit of anything — a leg,
// the quantity, the price — freezes it: the price on screen is then the price reviewed and
// the price sent. New legs get their mid once (the old price was another order's) unless the
// trader typed the price. Reviewing freezes it too.

// touch is a trader's edit: the limit stops following the mid.
func (t *OrderTicket) touch() {
	if t.building || t.follow == nil || !t.followMid {
		return
	}
	t.setFollow(false)
}

// setFollow ticks or clears "Follow the mid" without it counting as the trader's edit.
func (t *OrderTicket) setFollow(on bool) {
	t.followMid = on
	t.settingFollow = true
	t.follow.SetChecked(on)
	t.settingFollow = false
	t.showFollowWords()
}

// followChanged is the trader ticking or clearing "Follow the mid".
func (t *OrderTicket) followChanged(on bool) {
	if t.settingFollow {
		return
	}
	t.followMid = on
	if on {
		t.limitTyped = false
		t.suggestLimit(true)
	}
	t.showFollowWords()
	t.validate()
}

// showFollowWords says whether the limit moves by itself.
func (t *OrderTicket) showFollowWords() {
	if t.followWords == nil {
		return
	}
	text := "The limit is frozen: it changes only when you change it (tick Follow the mid to track the market)."
	if t.followMid {
		text = fmt.Sprintf("The limit follows the mid, re-priced every %d s, until you edit the ticket.", int(previewEvery.Seconds()))
	}
	if t.orderType != nil && t.orderType.Selected == typeMarket {
		text = ""
	}
	ui.SetLabel(t.followWords, text, widget.LowImportance)
}

// suggestLimit sets the limit to the mid of the shown preview (rounded to the tick) when it
// follows the mid, or once for new legs the trader has not priced; always when force.
func (t *OrderTicket) suggestLimit(force bool) {
	p := t.preview
	if p == nil || t.orderType.Selected != typeLimit {
		return
	}
	o, _, legsOK := t.readOrder()
	if !legsOK || len(o.Legs) == 0 || !sameLegs(o, p.Order) {
		return
	}
	// The price is per unit: a new quantity keeps it; only new legs get their mid once.
	key := legsKey(o)
	if !force && !t.followMid && (t.limitTyped || t.suggestedKey == key) {
		return
	}
	lim := roundedLimit(o, p.Mid)
	if lim.IsZero() && len(o.Legs) == 1 {
		lim = roundedLimit(o, p.Natural)
	}
	t.suggestedKey = key
	t.setLimit(lim)
	t.validate()
}

// legsKey identifies an order's legs (not its quantity).
func legsKey(o brokers.Order) string {
	var b strings.Builder
	for _, l := range o.Legs {
		fmt.Fprintf(&b, "%s×%d;", l.Symbol, l.Ratio)
	}
	return b.String()
}

// sameLegs says whether two orders have the same legs (the quantity may differ: the preview
// of a bad quantity quotes one unit).
func sameLegs(a, b brokers.Order) bool {
	if len(a.Legs) != len(b.Legs) {
		return false
	}
	for i := range a.Legs {
		if a.Legs[i].Symbol != b.Legs[i].Symbol || a.Legs[i].Ratio != b.Legs[i].Ratio {
			return false
		}
	}
	return true
}

// showMoney says the order's money at its limit in the journal's convention, with the
// estimated costs of the shown preview when it is of this order's legs and quantity.
func (t *OrderTicket) showMoney(o brokers.Order, priced bool) {
	if !priced || len(o.Legs) == 0 || o.Quantity < 1 {
		ui.SetLabel(t.money, "", widget.MediumImportance)
		return
	}
	m := desk.MoneyOf(o.Legs, o.Limit, o.Quantity)
	if p := t.preview; p != nil && p.CostsKnown && previewKey(p.Order) == previewKey(o) {
		m = m.WithCosts(p.Commission, p.Fees)
	}
	ui.SetLabel(t.money, fmt.Sprintf("At the limit, %d unit(s): %s.", o.Quantity, m.Words(true)), widget.MediumImportance)
}
