package paper

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/sim"
)

// tick is the minimum price increment of in when it trades at p (instrument.Tick).
func tick(in instrument.Instrument, p float64) float64 { return instrument.Tick(in, p) }

// minTick is the finest increment in ever trades in.
func minTick(in instrument.Instrument) float64 { return tick(in, 0) }

// onGrid reports whether x is a whole number of ticks.
func onGrid(x decimal.Decimal, t float64) bool {
	return x.Mod(decimal.NewFromFloat(t)).IsZero()
}

// legPlan is one leg of an order resolved against the market.
type legPlan struct {
	sym   string
	in    instrument.Instrument
	ratio int64
	qty   int64 // ratio × order quantity
}

// plan validates the order's fields and resolves its legs. The error is a
// *brokers.RejectedError saying what is wrong.
func (b *Broker) plan(o brokers.Order) ([]legPlan, error) {
	reject := func(format string, args ...any) error {
		return &brokers.RejectedError{ClientID: o.ClientID, Reason: fmt.Sprintf(format, args...)}
	}
	if len(o.Legs) == 0 {
		return nil, reject("the order has no legs")
	}
	if o.Quantity <= 0 {
		return nil, reject("quantity must be at least 1 (it is %d)", o.Quantity)
	}
	if o.Type != brokers.Limit && o.Type != brokers.Market {
		return nil, reject("unknown order type %d", o.Type)
	}
	if o.TIF != brokers.Day && o.TIF != brokers.GTC {
		return nil, reject("unknown time in force %d", o.TIF)
	}
	now := b.now()
	seen := map[string]int{}
	var legs []legPlan
	for i, l := range o.Legs {
		text := l.Symbol
		if text == "" && l.Instrument.Root != "" {
			text = l.Instrument.Symbol()
		}
		in, sym, err := b.resolve(text)
		if err != nil {
			return nil, reject("leg %d: unknown symbol %q", i+1, text)
		}
		if l.Ratio == 0 {
			return nil, reject("leg %d (%s) has ratio 0", i+1, sym)
		}
		if k, dup := seen[sym]; dup {
			return nil, reject("legs %d and %d are both %s: put it in one leg", k, i+1, sym)
		}
		seen[sym] = i + 1
		if in.HasExpiry() && !in.Expiry.After(now) {
			return nil, reject("leg %d: %s expired %s", i+1, sym, in.Expiry.Format("2006-01-02 15:04 MST"))
		}
		if math.Abs(float64(l.Ratio))*float64(o.Quantity) > 1e6 {
			return nil, reject("leg %d: %d × %d is too many", i+1, l.Ratio, o.Quantity)
		}
		legs = append(legs, legPlan{sym: sym, in: in, ratio: l.Ratio, qty: l.Ratio * o.Quantity})
	}
	switch o.Type {
	case brokers.Market:
		if !b.market.IsOpen(now) {
			return nil, reject("the market is closed: market orders are accepted only in the session (09:30–16:00 New York)")
		}
		if _, _, why := b.touch(legs, true); why != "" {
			return nil, reject("a market order cannot fill now: %s", why)
		}
	case brokers.Limit:
		if len(legs) == 1 {
			if legs[0].ratio > 0 && !o.Limit.IsPositive() {
				return nil, reject("a buy limit must be a positive price (a debit), not %s", o.Limit)
			}
			if legs[0].ratio < 0 && o.Limit.IsPositive() {
				return nil, reject("a sell limit is the credit as a negative price: -%s to sell at %s", o.Limit, o.Limit)
			}
			if legs[0].ratio < 0 && o.Limit.IsZero() {
				return nil, reject("a sell limit must be a negative price (the credit received), not 0")
			}
			per := o.Limit.Div(decimal.NewFromInt(legs[0].ratio)).Abs()
			if t := tick(legs[0].in, per.InexactFloat64()); !onGrid(per, t) {
				return nil, reject("limit %s is not on the %s tick grid of %s at that price", per, dec(t), legs[0].sym)
			}
		} else {
			t := math.Inf(1)
			for _, l := range legs {
				t = math.Min(t, minTick(l.in))
			}
			if !onGrid(o.Limit, t) {
				return nil, reject("net limit %s is not a multiple of the %s tick", o.Limit, dec(t))
			}
		}
	}
	return legs, nil
}

