package ticket

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"

	"github.com/keel-desk/keel/app/ui"
)

// fieldProblem is an order field that cannot be sent as it is.
type fieldProblem struct {
	msg *widget.Label
	err string
}

// readOrder builds the order the fields say and every problem with them. legsOK says
// whether the legs (and quantity) are complete enough to quote.
func (t *OrderTicket) readOrder() (o brokers.Order, problems []fieldProblem, legsOK bool) {
	o = brokers.Order{ClientID: t.clientID, Note: strings.TrimSpace(t.note.Text)}
	legsOK = len(t.legs) > 0
	if len(t.legs) == 0 {
		problems = append(problems, fieldProblem{t.legsMsg, "add at least one leg"})
	}
	seen := map[string]int{}
	for i, l := range t.legs {
		var why string
		ratio, err := wholeNumber(l.ratio.Text)
		switch {
		case l.loading != "":
			why = l.loading + "…"
		case l.loadErr != nil:
			why = l.loadErr.Error()
		case l.symbol == "" && (l.kind.Selected == kindCall || l.kind.Selected == kindPut):
			why = "choose an expiry and a strike"
		case l.symbol == "":
			why = "choose an underlying"
		case err != nil:
			why = "ratio " + err.Error()
		case seen[l.symbol] > 0:
			why = fmt.Sprintf("same instrument as leg %d: put it in one leg", seen[l.symbol])
		}
		if why != "" {
			legsOK = false
			problems = append(problems, fieldProblem{l.msg, why})
			continue
		}
		seen[l.symbol] = i + 1
		if l.side.Selected == sideSell {
			ratio = -ratio
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: l.symbol, Instrument: l.inst, Ratio: ratio})
	}
	q, err := wholeNumber(t.quantity.Text)
	if err != nil {
		problems = append(problems, fieldProblem{t.qtyMsg, "quantity " + err.Error()})
	}
	o.Quantity = q
	o.TIF = brokers.Day
	if t.tif.Selected == tifGTC {
		o.TIF = brokers.GTC
	}
	if t.orderType.Selected == typeMarket {
		o.Type = brokers.Market
		return o, problems, legsOK
	}
	o.Type = brokers.Limit
	price, err := parsePrice(t.limit.Text)
	if err != nil {
		problems = append(problems, fieldProblem{t.limitMsg, err.Error()})
		return o, problems, legsOK
	}
	if t.netDir.Selected == netCredit {
		price = price.Neg()
	}
	o.Limit = price
	if legsOK {
		if why := limitProblem(o); why != "" {
			problems = append(problems, fieldProblem{t.limitMsg, why})
		}
	}
	return o, problems, legsOK
}

// wholeNumber parses a count that must be a whole number of at least 1.
func wholeNumber(s string) (int64, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		if s == "" {
			return 0, errors.New("is empty: enter a whole number of at least 1")
		}
		return 0, fmt.Errorf("%q is not a whole number of at least 1", s)
	}
	return n, nil
}

// parsePrice parses a limit price: a plain non-negative number.
func parsePrice(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "$"))
	if s == "" {
		return decimal.Zero, errors.New("enter a limit price, or choose a market order")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, fmt.Errorf("limit %q is not a number", s)
	}
	if d.IsNegative() {
		return decimal.Zero, fmt.Errorf("limit %s: enter the price without a sign and choose debit or credit", s)
	}
	return d, nil
}

// limitProblem says what is wrong with a limit order's price, "" when nothing: a single leg
// pays a debit to buy and receives a credit to sell, and the price must be on the tick grid.
func limitProblem(o brokers.Order) string {
	if len(o.Legs) == 1 {
		l := o.Legs[0]
		switch {
		case o.Limit.IsZero():
			return "a single leg needs a price above 0"
		case l.Ratio > 0 && o.Limit.IsNegative():
			return "a buy pays a debit: choose debit"
		case l.Ratio < 0 && o.Limit.IsPositive():
			return "a sell receives a credit: choose credit"
		}
		per := o.Limit.Abs().Div(decimal.NewFromInt(absInt64(l.Ratio)))
		if tk := priceTick(l.Instrument, per.InexactFloat64()); !per.Mod(tk).IsZero() {
			return fmt.Sprintf("%s is not a multiple of the %s tick of %s", per, tk, l.Symbol)
		}
		return ""
	}
	tk := comboTick(o.Legs)
	if !o.Limit.Mod(tk).IsZero() {
		return fmt.Sprintf("%s is not a multiple of the %s tick", o.Limit.Abs(), tk)
	}
	return ""
}