// touch prices each leg at the touch (buys at the ask, sells at the bid), plus the
// configured slippage for a market order, and returns the leg prices and the net price
// per unit of the order. why says why it cannot trade now (a side with no bid or ask).
func (b *Broker) touch(legs []legPlan, market bool) (prices []decimal.Decimal, net decimal.Decimal, why string) {
	prices = make([]decimal.Decimal, len(legs))
	for i, l := range legs {
		q, err := b.market.Quote(l.sym)
		if err != nil {
			return nil, net, fmt.Sprintf("no market in %s (%v)", l.sym, err)
		}
		var p float64
		if l.ratio > 0 {
			if q.Ask <= 0 {
				return nil, net, fmt.Sprintf("no offer in %s", l.sym)
			}
			p = q.Ask
			if market && b.cfg.Slippage > 0 {
				p += float64(b.cfg.Slippage) * tick(l.in, p)
			}
		} else {
			if q.Bid <= 0 {
				return nil, net, fmt.Sprintf("no bid in %s", l.sym)
			}
			p = q.Bid
			if market && b.cfg.Slippage > 0 {
				p = math.Max(p-float64(b.cfg.Slippage)*tick(l.in, p), tick(l.in, 0))
			}
		}
		prices[i] = price(p)
		net = net.Add(prices[i].Mul(decimal.NewFromInt(l.ratio)))
	}
	return prices, net, ""
}

// buyingPowerProblem says why filling legs would exceed the buying power, or "".
// An order that does not raise the margin is always allowed.
func (b *Broker) buyingPowerProblem(legs []legPlan, prices []decimal.Decimal) string {
	extra := map[string]legQty{}
	costs := decimal.Zero
	for i, l := range legs {
		extra[l.sym] = legQty{in: l.in, qty: l.qty}
		c, f := b.cfg.Commissions.costs(l.in, l.qty)
		costs = costs.Add(c).Add(f)
		if prices != nil && l.in.Kind != instrument.Future { // paying above the mark costs equity at once
			m := b.mark(l.sym, prices[i])
			costs = costs.Add(prices[i].Sub(m).Mul(decimal.NewFromInt(l.qty)).Mul(dec(l.in.Multiplier)))
		}
	}
	before := b.maintenance(nil)
	after := b.maintenance(extra)
	if !after.GreaterThan(before) {
		return ""
	}
	nl := b.netLiq().Sub(costs)
	if after.GreaterThan(nl) {
		return fmt.Sprintf("not enough buying power: the account would need %s of margin (%s more) and has %s of net liquidation after costs",
			after.StringFixed(2), after.Sub(before).StringFixed(2), nl.StringFixed(2))
	}
	return ""
}

// Place sends an order (see brokers.Broker). A marketable order fills at once.
func (b *Broker) Place(ctx context.Context, o brokers.Order) (brokers.OrderStatus, error) {
	var st brokers.OrderStatus
	err := b.run(ctx, true, func() error {
		var err error
		st, err = b.place(o)
		return err
	})
	return st, err
}