func absInt64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// priceTick is instrument.Tick as a decimal, for the limit price's grid.
func priceTick(in instrument.Instrument, p float64) decimal.Decimal {
	return decimal.NewFromFloat(instrument.Tick(in, p))
}

// comboTick is the net price increment of a multi-leg order: the finest tick of its legs.
func comboTick(legs []brokers.Leg) decimal.Decimal {
	tk := decimal.Zero
	for _, l := range legs {
		if x := priceTick(l.Instrument, 0); tk.IsZero() || x.LessThan(tk) {
			tk = x
		}
	}
	if tk.IsZero() {
		return decimal.RequireFromString("0.01")
	}
	return tk
}

// roundedLimit is a net price rounded to the order's tick grid (per unit of the leg for a
// single leg), the limit the ticket suggests from the mid.
func roundedLimit(o brokers.Order, net decimal.Decimal) decimal.Decimal {
	if len(o.Legs) == 1 {
		r := decimal.NewFromInt(absInt64(o.Legs[0].Ratio))
		per := net.Abs().Div(r)
		tk := priceTick(o.Legs[0].Instrument, per.InexactFloat64())
		per = per.Div(tk).Round(0).Mul(tk)
		if per.IsZero() {
			per = tk
		}
		out := per.Mul(r)
		if o.Legs[0].Ratio < 0 {
			return out.Neg()
		}
		return out
	}
	tk := comboTick(o.Legs)
	return net.Div(tk).Round(0).Mul(tk)
}

// validate shows every field's problem beside it, the desk's checks, and enables Review &
// send only when the order may be sent. It asks for a new preview when the legs or the
// quantity changed.
func (t *OrderTicket) validate() {
	if t.content == nil {
		return // still building
	}
	o, problems, legsOK := t.readOrder()
	msgs := []*widget.Label{t.legsMsg, t.qtyMsg, t.limitMsg}
	for _, l := range t.legs {
		msgs = append(msgs, l.msg)
	}
	text := map[*widget.Label]string{}
	for _, p := range problems {
		if text[p.msg] == "" {
			text[p.msg] = p.err
		}
	}
	for _, m := range msgs {
		imp := widget.DangerImportance
		if strings.HasSuffix(text[m], "…") {
			imp = widget.LowImportance
		}
		ui.SetLabel(m, text[m], imp)
	}
	if o.Type == brokers.Market {
		t.limit.Disable()
		t.netDir.Disable()
		ui.SetLabel(t.limitWords, "at the market: fills now at the touch", widget.LowImportance)
	} else {
		t.limit.Enable()
		t.netDir.Enable()
		words := ""
		_, perr := parsePrice(t.limit.Text)
		if perr == nil {
			words = "= " + desk.PriceWords(o.Limit) + " per unit"
		}
		ui.SetLabel(t.limitWords, words, widget.LowImportance)
		t.showMoney(o, perr == nil && legsOK)
	}
	if o.Type == brokers.Market {
		t.showMoney(o, false)
	}
	t.showFollowWords()
	t.showFiling(o, legsOK)
	var checks []string
	var stops []desk.SpiralStop
	if t.desk != nil && len(problems) == 0 {
		checks = t.desk.Check(o)
		stops = t.desk.SpiralStops(o)
	}
	t.showRollInstead(stops)
	if len(checks) > 0 {
		ui.SetLabel(t.problems, "Keel's checks stop this order: "+strings.Join(checks, "; "), widget.DangerImportance)
	} else {
		ui.SetLabel(t.problems, "", widget.DangerImportance)
	}
	ok := t.desk != nil && len(problems) == 0 && len(checks) == 0 && !t.sending && !t.sent
	if ok {
		t.review.Enable()
	} else {
		t.review.Disable()
	}
	if legsOK {
		if key := previewKey(o); key != t.previewKey {
			t.previewKey = key
			t.requestPreview(false)
		}
	} else {
		t.previewKey = ""
		t.previewGen++
		t.clearPreview()
	}
}

// previewKey identifies what a preview depends on: the legs and the quantity.
func previewKey(o brokers.Order) string {
	var b strings.Builder
	for _, l := range o.Legs {
		fmt.Fprintf(&b, "%s×%d;", l.Symbol, l.Ratio)
	}
	fmt.Fprintf(&b, "q%d", o.Quantity)
	return b.String()
}

// requestPreview asks the desk for a fresh preview of the legs. periodic requests are
// skipped while one is in flight.
func (t *OrderTicket) requestPreview(periodic bool) {
	if t.desk == nil || t.previewKey == "" || (periodic && t.previewBusy) {
		return
	}
	o, _, legsOK := t.readOrder()
	if !legsOK {
		return
	}
	if o.Quantity < 1 {
		o.Quantity = 1
	}
	if o.Type == brokers.Limit && limitProblem(o) != "" {
		// The price does not change the market or the costs: quote the legs as a market
		// order until the limit is set (the desk's checks would stop the cost estimate).
		o.Type, o.Limit = brokers.Market, decimal.Zero
	}
	t.previewGen++
	gen := t.previewGen
	t.previewBusy = true
	t.previewAsked = time.Now()
	d := t.desk
	t.background(func(ctx context.Context) func() {
		p, err := d.Preview(ctx, o)
		return func() {
			if gen == t.previewGen {
				t.previewBusy = false
			}
			if gen != t.previewGen {
				return
			}
			if err != nil {
				ui.SetLabel(t.quoted, "Could not quote the legs: "+err.Error(), widget.DangerImportance)
				return
			}
			t.showPreview(&p)
		}
	})
}

func (t *OrderTicket) clearPreview() {
	t.preview = nil
	t.previewBusy = false
	for _, l := range t.legs {
		ui.SetLabel(l.bid, ui.NoValue, widget.MediumImportance)
		ui.SetLabel(l.ask, ui.NoValue, widget.MediumImportance)
		ui.SetLabel(l.mid, ui.NoValue, widget.MediumImportance)
		ui.SetLabel(l.delta, ui.NoValue, widget.MediumImportance)
	}
	for _, w := range []*widget.Label{t.natural, t.mid, t.far, t.costs} {
		ui.SetLabel(w, ui.NoValue, widget.MediumImportance)
	}
	for i := range t.effect {
		for j := range t.effect[i] {
			ui.SetLabel(t.effect[i][j], ui.NoValue, widget.MediumImportance)
		}
	}
	ui.SetLabel(t.quoted, "", widget.LowImportance)
	ui.SetLabel(t.effectNote, "", widget.WarningImportance)
	ui.SetLabel(t.liquidity, "", widget.MediumImportance)
}