func (b *Broker) place(o brokers.Order) (brokers.OrderStatus, error) {
	if known := b.acct.findClientID(o.ClientID); known != nil {
		return known.Status, nil
	}
	legs, err := b.plan(o)
	if err != nil {
		return brokers.OrderStatus{Order: o, State: brokers.Rejected, Reason: err.(*brokers.RejectedError).Reason}, err
	}
	prices, net, why := b.touch(legs, o.Type == brokers.Market)
	if why == "" && (o.Type == brokers.Market || !net.GreaterThan(o.Limit)) {
		if p := b.buyingPowerProblem(legs, prices); p != "" {
			rej := &brokers.RejectedError{ClientID: o.ClientID, Reason: p}
			return brokers.OrderStatus{Order: o, State: brokers.Rejected, Reason: p}, rej
		}
	} else if p := b.buyingPowerProblem(legs, nil); p != "" {
		rej := &brokers.RejectedError{ClientID: o.ClientID, Reason: p}
		return brokers.OrderStatus{Order: o, State: brokers.Rejected, Reason: p}, rej
	}
	now := b.now()
	o.Legs = canonicalLegs(legs)
	if o.Type == brokers.Market {
		o.Limit = decimal.Zero
	}
	ord := &order{
		Status:  brokers.OrderStatus{ID: b.acct.orderID(), Order: o, State: brokers.Working, Submitted: now, Updated: now},
		Session: sessionClose(now),
	}
	b.acct.Orders = append(b.acct.Orders, ord)
	b.acct.unsaved.order(ord)
	b.dirty = true
	b.emit(&brokers.OrderEvent{Status: ord.Status})
	b.tryFill(ord, legs)
	return ord.Status, nil
}

// nyDate is t's calendar date in New York.
func nyDate(t time.Time) string { return t.In(instrument.NewYork).Format(time.DateOnly) }

func canonicalLegs(legs []legPlan) []brokers.Leg {
	out := make([]brokers.Leg, len(legs))
	for i, l := range legs {
		out[i] = brokers.Leg{Symbol: l.sym, Instrument: l.in, Ratio: l.ratio}
	}
	return out
}

// sessionClose is the close of the session open at t, or of the next one.
func sessionClose(t time.Time) time.Time {
	c, ok := sim.SessionClose(t)
	if !ok {
		c, _ = sim.SessionClose(sim.NextOpenAt(t))
	}
	return c
}

// tryFill fills a working order when it is marketable: all legs at once at the touch.
func (b *Broker) tryFill(ord *order, legs []legPlan) {
	o := ord.Status.Order
	prices, net, why := b.touch(legs, o.Type == brokers.Market)
	if why != "" {
		if o.Type == brokers.Market {
			b.finishOrder(ord, brokers.Cancelled, "a market order could not fill: "+why)
		}
		return
	}
	if o.Type == brokers.Limit && net.GreaterThan(o.Limit) {
		return
	}
	if p := b.buyingPowerProblem(legs, prices); p != "" {
		b.finishOrder(ord, brokers.Cancelled, p)
		return
	}
	now := b.now()
	fills := make([]brokers.Fill, len(legs))
	for i, l := range legs {
		comm, fees := b.cfg.Commissions.costs(l.in, l.qty)
		fills[i] = brokers.Fill{ID: b.acct.fillID(), OrderID: ord.Status.ID, ClientID: o.ClientID, Time: now,
			Symbol: l.sym, Instrument: l.in, Quantity: l.qty, Price: prices[i], Commission: comm, Fees: fees}
		b.acct.trade(l.sym, l.in, l.qty, prices[i], comm.Add(fees), now)
	}
	b.acct.Fills = append(b.acct.Fills, fills...)
	ord.Status.State = brokers.Filled
	ord.Status.Filled = o.Quantity
	ord.Status.AvgPrice = net
	ord.Status.Updated = now
	b.acct.unsaved.order(ord)
	b.dirty = true
	b.emit(&brokers.FillEvent{Fills: fills})
	b.emit(&brokers.OrderEvent{Status: ord.Status})
}

func (b *Broker) finishOrder(ord *order, state brokers.OrderState, reason string) {
	ord.Status.State = state
	ord.Status.Reason = reason
	ord.Status.Updated = b.now()
	b.acct.unsaved.order(ord)
	b.dirty = true
	b.emit(&brokers.OrderEvent{Status: ord.Status})
}

// legsOf re-resolves a working order's legs.
func (b *Broker) legsOf(ord *order) []legPlan {
	o := ord.Status.Order
	legs := make([]legPlan, len(o.Legs))
	for i, l := range o.Legs {
		legs[i] = legPlan{sym: l.Symbol, in: l.Instrument, ratio: l.Ratio, qty: l.Ratio * o.Quantity}
	}
	return legs
}