// showPreview shows a preview's market, costs and effect, and suggests the mid as the
// limit until the trader types one.
func (t *OrderTicket) showPreview(p *desk.Preview) {
	t.preview = p
	for i, lq := range p.Legs {
		if i >= len(t.legs) {
			break
		}
		l := t.legs[i]
		ui.SetLabel(l.bid, ui.QuotedPrice(lq.Quote.Bid), widget.MediumImportance)
		ui.SetLabel(l.ask, ui.QuotedPrice(lq.Quote.Ask), widget.MediumImportance)
		ui.SetLabel(l.mid, ui.QuotedPrice(lq.Quote.Mid()), widget.MediumImportance)
		d := ui.NoValue
		if lq.HasDelta {
			d = ui.SignedNum(lq.Delta, 2)
		}
		ui.SetLabel(l.delta, d, widget.MediumImportance)
	}
	ui.SetLabel(t.natural, desk.PriceWords(p.Natural), widget.MediumImportance)
	ui.SetLabel(t.mid, desk.PriceWords(p.Mid), widget.MediumImportance)
	ui.SetLabel(t.far, desk.PriceWords(p.Far), widget.MediumImportance)
	if p.CostsKnown {
		ui.SetLabel(t.costs, fmt.Sprintf("%s + %s = %s", ui.USD(p.Commission), ui.USD(p.Fees), ui.USD(p.Commission.Add(p.Fees))),
			widget.MediumImportance)
	} else {
		why := "no estimate from the broker"
		if len(p.Problems) > 0 {
			why = "none while Keel's checks stop it"
		}
		ui.SetLabel(t.costs, why, widget.LowImportance)
	}
	at := t.marketNow()
	if len(p.Legs) > 0 && !p.Legs[0].Quote.Time.IsZero() {
		at = p.Legs[0].Quote.Time
	}
	ui.SetLabel(t.quoted, fmt.Sprintf("Quoted %s for %d unit(s); refreshed every %d s.",
		at.In(instrument.NewYork).Format("15:04:05 ET"), p.Order.Quantity, int(previewEvery.Seconds())),
		widget.LowImportance)
	rows := [5]func(e exposureFigures) string{
		func(e exposureFigures) string { return e.shares },
		func(e exposureFigures) string { return e.dollars },
		func(e exposureFigures) string { return e.gamma },
		func(e exposureFigures) string { return e.theta },
		func(e exposureFigures) string { return e.vega },
	}
	before, after := figures(p.Before, false), figures(p.After, false)
	change := figures(p.Change, true)
	if p.GreeksErr != nil {
		after = figures(p.After, false).blank()
		change = change.blank()
		ui.SetLabel(t.effectNote, "The order's Greeks could not be computed: "+p.GreeksErr.Error(), widget.WarningImportance)
	} else {
		ui.SetLabel(t.effectNote, "", widget.WarningImportance)
	}
	text, imp := liquidityWords(p.Liquidity, t.desk.LiquiditySettings().Block)
	ui.SetLabel(t.liquidity, text, imp)
	for i, f := range rows {
		ui.SetLabel(t.effect[i][0], f(before), widget.MediumImportance)
		ui.SetLabel(t.effect[i][1], f(change), widget.MediumImportance)
		ui.SetLabel(t.effect[i][2], f(after), widget.MediumImportance)
	}
	t.suggestLimit(false)
	if o, _, legsOK := t.readOrder(); legsOK && o.Type == brokers.Limit {
		t.showMoney(o, true) // the costs estimate arrived
	}
}

// exposureFigures are the book figures the ticket shows, formatted.
type exposureFigures struct{ shares, dollars, gamma, theta, vega string }

func figures(e portfolio.Exposure, change bool) exposureFigures {
	if change {
		return exposureFigures{ui.SignedNum(e.BetaDelta, 1), ui.SignedUSD(e.BetaDollarDelta), ui.SignedUSD(e.BetaGamma),
			ui.SignedUSD(e.Theta), ui.SignedUSD(e.Vega)}
	}
	return exposureFigures{ui.Num(e.BetaDelta, 1), ui.WholeUSD(e.BetaDollarDelta), ui.WholeUSD(e.BetaGamma),
		ui.WholeUSD(e.Theta), ui.WholeUSD(e.Vega)}
}

func (exposureFigures) blank() exposureFigures {
	return exposureFigures{ui.NoValue, ui.NoValue, ui.NoValue, ui.NoValue, ui.NoValue}
}

// ---- review and send ----

// accountWords names the desk's account in the confirmation: "paper (paper trading)",
// "5WT01234 at tastytrade".
func accountWords(ref data.AccountRef) string {
	if ref.Kind == data.Paper {
		return ref.Account + " (paper trading)"
	}
	return ref.Account + " at " + ref.Broker
}