// workOrders fills the working orders that became marketable and cancels those with an
// expired leg.
func (b *Broker) workOrders(now time.Time) {
	for _, ord := range b.acct.Orders {
		if ord.Status.State != brokers.Working {
			continue
		}
		expired := ""
		for _, l := range ord.Status.Order.Legs {
			if l.Instrument.HasExpiry() && !l.Instrument.Expiry.After(now) {
				expired = l.Symbol
			}
		}
		if expired != "" {
			b.finishOrder(ord, brokers.Cancelled, expired+" expired while the order worked")
			continue
		}
		b.tryFill(ord, b.legsOf(ord))
	}
}

// Replace changes a working order's limit, quantity, time in force or type; the legs and
// the order id stay. A replaced order that is now marketable fills at once.
func (b *Broker) Replace(ctx context.Context, orderID string, o brokers.Order) (brokers.OrderStatus, error) {
	var st brokers.OrderStatus
	err := b.run(ctx, true, func() error {
		ord := b.acct.findOrder(orderID)
		if ord == nil {
			return fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
		}
		if ord.Status.State != brokers.Working {
			st = ord.Status
			return &brokers.RejectedError{ClientID: ord.Status.Order.ClientID,
				Reason: fmt.Sprintf("order %s is %s and can no longer be replaced", orderID, ord.Status.State)}
		}
		next := ord.Status.Order
		next.Quantity, next.Limit, next.TIF, next.Type = o.Quantity, o.Limit, o.TIF, o.Type
		if o.Note != "" {
			next.Note = o.Note
		}
		legs, err := b.plan(next)
		if err == nil {
			if p := b.buyingPowerProblem(legs, nil); p != "" {
				err = &brokers.RejectedError{ClientID: next.ClientID, Reason: p}
			}
		}
		if err != nil {
			st = ord.Status
			return err
		}
		if next.Type == brokers.Market {
			next.Limit = decimal.Zero
		}
		ord.Status.Order = next
		ord.Status.Updated = b.now()
		b.acct.unsaved.order(ord)
		b.dirty = true
		b.emit(&brokers.OrderEvent{Status: ord.Status})
		b.tryFill(ord, legs)
		st = ord.Status
		return nil
	})
	return st, err
}

// Cancel cancels a working order.
func (b *Broker) Cancel(ctx context.Context, orderID string) error {
	return b.run(ctx, true, func() error {
		ord := b.acct.findOrder(orderID)
		if ord == nil {
			return fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
		}
		if ord.Status.State != brokers.Working {
			return &brokers.RejectedError{ClientID: ord.Status.Order.ClientID,
				Reason: fmt.Sprintf("order %s is already %s", orderID, ord.Status.State)}
		}
		b.finishOrder(ord, brokers.Cancelled, "cancelled by the trader")
		return nil
	})
}

// Orders lists the orders of the current session and every working order, oldest first.
func (b *Broker) Orders(ctx context.Context) ([]brokers.OrderStatus, error) {
	var out []brokers.OrderStatus
	err := b.run(ctx, true, func() error {
		today := nyDate(b.now())
		for _, o := range b.acct.Orders {
			if o.Status.State == brokers.Working || nyDate(o.Status.Updated) == today {
				out = append(out, o.Status)
			}
		}
		return nil
	})
	return out, err
}

// Fills lists the executions at or after since (market time), oldest first.
func (b *Broker) Fills(ctx context.Context, since time.Time) ([]brokers.Fill, error) {
	var out []brokers.Fill
	err := b.run(ctx, true, func() error {
		for _, f := range b.acct.Fills {
			if !f.Time.Before(since) {
				out = append(out, f)
			}
		}
		return nil
	})
	return out, err
}

// Settlements lists the expirations, assignments and exercises at or after since.
func (b *Broker) Settlements(ctx context.Context, since time.Time) ([]brokers.Settlement, error) {
	var out []brokers.Settlement
	err := b.run(ctx, true, func() error {
		for _, s := range b.acct.Settlements {
			if !s.Time.Before(since) {
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}