// startReview takes a fresh preview of exactly the order on the ticket and shows its
// confirmation with a Send button.
func (t *OrderTicket) startReview() {
	// The price reviewed is the price in the field and the price sent: it stops following.
	if t.followMid {
		t.setFollow(false)
	}
	o, problems, _ := t.readOrder()
	if len(problems) > 0 || t.desk == nil || t.sending || t.sent {
		return
	}
	t.review.Disable()
	t.setResult("Preparing the confirmation…", widget.LowImportance)
	d := t.desk
	o.ClientID = t.clientID
	t.background(func(ctx context.Context) func() {
		p, err := d.Preview(ctx, o)
		var fig *desk.DryRunFigures
		var dryErr error
		if err == nil && len(p.Problems) == 0 {
			// On a real broker every order is confirmed with the broker's dry-run.
			fig, dryErr = d.DryRun(ctx, o)
		}
		return func() {
			t.validate()
			t.banner.Update()
			if err != nil {
				t.setResult("Could not prepare the order: "+err.Error(), widget.DangerImportance)
				return
			}
			if len(p.Problems) > 0 {
				t.setResult("Keel's checks stop this order: "+strings.Join(p.Problems, "; "), widget.DangerImportance)
				return
			}
			if dryErr != nil {
				t.setResult("The broker's dry-run refuses this order: "+dryErr.Error(), widget.DangerImportance)
				return
			}
			if d.Live() && fig == nil {
				t.setResult("The broker gave no dry-run, so a live order cannot be confirmed.", widget.DangerImportance)
				return
			}
			t.setResult("", widget.MediumImportance)
			t.dryRun = fig
			t.showConfirmation(p)
		}
	})
}

// showConfirmation shows exactly what will be sent, with Send and Back.
func (t *OrderTicket) showConfirmation(p desk.Preview) {
	t.confirmText = p.Confirmation(accountWords(t.desk.Account()))
	if t.dryRun != nil {
		t.confirmText += "\n\nThe broker's dry-run:\n" + t.dryRun.Lines(ui.USD)
	}
	order := p.Order
	t.confirmOrder = &order
	if t.env.Window == nil {
		return // headless: tests send with confirmSend
	}
	text := widget.NewLabel(t.confirmText)
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(text)
	if layer := t.fileLayer(); layer != "" {
		box.Add(widget.NewLabel("The new trade is filed under layer " + layer + "."))
	}
	if lw, imp := liquidityWords(p.Liquidity, t.desk.LiquiditySettings().Block); lw != "" {
		l := widget.NewLabel(lw)
		l.Importance, l.Wrapping = imp, fyne.TextWrapWord
		box.Add(l)
	}
	if p.GreeksErr == nil {
		box.Add(widget.NewLabel(fmt.Sprintf("Book Δ after: %s SPY shares (β-weighted), Θ %s/day, V %s/vol pt.",
			ui.Num(p.After.BetaDelta, 1), ui.WholeUSD(p.After.Theta), ui.WholeUSD(p.After.Vega))))
	}
	dlg := dialog.NewCustomConfirm("Send this order?", "Send", "Back", box, func(send bool) {
		t.confirm = nil
		if send {
			t.confirmSend()
		}
	}, t.env.Window)
	dlg.Resize(fyne.NewSize(620, 300))
	t.confirm = dlg
	dlg.Show()
}

// confirmSend sends the order the confirmation showed.
func (t *OrderTicket) confirmSend() {
	if t.confirmOrder == nil {
		return
	}
	t.send(*t.confirmOrder)
}

// send places o through the desk off the UI goroutine. While one send is in flight, or once
// the order is placed, it does nothing; a retry after a failure reuses the ticket's client
// order id, so the broker never places the order twice.
func (t *OrderTicket) send(o brokers.Order) {
	if t.sending || t.sent || t.desk == nil {
		return
	}
	o.ClientID = t.clientID
	t.sending = true
	t.review.Disable()
	t.setResult("Sending…", widget.LowImportance)
	d := t.desk
	f, layer := t.filing, t.fileLayer()
	t.background(func(ctx context.Context) func() {
		st, filed, err := d.PlaceFiled(ctx, o, f, layer)
		var m *desk.OrderMoney
		if err == nil {
			m = fillMoney(ctx, d, st)
		}
		return func() {
			t.sending = false
			text, imp, placed := placeResult(st, err)
			t.sent = placed
			if placed {
				t.placed = st
				t.filedUnder = filed
				text += fillWords(st, m, filed)
			}
			t.setResult(text, imp)
			if placed {
				t.another.Show()
				t.Prompt() // the next snapshot, with the order's fills, at once
			}
			t.validate()
		}
	})
}

// followOrder updates the result line when the order this ticket placed changes at the
// broker, as snapshot s shows it: a working order that fills, is cancelled or expires (UI
// goroutine).
func (t *OrderTicket) followOrder(s *desk.Snapshot) {
	if t.placed.ID == "" || t.desk == nil || s == nil {
		return
	}
	for _, o := range s.Orders {
		if o.ID == t.placed.ID && (o.State != t.placed.State || o.Filled != t.placed.Filled) {
			t.placed = o
			text, imp, _ := placeResult(o, nil)
			filed := t.filedUnder
			t.setResult(text+fillWords(o, nil, filed), imp)
			if o.Filled > 0 {
				d, st := t.desk, o
				t.background(func(ctx context.Context) func() {
					m := fillMoney(ctx, d, st)
					return func() {
						if t.placed.ID == st.ID && t.placed.Filled == st.Filled && m != nil {
							t.setResult(text+fillWords(st, m, filed), imp)
						}
					}
				})
			}
		}
	}
}

// placeResult says in words what became of a placed order, and whether it was placed.
func placeResult(st brokers.OrderStatus, err error) (string, widget.Importance, bool) {
	var check *desk.CheckError
	var rejected *brokers.RejectedError
	switch {
	case errors.As(err, &check):
		return "Not sent — Keel's checks stopped it: " + strings.Join(check.Problems, "; "), widget.DangerImportance, false
	case errors.As(err, &rejected):
		return "Rejected by the broker: " + rejected.Reason, widget.DangerImportance, false
	case errors.Is(err, brokers.ErrDisconnected):
		return "Not sent: the broker is disconnected and Keel is reconnecting. Send again once connected — " +
			"the ticket keeps its order id, so it can never be placed twice.", widget.DangerImportance, false
	case errors.Is(err, context.DeadlineExceeded):
		return "No answer from the broker in time; it may or may not have the order. Send again: the ticket keeps " +
			"its order id, so the broker returns the same order instead of placing a second one.", widget.WarningImportance, false
	case err != nil:
		return "Not sent: " + err.Error(), widget.DangerImportance, false
	}
	switch st.State {
	case brokers.Filled:
		return fmt.Sprintf("Filled: order %s, %d at %s per unit.", st.ID, st.Filled, desk.PriceWords(st.AvgPrice)),
			widget.SuccessImportance, true
	case brokers.Working:
		msg := fmt.Sprintf("Accepted: order %s is working (%d of %d filled).", st.ID, st.Filled, st.Order.Quantity)
		return msg, widget.SuccessImportance, true
	case brokers.Rejected:
		return "Rejected by the broker: " + st.Reason, widget.DangerImportance, false
	default:
		return fmt.Sprintf("Order %s is %s: %s", st.ID, st.State, ui.OrDash(st.Reason)), widget.WarningImportance, true
	}
}

// startAnother readies the ticket for a new order with the same legs and a new client
// order id.
func (t *OrderTicket) startAnother() {
	t.clientID = desk.NewClientID()
	t.sent = false
	t.placed = brokers.OrderStatus{}
	t.filedUnder = ""
	t.confirmOrder = nil
	t.another.Hide()
	t.setResult("", widget.MediumImportance)
	t.validate()
}

func (t *OrderTicket) setResult(text string, imp widget.Importance) { ui.SetLabel(t.result, text, imp) }

// ticketSize is the order ticket's opening size.
var ticketSize = fyne.NewSize(1270, 670)

// buildTicket is the order ticket's Build: env.Arg may carry a prefilled order
// (*brokers.Order or brokers.Order).
func buildTicket(env ui.Env) fyne.CanvasObject {
	var prefill *brokers.Order
	switch o := env.Arg.(type) {
	case *brokers.Order:
		prefill = o
	case brokers.Order:
		prefill = &o
	}
	return NewOrderTicket(env, prefill).Content()
}
